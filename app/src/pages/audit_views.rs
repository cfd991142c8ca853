//! The audit log's other views under `/audit/:view` — security events, the sensitive-data
//! reads, the alerts, the backups register and the other registers — behind one lazy route: each route costs the first download its share of the
//! router, and these pages are read by few.

use leptos::prelude::*;
use leptos_router::hooks::use_params_map;

use super::alerts::AlertsPage;
use super::backups::BackupsPage;
use super::not_found::NotFound;
use super::registers::RegistersPage;
use super::security::SecurityPage;
use super::sensitive_reads::SensitiveReadsPage;

#[component]
pub fn AuditViewPage() -> impl IntoView {
    let params = use_params_map();
    move || match params.read().get("view").as_deref() {
        Some("security") => view! { <SecurityPage /> }.into_any(),
        Some("sensitive") => view! { <SensitiveReadsPage /> }.into_any(),
        Some("alerts") => view! { <AlertsPage /> }.into_any(),
        Some("backups") => view! { <BackupsPage /> }.into_any(),
        Some("registers") => view! { <RegistersPage /> }.into_any(),
        _ => view! { <NotFound /> }.into_any(),
    }
}
