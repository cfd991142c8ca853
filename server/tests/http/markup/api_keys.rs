//! The stored-markup sweep's API keys part: a secret and a public key named with the hostile
//! string, on the API keys page and in the trail.

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
    let res = api(c, s, "/api/api_keys/create_public")
        .await
        .form(&[("name", HOSTILE)])
        .send()
        .await
        .unwrap();
    assert_eq!(
        res.status(),
        StatusCode::OK,
        "{label}: api_keys/create_public"
    );
    // The secret key's name in its row and in the why card's choice of keys, the public key's
    // in its row.
    for (path, copies) in [("/settings/api-keys", 3), ("/audit", 1)] {
        let html = page(c, s, path).await;
        assert!(
            intact_copies(&html, &format!("{label} {path}")) >= copies,
            "{label}: {path} lost a key's name"
        );
    }
}
