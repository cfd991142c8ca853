//! What every record list page shares around its table: the sort and filters read from the
//! address, the filter fields of its search form, and addresses that keep them. All of it is in
//! the address, so a filtered, sorted list can be bookmarked and works without JavaScript.

use leptos::prelude::*;
use leptos_router::params::ParamsMap;

use crate::model::{FilterChoices, ListFilters, Sorts};

/// Percent-encodes a query value (the page builds links without a URL library in the wasm).
pub fn encode_query_value(value: &str) -> String {
    value
        .bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                (b as char).to_string()
            }
            _ => format!("%{b:02X}"),
        })
        .collect()
}

/// The shared list parameters of an address.
pub fn filters_from(query: &ParamsMap) -> ListFilters {
    let get = |name| query.get(name).unwrap_or_default();
    ListFilters {
        sort: get("sort"),
        assignee: get("assignee"),
        team: get("team"),
        from: get("from"),
        until: get("until"),
    }
}

/// `address` with `name=value` added (nothing for an empty value).
pub fn with_param(address: &str, name: &str, value: &str) -> String {
    if value.is_empty() {
        return address.to_owned();
    }
    let joint = if address.contains('?') { '&' } else { '?' };
    format!("{address}{joint}{name}={}", encode_query_value(value))
}

/// A list's address with its own parameters and the shared filters (not the sort, not the
/// page): the base of its heading links and its next-page link.
pub fn list_address(path: &str, own: &[(&str, &str)], filters: &ListFilters) -> String {
    own.iter()
        .copied()
        .chain(filters.params())
        .fold(path.to_owned(), |address, (name, value)| {
            with_param(&address, name, value)
        })
}

/// The next page's address of a list whose base address is `base`.
pub fn next_address(base: &str, filters: &ListFilters, after: &str) -> String {
    with_param(&with_param(base, "sort", &filters.sort), "after", after)
}

/// How a table's headings sort it: the list's sortable columns, the current filters and the
/// address the heading links build on.
#[derive(Clone, Debug)]
pub struct Sorting {
    pub sorts: &'static Sorts,
    pub filters: ListFilters,
    /// The list's address without sort and page ([`list_address`]).
    pub base: String,
}

impl Sorting {
    /// The heading cell for `heading`: a link that sorts by it, marked with `aria-sort` when
    /// the list is sorted by it; plain text for a column that does not sort.
    pub fn heading(&self, heading: &'static str) -> AnyView {
        let Some(column) = self.sorts.columns.iter().find(|c| c.heading == heading) else {
            return view! { <th scope="col">{heading}</th> }.into_any();
        };
        let (key, high_to_low) = self.filters.sorted_by(self.sorts);
        let state = (key == column.key).then_some(if high_to_low {
            ("descending", "▼")
        } else {
            ("ascending", "▲")
        });
        let next = self.filters.sort_after_click(self.sorts, column);
        let href = with_param(&self.base, "sort", &next);
        view! {
            <th scope="col" aria-sort=state.map(|s| s.0) class="sortable">
                <a href=href>{heading}{state.map(|s| view! { <span aria-hidden="true">" "{s.1}</span> })}</a>
            </th>
        }
        .into_any()
    }
}

/// The days-created fields of a list's search form, and its sort kept as a hidden field.
#[component]
pub fn DateFilters(
    filters: Memo<ListFilters>,
    /// Makes the field ids unique on the page ("order").
    prefix: &'static str,
) -> impl IntoView {
    let (from_id, until_id) = (format!("{prefix}-from"), format!("{prefix}-until"));
    view! {
        <input type="hidden" name="sort" value=move || filters.with(|f| f.sort.clone()) />
        <span class="filter-days">
            <label for=from_id.clone() class="filter-label">"Created from"</label>
            <input id=from_id type="date" name="from" value=move || filters.with(|f| f.from.clone()) />
            <label for=until_id.clone() class="filter-label">"to"</label>
            <input id=until_id type="date" name="until" value=move || filters.with(|f| f.until.clone()) />
        </span>
    }
}

/// The assignee and team fields of a list's search form, offering whom the caller's scope
/// reaches.
#[component]
pub fn PeopleFilters(
    filters: Memo<ListFilters>,
    choices: FilterChoices,
    prefix: &'static str,
) -> impl IntoView {
    let (person_id, team_id) = (format!("{prefix}-assignee"), format!("{prefix}-team"));
    let chosen = move |field: fn(&ListFilters) -> &String, value: String| {
        move || filters.with(|f| *field(f) == value)
    };
    let people = choices
        .people
        .into_iter()
        .map(|p| {
            let id = p.user_id.as_str().to_owned();
            view! { <option value=id.clone() selected=chosen(|f| &f.assignee, id)>{p.label}</option> }
        })
        .collect_view();
    let teams = (!choices.teams.is_empty()).then(|| {
        let options = choices
            .teams
            .into_iter()
            .map(|t| {
                let id = t.id.as_str().to_owned();
                view! { <option value=id.clone() selected=chosen(|f| &f.team, id)>{t.name}</option> }
            })
            .collect_view();
        view! {
            <label for=team_id.clone() class="sr-only">"Team"</label>
            <select id=team_id name="team">
                <option value="">"Any team"</option>
                {options}
            </select>
        }
    });
    view! {
        <label for=person_id.clone() class="sr-only">"Assigned to"</label>
        <select id=person_id name="assignee">
            <option value="">"Anyone"</option>
            <option value="me" selected=chosen(|f| &f.assignee, "me".into())>"Assigned to me"</option>
            {people}
        </select>
        {teams}
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn addresses_keep_the_filters_and_leave_out_empty_values() {
        let filters = ListFilters {
            sort: "-total".into(),
            assignee: "me".into(),
            from: "2026-01-01".into(),
            ..ListFilters::default()
        };
        let base = list_address("/orders", &[("q", "a&b"), ("status", "")], &filters);
        assert_eq!(base, "/orders?q=a%26b&assignee=me&from=2026-01-01");
        assert_eq!(
            next_address(&base, &filters, "x1"),
            "/orders?q=a%26b&assignee=me&from=2026-01-01&sort=-total&after=x1"
        );
        assert_eq!(
            list_address("/orders", &[], &ListFilters::default()),
            "/orders"
        );
        assert_eq!(with_param("/orders", "sort", "total"), "/orders?sort=total");
    }
}
