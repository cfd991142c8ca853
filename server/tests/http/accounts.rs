//! Account lifecycle over HTTP: the mailed confirmation link, password-reset requests, an expired password.

use super::*;

#[tokio::test]
async fn sign_up_mails_a_single_use_link_that_confirms_the_address() {
    let smtp = testing::smtp_server();
    let smtp_args: Vec<String> = match &smtp {
        Some((url, _)) => vec!["--smtp-url".into(), url.clone()],
        None => vec![],
    };
    let args: Vec<&str> = smtp_args.iter().map(String::as_str).collect();
    let s = TestServer::start(testing::sqlite().await, &args).await;
    let c = cookie_client();
    let email = format!("verify-{}@example.com", uuid::Uuid::new_v4().simple());
    assert_eq!(sign_up(&c, &s, &email).await.status(), StatusCode::OK);
    let me = || {
        let (c, s) = (c.clone(), &s);
        async move {
            api(&c, s, "/api/accounts/me")
                .await
                .send()
                .await
                .unwrap()
                .json::<serde_json::Value>()
                .await
                .unwrap()
        }
    };
    assert_eq!(me().await["email_verified"], false);

    // Through the real SMTP server when this run has one, else from the .eml file.
    let message = match &smtp {
        Some((_, maildir)) => testing::received_mail(maildir, &email)
            .await
            .expect("mail delivered"),
        None => {
            let dir = s.data.path().join("mail");
            let file = std::fs::read_dir(dir)
                .unwrap()
                .flatten()
                .next()
                .unwrap()
                .path();
            std::fs::read_to_string(file).unwrap()
        }
    };
    // Long lines (the link) travel quoted-printable, as any mail client would decode them.
    let message = String::from_utf8(
        quoted_printable::decode(message.as_bytes(), quoted_printable::ParseMode::Robust).unwrap(),
    )
    .unwrap();
    assert!(
        message.contains("Subject: Confirm your email address"),
        "{message}"
    );
    let link_start = message
        .find(&format!("{}/verify-email?token=", s.base))
        .expect("link in mail");
    let token: String = message[link_start..]
        .split_once("token=")
        .unwrap()
        .1
        .chars()
        .take_while(|c| c.is_ascii_alphanumeric() || *c == '-' || *c == '_')
        .collect();
    assert!(token.len() >= 40, "{token}");
    // The database keeps only a hash of it.
    assert!(s
        .db
        .strings("SELECT token_hash FROM email_tokens")
        .await
        .iter()
        .all(|h| h != &token));

    let verify = |token: String| {
        let (c, s) = (c.clone(), &s);
        async move {
            api(&c, s, "/api/accounts/verify_email")
                .await
                .form(&[("token", token)])
                .send()
                .await
                .unwrap()
        }
    };
    assert_eq!(
        verify("not-a-token".into()).await.status(),
        StatusCode::UNPROCESSABLE_ENTITY
    );
    assert_eq!(verify(token.clone()).await.status(), StatusCode::OK);
    assert_eq!(me().await["email_verified"], true);
    let again = verify(token).await;
    assert_eq!(
        again.status(),
        StatusCode::UNPROCESSABLE_ENTITY,
        "a used link worked twice"
    );
    let err: serde_json::Value = again.json().await.unwrap();
    assert_eq!(err["message"], "This link has expired or was already used.");
    s.stop().await.unwrap();
}

#[tokio::test]
async fn reset_requests_answer_the_same_for_known_and_unknown_addresses() {
    let s = TestServer::sqlite().await;
    let c = cookie_client();
    let mut answers = Vec::new();
    for email in [
        server::demo::DEMO_EMAIL,
        "nobody@example.com",
        "not an address",
    ] {
        let res = api(&c, &s, "/api/accounts/request_password_reset")
            .await
            .form(&[("email", email)])
            .send()
            .await
            .unwrap();
        answers.push((res.status(), res.text().await.unwrap()));
    }
    assert!(answers.iter().all(|a| a == &answers[0]), "{answers:?}");
    assert_eq!(answers[0].0, StatusCode::OK);
    // The known address got its link (sent after the answer).
    let issued = || async {
        s.db.strings("SELECT purpose FROM email_tokens WHERE purpose = 'reset_password'")
            .await
            .len()
    };
    for _ in 0..50 {
        if issued().await == 1 {
            break;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    assert_eq!(issued().await, 1);
    s.stop().await.unwrap();
}

#[tokio::test]
async fn an_expired_password_allows_nothing_but_changing_it() {
    let s = TestServer::sqlite().await;
    let c = cookie_client();
    sign_up(&c, &s, "ada@example.com").await;
    let me: serde_json::Value = api(&c, &s, "/api/accounts/me")
        .await
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let workspace = me["workspace"]["id"].as_str().unwrap().to_owned();
    // A 30-day policy, and a password last changed 31 days ago.
    s.db.db_exec(&format!(
        "INSERT INTO workspace_settings (workspace_id, password_expiry_days, updated_at) \
         VALUES ('{workspace}', 30, 0)"
    ))
    .await;
    s.db.db_exec(&format!(
        "UPDATE users SET password_changed_at = {}",
        app::server::platform::clock::Clock::System.now_ms() - 31 * 24 * 60 * 60 * 1000
    ))
    .await;

    let me: serde_json::Value = api(&c, &s, "/api/accounts/me")
        .await
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(me["password_expired"], true);
    let refused = api(&c, &s, "/api/team/members").await.send().await.unwrap();
    assert_eq!(refused.status(), StatusCode::FORBIDDEN);
    let err: serde_json::Value = refused.json().await.unwrap();
    assert_eq!(err["kind"], "password_expired");

    let changed = api(&c, &s, "/api/accounts/change_password")
        .await
        .form(&[
            ("current_password", "quiet lantern orbit mango"),
            ("new_password", "copper meadow violin tundra"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(changed.status(), StatusCode::OK);
    let members = api(&c, &s, "/api/team/members").await.send().await.unwrap();
    assert_eq!(members.status(), StatusCode::OK);
    s.stop().await.unwrap();
}
