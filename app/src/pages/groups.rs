//! Teams and departments: who is in which, behind the `team` and `department` data scopes.

use crate::components::raw_text::Title;
use leptos::prelude::*;

use crate::api::accounts::me;
use crate::api::groups::{
    list_groups, AddTeamMember, CreateDepartment, CreateTeam, DeleteDepartment, DeleteTeam,
    RemoveTeamMember, SetDepartment,
};
use crate::components::alert::{list_error, FormAlert};
use crate::components::form::{cleared_on_success, field_error, SubmitButton, TextField};
use crate::components::layout::PageHeader;
use crate::components::table::RowAction;
use crate::csrf_page::CsrfField;
use crate::error::AppError;
use crate::model::{GroupView, MemberOption};
use crate::permissions::Permission;

#[derive(Clone, Copy)]
struct Actions {
    create_team: ServerAction<CreateTeam>,
    delete_team: ServerAction<DeleteTeam>,
    add: ServerAction<AddTeamMember>,
    remove: ServerAction<RemoveTeamMember>,
    create_department: ServerAction<CreateDepartment>,
    delete_department: ServerAction<DeleteDepartment>,
    set_department: ServerAction<SetDepartment>,
}

impl Actions {
    fn version(&self) -> [usize; 7] {
        [
            self.create_team.version().get(),
            self.delete_team.version().get(),
            self.add.version().get(),
            self.remove.version().get(),
            self.create_department.version().get(),
            self.delete_department.version().get(),
            self.set_department.version().get(),
        ]
    }

    /// The last refusal of a row action, shown once above the lists.
    fn row_error(&self) -> Option<AppError> {
        [
            self.delete_team.value().get(),
            self.add.value().get(),
            self.remove.value().get(),
            self.delete_department.value().get(),
            self.set_department.value().get(),
        ]
        .into_iter()
        .flatten()
        .find_map(Result::err)
    }
}

#[component]
pub fn GroupsPage() -> impl IntoView {
    let actions = Actions {
        create_team: ServerAction::new(),
        delete_team: ServerAction::new(),
        add: ServerAction::new(),
        remove: ServerAction::new(),
        create_department: ServerAction::new(),
        delete_department: ServerAction::new(),
        set_department: ServerAction::new(),
    };
    let data = Resource::new(move || actions.version(), |_| list_groups());
    let caller = Resource::new(|| (), |_| me());
    let row_error = Signal::derive(move || actions.row_error());
    view! {
        <Title text="Teams and departments · Gatehouse" />
        <PageHeader
            title="Teams and departments"
            lead="A role with the team scope reaches its holder's teams' records; with the department scope, the records of everyone in their department."
        />
        <p><a href="/team">"← Team"</a></p>
        <FormAlert error=row_error />
        <Suspense fallback=|| view! { <p class="muted">"Loading…"</p> }>
            {move || Suspend::new(async move {
                let can_write = caller
                    .await
                    .ok()
                    .flatten()
                    .is_some_and(|u| u.can(Permission::TeamWrite));
                match data.await {
                    Ok(g) => view! {
                        <TeamsCard teams=g.teams members=g.members.clone() can_write actions />
                        <DepartmentsCard departments=g.departments members=g.members can_write actions />
                    }
                    .into_any(),
                    Err(e) => list_error(e, "teams"),
                }
            })}
        </Suspense>
    }
}

fn members_count(n: usize) -> String {
    match n {
        1 => "1 member".to_owned(),
        n => format!("{n} members"),
    }
}

fn member_select(
    id: String,
    name: &'static str,
    members: &[MemberOption],
    blank: Option<&'static str>,
) -> AnyView {
    view! {
        <select id=id name=name>
            {blank.map(|b| view! { <option value="">{b}</option> })}
            {members
                .iter()
                .map(|m| view! { <option value=m.user_id.to_string()>{m.label.clone()}</option> })
                .collect_view()}
        </select>
    }
    .into_any()
}

