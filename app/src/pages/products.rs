//! Products: the catalogue list (search and keyset pages in the address), a new-product form,
//! and one product's page with its edit form. Price and stock fields are offered to those whose
//! roles may change them; the server decides again.

use crate::components::raw_text::Title;
use leptos::prelude::*;
use leptos_router::hooks::{use_params_map, use_query_map};

use crate::api::accounts::me;
use crate::api::products::{
    get_product, list_products, CreateProduct, DeleteProduct, UpdateProduct,
};
use crate::components::alert::{list_error, FormAlert};
use crate::components::export::export_button;
use crate::components::form::{reset_to_current, SubmitButton, TextField};
use crate::components::layout::PageHeader;
use crate::components::list_controls::{
    filters_from, list_address, next_address, DateFilters, Sorting,
};
use crate::components::raw_text::TextArea;
use crate::components::table::{DataTable, Pager};
use crate::csrf_page::CsrfField;
use crate::error::AppError;
use crate::model::{ExportList, ListFilters, Product, ProductPage, PRODUCT_SORTS};
use crate::pages::history::HistoryCard;
use crate::permissions::Permission;

#[component]
pub fn ProductsPage() -> impl IntoView {
    let query = use_query_map();
    let search = move || query.with(|q| q.get("q").unwrap_or_default());
    let after = move || query.with(|q| q.get("after"));
    let filters = Memo::new(move |_| query.with(filters_from));
    let page = Resource::new(
        move || (search(), filters.get(), after()),
        |(search, filters, after)| list_products(search, Some(filters), after),
    );
    let current = Resource::new(|| (), |_| me());
    view! {
        <Title text="Products · Gatehouse" />
        <PageHeader title="Products" lead="The workspace's catalogue: what you sell, at what price, and how many are in stock." />
        <section class="card">
            <div class="toolbar">
                <form method="get" action="/products" class="search-form" role="search">
                    <label for="product-search" class="sr-only">"Search products"</label>
                    <input id="product-search" type="search" name="q" placeholder="Name or SKU" value=search maxlength=100 />
                    <DateFilters filters prefix="product" />
                    <button type="submit" class="btn">"Search"</button>
                </form>
                <Suspense fallback=|| ()>
                    {move || Suspend::new(async move {
                        let user = current.await.ok().flatten();
                        let can_write = user.as_ref().is_some_and(|u| u.can(Permission::ProductsWrite));
                        let may_import = can_write && user.as_ref().is_some_and(|u| u.bulk_allowed);
                        let import = may_import.then(|| view! { <a class="btn" href="/products/import">"Import CSV"</a> });
                        let new = can_write.then(|| view! { <a class="btn btn-primary" href="/products/new">"New product"</a> });
                        let export = query.with(|q| export_button(ExportList::PRODUCTS, user.as_ref(), q));
                        view! { <div class="toolbar-actions">{export}{import}{new}</div> }
                    })}
                </Suspense>
            </div>
            <Suspense fallback=|| view! { <p class="muted">"Loading products…"</p> }>
                {move || Suspend::new(async move {
                    match page.await {
                        Ok(page) => view! { <ProductTable page search=search() filters=filters.get() /> }.into_any(),
                        Err(e) => list_error(e, "products"),
                    }
                })}
            </Suspense>
        </section>
    }
}

#[component]
fn ProductTable(page: ProductPage, search: String, filters: ListFilters) -> impl IntoView {
    let empty = if search.is_empty() && !filters.narrows() {
        "No products yet."
    } else {
        "No products match your search."
    };
    let base = list_address("/products", &[("q", &search)], &filters);
    let next = page.next.map(|after| next_address(&base, &filters, &after));
    let sorting = Sorting {
        sorts: &PRODUCT_SORTS,
        filters,
        base,
    };
    let rows = page
        .items
        .into_iter()
        .map(|p| {
            let href = format!("/products/{}", p.id);
            view! {
                <tr class:row-inactive=!p.active>
                    <td><code>{p.sku}</code></td>
                    <td><a href=href>{p.name}</a></td>
                    <td class="numeric">{p.unit_price}</td>
                    <td class="numeric">{p.stock.map(|n| n.to_string()).unwrap_or_else(|| "—".into())}</td>
                    <td>{if p.active { "Active" } else { "Inactive" }}</td>
                </tr>
            }
        })
        .collect::<Vec<_>>();
    view! {
        <DataTable columns=&["SKU", "Name", "Price", "In stock", "Status"] rows empty sorting />
        <Pager next label="Next page →" name="Product pages" />
    }
}

