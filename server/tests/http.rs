//! The server over real TCP with a real database: headers, status codes, the server-function
//! gate, health, graceful shutdown.

use std::time::Duration;

use reqwest::{header, StatusCode};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

use app::server::clock::Clock;
use app::server::testing;

#[path = "http/forms.rs"]
mod forms;
#[path = "http/markup.rs"]
mod markup;
#[path = "http/reauth.rs"]
mod reauth;
mod support;
use support::{api, cookie_client, csrf_token, page_token, TestServer};

/// For tests that handle cookies themselves: a page fetched with `cookie` (a fresh session when
/// `None`), giving the session cookie in force afterwards and that session's CSRF token.
async fn page_session(s: &TestServer, cookie: Option<String>) -> (String, String) {
    let mut req = client().get(s.url("/"));
    if let Some(cookie) = &cookie {
        req = req.header(header::COOKIE, cookie);
    }
    let res = req.send().await.unwrap();
    let cookie = session_cookie(&res)
        .map(|c| c.split(';').next().unwrap().to_owned())
        .or(cookie)
        .expect("a page starts a session");
    let page = res.text().await.unwrap();
    (cookie, page_token(&page))
}

/// A server-function call carrying `cookie` and the token of its session.
async fn api_with_cookie(s: &TestServer, path: &str, cookie: String) -> reqwest::RequestBuilder {
    let (cookie, token) = page_session(s, Some(cookie)).await;
    client()
        .post(s.url(path))
        .header(header::COOKIE, cookie)
        .header("x-csrf-token", token)
}

/// A client signed in as the demo Owner of the six demo workspaces.
async fn demo_client(s: &TestServer) -> reqwest::Client {
    let c = cookie_client();
    let res = api(&c, s, "/api/accounts/sign_in")
        .await
        .form(&[
            ("email", server::demo::DEMO_EMAIL),
            ("password", server::demo::DEMO_PASSWORD),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::OK, "demo sign-in");
    c
}

async fn workspace_names(c: &reqwest::Client, s: &TestServer) -> Vec<String> {
    let list: Vec<serde_json::Value> = api(c, s, "/api/workspaces/list")
        .await
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    list.iter()
        .map(|w| w["name"].as_str().unwrap().to_owned())
        .collect()
}

fn client() -> reqwest::Client {
    reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap()
}

fn header<'a>(res: &'a reqwest::Response, name: &str) -> &'a str {
    res.headers()
        .get(name)
        .unwrap_or_else(|| panic!("missing header {name}"))
        .to_str()
        .unwrap()
}

fn assert_security_headers(res: &reqwest::Response, cache: &str) {
    let csp = header(res, "content-security-policy");
    assert!(
        csp.contains("script-src 'self' 'nonce-") && csp.contains("'wasm-unsafe-eval'"),
        "{csp}"
    );
    assert!(!csp.contains("unsafe-inline"), "{csp}");
    for directive in [
        "default-src 'self'",
        "object-src 'none'",
        "base-uri 'none'",
        "frame-ancestors 'none'",
    ] {
        assert!(csp.contains(directive), "CSP lacks {directive}: {csp}");
    }
    assert_eq!(header(res, "x-content-type-options"), "nosniff");
    assert_eq!(header(res, "referrer-policy"), "same-origin");
    assert_eq!(header(res, "x-frame-options"), "DENY");
    assert!(header(res, "permissions-policy").contains("camera=()"));
    assert_eq!(header(res, "cross-origin-opener-policy"), "same-origin");
    assert_eq!(header(res, "cache-control"), cache);
    assert!(res.headers().get("server").is_none(), "banner header sent");
    assert!(
        res.headers().get("x-powered-by").is_none(),
        "banner header sent"
    );
    assert!(res.headers().get("strict-transport-security").is_none());
    assert_eq!(header(res, "x-request-id").len(), 32);
}

fn csp_nonce(res: &reqwest::Response) -> String {
    let csp = header(res, "content-security-policy");
    let start = csp.find("'nonce-").unwrap() + "'nonce-".len();
    csp[start..].split('\'').next().unwrap().to_owned()
}

