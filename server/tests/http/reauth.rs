//! A stolen session must not change how its owner proves who they are: every endpoint that
//! changes a credential wants recent re-authentication (`app::server::identity::reauth`), and each is
//! listed here.

use std::time::Duration;

use reqwest::StatusCode;

use app::server::identity::reauth::RECENT_PASSWORD_MS;
use app::server::platform::clock::Clock;
use app::server::platform::testing::{self, totp_code};

use super::support::{api, cookie_client, TestServer};

/// The password `super::sign_up` gives Ada.
const PASSWORD: &str = "quiet lantern orbit mango";

/// Endpoints that change a credential, and a request to each that lacks the proof (the field
/// the refusal must name). A stolen session has everything but the password and the factor.
const CREDENTIAL_ENDPOINTS: &[(&str, &str)] = &[
    ("/api/mfa/confirm_app", "password"),
    ("/api/mfa/confirm_email", "password"),
    ("/api/mfa/disable_app", "password"),
    ("/api/mfa/disable_email", "password"),
    ("/api/mfa/regenerate_recovery_codes", "password"),
    ("/api/accounts/change_password", "current_password"),
    // Not a way to sign in as the person, but a lasting credential to their workspace's data:
    // a stolen session must not be able to leave one behind.
    ("/api/api_keys/create", "password"),
    // The same for a webhook endpoint (a lasting way out for the data) and its signing secret.
    ("/api/webhooks/create", "password"),
    ("/api/webhooks/rotate", "password"),
];

/// Endpoints whose names suggest credentials but which change none, and why.
const NOT_CREDENTIAL_CHANGES: &[(&str, &str)] = &[
    ("/api/mfa/status", "reads the caller's factors"),
    (
        "/api/mfa/start_app",
        "a key that is not in force until confirm_app",
    ),
    ("/api/mfa/send_email_code", "mails the caller a code"),
    (
        "/api/accounts/send_sign_in_code",
        "the second step of a sign-in",
    ),
    (
        "/api/accounts/verify_second_factor",
        "the second step of a sign-in",
    ),
    (
        "/api/accounts/pending_second_factor",
        "the second step of a sign-in",
    ),
    (
        "/api/accounts/request_password_reset",
        "mails a link to the address's owner",
    ),
    (
        "/api/accounts/reset_password",
        "needs the mailed single-use link, ends every session",
    ),
    (
        "/api/accounts/verify_email",
        "needs the mailed single-use link",
    ),
    (
        "/api/accounts/resend_verification",
        "mails the caller a link",
    ),
];

fn about_credentials(path: &str) -> bool {
    [
        "mfa/",
        "password",
        "email",
        "recovery",
        "passkey",
        "factor",
        "credential",
        "code",
    ]
    .iter()
    .any(|word| path.contains(word))
}

#[test]
fn every_endpoint_about_credentials_is_listed() {
    let unlisted: Vec<&str> = leptos::server_fn::axum::server_fn_paths()
        .map(|(path, _)| path)
        .filter(|path| about_credentials(path))
        .filter(|path| {
            !CREDENTIAL_ENDPOINTS.iter().any(|(p, _)| p == path)
                && !NOT_CREDENTIAL_CHANGES.iter().any(|(p, _)| p == path)
        })
        .collect();
    assert!(
        unlisted.is_empty(),
        "decide whether these change a credential and list them: {unlisted:?}"
    );
}

/// A session of Ada's with an authenticator app, the app's key, and the clock the server runs
/// on; the password was given more than `RECENT_PASSWORD_MS` ago.
async fn ada_with_an_app(s: &TestServer, clock: &Clock) -> (reqwest::Client, String) {
    let c = cookie_client();
    let res = super::sign_up(&c, s, "ada@example.com").await;
    assert_eq!(res.status(), StatusCode::OK);
    let key = start_app(&c, s).await;
    // The first factor, right after the password: one step, no password again.
    let on = api(&c, s, "/api/mfa/confirm_app")
        .await
        .form(&[("code", totp_code(&key, clock.now_ms(), 0))])
        .send()
        .await
        .unwrap();
    assert_eq!(on.status(), StatusCode::OK, "{}", on.text().await.unwrap());
    clock.advance(Duration::from_millis(RECENT_PASSWORD_MS as u64 + 60_000));
    (c, key)
}

async fn start_app(c: &reqwest::Client, s: &TestServer) -> String {
    let setup: serde_json::Value = api(c, s, "/api/mfa/start_app")
        .await
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    setup["key"].as_str().unwrap().replace(' ', "")
}

