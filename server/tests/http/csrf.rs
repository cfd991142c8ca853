//! Cross-site request forgery over HTTP: the session-bound token, which requests start a session, the Fetch Metadata / Origin wall.

use super::*;

#[tokio::test]
async fn cross_site_state_changes_are_refused_before_the_handler_runs() {
    let s = TestServer::sqlite().await;
    let c = cookie_client();
    let check = "/api/workspaces/check_name";
    let own_origin = s.base.clone();
    let refused: &[&[(&str, &str)]] = &[
        &[("sec-fetch-site", "cross-site")],
        &[("sec-fetch-site", "same-site")],
        &[
            ("sec-fetch-site", "cross-site"),
            ("origin", own_origin.as_str()),
        ],
        &[("origin", "http://evil.example")],
        &[("origin", "null")],
    ];
    let token = csrf_token(&c, &s).await;
    let post = |headers: &[(&str, &str)]| {
        headers.iter().fold(
            c.post(s.url(check))
                .header("x-csrf-token", &token)
                .form(&[("workspace_name", "Acme")]),
            |req, (name, value)| req.header(*name, *value),
        )
    };
    for headers in refused {
        let res = post(headers).send().await.unwrap();
        assert_eq!(res.status(), StatusCode::FORBIDDEN, "{headers:?}");
        assert_security_headers(&res, "no-store");
        assert!(header(&res, "vary").contains("Sec-Fetch-Site"));
        let err: serde_json::Value = res.json().await.unwrap();
        assert_eq!(err["kind"], "forbidden", "{headers:?}");
    }
    let allowed: &[&[(&str, &str)]] = &[
        &[("sec-fetch-site", "same-origin")],
        &[("origin", own_origin.as_str())],
        // No browser marks at all: a non-browser client, which has no ambient cookies.
        &[],
    ];
    for headers in allowed {
        let res = post(headers).send().await.unwrap();
        assert_eq!(res.status(), StatusCode::OK, "{headers:?}");
    }
    // Reads are not state changes: a cross-site GET of a page is an ordinary link.
    let page = c
        .get(s.url("/"))
        .header("sec-fetch-site", "cross-site")
        .send()
        .await
        .unwrap();
    assert_eq!(page.status(), StatusCode::OK);
    s.stop().await.unwrap();
}

#[tokio::test]
async fn server_functions_refuse_calls_without_the_sessions_csrf_token() {
    for db in testing::backends().await {
        let label = db.backend().name();
        let s = TestServer::start(db, &[]).await;
        let users = || async { s.db.row_counts(&["users"]).await[0].1 };
        let before = users().await;
        let sign_up_form = [
            ("name", "Mallory"),
            ("email", "mallory@example.com"),
            ("password", "quiet lantern orbit mango"),
            ("workspace_name", "Forged Inc"),
        ];

        // No session at all: a same-origin-looking call with no cookie and no token.
        let res = client()
            .post(s.url("/api/accounts/sign_up"))
            .form(&sign_up_form)
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), StatusCode::FORBIDDEN, "{label}");
        let err: app::error::AppError = res.json().await.unwrap();
        assert_eq!(err, app::error::AppError::PageExpired, "{label}");
        assert!(
            err.to_string().contains("Reload"),
            "{label}: the message says what to do"
        );

        // A session, but the token missing, wrong, from another session, or in a JSON body.
        let c = cookie_client();
        let own = csrf_token(&c, &s).await;
        let other = csrf_token(&cookie_client(), &s).await;
        assert_ne!(own, other, "{label}: sessions share a token");
        let attempts = [
            c.post(s.url("/api/accounts/sign_up")).form(&sign_up_form),
            c.post(s.url("/api/accounts/sign_up"))
                .header("x-csrf-token", "guess")
                .form(&sign_up_form),
            c.post(s.url("/api/accounts/sign_up"))
                .header("x-csrf-token", &other)
                .form(&sign_up_form),
            c.post(s.url("/api/accounts/sign_up"))
                .header("x-csrf-token", "")
                .form(&sign_up_form),
            c.post(s.url("/api/accounts/sign_up"))
                .header(header::CONTENT_TYPE, "application/json")
                .body(format!(r#"{{"csrf_token":"{own}"}}"#)),
        ];
        for (i, attempt) in attempts.into_iter().enumerate() {
            let res = attempt.send().await.unwrap();
            // Sign-up takes forms only: the JSON body is refused before its token is looked at.
            let refused = if i == 4 {
                StatusCode::UNSUPPORTED_MEDIA_TYPE
            } else {
                StatusCode::FORBIDDEN
            };
            assert_eq!(res.status(), refused, "{label}: attempt {i}");
        }
        assert_eq!(
            users().await,
            before,
            "{label}: a refused call changed data"
        );

        // The hidden field of a plain form post is accepted in place of the header.
        let mut form = sign_up_form.to_vec();
        form.push(("csrf_token", &own));
        let res = c
            .post(s.url("/api/accounts/sign_up"))
            .form(&form)
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), StatusCode::OK, "{label}");
        assert_eq!(users().await, before + 1, "{label}");

        // Signing in (here: signing up) renews the token; the one seen before is dead.
        let res = c
            .post(s.url("/api/accounts/me"))
            .header("x-csrf-token", &own)
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), StatusCode::FORBIDDEN, "{label}: token kept");
        let fresh = csrf_token(&c, &s).await;
        assert_ne!(fresh, own, "{label}");
        let me: serde_json::Value = c
            .post(s.url("/api/accounts/me"))
            .header("x-csrf-token", &fresh)
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        assert_eq!(me["email"], "mallory@example.com", "{label}");
        s.stop().await.unwrap();
    }
}

