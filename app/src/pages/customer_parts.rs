//! A customer's parts on its page: contact persons, addresses and tags, each listed for readers
//! and, for writers, with an add form and a remove button per entry. Every change names the
//! customer's version it was made on; after any answer the customer and its parts are read
//! again, so a refused change shows the current state beside the reason.

use leptos::prelude::*;

use crate::api::customer_parts::{
    AddCustomerAddress, AddCustomerContact, RemoveCustomerAddress, RemoveCustomerContact,
    SetCustomerTags,
};
use crate::components::alert::FormAlert;
use crate::components::form::{
    cleared_on_success, field_error, SelectField, SubmitButton, TextField,
};
use crate::components::list_controls::encode_query_value;
use crate::components::table::{DataTable, RowAction};
use crate::csrf_page::CsrfField;
use crate::error::AppError;
use crate::model::{AddressKind, CustomerParts};

/// The part actions of a customer page, made once at its top so their answers outlive the
/// re-renders they cause.
#[derive(Clone, Copy)]
pub struct PartActions {
    pub add_contact: ServerAction<AddCustomerContact>,
    pub remove_contact: ServerAction<RemoveCustomerContact>,
    pub add_address: ServerAction<AddCustomerAddress>,
    pub remove_address: ServerAction<RemoveCustomerAddress>,
    pub set_tags: ServerAction<SetCustomerTags>,
}

impl Default for PartActions {
    fn default() -> Self {
        Self {
            add_contact: ServerAction::new(),
            remove_contact: ServerAction::new(),
            add_address: ServerAction::new(),
            remove_address: ServerAction::new(),
            set_tags: ServerAction::new(),
        }
    }
}

impl PartActions {
    /// Changes whenever one of them has answered.
    pub fn version(&self) -> usize {
        self.add_contact.version().get()
            + self.remove_contact.version().get()
            + self.add_address.version().get()
            + self.remove_address.version().get()
            + self.set_tags.version().get()
    }

    /// The refusal of whichever answered last with one (removals have no form of their own).
    fn removal_error(&self) -> Signal<Option<AppError>> {
        let (contact, address) = (self.remove_contact, self.remove_address);
        Signal::derive(move || {
            contact
                .value()
                .get()
                .and_then(Result::err)
                .or_else(|| address.value().get().and_then(Result::err))
        })
    }
}

/// Tags as links to the customer list filtered by each.
#[component]
pub fn TagLinks(tags: Vec<String>) -> impl IntoView {
    tags.into_iter()
        .map(|tag| {
            let href = format!("/customers?tag={}", encode_query_value(&tag));
            view! { <a class="tag" href=href>{tag}</a> }
        })
        .collect_view()
}

/// The tags form: the whole set, separated by commas.
#[component]
pub fn TagsForm(id: String, version: i64, tags: Vec<String>, a: PartActions) -> impl IntoView {
    let error = Signal::derive(move || a.set_tags.value().get().and_then(Result::err));
    view! {
        <ActionForm action=a.set_tags attr:class="form" attr:novalidate=true>
            <CsrfField />
            <input type="hidden" name="customer_id" value=id />
            <input type="hidden" name="version" value=version.to_string() />
            <TextField label="Tags" name="tags" value=tags.join(", ") error=field_error(a.set_tags.value(), "tags") hint="Separated by commas; at most 20." maxlength=900 />
            <FormAlert error />
            <div class="form-actions">
                <SubmitButton label="Save tags" pending_label="Saving…" pending=a.set_tags.pending() />
            </div>
        </ActionForm>
    }
}

fn or_dash(s: String) -> String {
    if s.is_empty() {
        "—".into()
    } else {
        s
    }
}

