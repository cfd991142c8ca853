//! Writing through the REST API as an outside client does, on both databases: a create with an
//! `Idempotency-Key` happens once however often it is retried (also when the retries race);
//! a change or delete needs the `ETag` it read (428 without, 412 when stale) and keeps what it
//! does not name; bodies with extra, duplicated, null, oversized or mistyped content are refused
//! naming the field and change nothing; markup is kept as data; a tax id needs the sensitive
//! key; the trail names the key.

use reqwest::{header, Method, StatusCode};
use serde_json::{json, Value};

use app::server::audit::refusals;
use app::server::platform::clock::Clock;
use app::server::platform::testing::{self, Fixture, FIXTURE_PASSWORD};

use super::api_keys::{make_key, problem};
use super::support::{signed_in, TestServer};

/// A key of the fixture's Owner acting under `role`: its secret.
async fn key_as(s: &TestServer, f: &Fixture, role: &str) -> String {
    let owner = signed_in(s, "ada@example.com", FIXTURE_PASSWORD).await;
    let name = format!("{role} writer");
    let role = f.role(role).await;
    let (status, made) = make_key(
        &owner,
        s,
        &[
            ("name", &name),
            ("role_id", role.as_str()),
            ("password", FIXTURE_PASSWORD),
        ],
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{made}");
    made["secret"].as_str().unwrap().to_owned()
}

fn send(s: &TestServer, method: Method, path: &str, key: &str) -> reqwest::RequestBuilder {
    reqwest::Client::new()
        .request(method, s.url(path))
        .bearer_auth(key)
}

async fn customers(s: &TestServer) -> usize {
    s.db.strings("SELECT id FROM customers").await.len()
}

#[tokio::test]
async fn a_create_retried_under_its_key_happens_once() {
    for db in testing::backends().await {
        let label = db.backend().name();
        let s = TestServer::start(db, &[]).await;
        let f = Fixture::new(&s.db.db, &Clock::System).await;
        let key = key_as(&s, &f, "Manager").await;
        let before = customers(&s).await;
        let body = json!({ "name": "Retry Ltd", "email": "ops@retry.example", "kind": "company" });

        let first = send(&s, Method::POST, "/api/v1/customers", &key)
            .header("Idempotency-Key", "order-7f3a")
            .json(&body)
            .send()
            .await
            .unwrap();
        assert_eq!(first.status(), StatusCode::CREATED, "{label}");
        let location = first.headers()[header::LOCATION]
            .to_str()
            .unwrap()
            .to_owned();
        assert_eq!(first.headers()[header::ETAG], "\"1\"", "{label}");
        let made: Value = first.json().await.unwrap();
        assert_eq!(
            location,
            format!("/api/v1/customers/{}", made["id"].as_str().unwrap())
        );
        assert_eq!(
            made["assigned_to"], "Ada Lovelace",
            "{label}: the key's maker: {made}"
        );

        let again = send(&s, Method::POST, "/api/v1/customers", &key)
            .header("Idempotency-Key", "order-7f3a")
            .json(&body)
            .send()
            .await
            .unwrap();
        assert_eq!(again.status(), StatusCode::CREATED, "{label}");
        assert_eq!(again.headers()["idempotent-replayed"], "true");
        assert_eq!(again.headers()[header::ETAG], "\"1\"", "{label}");
        assert_eq!(again.headers()[header::LOCATION], location.as_str());
        let replayed: Value = again.json().await.unwrap();
        assert_eq!(replayed, made, "{label}: the first answer again");
        assert_eq!(customers(&s).await, before + 1, "{label}: made once");

        let other = send(&s, Method::POST, "/api/v1/customers", &key)
            .header("Idempotency-Key", "order-7f3a")
            .json(&json!({ "name": "Another Ltd" }))
            .send()
            .await
            .unwrap();
        let p = problem(other, StatusCode::UNPROCESSABLE_ENTITY, "the key reused").await;
        assert_eq!(p["field"], "Idempotency-Key");

        // A refused first request gives its key back for the corrected one.
        let refused = send(&s, Method::POST, "/api/v1/customers", &key)
            .header("Idempotency-Key", "fix-me")
            .json(&json!({ "name": "  " }))
            .send()
            .await
            .unwrap();
        problem(refused, StatusCode::UNPROCESSABLE_ENTITY, "a blank name").await;
        let fixed = send(&s, Method::POST, "/api/v1/customers", &key)
            .header("Idempotency-Key", "fix-me")
            .json(&json!({ "name": "Fixed Ltd" }))
            .send()
            .await
            .unwrap();
        assert_eq!(fixed.status(), StatusCode::CREATED, "{label}");

        // Retries racing each other: one creates, the others wait (409) or replay.
        let racing = (0..6).map(|_| {
            send(&s, Method::POST, "/api/v1/customers", &key)
                .header("Idempotency-Key", "race-1")
                .json(&json!({ "name": "Race Ltd" }))
                .send()
        });
        let mut statuses: Vec<u16> = futures::future::join_all(racing)
            .await
            .into_iter()
            .map(|r| r.unwrap().status().as_u16())
            .collect();
        statuses.sort_unstable();
        assert!(
            statuses.iter().all(|s| [201, 409].contains(s)) && statuses[0] == 201,
            "{label}: {statuses:?}"
        );
        let raced =
            s.db.strings("SELECT id FROM customers WHERE name = 'Race Ltd'")
                .await;
        assert_eq!(raced.len(), 1, "{label}: made once");

        let keys =
            s.db.strings("SELECT idem_key FROM api_idempotency ORDER BY idem_key")
                .await;
        assert_eq!(keys, ["fix-me", "order-7f3a", "race-1"], "{label}");
        let trail =
            s.db.strings("SELECT actor_kind FROM audit_log WHERE action = 'customer.create'")
                .await;
        assert_eq!(trail.len(), 3, "{label}: {trail:?}");
        assert!(trail.iter().all(|a| a == "api_key"), "{label}: {trail:?}");
        s.stop().await.unwrap();
    }
}

#[tokio::test]
async fn a_change_needs_the_etag_it_read_and_keeps_what_it_does_not_name() {
    for db in testing::backends().await {
        let label = db.backend().name();
        let s = TestServer::start(db, &[]).await;
        let f = Fixture::new(&s.db.db, &Clock::System).await;
        let key = key_as(&s, &f, "Manager").await;
        let made: Value = send(&s, Method::POST, "/api/v1/customers", &key)
            .json(&json!({ "name": "Etag Ltd", "phone": "+44 20 7946 0000", "tax_id": "GB123" }))
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        let path = format!("/api/v1/customers/{}", made["id"].as_str().unwrap());
        let read = send(&s, Method::GET, &path, &key).send().await.unwrap();
        assert_eq!(read.headers()[header::ETAG], "\"1\"");

        let patch = |tag: Option<&str>, body: Value| {
            let mut req = send(&s, Method::PATCH, &path, &key).json(&body);
            if let Some(tag) = tag {
                req = req.header(header::IF_MATCH, tag);
            }
            req.send()
        };
        let res = patch(None, json!({ "notes": "x" })).await.unwrap();
        let p = problem(res, StatusCode::PRECONDITION_REQUIRED, "no If-Match").await;
        assert_eq!(p["field"], "If-Match");
        for malformed in ["1", "W/\"1\"", "*", "\"1\", \"2\""] {
            let res = patch(Some(malformed), json!({ "notes": "x" }))
                .await
                .unwrap();
            problem(res, StatusCode::UNPROCESSABLE_ENTITY, malformed).await;
        }

        let res = patch(Some("\"1\""), json!({ "notes": "Pays <b>late</b>" }))
            .await
            .unwrap();
        assert_eq!(res.status(), StatusCode::OK, "{label}");
        assert_eq!(res.headers()[header::ETAG], "\"2\"");
        let changed: Value = res.json().await.unwrap();
        assert_eq!(
            changed["notes"], "Pays <b>late</b>",
            "markup is kept as data"
        );
        assert_eq!(changed["phone"], "+44 20 7946 0000", "{label}: kept");
        assert_eq!(changed["tax_id"], "GB123", "{label}: kept");
        assert_eq!(changed["name"], "Etag Ltd");

        let res = patch(Some("\"1\""), json!({ "name": "Overwrite" }))
            .await
            .unwrap();
        let p = problem(res, StatusCode::PRECONDITION_FAILED, "a stale ETag").await;
        assert!(p["detail"].as_str().unwrap().contains("\"2\""), "{p}");
        let res = send(&s, Method::DELETE, &path, &key)
            .header(header::IF_MATCH, "\"1\"")
            .send()
            .await
            .unwrap();
        problem(res, StatusCode::PRECONDITION_FAILED, "a stale delete").await;
        let res = send(&s, Method::DELETE, &path, &key).send().await.unwrap();
        problem(
            res,
            StatusCode::PRECONDITION_REQUIRED,
            "a delete without If-Match",
        )
        .await;
        let now =
            s.db.strings(&format!(
                "SELECT name || '/' || version FROM customers WHERE id = '{}'",
                made["id"].as_str().unwrap()
            ))
            .await;
        assert_eq!(
            now,
            ["Etag Ltd/2"],
            "{label}: nothing written by the refusals"
        );

        let res = send(&s, Method::DELETE, &path, &key)
            .header(header::IF_MATCH, "\"2\"")
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), StatusCode::NO_CONTENT, "{label}");
        let res = send(&s, Method::GET, &path, &key).send().await.unwrap();
        problem(res, StatusCode::NOT_FOUND, "deleted").await;
        s.stop().await.unwrap();
    }
}

