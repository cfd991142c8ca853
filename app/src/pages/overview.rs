use crate::components::raw_text::Title;
use leptos::prelude::*;

use crate::api::workspaces::list_workspaces;
use crate::components::layout::PageHeader;

#[component]
pub fn Overview() -> impl IntoView {
    let workspaces = Resource::new(|| (), |_| list_workspaces());
    view! {
        <Title text="Overview · Gatehouse" />
        <PageHeader
            title="Overview"
            lead="A CRM where every workspace stays sealed, every permission is explicit and every change is on the record."
        />
        <div class="card-grid">
            <a class="card stat-card" href="/workspaces">
                <span class="stat-label">"Your workspaces"</span>
                <Suspense fallback=|| view! { <span class="stat-value muted">"…"</span> }>
                    {move || Suspend::new(async move {
                        // Signed out (or failing): a dash, never a number that could mislead.
                        let count = workspaces
                            .await
                            .map_or_else(|_| "–".to_owned(), |list| list.len().to_string());
                        view! { <span class="stat-value">{count}</span> }
                    })}
                </Suspense>
                <span class="stat-foot">"See your workspaces →"</span>
            </a>
            <section class="card">
                <h2>"Built for access governance"</h2>
                <ul class="checklist">
                    <li>"Workspaces that never see each other's records"</li>
                    <li>"Roles built from permission keys, with data scopes"</li>
                    <li>"Strong sign-in: argon2id, authenticator codes, tracked sessions"</li>
                    <li>"An audit trail of who did what, when and from where"</li>
                </ul>
            </section>
        </div>
    }
}
