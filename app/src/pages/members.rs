use crate::components::raw_text::Title;
use leptos::prelude::*;
use leptos_router::hooks::use_query_map;

use crate::api::accounts::me;
use crate::api::members::{
    list_invitations, list_members, list_roles, DeactivateMember, EndMemberSessions, Invite,
    ReactivateMember, ResendInvitation, RevokeInvitation, UnlockMember,
};
use crate::components::alert::{list_error, FormAlert};
use crate::components::form::{field_error, SubmitButton, TextField};
use crate::components::layout::PageHeader;
use crate::components::table::{DataTable, RowAction, ACTIONS};
use crate::csrf_page::CsrfField;
use crate::model::{utc_date, utc_datetime, Member, PendingInvitation};
use crate::permissions::Permission;

/// The actions of the page, shared by its parts so every list reloads after any change.
#[derive(Clone, Copy)]
struct TeamActions {
    invite: ServerAction<Invite>,
    resend: ServerAction<ResendInvitation>,
    revoke: ServerAction<RevokeInvitation>,
    deactivate: ServerAction<DeactivateMember>,
    reactivate: ServerAction<ReactivateMember>,
    end_sessions: ServerAction<EndMemberSessions>,
    unlock: ServerAction<UnlockMember>,
}

impl TeamActions {
    fn version(&self) -> (usize, usize, usize, usize, usize, usize, usize) {
        (
            self.unlock.version().get(),
            self.invite.version().get(),
            self.resend.version().get(),
            self.revoke.version().get(),
            self.deactivate.version().get(),
            self.reactivate.version().get(),
            self.end_sessions.version().get(),
        )
    }

    /// The last error of a row action, for one alert above the lists.
    fn row_error(&self) -> Option<crate::error::AppError> {
        [
            self.resend.value().get(),
            self.revoke.value().get(),
            self.deactivate.value().get(),
            self.reactivate.value().get(),
            self.end_sessions.value().get(),
            self.unlock.value().get(),
        ]
        .into_iter()
        .flatten()
        .find_map(Result::err)
    }
}

#[component]
pub fn MembersPage() -> impl IntoView {
    let actions = TeamActions {
        invite: ServerAction::new(),
        resend: ServerAction::new(),
        revoke: ServerAction::new(),
        deactivate: ServerAction::new(),
        reactivate: ServerAction::new(),
        end_sessions: ServerAction::new(),
        unlock: ServerAction::new(),
    };
    let caller = Resource::new(|| (), |_| me());
    view! {
        <Title text="Team · Gatehouse" />
        <PageHeader
            title="Team"
            lead="Who belongs to this workspace, with which roles, and who has been invited."
        />
        <p>
            <a href="/team/groups">"Teams and departments"</a>
            " · "
            <a href="/roles">"Roles"</a>
            " · "
            <a href="/team/reviews">"Access reviews"</a>
        </p>
        <Suspense fallback=|| view! { <p class="muted">"Loading the team…"</p> }>
            {move || Suspend::new(async move {
                match caller.await {
                    Ok(Some(user)) if user.can(Permission::TeamRead) => {
                        let can_write = user.can(Permission::TeamWrite);
                        view! {
                            {can_write.then(|| view! { <InviteForm actions verified=user.email_verified /> })}
                            <RowError actions />
                            <Invitations actions can_write />
                            <Members actions can_write />
                        }
                            .into_any()
                    }
                    Ok(Some(_)) => {
                        view! {
                            <div class="alert alert-error" role="alert">
                                {crate::error::AppError::Forbidden.to_string()}
                            </div>
                        }
                            .into_any()
                    }
                    Ok(None) => list_error(crate::error::AppError::Unauthenticated, "the team"),
                    Err(e) => list_error(e, "the team"),
                }
            })}
        </Suspense>
    }
}

#[component]
fn RowError(actions: TeamActions) -> impl IntoView {
    move || {
        actions.row_error().map(|e| {
            view! {
                <div class="alert alert-error" role="alert">
                    {e.to_string()}
                </div>
            }
        })
    }
}