#[tokio::test]
async fn bad_bodies_are_refused_by_field_and_change_nothing() {
    let s = TestServer::sqlite().await;
    let f = Fixture::new(&s.db.db, &Clock::System).await;
    let manager = key_as(&s, &f, "Manager").await;
    let staff = key_as(&s, &f, "Staff").await;
    let before = customers(&s).await;
    let post = |key: &str, content_type: &str, body: String| {
        send(&s, Method::POST, "/api/v1/customers", key)
            .header(header::CONTENT_TYPE, content_type.to_owned())
            .body(body)
            .send()
    };
    let json_type = "application/json";
    let cases: &[(&str, String, StatusCode, Option<&str>)] = &[
        (
            "extra field",
            r#"{"name":"A","role":"owner"}"#.into(),
            StatusCode::UNPROCESSABLE_ENTITY,
            Some("role"),
        ),
        (
            "duplicated field",
            r#"{"name":"A","name":"B"}"#.into(),
            StatusCode::UNPROCESSABLE_ENTITY,
            None,
        ),
        (
            "null",
            r#"{"name":"A","email":null}"#.into(),
            StatusCode::UNPROCESSABLE_ENTITY,
            Some("email"),
        ),
        (
            "a number for text",
            r#"{"name":5}"#.into(),
            StatusCode::UNPROCESSABLE_ENTITY,
            Some("name"),
        ),
        (
            "no name",
            r#"{"email":"a@b.co"}"#.into(),
            StatusCode::UNPROCESSABLE_ENTITY,
            None,
        ),
        (
            "a line break in a name",
            r#"{"name":"A\nB"}"#.into(),
            StatusCode::UNPROCESSABLE_ENTITY,
            Some("name"),
        ),
        (
            "a long name",
            json!({ "name": "n".repeat(201) }).to_string(),
            StatusCode::UNPROCESSABLE_ENTITY,
            Some("name"),
        ),
        (
            "a bad email",
            r#"{"name":"A","email":"not-an-address"}"#.into(),
            StatusCode::UNPROCESSABLE_ENTITY,
            Some("email"),
        ),
        (
            "letters in a phone",
            r#"{"name":"A","phone":"call me"}"#.into(),
            StatusCode::UNPROCESSABLE_ENTITY,
            Some("phone"),
        ),
        (
            "an unknown kind",
            r#"{"name":"A","kind":"admin"}"#.into(),
            StatusCode::UNPROCESSABLE_ENTITY,
            Some("kind"),
        ),
        (
            "broken JSON",
            r#"{"name":"#.into(),
            StatusCode::BAD_REQUEST,
            None,
        ),
        (
            "a body over 256 KiB",
            json!({ "name": "A", "notes": "x".repeat(300 * 1024) }).to_string(),
            StatusCode::PAYLOAD_TOO_LARGE,
            None,
        ),
    ];
    for (what, body, status, field) in cases {
        let res = post(&manager, json_type, body.clone()).await.unwrap();
        let p = problem(res, *status, what).await;
        if let Some(field) = field {
            assert_eq!(p["field"], *field, "{what}: {p}");
        }
    }
    let res = post(&manager, "text/plain", r#"{"name":"A"}"#.into())
        .await
        .unwrap();
    problem(res, StatusCode::UNSUPPORTED_MEDIA_TYPE, "not JSON").await;
    let res = post(&staff, json_type, r#"{"name":"A","tax_id":"GB1"}"#.into())
        .await
        .unwrap();
    problem(
        res,
        StatusCode::FORBIDDEN,
        "a tax id without customers.sensitive",
    )
    .await;
    assert_eq!(customers(&s).await, before, "nothing made");

    // Staff may write but not delete.
    let made: Value = post(&staff, json_type, r#"{"name":"Staff Ltd"}"#.into())
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let res = send(
        &s,
        Method::DELETE,
        &format!("/api/v1/customers/{}", made["id"].as_str().unwrap()),
        &staff,
    )
    .header(header::IF_MATCH, "\"1\"")
    .send()
    .await
    .unwrap();
    problem(
        res,
        StatusCode::FORBIDDEN,
        "a delete without customers.delete",
    )
    .await;
    refusals::flush(&s.db.db, &s.refusals, None).await.unwrap();
    let denied =
        s.db.strings(
            "SELECT DISTINCT action || ' ' || target FROM audit_log \
         WHERE outcome = 'refused' AND actor_kind = 'api_key' ORDER BY 1",
        )
        .await;
    assert_eq!(
        denied,
        [
            "permission.refused customers.delete",
            "permission.refused customers.sensitive"
        ],
        "each refusal is in the trail, with the key as actor"
    );
    s.stop().await.unwrap();
}