#[component]
fn TeamsCard(
    teams: Vec<GroupView>,
    members: Vec<MemberOption>,
    can_write: bool,
    actions: Actions,
) -> impl IntoView {
    let created = actions.create_team.value();
    let empty = teams.is_empty();
    let blocks = teams
        .into_iter()
        .map(|t| {
            let people = t
                .members
                .iter()
                .map(|m| {
                    let (team_id, user_id) = (t.id.clone(), m.user_id.to_string());
                    let remove_label = format!("Remove {} from {}", m.label, t.name);
                    view! {
                        <li>
                            {m.label.clone()}
                            {can_write.then(|| view! {
                                <RowAction
                                    action=actions.remove
                                    fields=vec![("team_id", team_id), ("user_id", user_id)]
                                    label="Remove"
                                    aria_label=remove_label
                                />
                            })}
                        </li>
                    }
                })
                .collect_view();
            let select_id = format!("add-{}", t.id);
            let (add_id, delete_id) = (t.id.clone(), t.id.clone());
            let add_label = format!("Add to {}", t.name);
            let delete_label = format!("Delete team {}", t.name);
            let picker = member_select(select_id.clone(), "user_id", &members, None);
            let controls = can_write.then(move || view! {
                <div class="group-actions">
                    <ActionForm action=actions.add attr:class="inline-form">
                        <CsrfField />
                        <input type="hidden" name="team_id" value=add_id />
                        <label class="sr-only" for=select_id>{add_label}</label>
                        {picker}
                        <button type="submit" class="btn btn-small">"Add"</button>
                    </ActionForm>
                    <RowAction
                        action=actions.delete_team
                        fields=vec![("team_id", delete_id)]
                        label="Delete team"
                        aria_label=delete_label
                        danger=true
                    />
                </div>
            });
            view! {
                <div class="group" data-group=t.name.clone()>
                    <h3>{t.name.clone()} <span class="count">{members_count(t.members.len())}</span></h3>
                    <ul class="group-members">{people}</ul>
                    {controls}
                </div>
            }
            .into_any()
        })
        .collect_view();
    view! {
        <section class="card" aria-labelledby="teams-heading">
            <h2 id="teams-heading">"Teams"</h2>
            {empty.then(|| view! { <p class="muted">"No teams yet."</p> })}
            {blocks}
            {can_write.then(|| view! {
                <ActionForm action=actions.create_team node_ref=cleared_on_success(created) attr:class="form form-inline">
                    <CsrfField />
                    <TextField label="New team" name="name" scope="team" maxlength=60 error=field_error(created, "name") />
                    <FormAlert error=Signal::derive(move || created.get().and_then(Result::err)) />
                    <div class="form-actions">
                        <SubmitButton label="Create team" pending_label="Creating…" pending=actions.create_team.pending() />
                    </div>
                </ActionForm>
            })}
        </section>
    }
}

#[component]
fn DepartmentsCard(
    departments: Vec<GroupView>,
    members: Vec<MemberOption>,
    can_write: bool,
    actions: Actions,
) -> impl IntoView {
    let created = actions.create_department.value();
    let empty = departments.is_empty();
    let options = departments
        .iter()
        .map(|d| (d.id.clone(), d.name.clone()))
        .collect::<Vec<_>>();
    let blocks = departments
        .into_iter()
        .map(|d| {
            let people = d
                .members
                .iter()
                .map(|m| view! { <li>{m.label.clone()}</li> })
                .collect_view();
            let delete_id = d.id.clone();
            let delete_label = format!("Delete department {}", d.name);
            let controls = can_write.then(move || view! {
                <RowAction
                    action=actions.delete_department
                    fields=vec![("department_id", delete_id)]
                    label="Delete department"
                    aria_label=delete_label
                    danger=true
                />
            });
            view! {
                <div class="group" data-group=d.name.clone()>
                    <h3>{d.name.clone()} <span class="count">{members_count(d.members.len())}</span></h3>
                    <ul class="group-members">{people}</ul>
                    {controls}
                </div>
            }
            .into_any()
        })
        .collect_view();
    let set_error = field_error(actions.set_department.value(), "department_id");
    view! {
        <section class="card" aria-labelledby="departments-heading">
            <h2 id="departments-heading">"Departments"</h2>
            <p class="muted">"Each member belongs to at most one department."</p>
            {empty.then(|| view! { <p class="muted">"No departments yet."</p> })}
            {blocks}
            {(can_write && !options.is_empty()).then(|| view! {
                <ActionForm action=actions.set_department attr:class="form form-inline">
                    <CsrfField />
                    <div class="field">
                        <label for="field-dept-user">"Member"</label>
                        {member_select("field-dept-user".into(), "user_id", &members, None)}
                    </div>
                    <div class="field" class:field-invalid=move || set_error.with(Option::is_some)>
                        <label for="field-department_id">"Department"</label>
                        <select id="field-department_id" name="department_id">
                            <option value="">"No department"</option>
                            {options.iter().map(|(id, name)| view! { <option value=id.clone()>{name.clone()}</option> }).collect_view()}
                        </select>
                        <p class="field-error" aria-live="polite">{move || set_error.get()}</p>
                    </div>
                    <div class="form-actions">
                        <SubmitButton label="Move" pending_label="Moving…" pending=actions.set_department.pending() />
                    </div>
                </ActionForm>
            })}
            {can_write.then(|| view! {
                <ActionForm action=actions.create_department node_ref=cleared_on_success(created) attr:class="form form-inline">
                    <CsrfField />
                    <TextField label="New department" name="name" scope="department" maxlength=60 error=field_error(created, "name") />
                    <FormAlert error=Signal::derive(move || created.get().and_then(Result::err)) />
                    <div class="form-actions">
                        <SubmitButton label="Create department" pending_label="Creating…" pending=actions.create_department.pending() />
                    </div>
                </ActionForm>
            })}
        </section>
    }
}
