//! Customers: the list (search, a tag filter, keyset pages in the address, so the back button
//! and links work), a new-customer form, and one customer's page with its edit form and parts.

use crate::components::raw_text::Title;
use crate::model::FileHolder;
use crate::pages::attachments::AttachmentsCard;
use leptos::prelude::*;
use leptos_router::hooks::{use_params_map, use_query_map};

use crate::api::accounts::me;
use crate::api::customer_parts::get_customer_parts;
use crate::api::customers::{
    get_customer, get_customer_form_options, list_customers, CreateCustomer, DeleteCustomer,
    UpdateCustomer,
};
use crate::components::alert::{list_error, FormAlert};
use crate::components::bulk::{SelectBox, Selected};
use crate::components::export::export_button;
use crate::components::form::{reset_to_current, SubmitButton, TextField};
use crate::components::layout::PageHeader;
use crate::components::list_controls::{
    filters_from, list_address, next_address, DateFilters, PeopleFilters, Sorting,
};
use crate::components::raw_text::TextArea;
use crate::components::table::{DataTable, Pager, SELECT};
use crate::csrf_page::CsrfField;
use crate::error::AppError;
use crate::model::{
    Customer, CustomerFormOptions, CustomerKind, CustomerPage, CustomerParts, ExportList,
    ListFilters, CUSTOMER_SORTS,
};
use crate::pages::customer_bulk::{BulkActions, CustomerBulkBar};
use crate::pages::customer_parts::{PartActions, PartsCards, TagLinks, TagsForm};
use crate::pages::history::HistoryCard;
use crate::permissions::Permission;

#[component]
pub fn CustomersPage() -> impl IntoView {
    let query = use_query_map();
    let search = move || query.with(|q| q.get("q").unwrap_or_default());
    let tag = move || query.with(|q| q.get("tag").unwrap_or_default());
    let kind = move || query.with(|q| q.get("kind").unwrap_or_default());
    let after = move || query.with(|q| q.get("after"));
    let selected = Selected::new();
    let bulk = BulkActions::new(selected);
    let filters = Memo::new(move |_| query.with(filters_from));
    let page = Resource::new(
        move || {
            (
                search(),
                tag(),
                kind(),
                filters.get(),
                after(),
                bulk.version(),
            )
        },
        |(search, tag, kind, filters, after, _)| {
            list_customers(search, Some(tag), Some(kind), Some(filters), after)
        },
    );
    let current = Resource::new(|| (), |_| me());
    view! {
        <Title text="Customers · Gatehouse" />
        <PageHeader title="Customers" lead="The customers your roles reach in this workspace." />
        <section class="card">
            <div class="toolbar">
                <form method="get" action="/customers" class="search-form" role="search">
                    <label for="customer-search" class="sr-only">"Search customers"</label>
                    <input
                        id="customer-search"
                        type="search"
                        name="q"
                        placeholder="Name, email or company"
                        value=search
                        maxlength=100
                    />
                    <label for="customer-tag" class="sr-only">"Tag"</label>
                    <input id="customer-tag" type="search" name="tag" placeholder="Tag" value=tag maxlength=40 class="tag-filter" />
                    <label for="customer-kind" class="sr-only">"Kind"</label>
                    <select id="customer-kind" name="kind">
                        <option value="">"Companies and people"</option>
                        {CustomerKind::ALL.into_iter().map(|k| view! {
                            <option value=k.key() selected=move || kind() == k.key()>{k.label()}</option>
                        }).collect_view()}
                    </select>
                    <Suspense fallback=|| ()>
                        {move || Suspend::new(async move {
                            page.await.ok().map(|p| view! { <PeopleFilters filters choices=p.choices prefix="customer" /> })
                        })}
                    </Suspense>
                    <DateFilters filters prefix="customer" />
                    <button type="submit" class="btn">"Search"</button>
                </form>
                <Suspense fallback=|| ()>
                    {move || Suspend::new(async move {
                        let user = current.await.ok().flatten();
                        let can = |p| user.as_ref().is_some_and(|u| u.can(p));
                        let export = query.with(|q| export_button(ExportList::CUSTOMERS, user.as_ref(), q));
                        let import = (can(Permission::CustomersImport)
                            && user.as_ref().is_some_and(|u| u.bulk_allowed))
                        .then(|| view! { <a class="btn" href="/customers/import">"Import CSV"</a> });
                        let new = can(Permission::CustomersWrite).then(|| {
                            view! { <a class="btn btn-primary" href="/customers/new">"New customer"</a> }
                        });
                        view! { <div class="toolbar-actions">{export}{import}{new}</div> }
                    })}
                </Suspense>
            </div>
            <Suspense fallback=|| view! { <p class="muted">"Loading customers…"</p> }>
                {move || Suspend::new(async move {
                    // The bulk bar, only for roles that allow bulk work and a key it serves.
                    let user = current.await.ok().flatten().filter(|u| u.bulk_allowed);
                    let may = |p| user.as_ref().is_some_and(|u| u.can(p));
                    let (may_assign, may_delete) = (may(Permission::CustomersWrite), may(Permission::CustomersDelete));
                    let choosing = (may_assign || may_delete).then_some(selected);
                    let bar = choosing.map(|_| view! {
                        <CustomerBulkBar selected actions=bulk may_assign may_delete />
                    });
                    match page.await {
                        Ok(page) => view! { {bar}<CustomerTable page search=search() tag=tag() kind=kind() filters=filters.get() selected=choosing /> }.into_any(),
                        Err(e) => list_error(e, "customers"),
                    }
                })}
            </Suspense>
        </section>
    }
}