#[tokio::test]
async fn home_page_renders_on_the_server_with_headers_and_a_matching_nonce() {
    let s = TestServer::sqlite().await;
    let anonymous = client().get(s.url("/")).send().await.unwrap();
    let body = anonymous.text().await.unwrap();
    assert!(
        body.contains("<span class=\"stat-value\">–</span>"),
        "{body}"
    );
    let res = demo_client(&s).await.get(s.url("/")).send().await.unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    assert!(header(&res, "content-type").starts_with("text/html"));
    assert_security_headers(&res, "no-store");
    let nonce = csp_nonce(&res);
    let body = res.text().await.unwrap();
    assert!(body.contains("<h1>Overview</h1>"), "{body}");
    // The caller's workspace count and name are rendered on the server, not after hydration.
    let count = server::demo::WORKSPACES.len().to_string();
    assert!(body.contains(&format!("<span class=\"stat-value\">{count}</span>")));
    assert!(body.contains("Demo Owner"), "{body}");
    // Every inline script carries this response's nonce; none goes without.
    let scripts = body.matches("<script").count();
    assert!(scripts > 0);
    assert_eq!(
        body.matches(&format!("nonce=\"{nonce}\"")).count(),
        scripts,
        "{body}"
    );
    s.stop().await.unwrap();
}

#[tokio::test]
async fn every_response_gets_a_fresh_nonce_and_request_id() {
    let s = TestServer::sqlite().await;
    let c = demo_client(&s).await;
    let a = c
        .get(s.url("/workspaces"))
        .header("x-request-id", "forged")
        .send()
        .await
        .unwrap();
    let b = c.get(s.url("/workspaces")).send().await.unwrap();
    assert_ne!(csp_nonce(&a), csp_nonce(&b));
    assert_ne!(header(&a, "x-request-id"), "forged");
    assert_ne!(header(&a, "x-request-id"), header(&b, "x-request-id"));
    let body = a.text().await.unwrap();
    for name in server::demo::WORKSPACES {
        assert!(body.contains(name), "workspace {name} not rendered");
    }
    s.stop().await.unwrap();
}

#[tokio::test]
async fn unknown_routes_get_the_styled_404() {
    let s = TestServer::sqlite().await;
    let res = client().get(s.url("/no/such/page")).send().await.unwrap();
    assert_eq!(res.status(), StatusCode::NOT_FOUND);
    assert_security_headers(&res, "no-store");
    let body = res.text().await.unwrap();
    assert!(body.contains("Page not found") && body.contains("class=\"error-page\""));
    s.stop().await.unwrap();
}

#[tokio::test]
async fn health_endpoints_carry_the_headers_too() {
    let s = TestServer::sqlite().await;
    let res = client().get(s.url("/healthz")).send().await.unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    assert_security_headers(&res, "no-store");
    s.stop().await.unwrap();
}

#[tokio::test]
async fn readiness_follows_the_database_on_every_backend() {
    for db in testing::backends().await {
        let label = db.backend().name();
        let s = TestServer::start(db, &[]).await;
        let c = demo_client(&s).await;
        let res = c.get(s.url("/readyz")).send().await.unwrap();
        assert_eq!(res.status(), StatusCode::OK, "{label}");
        assert_eq!(
            workspace_names(&c, &s).await.len(),
            server::demo::WORKSPACES.len(),
            "{label}"
        );
        s.db.db.close().await;
        let res = c.get(s.url("/readyz")).send().await.unwrap();
        assert_eq!(res.status(), StatusCode::SERVICE_UNAVAILABLE, "{label}");
        assert_eq!(
            res.text().await.unwrap(),
            "database unavailable\n",
            "{label}"
        );
        s.stop().await.unwrap();
    }
}

#[tokio::test]
async fn production_mode_adds_hsts() {
    let s = TestServer::production().await;
    let res = client().get(s.url("/")).send().await.unwrap();
    assert_eq!(
        header(&res, "strict-transport-security"),
        "max-age=63072000; includeSubDomains"
    );
    s.stop().await.unwrap();
}