async fn refused_on(res: reqwest::Response, field: &str, label: &str) {
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY, "{label}");
    let body: serde_json::Value = res.json().await.unwrap();
    assert_eq!(body["field"], field, "{label}: {body}");
}

/// What a refused change must leave as it was.
async fn credentials(s: &TestServer) -> Vec<String> {
    s.db.rows_as_text(
        "SELECT u.password_hash || '|' || COALESCE(t.secret, '-') || '|' || \
         (SELECT COUNT(*) FROM recovery_codes r WHERE r.user_id = u.id AND r.used_at IS NULL) \
         || '|' || (SELECT COUNT(*) FROM email_factors e WHERE e.user_id = u.id) \
         || '|' || (SELECT COUNT(*) FROM api_keys k WHERE k.created_by = u.id) \
         || '|' || (SELECT COUNT(*) FROM webhook_endpoints w WHERE w.created_by = u.id) \
         FROM users u LEFT JOIN totp_factors t ON t.user_id = u.id WHERE u.email = 'ada@example.com'",
    )
    .await
}

fn mail_to_ada(s: &TestServer, needle: &str) -> bool {
    let Ok(dir) = std::fs::read_dir(s.data.path().join("mail")) else {
        return false;
    };
    dir.flatten().any(|f| {
        std::fs::read_to_string(f.path()).is_ok_and(|m| {
            let m = String::from_utf8(
                quoted_printable::decode(m.as_bytes(), quoted_printable::ParseMode::Robust)
                    .unwrap(),
            )
            .unwrap_or_default()
            .replace("\r\n", " ")
            .replace('\n', " ");
            m.contains("To: ada@example.com") && m.contains(needle)
        })
    })
}

#[tokio::test]
async fn a_stolen_session_cannot_replace_the_app_but_its_owner_can() {
    for db in testing::backends().await {
        let label = db.backend().name();
        let clock = Clock::manual(1_795_478_400_000);
        let s = TestServer::start_with_clock(db, &[], clock.clone()).await;
        let (c, old_key) = ada_with_an_app(&s, &clock).await;
        let before = credentials(&s).await;

        // The attack from the report: a new key, and a code for it, on the session alone.
        let new_key = start_app(&c, &s).await;
        let new_code = totp_code(&new_key, clock.now_ms(), 0);
        let res = api(&c, &s, "/api/mfa/confirm_app")
            .await
            .form(&[("code", new_code.as_str())])
            .send()
            .await
            .unwrap();
        refused_on(res, "password", label).await;
        // The password is not enough while a factor is on: a current code from it is needed.
        let res = api(&c, &s, "/api/mfa/confirm_app")
            .await
            .form(&[("code", new_code.as_str()), ("password", PASSWORD)])
            .send()
            .await
            .unwrap();
        refused_on(res, "current_code", label).await;
        // A code from the new app is not a code from the one in force.
        let res = api(&c, &s, "/api/mfa/confirm_app")
            .await
            .form(&[
                ("code", new_code.as_str()),
                ("password", PASSWORD),
                ("current_code", new_code.as_str()),
            ])
            .send()
            .await
            .unwrap();
        refused_on(res, "current_code", label).await;
        assert_eq!(
            credentials(&s).await,
            before,
            "{label}: a refusal changed them"
        );

        // The owner, with the password and a code from the app in force, replaces it.
        let res = api(&c, &s, "/api/mfa/confirm_app")
            .await
            .form(&[
                ("code", new_code.as_str()),
                ("password", PASSWORD),
                (
                    "current_code",
                    totp_code(&old_key, clock.now_ms(), 0).as_str(),
                ),
            ])
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), StatusCode::OK, "{label}");
        assert_ne!(credentials(&s).await, before, "{label}");
        assert!(
            mail_to_ada(&s, "Your authenticator app was changed"),
            "{label}: no notice"
        );
        let events =
            s.db.strings("SELECT kind FROM security_events WHERE kind LIKE 'second_factor_%'")
                .await;
        assert!(
            events.contains(&"second_factor_replaced".to_owned()),
            "{label}: {events:?}"
        );
        s.stop().await.unwrap();
    }
}