#[component]
fn InviteForm(actions: TeamActions, verified: bool) -> impl IntoView {
    let action = actions.invite;
    let value = action.value();
    let roles = Resource::new(|| (), |_| list_roles());
    let error = Signal::derive(move || value.get().and_then(Result::err));
    let role_error = field_error(value, "role_id");
    view! {
        <section class="card" aria-labelledby="invite-heading">
            <h2 id="invite-heading">"Invite someone"</h2>
            {(!verified)
                .then(|| {
                    view! {
                        <p class="alert alert-warning">
                            "Confirm your own email address first: you can invite people once it is confirmed."
                        </p>
                    }
                })}
            <ActionForm action attr:class="form form-inline" attr:novalidate=true>
                <CsrfField />
                <TextField
                    label="Email"
                    name="email"
                    input_type="email"
                    error=field_error(value, "email")
                    maxlength=300
                    autocomplete="off"
                />
                <div class="field" class:field-invalid=move || role_error.get().is_some()>
                    <label for="invite-role">"Role"</label>
                    <Suspense fallback=|| view! { <select id="invite-role" name="role_id" disabled=true></select> }>
                        {move || Suspend::new(async move {
                            let options = roles
                                .await
                                .unwrap_or_default()
                                .into_iter()
                                .map(|r| {
                                    let selected = r.name == "Staff";
                                    view! { <option value=r.id.as_str().to_owned() selected=selected>{r.name}</option> }
                                })
                                .collect_view();
                            view! { <select id="invite-role" name="role_id">{options}</select> }
                        })}
                    </Suspense>
                    <p class="field-error" role="alert">{move || role_error.get()}</p>
                </div>
                <FormAlert error />
                <div class="form-actions">
                    <SubmitButton label="Send invitation" pending_label="Sending…" pending=action.pending() />
                </div>
                <Show when=move || matches!(value.get(), Some(Ok(())))>
                    <p class="alert alert-success" role="status">"Invitation sent."</p>
                </Show>
            </ActionForm>
        </section>
    }
}

#[component]
fn Invitations(actions: TeamActions, can_write: bool) -> impl IntoView {
    let list = Resource::new(move || actions.version(), |_| list_invitations());
    view! {
        <section class="card" aria-labelledby="invitations-heading">
            <h2 id="invitations-heading">"Pending invitations"</h2>
            <Suspense fallback=|| view! { <p class="muted">"Loading invitations…"</p> }>
                {move || Suspend::new(async move {
                    match list.await {
                        Ok(items) => view! { <InvitationTable items actions can_write /> }.into_any(),
                        Err(e) => list_error(e, "invitations"),
                    }
                })}
            </Suspense>
        </section>
    }
}

#[component]
fn InvitationTable(
    items: Vec<PendingInvitation>,
    actions: TeamActions,
    can_write: bool,
) -> impl IntoView {
    let rows = items
        .into_iter()
        .map(|i| {
            let resend_id = i.id.as_str().to_owned();
            let revoke_id = resend_id.clone();
            let expiry = if i.expired {
                "Expired".to_owned()
            } else {
                utc_datetime(i.expires_at_ms)
            };
            view! {
                <tr>
                    <td class="strong">{i.email}</td>
                    <td>{i.role}</td>
                    <td class="muted">{i.invited_by.unwrap_or_else(|| "—".into())}</td>
                    <td class:muted=!i.expired class:text-danger=i.expired>{expiry}</td>
                    <td class="actions-cell">
                        <div class="row-actions">
                            {can_write
                                .then(|| {
                                    view! {
                                        <RowAction
                                            action=actions.resend
                                            fields=vec![("id", resend_id.clone())]
                                            label="Resend"
                                        />
                                        <RowAction
                                            action=actions.revoke
                                            fields=vec![("id", revoke_id.clone())]
                                            label="Revoke"
                                        />
                                    }
                                })}
                        </div>
                    </td>
                </tr>
            }
        })
        .collect::<Vec<_>>();
    view! {
        <DataTable
            columns=&["Email", "Role", "Invited by", "Link expires", ACTIONS]
            rows
            empty="No open invitations."
        />
    }
}