#[component]
pub fn PartsCards(
    id: String,
    parts: CustomerParts,
    /// Only a company has contact persons.
    company: bool,
    can_write: bool,
    a: PartActions,
) -> impl IntoView {
    let version = parts.version.to_string();
    let row_fields = |name: &'static str, entry: &str| {
        vec![
            ("customer_id", id.clone()),
            ("version", version.clone()),
            (name, entry.to_owned()),
        ]
    };
    let contact_rows = parts
        .contacts
        .into_iter()
        .map(|c| {
            let remove = can_write.then(|| {
                let fields = row_fields("contact_id", c.id.as_str());
                let aria_label = format!("Remove contact {}", c.name);
                view! { <td><RowAction action=a.remove_contact fields label="Remove" aria_label danger=true /></td> }
            });
            view! {
                <tr>
                    <td>{c.name}</td>
                    <td>{or_dash(c.role)}</td>
                    <td>{or_dash(c.email)}</td>
                    <td>{or_dash(c.phone)}</td>
                    {remove}
                </tr>
            }
        })
        .collect::<Vec<_>>();
    let address_rows = parts
        .addresses
        .into_iter()
        .map(|ad| {
            let remove = can_write.then(|| {
                let fields = row_fields("address_id", ad.id.as_str());
                let aria_label = format!("Remove {} address {}", ad.kind.label(), ad.street);
                view! { <td><RowAction action=a.remove_address fields label="Remove" aria_label danger=true /></td> }
            });
            view! {
                <tr>
                    <td>{ad.kind.label()}</td>
                    <td>{ad.street}</td>
                    <td>{or_dash(ad.postcode)}" "{ad.city}</td>
                    <td>{ad.country_name}</td>
                    {remove}
                </tr>
            }
        })
        .collect::<Vec<_>>();
    let (contact_columns, address_columns): (&'static [&'static str], &'static [&'static str]) =
        if can_write {
            (
                &["Name", "Role", "Email", "Phone", ""],
                &["For", "Street", "Place", "Country", ""],
            )
        } else {
            (
                &["Name", "Role", "Email", "Phone"],
                &["For", "Street", "Place", "Country"],
            )
        };
    let add_contact = (can_write && company)
        .then(|| view! { <AddContact id=id.clone() version=parts.version a /> });
    let add_address =
        can_write.then(|| view! { <AddAddress id=id.clone() version=parts.version a /> });
    let removal_error = a.removal_error();
    // A person keeps the card only while contacts from their time as a company remain.
    let contacts = (company || !contact_rows.is_empty()).then(|| {
        view! {
            <section class="card" aria-labelledby="contacts-heading">
                <h2 id="contacts-heading">"Contact persons"</h2>
                <DataTable columns=contact_columns rows=contact_rows empty="No contact persons yet." />
                {add_contact}
            </section>
        }
    });
    view! {
        {contacts}
        <section class="card" aria-labelledby="addresses-heading">
            <h2 id="addresses-heading">"Addresses"</h2>
            <DataTable columns=address_columns rows=address_rows empty="No addresses yet." />
            {add_address}
        </section>
        <FormAlert error=removal_error />
    }
}

#[component]
fn AddContact(id: String, version: i64, a: PartActions) -> impl IntoView {
    let value = a.add_contact.value();
    let error = Signal::derive(move || value.get().and_then(Result::err));
    view! {
        <ActionForm action=a.add_contact node_ref=cleared_on_success(value) attr:class="form" attr:novalidate=true>
            <h3>"Add a contact person"</h3>
            <CsrfField />
            <input type="hidden" name="customer_id" value=id />
            <input type="hidden" name="version" value=version.to_string() />
            <div class="field-grid">
                <TextField label="Contact name" name="contact_name" error=field_error(value, "contact_name") maxlength=200 />
                <TextField label="Role at the company" name="contact_role" error=field_error(value, "contact_role") maxlength=100 />
                <TextField label="Contact email" name="contact_email" input_type="email" error=field_error(value, "contact_email") maxlength=254 />
                <TextField label="Contact phone" name="contact_phone" input_type="tel" error=field_error(value, "contact_phone") maxlength=40 />
            </div>
            <FormAlert error />
            <div class="form-actions">
                <SubmitButton label="Add contact" pending_label="Adding…" pending=a.add_contact.pending() />
            </div>
        </ActionForm>
    }
}

#[component]
fn AddAddress(id: String, version: i64, a: PartActions) -> impl IntoView {
    let value = a.add_address.value();
    let error = Signal::derive(move || value.get().and_then(Result::err));
    let kinds = AddressKind::ALL
        .into_iter()
        .map(|k| (k.as_str().to_owned(), k.label().to_owned()))
        .collect::<Vec<_>>();
    view! {
        <ActionForm action=a.add_address node_ref=cleared_on_success(value) attr:class="form" attr:novalidate=true>
            <h3>"Add an address"</h3>
            <CsrfField />
            <input type="hidden" name="customer_id" value=id />
            <input type="hidden" name="version" value=version.to_string() />
            <div class="field-grid">
                <SelectField label="For" name="kind" choices=kinds error=field_error(value, "kind") />
                <TextField label="Street and number" name="street" error=field_error(value, "street") maxlength=200 />
                <TextField label="Postcode" name="postcode" error=field_error(value, "postcode") maxlength=20 />
                <TextField label="City" name="city" error=field_error(value, "city") maxlength=100 />
                <TextField label="Country" name="country" hint="Two letters: GB, DE, US…" error=field_error(value, "country") maxlength=2 />
            </div>
            <FormAlert error />
            <div class="form-actions">
                <SubmitButton label="Add address" pending_label="Adding…" pending=a.add_address.pending() />
            </div>
        </ActionForm>
    }
}
