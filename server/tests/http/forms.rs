//! The forms of the endpoints people can be attacked through, over HTTP as an attacker sends
//! them: decoy, duplicated, reordered and differently encoded fields, and JSON.

use reqwest::{header, StatusCode};

use server::limited_endpoints;
use server::rate_limits::PER_ACCOUNT_BURST;

use super::support::{api, cookie_client, csrf_token, TestServer};

fn message(body: &serde_json::Value) -> String {
    body["message"].as_str().unwrap_or_default().to_owned()
}

#[tokio::test]
async fn every_limited_endpoint_refuses_decoys_duplicates_and_json() {
    for db in app::server::platform::testing::backends().await {
        let label = db.backend().name();
        let s = TestServer::start(db, &[]).await;
        let c = cookie_client();
        // The anonymous session first: it is the one change a visit makes.
        csrf_token(&c, &s).await;
        let before =
            s.db.row_counts(&["users", "sessions", "email_tokens", "totp_factors"])
                .await;
        for (path, fields) in limited_endpoints::forms() {
            let mut form: Vec<(&str, &str)> = fields.iter().map(|f| (*f, "x")).collect();
            form.push(("token_decoy", "r4nd0m"));
            let res = api(&c, &s, path).await.form(&form).send().await.unwrap();
            assert_eq!(res.status(), StatusCode::BAD_REQUEST, "{label} {path}");
            let body: serde_json::Value = res.json().await.unwrap();
            assert!(
                message(&body).contains("token_decoy"),
                "{label} {path}: {body}"
            );

            let Some(first) = fields.first() else {
                continue;
            };
            let mut twice: Vec<(&str, &str)> = fields.iter().map(|f| (*f, "x")).collect();
            twice.push((first, "y"));
            let res = api(&c, &s, path).await.form(&twice).send().await.unwrap();
            assert_eq!(res.status(), StatusCode::BAD_REQUEST, "{label} {path}");

            let json: serde_json::Map<String, serde_json::Value> =
                fields.iter().map(|f| (f.to_string(), "x".into())).collect();
            let res = api(&c, &s, path).await.json(&json).send().await.unwrap();
            assert_eq!(
                res.status(),
                StatusCode::UNSUPPORTED_MEDIA_TYPE,
                "{label} {path}"
            );
        }
        assert_eq!(
            s.db.row_counts(&["users", "sessions", "email_tokens", "totp_factors"])
                .await,
            before,
            "{label}: a refused form changed something"
        );
        s.stop().await.unwrap();
    }
}

#[tokio::test]
async fn a_decoy_field_buys_no_fresh_sign_in_budget() {
    let s = TestServer::sqlite().await;
    let c = cookie_client();
    let wrong = |order: usize| {
        let mut form = vec![("email", "demo@gatehouse.test"), ("password", "wrong")];
        if order % 2 == 1 {
            form.reverse();
        }
        form
    };
    for i in 0..PER_ACCOUNT_BURST as usize {
        let res = api(&c, &s, "/api/accounts/sign_in")
            .await
            .form(&wrong(i))
            .send()
            .await
            .unwrap();
        assert_eq!(
            res.status(),
            StatusCode::UNPROCESSABLE_ENTITY,
            "attempt {i}"
        );
    }
    // The report's bypass: a random `token` first used to open a fresh budget each time.
    let decoy = "token=r4nd0m&email=demo%40gatehouse.test&password=wrong";
    let res = api(&c, &s, "/api/accounts/sign_in")
        .await
        .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
        .body(decoy)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::BAD_REQUEST);
    // Reordered, percent-encoded and in another case, it is the same account: over budget.
    let res = api(&c, &s, "/api/accounts/sign_in")
        .await
        .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
        .body("password=wrong&%65mail=DEMO%40Gatehouse.test")
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::TOO_MANY_REQUESTS);
    assert!(res.headers().contains_key(header::RETRY_AFTER));
    s.stop().await.unwrap();
}