/// What the caller may change on the form: price (`products.pricing`), stock
/// (`products.inventory`).
#[derive(Clone, Copy)]
struct Guarded {
    price: bool,
    stock: bool,
}

/// The fields both product forms share; `current` fills them for editing. A price or stock the
/// caller may not change is sent back as it is.
#[component]
fn ProductFields(
    current: Option<Product>,
    guarded: Guarded,
    errors: Signal<Option<AppError>>,
) -> impl IntoView {
    let message = move |field: &'static str| {
        Signal::derive(move || errors.get().and_then(|e| e.field_message(field)))
    };
    let value = |f: fn(&Product) -> String| current.as_ref().map(f).unwrap_or_default();
    let price = value(|p| {
        if p.unit_price_minor == 0 {
            String::new()
        } else {
            p.unit_price
                .trim_end_matches(&p.currency)
                .trim()
                .replace(',', "")
        }
    });
    let currency = value(|p| p.currency.clone());
    let stock = value(|p| p.stock.map(|n| n.to_string()).unwrap_or_default());
    let active = current.as_ref().is_none_or(|p| p.active);
    let price_field = if guarded.price {
        view! {
            <TextField label="Unit price" name="unit_price" value=price hint="In the currency below, like 1200.50. Empty: no price yet." error=message("unit_price") maxlength=20 />
            <TextField label="Currency" name="currency" value=currency hint="ISO 4217 code, like EUR. Empty: the workspace's currency." error=message("currency") maxlength=3 />
        }
        .into_any()
    } else {
        view! {
            <input type="hidden" name="unit_price" value=price />
            <input type="hidden" name="currency" value=currency />
        }
        .into_any()
    };
    let stock_field = if guarded.stock {
        view! { <TextField label="In stock" name="stock" value=stock hint="Units. Empty: stock is not tracked." error=message("stock") maxlength=10 /> }.into_any()
    } else {
        view! { <input type="hidden" name="stock" value=stock /> }.into_any()
    };
    view! {
        <div class="field-grid">
            <TextField label="SKU" name="sku" value=value(|p| p.sku.clone()) error=message("sku") maxlength=64 />
            <TextField label="Name" name="name" value=value(|p| p.name.clone()) error=message("name") maxlength=200 />
            {price_field}
            {stock_field}
        </div>
        <div class="field">
            <label for="field-description">"Description"</label>
            <TextArea id="field-description" name="description" rows=4 maxlength=4000 value=value(|p| p.description.clone()) />
            <p class="field-error" aria-live="polite">{move || message("description").get()}</p>
        </div>
        <div class="field field-check">
            <label><input type="checkbox" name="active" value="on" checked=active />" Active: can be put on quotes and orders"</label>
        </div>
    }
}

fn guarded_for(user: Option<&crate::model::CurrentUser>) -> Guarded {
    Guarded {
        price: user.is_some_and(|u| u.can(Permission::ProductsPricing)),
        stock: user.is_some_and(|u| u.can(Permission::ProductsInventory)),
    }
}

#[component]
pub fn NewProductPage() -> impl IntoView {
    let current = Resource::new(|| (), |_| me());
    let action = ServerAction::<CreateProduct>::new();
    let value = action.value();
    Effect::new(move |_| {
        if let Some(Ok(product)) = value.get() {
            window()
                .location()
                .set_href(&format!("/products/{}", product.id))
                .ok();
        }
    });
    let errors = Signal::derive(move || value.get().and_then(Result::err));
    view! {
        <Title text="New product · Gatehouse" />
        <PageHeader title="New product" />
        <Suspense fallback=|| view! { <p class="muted">"Loading…"</p> }>
            {move || Suspend::new(async move {
                let user = current.await.ok().flatten();
                let guarded = guarded_for(user.as_ref());
                view! {
                    <section class="card">
                        <ActionForm action attr:class="form" attr:novalidate=true>
                            <CsrfField />
                            <ProductFields current=None guarded errors />
                            <FormAlert error=errors />
                            <div class="form-actions">
                                <SubmitButton label="Create product" pending_label="Creating…" pending=action.pending() />
                                <a href="/products">"Cancel"</a>
                            </div>
                        </ActionForm>
                    </section>
                }
            })}
        </Suspense>
    }
}

