//! The stored-markup sweep's licence part: notes written on issue and on edit, and a suspension
//! reason, each the hostile string, on a licence of the hostile product for the hostile
//! customer.

use reqwest::StatusCode;

use super::super::support::{api, TestServer};
use super::HOSTILE;

/// Issues, edits and suspends a licence; returns its id.
pub(super) async fn plant_in_a_licence(
    c: &reqwest::Client,
    s: &TestServer,
    label: &str,
    customer: &str,
    product: &str,
) -> String {
    let post = |path: &'static str, form: Vec<(&'static str, String)>| async move {
        let res = api(c, s, path).await.form(&form).send().await.unwrap();
        assert_eq!(res.status(), StatusCode::OK, "{label}: {path}");
        res.json::<serde_json::Value>().await.unwrap()
    };
    let terms = || {
        vec![
            ("seats", "3".to_owned()),
            ("valid_from", String::new()),
            ("valid_until", String::new()),
            ("notes", HOSTILE.to_owned()),
            ("assigned_user_id", String::new()),
            ("team_id", String::new()),
        ]
    };
    let mut issue = vec![
        ("product_id", product.to_owned()),
        ("customer_id", customer.to_owned()),
    ];
    issue.extend(terms());
    let made = post("/api/licences/create", issue).await;
    let id = made["licence"]["id"].as_str().unwrap().to_owned();
    assert_eq!(made["licence"]["notes"], HOSTILE, "{label}");
    let mut edit = vec![("id", id.clone()), ("version", "1".to_owned())];
    edit.extend(terms());
    post("/api/licences/update", edit).await;
    let suspended = post(
        "/api/licences/suspend",
        vec![
            ("id", id.clone()),
            ("version", "2".to_owned()),
            ("reason", HOSTILE.to_owned()),
        ],
    )
    .await;
    assert_eq!(suspended["licence"]["suspended_reason"], HOSTILE, "{label}");
    id
}
