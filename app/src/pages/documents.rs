//! What the quote and order pages share: the fields every document form has, the lines with
//! their totals, the fields of a new line, and status pills. Each page keeps its own actions;
//! the markup they fill is written here once.

use leptos::prelude::*;

use crate::components::form::SelectField;
use crate::components::raw_text::TextArea;
use crate::components::table::DataTable;
use crate::error::AppError;
use crate::model::{Choice, DocumentFormOptions, DocumentHeader, DocumentTotals, LineItem};

/// A document's status as a coloured pill ("status-draft", "status-accepted", …).
pub fn status_pill(key: &'static str, label: &'static str) -> impl IntoView {
    view! { <span class=format!("status status-{key}")>{label}</span> }
}

/// The message for `field` in a form's last error (shared by every record form).
pub fn message(errors: Signal<Option<AppError>>, field: &'static str) -> Signal<Option<String>> {
    Signal::derive(move || errors.get().and_then(|e| e.field_message(field)))
}

/// Choices as a select field's `(value, label)` pairs.
pub fn pairs(choices: Vec<Choice>) -> Vec<(String, String)> {
    choices.into_iter().map(|c| (c.id, c.label)).collect()
}

/// Customer, assignee, team and notes; `current` fills them for editing.
#[component]
pub fn HeaderFields(
    options: DocumentFormOptions,
    current: Option<DocumentHeader>,
    errors: Signal<Option<AppError>>,
    /// Where the customer starts when there is no `current` (a link from a customer's page).
    #[prop(default = None)]
    customer: Option<String>,
) -> impl IntoView {
    let chosen_customer = current
        .as_ref()
        .map(|h| h.customer_id.as_str().to_owned())
        .or(customer);
    let assigned = current
        .as_ref()
        .map(|h| h.assigned_user_id.as_str().to_owned());
    let team = current
        .as_ref()
        .and_then(|h| h.team_id.as_ref().map(|t| t.as_str().to_owned()));
    let notes = current.map(|h| h.notes).unwrap_or_default();
    let members = options
        .members
        .into_iter()
        .map(|m| (m.user_id.as_str().to_owned(), m.label))
        .collect();
    let teams = options
        .teams
        .into_iter()
        .map(|t| (t.id.as_str().to_owned(), t.name))
        .collect();
    view! {
        <div class="field-grid">
            <SelectField label="Customer" name="customer_id" choices=pairs(options.customers) selected=chosen_customer empty="Choose a customer" error=message(errors, "customer_id") />
            <SelectField label="Assigned to" name="assigned_user_id" choices=members selected=assigned empty="Me" error=message(errors, "assigned_user_id") />
            <SelectField label="Team" name="team_id" choices=teams selected=team empty="No team" error=message(errors, "team_id") />
        </div>
        <div class="field">
            <label for="field-notes">"Notes"</label>
            <TextArea id="field-notes" name="notes" rows=3 maxlength=4000 value=notes />
            <p class="field-error" aria-live="polite">{move || message(errors, "notes").get()}</p>
        </div>
    }
}

/// The product, quantity and (for holders of `products.pricing`) discount of a new line.
#[component]
pub fn LineFields(
    products: Vec<Choice>,
    may_discount: bool,
    errors: Signal<Option<AppError>>,
) -> impl IntoView {
    let discount = if may_discount {
        view! {
            <div class="field" class:field-invalid=move || message(errors, "discount").with(Option::is_some)>
                <label for="field-discount">"Discount %"</label>
                <input id="field-discount" name="discount" inputmode="decimal" maxlength=6 placeholder="0" />
                <p class="field-error" aria-live="polite">{move || message(errors, "discount").get()}</p>
            </div>
        }
        .into_any()
    } else {
        view! { <input type="hidden" name="discount" value="" /> }.into_any()
    };
    view! {
        <div class="line-fields">
            <SelectField label="Product" name="product_id" choices=pairs(products) empty="Choose a product" error=message(errors, "product_id") />
            <div class="field" class:field-invalid=move || message(errors, "quantity").with(Option::is_some)>
                <label for="field-quantity">"Quantity"</label>
                <input id="field-quantity" name="quantity" inputmode="numeric" maxlength=7 value="1" />
                <p class="field-error" aria-live="polite">{move || message(errors, "quantity").get()}</p>
            </div>
            {discount}
        </div>
    }
}

/// The lines of a document and its totals. `actions` holds one cell's content per line (a
/// remove button) while the document can still change, or nothing.
#[component]
pub fn LinesTable(
    lines: Vec<LineItem>,
    totals: DocumentTotals,
    actions: Vec<AnyView>,
) -> impl IntoView {
    let with_actions = !actions.is_empty();
    let mut actions = actions.into_iter();
    let rows = lines
        .into_iter()
        .map(|l| {
            let action = actions
                .next()
                .map(|a| view! { <td class="actions-cell">{a}</td> });
            view! {
                <tr>
                    <td><code>{l.sku}</code></td>
                    <td>{l.name}</td>
                    <td class="numeric">{l.quantity}</td>
                    <td class="numeric">{l.unit_price}</td>
                    <td class="numeric">{l.discount}</td>
                    <td class="numeric">{l.total}</td>
                    {action}
                </tr>
            }
        })
        .collect::<Vec<_>>();
    let columns: &'static [&'static str] = if with_actions {
        &[
            "SKU",
            "Product",
            "Qty",
            "Unit price",
            "Discount",
            "Line total",
            "",
        ]
    } else {
        &[
            "SKU",
            "Product",
            "Qty",
            "Unit price",
            "Discount",
            "Line total",
        ]
    };
    view! {
        <DataTable columns rows empty="No lines yet." class="lines" />
        <dl class="totals">
            <dt>"Subtotal"</dt><dd>{totals.subtotal}</dd>
            <dt>{format!("Tax ({})", totals.tax_rate)}</dt><dd>{totals.tax}</dd>
            <dt class="grand">"Total"</dt><dd class="grand">{totals.total}</dd>
        </dl>
    }
}
