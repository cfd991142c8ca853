//! Webhooks over HTTP, delivered by the server's own worker (started here: a test server runs
//! no background job unasked) to a receiver that verifies every
//! delivery with the `standardwebhooks` package (PyPI) — a third party's reading of the
//! Standard Webhooks specification: a customer made on the page arrives signed, once, with
//! the same `webhook-id` the delivery log shows; a rotated secret's overlap keeps the old
//! receiver verifying until it switches; a receiver that refuses the signature leaves the
//! delivery pending with its answer kept; "send test event" and "deliver again" arrive too;
//! an address into a private network is refused unless the deployment allows it (production
//! wanting https is `targets`' unit test: a production test server has no plain-http sign-in).

use std::time::Duration;

use reqwest::StatusCode;
use serde_json::{json, Value};

use app::server::platform::clock::Clock;
use app::server::platform::testing::{self, Fixture, FIXTURE_PASSWORD};
use server::webhook_worker::keep_delivering;

use super::files::new_customer;
use super::support::{call, signed_in, TestServer};

/// What the receiver verified and rejected for `name`.
async fn seen(receiver: &str, name: &str) -> Value {
    reqwest::get(format!("{receiver}/endpoints/{name}"))
        .await
        .unwrap()
        .json()
        .await
        .unwrap()
}

/// Tells the receiver which secret `name`'s deliveries must verify under.
async fn expect_secret(receiver: &str, name: &str, secret: &str) {
    let res = reqwest::Client::new()
        .put(format!("{receiver}/endpoints/{name}"))
        .json(&json!({ "secret": secret }))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::NO_CONTENT);
}

