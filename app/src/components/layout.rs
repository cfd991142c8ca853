//! The app shell: top bar, side navigation, content area.

use leptos::prelude::*;
use leptos_router::components::A;

use super::alert::ErrorPanel;
use super::form::reload_to_on_success;
use crate::api::accounts::{me, ResendVerification, SignOut, SwitchWorkspace};
use crate::csrf_page::CsrfField;
use crate::model::CurrentUser;

#[component]
pub fn AppShell(children: Children) -> impl IntoView {
    view! {
        <a class="skip-link" href="#main">
            "Skip to content"
        </a>
        <header class="topbar">
            <a class="brand" href="/">
                <span class="brand-mark" aria-hidden="true">
                    "G"
                </span>
                <span class="brand-name">"Gatehouse"</span>
            </a>
            <div class="topbar-end">
                <super::notifications::NotificationsMenu />
                <UserMenu />
            </div>
        </header>
        <div class="layout">
            <nav class="sidenav" aria-label="Main">
                <ul>
                    <li>
                        <A href="/" exact=true>
                            "Overview"
                        </A>
                    </li>
                    <li>
                        <A href="/workspaces">"Workspaces"</A>
                    </li>
                    <AdminNavLinks />
                    <li>
                        <A href="/sessions">"Your sessions"</A>
                    </li>
                    <li>
                        <A href="/account">"Your account"</A>
                    </li>
                </ul>
            </nav>
            <main id="main" class="content" tabindex="-1">
                <UnverifiedBanner />
                <ErrorBoundary fallback=|errors| {
                    view! { <ErrorPanel errors /> }
                }>{children()}</ErrorBoundary>
            </main>
        </div>
    }
}

/// "Customers", "Team" and "Security settings", for those who may use them (the server checks again on
/// every call).
#[component]
fn AdminNavLinks() -> impl IntoView {
    let current = Resource::new(|| (), |_| me());
    // The count of refunds waiting for approval, asked only by those who may decide them.
    let waiting = Resource::new(
        || (),
        |_| async {
            match me().await {
                Ok(Some(u)) if u.can(crate::permissions::Permission::OrdersRefund) => {
                    crate::api::payments::pending_approvals().await.ok()
                }
                _ => None,
            }
        },
    );
    view! {
        <Suspense fallback=|| ()>
            {move || Suspend::new(async move {
                use crate::permissions::Permission;
                let user = current.await.ok().flatten();
                let waiting = waiting.await;
                let can = |p| user.as_ref().is_some_and(|u| u.can(p));
                view! {
                    {can(Permission::CustomersRead)
                        .then(|| view! { <li><A href="/customers">"Customers"</A></li> })}
                    {can(Permission::QuotesRead)
                        .then(|| view! { <li><A href="/quotes">"Quotes"</A></li> })}
                    {can(Permission::OrdersRead)
                        .then(|| view! { <li><A href="/orders">"Orders"</A></li> })}
                    {waiting.map(|n| view! {
                        <li><A href="/approvals">"Approvals"{(n > 0).then(|| view! {
                            <span class="nav-count" aria-label=format!("{n} waiting")>{n}</span>
                        })}</A></li>
                    })}
                    {can(Permission::TicketsRead)
                        .then(|| view! { <li><A href="/tickets">"Tickets"</A></li> })}
                    {can(Permission::LicencesRead)
                        .then(|| view! { <li><A href="/licences">"Licences"</A></li> })}
                    {can(Permission::DocumentsRead)
                        .then(|| view! { <li><A href="/documents">"Documents"</A></li> })}
                    {can(Permission::ProductsRead)
                        .then(|| view! { <li><A href="/products">"Products"</A></li> })}
                    {can(Permission::ReportsRead)
                        .then(|| view! { <li><A href="/reports">"Reports"</A></li> })}
                    {can(Permission::TeamRead).then(|| view! { <li><A href="/team">"Team"</A></li> })}
                    {can(Permission::RolesRead).then(|| view! { <li><A href="/roles">"Roles"</A></li> })}
                    {can(Permission::AuditRead).then(|| view! { <li><A href="/audit">"Audit log"</A></li> })}
                    {can(Permission::PrivacyRead)
                        .then(|| view! { <li><A href="/privacy-requests">"Privacy"</A></li> })}
                    {can(Permission::SettingsWrite)
                        .then(|| view! { <li><A href="/settings" exact=true>"Security settings"</A></li> })}
                    {can(Permission::IntegrationsManage)
                        .then(|| view! { <li><A href="/settings/api-keys">"API keys"</A></li> })}
                    {can(Permission::IntegrationsManage)
                        .then(|| view! { <li><A href="/settings/webhooks">"Webhooks"</A></li> })}
                    {can(Permission::IntegrationsManage)
                        .then(|| view! { <li><A href="/settings/automations">"Automations"</A></li> })}
                }
            })}
        </Suspense>
    }
}