#[tokio::test]
async fn no_request_of_an_anonymous_visitor_starts_a_session() {
    let s = TestServer::sqlite().await;
    let c = client();
    for path in ["/healthz", "/readyz", "/favicon.svg", "/pkg/gatehouse.css"] {
        let res = c.get(s.url(path)).send().await.unwrap();
        assert!(session_cookie(&res).is_none(), "{path} started a session");
    }
    let res = c.post(s.url("/api/accounts/me")).send().await.unwrap();
    assert!(
        session_cookie(&res).is_none(),
        "a refused call started a session"
    );
    assert_eq!(s.db.row_counts(&["sessions"]).await[0].1, 0);
    let res = c.get(s.url("/signin")).send().await.unwrap();
    assert!(
        session_cookie(&res).is_none(),
        "the sign-in page started a session"
    );
    let cookie = anonymous_csrf_cookie(&res).expect("the sign-in page needs a token");
    for attr in ["HttpOnly", "SameSite=Lax", "Path=/"] {
        assert!(cookie.contains(attr), "{cookie} lacks {attr}");
    }
    assert_eq!(s.db.row_counts(&["sessions"]).await[0].1, 0);
    s.stop().await.unwrap();
}

/// The anonymous token is a signed double-submit cookie: the value presented must be the
/// cookie's own, and the cookie must carry the server's signature.
#[tokio::test]
async fn an_anonymous_call_needs_the_signed_cookie_and_the_same_token() {
    let s = TestServer::sqlite().await;
    let (cookie, token) = page_session(&s, None).await;
    let (other_cookie, other_token) = page_session(&s, None).await;
    assert_ne!(token, other_token);
    let call = |cookie: Option<String>, token: Option<String>| {
        let s = &s;
        async move {
            let mut req = client().post(s.url("/api/workspaces/check_name"));
            if let Some(cookie) = cookie {
                req = req.header(header::COOKIE, cookie);
            }
            if let Some(token) = token {
                req = req.header("x-csrf-token", token);
            }
            req.form(&[("workspace_name", "Acme")])
                .send()
                .await
                .unwrap()
                .status()
        }
    };
    assert_eq!(
        call(Some(cookie.clone()), Some(token.clone())).await,
        StatusCode::OK
    );
    for (label, cookie, token) in [
        ("no cookie", None, Some(token.clone())),
        ("no token", Some(cookie.clone()), None),
        (
            "another visitor's token",
            Some(cookie.clone()),
            Some(other_token.clone()),
        ),
        (
            "another visitor's cookie",
            Some(other_cookie.clone()),
            Some(token.clone()),
        ),
        (
            "an unsigned pair chosen by the attacker",
            Some("gatehouse_csrf=abc.def".to_owned()),
            Some("abc.def".to_owned()),
        ),
    ] {
        assert_eq!(call(cookie, token).await, StatusCode::FORBIDDEN, "{label}");
    }
    s.stop().await.unwrap();
}
