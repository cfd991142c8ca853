use crate::components::raw_text::Title;
use leptos::prelude::*;

use crate::api::accounts::me;
use crate::api::members::{
    list_invitations, list_members, list_roles, DeactivateMember, EndMemberSessions, Invite,
    ReactivateMember, ResendInvitation, RevokeInvitation, UnlockMember,
};
use crate::components::alert::{list_error, FormAlert};
use crate::components::form::{field_error, SubmitButton, TextField};
use crate::components::layout::PageHeader;
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
                        Ok(items) if items.is_empty() => {
                            view! { <p class="muted">"No open invitations."</p> }.into_any()
                        }
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
                                        <ActionForm action=actions.resend attr:class="inline-form">
                                            <CsrfField />
                                            <input type="hidden" name="id" value=resend_id.clone() />
                                            <button type="submit" class="btn btn-small">"Resend"</button>
                                        </ActionForm>
                                        <ActionForm action=actions.revoke attr:class="inline-form">
                                            <CsrfField />
                                            <input type="hidden" name="id" value=revoke_id.clone() />
                                            <button type="submit" class="btn btn-small">"Revoke"</button>
                                        </ActionForm>
                                    }
                                })}
                        </div>
                    </td>
                </tr>
            }
        })
        .collect_view();
    view! {
        <div class="table-wrap">
            <table class="table">
                <thead>
                    <tr>
                        <th scope="col">"Email"</th>
                        <th scope="col">"Role"</th>
                        <th scope="col">"Invited by"</th>
                        <th scope="col">"Link expires"</th>
                        <th scope="col"><span class="sr-only">"Actions"</span></th>
                    </tr>
                </thead>
                <tbody>{rows}</tbody>
            </table>
        </div>
    }
}

#[component]
fn Members(actions: TeamActions, can_write: bool) -> impl IntoView {
    let list = Resource::new(move || actions.version(), |_| list_members());
    view! {
        <section class="card" aria-labelledby="members-heading">
            <h2 id="members-heading">"Members"</h2>
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
                    <td class="actions-cell">
                        <div class="row-actions">
                            {(manage && m.active)
                                .then(|| {
                                    view! {
                                        <ActionForm action=actions.end_sessions attr:class="inline-form">
                                            <CsrfField />
                                            <input type="hidden" name="user_id" value=end_id.clone() />
                                            <button type="submit" class="btn btn-small">"Sign out everywhere"</button>
                                        </ActionForm>
                                        <ActionForm action=actions.deactivate attr:class="inline-form">
                                            <CsrfField />
                                            <input type="hidden" name="user_id" value=deactivate_id.clone() />
                                            <button type="submit" class="btn btn-small btn-danger">"Deactivate"</button>
                                        </ActionForm>
                                    }
                                })}
                            {(manage && locked.is_some())
                                .then(|| {
                                    view! {
                                        <ActionForm action=actions.unlock attr:class="inline-form">
                                            <CsrfField />
                                            <input type="hidden" name="user_id" value=unlock_id.clone() />
                                            <button type="submit" class="btn btn-small">"Unlock"</button>
                                        </ActionForm>
                                    }
                                })}
                            {(manage && !m.active)
                                .then(|| {
                                    view! {
                                        <ActionForm action=actions.reactivate attr:class="inline-form">
                                            <CsrfField />
                                            <input type="hidden" name="user_id" value=reactivate_id.clone() />
                                            <button type="submit" class="btn btn-small">"Reactivate"</button>
                                        </ActionForm>
                                    }
                                })}
                        </div>
                    </td>
                </tr>
            }
        })
        .collect_view();
    view! {
        <div class="table-wrap">
            <table class="table">
                <thead>
                    <tr>
                        <th scope="col">"Name"</th>
                        <th scope="col">"Email"</th>
                        <th scope="col">"Roles"</th>
                        <th scope="col">"Status"</th>
                        <th scope="col">"Joined"</th>
                        <th scope="col"><span class="sr-only">"Actions"</span></th>
                    </tr>
                </thead>
                <tbody>{rows}</tbody>
            </table>
        </div>
    }
}