/// The signed-in person and their workspace, or the way in.
/// Reminders on every page: an address to confirm, a password about to expire or expired.
///
/// It asks for the signed-in person itself rather than sharing the top bar's resource: one
/// resource awaited by two `Suspense` blocks hung server rendering intermittently.
#[component]
fn UnverifiedBanner() -> impl IntoView {
    let current = Resource::new(|| (), |_| me());
    let resend = ServerAction::<ResendVerification>::new();
    let resent = resend.value();
    view! {
        <Suspense fallback=|| ()>
            {move || Suspend::new(async move {
                let user = current.await.ok().flatten()?;
                let expiry = password_notice(&user);
                let unverified = (!user.email_verified)
                    .then(|| {
                        view! {
                            <div class="alert alert-warning banner" role="status">
                                {format!(
                                    "Confirm your email address: we sent a link to {}. ",
                                    user.email,
                                )}
                                {move || match resent.get() {
                                    Some(Ok(())) => view! { <span>"We sent a new link."</span> }.into_any(),
                                    Some(Err(e)) => view! { <span>{e.to_string()}</span> }.into_any(),
                                    None => {
                                        view! {
                                            <ActionForm action=resend attr:class="inline-form">
                                                <CsrfField />
                                                <button type="submit" class="btn-link">"Send it again"</button>
                                            </ActionForm>
                                        }
                                            .into_any()
                                    }
                                }}
                            </div>
                        }
                    });
                let mfa = user
                    .mfa_enrolment_required
                    .then(|| {
                        view! {
                            <div class="alert alert-error banner" role="alert">
                                "Your workspace requires two-step sign-in. "
                                <a href="/account#two-step">"Set it up to continue"</a>
                            </div>
                        }
                    });
                Some(view! { {mfa} {expiry} {unverified} })
            })}
        </Suspense>
    }
}

/// The password-expiry reminder, if one is due.
fn password_notice(user: &CurrentUser) -> Option<AnyView> {
    let date = user.password_expires_at_ms.map(crate::model::utc_date)?;
    if user.password_expired {
        Some(
            view! {
                <div class="alert alert-error banner" role="alert">
                    "Your password has expired. "
                    <a href="/account">"Change it to continue"</a>
                </div>
            }
            .into_any(),
        )
    } else if user.password_expires_soon {
        Some(
            view! {
                <div class="alert alert-warning banner" role="status">
                    {format!("Your password expires on {date}. ")}
                    <a href="/account">"Change it now"</a>
                </div>
            }
            .into_any(),
        )
    } else {
        None
    }
}

#[component]
fn UserMenu() -> impl IntoView {
    let current = Resource::new(|| (), |_| me());
    let sign_out = ServerAction::<SignOut>::new();
    reload_to_on_success(sign_out.value(), "/signin");
    let switch = ServerAction::<SwitchWorkspace>::new();
    reload_to_on_success(switch.value(), "/");
    view! {
        <Suspense fallback=|| ()>
            {move || Suspend::new(async move {
                match current.await {
                    Ok(Some(user)) => {
                        let initial = user.name.chars().next().unwrap_or('?').to_string();
                        let name = user.name.clone();
                        // The company logo, from the download endpoint (the one door to files).
                        let logo = user.logo.as_ref().map(|id| {
                            let alt = format!("{} logo", user.workspace.name);
                            view! { <img class="workspace-logo" src=crate::model::logo_src(id) alt=alt /> }
                        });
                        view! {
                            {logo}
                            <WorkspaceSwitcher user switch />
                            <span class="user-chip">
                                <span class="avatar" aria-hidden="true">
                                    {initial}
                                </span>
                                <span class="user-name">{name}</span>
                            </span>
                            <ActionForm action=sign_out attr:class="inline-form">
                                <CsrfField />
                                <button type="submit" class="btn btn-quiet">
                                    "Sign out"
                                </button>
                            </ActionForm>
                        }
                            .into_any()
                    }
                    // Anonymous — or the check failed, which must not look like being signed in.
                    _ => {
                        view! {
                            <a class="btn btn-quiet" href="/signin">
                                "Sign in"
                            </a>
                            <a class="btn btn-primary" href="/signup">
                                "Create workspace"
                            </a>
                        }
                            .into_any()
                    }
                }
            })}
        </Suspense>
    }
}

/// The active workspace; opens to the person's other workspaces. A native `<details>`, so it
/// works before hydration and without JavaScript.
#[component]
fn WorkspaceSwitcher(user: CurrentUser, switch: ServerAction<SwitchWorkspace>) -> impl IntoView {
    let current = user.workspace.id.clone();
    let others = user
        .workspaces
        .into_iter()
        .filter(|w| w.id != current)
        .map(|w| {
            view! {
                <li>
                    <ActionForm action=switch>
                        <CsrfField />
                        <input type="hidden" name="workspace_id" value=w.id.as_str().to_owned() />
                        <button type="submit" class="switcher-item">
                            {w.name}
                        </button>
                    </ActionForm>
                </li>
            }
        })
        .collect::<Vec<_>>();
    let has_others = !others.is_empty();
    view! {
        <details class="workspace-switcher">
            <summary title="Switch workspace">{user.workspace.name}</summary>
            <div class="switcher-menu">
                <p class="switcher-title">"Switch to"</p>
                <ul>{others}</ul>
                {(!has_others).then(|| view! { <p class="muted">"No other workspaces"</p> })}
            </div>
        </details>
    }
}

/// A page's title row: heading, optional lead text, optional actions on the right.
#[component]
pub fn PageHeader(
    #[prop(into)] title: String,
    #[prop(optional, into)] lead: Option<String>,
) -> impl IntoView {
    view! {
        <div class="page-header">
            <h1>{title}</h1>
            {lead.map(|lead| view! { <p class="lead">{lead}</p> })}
        </div>
    }
}
