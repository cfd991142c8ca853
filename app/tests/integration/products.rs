//! Products against real SQLite and PostgreSQL: the catalogue reach, the keys that guard price
//! and stock, money as typed, SKUs unique per workspace, optimistic versions, keyset pages and
//! workspace isolation.

use app::model::{Product, ProductId};
use app::permissions::keys::{ProductsDelete, ProductsRead, ProductsWrite};
use app::server::access::grants;
use app::server::identity::accounts;
use app::server::identity::workspaces::WorkspaceName;
use app::server::platform::clock::Clock;
use app::server::platform::error::DomainError;
use app::server::platform::testing::{backends, Fixture, TestDb};
use app::server::records::listing::ListParams;
use app::server::records::products::{self, ListQuery, ProductForm};

fn form(sku: &str, name: &str, price: &str, stock: &str) -> ProductForm {
    ProductForm {
        sku: sku.into(),
        name: name.into(),
        unit_price: price.into(),
        stock: stock.into(),
        active: true,
        ..ProductForm::default()
    }
}

fn field(e: DomainError) -> &'static str {
    match e {
        DomainError::Invalid { field, .. } => field,
        other => panic!("expected a field error, got {other:?}"),
    }
}

async fn owner_creates(f: &Fixture, form: &ProductForm) -> Result<Product, DomainError> {
    let write = f.grant::<ProductsWrite>().await;
    products::create(&f.db, &f.clock, &write, form).await
}

/// Money is taken exactly as typed, in the workspace's currency; bad fields are named and
/// write nothing; SKUs are unique whatever their case.
async fn the_owner_fills_the_catalogue(t: &TestDb, f: &Fixture, label: &str) -> Product {
    let engine = owner_creates(f, &form("ENGINE-1", "Difference Engine", "1,234.50", "10"))
        .await
        .unwrap();
    assert_eq!(
        (
            engine.unit_price_minor,
            engine.unit_price.as_str(),
            engine.stock
        ),
        (123_450, "1,234.50 EUR", Some(10)),
        "{label}"
    );
    let before = t.row_counts(&["products"]).await;
    for (bad, expected) in [
        (form("engine-1", "Copy", "", ""), "sku"),
        (form("", "No SKU", "", ""), "sku"),
        (form("X-1", "", "", ""), "name"),
        (form("X-1", "Too exact", "12.345", ""), "unit_price"),
        (form("X-1", "Negative", "-5", ""), "unit_price"),
        (form("X-1", "Bad stock", "", "-1"), "stock"),
        (form("X-1", "Bad stock", "", "lots"), "stock"),
        (
            ProductForm {
                currency: "XAU".into(),
                ..form("X-1", "Gold", "1", "")
            },
            "currency",
        ),
        (
            ProductForm {
                description: "a\u{0}b".into(),
                ..form("X-1", "Control", "", "")
            },
            "description",
        ),
    ] {
        let e = owner_creates(f, &bad).await.unwrap_err();
        assert_eq!(field(e), expected, "{label}: {bad:?}");
    }
    assert_eq!(t.row_counts(&["products"]).await, before, "{label}");
    engine
}

/// A Manager holds products.write and products.inventory but not products.pricing: stock yes,
/// prices no — not even on a new product — and an unchanged price may be saved.
async fn a_manager_keeps_stock_but_not_prices(f: &Fixture, engine: &Product, label: &str) {
    let mallory = f
        .add_member("mallory@example.com", "Mallory Manager", "Manager")
        .await;
    let write = f.grant_of::<ProductsWrite>(&mallory).await.unwrap();
    let priced = form("MILL-1", "Mill", "99", "");
    let e = products::create(&f.db, &f.clock, &write, &priced)
        .await
        .unwrap_err();
    assert_eq!(field(e), "unit_price", "{label}");
    let mill = products::create(&f.db, &f.clock, &write, &form("MILL-1", "Mill", "", "3"))
        .await
        .unwrap();
    assert_eq!((mill.unit_price_minor, mill.stock), (0, Some(3)), "{label}");
    let restocked = form("ENGINE-1", "Difference Engine", "1234.5", "7");
    let saved = products::update(
        &f.db,
        &f.clock,
        &write,
        &engine.id,
        engine.version,
        &restocked,
    )
    .await
    .unwrap();
    assert_eq!(
        (saved.stock, saved.unit_price_minor),
        (Some(7), 123_450),
        "{label}"
    );
    let repriced = form("ENGINE-1", "Difference Engine", "999", "7");
    let e = products::update(
        &f.db,
        &f.clock,
        &write,
        &engine.id,
        saved.version,
        &repriced,
    )
    .await
    .unwrap_err();
    assert_eq!(field(e), "unit_price", "{label}");
    assert!(matches!(
        f.grant_of::<ProductsDelete>(&mallory).await,
        Err(DomainError::Forbidden)
    ));
}

