//! Access reviews (`team.read`): the campaigns with their progress, and for holders of
//! `team.write` a form to start one. A campaign's own page is [`super::review`].

use crate::components::raw_text::Title;
use leptos::prelude::*;
use leptos_router::components::A;
use leptos_router::hooks::use_params_map;

use crate::api::reviews::{reviews, StartReview};
use crate::components::alert::list_error;
use crate::components::form::{field_error, last_saved, SubmitButton, TextField};
use crate::components::layout::PageHeader;
use crate::components::table::DataTable;
use crate::csrf_page::CsrfField;
use crate::model::{ReviewerOption, ReviewsView, RoleOption};

use super::review::{scope_words, status_badge, ReviewPage};

/// `/team/reviews` and `/team/reviews/:id`, one route: few people open either.
#[component]
pub fn ReviewsRoutePage() -> impl IntoView {
    let params = use_params_map();
    move || match params.read().get("id") {
        Some(id) => view! { <ReviewPage id /> }.into_any(),
        None => view! { <ReviewsPage /> }.into_any(),
    }
}

#[component]
fn ReviewsPage() -> impl IntoView {
    let start = ServerAction::<StartReview>::new();
    let saved = last_saved(start);
    let page = Resource::new(move || saved.get(), |_| reviews());
    view! {
        <Title text="Access reviews · Gatehouse" />
        <PageHeader
            title="Access reviews"
            lead="Check who holds which role: keep or revoke each, and the revocations apply when the review closes."
        />
        <Suspense fallback=|| view! { <p class="muted">"Loading…"</p> }>
            {move || Suspend::new(async move {
                match page.await {
                    Ok(view) => reviews_view(view, start),
                    Err(e) => list_error(e, "the access reviews"),
                }
            })}
        </Suspense>
    }
}

fn reviews_view(v: ReviewsView, start: ServerAction<StartReview>) -> AnyView {
    let rows = v
        .reviews
        .into_iter()
        .map(|s| {
            let href = format!("/team/reviews/{}", s.id);
            let progress = format!(
                "{} of {} decided · {} to revoke",
                s.decided, s.items, s.revoke
            );
            let badge = status_badge(&s);
            view! {
                <tr data-review=s.number>
                    <td class="numeric">{s.number}</td>
                    <td class="wrap"><A href=href>{s.name.clone()}</A></td>
                    <td class="wrap">{scope_words(&s.scope)}</td>
                    <td>{s.due_on.clone()}</td>
                    <td>{progress}</td>
                    <td>{badge}</td>
                </tr>
            }
        })
        .collect::<Vec<_>>();
    view! {
        {v.editable.then(|| start_card(v.roles, v.reviewers, v.default_due_on, start))}
        <section class="card" aria-labelledby="reviews-heading">
            <h2 id="reviews-heading">"Reviews"</h2>
            <DataTable columns=&["#", "Review", "Roles", "Due", "Progress", "Status"] rows empty="No access review has been started." />
        </section>
    }
    .into_any()
}

fn start_card(
    roles: Vec<RoleOption>,
    reviewers: Vec<ReviewerOption>,
    due: String,
    start: ServerAction<StartReview>,
) -> AnyView {
    let value = start.value();
    let boxes = roles
        .into_iter()
        .map(|r| {
            let id = format!("review-role-{}", r.id.as_str());
            view! {
                <span class="check">
                    <input type="checkbox" id=id.clone() name="roles[]" value=r.id.as_str().to_owned() />
                    <label for=id>{r.name}</label>
                </span>
            }
        })
        .collect_view();
    let people = reviewers
        .into_iter()
        .map(|r| {
            let id = format!("review-reviewer-{}", r.id);
            view! {
                <span class="check">
                    <input type="checkbox" id=id.clone() name="reviewers[]" value=r.id />
                    <label for=id>{r.name}</label>
                </span>
            }
        })
        .collect_view();
    view! {
        <section class="card" aria-labelledby="start-heading">
            <h2 id="start-heading">"Start a review"</h2>
            <ActionForm action=start attr:class="form" attr:novalidate=true>
                <CsrfField />
                <div class="field-grid">
                    <TextField label="Name" name="name" maxlength=200 error=field_error(value, "name") />
                    <TextField label="Due" name="due_on" input_type="date" value=due error=field_error(value, "due_on") />
                </div>
                <fieldset class="checks">
                    <legend>"Roles to review (none ticked: every role)"</legend>
                    {boxes}
                </fieldset>
                <p class="field-error" aria-live="polite">{move || field_error(value, "roles").get()}</p>
                <fieldset class="checks">
                    <legend>"Reviewers (none ticked: anyone who may manage the team)"</legend>
                    {people}
                </fieldset>
                <p class="field-error" aria-live="polite">{move || field_error(value, "reviewers").get()}</p>
                <Show when=move || matches!(value.get(), Some(Ok(_)))>
                    <p class="alert alert-success" role="status">
                        {move || value.get().and_then(Result::ok).map(|n| format!("Review #{n} started."))}
                    </p>
                </Show>
                <div class="form-actions">
                    <SubmitButton label="Start review" pending_label="Starting…" pending=start.pending() />
                </div>
            </ActionForm>
        </section>
    }
    .into_any()
}
