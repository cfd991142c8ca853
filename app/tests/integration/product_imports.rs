//! Product imports against real SQLite and PostgreSQL: matched by SKU whatever its case, prices
//! read into minor units (and refused past the currency's digits), the active flag read as
//! yes/no, and a second file updating only the columns it maps.

use app::model::{OnDuplicate, OnRefusal};
use app::permissions::keys::ProductsWrite;
use app::server::imports;
use app::server::platform::clock::Clock;
use app::server::platform::testing::{backends, disk_storage, Fixture};
use app::server::records::products::import::ProductImport;
use app::server::records::products::{self, ListQuery as ProductQuery};

use super::imports::{plan_by_header, run, upload};

#[tokio::test]
async fn products_import_by_sku_with_prices_in_minor_units() {
    for t in backends().await {
        let label = t.backend().name();
        let f = Fixture::new(&t.db, &Clock::System).await;
        let dir = tempfile::tempdir().unwrap();
        let storage = disk_storage(dir.path());
        let grant = f.grant::<ProductsWrite>().await;
        let file = "SKU;Name;Price;Stock;Active\n\
                    eng-1;Difference Engine;1234.50;3;yes\n\
                    ENG-2;Analytical Engine;;;no\n\
                    eng-1;Repeat;1;1;yes\n\
                    eng-3;Cheap;12.345;1;yes\n\
                    eng-4;Maybe;1;1;perhaps\n";
        let id = upload::<ProductImport>(&f, &storage, &grant, file)
            .await
            .unwrap();
        let view = imports::view::<ProductImport>(&f.db, &grant, &id)
            .await
            .unwrap();
        let plan = plan_by_header(&view, OnRefusal::ImportValid, OnDuplicate::Update);
        let done = run::<ProductImport>(&f, &storage, &id, plan, Some(f.grant().await)).await;
        assert_eq!(
            (done.created_rows, done.refused_rows),
            (2, 3),
            "{label}: {done:?}"
        );
        let fields: Vec<&str> = done.problems.iter().map(|p| p.field.as_str()).collect();
        assert_eq!(fields, ["sku", "unit_price", "active"], "{label}");

        let read = f.grant::<app::permissions::keys::ProductsRead>().await;
        let mut items = products::list(&f.db, &read, &ProductQuery::default())
            .await
            .unwrap()
            .items;
        items.sort_by(|a, b| a.sku.cmp(&b.sku));
        assert_eq!(items[0].sku, "ENG-2");
        assert!(!items[0].active);
        assert_eq!(
            (items[1].unit_price_minor, items[1].stock),
            (123_450, Some(3)),
            "{label}"
        );

        // Again, updating by SKU whatever its case: the mapped fields change, the stock stays.
        let id = upload::<ProductImport>(
            &f,
            &storage,
            &grant,
            "sku,name,price\nENG-1,Difference Engine,99\n",
        )
        .await
        .unwrap();
        let view = imports::view::<ProductImport>(&f.db, &grant, &id)
            .await
            .unwrap();
        let plan = plan_by_header(&view, OnRefusal::ImportNothing, OnDuplicate::Update);
        let done = run::<ProductImport>(&f, &storage, &id, plan, Some(f.grant().await)).await;
        assert_eq!(
            (done.created_rows, done.updated_rows),
            (0, 1),
            "{label}: {done:?}"
        );
        let one = products::get(&f.db, &read, &items[1].id).await.unwrap();
        assert_eq!(
            (one.unit_price_minor, one.name.as_str(), one.stock),
            (9_900, "Difference Engine", Some(3))
        );
    }
}
