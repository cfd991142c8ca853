//! The list kit every list page uses: one table (headings, rows, the empty state), one way to
//! page on (a keyset link), and one form for a button in a row. A page states its columns and
//! how one record becomes a row; the markup, the accessibility details and the CSRF field are
//! written here once.

use leptos::prelude::*;
use leptos::server_fn::client::Client;
use leptos::server_fn::codec::PostUrl;
use leptos::server_fn::request::ClientReq;
use leptos::server_fn::{Http, ServerFn};
use serde::de::DeserializeOwned;

use super::list_controls::Sorting;
use crate::csrf_page::CsrfField;

/// The heading of the row-actions column: nothing to see, "Actions" to a screen reader.
pub const ACTIONS: &str = "";
/// The heading of the column of row checkboxes (bulk actions): "Select" to a screen reader.
pub const SELECT: &str = " ";

/// A table of records. Each column heading is a `<th scope="col">`; [`ACTIONS`] heads the
/// column of row buttons, [`SELECT`] the column of row checkboxes. With no rows the table
/// gives way to `empty`, so a list never shows
/// a bare header.
#[component]
pub fn DataTable<R>(
    /// Column headings, in order.
    columns: &'static [&'static str],
    /// The rows (`<tr>` each), already built by the page.
    rows: Vec<R>,
    /// What to say when there are no rows.
    #[prop(into)]
    empty: String,
    /// Extra classes for the `<table>` (for a page's own column widths).
    #[prop(optional)]
    class: &'static str,
    /// Headings that sort the list, for a list with sortable columns.
    #[prop(optional)]
    sorting: Option<Sorting>,
) -> impl IntoView
where
    R: IntoView + 'static,
{
    if rows.is_empty() {
        return view! { <p class="empty-state">{empty}</p> }.into_any();
    }
    let headings = columns
        .iter()
        .map(|c| {
            if c.is_empty() {
                view! { <th scope="col"><span class="sr-only">"Actions"</span></th> }.into_any()
            } else if *c == SELECT {
                view! { <th scope="col" class="select-col"><span class="sr-only">"Select"</span></th> }.into_any()
            } else if let Some(sorting) = &sorting {
                sorting.heading(c)
            } else {
                view! { <th scope="col">{*c}</th> }.into_any()
            }
        })
        .collect_view();
    let class = if class.is_empty() {
        "table".to_owned()
    } else {
        format!("table {class}")
    };
    view! {
        <div class="table-wrap">
            <table class=class>
                <thead>
                    <tr>{headings}</tr>
                </thead>
                <tbody>{rows}</tbody>
            </table>
        </div>
    }
    .into_any()
}

/// The link to the next page of a keyset-paged list, when there is one. A plain link, so it
/// works before the page has hydrated and without JavaScript.
#[component]
pub fn Pager(
    /// The next page's address; `None` on the last page.
    next: Option<String>,
    /// The link's text ("Next page →", "Older entries").
    label: &'static str,
    /// What the pages are of, for screen readers ("Customer pages").
    name: &'static str,
) -> impl IntoView {
    next.map(|href| {
        view! {
            <nav class="pager" aria-label=name>
                <a class="btn" href=href rel="next">{label}</a>
            </nav>
        }
    })
}

/// A button in a table row that posts the row's ids to a server action, with the CSRF token.
/// Without JavaScript it is a plain form post.
#[component]
pub fn RowAction<ServFn, OutputProtocol>(
    /// The action the button runs.
    action: ServerAction<ServFn>,
    /// The row's ids, by the names the server function takes.
    fields: Vec<(&'static str, String)>,
    /// The button's text.
    #[prop(into)]
    label: String,
    /// The accessible name, where the text alone does not say which row ("Remove 10.0.0.0/8").
    #[prop(optional, into)]
    aria_label: Option<String>,
    /// Styled as a destructive action.
    #[prop(optional)]
    danger: bool,
) -> impl IntoView
where
    ServFn: DeserializeOwned
        + ServerFn<Protocol = Http<PostUrl, OutputProtocol>>
        + Clone
        + Send
        + Sync
        + 'static,
    <<ServFn::Client as Client<ServFn::Error>>::Request as ClientReq<ServFn::Error>>::FormData:
        From<leptos::web_sys::FormData>,
    ServFn::Output: Send + Sync + 'static,
    ServFn::Error: Send + Sync + 'static,
    <ServFn as ServerFn>::Client: Client<<ServFn as ServerFn>::Error>,
{
    let hidden = fields
        .into_iter()
        .map(|(name, value)| view! { <input type="hidden" name=name value=value /> })
        .collect_view();
    let class = if danger {
        "btn btn-small btn-danger"
    } else {
        "btn btn-small"
    };
    view! {
        <ActionForm action attr:class="inline-form">
            <CsrfField />
            {hidden}
            <button type="submit" class=class aria-label=aria_label>{label}</button>
        </ActionForm>
    }
}

#[cfg(all(test, feature = "ssr"))]
mod tests {
    use super::*;

    /// The markup, without the `<!>` placeholders type-erased views leave for hydration.
    fn render(view: impl FnOnce() -> AnyView) -> String {
        Owner::new().with(|| view().to_html()).replace("<!>", "")
    }

    #[test]
    fn a_table_heads_its_columns_and_names_the_actions_column() {
        let html = render(|| {
            let rows = vec![view! { <tr><td>"Ada"</td><td></td></tr> }];
            view! { <DataTable columns=&["Name", ACTIONS] rows empty="None." class="people" /> }
                .into_any()
        });
        assert!(html.contains(r#"<table class="table people">"#), "{html}");
        assert!(html.contains(r#"<th scope="col">Name</th>"#), "{html}");
        assert!(
            html.contains(r#"<th scope="col"><span class="sr-only">Actions</span></th>"#),
            "{html}"
        );
        assert!(html.contains("<td>Ada</td>"), "{html}");
        assert!(!html.contains("None."), "{html}");
    }

    #[test]
    fn no_rows_show_the_empty_state_and_no_bare_header() {
        let html = render(|| {
            let rows: Vec<AnyView> = Vec::new();
            view! { <DataTable columns=&["Name"] rows empty="No people yet." /> }.into_any()
        });
        assert!(
            html.contains(r#"<p class="empty-state">No people yet.</p>"#),
            "{html}"
        );
        assert!(!html.contains("<table"), "{html}");
    }

    #[test]
    fn the_pager_links_on_only_when_there_is_a_next_page() {
        let last = render(|| view! { <Pager next=None label="Next" name="Pages" /> }.into_any());
        assert!(!last.contains("<a"), "{last}");
        let more = render(|| {
            view! { <Pager next=Some("/x?after=b".into()) label="Next" name="Pages" /> }.into_any()
        });
        for part in [
            r#"<nav aria-label="Pages" class="pager">"#,
            r#"<a href="/x?after=b" rel="next" class="btn">Next</a>"#,
        ] {
            assert!(more.contains(part), "{more}");
        }
    }
}