#[component]
fn CustomerTable(
    page: CustomerPage,
    search: String,
    tag: String,
    kind: String,
    filters: ListFilters,
    selected: Option<Selected>,
) -> impl IntoView {
    let empty = if search.is_empty() && tag.is_empty() && kind.is_empty() && !filters.narrows() {
        "No customers yet."
    } else {
        "No customers match your search."
    };
    let base = list_address(
        "/customers",
        &[("q", &search), ("tag", &tag), ("kind", &kind)],
        &filters,
    );
    let next = page.next.map(|after| next_address(&base, &filters, &after));
    let sorting = Sorting {
        sorts: &CUSTOMER_SORTS,
        filters,
        base,
    };
    let rows = page
        .items
        .into_iter()
        .map(|c| {
            let href = format!("/customers/{}", c.id);
            let choose = selected.map(|selected| {
                let label = format!("Select {}", c.name);
                view! { <td class="select-col"><SelectBox selected id=c.id.as_str().to_owned() label /></td> }
            });
            view! {
                <tr>
                    {choose}
                    <td><a href=href>{c.name}</a></td>
                    <td>{c.company}</td>
                    <td>{c.email}</td>
                    <td class="tags"><TagLinks tags=c.tags /></td>
                    <td>{c.assigned_to.unwrap_or_else(|| "—".into())}</td>
                    <td>{c.team.unwrap_or_else(|| "—".into())}</td>
                </tr>
            }
        })
        .collect::<Vec<_>>();
    let columns: &'static [&'static str] = if selected.is_some() {
        &[
            SELECT,
            "Name",
            "Company",
            "Email",
            "Tags",
            "Assigned to",
            "Team",
        ]
    } else {
        &["Name", "Company", "Email", "Tags", "Assigned to", "Team"]
    };
    view! {
        <DataTable columns rows empty sorting />
        <Pager next label="Next page →" name="Customer pages" />
    }
}

#[component]
pub fn NewCustomerPage() -> impl IntoView {
    let options = Resource::new(|| (), |_| get_customer_form_options());
    let action = ServerAction::<CreateCustomer>::new();
    let value = action.value();
    Effect::new(move |_| {
        if let Some(Ok(customer)) = value.get() {
            window()
                .location()
                .set_href(&format!("/customers/{}", customer.id))
                .ok();
        }
    });
    let errors = Signal::derive(move || value.get().and_then(Result::err));
    view! {
        <Title text="New customer · Gatehouse" />
        <PageHeader title="New customer" />
        <Suspense fallback=|| view! { <p class="muted">"Loading…"</p> }>
            {move || Suspend::new(async move {
                match options.await {
                    Ok(options) => {
                        view! {
                            <section class="card">
                                <ActionForm action attr:class="form" attr:novalidate=true>
                                    <CsrfField />
                                    <CustomerFields options current=None errors />
                                    <FormAlert error=errors />
                                    <div class="form-actions">
                                        <SubmitButton label="Create customer" pending_label="Creating…" pending=action.pending() />
                                        <a href="/customers">"Cancel"</a>
                                    </div>
                                </ActionForm>
                            </section>
                        }
                            .into_any()
                    }
                    Err(e) => list_error(e, "the customer form"),
                }
            })}
        </Suspense>
    }
}

