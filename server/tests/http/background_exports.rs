//! Exports in the background over HTTP: for every list in `ExportList::ALL`, `exports/start`
//! with the list page's address counts the rows, `exports/get` follows the run to its end, and
//! `GET /export/{list}/{id}/file` answers the same file the streamed export does, with the
//! headers of a download; a bad address is refused before anything runs.

use reqwest::{header, StatusCode};
use serde_json::Value;

use app::model::ExportList;
use app::server::identity::passwords::Hasher;
use app::server::platform::clock::Clock;

use super::demo_client;
use super::exports::with_a_library_document;
use super::support::{call, TestServer};

/// Follows an export until it ends; its last view.
async fn ended(c: &reqwest::Client, s: &TestServer, list: &str, id: &str) -> Value {
    for _ in 0..200 {
        let (status, view) = call(c, s, "/api/exports/get", &[("list", list), ("id", id)]).await;
        assert_eq!(status, StatusCode::OK, "{list}: {view}");
        if view["status"] != "running" {
            return view;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    panic!("{list}: the export did not end in 10 s");
}

#[tokio::test]
async fn every_list_exports_in_the_background_to_the_same_file() {
    let s = TestServer::sqlite().await;
    server::demo::seed(&s.db.db, &Clock::System, &Hasher::new(1), 1)
        .await
        .unwrap();
    let c = demo_client(&s).await;
    with_a_library_document(&c, &s).await;
    for list in ExportList::ALL {
        let query = match list.name {
            "tickets" => "status=open&sort=subject",
            "orders" => "status=fulfilled",
            _ => "",
        };
        let (status, id) = call(
            &c,
            &s,
            "/api/exports/start",
            &[("list", list.name), ("query", query)],
        )
        .await;
        assert_eq!(status, StatusCode::OK, "{}: {id}", list.name);
        let id = id.as_str().unwrap().to_owned();
        let view = ended(&c, &s, list.name, &id).await;
        assert_eq!(view["status"], "done", "{}: {view}", list.name);
        let streamed = c
            .get(s.url(&format!("{}?{query}", list.path())))
            .send()
            .await
            .unwrap()
            .bytes()
            .await
            .unwrap();
        let rows = streamed.iter().filter(|b| **b == b'\n').count() - 1;
        assert!(rows > 0, "{}: rows to export", list.name);
        assert_eq!(
            view["total_rows"], rows,
            "{}: counted with the filters",
            list.name
        );
        assert_eq!(view["done_rows"], rows, "{}", list.name);

        let res = c
            .get(s.url(&format!("/export/{}/{id}/file", list.name)))
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), StatusCode::OK, "{}", list.name);
        let h = res.headers().clone();
        assert_eq!(h[header::CONTENT_TYPE], "text/csv; charset=utf-8");
        assert!(h[header::CONTENT_DISPOSITION]
            .to_str()
            .unwrap()
            .starts_with(&format!("attachment; filename=\"{}-", list.name)));
        assert!(h[header::CONTENT_SECURITY_POLICY]
            .to_str()
            .unwrap()
            .starts_with("sandbox"));
        assert_eq!(h[header::X_CONTENT_TYPE_OPTIONS], "nosniff");
        assert_eq!(view["size_bytes"], streamed.len(), "{}", list.name);
        let file = res.bytes().await.unwrap();
        assert_eq!(file, streamed, "{}: the streamed export's file", list.name);
    }

    for (list, query, status, field) in [
        (
            "orders",
            "status=robot",
            StatusCode::UNPROCESSABLE_ENTITY,
            Some("status"),
        ),
        ("tickets", "q=a&q=b", StatusCode::BAD_REQUEST, None),
        ("products", "status=open", StatusCode::BAD_REQUEST, None),
        ("payments", "", StatusCode::NOT_FOUND, None),
    ] {
        let (got, body) = call(
            &c,
            &s,
            "/api/exports/start",
            &[("list", list), ("query", query)],
        )
        .await;
        assert_eq!(got, status, "{list}?{query}: {body}");
        if let Some(field) = field {
            assert_eq!(body["field"], field, "{list}?{query}");
        }
    }
    let (got, _) = call(
        &c,
        &s,
        "/api/exports/get",
        &[("list", "customers"), ("id", "nonsense")],
    )
    .await;
    assert_eq!(got, StatusCode::NOT_FOUND);
    for path in [
        "/export/customers/0190f0f0-0000-7000-8000-000000000000/file",
        "/export/payments/x/file",
    ] {
        let res = c.get(s.url(path)).send().await.unwrap();
        assert_eq!(res.status(), StatusCode::NOT_FOUND, "{path}");
    }
    let recorded =
        s.db.strings("SELECT status FROM data_exports WHERE status <> 'streamed'")
            .await;
    assert_eq!(
        recorded.len(),
        ExportList::ALL.len(),
        "nothing started for a refused address: {recorded:?}"
    );
    s.stop().await.unwrap();
}
