//! The stored-markup sweep's library part: a document's title, description and tag, each the
//! hostile string, written on create and again on edit.

use reqwest::StatusCode;

use super::super::support::{api, TestServer};
use super::HOSTILE;

/// Adds and edits a document; returns its id.
pub(super) async fn plant_in_a_document(
    c: &reqwest::Client,
    s: &TestServer,
    label: &str,
) -> String {
    let post = |path: &'static str, form: Vec<(&'static str, String)>| async move {
        let res = api(c, s, path).await.form(&form).send().await.unwrap();
        assert_eq!(res.status(), StatusCode::OK, "{label}: {path}");
        res.json::<serde_json::Value>().await.unwrap()
    };
    let fields = || {
        vec![
            ("title", HOSTILE.to_owned()),
            ("description", HOSTILE.to_owned()),
            ("tags", HOSTILE.to_owned()),
            ("assigned_user_id", String::new()),
            ("team_id", String::new()),
        ]
    };
    let made = post("/api/library/create", fields()).await;
    let id = made["id"].as_str().unwrap().to_owned();
    assert_eq!(made["title"], HOSTILE, "{label}");
    assert_eq!(made["tags"][0], HOSTILE, "{label}");
    let mut edit = vec![("id", id.clone()), ("version", "1".to_owned())];
    edit.extend(fields());
    let edited = post("/api/library/update", edit).await;
    assert_eq!(edited["description"], HOSTILE, "{label}");
    id
}
