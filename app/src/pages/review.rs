//! One access review: each person under review with the roles they held when it began, the
//! keys each role gave and their last sign-in; holders of `team.write` keep or revoke each
//! role while it is open and close it; once closed, each outcome is the report.

use crate::components::raw_text::Title;
use leptos::prelude::*;
use leptos_router::components::A;

use crate::api::reviews::{review, CloseReview, DecideReview};
use crate::components::alert::{list_error, FormAlert};
use crate::components::form::{last_saved, SubmitButton};
use crate::components::layout::PageHeader;
use crate::components::table::{DataTable, RowAction};
use crate::csrf_page::CsrfField;
use crate::model::{utc_date, ReviewDetail, ReviewItem, ReviewPerson, ReviewSummary};

#[derive(Clone, Copy)]
struct Actions {
    decide: ServerAction<DecideReview>,
    close: ServerAction<CloseReview>,
}

#[component]
pub fn ReviewPage(id: String) -> impl IntoView {
    let actions = Actions {
        decide: ServerAction::new(),
        close: ServerAction::new(),
    };
    let saved = (last_saved(actions.decide), last_saved(actions.close));
    let page = Resource::new(
        move || (saved.0.get(), saved.1.get()),
        move |_| review(id.clone()),
    );
    view! {
        <Title text="Access review · Gatehouse" />
        <p><A href="/team/reviews">"← Access reviews"</A></p>
        <Suspense fallback=|| view! { <p class="muted">"Loading…"</p> }>
            {move || Suspend::new(async move {
                match page.await {
                    Ok(detail) => detail_view(detail, actions),
                    Err(e) => list_error(e, "this access review"),
                }
            })}
        </Suspense>
    }
}

fn detail_view(d: ReviewDetail, actions: Actions) -> AnyView {
    let s = d.summary;
    let open = s.status == "open";
    let deciding = open && d.editable && d.may_decide;
    let id = s.id.clone();
    let lead = format!(
        "{} · due {} · {} of {} decided",
        scope_words(&s.scope),
        s.due_on,
        s.decided,
        s.items
    );
    let started = format!(
        "Started {} by {}.",
        utc_date(s.started_at_ms),
        s.started_by
            .clone()
            .unwrap_or_else(|| "a former member".to_owned())
    );
    let reviewers = match d.reviewers.as_slice() {
        [] => "Reviewers: anyone who may manage the team.".to_owned(),
        named => format!("Reviewers: {}.", named.join(", ")),
    };
    let not_yours = (open && d.editable && !d.may_decide).then(|| {
        view! {
            <p class="alert alert-warning" role="status">
                "Only the reviewers named for this review decide it; you can follow its progress."
            </p>
        }
    });
    let closed = s.closed_at_ms.map(|at| {
        format!(
            "Closed {} by {}.",
            utc_date(at),
            s.closed_by
                .clone()
                .unwrap_or_else(|| "a former member".to_owned())
        )
    });
    let rows = d
        .people
        .into_iter()
        .flat_map(|p| person_rows(p, &id, deciding, actions.decide))
        .collect::<Vec<_>>();
    let decide_error = Signal::derive(move || actions.decide.value().get().and_then(Result::err));
    view! {
        <PageHeader title=format!("Access review #{}: {}", s.number, s.name) lead />
        <p class="muted">{status_badge(&s)}" "{started}" "{closed}</p>
        <p class="muted" data-reviewers>{reviewers}</p>
        {not_yours}
        {(!open).then(|| report(&s))}
        <section class="card" aria-labelledby="people-heading">
            <h2 id="people-heading">"People and roles"</h2>
            <FormAlert error=decide_error />
            <DataTable columns=&["Person", "Role", "Keys it gives", "Decision"] rows empty="Nobody was under review." />
        </section>
        {(open && d.editable).then(|| close_card(id.clone(), s.revoke, s.items - s.decided, actions.close))}
    }
    .into_any()
}

fn report(s: &ReviewSummary) -> AnyView {
    view! {
        <section class="card" aria-labelledby="report-heading" data-review-report="">
            <h2 id="report-heading">"Report"</h2>
            <p>{format!(
                "{} assignment(s) reviewed, {} decided; {} marked to revoke. Each outcome is below.",
                s.items, s.decided, s.revoke
            )}</p>
        </section>
    }
    .into_any()
}