/// The fields both customer forms share; `current` fills them for editing.
#[component]
fn CustomerFields(
    options: CustomerFormOptions,
    current: Option<Customer>,
    errors: Signal<Option<AppError>>,
) -> impl IntoView {
    let message = move |field: &'static str| {
        Signal::derive(move || errors.get().and_then(|e| e.field_message(field)))
    };
    let value = |f: fn(&Customer) -> String| current.as_ref().map(f).unwrap_or_default();
    let assigned = current.as_ref().and_then(|c| c.assigned_user_id.clone());
    let team = current.as_ref().and_then(|c| c.team_id.clone());
    let tax_id = options.sees_sensitive.then(|| {
        view! {
            <TextField
                label="Tax id"
                name="tax_id"
                hint="Sensitive: only roles that may see sensitive customer fields see this."
                value=value(|c| c.tax_id.clone().unwrap_or_default())
                error=message("tax_id")
                maxlength=50
            />
        }
    });
    let kind = current.as_ref().map(|c| c.kind).unwrap_or_default();
    view! {
        <div class="field-grid">
            <div class="field">
                <label for="field-kind">"Kind"</label>
                <select id="field-kind" name="kind">
                    {CustomerKind::ALL
                        .into_iter()
                        .map(|k| view! { <option value=k.key() selected=k == kind>{k.label()}</option> })
                        .collect_view()}
                </select>
                <p class="field-error" aria-live="polite">{move || message("kind").get()}</p>
            </div>
            <TextField label="Name" name="name" value=value(|c| c.name.clone()) error=message("name") maxlength=200 />
            <TextField label="Company" name="company" value=value(|c| c.company.clone()) error=message("company") maxlength=200 />
            <TextField label="Email" name="email" input_type="email" value=value(|c| c.email.clone()) error=message("email") maxlength=254 />
            <TextField label="Phone" name="phone" input_type="tel" value=value(|c| c.phone.clone()) error=message("phone") maxlength=40 />
            {tax_id}
            <div class="field">
                <label for="field-assigned_user_id">"Assigned to"</label>
                <select id="field-assigned_user_id" name="assigned_user_id">
                    <option value="">"Me"</option>
                    {options
                        .members
                        .into_iter()
                        .map(|m| {
                            let selected = assigned.as_ref() == Some(&m.user_id);
                            view! { <option value=m.user_id.as_str().to_owned() selected=selected>{m.label}</option> }
                        })
                        .collect_view()}
                </select>
                <p class="field-error" id="field-assigned_user_id-error" aria-live="polite">
                    {move || message("assigned_user_id").get()}
                </p>
            </div>
            <div class="field">
                <label for="field-team_id">"Team"</label>
                <select id="field-team_id" name="team_id">
                    <option value="">"No team"</option>
                    {options
                        .teams
                        .into_iter()
                        .map(|t| {
                            let selected = team.as_ref() == Some(&t.id);
                            view! { <option value=t.id.as_str().to_owned() selected=selected>{t.name}</option> }
                        })
                        .collect_view()}
                </select>
                <p class="field-error" aria-live="polite">{move || message("team_id").get()}</p>
            </div>
        </div>
        <div class="field">
            <label for="field-notes">"Notes"</label>
            <TextArea id="field-notes" name="notes" rows=4 maxlength=2000 value=value(|c| c.notes.clone()) />
            <p class="field-error" aria-live="polite">{move || message("notes").get()}</p>
        </div>
    }
}

#[component]
pub fn CustomerPage() -> impl IntoView {
    let params = use_params_map();
    let id = move || params.with(|p| p.get("id").unwrap_or_default());
    let update = ServerAction::<UpdateCustomer>::new();
    let delete = ServerAction::<DeleteCustomer>::new();
    let parts = PartActions::default();
    let customer = Resource::new(
        move || (id(), update.version().get(), parts.version()),
        |(id, _, _)| get_customer(id),
    );
    let part_list = Resource::new(
        move || (id(), update.version().get(), parts.version()),
        |(id, _, _)| get_customer_parts(id),
    );
    let current = Resource::new(|| (), |_| me());
    Effect::new(move |_| {
        if matches!(delete.value().get(), Some(Ok(()))) {
            window().location().set_href("/customers").ok();
        }
    });
    view! {
        <Title text="Customer · Gatehouse" />
        <Suspense fallback=|| view! { <p class="muted">"Loading…"</p> }>
            {move || Suspend::new(async move {
                let user = current.await.ok().flatten();
                let can = |p| user.as_ref().is_some_and(|u| u.can(p));
                let (can_write, can_delete) = (
                    can(Permission::CustomersWrite),
                    can(Permission::CustomersDelete),
                );
                let part_list = part_list.await.ok();
                match customer.await {
                    Ok(c) => {
                        view! { <CustomerDetail customer=c part_list can_write can_delete update delete parts /> }
                            .into_any()
                    }
                    Err(e) => list_error(e, "this customer"),
                }
            })}
        </Suspense>
    }
}