#[tokio::test]
async fn every_credential_endpoint_refuses_a_session_without_the_proof() {
    use app::server::{identity::accounts, identity::mfa};
    for db in testing::backends().await {
        let label = db.backend().name();
        let clock = Clock::manual(1_795_478_400_000);
        let s = TestServer::start_with_clock(db, &[], clock.clone()).await;
        let (c, key) = ada_with_an_app(&s, &clock).await;
        let user = accounts::user_by_email(&s.db.db, "ada@example.com")
            .await
            .unwrap()
            .unwrap();
        // An email code waiting, as if the attacker had asked for one to turn that factor on.
        let mailed = mfa::issue_email_code(&s.db.db, &clock, &user)
            .await
            .unwrap();
        let before = credentials(&s).await;
        let staff =
            s.db.strings(
                "SELECT r.id FROM roles r JOIN memberships m ON m.workspace_id = r.workspace_id \
                 JOIN users u ON u.id = m.user_id \
                 WHERE r.base_role = 'staff' AND u.email = 'ada@example.com'",
            )
            .await
            .remove(0);
        for (path, field) in CREDENTIAL_ENDPOINTS {
            let code = if path.ends_with("confirm_email") {
                mailed.clone()
            } else {
                "000000".to_owned()
            };
            // Each endpoint gets only the fields it takes (the gate refuses others), with the
            // password empty: a stolen session does not know it.
            let form: Vec<(&str, &str)> = match *path {
                "/api/accounts/change_password" => vec![
                    ("current_password", ""),
                    ("new_password", "a brand new passphrase here"),
                ],
                "/api/api_keys/create" => vec![
                    ("name", "Left behind"),
                    ("role_id", staff.as_str()),
                    ("code", code.as_str()),
                    ("password", ""),
                ],
                "/api/webhooks/create" => vec![
                    ("url", "https://hooks.example.com/left-behind"),
                    ("description", "Left behind"),
                    ("events[0]", "*"),
                    ("code", code.as_str()),
                    ("password", ""),
                ],
                "/api/webhooks/rotate" => vec![
                    ("id", "0190a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5b"),
                    ("code", code.as_str()),
                    ("password", ""),
                ],
                _ => vec![("code", code.as_str()), ("password", "")],
            };
            let res = api(&c, &s, path).await.form(&form).send().await.unwrap();
            refused_on(res, field, &format!("{label} {path}")).await;
        }
        assert_eq!(
            credentials(&s).await,
            before,
            "{label}: a refusal changed them"
        );
        // Still Ada's app: a code from it signs the session's owner through a change.
        let res = api(&c, &s, "/api/mfa/regenerate_recovery_codes")
            .await
            .form(&[
                ("password", PASSWORD),
                ("code", totp_code(&key, clock.now_ms(), 0).as_str()),
            ])
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), StatusCode::OK, "{label}");
        assert!(mail_to_ada(&s, "New recovery codes were made"), "{label}");
        s.stop().await.unwrap();
    }
}

#[tokio::test]
async fn a_first_factor_needs_the_password_once_the_sign_in_is_not_recent() {
    for db in testing::backends().await {
        let label = db.backend().name();
        let clock = Clock::manual(1_795_478_400_000);
        let s = TestServer::start_with_clock(db, &[], clock.clone()).await;
        let c = cookie_client();
        let res = super::sign_up(&c, &s, "ada@example.com").await;
        assert_eq!(res.status(), StatusCode::OK);
        clock.advance(Duration::from_millis(RECENT_PASSWORD_MS as u64 + 1));
        let status: serde_json::Value = api(&c, &s, "/api/mfa/status")
            .await
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        assert_eq!(status["password_needed"], true, "{label}");
        let key = start_app(&c, &s).await;
        let code = totp_code(&key, clock.now_ms(), 0);
        let res = api(&c, &s, "/api/mfa/confirm_app")
            .await
            .form(&[("code", code.as_str())])
            .send()
            .await
            .unwrap();
        refused_on(res, "password", label).await;
        let res = api(&c, &s, "/api/mfa/confirm_app")
            .await
            .form(&[
                ("code", code.as_str()),
                ("password", "not my password at all"),
            ])
            .send()
            .await
            .unwrap();
        refused_on(res, "password", label).await;
        let res = api(&c, &s, "/api/mfa/confirm_app")
            .await
            .form(&[("code", code.as_str()), ("password", PASSWORD)])
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), StatusCode::OK, "{label}");
        assert!(
            mail_to_ada(&s, "An authenticator app was set up"),
            "{label}: no notice"
        );
        s.stop().await.unwrap();
    }
}