/// A malformed id — a path, SQL, markup — gets the answer of an unknown one, never a 500 or
/// an echo: not found, except a department, which comes from a choice in a form and is named
/// on its field. (The same answers as for a well-formed id of another workspace, so this
/// checks that nothing breaks on the way, not which layer refused.)
#[tokio::test]
async fn malformed_ids_are_refused_at_the_boundary() {
    let s = TestServer::sqlite().await;
    let c = cookie_client();
    super::sign_up(&c, &s, "ada@example.com").await;
    for (path, form, expected) in [
        (
            "/api/teams/delete_department",
            vec![("department_id", "../etc/passwd")],
            404,
        ),
        (
            "/api/settings/remove_ip_rule",
            vec![("id", "1 OR 1=1")],
            404,
        ),
        ("/api/teams/delete_team", vec![("team_id", "x")], 404),
        (
            "/api/teams/set_department",
            vec![
                ("user_id", "0190a0a0-0000-7000-8000-000000000001"),
                ("department_id", "<b>x</b>"),
            ],
            422,
        ),
    ] {
        let res = api(&c, &s, path).await.form(&form).send().await.unwrap();
        let status = res.status().as_u16();
        let body: serde_json::Value = res.json().await.unwrap_or_default();
        assert_eq!(status, expected, "{path}: {body}");
        if expected == 422 {
            assert_eq!(body["field"], "department_id", "{path}: {body}");
        }
    }
    s.stop().await.unwrap();
}

/// The list parameters every record list takes, as a crafted request sends them: a sort by a
/// column the list does not offer (a sensitive one, an SQL fragment), markup for a person, a
/// path for a team, impossible days — each refused on its field; a duplicated field is refused
/// whole; the parameters a list offers answer.
#[tokio::test]
async fn list_parameters_are_checked_on_the_server() {
    let s = TestServer::sqlite().await;
    let c = cookie_client();
    super::sign_up(&c, &s, "ada@example.com").await;
    for (path, form, expected) in [
        (
            "/api/customers/list",
            vec![("filters[sort]", "tax_id")],
            "sort",
        ),
        (
            "/api/orders/list",
            vec![("filters[sort]", "total_minor) --")],
            "sort",
        ),
        (
            "/api/tickets/list",
            vec![("filters[assignee]", "<img src=x onerror=alert(1)>")],
            "assignee",
        ),
        (
            "/api/quotes/list",
            vec![("filters[team]", "../../etc")],
            "team",
        ),
        (
            "/api/licences/list",
            vec![("filters[from]", "31/12/2026")],
            "from",
        ),
        (
            "/api/orders/list",
            vec![
                ("filters[from]", "2026-12-02"),
                ("filters[until]", "2026-12-01"),
            ],
            "until",
        ),
        ("/api/products/list", vec![("filters[team]", "me")], "team"),
    ] {
        let mut fields = vec![("search", "")];
        fields.extend(form);
        let res = api(&c, &s, path).await.form(&fields).send().await.unwrap();
        let status = res.status();
        let body: serde_json::Value = res.json().await.unwrap_or_default();
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{path}: {body}");
        assert_eq!(body["field"], expected, "{path}: {body}");
    }
    let twice = [
        ("search", ""),
        ("filters[sort]", "total"),
        ("filters[sort]", "-total"),
    ];
    let res = api(&c, &s, "/api/orders/list")
        .await
        .form(&twice)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::BAD_REQUEST);
    let fine = [
        ("search", ""),
        ("filters[sort]", "-total"),
        ("filters[assignee]", "me"),
        ("filters[from]", "2026-01-01"),
        ("filters[until]", "2026-12-31"),
    ];
    let res = api(&c, &s, "/api/orders/list")
        .await
        .form(&fine)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    let body: serde_json::Value = res.json().await.unwrap();
    assert_eq!(body["items"], serde_json::json!([]));
    assert_eq!(
        body["choices"]["people"][0]["label"],
        "Ada Lovelace <ada@example.com>"
    );
    s.stop().await.unwrap();
}
