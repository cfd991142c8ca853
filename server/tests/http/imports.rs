//! CSV imports over HTTP as an attacker sends them: no CSRF token, a binary dressed as CSV, an
//! oversized body, a second file field. Each is refused with nothing kept. And a plain form
//! post carries an honest file to its mapping page; started over the API it runs to the end,
//! markup stays text, and the report comes back as an attachment.

use std::time::Duration;

use reqwest::multipart::{Form, Part};
use reqwest::{header, StatusCode};

use super::demo_client;
use super::support::{api, csrf_token, page_token, TestServer};

fn csv(name: &str, text: &str) -> Form {
    Form::new().part(
        "file",
        Part::bytes(text.as_bytes().to_vec()).file_name(name.to_owned()),
    )
}

async fn imports(s: &TestServer) -> i64 {
    s.db.row_counts(&["imports"]).await[0].1
}

#[tokio::test]
async fn hostile_imports_are_refused_and_keep_nothing() {
    for db in app::server::platform::testing::backends().await {
        let label = db.backend().name();
        let s = TestServer::start(db, &[]).await;
        let c = demo_client(&s).await;
        let before = imports(&s).await;

        let res = c
            .post(s.url("/import/customers"))
            .multipart(csv("people.csv", "Name\nAda\n"))
            .send()
            .await
            .unwrap();
        assert_eq!(
            res.status(),
            StatusCode::FORBIDDEN,
            "{label}: no CSRF token"
        );

        let token = csrf_token(&c, &s).await;
        let cases: Vec<(&str, Form, StatusCode)> = vec![
            (
                "an executable named .csv",
                Form::new().part(
                    "file",
                    Part::bytes(b"\x7fELF\x02\x01\x01\0\0\0\xff\xfe".to_vec())
                        .file_name("people.csv"),
                ),
                StatusCode::UNPROCESSABLE_ENTITY,
            ),
            (
                "a header and no rows",
                csv("people.csv", "Name,Email\n"),
                StatusCode::UNPROCESSABLE_ENTITY,
            ),
            (
                "a second file",
                csv("people.csv", "Name\nAda\n")
                    .part("file", Part::bytes(b"x".to_vec()).file_name("b.csv")),
                StatusCode::BAD_REQUEST,
            ),
            (
                "21 MB",
                csv(
                    "big.csv",
                    &format!("Name\n{}", "Ada Lovelace\n".repeat(21 * 1024 * 1024 / 13)),
                ),
                StatusCode::PAYLOAD_TOO_LARGE,
            ),
            (
                "an unknown list",
                csv("people.csv", "Name\nAda\n"),
                StatusCode::NOT_FOUND,
            ),
        ];
        for (case, form, status) in cases {
            let path = if case == "an unknown list" {
                "/import/invoices"
            } else {
                "/import/customers"
            };
            let res = c
                .post(s.url(path))
                .header("x-csrf-token", &token)
                .multipart(form)
                .send()
                .await
                .unwrap();
            let got = res.status();
            let body = res.text().await.unwrap_or_default();
            assert_eq!(got, status, "{label}: {case}: {body}");
            if got == StatusCode::UNPROCESSABLE_ENTITY {
                assert!(
                    body.contains("\"file\""),
                    "{label}: {case} names the field: {body}"
                );
            }
        }
        assert_eq!(imports(&s).await, before, "{label}: nothing kept");
        let spool = std::fs::read_dir(s.data.path().join("spool")).map_or(0, |d| d.count());
        assert_eq!(spool, 0, "{label}: no spool file left");
        s.stop().await.unwrap();
    }
}

async fn start(c: &reqwest::Client, s: &TestServer, id: &str, plan: &str) -> reqwest::Response {
    let body = format!(r#"{{"list": "customers", "id": "{id}", "plan": {plan}}}"#);
    api(c, s, "/api/imports/start")
        .await
        .header(header::CONTENT_TYPE, "application/json")
        .body(body)
        .send()
        .await
        .unwrap()
}

#[tokio::test]
async fn a_form_upload_maps_runs_and_reports() {
    let s = TestServer::sqlite().await;
    let c = demo_client(&s).await;
    let page = c.get(s.url("/customers/import")).send().await.unwrap();
    let token = page_token(&page.text().await.unwrap());
    let text =
        "Name,Email\n<SCRIPT>alert(1)</SCRIPT> Ltd,markup@example.com\n,missing@example.com\n";
    let form = Form::new().text("csrf_token", token).part(
        "file",
        Part::bytes(text.as_bytes().to_vec()).file_name("people.csv"),
    );
    let res = c
        .post(s.url("/import/customers"))
        .header(header::ACCEPT, "text/html")
        .multipart(form)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    let landed = res.url().path().to_owned();
    let id = landed
        .strip_prefix("/customers/import/")
        .unwrap_or_else(|| panic!("on the mapping page, not {landed}"))
        .to_owned();
    let html = res.text().await.unwrap();
    assert!(
        !html.contains("<SCRIPT>alert"),
        "the preview shows markup as text"
    );

    // Extra and duplicated fields in the plan are refused; a field mapped twice names it.
    let twice = start(&c, &s, &id, r#"{"columns": [["name", 0], ["name", 1]], "on_refusal": "import_valid", "on_duplicate": "refuse", "team_id": ""}"#).await;
    assert_eq!(twice.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(twice.text().await.unwrap().contains("columns"));
    let unknown = start(&c, &s, &id, r#"{"columns": [["name", 0], ["tax_id", 9]], "on_refusal": "import_valid", "on_duplicate": "refuse", "team_id": ""}"#).await;
    assert_eq!(unknown.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let ok = start(&c, &s, &id, r#"{"columns": [["name", 0], ["email", 1]], "on_refusal": "import_valid", "on_duplicate": "refuse", "team_id": ""}"#).await;
    assert_eq!(ok.status(), StatusCode::OK, "{}", ok.text().await.unwrap());

    let mut view = serde_json::Value::Null;
    for _ in 0..100 {
        view = api(&c, &s, "/api/imports/get")
            .await
            .form(&[("list", "customers"), ("id", id.as_str())])
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        if view["status"] == "done" {
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    assert_eq!(view["status"], "done", "{view}");
    assert_eq!(
        (view["created_rows"].as_u64(), view["refused_rows"].as_u64()),
        (Some(1), Some(1))
    );

    let res = c
        .get(s.url(&format!("/import/customers/{id}/report.csv")))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    let h = res.headers().clone();
    assert!(h[header::CONTENT_DISPOSITION]
        .to_str()
        .unwrap()
        .starts_with("attachment;"));
    assert_eq!(h["x-content-type-options"], "nosniff");
    let report = res.text().await.unwrap();
    assert!(report.contains("3,name,"), "{report}");
    s.stop().await.unwrap();
}
