//! The HTML document and the root component with its routes.

use leptos::prelude::*;
use leptos_meta::{provide_meta_context, Link, MetaTags, Stylesheet};
use leptos_router::components::{Route, Router, Routes};
use leptos_router::{lazy_route, path, Lazy, LazyRoute, SsrMode};

use crate::components::hydrated::mark_hydrated;
use crate::components::layout::AppShell;
use crate::pages::{
    access::AccessPage,
    account::AccountPage,
    api_keys::ApiKeysPage,
    approvals::ApprovalsPage,
    audit::AuditPage,
    audit_views::AuditViewPage,
    automations::AutomationsRoutePage,
    customers::{CustomerPage, CustomersPage, NewCustomerPage},
    exports::ExportPage,
    forgot_password::ForgotPasswordPage,
    groups::GroupsPage,
    imports::{CustomerImportPage, CustomerImportRunPage, ProductImportPage, ProductImportRunPage},
    invitation::InvitationPage,
    library::{detail::DocumentPage, new::NewDocumentPage, LibraryPage},
    licences::{detail::LicencePage, new::NewLicencePage, LicencesPage},
    members::MembersPage,
    not_found::NotFound,
    orders::{detail::OrderPage, new::NewOrderPage, OrdersPage},
    overview::Overview,
    privacy_form::PrivacyFormPage,
    privacy_requests::PrivacyRoutePage,
    products::{NewProductPage, ProductPage, ProductsPage},
    quotes::{detail::QuotePage, new::NewQuotePage, QuotesPage},
    reports::ReportsPage,
    reset_password::ResetPasswordPage,
    reviews::ReviewsRoutePage,
    role_editor::RoleEditorPage,
    roles::RolesPage,
    sessions::SessionsPage,
    settings::SettingsPage,
    sign_in::SecondFactorPage,
    sign_in::SignInPage,
    sign_up::SignUpPage,
    tickets::{detail::TicketPage, new::NewTicketPage, TicketsPage},
    verify_email::VerifyEmailPage,
    webhooks::WebhooksRoutePage,
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
                <meta name=crate::csrf_page::META_NAME content=crate::csrf_page::page_token() />
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

/// A page whose code the browser loads when it is first visited, not with the first page: the
/// wasm is split at each of these (`cargo leptos build --split`), so the bundle a visitor
/// downloads first does not grow with every page. The page's data still comes with the
/// server-rendered HTML; only its code arrives in a chunk of its own.
macro_rules! lazy_pages {
    ($($route:ident => $page:ident,)*) => {
        $(
            struct $route;

            #[lazy_route]
            impl LazyRoute for $route {
                fn data() -> Self {
                    Self
                }

                fn view(this: Self) -> AnyView {
                    let $route = this;
                    mark_hydrated();
                    view! { <$page /> }.into_any()
                }
            }
        )*
    };
}

lazy_pages! {
    OverviewRoute => Overview,
    WorkspacesRoute => WorkspacesPage,
    CustomersRoute => CustomersPage,
    NewCustomerRoute => NewCustomerPage,
    CustomerImportRoute => CustomerImportPage,
    CustomerImportRunRoute => CustomerImportRunPage,
    CustomerRoute => CustomerPage,
    ProductsRoute => ProductsPage,
    NewProductRoute => NewProductPage,
    ProductImportRoute => ProductImportPage,
    ProductImportRunRoute => ProductImportRunPage,
    ProductRoute => ProductPage,
    QuotesRoute => QuotesPage,
    NewQuoteRoute => NewQuotePage,
    QuoteRoute => QuotePage,
    OrdersRoute => OrdersPage,
    NewOrderRoute => NewOrderPage,
    OrderRoute => OrderPage,
    ApprovalsRoute => ApprovalsPage,
    LicencesRoute => LicencesPage,
    NewLicenceRoute => NewLicencePage,
    LicenceRoute => LicencePage,
    LibraryRoute => LibraryPage,
    NewDocumentRoute => NewDocumentPage,
    DocumentRoute => DocumentPage,
    TicketsRoute => TicketsPage,
    NewTicketRoute => NewTicketPage,
    TicketRoute => TicketPage,
    ReportsRoute => ReportsPage,
    ExportRoute => ExportPage,
    SignUpRoute => SignUpPage,
    SignInRoute => SignInPage,
    SecondFactorRoute => SecondFactorPage,
    SessionsRoute => SessionsPage,
    AccountRoute => AccountPage,
    MembersRoute => MembersPage,
    AccessRoute => AccessPage,
    GroupsRoute => GroupsPage,
    ReviewsRoute => ReviewsRoutePage,
    PrivacyRoute => PrivacyRoutePage,
    PrivacyFormRoute => PrivacyFormPage,
    RolesRoute => RolesPage,
    AuditRoute => AuditPage,
    AuditViewRoute => AuditViewPage,
    RoleEditorRoute => RoleEditorPage,
    SettingsRoute => SettingsPage,
    ApiKeysRoute => ApiKeysPage,
    WebhooksRoute => WebhooksRoutePage,
    AutomationsRoute => AutomationsRoutePage,
    InvitationRoute => InvitationPage,
    ForgotPasswordRoute => ForgotPasswordPage,
    ResetPasswordRoute => ResetPasswordPage,
    VerifyEmailRoute => VerifyEmailPage,
}

#[component]
pub fn App() -> impl IntoView {
    provide_meta_context();

    view! {
        <Stylesheet id="leptos" href="/pkg/gatehouse.css" />
        <Link rel="icon" href="/favicon.svg" type_="image/svg+xml" />
        <Router>
            <AppShell>
                // Async SSR: pages arrive complete, so they read well without JavaScript.
                <Routes fallback=|| view! { <NotFound /> }>
                    <Route path=path!("/") view={Lazy::<OverviewRoute>::new()} ssr=SsrMode::Async />
                    <Route path=path!("/workspaces") view={Lazy::<WorkspacesRoute>::new()} ssr=SsrMode::Async />
                    <Route path=path!("/customers") view={Lazy::<CustomersRoute>::new()} ssr=SsrMode::Async />
                    <Route path=path!("/customers/new") view={Lazy::<NewCustomerRoute>::new()} ssr=SsrMode::Async />
                    <Route path=path!("/customers/import") view={Lazy::<CustomerImportRoute>::new()} ssr=SsrMode::Async />
                    <Route path=path!("/customers/import/:id") view={Lazy::<CustomerImportRunRoute>::new()} ssr=SsrMode::Async />
                    <Route path=path!("/customers/:id") view={Lazy::<CustomerRoute>::new()} ssr=SsrMode::Async />
                    <Route path=path!("/products") view={Lazy::<ProductsRoute>::new()} ssr=SsrMode::Async />
                    <Route path=path!("/products/new") view={Lazy::<NewProductRoute>::new()} ssr=SsrMode::Async />
                    <Route path=path!("/products/import") view={Lazy::<ProductImportRoute>::new()} ssr=SsrMode::Async />
                    <Route path=path!("/products/import/:id") view={Lazy::<ProductImportRunRoute>::new()} ssr=SsrMode::Async />
                    <Route path=path!("/exports/:list/:id") view={Lazy::<ExportRoute>::new()} ssr=SsrMode::Async />
                    <Route path=path!("/products/:id") view={Lazy::<ProductRoute>::new()} ssr=SsrMode::Async />
                    <Route path=path!("/quotes") view={Lazy::<QuotesRoute>::new()} ssr=SsrMode::Async />
                    <Route path=path!("/quotes/new") view={Lazy::<NewQuoteRoute>::new()} ssr=SsrMode::Async />
                    <Route path=path!("/quotes/:id") view={Lazy::<QuoteRoute>::new()} ssr=SsrMode::Async />
                    <Route path=path!("/orders") view={Lazy::<OrdersRoute>::new()} ssr=SsrMode::Async />
                    <Route path=path!("/orders/new") view={Lazy::<NewOrderRoute>::new()} ssr=SsrMode::Async />
                    <Route path=path!("/orders/:id") view={Lazy::<OrderRoute>::new()} ssr=SsrMode::Async />
                    <Route path=path!("/approvals") view={Lazy::<ApprovalsRoute>::new()} ssr=SsrMode::Async />
                    <Route path=path!("/licences") view={Lazy::<LicencesRoute>::new()} ssr=SsrMode::Async />
                    <Route path=path!("/licences/new") view={Lazy::<NewLicenceRoute>::new()} ssr=SsrMode::Async />
                    <Route path=path!("/licences/:id") view={Lazy::<LicenceRoute>::new()} ssr=SsrMode::Async />
                    <Route path=path!("/documents") view={Lazy::<LibraryRoute>::new()} ssr=SsrMode::Async />
                    <Route path=path!("/documents/new") view={Lazy::<NewDocumentRoute>::new()} ssr=SsrMode::Async />
                    <Route path=path!("/documents/:id") view={Lazy::<DocumentRoute>::new()} ssr=SsrMode::Async />
                    <Route path=path!("/tickets") view={Lazy::<TicketsRoute>::new()} ssr=SsrMode::Async />
                    <Route path=path!("/tickets/new") view={Lazy::<NewTicketRoute>::new()} ssr=SsrMode::Async />
                    <Route path=path!("/tickets/:id") view={Lazy::<TicketRoute>::new()} ssr=SsrMode::Async />
                    <Route path=path!("/reports") view={Lazy::<ReportsRoute>::new()} ssr=SsrMode::Async />
                    <Route path=path!("/signup") view={Lazy::<SignUpRoute>::new()} ssr=SsrMode::Async />
                    <Route path=path!("/signin") view={Lazy::<SignInRoute>::new()} ssr=SsrMode::Async />
                    <Route path=path!("/signin/verify") view={Lazy::<SecondFactorRoute>::new()} ssr=SsrMode::Async />
                    <Route path=path!("/sessions") view={Lazy::<SessionsRoute>::new()} ssr=SsrMode::Async />
                    <Route path=path!("/account") view={Lazy::<AccountRoute>::new()} ssr=SsrMode::Async />
                    <Route path=path!("/team") view={Lazy::<MembersRoute>::new()} ssr=SsrMode::Async />
                    <Route path=path!("/team/access/:id") view={Lazy::<AccessRoute>::new()} ssr=SsrMode::Async />
                    <Route path=path!("/team/groups") view={Lazy::<GroupsRoute>::new()} ssr=SsrMode::Async />
                    <Route path=path!("/team/reviews/:id?") view={Lazy::<ReviewsRoute>::new()} ssr=SsrMode::Async />
                    <Route path=path!("/roles") view={Lazy::<RolesRoute>::new()} ssr=SsrMode::Async />
                    <Route path=path!("/audit") view={Lazy::<AuditRoute>::new()} ssr=SsrMode::Async />
                    <Route path=path!("/audit/:view") view={Lazy::<AuditViewRoute>::new()} ssr=SsrMode::Async />
                    <Route path=path!("/roles/new") view={Lazy::<RoleEditorRoute>::new()} ssr=SsrMode::Async />
                    <Route path=path!("/roles/:id") view={Lazy::<RoleEditorRoute>::new()} ssr=SsrMode::Async />
                    <Route path=path!("/settings") view={Lazy::<SettingsRoute>::new()} ssr=SsrMode::Async />
                    <Route path=path!("/settings/api-keys") view={Lazy::<ApiKeysRoute>::new()} ssr=SsrMode::Async />
                    <Route path=path!("/settings/webhooks/:id?") view={Lazy::<WebhooksRoute>::new()} ssr=SsrMode::Async />
                    <Route path=path!("/settings/automations/:id?") view={Lazy::<AutomationsRoute>::new()} ssr=SsrMode::Async />
                    <Route path=path!("/invitation") view={Lazy::<InvitationRoute>::new()} ssr=SsrMode::Async />
                    <Route path=path!("/forgot-password") view={Lazy::<ForgotPasswordRoute>::new()} ssr=SsrMode::Async />
                    <Route path=path!("/reset-password") view={Lazy::<ResetPasswordRoute>::new()} ssr=SsrMode::Async />
                    <Route path=path!("/verify-email") view={Lazy::<VerifyEmailRoute>::new()} ssr=SsrMode::Async />
                    <Route path=path!("/privacy-requests/:id?") view={Lazy::<PrivacyRoute>::new()} ssr=SsrMode::Async />
                    <Route path=path!("/privacy/:slug") view={Lazy::<PrivacyFormRoute>::new()} ssr=SsrMode::Async />
                </Routes>
            </AppShell>
        </Router>
    }
}
