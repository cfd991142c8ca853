//! The customer list's bulk actions, for those whose role allows bulk work: assign the chosen
//! customers to one person and team, put a tag on them, or delete them (asked twice, with the
//! count).

use leptos::prelude::*;

use crate::api::customer_parts::BulkTagCustomers;
use crate::api::customers::{get_customer_form_options, BulkAssignCustomers, BulkDeleteCustomers};
use crate::components::alert::FormAlert;
use crate::components::bulk::{counted, BulkBar, ConfirmStep, Selected, SelectedIds};
use crate::components::form::{field_error, SelectField, TextField};
use crate::csrf_page::CsrfField;
use crate::error::AppError;

/// The actions, made by the list page so it can read the list again after each, and what the
/// last of them answered.
#[derive(Clone, Copy)]
pub struct BulkActions {
    pub assign: ServerAction<BulkAssignCustomers>,
    pub tag: ServerAction<BulkTagCustomers>,
    pub delete: ServerAction<BulkDeleteCustomers>,
    last: RwSignal<Option<Result<String, AppError>>>,
}

impl BulkActions {
    pub fn new(selected: Selected) -> Self {
        let actions = Self {
            assign: ServerAction::new(),
            tag: ServerAction::new(),
            delete: ServerAction::new(),
            last: RwSignal::new(None),
        };
        // Each answer replaces the one before; a done action empties the selection, since the
        // list is read again and may have changed.
        let answered = move |answer: Result<usize, AppError>, done: &'static str| {
            if answer.is_ok() {
                selected.clear();
            }
            actions.last.set(Some(
                answer.map(|n| format!("{done} {}.", counted(n, "customer"))),
            ));
        };
        Effect::new(move |_| {
            if let Some(answer) = actions.assign.value().get() {
                answered(answer, "Assigned");
            }
        });
        Effect::new(move |_| {
            if let Some(answer) = actions.tag.value().get() {
                answered(answer, "Tagged");
            }
        });
        Effect::new(move |_| {
            if let Some(answer) = actions.delete.value().get() {
                answered(answer, "Deleted");
            }
        });
        actions
    }

    /// Changes whenever an action has answered.
    pub fn version(&self) -> (usize, usize, usize) {
        (
            self.assign.version().get(),
            self.tag.version().get(),
            self.delete.version().get(),
        )
    }
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
    let error = Signal::derive(move || a.last.get().and_then(Result::err));
    view! {
        <BulkBar selected noun="customer">
            {may_assign.then(|| view! { <AssignForm selected a /> })}
            {may_assign.then(|| view! {
                <ActionForm action=a.tag attr:class="bulk-form" attr:novalidate=true>
                    <CsrfField />
                    <SelectedIds selected />
                    <TextField label="Tag" name="tag" error=field_error(a.tag.value(), "tag") maxlength=40 />
                    <button type="submit" class="btn" disabled=move || a.tag.pending().get()>
                        {move || format!("Tag {}", selected.counted("customer"))}
                    </button>
                </ActionForm>
            })}
            {may_delete.then(|| view! {
                <ActionForm action=a.delete attr:class="bulk-form" attr:novalidate=true>
                    <CsrfField />
                    <SelectedIds selected />
                    <ConfirmStep selected noun="customer" verb="Delete" pending=a.delete.pending() />
                </ActionForm>
            })}
        </BulkBar>
        <FormAlert error />
        {move || a.last.get().and_then(Result::ok).map(|text| view! { <p class="alert alert-success" role="status">{text}</p> })}
    }
}
