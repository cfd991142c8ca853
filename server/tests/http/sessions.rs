//! Sessions and their cookies over HTTP: sign-up and sign-in, idle renewal, production cookies, a person's own sessions, switching workspace, password change, a session leaving the allowed network.

use super::*;

#[tokio::test]
async fn sign_up_signs_in_with_a_hardened_cookie_and_sign_out_ends_the_session() {
    for db in testing::backends().await {
        let label = db.backend().name();
        let s = TestServer::start(db, &[]).await;
        let c = cookie_client();

        let anonymous: serde_json::Value = api(&c, &s, "/api/accounts/me")
            .await
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        assert!(anonymous.is_null(), "{label}");

        let res = sign_up(&c, &s, "ada@example.com").await;
        assert_eq!(res.status(), StatusCode::OK, "{label}");
        let cookie = session_cookie(&res).expect("a session cookie is set");
        assert!(
            cookie.starts_with("gatehouse_session="),
            "{label}: {cookie}"
        );
        for attr in ["HttpOnly", "SameSite=Lax", "Path=/"] {
            assert!(cookie.contains(attr), "{label}: {cookie} lacks {attr}");
        }
        assert!(
            !cookie.contains("Secure"),
            "{label}: Secure on plain http breaks local runs"
        );

        let me: serde_json::Value = api(&c, &s, "/api/accounts/me")
            .await
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        assert_eq!(me["name"], "Ada Lovelace", "{label}");
        assert_eq!(me["workspace"]["name"], "Analytical Engines", "{label}");
        // The store records whose session it is, and only a hash of its id.
        let owners = s.db.strings("SELECT user_id FROM sessions").await;
        assert_eq!(owners, [me["id"].as_str().unwrap()], "{label}");

        let out = api(&c, &s, "/api/accounts/sign_out")
            .await
            .send()
            .await
            .unwrap();
        assert_eq!(out.status(), StatusCode::OK, "{label}");
        assert_eq!(s.db.row_counts(&["sessions"]).await[0].1, 0, "{label}");
        let after: serde_json::Value = api(&c, &s, "/api/accounts/me")
            .await
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        assert!(after.is_null(), "{label}");
        s.stop().await.unwrap();
    }
}

#[tokio::test]
async fn sign_in_rotates_the_session_id_and_gives_one_message_for_every_failure() {
    let s = TestServer::sqlite().await;
    sign_up(&cookie_client(), &s, "ada@example.com").await;

    let srv = &s;
    let attempt = |email: &'static str, password: &'static str, cookie: Option<String>| async move {
        let (cookie, token) = page_session(srv, cookie).await;
        client()
            .post(srv.url("/api/accounts/sign_in"))
            .header(header::COOKIE, cookie)
            .header("x-csrf-token", token)
            .form(&[("email", email), ("password", password)])
            .send()
            .await
    };
    for (email, password) in [
        ("ada@example.com", "wrong password here"),
        ("nobody@example.com", "quiet lantern orbit mango"),
        ("not an address", "quiet lantern orbit mango"),
    ] {
        let res = attempt(email, password, None).await.unwrap();
        assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY, "{email}");
        let err: serde_json::Value = res.json().await.unwrap();
        assert_eq!(err["field"], "password", "{email}");
        assert_eq!(
            err["message"], "The email address or password is incorrect.",
            "{email}"
        );
    }

    // A session id planted before sign-in must not survive it.
    let planted = attempt("ada@example.com", "quiet lantern orbit mango", None)
        .await
        .unwrap();
    let first = session_cookie(&planted).unwrap();
    let first_id = first.split(';').next().unwrap().to_owned();
    let again = attempt(
        "ADA@example.com",
        "quiet lantern orbit mango",
        Some(first_id.clone()),
    )
    .await
    .unwrap();
    assert_eq!(again.status(), StatusCode::OK);
    let second_id = session_cookie(&again)
        .unwrap()
        .split(';')
        .next()
        .unwrap()
        .to_owned();
    assert_ne!(first_id, second_id);
    s.stop().await.unwrap();
}