/// Waits up to ten seconds until `name` has `count` verified deliveries.
async fn verified(receiver: &str, name: &str, count: usize) -> Vec<Value> {
    for _ in 0..100 {
        let got = seen(receiver, name).await;
        let list = got["verified"].as_array().cloned().unwrap_or_default();
        if list.len() >= count {
            return list;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    panic!(
        "{name}: {count} verified deliveries expected: {}",
        seen(receiver, name).await
    );
}

/// Asks the server for an endpoint delivering `event` to `url`, with the owner's password.
async fn create(
    c: &reqwest::Client,
    s: &TestServer,
    url: &str,
    description: &str,
    event: &str,
) -> (StatusCode, Value) {
    let form = [
        ("url", url),
        ("description", description),
        ("events[0]", event),
        ("password", FIXTURE_PASSWORD),
    ];
    call(c, s, "/api/webhooks/create", &form).await
}

/// The endpoint's log, waiting up to ten seconds for its newest delivery to leave `pending`
/// with at least one attempt, or for `pending` with one when `settled` is false.
async fn log_when(c: &reqwest::Client, s: &TestServer, id: &str, settled: bool) -> Value {
    for _ in 0..100 {
        let (status, log) = call(c, s, "/api/webhooks/log", &[("id", id)]).await;
        assert_eq!(status, StatusCode::OK, "{log}");
        let newest = &log["deliveries"][0];
        let tried = newest["attempts"].as_array().is_some_and(|a| !a.is_empty());
        if tried && (!settled || newest["status"] != "pending") {
            return log;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    panic!("the delivery was not attempted");
}

#[tokio::test]
async fn deliveries_verify_with_the_standard_webhooks_library() {
    let Some(receiver) = testing::webhook_receiver() else {
        return;
    };
    for db in testing::backends().await {
        let label = db.backend().name();
        let s = TestServer::start(db, &["--webhook-private-targets"]).await;
        let worker = tokio::spawn(keep_delivering(s.ctx.clone()));
        Fixture::new(&s.db.db, &Clock::System).await;
        let owner = signed_in(&s, "ada@example.com", FIXTURE_PASSWORD).await;
        let name = format!("ok-{}", uuid::Uuid::now_v7().simple());
        let url = format!("{receiver}/hooks/{name}");
        let (status, made) = create(&owner, &s, &url, "CRM mirror", "customer.*").await;
        assert_eq!(status, StatusCode::OK, "{label}: {made}");
        let secret = made["secret"].as_str().unwrap().to_owned();
        let endpoint = made["endpoint"]["id"].as_str().unwrap().to_owned();
        assert!(secret.starts_with("whsec_"), "{label}");
        expect_secret(&receiver, &name, &secret).await;

        let customer = new_customer(&owner, &s).await;
        let got = verified(&receiver, &name, 1).await;
        let payload = &got[0]["payload"];
        assert_eq!(payload["type"], "customer.create", "{label}: {payload}");
        assert_eq!(payload["data"]["id"], customer.as_str(), "{label}");
        assert_eq!(payload["data"]["after"]["name"], "Files Ltd", "{label}");
        let log = log_when(&owner, &s, &endpoint, true).await;
        let delivery = &log["deliveries"][0];
        assert_eq!(delivery["status"], "success", "{label}: {log}");
        assert_eq!(delivery["message_id"], got[0]["id"], "{label}");
        assert_eq!(delivery["attempts"][0]["status_code"], 204, "{label}");

        // Rotated: both secrets sign for a day, so the receiver still holding the old one
        // verifies; once it holds only the new one, it verifies too.
        let (status, rotated) = call(
            &owner,
            &s,
            "/api/webhooks/rotate",
            &[("id", endpoint.as_str()), ("password", FIXTURE_PASSWORD)],
        )
        .await;
        assert_eq!(status, StatusCode::OK, "{label}: {rotated}");
        let fresh = rotated["secret"].as_str().unwrap().to_owned();
        assert_ne!(fresh, secret, "{label}");
        new_customer(&owner, &s).await;
        let got = verified(&receiver, &name, 2).await;
        assert_eq!(
            got[1]["signature"].as_str().unwrap().split(' ').count(),
            2,
            "{label}"
        );
        expect_secret(&receiver, &name, &fresh).await;
        let (status, _) = call(
            &owner,
            &s,
            "/api/webhooks/test",
            &[("id", endpoint.as_str())],
        )
        .await;
        assert_eq!(status, StatusCode::OK, "{label}");
        let got = verified(&receiver, &name, 3).await;
        assert_eq!(got[2]["payload"]["type"], "webhook.test", "{label}");

        // Delivered again: the same message id, a second time.
        let log = log_when(&owner, &s, &endpoint, true).await;
        let first = log["deliveries"][0]["id"].as_str().unwrap().to_owned();
        let (status, _) = call(
            &owner,
            &s,
            "/api/webhooks/redeliver",
            &[("id", first.as_str())],
        )
        .await;
        assert_eq!(status, StatusCode::OK, "{label}");
        let got = verified(&receiver, &name, 4).await;
        assert_eq!(got[3]["id"], got[2]["id"], "{label}");
        assert!(
            seen(&receiver, &name).await["rejected"]
                .as_array()
                .unwrap()
                .is_empty(),
            "{label}"
        );
        worker.abort();
        s.stop().await.unwrap();
    }
}

#[tokio::test]
async fn a_refused_signature_leaves_the_delivery_pending_with_the_answer_kept() {
    let Some(receiver) = testing::webhook_receiver() else {
        return;
    };
    let s = TestServer::start(testing::sqlite().await, &["--webhook-private-targets"]).await;
    let worker = tokio::spawn(keep_delivering(s.ctx.clone()));
    Fixture::new(&s.db.db, &Clock::System).await;
    let owner = signed_in(&s, "ada@example.com", FIXTURE_PASSWORD).await;
    let name = format!("wrong-{}", uuid::Uuid::now_v7().simple());
    let url = format!("{receiver}/hooks/{name}");
    let (status, made) = create(&owner, &s, &url, "Wrong secret", "*").await;
    assert_eq!(status, StatusCode::OK, "{made}");
    let endpoint = made["endpoint"]["id"].as_str().unwrap().to_owned();
    expect_secret(&receiver, &name, "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw").await;
    new_customer(&owner, &s).await;
    let log = log_when(&owner, &s, &endpoint, false).await;
    let delivery = &log["deliveries"][0];
    assert_eq!(delivery["status"], "pending", "{log}");
    let attempt = &delivery["attempts"][0];
    assert_eq!(attempt["status_code"], 401, "{log}");
    assert!(
        attempt["response"].as_str().unwrap().contains("signature"),
        "{log}"
    );
    assert!(delivery["next_attempt_at_ms"].as_i64().is_some(), "{log}");
    let rejected = seen(&receiver, &name).await["rejected"]
        .as_array()
        .unwrap()
        .len();
    assert_eq!(rejected, 1);
    worker.abort();
    s.stop().await.unwrap();
}

#[tokio::test]
async fn addresses_into_private_networks_are_refused_by_default() {
    let s = TestServer::sqlite().await;
    Fixture::new(&s.db.db, &Clock::System).await;
    let owner = signed_in(&s, "ada@example.com", FIXTURE_PASSWORD).await;
    for url in [
        "http://127.0.0.1:9/hook",
        "http://169.254.169.254/latest/meta-data",
        "http://localhost/hook",
        "http://[::1]/hook",
        "javascript:alert(1)",
    ] {
        let (status, body) = create(&owner, &s, url, "Inward", "*").await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{url}: {body}");
        assert_eq!(body["field"], "url", "{url}: {body}");
    }
    let url = "https://hooks.example.com/in";
    let (status, body) = create(&owner, &s, url, "Unknown event", "customer.explode").await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    assert_eq!(body["field"], "events", "{body}");
    let rows = s.db.strings("SELECT id FROM webhook_endpoints").await;
    assert!(rows.is_empty(), "nothing was made: {rows:?}");
    s.stop().await.unwrap();
}
