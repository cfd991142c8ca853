//! The stored-markup sweep's automations part: an automation named with the hostile string, a
//! condition testing for it, a ticket step titled with it and a mail step whose subject and
//! text are it, made and changed, on the automations pages (the text in its textarea) and in
//! the trail.

use reqwest::StatusCode;

use super::{intact_copies, page, HOSTILE};
use crate::support::{api, TestServer};

/// Makes an automation carrying the string, saves it again, and checks the pages.
pub(super) async fn plant_and_read(c: &reqwest::Client, s: &TestServer, label: &str) {
    let choices: serde_json::Value = api(c, s, "/api/automations/list")
        .await
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let member = choices["members"][0]["id"].as_str().unwrap().to_owned();
    let role = choices["roles"][0]["id"].as_str().unwrap().to_owned();
    let conditions =
        serde_json::json!([{ "field": "subject", "op": "contains", "value": HOSTILE }]).to_string();
    let steps = serde_json::json!([
        { "action": { "kind": "assign", "user_id": member } },
        { "action": { "kind": "create_ticket", "subject": HOSTILE } },
        { "action": { "kind": "send_mail", "to": "customer", "subject": HOSTILE, "body": HOSTILE } },
    ])
    .to_string();
    let mut form = vec![
        ("name", HOSTILE),
        ("trigger", "ticket.create"),
        ("conditions", conditions.as_str()),
        ("steps", steps.as_str()),
        ("role_id", role.as_str()),
        ("enabled", "on"),
    ];
    let res = api(c, s, "/api/automations/save")
        .await
        .form(&form)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::OK, "{label}: automations/save");
    let id: String = res.json().await.unwrap();
    form.extend([("id", id.as_str()), ("version", "1")]);
    let res = api(c, s, "/api/automations/save")
        .await
        .form(&form)
        .send()
        .await
        .unwrap();
    assert_eq!(
        res.status(),
        StatusCode::OK,
        "{label}: automations/save again"
    );
    for path in [
        "/settings/automations".to_owned(),
        format!("/settings/automations/{id}"),
        "/audit".into(),
    ] {
        let html = page(c, s, &path).await;
        assert!(
            intact_copies(&html, &format!("{label} {path}")) >= 1,
            "{label}: {path} lost the automation's name"
        );
    }
}
