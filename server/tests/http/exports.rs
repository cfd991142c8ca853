//! `GET /export/{list}.csv` over HTTP: every list in `ExportList::ALL` answers with every row
//! the Owner's list has, in the list's own filters; a parameter the list does not know is
//! 400, a bad value 422 on its field; each export is recorded.

use reqwest::{header, StatusCode};

use app::model::ExportList;
use app::server::identity::passwords::Hasher;
use app::server::platform::clock::Clock;

use super::demo_client;
use super::files::new_customer;
use super::support::{api, TestServer};

#[tokio::test]
async fn the_customer_export_streams_the_list_and_refuses_what_it_does_not_know() {
    let s = TestServer::sqlite().await;
    let c = demo_client(&s).await;
    let customer = new_customer(&c, &s).await;
    let res = c
        .get(s.url("/export/customers.csv?q=Files&sort=-name"))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    assert_eq!(
        res.headers()[header::CONTENT_TYPE],
        "text/csv; charset=utf-8"
    );
    let disposition = res.headers()[header::CONTENT_DISPOSITION]
        .to_str()
        .unwrap()
        .to_owned();
    assert!(
        disposition.starts_with("attachment; filename=\"customers-"),
        "{disposition}"
    );
    let body = res.text().await.unwrap();
    let lines: Vec<&str> = body.trim_end().lines().collect();
    assert!(lines[0].starts_with("\u{feff}Id,Kind,Name"), "{}", lines[0]);
    assert_eq!(
        lines.len(),
        2,
        "the header and the one customer the search finds"
    );
    assert!(lines[1].starts_with(&customer));

    for (bad, status, field) in [
        (
            "?sort=tax_id",
            StatusCode::UNPROCESSABLE_ENTITY,
            Some("sort"),
        ),
        (
            "?from=2026-02-30",
            StatusCode::UNPROCESSABLE_ENTITY,
            Some("from"),
        ),
        (
            "?kind=robot",
            StatusCode::UNPROCESSABLE_ENTITY,
            Some("kind"),
        ),
        ("?q=a&q=b", StatusCode::BAD_REQUEST, None),
        ("?limit=5", StatusCode::BAD_REQUEST, None),
    ] {
        let res = c
            .get(s.url(&format!("/export/customers.csv{bad}")))
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), status, "{bad}");
        let body: serde_json::Value = res.json().await.unwrap();
        if let Some(field) = field {
            assert_eq!(body["field"], field, "{bad}: the refused field is named");
        }
    }
    let res = super::client()
        .get(s.url("/export/customers.csv"))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::UNAUTHORIZED);
    let recorded =
        s.db.rows_as_text("SELECT filters, row_count FROM data_exports")
            .await;
    assert_eq!(recorded.len(), 1, "only the export that ran: {recorded:?}");
    assert!(recorded[0].contains("q=Files&sort=-name") && recorded[0].contains("Some(1)"));
    s.stop().await.unwrap();
}

