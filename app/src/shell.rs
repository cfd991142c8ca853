//! The HTML document and the root component with its routes.

use leptos::prelude::*;
use leptos_meta::{provide_meta_context, Link, MetaTags, Stylesheet};
use leptos_router::components::{Route, Router, Routes};
use leptos_router::{path, SsrMode};

use crate::components::layout::AppShell;
use crate::pages::{
    access::AccessPage,
    account::AccountPage,
    audit::AuditPage,
    customers::{CustomerPage, CustomersPage, NewCustomerPage},
    forgot_password::ForgotPasswordPage,
    invitation::InvitationPage,
    not_found::NotFound,
    overview::Overview,
    reset_password::ResetPasswordPage,
    role_editor::RoleEditorPage,
    roles::RolesPage,
    sessions::SessionsPage,
    settings::SettingsPage,
    sign_in::SecondFactorPage,
    sign_in::SignInPage,
    sign_up::SignUpPage,
    team::TeamPage,
    teams::TeamsPage,
    verify_email::VerifyEmailPage,
    workspaces::WorkspacesPage,
};

/// The whole document, rendered on the server. Scripts carry the request's CSP nonce (the
/// server binary provides it as [`leptos::nonce::Nonce`]).
pub fn shell(options: LeptosOptions) -> impl IntoView {
    view! {
        <!DOCTYPE html>
        <html lang="en">
            <head>
                <meta charset="utf-8" />
                <meta name="viewport" content="width=device-width, initial-scale=1" />
                <meta name="color-scheme" content="light" />
                // Read by the server-function client; the shell renders only on the server.
                <meta name=crate::csrf::META_NAME content=crate::csrf::page_token() />
                <AutoReload options=options.clone() />
                <HydrationScripts options />
                <MetaTags />
            </head>
            <body>
                <App />
            </body>
        </html>
    }
}

#[component]
pub fn App() -> impl IntoView {
    provide_meta_context();

    // Effects run only in the browser, so this attribute appears once the page has hydrated:
    // end-to-end tests wait for it before they click. Content inside `<Transition>` hydrates
    // in tasks of its own (microtasks, its data already in the page), which may run after this
    // effect; a zero-delay timeout runs after them, so the attribute also means "the event
    // handlers in suspended content are attached" — a click before that posts the plain form.
    Effect::new(move |_| {
        set_timeout(
            || {
                if let Some(root) = document().document_element() {
                    let _ = root.set_attribute("data-hydrated", "true");
                }
            },
            std::time::Duration::ZERO,
        );
    });

    view! {
        <Stylesheet id="leptos" href="/pkg/gatehouse.css" />
        <Link rel="icon" href="/favicon.svg" type_="image/svg+xml" />
        <Router>
            <AppShell>
                // Async SSR: pages arrive complete, so they read well without JavaScript.
                <Routes fallback=|| view! { <NotFound /> }>
                    <Route path=path!("/") view=Overview ssr=SsrMode::Async />
                    <Route path=path!("/workspaces") view=WorkspacesPage ssr=SsrMode::Async />
                    <Route path=path!("/customers") view=CustomersPage ssr=SsrMode::Async />
                    <Route path=path!("/customers/new") view=NewCustomerPage ssr=SsrMode::Async />
                    <Route path=path!("/customers/:id") view=CustomerPage ssr=SsrMode::Async />
                    <Route path=path!("/signup") view=SignUpPage ssr=SsrMode::Async />
                    <Route path=path!("/signin") view=SignInPage ssr=SsrMode::Async />
                    <Route path=path!("/signin/verify") view=SecondFactorPage ssr=SsrMode::Async />
                    <Route path=path!("/sessions") view=SessionsPage ssr=SsrMode::Async />
                    <Route path=path!("/account") view=AccountPage ssr=SsrMode::Async />
                    <Route path=path!("/team") view=TeamPage ssr=SsrMode::Async />
                    <Route path=path!("/team/access/:id") view=AccessPage ssr=SsrMode::Async />
                    <Route path=path!("/team/groups") view=TeamsPage ssr=SsrMode::Async />
                    <Route path=path!("/roles") view=RolesPage ssr=SsrMode::Async />
                    <Route path=path!("/audit") view=AuditPage ssr=SsrMode::Async />
                    <Route path=path!("/roles/new") view=RoleEditorPage ssr=SsrMode::Async />
                    <Route path=path!("/roles/:id") view=RoleEditorPage ssr=SsrMode::Async />
                    <Route path=path!("/settings") view=SettingsPage ssr=SsrMode::Async />
                    <Route path=path!("/invitation") view=InvitationPage ssr=SsrMode::Async />
                    <Route path=path!("/forgot-password") view=ForgotPasswordPage ssr=SsrMode::Async />
                    <Route path=path!("/reset-password") view=ResetPasswordPage ssr=SsrMode::Async />
                    <Route path=path!("/verify-email") view=VerifyEmailPage ssr=SsrMode::Async />
                </Routes>
            </AppShell>
        </Router>
    }
}