#[component]
pub fn ProductPage() -> impl IntoView {
    let params = use_params_map();
    let id = move || params.with(|p| p.get("id").unwrap_or_default());
    let update = ServerAction::<UpdateProduct>::new();
    let delete = ServerAction::<DeleteProduct>::new();
    let product = Resource::new(
        move || (id(), update.version().get()),
        |(id, _)| get_product(id),
    );
    let current = Resource::new(|| (), |_| me());
    Effect::new(move |_| {
        if matches!(delete.value().get(), Some(Ok(()))) {
            window().location().set_href("/products").ok();
        }
    });
    view! {
        <Title text="Product · Gatehouse" />
        <Suspense fallback=|| view! { <p class="muted">"Loading…"</p> }>
            {move || Suspend::new(async move {
                let user = current.await.ok().flatten();
                let can = |p| user.as_ref().is_some_and(|u| u.can(p));
                let (can_write, can_delete) = (can(Permission::ProductsWrite), can(Permission::ProductsDelete));
                let guarded = guarded_for(user.as_ref());
                match product.await {
                    Ok(p) => view! { <ProductDetail product=p can_write can_delete guarded update delete /> }.into_any(),
                    Err(e) => list_error(e, "this product"),
                }
            })}
        </Suspense>
    }
}

#[component]
fn ProductDetail(
    product: Product,
    can_write: bool,
    can_delete: bool,
    guarded: Guarded,
    update: ServerAction<UpdateProduct>,
    delete: ServerAction<DeleteProduct>,
) -> impl IntoView {
    let id = product.id.as_str().to_owned();
    let stock = product
        .stock
        .map(|n| n.to_string())
        .unwrap_or_else(|| "Not tracked".into());
    let edit = can_write.then(|| {
        let (id, product) = (id.clone(), product.clone());
        let errors = Signal::derive(move || update.value().get().and_then(Result::err));
        let saved = move || matches!(update.value().get(), Some(Ok(_)));
        view! {
            <section class="card" aria-labelledby="edit-heading">
                <h2 id="edit-heading">"Edit"</h2>
                <ActionForm action=update node_ref=reset_to_current(update.value()) attr:class="form" attr:novalidate=true>
                    <CsrfField />
                    <input type="hidden" name="id" value=id />
                    <input type="hidden" name="version" value=product.version />
                    <ProductFields current=Some(product) guarded errors />
                    <FormAlert error=errors />
                    <div class="form-actions">
                        <SubmitButton label="Save product" pending_label="Saving…" pending=update.pending() />
                        {move || saved().then(|| view! { <span class="muted" role="status">"Saved."</span> })}
                    </div>
                </ActionForm>
            </section>
        }
    });
    let remove = can_delete.then(|| {
        let error = Signal::derive(move || delete.value().get().and_then(Result::err));
        view! {
            <section class="card danger-zone" aria-labelledby="delete-heading">
                <h2 id="delete-heading">"Delete"</h2>
                <ActionForm action=delete attr:class="inline-form">
                    <CsrfField />
                    <input type="hidden" name="id" value=id.clone() />
                    <button type="submit" class="btn btn-danger">"Delete this product"</button>
                </ActionForm>
                <FormAlert error />
            </section>
        }
    });
    view! {
        <PageHeader title=product.name.clone() lead=product.sku.clone() />
        <section class="card">
            <dl class="details">
                <dt>"Price"</dt><dd>{product.unit_price.clone()}</dd>
                <dt>"In stock"</dt><dd>{stock}</dd>
                <dt>"Status"</dt><dd>{if product.active { "Active" } else { "Inactive" }}</dd>
                <dt>"Description"</dt><dd class="notes">{if product.description.is_empty() { "—".to_owned() } else { product.description.clone() }}</dd>
            </dl>
            <p><a href="/products">"← All products"</a></p>
        </section>
        {edit}
        {remove}
        <HistoryCard target=product.id.as_str().to_owned() />
    }
}
