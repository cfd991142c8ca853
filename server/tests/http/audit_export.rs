//! `GET /audit/export.ndjson` and `.csv` over HTTP: the whole trail or the viewer's selection, with the
//! chain's hashes, proved offline by `audit::offline` (what `server audit verify-export` runs);
//! a parameter the viewer does not know or a repeated one is 400, a bad value 422 on its
//! field, and every export is recorded.

use reqwest::{header, StatusCode};

use app::server::audit::export::Line;
use app::server::audit::offline;
use app::server::audit::signing::AuditKey;
use app::server::identity::passwords::Hasher;
use app::server::platform::clock::Clock;

use super::demo_client;
use super::support::TestServer;

fn entries(body: &str) -> Vec<app::server::audit::chain::Entry> {
    body.lines()
        .filter_map(|l| match serde_json::from_str::<Line>(l).unwrap() {
            Line::Entry(e) => Some(*e),
            _ => None,
        })
        .collect()
}

#[tokio::test]
async fn the_trail_exports_with_its_hashes_and_proves_itself_offline() {
    let s = TestServer::sqlite().await;
    server::demo::seed(&s.db.db, &Clock::System, &Hasher::new(1), 1)
        .await
        .unwrap();
    let c = demo_client(&s).await;
    let key = AuditKey::generate();
    app::server::audit::checkpoints::sign_heads(&s.db.db, &Clock::System, &key)
        .await
        .unwrap();
    let workspace =
        s.db.strings("SELECT id FROM workspaces WHERE name = 'Northwind Traders'")
            .await
            .remove(0);
    let ids = |filter: &str| {
        let sql = format!(
            "SELECT id FROM audit_log WHERE workspace_id = '{workspace}'{filter} ORDER BY seq"
        );
        let db = &s.db;
        async move { db.strings(&sql).await }
    };

    let res = c.get(s.url("/audit/export.ndjson")).send().await.unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    assert_eq!(
        res.headers()[header::CONTENT_TYPE],
        "application/x-ndjson; charset=utf-8"
    );
    let disposition = res.headers()[header::CONTENT_DISPOSITION].to_str().unwrap();
    assert!(
        disposition.starts_with("attachment; filename=\"audit-"),
        "{disposition}"
    );
    let body = res.text().await.unwrap();
    let all: Vec<String> = entries(&body).into_iter().map(|e| e.id).collect();
    assert_eq!(
        all,
        ids("").await,
        "every entry of the caller's workspace, in order"
    );
    assert!(!all.is_empty());
    let proved = offline::verify(body.as_bytes(), &key.public()).unwrap();
    assert!(proved.complete);
    assert_eq!(proved.workspace, workspace);
    assert_eq!(
        proved.proved.signed_through,
        proved.last_seq - 1,
        "the checkpoint travels along: it covers all but the export's own entry"
    );

    // The viewer's selection: each entry still proved by its own hash.
    let res = c
        .get(s.url("/audit/export.ndjson?action=team."))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    let body = res.text().await.unwrap();
    assert!(body
        .lines()
        .next()
        .unwrap()
        .contains("\"filter\":\"action=team.\""));
    let teams: Vec<String> = entries(&body).into_iter().map(|e| e.id).collect();
    assert_eq!(teams, ids(" AND action LIKE 'team.%'").await);
    assert!(!teams.is_empty() && teams.len() < all.len());
    let proved = offline::verify(body.as_bytes(), &key.public()).unwrap();
    assert!(!proved.complete);

    for (bad, status, field) in [
        (
            "?action=Team",
            StatusCode::UNPROCESSABLE_ENTITY,
            Some("action"),
        ),
        (
            "?action=team%25",
            StatusCode::UNPROCESSABLE_ENTITY,
            Some("action"),
        ),
        (
            "?actor=%3Cb%3E",
            StatusCode::UNPROCESSABLE_ENTITY,
            Some("actor"),
        ),
        (
            "?from=2026-02-01&until=2026-01-01",
            StatusCode::UNPROCESSABLE_ENTITY,
            Some("until"),
        ),
        (
            "?from=2026-02-30",
            StatusCode::UNPROCESSABLE_ENTITY,
            Some("from"),
        ),
        ("?workspace=x", StatusCode::BAD_REQUEST, None),
        ("?action=team.&action=role.", StatusCode::BAD_REQUEST, None),
    ] {
        let res = c
            .get(s.url(&format!("/audit/export.ndjson{bad}")))
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
        .get(s.url("/audit/export.ndjson"))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::UNAUTHORIZED);

    let lists = s.db.strings("SELECT list FROM data_exports").await;
    assert_eq!(lists, ["audit", "audit"], "only the exports that ran");
    let counts = s
        .db
        .strings("SELECT filters || ' ' || CAST(row_count AS TEXT) FROM data_exports ORDER BY started_at")
        .await;
    assert_eq!(
        counts,
        [
            format!(" {}", all.len()),
            format!("action=team. {}", teams.len())
        ]
    );
    s.stop().await.unwrap();
}

/// The CSV: the same selection, one row per entry with its hashes, read back as a spreadsheet
/// reads it — and a value that would run as a formula (here the user agent a sign-in sent)
/// arrives as text.
#[tokio::test]
async fn the_trail_exports_as_csv_with_formulas_made_text() {
    let s = TestServer::sqlite().await;
    let formula = "=HYPERLINK(\"http://evil.example\",\"open\")";
    let c = reqwest::Client::builder()
        .cookie_store(true)
        .user_agent(formula)
        .build()
        .unwrap();
    super::demo_signs_in(&c, &s).await;

    let res = c
        .get(s.url("/audit/export.csv?action=sign_in.&outcome=done"))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    assert_eq!(
        res.headers()[header::CONTENT_TYPE],
        "text/csv; charset=utf-8"
    );
    let body = res.text().await.unwrap();
    assert!(body.starts_with('\u{feff}'), "a BOM, for Excel");
    let mut reader = csv::Reader::from_reader(body.trim_start_matches('\u{feff}').as_bytes());
    let columns: Vec<String> = reader
        .headers()
        .unwrap()
        .iter()
        .map(str::to_owned)
        .collect();
    assert_eq!(columns, app::server::audit::trail::CSV_COLUMNS);
    let rows: Vec<csv::StringRecord> = reader.records().map(Result::unwrap).collect();
    assert_eq!(rows.len(), 1, "the one sign-in");
    let cell = |name: &str| {
        let i = columns.iter().position(|c| c == name).unwrap();
        rows[0][i].to_owned()
    };
    assert_eq!(cell("action"), "sign_in.succeeded");
    assert_eq!(cell("outcome"), "done");
    assert_eq!(cell("actor_kind"), "person");
    assert_eq!(cell("ip"), "127.0.0.1");
    assert_eq!(
        cell("user_agent"),
        format!("'{formula}"),
        "a formula made text"
    );
    let stored =
        s.db.strings(&format!(
            "SELECT entry_hash FROM audit_log WHERE id = '{}'",
            cell("id")
        ))
        .await;
    assert_eq!(stored, [cell("entry_hash")]);

    let exports =
        s.db.strings("SELECT columns || ' ' || CAST(row_count AS TEXT) FROM data_exports")
            .await;
    assert_eq!(
        exports,
        [format!(
            "{} 1",
            app::server::audit::trail::CSV_COLUMNS.join(",")
        )]
    );
    let recorded =
        s.db.strings("SELECT action FROM audit_log WHERE action LIKE 'export.%'")
            .await;
    assert_eq!(
        recorded,
        ["export.started"],
        "the export is in the trail too"
    );
    s.stop().await.unwrap();
}
