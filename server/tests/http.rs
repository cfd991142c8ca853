//! The server over real TCP with a real database: headers, status codes, the server-function
//! gate, health, graceful shutdown.

use std::time::Duration;

use reqwest::{header, StatusCode};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

use app::server::platform::clock::Clock;
use app::server::platform::testing;

#[path = "http/accounts.rs"]
mod accounts;
#[path = "http/api_keys.rs"]
mod api_keys;
#[path = "http/api_writes.rs"]
mod api_writes;
#[path = "http/audit_export.rs"]
mod audit_export;
#[path = "http/audit_trail.rs"]
mod audit_trail;
#[path = "http/authorization.rs"]
mod authorization;
#[path = "http/background_exports.rs"]
mod background_exports;
#[path = "http/csrf.rs"]
mod csrf;
#[path = "http/exports.rs"]
mod exports;
#[path = "http/files.rs"]
mod files;
#[path = "http/forms.rs"]
mod forms;
#[path = "http/imports.rs"]
mod imports;
#[path = "http/markup.rs"]
mod markup;
#[path = "http/public_keys.rs"]
mod public_keys;
#[path = "http/quote_templates.rs"]
mod quote_templates;
#[path = "http/rate_limits.rs"]
mod rate_limits;
#[path = "http/reauth.rs"]
mod reauth;
#[path = "http/second_factor.rs"]
mod second_factor;
#[path = "http/sessions.rs"]
mod sessions;
mod support;
#[path = "http/webhooks.rs"]
mod webhooks;
#[path = "http/workspace_export.rs"]
mod workspace_export;
use support::{api, cookie_client, csrf_token, page_token, TestServer};

/// For tests that handle cookies themselves: a page fetched with `cookie` (an anonymous visitor
/// when `None`), giving the cookie in force afterwards — the session's, or an anonymous
/// visitor's CSRF cookie — and the token that goes with it.
async fn page_session(s: &TestServer, cookie: Option<String>) -> (String, String) {
    let mut req = client().get(s.url("/"));
    if let Some(cookie) = &cookie {
        req = req.header(header::COOKIE, cookie);
    }
    let res = req.send().await.unwrap();
    let cookie = session_cookie(&res)
        .or_else(|| anonymous_csrf_cookie(&res))
        .map(|c| c.split(';').next().unwrap().to_owned())
        .or(cookie)
        .expect("a page gives a visitor a cookie");
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
    demo_signs_in(&c, s).await;
    c
}

/// Signs `c` in as the demo Owner.
async fn demo_signs_in(c: &reqwest::Client, s: &TestServer) {
    let res = api(c, s, "/api/accounts/sign_in")
        .await
        .form(&[
            ("email", server::demo::DEMO_EMAIL),
            ("password", server::demo::DEMO_PASSWORD),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::OK, "demo sign-in");
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
    // Type-erased views leave `<!>` hydration placeholders between nodes; the text is what counts.
    let body = anonymous.text().await.unwrap().replace("<!>", "");
    assert!(
        body.contains("<span class=\"stat-value\">–</span>"),
        "{body}"
    );
    let res = demo_client(&s).await.get(s.url("/")).send().await.unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    assert!(header(&res, "content-type").starts_with("text/html"));
    assert_security_headers(&res, "no-store");
    let nonce = csp_nonce(&res);
    let body = res.text().await.unwrap().replace("<!>", "");
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
async fn oversized_bodies_get_413_declared_or_streamed() {
    let s = TestServer::sqlite().await;
    let c = client();
    let big = format!(
        "workspace_name={}",
        "x".repeat(server::gate::MAX_SERVER_FN_BODY)
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
    // The server may close the connection part-way through the body: that is the refusal.
    tcp.write_all(chunk.as_bytes()).await.ok();
    let mut answer = String::new();
    tcp.read_to_string(&mut answer).await.ok();
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

fn anonymous_csrf_cookie(res: &reqwest::Response) -> Option<String> {
    res.headers()
        .get_all(header::SET_COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find(|c| c.contains("gatehouse_csrf="))
        .map(str::to_owned)
}

/// The session cookie a response sets, if any (a removal of the cookie is not one).
fn session_cookie(res: &reqwest::Response) -> Option<String> {
    res.headers()
        .get_all(header::SET_COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find(|c| c.contains("gatehouse_session=") && !c.contains("gatehouse_session=;"))
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
