//! A list page's "Export CSV" button. It shows when the server would answer: the person holds
//! the key the list's [`ExportList`] entry names and their role allows exports. It takes the
//! list as it stands — the page's search and filters, every page of it — and starts the export
//! in the background, then opens the export's page: progress, a cancel, and the file.

use leptos::prelude::*;
use leptos_router::params::ParamsMap;

use crate::api::exports::start_export;
use crate::components::alert::FormAlert;
use crate::components::list_controls::with_param;
use crate::model::{CurrentUser, ExportList};

pub fn export_button(
    list: ExportList,
    user: Option<&CurrentUser>,
    query: &ParamsMap,
) -> Option<AnyView> {
    let allowed = user.is_some_and(|u| u.can(list.key) && u.export_allowed);
    allowed.then(|| {
        let address = query
            .clone()
            .into_iter()
            .filter(|(k, _)| k != "after")
            .fold(String::new(), |a, (k, v)| with_param(&a, &k, &v));
        let query = address.trim_start_matches('?').to_owned();
        view! { <ExportButton list query /> }.into_any()
    })
}

#[component]
fn ExportButton(list: ExportList, query: String) -> impl IntoView {
    let start = Action::new(move |q: &String| start_export(list.name.to_owned(), q.clone()));
    let value = start.value();
    Effect::new(move |_| {
        if let Some(Ok(id)) = value.get() {
            window().location().set_href(&list.run_href(&id)).ok();
        }
    });
    let error = Signal::derive(move || value.get().and_then(Result::err));
    let pending = start.pending();
    view! {
        <button
            type="button"
            class="btn"
            disabled=move || pending.get()
            on:click=move |_| {
                start.dispatch(query.clone());
            }
        >
            "Export CSV"
        </button>
        <FormAlert error />
    }
}
