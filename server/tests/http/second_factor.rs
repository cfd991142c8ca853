//! Two-step sign-in over HTTP: the half-way session, a required second factor, invitations accepted with a password.

use super::*;

/// Ada signs up, sets up an authenticator app and signs out. Returns her recovery codes.
async fn ada_with_an_app(s: &TestServer) -> Vec<String> {
    use app::server::{platform::clock::Clock, platform::testing::totp_code};
    let c = cookie_client();
    sign_up(&c, s, "ada@example.com").await;
    let setup: serde_json::Value = api(&c, s, "/api/mfa/start_app")
        .await
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let key = setup["key"].as_str().unwrap().to_owned();
    assert!(setup["qr_svg"].as_str().unwrap().contains("<svg"));
    let now = Clock::System.now_ms();
    let on = api(&c, s, "/api/mfa/confirm_app")
        .await
        .form(&[("code", totp_code(&key, now, 0))])
        .send()
        .await
        .unwrap();
    assert_eq!(on.status(), StatusCode::OK);
    let recovery: Vec<String> = on.json().await.unwrap();
    assert_eq!(recovery.len(), 10);
    api(&c, s, "/api/accounts/sign_out")
        .await
        .send()
        .await
        .unwrap();
    recovery
}

/// The password step: the session moves to a new id, signed in as nobody, and only that
/// half-done sign-in may ask for a mailed code. Returns its session cookie.
async fn the_password_step_grants_nothing(s: &TestServer) -> String {
    let (anonymous, token) = page_session(s, None).await;
    let res = client()
        .post(s.url("/api/accounts/sign_in"))
        .header(header::COOKIE, &anonymous)
        .header("x-csrf-token", token)
        .form(&[
            ("email", "ada@example.com"),
            ("password", "quiet lantern orbit mango"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    let pending = session_cookie(&res)
        .unwrap()
        .split(';')
        .next()
        .unwrap()
        .to_owned();
    assert_ne!(pending, anonymous);
    let step: serde_json::Value = res.json().await.unwrap();
    assert_eq!(
        step,
        serde_json::json!({"SecondFactor": {"app": true, "email": false, "recovery_code": true}})
    );
    let me = api_with_cookie(s, "/api/accounts/me", pending.clone())
        .await
        .send()
        .await
        .unwrap();
    assert_eq!(me.text().await.unwrap(), "null");
    for path in ["/api/sessions/list", "/api/mfa/status", "/api/team/members"] {
        let refused = api_with_cookie(s, path, pending.clone())
            .await
            .send()
            .await
            .unwrap();
        assert_eq!(refused.status(), StatusCode::UNAUTHORIZED, "{path}");
    }
    // Only the holder of this half-done sign-in can mail themself a code — and this account
    // has no codes by email.
    let mail = api_with_cookie(s, "/api/accounts/send_sign_in_code", pending.clone())
        .await
        .send()
        .await
        .unwrap();
    assert_eq!(mail.status(), StatusCode::FORBIDDEN);
    pending
}

/// Bad codes are refused on the code field; a recovery code finishes the sign-in under yet
/// another id, and the half-done id is dead.
async fn the_code_step_rotates_the_session(s: &TestServer, pending: String, recovery: &[String]) {
    // Bad codes: wrong, non-numeric, overlong, empty — refused on the code field.
    for bad in ["000000", "abcdef", &"7".repeat(100), ""] {
        let res = api_with_cookie(s, "/api/accounts/verify_second_factor", pending.clone())
            .await
            .form(&[("code", bad)])
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY, "{bad:.10}");
        let err: serde_json::Value = res.json().await.unwrap();
        assert_eq!(err["field"], "code");
    }
    // A recovery code finishes it, under yet another id.
    let res = api_with_cookie(s, "/api/accounts/verify_second_factor", pending.clone())
        .await
        .form(&[("code", recovery[0].as_str())])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    let signed_in = session_cookie(&res)
        .unwrap()
        .split(';')
        .next()
        .unwrap()
        .to_owned();
    assert_ne!(signed_in, pending);
    let me: serde_json::Value = api_with_cookie(s, "/api/accounts/me", signed_in.clone())
        .await
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(me["name"], "Ada Lovelace");
    // The half-done session id is dead.
    let old = api_with_cookie(s, "/api/accounts/me", pending)
        .await
        .send()
        .await
        .unwrap();
    assert_eq!(old.text().await.unwrap(), "null");
}

#[tokio::test]
async fn two_step_sign_in_grants_nothing_before_the_code_and_rotates_at_each_step() {
    let s = TestServer::sqlite().await;
    let recovery = ada_with_an_app(&s).await;
    let pending = the_password_step_grants_nothing(&s).await;
    the_code_step_rotates_the_session(&s, pending, &recovery).await;
    s.stop().await.unwrap();
}

#[tokio::test]
async fn a_required_second_factor_allows_nothing_but_setting_one_up() {
    let s = TestServer::sqlite().await;
    let c = cookie_client();
    sign_up(&c, &s, "ada@example.com").await;
    s.db.db_exec(
        "INSERT INTO workspace_settings (workspace_id, mfa_policy, updated_at) \
         SELECT id, 'everyone', 0 FROM workspaces",
    )
    .await;
    let me: serde_json::Value = api(&c, &s, "/api/accounts/me")
        .await
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(me["mfa_enrolment_required"], true);
    let refused = api(&c, &s, "/api/sessions/list")
        .await
        .send()
        .await
        .unwrap();
    assert_eq!(refused.status(), StatusCode::FORBIDDEN);
    let err: serde_json::Value = refused.json().await.unwrap();
    assert_eq!(err["kind"], "mfa_required");
    let status: serde_json::Value = api(&c, &s, "/api/mfa/status")
        .await
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(status["required"], true);
    assert_eq!(status["app"], false);

    let setup: serde_json::Value = api(&c, &s, "/api/mfa/start_app")
        .await
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let code = app::server::platform::testing::totp_code(
        setup["key"].as_str().unwrap(),
        app::server::platform::clock::Clock::System.now_ms(),
        0,
    );
    let on = api(&c, &s, "/api/mfa/confirm_app")
        .await
        .form(&[("code", code)])
        .send()
        .await
        .unwrap();
    assert_eq!(on.status(), StatusCode::OK);
    let listed = api(&c, &s, "/api/sessions/list")
        .await
        .send()
        .await
        .unwrap();
    assert_eq!(listed.status(), StatusCode::OK);

    // The last factor cannot be turned off while one is required.
    let recovery: Vec<String> = on.json().await.unwrap();
    let off = api(&c, &s, "/api/mfa/disable_app")
        .await
        .form(&[
            ("password", "quiet lantern orbit mango"),
            ("code", recovery[0].as_str()),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(off.status(), StatusCode::CONFLICT);
    let status: serde_json::Value = api(&c, &s, "/api/mfa/status")
        .await
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(
        status["recovery_codes_left"], 10,
        "the refusal used no code"
    );
    s.stop().await.unwrap();
}

/// Ada invites Grace's address as Staff, straight through the domain (the mail is not the
/// point here). Returns the invitation's token and Ada's workspace.
async fn ada_invites_grace(s: &TestServer) -> (String, app::model::WorkspaceId) {
    use app::server::workspace::invitations::{self, Invite};
    let db = &s.db.db;
    let clock = Clock::System;
    let ada = app::server::identity::accounts::user_by_email(db, "ada@example.com")
        .await
        .unwrap()
        .unwrap();
    app::server::identity::accounts::mark_email_verified(db, &clock, &ada)
        .await
        .unwrap();
    let workspace = app::server::identity::workspaces::list_for_member(db, &ada)
        .await
        .unwrap()[0]
        .id
        .clone();
    let grant = app::server::access::grants::require::<app::permissions::keys::TeamWrite>(
        db, &clock, &ada, &workspace,
    )
    .await
    .unwrap();
    let read = app::server::access::grants::require::<app::permissions::keys::TeamRead>(
        db, &clock, &ada, &workspace,
    )
    .await
    .unwrap();
    let staff = app::server::access::roles::options(db, &read)
        .await
        .unwrap()
        .into_iter()
        .find(|r| r.name == "Staff")
        .unwrap();
    let sent = invitations::invite(
        db,
        &clock,
        &grant,
        true,
        Invite {
            email: "grace@example.com".into(),
            role_id: staff.id.as_str().to_owned(),
        },
    )
    .await
    .unwrap();
    (sent.token, workspace)
}

#[tokio::test]
async fn accepting_an_invitation_with_a_password_still_takes_the_second_factor() {
    use app::server::platform::testing::totp_code;
    let s = TestServer::sqlite().await;
    let (owner, invitee) = (cookie_client(), cookie_client());
    sign_up(&owner, &s, "ada@example.com").await;
    sign_up(&invitee, &s, "grace@example.com").await;
    let setup: serde_json::Value = api(&invitee, &s, "/api/mfa/start_app")
        .await
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let key = setup["key"].as_str().unwrap().to_owned();
    let on = api(&invitee, &s, "/api/mfa/confirm_app")
        .await
        .form(&[("code", totp_code(&key, Clock::System.now_ms(), 0))])
        .send()
        .await
        .unwrap();
    assert_eq!(on.status(), StatusCode::OK);
    api(&invitee, &s, "/api/accounts/sign_out")
        .await
        .send()
        .await
        .unwrap();

    let (token, workspace) = ada_invites_grace(&s).await;

    // The token and the password join the workspace, but signing in there waits for the code.
    let step: serde_json::Value = api(&invitee, &s, "/api/invitations/accept_existing")
        .await
        .form(&[
            ("token", token.as_str()),
            ("password", "quiet lantern orbit mango"),
        ])
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(step["SecondFactor"]["app"], true, "{step}");
    let me = api(&invitee, &s, "/api/accounts/me")
        .await
        .send()
        .await
        .unwrap();
    assert_eq!(me.text().await.unwrap(), "null");
    let done = api(&invitee, &s, "/api/accounts/verify_second_factor")
        .await
        .form(&[("code", totp_code(&key, Clock::System.now_ms(), 1))])
        .send()
        .await
        .unwrap();
    assert_eq!(done.status(), StatusCode::OK);
    let me: serde_json::Value = api(&invitee, &s, "/api/accounts/me")
        .await
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(me["workspace"]["id"], workspace.as_str());
    s.stop().await.unwrap();
}