/// Staff and Guests read the whole catalogue (no data scope narrows it) and change nothing.
async fn every_reader_sees_the_whole_catalogue(f: &Fixture, label: &str) {
    let grace = f
        .add_member("grace@example.com", "Grace Hopper", "Staff")
        .await;
    let read = f.grant_of::<ProductsRead>(&grace).await.unwrap();
    let page = products::list(&f.db, &read, &ListQuery::default())
        .await
        .unwrap();
    let names: Vec<&str> = page.items.iter().map(|p| p.name.as_str()).collect();
    assert_eq!(names, ["Difference Engine", "Mill"], "{label}");
    assert!(matches!(
        f.grant_of::<ProductsWrite>(&grace).await,
        Err(DomainError::Forbidden)
    ));
}

/// A save based on an old version is refused and changes nothing; search finds by SKU; pages
/// follow the name.
async fn stale_saves_search_and_pages(f: &Fixture, engine_id: &ProductId, label: &str) {
    let write = f.grant::<ProductsWrite>().await;
    let read = f.grant::<ProductsRead>().await;
    let stale = form("ENGINE-1", "Overwritten", "1", "1");
    let e = products::update(&f.db, &f.clock, &write, engine_id, 1, &stale)
        .await
        .unwrap_err();
    assert!(matches!(e, DomainError::Conflict(_)), "{label}: {e:?}");
    let kept = products::get(&f.db, &read, engine_id).await.unwrap();
    assert_eq!(kept.name, "Difference Engine", "{label}");
    let by_sku = ListQuery {
        list: ListParams {
            search: "mill-".into(),
            ..ListParams::default()
        },
    };
    let found = products::list(&f.db, &read, &by_sku).await.unwrap();
    assert_eq!(found.items.len(), 1, "{label}");
    let first = ListQuery {
        list: ListParams {
            limit: Some(1),
            ..ListParams::default()
        },
    };
    let page = products::list(&f.db, &read, &first).await.unwrap();
    let second = ListQuery {
        list: ListParams {
            limit: Some(1),
            after: page.next.clone(),
            ..ListParams::default()
        },
    };
    let rest = products::list(&f.db, &read, &second).await.unwrap();
    assert_eq!(
        (
            page.items[0].name.as_str(),
            rest.items[0].name.as_str(),
            rest.next
        ),
        ("Difference Engine", "Mill", None),
        "{label}"
    );
}

/// Another workspace finds none of it, and prices there are in its own currency.
async fn another_workspace_has_its_own_catalogue(
    t: &TestDb,
    f: &Fixture,
    engine_id: &ProductId,
    label: &str,
) {
    let name = WorkspaceName::parse("Tokyo Engines").unwrap();
    let other = accounts::create_workspace(&f.db, &f.clock, &f.owner, &name)
        .await
        .unwrap();
    t.db_exec(&format!(
        "UPDATE workspaces SET currency = 'JPY' WHERE id = '{}'",
        other.id
    ))
    .await;
    let (db, clock, owner) = (&f.db, &f.clock, &f.owner);
    let read = grants::require::<ProductsRead>(db, clock, owner, &other.id)
        .await
        .unwrap();
    let listed = products::list(db, &read, &ListQuery::default())
        .await
        .unwrap();
    assert!(listed.items.is_empty(), "{label}");
    assert!(matches!(
        products::get(db, &read, engine_id).await,
        Err(DomainError::NotFound)
    ));
    let delete = grants::require::<ProductsDelete>(db, clock, owner, &other.id)
        .await
        .unwrap();
    assert!(matches!(
        products::delete(db, clock, &delete, engine_id).await,
        Err(DomainError::NotFound)
    ));
    let write = grants::require::<ProductsWrite>(db, clock, owner, &other.id)
        .await
        .unwrap();
    let e = products::create(db, clock, &write, &form("ENGINE-1", "Abacus", "1200.5", ""))
        .await
        .unwrap_err();
    assert_eq!(field(e), "unit_price", "{label}: yen have no decimals");
    let abacus = products::create(db, clock, &write, &form("ENGINE-1", "Abacus", "1200", ""))
        .await
        .unwrap();
    assert_eq!(
        abacus.unit_price, "1,200 JPY",
        "{label}: the same SKU in another workspace"
    );
}

#[tokio::test]
async fn the_catalogue_is_read_by_all_priced_by_few_and_kept_per_workspace() {
    for t in backends().await {
        let label = t.backend().name();
        let clock = Clock::manual(1_795_478_400_000);
        let f = Fixture::new(&t.db, &clock).await;
        let engine = the_owner_fills_the_catalogue(&t, &f, label).await;
        a_manager_keeps_stock_but_not_prices(&f, &engine, label).await;
        every_reader_sees_the_whole_catalogue(&f, label).await;
        stale_saves_search_and_pages(&f, &engine.id, label).await;
        another_workspace_has_its_own_catalogue(&t, &f, &engine.id, label).await;
        let delete = f.grant::<ProductsDelete>().await;
        products::delete(&f.db, &f.clock, &delete, &engine.id)
            .await
            .unwrap();
        assert_eq!(t.row_counts(&["products"]).await[0].1, 2, "{label}");
    }
}