#[tokio::test]
async fn server_functions_answer_only_post() {
    let s = TestServer::sqlite().await;
    let c = client();
    let paths: Vec<_> = leptos::server_fn::axum::server_fn_paths().collect();
    assert!(
        paths.len() >= 2,
        "server functions not registered: {paths:?}"
    );
    for (path, method) in paths {
        assert_eq!(method, http::Method::POST, "{path} is not POST");
        assert!(
            path.starts_with("/api/") && !path.contains(char::is_numeric),
            "{path} has no stable name"
        );
        let res = c.get(s.url(path)).send().await.unwrap();
        assert_eq!(res.status(), StatusCode::METHOD_NOT_ALLOWED, "GET {path}");
        assert_eq!(header(&res, "allow"), "POST");
        assert_security_headers(&res, "no-store");
    }
    s.stop().await.unwrap();
}

#[tokio::test]
async fn server_function_errors_have_the_right_status_and_a_clear_message() {
    let s = TestServer::sqlite().await;
    let c = cookie_client();
    let check = "/api/workspaces/check_name";

    let ok = api(&c, &s, check)
        .await
        .form(&[("workspace_name", "Brand New Co")])
        .send()
        .await
        .unwrap();
    assert_eq!(ok.status(), StatusCode::OK);
    let ok: serde_json::Value = ok.json().await.unwrap();
    assert_eq!(ok["slug"], "brand-new-co");

    let invalid = api(&c, &s, check)
        .await
        .form(&[("workspace_name", "  ")])
        .send()
        .await
        .unwrap();
    assert_eq!(invalid.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let invalid: serde_json::Value = invalid.json().await.unwrap();
    assert_eq!(invalid["kind"], "validation");
    assert_eq!(invalid["field"], "workspace_name");
    assert_eq!(invalid["message"], "Enter a workspace name.");

    let overlong = api(&c, &s, check)
        .await
        .form(&[("workspace_name", "x".repeat(10_000))])
        .send()
        .await
        .unwrap();
    assert_eq!(overlong.status(), StatusCode::UNPROCESSABLE_ENTITY);

    for body in ["", "name=x", "\u{0}\u{1}", "workspace_name[a][b]=c"] {
        let res = api(&c, &s, check)
            .await
            .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
            .body(body)
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), StatusCode::BAD_REQUEST, "body {body:?}");
        let err: serde_json::Value = res.json().await.unwrap();
        assert_eq!(err["kind"], "bad_request", "body {body:?}");
        assert!(err["message"].as_str().unwrap().len() < 300);
    }

    let unknown = api(&c, &s, "/api/no/such/fn").await.send().await.unwrap();
    assert_eq!(unknown.status(), StatusCode::NOT_FOUND);
    let unknown: serde_json::Value = unknown.json().await.unwrap();
    assert_eq!(unknown["kind"], "not_found");

    // Nothing above created anything.
    assert_eq!(s.db.row_counts(&["workspaces"]).await[0].1, 6);
    s.stop().await.unwrap();
}