#[tokio::test]
async fn the_idle_expiry_is_renewed_at_most_once_a_minute_and_stays_exact_to_it() {
    let clock = Clock::manual(1_795_478_400_000);
    let s = TestServer::start_with_clock(testing::sqlite().await, &[], clock.clone()).await;
    let c = demo_client(&s).await;
    let expiry = || async {
        let rows =
            s.db.strings("SELECT CAST(expires_at AS TEXT) FROM sessions")
                .await;
        rows[0].parse::<i64>().unwrap()
    };
    let signed_in = expiry().await;
    let me = |c: reqwest::Client| {
        let s = &s;
        async move { api(&c, s, "/api/accounts/me").await.send().await.unwrap() }
    };

    // Within the minute: nothing is written, no cookie is sent.
    clock.advance(Duration::from_secs(59));
    let res = me(c.clone()).await;
    assert_eq!(res.status(), StatusCode::OK);
    assert!(session_cookie(&res).is_none(), "renewed within the minute");
    assert_eq!(expiry().await, signed_in, "the store was written");

    // A minute on: the expiry and the cookie move.
    clock.advance(Duration::from_secs(1));
    let res = c.get(s.url("/")).send().await.unwrap();
    let cookie = session_cookie(&res).expect("the cookie is renewed after a minute");
    assert!(cookie.contains("Max-Age="), "{cookie}");
    assert_eq!(
        expiry().await,
        signed_in + 60_000,
        "the stored expiry moved"
    );

    // The demo workspace's idle timeout is the default 30 minutes: a session last renewed
    // 30 minutes ago has ended, one a minute less has not.
    clock.advance(Duration::from_secs(29 * 60 - 1));
    let alive: serde_json::Value = me(c.clone()).await.json().await.unwrap();
    assert!(!alive.is_null(), "ended before the idle timeout");
    clock.advance(Duration::from_secs(30 * 60));
    let ended: serde_json::Value = me(c.clone()).await.json().await.unwrap();
    assert!(ended.is_null(), "alive after the idle timeout");

    // A stranger's call creates no session at all (the lapsed one stays until the sweep).
    let rows = s.db.row_counts(&["sessions"]).await[0].1;
    client()
        .post(s.url("/api/accounts/me"))
        .send()
        .await
        .unwrap();
    assert_eq!(s.db.row_counts(&["sessions"]).await[0].1, rows);
    s.stop().await.unwrap();
}

