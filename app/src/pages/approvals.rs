//! Approvals: refunds above the workspace's threshold, waiting for someone other than the
//! person who asked. Each request can be approved (the refund happens then) or rejected with a
//! comment; one's own requests are shown but cannot be decided.

use crate::components::raw_text::Title;
use leptos::prelude::*;

use crate::api::payments::{list_approvals, ApproveRequest, RejectRequest};
use crate::components::alert::{list_error, FormAlert};
use crate::components::form::field_error;
use crate::components::layout::PageHeader;
use crate::components::table::DataTable;
use crate::csrf_page::CsrfField;
use crate::model::{ApprovalRequest, ApprovalStatus};
use crate::pages::documents::status_pill;

#[component]
pub fn ApprovalsPage() -> impl IntoView {
    let approve = ServerAction::<ApproveRequest>::new();
    let reject = ServerAction::<RejectRequest>::new();
    let requests = Resource::new(
        move || (approve.version().get(), reject.version().get()),
        |_| list_approvals(None),
    );
    let error = Signal::derive(move || {
        approve
            .value()
            .get()
            .and_then(Result::err)
            .or_else(|| reject.value().get().and_then(Result::err))
    });
    view! {
        <Title text="Approvals · Gatehouse" />
        <PageHeader title="Approvals" lead="Refunds above the workspace's threshold wait here for someone other than the person who asked." />
        <section class="card">
            <FormAlert error />
            <Transition fallback=|| view! { <p class="muted">"Loading…"</p> }>
                {move || Suspend::new(async move {
                    match requests.await {
                        Ok(list) => view! { <Requests list approve reject /> }.into_any(),
                        Err(e) => list_error(e, "approvals"),
                    }
                })}
            </Transition>
        </section>
    }
}

fn decision(
    r: &ApprovalRequest,
    approve: ServerAction<ApproveRequest>,
    reject: ServerAction<RejectRequest>,
) -> AnyView {
    if r.status != ApprovalStatus::Pending {
        let by = r
            .decided_by
            .clone()
            .map(|who| format!("by {who}"))
            .unwrap_or_default();
        return view! { <span class="muted">{by}" "{r.comment.clone()}</span> }.into_any();
    }
    if r.mine {
        return view! { <span class="muted">"Yours: another person decides"</span> }.into_any();
    }
    let id = r.id.as_str().to_owned();
    let (approve_id, field_id) = (id.clone(), format!("comment-{id}"));
    view! {
        <div class="row-actions">
            <ActionForm action=approve attr:class="inline-form">
                <CsrfField />
                <input type="hidden" name="id" value=approve_id />
                <input type="hidden" name="comment" value="" />
                <button type="submit" class="btn btn-small btn-primary">"Approve"</button>
            </ActionForm>
            <details class="row-form">
                <summary>"Reject"</summary>
                <ActionForm action=reject attr:class="form" attr:novalidate=true>
                    <CsrfField />
                    <input type="hidden" name="id" value=id />
                    <label for=field_id.clone()>"Why"</label>
                    <input id=field_id name="comment" maxlength=500 />
                    <p class="field-error" aria-live="polite">{move || field_error(reject.value(), "comment").get()}</p>
                    <button type="submit" class="btn btn-small btn-danger">"Reject refund"</button>
                </ActionForm>
            </details>
        </div>
    }
    .into_any()
}

#[component]
fn Requests(
    list: Vec<ApprovalRequest>,
    approve: ServerAction<ApproveRequest>,
    reject: ServerAction<RejectRequest>,
) -> impl IntoView {
    let rows = list
        .into_iter()
        .map(|r| {
            let action = decision(&r, approve, reject);
            view! {
                <tr>
                    <td><a href=format!("/orders/{}", r.order_id)>{r.order_reference.clone()}</a></td>
                    <td class="wrap">{r.customer.clone()}</td>
                    <td class="numeric">{r.amount.clone()}</td>
                    <td class="wrap">{r.reason.clone()}</td>
                    <td class="wrap">{r.requested_by.clone().unwrap_or_default()}</td>
                    <td class="nowrap">{status_pill(r.status.key(), r.status.label())}<br /><span class="muted">{format!("until {}", r.expires_on)}</span></td>
                    <td class="actions-cell">{action}</td>
                </tr>
            }
        })
        .collect::<Vec<_>>();
    view! {
        <DataTable columns=&["Order", "Customer", "Refund", "Reason", "Asked by", "Status", ""] rows empty="No refunds wait for approval." />
    }
}