#[tokio::test]
async fn each_person_sees_only_their_own_workspaces_and_strangers_see_none() {
    for db in testing::backends().await {
        let label = db.backend().name();
        let s = TestServer::start(db, &[]).await;
        let anonymous = api(&cookie_client(), &s, "/api/workspaces/list")
            .await
            .send()
            .await
            .unwrap();
        assert_eq!(anonymous.status(), StatusCode::UNAUTHORIZED, "{label}");
        let err: serde_json::Value = anonymous.json().await.unwrap();
        assert_eq!(err["kind"], "unauthenticated", "{label}");
        let page = client().get(s.url("/workspaces")).send().await.unwrap();
        let page = page.text().await.unwrap();
        assert!(
            !page.contains("Northwind"),
            "{label}: a stranger saw a workspace"
        );

        let ada = cookie_client();
        assert_eq!(
            sign_up(&ada, &s, "ada@example.com").await.status(),
            StatusCode::OK
        );
        assert_eq!(
            workspace_names(&ada, &s).await,
            ["Analytical Engines"],
            "{label}"
        );
        let page = ada
            .get(s.url("/workspaces"))
            .send()
            .await
            .unwrap()
            .text()
            .await
            .unwrap();
        assert!(
            page.contains("Analytical Engines") && !page.contains("Northwind"),
            "{label}"
        );

        let demo = demo_client(&s).await;
        let mut expected: Vec<String> = server::demo::WORKSPACES
            .iter()
            .map(|n| (*n).to_owned())
            .collect();
        expected.sort();
        assert_eq!(workspace_names(&demo, &s).await, expected, "{label}");
        s.stop().await.unwrap();
    }
}

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
async fn oversized_bodies_get_413_declared_or_streamed() {
    let s = TestServer::sqlite().await;
    let c = client();
    let big = format!(
        "workspace_name={}",
        "x".repeat(server::api::MAX_SERVER_FN_BODY)
    );
    let res = api(&c, &s, "/api/workspaces/check_name")
        .await
        .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
        .body(big.clone())
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::PAYLOAD_TOO_LARGE);
    assert_security_headers(&res, "no-store");
    assert_eq!(header(&res, "content-type"), "application/json");

    // Without a Content-Length the limit still holds: send it chunked by hand.
    let mut tcp = TcpStream::connect(s.addr).await.unwrap();
    let head = "POST /api/workspaces/check_name HTTP/1.1\r\nHost: x\r\n\
        Content-Type: application/x-www-form-urlencoded\r\nTransfer-Encoding: chunked\r\n\
        Connection: close\r\n\r\n";
    tcp.write_all(head.as_bytes()).await.unwrap();
    let chunk = format!("{:x}\r\n{big}\r\n0\r\n\r\n", big.len());
    let _ = tcp.write_all(chunk.as_bytes()).await;
    let mut answer = String::new();
    let _ = tcp.read_to_string(&mut answer).await;
    assert!(answer.starts_with("HTTP/1.1 413"), "{answer}");
    let head = answer
        .split("\r\n\r\n")
        .next()
        .unwrap()
        .to_ascii_lowercase();
    for needed in [
        "content-security-policy:",
        "x-content-type-options: nosniff",
        "x-frame-options: deny",
        "content-type: application/json",
    ] {
        assert!(head.contains(needed), "{needed} missing: {head}");
    }

    // The 1 MiB backstop in front of every route, pages included, answers like the rest.
    for path in ["/", "/api/workspaces/check_name", "/no-such-page"] {
        let res = c
            .post(s.url(path))
            .body(vec![b'x'; 2 * 1024 * 1024])
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), StatusCode::PAYLOAD_TOO_LARGE, "{path}");
        assert_security_headers(&res, "no-store");
        assert_eq!(header(&res, "content-type"), "application/json");
        let body: serde_json::Value = res.json().await.unwrap();
        assert!(body.to_string().contains("bytes"), "{body}");
    }
    s.stop().await.unwrap();
}

#[tokio::test]
async fn shutdown_finishes_the_request_in_flight() {
    let s = TestServer::sqlite().await;
    // Start a request and leave its body half-sent, so it is in flight when shutdown begins.
    let (cookie, token) = page_session(&s, None).await;
    let body = "workspace_name=Halfway+There";
    let mut tcp = TcpStream::connect(s.addr).await.unwrap();
    let head = format!(
        "POST /api/workspaces/check_name HTTP/1.1\r\nHost: x\r\nCookie: {cookie}\r\n\
         X-CSRF-Token: {token}\r\n\
         Content-Type: application/x-www-form-urlencoded\r\nContent-Length: {}\r\n\r\n",
        body.len()
    );
    tcp.write_all(head.as_bytes()).await.unwrap();
    tcp.write_all(&body.as_bytes()[..5]).await.unwrap();
    tokio::time::sleep(Duration::from_millis(100)).await;

    let addr = s.addr;
    let stopping = tokio::spawn(s.stop());
    tokio::time::sleep(Duration::from_millis(100)).await;
    assert!(
        !stopping.is_finished(),
        "server stopped with a request in flight"
    );
    // New connections are no longer accepted.
    assert!(TcpStream::connect(addr).await.is_err());

    tcp.write_all(&body.as_bytes()[5..]).await.unwrap();
    let mut answer = vec![0u8; 4096];
    let n = tcp.read(&mut answer).await.unwrap();
    let answer = String::from_utf8_lossy(&answer[..n]);
    assert!(answer.starts_with("HTTP/1.1 200"), "{answer}");
    assert!(answer.contains("halfway-there"), "{answer}");
    drop(tcp);
    tokio::time::timeout(Duration::from_secs(5), stopping)
        .await
        .expect("server did not stop after the last request")
        .unwrap()
        .unwrap();
}