#[component]
fn Members(actions: TeamActions, can_write: bool) -> impl IntoView {
    let query = use_query_map();
    let inactive = move || query.with(|q| q.get("inactive").unwrap_or_default());
    let list = Resource::new(
        move || (actions.version(), inactive()),
        |(_, days)| list_members(Some(days)),
    );
    view! {
        <section class="card" aria-labelledby="members-heading">
            <h2 id="members-heading">"Members"</h2>
            // The inactive members' report: the same list, narrowed, with the same actions.
            <form method="get" action="/team" class="search-form inactive-form" aria-label="Inactive members">
                <label for="inactive-days">"Not signed in for (days)"</label>
                <input id="inactive-days" name="inactive" inputmode="numeric" maxlength=4 size=5 value=inactive />
                <button type="submit" class="btn">"Show"</button>
                {move || (!inactive().is_empty()).then(|| view! { <a href="/team">"Everyone"</a> })}
            </form>
            <Suspense fallback=|| view! { <p class="muted">"Loading members…"</p> }>
                {move || Suspend::new(async move {
                    match list.await {
                        Ok(items) => view! { <MemberTable items actions can_write /> }.into_any(),
                        Err(e) => list_error(e, "members"),
                    }
                })}
            </Suspense>
        </section>
    }
}

#[component]
fn MemberTable(items: Vec<Member>, actions: TeamActions, can_write: bool) -> impl IntoView {
    let rows = items
        .into_iter()
        .map(|m| {
            let end_id = m.user_id.as_str().to_owned();
            let deactivate_id = end_id.clone();
            let reactivate_id = end_id.clone();
            let unlock_id = end_id.clone();
            let locked = m.locked_until_ms.map(|until| format!("Locked until {}", utc_datetime(until)));
            let status = if m.active { "Active" } else { "Deactivated" };
            let manage = can_write && !m.is_you;
            view! {
                <tr class:row-inactive=!m.active>
                    <td class="strong">
                        <a href=format!("/team/access/{}", m.user_id) title="Where this member's access comes from">
                            {m.name}
                        </a>
                        {m.is_you.then(|| view! { <span class="badge">"You"</span> })}
                    </td>
                    <td>{m.email}</td>
                    <td>
                        {m
                            .roles
                            .iter()
                            .map(|r| match &r.until {
                                Some(until) => format!("{} (until {until})", r.name),
                                None => r.name.clone(),
                            })
                            .collect::<Vec<_>>()
                            .join(", ")}
                    </td>
                    <td>
                        {status}
                        {locked.clone().map(|l| view! { <span class="badge badge-danger">{l}</span> })}
                    </td>
                    <td class="muted">{utc_date(m.joined_at_ms)}</td>
                    <td class="muted" data-last-sign-in="">{m.last_sign_in_ms.map_or_else(|| "Never".to_owned(), utc_date)}</td>
                    <td class="actions-cell">
                        <div class="row-actions">
                            {(manage && m.active)
                                .then(|| {
                                    view! {
                                        <RowAction
                                            action=actions.end_sessions
                                            fields=vec![("user_id", end_id.clone())]
                                            label="Sign out everywhere"
                                        />
                                        <RowAction
                                            action=actions.deactivate
                                            fields=vec![("user_id", deactivate_id.clone())]
                                            label="Deactivate"
                                            danger=true
                                        />
                                    }
                                })}
                            {(manage && locked.is_some())
                                .then(|| {
                                    view! {
                                        <RowAction
                                            action=actions.unlock
                                            fields=vec![("user_id", unlock_id.clone())]
                                            label="Unlock"
                                        />
                                    }
                                })}
                            {(manage && !m.active)
                                .then(|| {
                                    view! {
                                        <RowAction
                                            action=actions.reactivate
                                            fields=vec![("user_id", reactivate_id.clone())]
                                            label="Reactivate"
                                        />
                                    }
                                })}
                        </div>
                    </td>
                </tr>
            }
        })
        .collect::<Vec<_>>();
    view! {
        <DataTable
            columns=&["Name", "Email", "Roles", "Status", "Joined", "Last sign-in", ACTIONS]
            rows
            empty="No members."
        />
    }
}
