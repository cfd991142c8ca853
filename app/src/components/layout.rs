//! The app shell: top bar, side navigation, content area.

use leptos::prelude::*;
use leptos_router::components::A;

use super::alert::ErrorPanel;

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
                // The accounts issue fills these in from the session.
                <span class="workspace-switcher" title="Workspace">
                    "No workspace"
                </span>
                <span class="user-chip">
                    <span class="avatar" aria-hidden="true">
                        "?"
                    </span>
                    <span class="user-name">"Not signed in"</span>
                </span>
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