#[component]
fn CustomerDetail(
    customer: Customer,
    part_list: Option<CustomerParts>,
    can_write: bool,
    can_delete: bool,
    update: ServerAction<UpdateCustomer>,
    delete: ServerAction<DeleteCustomer>,
    parts: PartActions,
) -> impl IntoView {
    let id = customer.id.as_str().to_owned();
    let company = customer.kind == CustomerKind::Company;
    let cards =
        part_list.map(|p| view! { <PartsCards id=id.clone() parts=p company can_write a=parts /> });
    let tags_form = can_write.then(|| {
        let (id, tags) = (id.clone(), customer.tags.clone());
        view! {
            <section class="card" aria-labelledby="tags-heading">
                <h2 id="tags-heading">"Tags"</h2>
                <TagsForm id version=customer.version tags a=parts />
            </section>
        }
    });
    let dash = |s: &str| {
        if s.is_empty() {
            "—".to_owned()
        } else {
            s.to_owned()
        }
    };
    let tax = customer
        .tax_id
        .clone()
        .map(|t| view! { <dt>"Tax id"</dt><dd>{dash(&t)}</dd> });
    let edit = can_write.then(|| {
        let customer = customer.clone();
        let id = id.clone();
        view! { <EditCustomer customer id update /> }
    });
    let remove = can_delete.then(|| {
        let error = Signal::derive(move || delete.value().get().and_then(Result::err));
        view! {
            <section class="card danger-zone" aria-labelledby="delete-heading">
                <h2 id="delete-heading">"Delete"</h2>
                <ActionForm action=delete attr:class="inline-form">
                    <CsrfField />
                    <input type="hidden" name="id" value=id.clone() />
                    <button type="submit" class="btn btn-danger">"Delete this customer"</button>
                </ActionForm>
                <FormAlert error />
            </section>
        }
    });
    view! {
        <PageHeader title=customer.name.clone() lead=customer.company.clone() />
        <section class="card">
            <dl class="details">
                <dt>"Kind"</dt><dd>{customer.kind.label()}</dd>
                <dt>"Email"</dt><dd>{dash(&customer.email)}</dd>
                <dt>"Phone"</dt><dd>{dash(&customer.phone)}</dd>
                {tax}
                <dt>"Assigned to"</dt><dd>{customer.assigned_to.clone().unwrap_or_else(|| "—".into())}</dd>
                <dt>"Team"</dt><dd>{customer.team.clone().unwrap_or_else(|| "—".into())}</dd>
                <dt>"Tags"</dt><dd class="tags"><TagLinks tags=customer.tags.clone() />{customer.tags.is_empty().then_some("—")}</dd>
                <dt>"Notes"</dt><dd class="notes">{dash(&customer.notes)}</dd>
            </dl>
            <p><a href="/customers">"← All customers"</a></p>
        </section>
        {cards}
        <AttachmentsCard holder=FileHolder::Customer record=customer.id.as_str().to_owned() />
        {tags_form}
        {edit}
        {remove}
        <HistoryCard target=customer.id.as_str().to_owned() sensitive=true />
    }
}

#[component]
fn EditCustomer(
    customer: Customer,
    id: String,
    update: ServerAction<UpdateCustomer>,
) -> impl IntoView {
    let options = Resource::new(|| (), |_| get_customer_form_options());
    let value = update.value();
    let errors = Signal::derive(move || value.get().and_then(Result::err));
    let customer = StoredValue::new(customer);
    let id = StoredValue::new(id);
    view! {
        <section class="card" aria-labelledby="edit-heading">
            <h2 id="edit-heading">"Edit"</h2>
            <Suspense fallback=|| ()>
                {move || Suspend::new(async move {
                    match options.await {
                        Ok(options) => {
                            view! {
                                <ActionForm action=update node_ref=reset_to_current(update.value()) attr:class="form" attr:novalidate=true>
                                    <CsrfField />
                                    <input type="hidden" name="id" value=id.get_value() />
                                    <input type="hidden" name="version" value=customer.get_value().version.to_string() />
                                    <CustomerFields options current=Some(customer.get_value()) errors />
                                    <FormAlert error=errors />
                                    <Show when=move || matches!(value.get(), Some(Ok(_)))>
                                        <p class="alert alert-success" role="status">"Saved."</p>
                                    </Show>
                                    <div class="form-actions">
                                        <SubmitButton label="Save changes" pending_label="Saving…" pending=update.pending() />
                                    </div>
                                </ActionForm>
                            }
                                .into_any()
                        }
                        Err(e) => list_error(e, "the customer form"),
                    }
                })}
            </Suspense>
        </section>
    }
}