/// The demo has no library documents: one, so every list has a row to export.
pub async fn with_a_library_document(c: &reqwest::Client, s: &TestServer) {
    let res = api(c, s, "/api/library/create")
        .await
        .form(&[
            ("title", "Price list 2026"),
            ("description", ""),
            ("tags", "prices"),
            ("assigned_user_id", ""),
            ("team_id", ""),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::OK);
}

/// The rows of an exported file, past its header.
fn data_rows(body: &str) -> Vec<csv::StringRecord> {
    let mut reader = csv::Reader::from_reader(body.trim_start_matches('\u{feff}').as_bytes());
    reader.records().map(Result::unwrap).collect()
}

#[tokio::test]
async fn every_list_exports_every_row_of_the_owners_list_in_its_filters() {
    let s = TestServer::sqlite().await;
    server::demo::seed(&s.db.db, &Clock::System, &Hasher::new(1), 1)
        .await
        .unwrap();
    let c = demo_client(&s).await;
    with_a_library_document(&c, &s).await;
    let workspace =
        s.db.strings("SELECT id FROM workspaces WHERE name = 'Northwind Traders'")
            .await
            .remove(0);
    let count = |sql: String| {
        let db = &s.db;
        async move {
            let sql = sql.replacen("SELECT COUNT(*)", "SELECT CAST(COUNT(*) AS TEXT)", 1);
            db.strings(&sql).await.remove(0).parse::<usize>().unwrap()
        }
    };
    for list in ExportList::ALL {
        let res = c.get(s.url(&list.path())).send().await.unwrap();
        assert_eq!(res.status(), StatusCode::OK, "{}", list.name);
        let disposition = res.headers()[header::CONTENT_DISPOSITION]
            .to_str()
            .unwrap()
            .to_owned();
        assert!(
            disposition.starts_with(&format!("attachment; filename=\"{}-", list.name)),
            "{disposition}"
        );
        let rows = data_rows(&res.text().await.unwrap());
        // The lists are named after their tables.
        let all = count(format!(
            "SELECT COUNT(*) FROM {} WHERE workspace_id = '{workspace}'",
            list.name
        ))
        .await;
        assert_eq!(rows.len(), all, "{}: every row", list.name);
        assert!(all > 0, "{}: there are rows to export", list.name);
    }
    for (path, sql) in [
        (
            "/export/tickets.csv?status=open",
            "SELECT COUNT(*) FROM tickets WHERE status = 'open'",
        ),
        (
            "/export/tickets.csv?view=unassigned",
            "SELECT COUNT(*) FROM tickets WHERE assigned_user_id IS NULL",
        ),
        (
            "/export/orders.csv?status=fulfilled",
            "SELECT COUNT(*) FROM orders WHERE status = 'fulfilled'",
        ),
        (
            "/export/products.csv?q=a",
            "SELECT COUNT(*) FROM products WHERE (name_key LIKE '%a%' OR sku_key LIKE '%a%')",
        ),
    ] {
        let res = c.get(s.url(path)).send().await.unwrap();
        assert_eq!(res.status(), StatusCode::OK, "{path}");
        let rows = data_rows(&res.text().await.unwrap());
        let expected = count(format!("{sql} AND workspace_id = '{workspace}'")).await;
        assert_eq!(rows.len(), expected, "{path}");
        assert!(expected > 0, "{path}: the filter has something to find");
    }
    for (path, status, field) in [
        (
            "/export/orders.csv?status=robot",
            StatusCode::UNPROCESSABLE_ENTITY,
            Some("status"),
        ),
        (
            "/export/tickets.csv?view=everyone",
            StatusCode::UNPROCESSABLE_ENTITY,
            Some("view"),
        ),
        (
            "/export/tickets.csv?priority=now",
            StatusCode::UNPROCESSABLE_ENTITY,
            Some("priority"),
        ),
        (
            "/export/quotes.csv?sort=licence_key",
            StatusCode::UNPROCESSABLE_ENTITY,
            Some("sort"),
        ),
        (
            "/export/products.csv?status=open",
            StatusCode::BAD_REQUEST,
            None,
        ),
        (
            "/export/documents.csv?q=a&q=b",
            StatusCode::BAD_REQUEST,
            None,
        ),
    ] {
        let res = c.get(s.url(path)).send().await.unwrap();
        assert_eq!(res.status(), status, "{path}");
        let body: serde_json::Value = res.json().await.unwrap();
        if let Some(field) = field {
            assert_eq!(body["field"], field, "{path}: the refused field is named");
        }
    }
    let recorded =
        s.db.strings("SELECT list FROM data_exports ORDER BY list")
            .await;
    assert_eq!(
        recorded.len(),
        ExportList::ALL.len() + 4,
        "only the exports that ran: {recorded:?}"
    );
    s.stop().await.unwrap();
}

/// A person who cancels the download stops the export: the stream is the connection's, so the
/// server reads no batch after it and the export never gets its finish on record. The file is
/// far larger than the loopback socket's buffers, and an export left to run would finish well
/// within the wait (read whole, this one takes about a second in a debug build).
#[tokio::test]
async fn a_cancelled_download_stops_the_export() {
    let s = TestServer::sqlite().await;
    let c = demo_client(&s).await;
    let workspace =
        s.db.strings("SELECT id FROM workspaces WHERE name = 'Northwind Traders'")
            .await
            .remove(0);
    // 20,000 customers with a kilobyte of notes each: about 20 MB of CSV.
    s.db.db_exec(&format!(
        "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 20000) \
         INSERT INTO customers (id, workspace_id, name, name_key, notes, created_at, updated_at) \
         SELECT 'bulk-' || i, '{workspace}', 'Customer ' || i, 'customer ' || i, \
         '{}', 0, 0 FROM n",
        "n".repeat(1000)
    ))
    .await;
    let mut res = c.get(s.url("/export/customers.csv")).send().await.unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    let first = res.chunk().await.unwrap().unwrap();
    assert!(first.starts_with("\u{feff}Id,".as_bytes()));
    drop(res);
    tokio::time::sleep(std::time::Duration::from_secs(5)).await;
    let recorded =
        s.db.rows_as_text("SELECT row_count, finished_at FROM data_exports")
            .await;
    assert_eq!(recorded.len(), 1, "{recorded:?}");
    assert!(
        recorded[0].contains("finished_at=None") && recorded[0].contains("row_count=None"),
        "the export stopped with the download: {recorded:?}"
    );
    s.stop().await.unwrap();
}
