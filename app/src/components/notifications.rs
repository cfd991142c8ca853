//! The top bar's notifications menu, for holders of `audit.read`: how many alerts were raised
//! or repeated since the person last looked, the newest of them, the way to the alerts page and
//! "Mark all as read". A `<details>` element and a plain form, so it works before the page
//! hydrates too — and adds little to the bundle every page loads (the server function's
//! answer to a form brings the browser back to the page, drawn anew without the count).

use leptos::prelude::*;
use leptos_router::components::A;

use crate::api::accounts::me;
use leptos::server_fn::ServerFn;

use crate::api::audit::{unread_alerts, MarkAlertsRead};
use crate::csrf_page::CsrfField;
use crate::model::{AlertNotice, UnreadAlerts};
use crate::permissions::Permission;

const ALERTS_PAGE: &str = "/audit/alerts";

#[component]
pub fn NotificationsMenu() -> impl IntoView {
    let current = Resource::new(|| (), |_| me());
    // Asked again at each navigation (the view is drawn anew, so an open menu closes). On the
    // alerts page itself everything is seen.
    let path = leptos_router::hooks::use_location().pathname;
    let unread = Resource::new(
        move || path.get(),
        move |path| async move {
            match current.await {
                Ok(Some(u)) if u.can(Permission::AuditRead) => {
                    if path == ALERTS_PAGE {
                        return Some(UnreadAlerts::default());
                    }
                    unread_alerts().await.ok()
                }
                _ => None,
            }
        },
    );
    view! {
        <Suspense fallback=|| ()>
            {move || Suspend::new(async move { unread.await.map(menu) })}
        </Suspense>
    }
}

fn menu(unread: UnreadAlerts) -> AnyView {
    let n = unread.count;
    let label = match n {
        0 => "Notifications: no new alerts".to_owned(),
        1 => "Notifications: 1 new alert".to_owned(),
        n => format!("Notifications: {n} new alerts"),
    };
    let more = (n > unread.latest.len() as i64)
        .then(|| view! { <p class="notif-more muted">{format!("and {} more", n - unread.latest.len() as i64)}</p> });
    let body = if unread.latest.is_empty() {
        view! { <p class="notif-empty muted">"No new alerts."</p> }.into_any()
    } else {
        view! {
            <ul class="notif-list">{unread.latest.into_iter().map(item).collect_view()}</ul>
            {more}
        }
        .into_any()
    };
    view! {
        <details class="notif-menu">
            <summary class="btn btn-quiet" aria-label=label>
                <span class="notif-word" aria-hidden="true">"Alerts"</span>
                {(n > 0).then(|| view! { <span class="nav-count" aria-hidden="true">{n}</span> })}
            </summary>
            <div class="notif-panel">
                <p class="notif-heading">"New alerts"</p>
                {body}
                <div class="notif-actions">
                    <A href=ALERTS_PAGE>"All alerts"</A>
                    {(n > 0).then(|| view! {
                        <form method="post" action=MarkAlertsRead::PATH class="inline-form">
                            <CsrfField />
                            <button type="submit" class="btn btn-small">"Mark all as read"</button>
                        </form>
                    })}
                </div>
            </div>
        </details>
    }
    .into_any()
}

fn item(a: AlertNotice) -> impl IntoView {
    let repeated = (a.count > 1).then(|| format!(" ×{}", a.count));
    view! {
        <li data-alert=a.kind>
            <strong>{a.label}{repeated}</strong>
            <span>{a.summary}</span>
            <span class="muted">{a.last_at}</span>
        </li>
    }
}
