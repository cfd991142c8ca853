//! The stored-markup sweep's ticket part: a subject, the first message, a reply and an internal
//! note, each the hostile string, on a ticket of the hostile customer.

use reqwest::StatusCode;

use super::super::support::{api, TestServer};
use super::HOSTILE;

/// Opens, edits and answers a ticket; returns its id.
pub(super) async fn plant_in_a_ticket(
    c: &reqwest::Client,
    s: &TestServer,
    label: &str,
    customer: &str,
) -> String {
    let post = |path: &'static str, form: Vec<(&'static str, String)>| async move {
        let res = api(c, s, path).await.form(&form).send().await.unwrap();
        assert_eq!(res.status(), StatusCode::OK, "{label}: {path}");
        res.json::<serde_json::Value>().await.unwrap()
    };
    let fields = || {
        vec![
            ("subject", HOSTILE.to_owned()),
            ("priority", "high".to_owned()),
            ("assigned_user_id", String::new()),
            ("team_id", String::new()),
        ]
    };
    let mut open = vec![
        ("customer_id", customer.to_owned()),
        ("message", HOSTILE.to_owned()),
    ];
    open.extend(fields());
    let made = post("/api/tickets/create", open).await;
    let id = made["ticket"]["id"].as_str().unwrap().to_owned();
    assert_eq!(made["ticket"]["subject"], HOSTILE, "{label}");
    let mut edit = vec![("id", id.clone()), ("version", "1".to_owned())];
    edit.extend(fields());
    post("/api/tickets/update", edit).await;
    for kind in ["reply", "note"] {
        let answered = post(
            "/api/tickets/add_message",
            vec![
                ("id", id.clone()),
                ("kind", kind.to_owned()),
                ("body", HOSTILE.to_owned()),
            ],
        )
        .await;
        assert!(
            answered["messages"]
                .as_array()
                .unwrap()
                .iter()
                .all(|m| m["body"] == HOSTILE),
            "{label}"
        );
    }
    id
}
