//! The list kit's bulk part: a checkbox per row, and a bar above the list that says how many
//! records are chosen and holds the page's bulk actions. Each action's form posts the chosen
//! ids; the server checks the role allows bulk work, the count, and that every record is within
//! reach. Choosing needs JavaScript; without it the list is read-only as before.

use leptos::prelude::*;

/// The ids chosen on a list page.
#[derive(Clone, Copy)]
pub struct Selected(RwSignal<Vec<String>>);

impl Selected {
    pub fn new() -> Self {
        Self(RwSignal::new(Vec::new()))
    }

    pub fn count(&self) -> usize {
        self.0.with(Vec::len)
    }

    pub fn has(&self, id: &str) -> bool {
        self.0.with(|ids| ids.iter().any(|x| x == id))
    }

    pub fn set(&self, id: &str, chosen: bool) {
        self.0.update(|ids| {
            ids.retain(|x| x != id);
            if chosen {
                ids.push(id.to_owned());
            }
        });
    }

    pub fn clear(&self) {
        self.0.set(Vec::new());
    }

    /// The ids as the bulk endpoints take them.
    pub fn joined(&self) -> String {
        self.0.with(|ids| ids.join(","))
    }

    /// "3 customers", "1 customer".
    pub fn counted(&self, noun: &str) -> String {
        counted(self.count(), noun)
    }
}

impl Default for Selected {
    fn default() -> Self {
        Self::new()
    }
}

/// `n` of `noun`: "3 customers", "1 customer".
pub fn counted(n: usize, noun: &str) -> String {
    match n {
        1 => format!("1 {noun}"),
        n => format!("{n} {noun}s"),
    }
}

/// A row's checkbox; `label` names the record for screen readers ("Select Babbage & Co").
#[component]
pub fn SelectBox(selected: Selected, id: String, #[prop(into)] label: String) -> impl IntoView {
    let checked = {
        let id = id.clone();
        move || selected.has(&id)
    };
    view! {
        <input
            type="checkbox"
            class="select-box"
            aria-label=label
            prop:checked=checked
            on:change=move |ev| selected.set(&id, event_target_checked(&ev))
        />
    }
}

/// The chosen ids, as a hidden field of a bulk action's form.
#[component]
pub fn SelectedIds(selected: Selected) -> impl IntoView {
    view! { <input type="hidden" name="ids" prop:value=move || selected.joined() /> }
}

/// Shown while something is chosen: the count, the page's actions, and "Clear".
#[component]
pub fn BulkBar(selected: Selected, noun: &'static str, children: ChildrenFn) -> impl IntoView {
    view! {
        <Show when=move || selected.count() != 0>
            <div class="bulk-bar" role="region" aria-label="Bulk actions">
                <p class="bulk-count" aria-live="polite">{move || format!("{} selected", selected.counted(noun))}</p>
                {children()}
                <button type="button" class="btn" on:click=move |_| selected.clear()>"Clear"</button>
            </div>
        </Show>
    }
}

/// A destructive bulk action asked twice: the first button names the count, the second
/// confirms it ("Delete 3 customers" → "Really delete 3 customers?").
#[component]
pub fn ConfirmStep(
    selected: Selected,
    noun: &'static str,
    /// "Delete", "Close".
    verb: &'static str,
    #[prop(into)] pending: Signal<bool>,
) -> impl IntoView {
    let asking = RwSignal::new(false);
    view! {
        <Show
            when=move || asking.get()
            fallback=move || view! {
                <button type="button" class="btn btn-danger" on:click=move |_| asking.set(true)>
                    {move || format!("{verb} {}…", selected.counted(noun))}
                </button>
            }
        >
            <span class="bulk-confirm" role="alert">{move || format!("Really {} {}? This can't be undone.", verb.to_lowercase(), selected.counted(noun))}</span>
            <button type="submit" class="btn btn-danger" disabled=move || pending.get()>
                {move || format!("{verb} {}", selected.counted(noun))}
            </button>
            <button type="button" class="btn" on:click=move |_| asking.set(false)>"Keep them"</button>
        </Show>
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn a_count_names_its_noun_in_the_right_number() {
        assert_eq!(super::counted(1, "customer"), "1 customer");
        assert_eq!(super::counted(3, "ticket"), "3 tickets");
        assert_eq!(super::counted(0, "customer"), "0 customers");
    }
}