fn person_rows(
    mut p: ReviewPerson,
    review: &str,
    deciding: bool,
    decide: ServerAction<DecideReview>,
) -> Vec<AnyView> {
    let last = p.last_sign_in_ms.map_or_else(
        || "Never signed in".to_owned(),
        |ms| format!("Last sign-in {}", utc_date(ms)),
    );
    let span = p.items.len();
    let mut rows = Vec::with_capacity(span);
    for (i, item) in std::mem::take(&mut p.items).into_iter().enumerate() {
        let person = (i == 0).then(|| {
            view! {
                <td rowspan=span class="wrap">
                    <strong>{p.name.clone()}</strong>
                    <div class="muted">{p.email.clone()}</div>
                    <div class="muted">{last.clone()}</div>
                </td>
            }
        });
        let decision = decision_cell(&item, &p, review, deciding, decide);
        let keys = item.keys.len();
        let key_list = item
            .keys
            .iter()
            .map(|k| view! { <li>{k.clone()}</li> })
            .collect_view();
        let state = item.decision.clone().unwrap_or_default();
        rows.push(
            view! {
                <tr data-person=p.email.clone() data-role=item.role_name.clone() data-decision=state>
                    {person}
                    <td>{item.role_name.clone()}</td>
                    <td class="wrap">
                        <details>
                            <summary>{format!("{keys} key(s)")}</summary>
                            <ul class="plain-list">{key_list}</ul>
                        </details>
                    </td>
                    <td class="actions-cell">{decision}</td>
                </tr>
            }
            .into_any(),
        );
    }
    rows
}

fn decision_cell(
    item: &ReviewItem,
    p: &ReviewPerson,
    review: &str,
    deciding: bool,
    decide: ServerAction<DecideReview>,
) -> AnyView {
    if let Some(outcome) = &item.outcome {
        return view! { <span data-outcome="">{outcome.clone()}</span> }.into_any();
    }
    let words = match item.decision.as_deref() {
        Some("keep") => "Keep",
        Some("revoke") => "Revoke",
        _ => "Not decided",
    };
    let by = item.decided_by.clone().map(|by| format!(" · {by}"));
    let current = view! { <span class="muted">{words}{by}</span> };
    if !deciding || p.is_you {
        let note = (deciding && p.is_you).then_some(" (someone else reviews your access)");
        return view! { {current}{note} }.into_any();
    }
    let fields = |decision: &str| {
        vec![
            ("id", review.to_owned()),
            ("user_id", p.user_id.clone()),
            ("role_id", item.role_id.clone()),
            ("decision", decision.to_owned()),
        ]
    };
    let who = format!("{} as {}", p.name, item.role_name);
    view! {
        {current}" "
        <RowAction action=decide fields=fields("keep") label="Keep" aria_label=format!("Keep {who}") />
        <RowAction action=decide fields=fields("revoke") label="Revoke" aria_label=format!("Revoke {who}") danger=true />
    }
    .into_any()
}

fn close_card(
    id: String,
    revoke: i64,
    undecided: i64,
    close: ServerAction<CloseReview>,
) -> AnyView {
    let value = close.value();
    view! {
        <section class="card" aria-labelledby="close-heading">
            <h2 id="close-heading">"Close the review"</h2>
            <p>{format!(
                "Closing revokes the {revoke} role(s) marked to revoke, at once. {undecided} not decided will be kept and reported as not reviewed."
            )}</p>
            <ActionForm action=close attr:class="form">
                <CsrfField />
                <input type="hidden" name="id" value=id />
                <FormAlert error=Signal::derive(move || value.get().and_then(Result::err)) />
                <div class="form-actions">
                    <SubmitButton label="Close review" pending_label="Closing…" pending=close.pending() />
                </div>
            </ActionForm>
        </section>
    }
    .into_any()
}

/// "Overdue", "Open" or "Closed", with the class its badge takes.
pub(super) fn status_badge(s: &ReviewSummary) -> AnyView {
    let (words, class) = match (s.status.as_str(), s.overdue) {
        ("open", true) => ("Overdue", "badge badge-first badge-danger"),
        ("open", false) => ("Open", "badge badge-first"),
        _ => ("Closed", "badge badge-first badge-muted"),
    };
    view! { <span class=class data-review-status=words>{words}</span> }.into_any()
}

pub(super) fn scope_words(scope: &[String]) -> String {
    if scope.is_empty() {
        "Every role".to_owned()
    } else {
        scope.join(", ")
    }
}