fn session_cookie(res: &reqwest::Response) -> Option<String> {
    res.headers()
        .get_all(header::SET_COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find(|c| c.contains("gatehouse_session="))
        .map(str::to_owned)
}

async fn sign_up(c: &reqwest::Client, s: &TestServer, email: &str) -> reqwest::Response {
    api(c, s, "/api/accounts/sign_up")
        .await
        .form(&[
            ("name", "Ada Lovelace"),
            ("email", email),
            ("password", "quiet lantern orbit mango"),
            ("workspace_name", "Analytical Engines"),
        ])
        .send()
        .await
        .unwrap()
}

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
async fn every_signed_in_request_renews_the_idle_expiry() {
    let s = TestServer::sqlite().await;
    let c = demo_client(&s).await;
    let expiry = || async {
        let rows =
            s.db.strings("SELECT CAST(expires_at AS TEXT) FROM sessions")
                .await;
        rows[0].parse::<i64>().unwrap()
    };
    let before = expiry().await;
    tokio::time::sleep(Duration::from_millis(20)).await;
    let res = api(&c, &s, "/api/accounts/me").await.send().await.unwrap();
    let cookie = session_cookie(&res).expect("the cookie is renewed on a plain request");
    assert!(cookie.contains("Max-Age="), "{cookie}");
    assert!(expiry().await > before, "the stored expiry did not move");
    // A stranger's call creates no session at all.
    client()
        .post(s.url("/api/accounts/me"))
        .send()
        .await
        .unwrap();
    assert_eq!(s.db.row_counts(&["sessions"]).await[0].1, 1);
    s.stop().await.unwrap();
}

#[tokio::test]
async fn production_session_cookies_are_secure_host_prefixed() {
    let s = TestServer::production().await;
    // The page's cookie is `Secure`, which a client keeps only over HTTPS: carry it by hand.
    let (anonymous, token) = page_session(&s, None).await;
    assert!(
        anonymous.starts_with("__Host-gatehouse_session="),
        "{anonymous}"
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
    assert_eq!(me(rotated).await["workspace"]["name"], "Globex Consulting");
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
async fn only_pages_start_anonymous_sessions() {
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
        session_cookie(&res).is_some(),
        "the sign-in page needs a token"
    );
    assert_eq!(s.db.row_counts(&["sessions"]).await[0].1, 1);
    s.stop().await.unwrap();
}

#[tokio::test]
async fn team_endpoints_take_the_workspace_from_the_session_and_check_permissions() {
    for db in testing::backends().await {
        let label = db.backend().name();
        let s = TestServer::start(db, &[]).await;
        let anonymous = cookie_client();
        for path in [
            "/api/team/members",
            "/api/team/invitations",
            "/api/team/roles",
        ] {
            let res = api(&anonymous, &s, path).await.send().await.unwrap();
            assert_eq!(res.status(), StatusCode::UNAUTHORIZED, "{label}: {path}");
        }

        // The demo Owner's own id, as seen by the demo.
        let demo = demo_client(&s).await;
        let members: Vec<serde_json::Value> = api(&demo, &s, "/api/team/members")
            .await
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        assert_eq!(members.len(), 1, "{label}");
        let demo_id = members[0]["user_id"].as_str().unwrap().to_owned();

        // Someone from another workspace aims at the demo Owner by id: not found, unchanged.
        let eve = cookie_client();
        sign_up(&eve, &s, "eve@example.com").await;
        for path in ["/api/team/deactivate", "/api/team/end_sessions"] {
            let res = api(&eve, &s, path)
                .await
                .form(&[("user_id", demo_id.as_str())])
                .send()
                .await
                .unwrap();
            assert_eq!(res.status(), StatusCode::NOT_FOUND, "{label}: {path}");
        }
        let me: serde_json::Value = api(&demo, &s, "/api/accounts/me")
            .await
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        assert_eq!(
            me["email"],
            server::demo::DEMO_EMAIL,
            "{label}: demo signed out"
        );

        // Eve owns her workspace but has not confirmed her address: no invitations yet.
        let roles: Vec<serde_json::Value> = api(&eve, &s, "/api/team/roles")
            .await
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        let staff = roles.iter().find(|r| r["name"] == "Staff").unwrap()["id"]
            .as_str()
            .unwrap()
            .to_owned();
        let res = api(&eve, &s, "/api/team/invite")
            .await
            .form(&[("email", "friend@example.com"), ("role_id", staff.as_str())])
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), StatusCode::CONFLICT, "{label}");
        let err: serde_json::Value = res.json().await.unwrap();
        assert!(
            err["message"]
                .as_str()
                .unwrap()
                .contains("Confirm your own email"),
            "{label}: {err}"
        );
        // A role id from Eve's workspace is no role in the demo's.
        let demo_roles: Vec<serde_json::Value> = api(&demo, &s, "/api/team/roles")
            .await
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        let res = api(&demo, &s, "/api/team/invite")
            .await
            .form(&[("email", "friend@example.com"), ("role_id", staff.as_str())])
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY, "{label}");
        assert!(
            demo_roles.iter().all(|r| r["id"] != staff.as_str()),
            "{label}"
        );
        assert_eq!(s.db.row_counts(&["invitations"]).await[0].1, 0, "{label}");
        s.stop().await.unwrap();
    }
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
        app::server::clock::Clock::System.now_ms() - 31 * 24 * 60 * 60 * 1000
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

