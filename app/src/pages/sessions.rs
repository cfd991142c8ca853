use crate::components::raw_text::Title;
use leptos::prelude::*;

use crate::api::sessions::{list_sessions, RevokeOtherSessions, RevokeSession};
use crate::components::alert::list_error;
use crate::components::layout::PageHeader;
use crate::components::table::{DataTable, RowAction, ACTIONS};
use crate::csrf_page::CsrfField;
use crate::model::{utc_datetime, SessionInfo};

#[component]
pub fn SessionsPage() -> impl IntoView {
    let revoke = ServerAction::<RevokeSession>::new();
    let revoke_others = ServerAction::<RevokeOtherSessions>::new();
    // Reload the list after every revocation.
    let sessions = Resource::new(
        move || (revoke.version().get(), revoke_others.version().get()),
        |_| list_sessions(),
    );
    view! {
        <Title text="Your sessions · Gatehouse" />
        <PageHeader
            title="Your sessions"
            lead="Everywhere you are signed in. End any you do not recognise."
        />
        <section class="card">
            <Suspense fallback=|| view! { <p class="muted">"Loading sessions…"</p> }>
                {move || Suspend::new(async move {
                    match sessions.await {
                        Ok(list) => view! { <SessionTable list revoke revoke_others /> }.into_any(),
                        Err(e) => list_error(e, "your sessions"),
                    }
                })}
            </Suspense>
        </section>
    }
}

#[component]
fn SessionTable(
    list: Vec<SessionInfo>,
    revoke: ServerAction<RevokeSession>,
    revoke_others: ServerAction<RevokeOtherSessions>,
) -> impl IntoView {
    let others = list.iter().filter(|s| !s.current).count();
    let rows = list
        .into_iter()
        .map(|s| {
            let ip = s.ip.clone().unwrap_or_else(|| "—".to_owned());
            view! {
                <tr>
                    <td class="strong">
                        {s.device.clone()}
                        {s.current.then(|| view! { <span class="badge">"This session"</span> })}
                    </td>
                    <td>
                        <code>{ip}</code>
                    </td>
                    <td class="muted">{utc_datetime(s.created_at_ms)}</td>
                    <td class="muted">{utc_datetime(s.last_seen_at_ms)}</td>
                    <td>
                        {(!s.current)
                            .then(|| {
                                view! {
                                    <RowAction
                                        action=revoke
                                        fields=vec![("handle", s.handle.clone())]
                                        label="Sign out"
                                    />
                                }
                            })}
                    </td>
                </tr>
            }
        })
        .collect::<Vec<_>>();
    view! {
        <DataTable
            columns=&["Browser", "IP address", "Signed in", "Last active", ACTIONS]
            rows
            empty="No sessions."
            class="sessions"
        />
        <Show when=move || { others > 0 }>
            <ActionForm action=revoke_others attr:class="form-actions">
                <CsrfField />
                <button type="submit" class="btn">
                    "Sign out all other sessions"
                </button>
            </ActionForm>
        </Show>
    }
}
