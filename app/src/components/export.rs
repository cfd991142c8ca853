//! A list page's "Export CSV" button. It shows when the server would answer: the person holds
//! the key the list's [`ExportList`] entry names and their role allows exports. It takes the
//! list as it stands — the page's search and filters, every page of it.

use leptos::prelude::*;
use leptos_router::params::ParamsMap;

use crate::components::list_controls::with_param;
use crate::model::{CurrentUser, ExportList};

pub fn export_button(
    list: ExportList,
    user: Option<&CurrentUser>,
    query: &ParamsMap,
) -> Option<AnyView> {
    let allowed = user.is_some_and(|u| u.can(list.key) && u.export_allowed);
    allowed.then(|| {
        let href = query
            .clone()
            .into_iter()
            .filter(|(k, _)| k != "after")
            .fold(list.path(), |a, (k, v)| with_param(&a, &k, &v));
        view! { <a class="btn" href=href rel="external">"Export CSV"</a> }.into_any()
    })
}