#[tokio::test]
async fn a_sign_in_flood_from_one_address_gets_429_with_retry_after_before_any_hashing() {
    let s = TestServer::sqlite().await;
    let c = cookie_client();
    let token = csrf_token(&c, &s).await;
    let attempt = |i: u32, forwarded: &'static str| {
        c.post(s.url("/api/accounts/sign_in"))
            .header("x-csrf-token", &token)
            // Not a trusted header here: it must not buy a fresh budget.
            .header("x-forwarded-for", forwarded)
            .form(&[
                ("email", format!("nobody{i}@example.com")),
                ("password", "wrong horse battery staple".to_owned()),
            ])
            .send()
    };
    let mut statuses = Vec::new();
    for i in 0..server::rate_limits::PER_IP_BURST + 5 {
        let forwarded = if i % 2 == 0 {
            "203.0.113.1"
        } else {
            "198.51.100.2"
        };
        let res = attempt(i, forwarded).await.unwrap();
        statuses.push(res.status());
        if res.status() == StatusCode::TOO_MANY_REQUESTS {
            let retry: u64 = header(&res, "retry-after").parse().unwrap();
            assert!((1..=60).contains(&retry), "{retry}");
            let err: serde_json::Value = res.json().await.unwrap();
            assert_eq!(err["kind"], "rate_limited");
        }
    }
    // The burst, plus at most a request or two the budget refilled while the test ran.
    let burst = server::rate_limits::PER_IP_BURST as usize;
    let admitted = statuses
        .iter()
        .take_while(|s| **s == StatusCode::UNPROCESSABLE_ENTITY)
        .count();
    assert!((burst..burst + 3).contains(&admitted), "{statuses:?}");
    assert!(
        statuses[admitted..]
            .iter()
            .all(|s| *s == StatusCode::TOO_MANY_REQUESTS),
        "{statuses:?}"
    );
    // Refused requests did no work: only the admitted ones left a failed-sign-in event.
    assert_eq!(
        s.db.strings("SELECT kind FROM security_events").await.len(),
        admitted
    );
    s.stop().await.unwrap();
}

#[tokio::test]
async fn behind_a_configured_proxy_each_forwarded_address_has_its_own_budget() {
    let s = TestServer::start(
        testing::sqlite().await,
        &["--client-ip-header", "X-Forwarded-For"],
    )
    .await;
    let c = cookie_client();
    let token = csrf_token(&c, &s).await;
    for round in 0..2 {
        for i in 0..server::rate_limits::PER_IP_BURST {
            let res = c
                .post(s.url("/api/accounts/sign_in"))
                .header("x-csrf-token", &token)
                .header("x-forwarded-for", format!("10.0.0.{round}"))
                .form(&[
                    ("email", format!("nobody{round}-{i}@example.com")),
                    ("password", "wrong horse battery staple".to_owned()),
                ])
                .send()
                .await
                .unwrap();
            assert_eq!(
                res.status(),
                StatusCode::UNPROCESSABLE_ENTITY,
                "{round}/{i}"
            );
        }
    }
    let ips =
        s.db.strings("SELECT DISTINCT ip FROM security_events ORDER BY ip")
            .await;
    assert_eq!(ips, ["10.0.0.0", "10.0.0.1"]);
    s.stop().await.unwrap();
}

