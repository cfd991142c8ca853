//! The sensitive-data access log (`audit.read`): who was shown a tax id, a payment's
//! reference or a licence key, of which record, on which day, how often and from where —
//! narrowed to one person (what they saw) or one record (who saw it) by the address.

use crate::components::raw_text::Title;
use leptos::prelude::*;
use leptos_router::hooks::use_query_map;
use leptos_router::params::ParamsMap;

use crate::api::audit::sensitive_reads;
use crate::components::alert::list_error;
use crate::components::layout::PageHeader;
use crate::components::list_controls::with_param;
use crate::components::table::{DataTable, Pager};
use crate::model::{utc_datetime, SensitiveRead, SensitiveReadFilter};

const PATH: &str = "/audit/sensitive";

fn filter_from(query: &ParamsMap) -> SensitiveReadFilter {
    SensitiveReadFilter {
        person: query.get("person").unwrap_or_default(),
        record: query.get("record").unwrap_or_default(),
    }
}

#[component]
pub fn SensitiveReadsPage() -> impl IntoView {
    let query = use_query_map();
    let asked = move || query.with(|q| (q.get("before").unwrap_or_default(), filter_from(q)));
    let page = Resource::new(asked, |(before, filter)| {
        sensitive_reads(before, Some(filter))
    });
    view! {
        <Title text="Sensitive-data reads · Gatehouse" />
        <PageHeader
            title="Sensitive-data reads"
            lead="Who was shown tax ids, payment references and licence keys: one row per person, record and day."
        />
        <Suspense fallback=|| view! { <p class="muted">"Loading…"</p> }>
            {move || Suspend::new(async move {
                match page.await {
                    Ok(page) => {
                        let filter = query.with_untracked(filter_from);
                        let here = [("person", &filter.person), ("record", &filter.record)]
                            .iter()
                            .filter(|(_, v)| !v.is_empty())
                            .fold(PATH.to_owned(), |a, (n, v)| with_param(&a, n, v));
                        let next = page.next.map(|n| with_param(&here, "before", &n));
                        let rows = page.items.into_iter().map(row).collect::<Vec<_>>();
                        view! {
                            <section class="card">
                                <div class="toolbar">{filters(&filter, page.people)}</div>
                                <DataTable
                                    columns=&["Day", "Who", "Record", "Field", "Reads", "Last read", "From"]
                                    rows
                                    empty="No entry matches."
                                />
                                <Pager next label="Older entries" name="Audit log pages" />
                            </section>
                        }
                        .into_any()
                    }
                    Err(e) => list_error(e, "the sensitive-data reads"),
                }
            })}
        </Suspense>
    }
}

/// A plain GET form, so a narrowed view is an address (linked from a record's page).
fn filters(filter: &SensitiveReadFilter, people: Vec<(String, String)>) -> AnyView {
    let person = filter.person.clone();
    let people = people
        .into_iter()
        .map(|(id, name)| {
            let selected = id == person;
            view! { <option value=id selected=selected>{name}</option> }
        })
        .collect_view();
    view! {
        <form method="get" action=PATH class="search-form" role="search" aria-label="Filter the audit log">
            <label for="reads-person" class="sr-only">"Who"</label>
            <select id="reads-person" name="person">
                <option value="">"Anyone"</option>
                {people}
            </select>
            <label for="reads-record" class="sr-only">"Record (an id)"</label>
            <input id="reads-record" type="search" name="record" placeholder="Record (an id)" value=filter.record.clone() maxlength=64 />
            <button type="submit" class="btn">"Filter"</button>
        </form>
    }
    .into_any()
}

fn row(r: SensitiveRead) -> AnyView {
    let who = r.person.unwrap_or_else(|| "A removed account".to_owned());
    let record = format!("{} {}", r.record, r.record_id);
    view! {
        <tr data-read=r.record_id.clone()>
            <td class="muted">{r.day}</td>
            <td><a href=with_param(PATH, "person", &r.person_id)>{who}</a></td>
            <td class="wrap"><a href=r.href>{record}</a></td>
            <td>{r.field}</td>
            <td class="numeric" data-reads=r.reads>{r.reads}</td>
            <td class="muted" title=format!("First {}", utc_datetime(r.first_at_ms))>{utc_datetime(r.last_at_ms)}</td>
            <td class="muted">{r.ip.unwrap_or_default()}</td>
        </tr>
    }
    .into_any()
}