#[tokio::test]
async fn production_session_cookies_are_secure_host_prefixed() {
    let s = TestServer::production().await;
    // The page's cookie is `Secure`, which a client keeps only over HTTPS: carry it by hand.
    let (anonymous, token) = page_session(&s, None).await;
    assert!(
        anonymous.starts_with("__Host-gatehouse_csrf="),
        "an anonymous visitor gets only the CSRF cookie: {anonymous}"
    );
    let res = client()
        .post(s.url("/api/accounts/sign_up"))
        .header(header::COOKIE, anonymous)
        .header("x-csrf-token", token)
        .form(&[
            ("name", "Ada Lovelace"),
            ("email", "ada@example.com"),
            ("password", "quiet lantern orbit mango"),
            ("workspace_name", "Analytical Engines"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    let cookie = session_cookie(&res).unwrap();
    assert!(cookie.starts_with("__Host-gatehouse_session="), "{cookie}");
    assert!(
        cookie.contains("Secure") && cookie.contains("Path=/") && !cookie.contains("Domain"),
        "{cookie}"
    );
    s.stop().await.unwrap();
}

#[tokio::test]
async fn people_see_and_end_their_own_sessions_only() {
    let s = TestServer::sqlite().await;
    let laptop = demo_client(&s).await;
    let phone = demo_client(&s).await;
    let stranger = cookie_client();
    sign_up(&stranger, &s, "eve@example.com").await;

    let list = |c: &reqwest::Client| {
        let (c, s) = (c.clone(), &s);
        async move {
            api(&c, s, "/api/sessions/list")
                .await
                .send()
                .await
                .unwrap()
                .json::<Vec<serde_json::Value>>()
                .await
                .unwrap()
        }
    };
    let seen = list(&laptop).await;
    assert_eq!(seen.len(), 2);
    assert_eq!(seen.iter().filter(|s| s["current"] == true).count(), 1);
    assert!(seen.iter().all(|s| s["ip"] == "127.0.0.1"));
    let other = seen.iter().find(|s| s["current"] == false).unwrap()["handle"]
        .as_str()
        .unwrap()
        .to_owned();

    // Someone else's session reference answers as if it did not exist.
    let eves = list(&stranger).await;
    let res = api(&laptop, &s, "/api/sessions/revoke")
        .await
        .form(&[("handle", eves[0]["handle"].as_str().unwrap())])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::NOT_FOUND);
    let res = api(&laptop, &s, "/api/sessions/revoke")
        .await
        .form(&[("handle", "not-a-handle")])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let anonymous = api(&cookie_client(), &s, "/api/sessions/list")
        .await
        .send()
        .await
        .unwrap();
    assert_eq!(anonymous.status(), StatusCode::UNAUTHORIZED);

    let res = api(&laptop, &s, "/api/sessions/revoke")
        .await
        .form(&[("handle", other.as_str())])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    let me: serde_json::Value = api(&phone, &s, "/api/accounts/me")
        .await
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert!(me.is_null(), "the revoked session still works");
    assert_eq!(list(&laptop).await.len(), 1);
    assert_eq!(
        list(&stranger).await.len(),
        1,
        "someone else's session was touched"
    );
    s.stop().await.unwrap();
}

#[tokio::test]
async fn switching_workspace_needs_a_membership_and_rotates_the_session() {
    let s = TestServer::sqlite().await;
    let (anonymous, token) = page_session(&s, None).await;
    let res = client()
        .post(s.url("/api/accounts/sign_in"))
        .header(header::COOKIE, anonymous)
        .header("x-csrf-token", token)
        .form(&[
            ("email", server::demo::DEMO_EMAIL),
            ("password", server::demo::DEMO_PASSWORD),
        ])
        .send()
        .await
        .unwrap();
    let cookie = session_cookie(&res)
        .unwrap()
        .split(';')
        .next()
        .unwrap()
        .to_owned();
    let srv = &s;
    let me = |cookie: String| async move {
        {
            api_with_cookie(srv, "/api/accounts/me", cookie)
                .await
                .send()
                .await
                .unwrap()
                .json::<serde_json::Value>()
                .await
                .unwrap()
        }
    };
    let before = me(cookie.clone()).await;
    assert_eq!(before["workspaces"].as_array().unwrap().len(), 6);
    let target = before["workspaces"]
        .as_array()
        .unwrap()
        .iter()
        .find(|w| w["name"] == "Globex Consulting")
        .unwrap()["id"]
        .as_str()
        .unwrap()
        .to_owned();

    let ada = cookie_client();
    sign_up(&ada, &s, "ada@example.com").await;
    let adas: serde_json::Value = api(&ada, &s, "/api/accounts/me")
        .await
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let foreign = adas["workspace"]["id"].as_str().unwrap();
    for id in [foreign, "no-such-workspace"] {
        let res = api_with_cookie(&s, "/api/accounts/switch_workspace", cookie.clone())
            .await
            .form(&[("workspace_id", id)])
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), StatusCode::NOT_FOUND, "{id}");
    }
    assert_eq!(me(cookie.clone()).await["workspace"], before["workspace"]);

    let switched_at = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_millis() as i64;
    let res = api_with_cookie(&s, "/api/accounts/switch_workspace", cookie.clone())
        .await
        .form(&[("workspace_id", target.as_str())])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    let rotated = session_cookie(&res)
        .unwrap()
        .split(';')
        .next()
        .unwrap()
        .to_owned();
    assert_ne!(rotated, cookie, "the session id was not rotated");
    assert_eq!(
        me(rotated.clone()).await["workspace"]["name"],
        "Globex Consulting"
    );
    // Coming into Globex by the switch is the demo owner's last sign-in there (never before).
    let members: serde_json::Value = api_with_cookie(&s, "/api/team/members", rotated)
        .await
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let owner = members
        .as_array()
        .unwrap()
        .iter()
        .find(|m| m["email"] == server::demo::DEMO_EMAIL)
        .unwrap();
    assert!(
        owner["last_sign_in_ms"].as_i64().unwrap() >= switched_at,
        "{owner}"
    );
    assert!(me(cookie).await.is_null(), "the old session id still works");
    s.stop().await.unwrap();
}

