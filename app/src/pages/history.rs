//! A record's own history, as a card on its page: who changed what and when, field by field.
//! Shown to those who may read the audit log; everyone else gets no card and no call.

use leptos::prelude::*;

use crate::api::accounts::me;
use crate::api::audit::record_history;
use crate::model::utc_datetime;
use crate::permissions::Permission;

#[component]
pub fn HistoryCard(
    /// The record's id. The card is made anew whenever its page re-reads the record, so it
    /// follows each change.
    target: String,
    /// Whether the record has sensitive fields: the card then links to who was shown them.
    #[prop(optional)]
    sensitive: bool,
) -> impl IntoView {
    let reads = sensitive.then(|| format!("/audit/sensitive?record={target}"));
    let history = Resource::new(
        move || target.clone(),
        |target| async move {
            match me().await {
                Ok(Some(u)) if u.can(Permission::AuditRead) => record_history(target).await.ok(),
                _ => None,
            }
        },
    );
    view! {
        <Transition fallback=|| ()>
            {move || {
                let reads = reads.clone();
                Suspend::new(async move {
                    history.await.map(|entries| {
                        let items = entries
                            .into_iter()
                            .map(|e| {
                                let fields = e
                                    .fields
                                    .into_iter()
                                    .map(|(field, before, after)| view! {
                                        <li><span class="muted">{field}": "</span>{before}" → "{after}</li>
                                    })
                                    .collect_view();
                                view! {
                                    <li>
                                        <strong>{e.action}</strong>" · "{e.actor.unwrap_or_default()}" · "
                                        <span class="muted">{utc_datetime(e.at_ms)}</span>
                                        <ul class="history-fields">{fields}</ul>
                                    </li>
                                }
                            })
                            .collect_view();
                        view! {
                            <section class="card" aria-labelledby="history-heading">
                                <h2 id="history-heading">"History"</h2>
                                <ol class="history">{items}</ol>
                                {reads.map(|href| view! {
                                    <p><a href=href>"Who was shown its sensitive fields →"</a></p>
                                })}
                            </section>
                        }
                    })
                })
            }}
        </Transition>
    }
}
