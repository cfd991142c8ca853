//! The stored-markup sweep's webhooks part: an endpoint described with the hostile string,
//! made and changed, on the webhooks pages and in the trail.

use reqwest::StatusCode;

use super::{intact_copies, page, HOSTILE};
use crate::support::{api, TestServer};

/// Makes an endpoint described with the string, saves it again, and checks the pages.
pub(super) async fn plant_and_read(c: &reqwest::Client, s: &TestServer, label: &str) {
    let res = api(c, s, "/api/webhooks/create")
        .await
        .form(&[
            ("url", "https://hooks.example.com/markup"),
            ("description", HOSTILE),
            ("events[0]", "customer.create"),
            ("password", "quiet lantern orbit mango"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::OK, "{label}: webhooks/create");
    let made: serde_json::Value = res.json().await.unwrap();
    let id = made["endpoint"]["id"].as_str().unwrap().to_owned();
    let res = api(c, s, "/api/webhooks/update")
        .await
        .form(&[
            ("id", id.as_str()),
            ("version", "1"),
            ("description", HOSTILE),
            ("events[0]", "*"),
            ("enabled", "on"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::OK, "{label}: webhooks/update");
    for path in [
        "/settings/webhooks".to_owned(),
        format!("/settings/webhooks/{id}"),
        "/audit".into(),
    ] {
        let html = page(c, s, &path).await;
        assert!(
            intact_copies(&html, &format!("{label} {path}")) >= 1,
            "{label}: {path} lost the endpoint's description"
        );
    }
}
