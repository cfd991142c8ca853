//! The app shell: top bar, side navigation, content area.

use leptos::prelude::*;
use leptos_router::components::A;

use super::alert::ErrorPanel;
use super::form::reload_to_on_success;
use crate::api::accounts::{me, SignOut};

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
                    <li>
                        <A href="/sessions">"Your sessions"</A>
                    </li>
                </ul>
            </nav>
            <main id="main" class="content" tabindex="-1">
                <ErrorBoundary fallback=|errors| {
                    view! { <ErrorPanel errors /> }
                }>{children()}</ErrorBoundary>
            </main>
        </div>
    }
}

/// The signed-in person and their workspace, or the way in.
#[component]
fn UserMenu() -> impl IntoView {
    let current = Resource::new(|| (), |_| me());
    let sign_out = ServerAction::<SignOut>::new();
    reload_to_on_success(sign_out.value(), "/signin");
    view! {
        <Suspense fallback=|| ()>
            {move || Suspend::new(async move {
                match current.await {
                    Ok(Some(user)) => {
                        let initial = user.name.chars().next().unwrap_or('?').to_string();
                        view! {
                            <span class="workspace-switcher" title="Workspace">
                                {user.workspace.name}
                            </span>
                            <span class="user-chip">
                                <span class="avatar" aria-hidden="true">
                                    {initial}
                                </span>
                                <span class="user-name">{user.name}</span>
                            </span>
                            <ActionForm action=sign_out attr:class="inline-form">
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
