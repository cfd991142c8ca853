//! Mapping an uploaded file: for each field the column that fills it (guessed from the header,
//! changeable), the first rows as the file has them, and the two choices — what a refused row
//! does to the import, and what a row does whose email (SKU) a record already has.

use leptos::prelude::*;

use crate::components::alert::FormAlert;
use crate::error::AppError;
use crate::model::{grouped, ImportPlan, ImportView, OnDuplicate, OnRefusal};

fn preview_table(v: &ImportView) -> impl IntoView {
    let head = v
        .headers
        .iter()
        .map(|h| view! { <th scope="col">{h.clone()}</th> })
        .collect_view();
    let rows = v
        .preview
        .iter()
        .map(|r| {
            let cells = r
                .iter()
                .map(|c| view! { <td>{c.clone()}</td> })
                .collect_view();
            view! { <tr>{cells}</tr> }
        })
        .collect_view();
    view! {
        <div class="table-wrap">
            <table class="table import-preview" aria-label="First rows of the file">
                <thead><tr>{head}</tr></thead>
                <tbody>{rows}</tbody>
            </table>
        </div>
    }
}

#[component]
pub fn MappingCard(
    import: ImportView,
    start: Action<(String, ImportPlan), Result<(), AppError>>,
) -> impl IntoView {
    let v = import;
    let columns: Vec<(String, RwSignal<String>)> = v
        .fields
        .iter()
        .map(|f| {
            let guess = f.guess.map(|g| g.to_string()).unwrap_or_default();
            (f.key.clone(), RwSignal::new(guess))
        })
        .collect();
    let on_refusal = RwSignal::new(OnRefusal::ImportNothing);
    let on_duplicate = RwSignal::new(OnDuplicate::Refuse);
    let error = Signal::derive(move || start.value().get().and_then(Result::err));
    let headers = v.headers.clone();
    let selects = v
        .fields
        .iter()
        .zip(&columns)
        .map(|(f, (_, chosen))| {
            let chosen = *chosen;
            let id = format!("map-{}", f.key);
            let label = if f.required { format!("{} (required)", f.label) } else { f.label.clone() };
            let options = headers
                .iter()
                .enumerate()
                .map(|(i, h)| {
                    let value = i.to_string();
                    let selected = value == chosen.get_untracked();
                    let text = if h.is_empty() { format!("Column {}", i + 1) } else { h.clone() };
                    view! { <option value=value selected=selected>{text}</option> }
                })
                .collect_view();
            view! {
                <div class="field">
                    <label for=id.clone()>{label}</label>
                    <select id=id on:change=move |ev| chosen.set(event_target_value(&ev))>
                        <option value="" selected=chosen.get_untracked().is_empty()>"Not imported"</option>
                        {options}
                    </select>
                    {(!f.hint.is_empty()).then(|| view! { <p class="field-hint">{f.hint.clone()}</p> })}
                </div>
            }
        })
        .collect_view();
    let id = v.id.as_str().to_owned();
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let plan = ImportPlan {
            columns: columns
                .iter()
                .filter_map(|(key, c)| c.get_untracked().parse().ok().map(|i| (key.clone(), i)))
                .collect(),
            on_refusal: on_refusal.get_untracked(),
            on_duplicate: on_duplicate.get_untracked(),
            team_id: String::new(),
        };
        start.dispatch((id.clone(), plan));
    };
    let pending = start.pending();
    let matched_by = v.list.match_label();
    let noun = v.list.noun();
    view! {
        <section class="card" aria-labelledby="mapping-heading">
            <h2 id="mapping-heading">{v.file_name.clone()}</h2>
            <p class="muted">
                {format!("{} rows. The first rows, as the file has them:", grouped(v.total_rows))}
            </p>
            {preview_table(&v)}
            <form class="form mapping-form" on:submit=submit novalidate=true>
                <h3>"Which column fills each field"</h3>
                <div class="mapping-grid">{selects}</div>
                <fieldset class="choice-stack">
                    <legend>"If a row is refused"</legend>
                    <label>
                        <input type="radio" name="on_refusal" checked=true
                            on:change=move |_| on_refusal.set(OnRefusal::ImportNothing) />
                        " Import nothing; the report says what to correct"
                    </label>
                    <label>
                        <input type="radio" name="on_refusal"
                            on:change=move |_| on_refusal.set(OnRefusal::ImportValid) />
                        " Import the valid rows and report the others"
                    </label>
                </fieldset>
                <fieldset class="choice-stack">
                    <legend>{format!("If a {noun} with the same {matched_by} exists")}</legend>
                    <label>
                        <input type="radio" name="on_duplicate" checked=true
                            on:change=move |_| on_duplicate.set(OnDuplicate::Refuse) />
                        " Refuse the row"
                    </label>
                    <label>
                        <input type="radio" name="on_duplicate"
                            on:change=move |_| on_duplicate.set(OnDuplicate::Update) />
                        {format!(" Update that {noun} with the row's mapped fields")}
                    </label>
                </fieldset>
                <FormAlert error />
                <div class="form-actions">
                    <button type="submit" class="btn btn-primary" disabled=move || pending.get()>
                        {move || if pending.get() { "Starting…" } else { "Start import" }}
                    </button>
                </div>
            </form>
        </section>
    }
}
