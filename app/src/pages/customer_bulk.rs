//! The customer list's bulk actions, for those whose role allows bulk work: assign the chosen
//! customers to one person and team, or delete them (asked twice, with the count).

use leptos::prelude::*;

use crate::api::customers::{get_customer_form_options, BulkAssignCustomers, BulkDeleteCustomers};
use crate::components::alert::FormAlert;
use crate::components::bulk::{BulkBar, ConfirmStep, Selected, SelectedIds};
use crate::components::form::{field_error, SelectField};
use crate::csrf_page::CsrfField;

/// The actions, made by the list page so it can read the list again after each.
#[derive(Clone, Copy)]
pub struct BulkActions {
    pub assign: ServerAction<BulkAssignCustomers>,
    pub delete: ServerAction<BulkDeleteCustomers>,
}

impl BulkActions {
    pub fn new(selected: Selected) -> Self {
        let actions = Self {
            assign: ServerAction::new(),
            delete: ServerAction::new(),
        };
        // A done action empties the selection: the list is read again and may have changed.
        Effect::new(move |_| {
            let assigned = matches!(actions.assign.value().get(), Some(Ok(_)));
            let deleted = matches!(actions.delete.value().get(), Some(Ok(_)));
            if assigned || deleted {
                selected.clear();
            }
        });
        actions
    }

    /// Changes whenever an action has answered.
    pub fn version(&self) -> (usize, usize) {
        (self.assign.version().get(), self.delete.version().get())
    }
}

/// What the last action did, for the status line.
fn outcome(a: BulkActions) -> Option<String> {
    let plural = |n: usize| if n == 1 { "customer" } else { "customers" };
    if let Some(Ok(n)) = a.assign.value().get() {
        return Some(format!("Assigned {n} {}.", plural(n)));
    }
    if let Some(Ok(n)) = a.delete.value().get() {
        return Some(format!("Deleted {n} {}.", plural(n)));
    }
    None
}

/// Assign to a person and team; its choices load when the bar first shows (in the browser,
/// once something is chosen), so the list page costs nothing more to render.
#[component]
fn AssignForm(selected: Selected, a: BulkActions) -> impl IntoView {
    let options = Resource::new(|| (), |_| get_customer_form_options());
    view! {
        <Suspense fallback=|| ()>
            {move || Suspend::new(async move {
                let o = options.await.ok()?;
                let members: Vec<(String, String)> = o
                    .members
                    .into_iter()
                    .map(|m| (m.user_id.as_str().to_owned(), m.label))
                    .collect();
                let teams: Vec<(String, String)> =
                    o.teams.into_iter().map(|t| (t.id.as_str().to_owned(), t.name)).collect();
                Some(view! {
                    <ActionForm action=a.assign attr:class="bulk-form" attr:novalidate=true>
                        <CsrfField />
                        <SelectedIds selected />
                        <SelectField label="Assign to" name="assigned_user_id" choices=members empty="Me" error=field_error(a.assign.value(), "assigned_user_id") />
                        <SelectField label="Team" name="team_id" choices=teams empty="No team" error=field_error(a.assign.value(), "team_id") />
                        <button type="submit" class="btn btn-primary" disabled=move || a.assign.pending().get()>
                            {move || format!("Assign {}", selected.counted("customer"))}
                        </button>
                    </ActionForm>
                })
            })}
        </Suspense>
    }
}

#[component]
pub fn CustomerBulkBar(
    selected: Selected,
    actions: BulkActions,
    /// Holds `customers.write`.
    may_assign: bool,
    /// Holds `customers.delete`.
    may_delete: bool,
) -> impl IntoView {
    let a = actions;
    let error = Signal::derive(move || {
        a.assign
            .value()
            .get()
            .and_then(Result::err)
            .or_else(|| a.delete.value().get().and_then(Result::err))
    });
    view! {
        <BulkBar selected noun="customer">
            {may_assign.then(|| view! { <AssignForm selected a /> })}
            {may_delete.then(|| view! {
                <ActionForm action=a.delete attr:class="bulk-form" attr:novalidate=true>
                    <CsrfField />
                    <SelectedIds selected />
                    <ConfirmStep selected noun="customer" verb="Delete" pending=a.delete.pending() />
                </ActionForm>
            })}
        </BulkBar>
        <FormAlert error />
        {move || outcome(a).map(|text| view! { <p class="alert alert-success" role="status">{text}</p> })}
    }
}
