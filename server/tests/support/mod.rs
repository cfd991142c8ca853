//! The test server and the calls a page's scripts make, shared by the HTTP test binaries.
// Each test binary uses its own subset of these helpers.
#![allow(dead_code)]

use clap::Parser;
use tokio::net::TcpListener;
use tokio::sync::oneshot;

use app::server::identity::passwords::Hasher;
use app::server::platform::clock::Clock;
use app::server::platform::testing::{self, TestDb};
use server::config::{Cli, Config};

pub struct TestServer {
    pub base: String,
    pub addr: std::net::SocketAddr,
    stop: Option<oneshot::Sender<()>>,
    task: tokio::task::JoinHandle<std::io::Result<()>>,
    pub db: TestDb,
    /// The data directory (outgoing mail lands in `mail/` without SMTP).
    pub data: tempfile::TempDir,
    /// The refusals the server counted and has not written to the trail (the test server runs
    /// no schedule: a test flushes them when it wants them written).
    pub refusals: app::server::access::refusals::Refusals,
    /// The server's context, for a test that runs one of its background jobs.
    pub ctx: app::server::web::context::ServerContext,
}

impl TestServer {
    pub async fn start(db: TestDb, extra_args: &[&str]) -> Self {
        Self::start_with_clock(db, extra_args, Clock::System).await
    }

    /// A server on `clock`, for rules about time (a manual clock moves only when told).
    pub async fn start_with_clock(db: TestDb, extra_args: &[&str], clock: Clock) -> Self {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        let own_url = format!("http://{addr}");
        let data = tempfile::tempdir().unwrap();
        let data_dir = data.path().display().to_string();
        let mut args = vec![
            "server",
            "--bind",
            "127.0.0.1:0",
            "--data-dir",
            data_dir.as_str(),
        ];
        if !extra_args.contains(&"--public-url") {
            args.extend(["--public-url", own_url.as_str()]);
        }
        args.extend(extra_args);
        let cli = Cli::try_parse_from(args).unwrap();
        let config = Config::from_settings(cli.settings).unwrap();
        server::demo::seed_workspaces(&db.db, &Clock::System, &Hasher::new(2))
            .await
            .unwrap();
        let state = server::app_state(&config, db.db.clone(), clock).unwrap();
        let refusals = state.ctx.refusals.clone();
        let ctx = state.ctx.clone();
        let (stop, stopped) = oneshot::channel::<()>();
        let task = tokio::spawn(server::serve(listener, state, async {
            let _ = stopped.await;
        }));
        Self {
            base: format!("http://{addr}"),
            addr,
            stop: Some(stop),
            task,
            db,
            data,
            refusals,
            ctx,
        }
    }

    pub async fn sqlite() -> Self {
        Self::start(testing::sqlite().await, &[]).await
    }

    pub async fn production() -> Self {
        let args = ["--production", "--public-url", "https://crm.example.com"];
        Self::start(testing::sqlite().await, &args).await
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }

    pub async fn stop(mut self) -> std::io::Result<()> {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        (&mut self.task).await.unwrap()
    }

    /// Stops the server cleanly and keeps its database, to read what it left behind.
    pub async fn shut_down(mut self) -> TestDb {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        (&mut self.task).await.unwrap().unwrap();
        self.db
    }
}

/// A client that keeps cookies, as a browser does.
pub fn cookie_client() -> reqwest::Client {
    reqwest::Client::builder()
        .cookie_store(true)
        .build()
        .unwrap()
}

/// The CSRF token of `c`'s session, read from a page as its scripts read it. Fetching the page
/// starts an anonymous session when `c` has none.
pub async fn csrf_token(c: &reqwest::Client, s: &TestServer) -> String {
    let page = c.get(s.url("/")).send().await.unwrap();
    page_token(&page.text().await.unwrap())
}

/// The token in a page's `<meta name="csrf-token">`.
pub fn page_token(page: &str) -> String {
    let marker = r#"name="csrf-token" content=""#;
    let start = page.find(marker).expect("the page carries a CSRF token") + marker.len();
    let len = page[start..].find('"').unwrap();
    page[start..start + len].to_owned()
}

/// A server-function call as a page's script makes it: with the session's CSRF token.
pub async fn api(c: &reqwest::Client, s: &TestServer, path: &str) -> reqwest::RequestBuilder {
    let token = csrf_token(c, s).await;
    c.post(s.url(path)).header("x-csrf-token", token)
}

/// A browser-like client signed in as `email` through the sign-in endpoint.
/// A server-function call with `form`: its status and JSON body (null when it has none).
pub async fn call(
    c: &reqwest::Client,
    s: &TestServer,
    path: &str,
    form: &[(&str, &str)],
) -> (reqwest::StatusCode, serde_json::Value) {
    let res = api(c, s, path).await.form(form).send().await.unwrap();
    let status = res.status();
    (status, res.json().await.unwrap_or(serde_json::Value::Null))
}

pub async fn signed_in(s: &TestServer, email: &str, password: &str) -> reqwest::Client {
    let c = cookie_client();
    let res = api(&c, s, "/api/accounts/sign_in")
        .await
        .form(&[("email", email), ("password", password)])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), reqwest::StatusCode::OK, "{email} signs in");
    c
}
