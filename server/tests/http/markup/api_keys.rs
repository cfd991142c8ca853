//! The stored-markup sweep's API keys part: a key named with the hostile string, on the API
//! keys page and in the trail.

use reqwest::StatusCode;

use super::{intact_copies, page, HOSTILE};
use crate::support::{api, TestServer};

/// Makes a key named with the string and checks the pages that show its name.
pub(super) async fn plant_and_read(c: &reqwest::Client, s: &TestServer, label: &str) {
    let register: serde_json::Value = api(c, s, "/api/api_keys/list")
        .await
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let role = register["roles"][0]["id"].as_str().unwrap().to_owned();
    let res = api(c, s, "/api/api_keys/create")
        .await
        .form(&[
            ("name", HOSTILE),
            ("role_id", role.as_str()),
            ("password", "quiet lantern orbit mango"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::OK, "{label}: api_keys/create");
    for path in ["/settings/api-keys", "/audit"] {
        let html = page(c, s, path).await;
        assert!(
            intact_copies(&html, &format!("{label} {path}")) >= 1,
            "{label}: {path} lost the key's name"
        );
    }
}