#[tokio::test]
async fn changing_the_password_ends_the_other_sessions_and_keeps_this_one() {
    let s = TestServer::sqlite().await;
    let laptop = cookie_client();
    sign_up(&laptop, &s, "ada@example.com").await;
    let phone = cookie_client();
    let res = api(&phone, &s, "/api/accounts/sign_in")
        .await
        .form(&[
            ("email", "ada@example.com"),
            ("password", "quiet lantern orbit mango"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::OK);

    let wrong = api(&laptop, &s, "/api/accounts/change_password")
        .await
        .form(&[
            ("current_password", "nope nope nope"),
            ("new_password", "copper meadow signal violet"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(wrong.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let me = |c: &reqwest::Client| {
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
    assert!(
        !me(&phone).await.is_null(),
        "a refused change ended a session"
    );

    let res = api(&laptop, &s, "/api/accounts/change_password")
        .await
        .form(&[
            ("current_password", "quiet lantern orbit mango"),
            ("new_password", "copper meadow signal violet"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    assert!(
        session_cookie(&res).is_some(),
        "the session id was not rotated"
    );
    assert_eq!(me(&laptop).await["name"], "Ada Lovelace");
    assert!(
        me(&phone).await.is_null(),
        "the other session survived the change"
    );
    s.stop().await.unwrap();
}

#[tokio::test]
async fn a_session_that_moves_to_a_denied_network_ends() {
    let s = TestServer::start(
        testing::sqlite().await,
        &["--client-ip-header", "X-Forwarded-For"],
    )
    .await;
    let from = |ip: &str| {
        let mut headers = reqwest::header::HeaderMap::new();
        headers.insert("x-forwarded-for", ip.parse().unwrap());
        headers
    };
    let jar = std::sync::Arc::new(reqwest::cookie::Jar::default());
    let at = |ip: &str| {
        reqwest::Client::builder()
            .cookie_provider(jar.clone())
            .default_headers(from(ip))
            .build()
            .unwrap()
    };
    let office = at("203.0.113.10");
    sign_up(&office, &s, "ada@example.com").await;

    // Denying the range one is in needs the confirmation, by name.
    let refused = api(&office, &s, "/api/settings/add_ip_rule")
        .await
        .form(&[
            ("kind", "deny"),
            ("cidr", "203.0.113.0/24"),
            ("user_id", ""),
            ("note", ""),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(refused.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let err: serde_json::Value = refused.json().await.unwrap();
    assert_eq!(err["field"], "block_me_too");
    let added = api(&office, &s, "/api/settings/add_ip_rule")
        .await
        .form(&[
            ("kind", "deny"),
            ("cidr", "198.51.100.0/24"),
            ("user_id", ""),
            ("note", "Café"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(added.status(), StatusCode::OK);
    let access: serde_json::Value = api(&office, &s, "/api/settings/network")
        .await
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(access["your_address"], "203.0.113.10");
    assert_eq!(access["rules"][0]["cidr"], "198.51.100.0/24");

    // The same session from the denied network: the page renders signed out, and the session
    // stays ended when the person is back at the office.
    let cafe = at("198.51.100.7");
    let page = cafe
        .get(s.url("/"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(!page.contains("Ada Lovelace"));
    let me = api(&cafe, &s, "/api/accounts/me")
        .await
        .send()
        .await
        .unwrap();
    assert_eq!(me.text().await.unwrap(), "null");
    let back = api(&office, &s, "/api/accounts/me")
        .await
        .send()
        .await
        .unwrap();
    assert_eq!(back.text().await.unwrap(), "null");
    assert_eq!(
        s.db.strings("SELECT DISTINCT ip FROM security_events WHERE kind = 'network_denied'")
            .await,
        ["198.51.100.7"]
    );
    s.stop().await.unwrap();
}
