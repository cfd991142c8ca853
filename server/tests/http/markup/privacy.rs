//! The stored-markup sweep's privacy part: a request filed through the public form with the
//! hostile string as the requester's name and details, confirmed from its mail, then a note
//! and a rejection message in it; the public form, the register and the request's page read.

use reqwest::StatusCode;

use super::super::support::{api, TestServer};
use super::{intact_copies, page, HOSTILE};

/// The confirmation token mailed to `email` (the test server writes mail to `data/mail`).
async fn mailed_token(s: &TestServer, email: &str) -> String {
    let dir = s.data.path().join("mail");
    for _ in 0..100 {
        let found = std::fs::read_dir(&dir)
            .into_iter()
            .flatten()
            .flatten()
            .find_map(|f| {
                let raw = std::fs::read(f.path()).ok()?;
                let text =
                    quoted_printable::decode(&raw, quoted_printable::ParseMode::Robust).ok()?;
                let text = String::from_utf8(text).ok()?;
                let at = text.find(email).and(text.find("?confirm="))?;
                Some(
                    text[at + 9..]
                        .chars()
                        .take_while(|c| c.is_ascii_alphanumeric() || *c == '-' || *c == '_')
                        .collect(),
                )
            });
        if let Some(token) = found {
            return token;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    panic!("no confirmation mailed to {email}");
}

/// Plants the string in a privacy request and checks every page that shows it.
pub(super) async fn plant_and_read(c: &reqwest::Client, s: &TestServer, label: &str) {
    let post = |path: &'static str, form: Vec<(&'static str, String)>| async move {
        let res = api(c, s, path).await.form(&form).send().await.unwrap();
        assert_eq!(res.status(), StatusCode::OK, "{label}: {path}");
        res.json::<serde_json::Value>().await.unwrap()
    };
    let register = post("/api/privacy/list", vec![]).await;
    let form_url = register["form_url"].as_str().unwrap().to_owned();
    let slug = form_url.rsplit('/').next().unwrap().to_owned();
    let email = format!("requester-{}@example.com", uuid::Uuid::new_v4().simple());
    let filed = vec![
        ("slug", slug.clone()),
        ("kind", "correction".to_owned()),
        ("name", HOSTILE.to_owned()),
        ("email", email.clone()),
        ("details", HOSTILE.to_owned()),
    ];
    post("/api/privacy/submit", filed).await;
    let token = mailed_token(s, &email).await;
    let done = post(
        "/api/privacy/confirm",
        vec![("slug", slug.clone()), ("token", token)],
    )
    .await;
    let id = post("/api/privacy/list", vec![]).await["requests"][0]["id"]
        .as_str()
        .unwrap()
        .to_owned();
    assert_eq!(done["reference"], "PR-1", "{label}");
    post(
        "/api/privacy/note",
        vec![("id", id.clone()), ("body", HOSTILE.to_owned())],
    )
    .await;
    let reject = vec![
        ("id", id.clone()),
        ("status", "rejected".to_owned()),
        ("note", HOSTILE.to_owned()),
    ];
    post("/api/privacy/advance", reject).await;
    let request_page = format!("/privacy-requests/{id}");
    for (path, at_least) in [
        // The requester's name in the list.
        ("/privacy-requests", 1),
        // Name (lead), details, outcome, the note and the rejection in the timeline.
        (request_page.as_str(), 5),
        ("/audit", 1),
    ] {
        let html = page(c, s, path).await;
        let copies = intact_copies(&html, &format!("{label} {path}"));
        assert!(
            copies >= at_least,
            "{label}: {path} shows it {copies} times"
        );
    }
    // The workspace's name (signed up as the string) in the public form's heading and lead.
    let html = page(c, s, &format!("/privacy/{slug}")).await;
    let copies = intact_copies(&html, &format!("{label} the public form"));
    assert!(
        copies >= 1,
        "{label}: the public form shows it {copies} times"
    );
}