#[tokio::test]
async fn two_step_sign_in_grants_nothing_before_the_code_and_rotates_at_each_step() {
    use app::server::{clock::Clock, testing::totp_code};
    let s = TestServer::sqlite().await;
    let c = cookie_client();
    sign_up(&c, &s, "ada@example.com").await;
    let setup: serde_json::Value = api(&c, &s, "/api/mfa/start_app")
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
    let on = api(&c, &s, "/api/mfa/confirm_app")
        .await
        .form(&[("code", totp_code(&key, now, 0))])
        .send()
        .await
        .unwrap();
    assert_eq!(on.status(), StatusCode::OK);
    let recovery: Vec<String> = on.json().await.unwrap();
    assert_eq!(recovery.len(), 10);
    api(&c, &s, "/api/accounts/sign_out")
        .await
        .send()
        .await
        .unwrap();

    // The password step: the session moves to a new id and is signed in as nobody.
    let (anonymous, token) = page_session(&s, None).await;
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
    let me = api_with_cookie(&s, "/api/accounts/me", pending.clone())
        .await
        .send()
        .await
        .unwrap();
    assert_eq!(me.text().await.unwrap(), "null");
    for path in ["/api/sessions/list", "/api/mfa/status", "/api/team/members"] {
        let refused = api_with_cookie(&s, path, pending.clone())
            .await
            .send()
            .await
            .unwrap();
        assert_eq!(refused.status(), StatusCode::UNAUTHORIZED, "{path}");
    }
    // Only the holder of this half-done sign-in can mail themself a code — and this account
    // has no codes by email.
    let mail = api_with_cookie(&s, "/api/accounts/send_sign_in_code", pending.clone())
        .await
        .send()
        .await
        .unwrap();
    assert_eq!(mail.status(), StatusCode::FORBIDDEN);

    // Bad codes: wrong, non-numeric, overlong, empty — refused on the code field.
    for bad in ["000000", "abcdef", &"7".repeat(100), ""] {
        let res = api_with_cookie(&s, "/api/accounts/verify_second_factor", pending.clone())
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
    let res = api_with_cookie(&s, "/api/accounts/verify_second_factor", pending.clone())
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
    let me: serde_json::Value = api_with_cookie(&s, "/api/accounts/me", signed_in.clone())
        .await
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(me["name"], "Ada Lovelace");
    // The half-done session id is dead.
    let old = api_with_cookie(&s, "/api/accounts/me", pending)
        .await
        .send()
        .await
        .unwrap();
    assert_eq!(old.text().await.unwrap(), "null");
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
    let code = app::server::testing::totp_code(
        setup["key"].as_str().unwrap(),
        app::server::clock::Clock::System.now_ms(),
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

#[tokio::test]
async fn accepting_an_invitation_with_a_password_still_takes_the_second_factor() {
    use app::permissions::Permission;
    use app::server::invitations::{self, Invite};
    use app::server::testing::totp_code;
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

    // Ada invites Grace's address (straight through the domain: the mail is not the point).
    let db = &s.db.db;
    let clock = Clock::System;
    let ada = app::server::accounts::user_by_email(db, "ada@example.com")
        .await
        .unwrap()
        .unwrap();
    app::server::accounts::mark_email_verified(db, &clock, &ada)
        .await
        .unwrap();
    let workspace = app::server::workspaces::list_for_member(db, &ada)
        .await
        .unwrap()[0]
        .id
        .clone();
    let grant = app::server::grants::require(db, &clock, &ada, &workspace, Permission::TeamWrite)
        .await
        .unwrap();
    let read = app::server::grants::require(db, &clock, &ada, &workspace, Permission::TeamRead)
        .await
        .unwrap();
    let staff = app::server::roles::options(db, &read)
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

    // The token and the password join the workspace, but signing in there waits for the code.
    let step: serde_json::Value = api(&invitee, &s, "/api/invitations/accept_existing")
        .await
        .form(&[
            ("token", sent.token.as_str()),
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

#[tokio::test]
async fn customers_of_another_workspace_answer_404_to_every_endpoint() {
    let s = TestServer::sqlite().await;
    let (ada, eve) = (cookie_client(), cookie_client());
    sign_up(&ada, &s, "ada@example.com").await;
    sign_up(&eve, &s, "eve@example.com").await;
    let created: serde_json::Value = api(&ada, &s, "/api/customers/create")
        .await
        .form(&[
            ("name", "Babbage & Co"),
            ("email", ""),
            ("phone", ""),
            ("company", ""),
            ("tax_id", "GB 1"),
            ("notes", ""),
            ("assigned_user_id", ""),
            ("team_id", ""),
        ])
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let id = created["id"].as_str().unwrap().to_owned();
    assert_eq!(created["tax_id"], "GB 1");
    let before = s.db.strings("SELECT name || tax_id FROM customers").await;

    let fields = [
        ("id", id.as_str()),
        ("name", "Mine now"),
        ("email", ""),
        ("phone", ""),
        ("company", ""),
        ("tax_id", ""),
        ("notes", ""),
        ("assigned_user_id", ""),
        ("team_id", ""),
    ];
    for path in [
        "/api/customers/get",
        "/api/customers/update",
        "/api/customers/delete",
    ] {
        let res = api(&eve, &s, path)
            .await
            .form(&fields)
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), StatusCode::NOT_FOUND, "{path}");
        let anonymous = api(&cookie_client(), &s, path)
            .await
            .form(&fields)
            .send()
            .await
            .unwrap();
        assert_eq!(anonymous.status(), StatusCode::UNAUTHORIZED, "{path}");
    }
    let theirs: serde_json::Value = api(&eve, &s, "/api/customers/list")
        .await
        .form(&[("search", "")])
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(theirs["items"], serde_json::json!([]));
    assert_eq!(
        s.db.strings("SELECT name || tax_id FROM customers").await,
        before
    );
    s.stop().await.unwrap();
}

#[tokio::test]
async fn the_role_endpoints_refuse_escalation_and_self_edit_however_they_are_called() {
    use app::server::testing::{Fixture, FIXTURE_PASSWORD};
    let s = TestServer::sqlite().await;
    let f = Fixture::new(&s.db.db, &Clock::System).await;
    f.add_member("mallory@example.com", "Mallory Manager", "Manager")
        .await;
    let c = cookie_client();
    let signed_in = api(&c, &s, "/api/accounts/sign_in")
        .await
        .form(&[
            ("email", "mallory@example.com"),
            ("password", FIXTURE_PASSWORD),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(signed_in.status(), StatusCode::OK);
    let call = |path: &'static str, body: serde_json::Value| {
        let c = c.clone();
        let s = &s;
        async move {
            let res = api(&c, s, path).await.json(&body).send().await.unwrap();
            let status = res.status();
            (status, res.json::<serde_json::Value>().await.unwrap())
        }
    };
    let (status, err) = call(
        "/api/roles/create",
        serde_json::json!({"role": {"name": "Biller", "permissions": ["billing.manage"]}}),
    )
    .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(err["field"], "permissions");
    let manager = f.role("Manager").await;
    let (status, err) = call(
        "/api/roles/update",
        serde_json::json!({"id": manager.as_str(), "role": {"name": "Manager", "permissions": ["billing.manage"]}}),
    )
    .await;
    assert_eq!(status, StatusCode::CONFLICT);
    assert_eq!(
        err["message"],
        "You can't edit a role you hold. Ask another admin."
    );
    let (status, id) = call(
        "/api/roles/create",
        serde_json::json!({"role": {"name": "Readers", "permissions": ["customers.read"], "scopes": ["customers:team"]}}),
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    let (status, diff) = call(
        "/api/roles/preview",
        serde_json::json!({"id": id, "role": {"name": "Readers", "permissions": ["customers.read", "customers.export"]}}),
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(diff, "grants customers.export — affects 0 users");
    assert_eq!(
        s.db.strings(
            "SELECT action FROM audit_log WHERE action LIKE 'role.%' AND action <> 'role.assign'"
        )
        .await,
        ["role.create"],
        "refusals change nothing"
    );
    s.stop().await.unwrap();
}
