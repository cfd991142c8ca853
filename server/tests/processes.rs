//! The binary as processes, on SQLite and PostgreSQL. Durability: writers create customers over
//! HTTP, the server is killed with SIGKILL in the middle of it, started again, and every
//! customer whose creation was acknowledged is there with its trail entry, and every chain and
//! checkpoint verifies (`server audit verify`). Two processes on one database: each of the
//! trail's scheduled jobs runs once, in one of them; a session made by one works on the other;
//! every webhook event is delivered once though both deliver, and each automation run and each
//! period of a scheduled automation happens once though both run them; an API key's budget is
//! one per process, so two processes allow it at most twice.

use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use app::server::platform::clock::Clock;
use app::server::platform::testing::{backends, Fixture, FIXTURE_PASSWORD};

mod support;

const WRITERS: usize = 4;
/// Acknowledged creations before the kill: enough that writes are in flight when it lands.
const ACKNOWLEDGED_BEFORE_KILL: usize = 60;

fn command(data: &Path, database_url: &str, log_level: &str) -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_server"));
    c.env("GATEHOUSE_DATA_DIR", data)
        .env("DATABASE_URL", database_url)
        .env("GATEHOUSE_LOG", log_level)
        .env_remove("GATEHOUSE_BIND")
        .env_remove("GATEHOUSE_SEED_DEMO")
        .env_remove("GATEHOUSE_STORAGE_DIR")
        .env_remove("GATEHOUSE_S3_BUCKET")
        .env_remove("GATEHOUSE_SMTP_URL");
    c
}

/// A server process, killed (SIGKILL) when dropped if still running.
struct Running {
    child: Child,
    base: String,
    log: PathBuf,
}

impl Running {
    async fn start(data: &Path, database_url: &str, log: PathBuf, log_level: &str) -> Self {
        Self::start_with(data, database_url, log, log_level, &[]).await
    }

    /// The same, with more of the environment set.
    async fn start_with(
        data: &Path,
        database_url: &str,
        log: PathBuf,
        log_level: &str,
        env: &[(&str, &str)],
    ) -> Self {
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap()
            .port();
        let base = format!("http://127.0.0.1:{port}");
        let out = std::fs::File::create(&log).unwrap();
        let child = command(data, database_url, log_level)
            .envs(env.iter().copied())
            .args([
                "--bind",
                &format!("127.0.0.1:{port}"),
                "--public-url",
                &base,
            ])
            .stdout(Stdio::from(out.try_clone().unwrap()))
            .stderr(Stdio::from(out))
            .spawn()
            .expect("start the server binary");
        let mut running = Self { child, base, log };
        running.wait_ready().await;
        running
    }

    async fn wait_ready(&mut self) {
        let started = Instant::now();
        while started.elapsed() < Duration::from_secs(60) {
            if let Some(status) = self.child.try_wait().unwrap() {
                panic!("the server exited ({status}): {}", self.said());
            }
            let health = reqwest::get(format!("{}/healthz", self.base)).await;
            if health.is_ok_and(|r| r.status().is_success()) {
                return;
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        panic!("the server did not answer within a minute: {}", self.said());
    }

    fn said(&self) -> String {
        std::fs::read_to_string(&self.log).unwrap_or_default()
    }

    fn kill(&mut self) {
        // `Child::kill` is SIGKILL on Unix: no shutdown hook, no flush, no clean close.
        self.child.kill().unwrap();
        self.child.wait().unwrap();
    }
}

impl Drop for Running {
    fn drop(&mut self) {
        // Already gone after `kill`: nothing to report.
        self.child.kill().ok();
        self.child.wait().ok();
    }
}

async fn csrf_token(c: &reqwest::Client, base: &str) -> String {
    let page = c.get(format!("{base}/")).send().await.unwrap();
    support::page_token(&page.text().await.unwrap())
}

/// A client signed in as the fixture's owner, and its CSRF token.
async fn signed_in(base: &str) -> (reqwest::Client, String) {
    let c = reqwest::Client::builder()
        .cookie_store(true)
        .timeout(Duration::from_secs(30))
        .build()
        .unwrap();
    let token = csrf_token(&c, base).await;
    let res = c
        .post(format!("{base}/api/accounts/sign_in"))
        .header("x-csrf-token", token)
        .form(&[("email", "ada@example.com"), ("password", FIXTURE_PASSWORD)])
        .send()
        .await
        .unwrap();
    assert!(res.status().is_success(), "sign-in: {}", res.status());
    let token = csrf_token(&c, base).await;
    (c, token)
}

/// What the writers saw: names whose creation was acknowledged, and any answer that was
/// neither an acknowledgement nor the connection dying.
#[derive(Default)]
struct Seen {
    acknowledged: Vec<String>,
    unexpected: Vec<String>,
}

async fn writer(c: reqwest::Client, base: String, token: String, n: usize, seen: Arc<Mutex<Seen>>) {
    for i in 0.. {
        let name = format!("Durable {n}-{i}");
        let res = c
            .post(format!("{base}/api/customers/create"))
            .header("x-csrf-token", &token)
            .form(&[
                ("name", name.as_str()),
                ("email", ""),
                ("phone", ""),
                ("company", ""),
                ("notes", "written under load"),
                ("assigned_user_id", ""),
                ("team_id", ""),
            ])
            .send()
            .await;
        // A dead server answers nothing; stop at the first request it did not answer.
        let Ok(res) = res else { return };
        let status = res.status();
        // The acknowledgement is the whole answer, not only its status line.
        let Ok(body) = res.text().await else { return };
        let mut seen = seen.lock().unwrap();
        if status.is_success() {
            seen.acknowledged.push(name);
        } else {
            seen.unexpected.push(format!("{name}: {status} {body}"));
        }
    }
}

fn verify_audit(data: &Path, database_url: &str) -> Output {
    command(data, database_url, "warn")
        .args(["audit", "verify"])
        .output()
        .expect("run server audit verify")
}

#[tokio::test]
async fn acknowledged_writes_survive_a_sigkill_and_every_chain_verifies() {
    for t in backends().await {
        let label = t.backend().name();
        Fixture::new(&t.db, &Clock::System).await;
        let dir = tempfile::tempdir().unwrap();
        let data = dir.path().join("data");
        // The migrations ran when the test database was made; the server connects as the
        // database's owner, as a deployment that migrates at start does.
        let url = t.admin_url.clone();

        let mut server = Running::start(&data, &url, dir.path().join("first.log"), "warn").await;
        let seen = Arc::new(Mutex::new(Seen::default()));
        let mut writers = Vec::new();
        for n in 0..WRITERS {
            let (c, token) = signed_in(&server.base).await;
            writers.push(tokio::spawn(writer(
                c,
                server.base.clone(),
                token,
                n,
                seen.clone(),
            )));
        }
        let started = Instant::now();
        while seen.lock().unwrap().acknowledged.len() < ACKNOWLEDGED_BEFORE_KILL {
            assert!(
                started.elapsed() < Duration::from_secs(60),
                "{label}: too slow to load: {}",
                server.said()
            );
            tokio::time::sleep(Duration::from_millis(5)).await;
        }
        server.kill();
        for w in writers {
            w.await.unwrap();
        }
        let (acknowledged, unexpected) = {
            let seen = seen.lock().unwrap();
            (seen.acknowledged.clone(), seen.unexpected.clone())
        };
        assert!(unexpected.is_empty(), "{label}: {unexpected:?}");

        let server = Running::start(&data, &url, dir.path().join("second.log"), "warn").await;
        let stored = t
            .strings("SELECT name FROM customers WHERE name LIKE 'Durable %'")
            .await;
        let missing: Vec<&String> = acknowledged
            .iter()
            .filter(|n| !stored.contains(n))
            .collect();
        assert!(
            missing.is_empty(),
            "{label}: acknowledged but lost: {missing:?}"
        );
        // Each stored customer, acknowledged or cut off before its answer, has its trail entry.
        let created = t
            .strings(
                "SELECT CAST(COUNT(*) AS TEXT) FROM audit_log WHERE action = 'customer.create'",
            )
            .await;
        assert_eq!(created, [stored.len().to_string()], "{label}");

        // The restarted server takes writes again, and the whole trail proves itself.
        let (c, token) = signed_in(&server.base).await;
        let after = c
            .post(format!("{}/api/customers/create", server.base))
            .header("x-csrf-token", token)
            .form(&[
                ("name", "After the crash"),
                ("email", ""),
                ("phone", ""),
                ("company", ""),
                ("notes", ""),
                ("assigned_user_id", ""),
                ("team_id", ""),
            ])
            .send()
            .await
            .unwrap();
        assert!(after.status().is_success(), "{label}: {}", after.status());
        drop(server);
        let out = verify_audit(&data, &url);
        let said = String::from_utf8_lossy(&out.stdout);
        assert!(
            out.status.success(),
            "{label}: {said}{}",
            String::from_utf8_lossy(&out.stderr)
        );
        assert!(said.contains("; 0 broken"), "{label}: {said}");
        eprintln!(
            "{label}: {} acknowledged before SIGKILL, {} stored",
            acknowledged.len(),
            stored.len()
        );
    }
}

#[tokio::test]
async fn two_processes_on_one_database_run_each_scheduled_audit_job_once() {
    const CLAIMED: &str = "audit job claimed by this process";
    for t in backends().await {
        let label = t.backend().name();
        Fixture::new(&t.db, &Clock::System).await;
        let dir = tempfile::tempdir().unwrap();
        // One data directory, as a shared volume: the same audit key for both.
        let data = dir.path().join("data");
        let url = t.admin_url.clone();
        let first = Running::start(&data, &url, dir.path().join("a.log"), "info").await;
        let second = Running::start(&data, &url, dir.path().join("b.log"), "info").await;
        // Each looks at the schedule a quarter of a minute after it starts: past the second's
        // first look, both have tried every job's slot.
        let second_up = Instant::now();
        let claims = loop {
            let claims = t
                .strings("SELECT job || ' ' || holder FROM scheduled_runs ORDER BY job")
                .await;
            if claims.len() == 3 && second_up.elapsed() > Duration::from_secs(20) {
                break claims;
            }
            assert!(
                second_up.elapsed() < Duration::from_secs(60),
                "{label}: {claims:?}\n{}\n{}",
                first.said(),
                second.said()
            );
            tokio::time::sleep(Duration::from_millis(250)).await;
        };
        let pids = [first.child.id(), second.child.id()];
        for (claim, job) in claims
            .iter()
            .zip(["audit.purge", "audit.sign", "audit.verify"])
        {
            assert!(claim.starts_with(&format!("{job} ")), "{label}: {claims:?}");
            assert!(
                pids.iter().any(|pid| claim.ends_with(&format!(":{pid}"))),
                "{label}: {claim} is held by neither {pids:?}"
            );
        }
        let ran: usize = [&first, &second]
            .iter()
            .map(|p| p.said().matches(CLAIMED).count())
            .sum();
        assert_eq!(ran, 3, "{label}: each job once, in one process");
        let verified = t
            .strings("SELECT CAST(COUNT(*) AS TEXT) FROM audit_verifications")
            .await;
        assert_eq!(verified, ["1"], "{label}: one workspace, verified once");
    }
}

/// A webhook receiver on loopback: the `webhook-id` of every delivery it is sent.
async fn receiver() -> (String, Arc<Mutex<Vec<String>>>) {
    use axum::routing::post;
    let got = Arc::new(Mutex::new(Vec::new()));
    let log = got.clone();
    let app = axum::Router::new().route(
        "/hook",
        post(move |headers: http::HeaderMap| {
            let log = log.clone();
            async move {
                let id = headers
                    .get("webhook-id")
                    .and_then(|v| v.to_str().ok())
                    .unwrap_or_default()
                    .to_owned();
                log.lock().unwrap().push(id);
                http::StatusCode::NO_CONTENT
            }
        }),
    );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}/hook", listener.local_addr().unwrap());
    tokio::spawn(async move { axum::serve(listener, app).await.ok() });
    (url, got)
}

async fn post_form(
    c: &reqwest::Client,
    base: &str,
    token: &str,
    path: &str,
    form: &[(&str, &str)],
) -> serde_json::Value {
    let res = c
        .post(format!("{base}{path}"))
        .header("x-csrf-token", token)
        .form(form)
        .send()
        .await
        .unwrap();
    let status = res.status();
    let body = res.text().await.unwrap();
    assert!(status.is_success(), "{path}: {status} {body}");
    serde_json::from_str(&body).unwrap_or(serde_json::Value::Null)
}

#[tokio::test]
async fn two_processes_share_sessions_deliver_each_event_once_and_bound_a_key() {
    const EVENTS: usize = 24;
    const RATE: &str = "60";
    for t in backends().await {
        let label = t.backend().name();
        let f = Fixture::new(&t.db, &Clock::System).await;
        let dir = tempfile::tempdir().unwrap();
        let data = dir.path().join("data");
        let url = t.admin_url.clone();
        let env = [
            ("GATEHOUSE_WEBHOOK_PRIVATE_TARGETS", "true"),
            ("GATEHOUSE_API_KEY_RATE", RATE),
        ];
        let a = Running::start_with(&data, &url, dir.path().join("a.log"), "warn", &env).await;
        let b = Running::start_with(&data, &url, dir.path().join("b.log"), "warn", &env).await;

        // Signed in on one, the session (and its CSRF token) works on the other.
        let (c, token) = signed_in(&a.base).await;
        let me = post_form(&c, &b.base, &token, "/api/accounts/me", &[]).await;
        assert_eq!(me["email"], "ada@example.com", "{label}: {me}");

        // An endpoint and an automation made on one; customers made on both, alternately.
        let manager = t
            .strings(&format!(
                "SELECT id FROM roles WHERE workspace_id = '{}' AND base_role = 'manager'",
                f.workspace.as_str()
            ))
            .await
            .remove(0);
        let steps =
            serde_json::json!([{ "action": { "kind": "assign", "user_id": f.owner.as_str() } }])
                .to_string();
        post_form(
            &c,
            &a.base,
            &token,
            "/api/automations/save",
            &[
                ("name", "Keep them mine"),
                ("trigger", "customer.create"),
                ("conditions", "[]"),
                ("steps", steps.as_str()),
                ("role_id", manager.as_str()),
                ("enabled", "on"),
            ],
        )
        .await;
        let (hook, got) = receiver().await;
        post_form(
            &c,
            &b.base,
            &token,
            "/api/webhooks/create",
            &[
                ("url", hook.as_str()),
                ("description", "Both processes"),
                ("events[0]", "customer.create"),
                ("password", FIXTURE_PASSWORD),
            ],
        )
        .await;
        for i in 0..EVENTS {
            let base = if i % 2 == 0 { &a.base } else { &b.base };
            let name = format!("Shared {i}");
            post_form(
                &c,
                base,
                &token,
                "/api/customers/create",
                &[
                    ("name", name.as_str()),
                    ("email", ""),
                    ("phone", ""),
                    ("company", ""),
                    ("notes", ""),
                    ("assigned_user_id", ""),
                    ("team_id", ""),
                ],
            )
            .await;
        }
        let started = Instant::now();
        while got.lock().unwrap().len() < EVENTS && started.elapsed() < Duration::from_secs(30) {
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        // Both workers keep looking for a while: a second delivery would arrive now.
        tokio::time::sleep(Duration::from_secs(3)).await;
        let mut ids = got.lock().unwrap().clone();
        let received = ids.len();
        ids.sort();
        ids.dedup();
        assert_eq!(
            (received, ids.len()),
            (EVENTS, EVENTS),
            "{label}: each event once\n{}\n{}",
            a.said(),
            b.said()
        );
        let settled = t
            .strings("SELECT status FROM webhook_deliveries WHERE status <> 'success'")
            .await;
        assert!(settled.is_empty(), "{label}: {settled:?}");
        // Each customer's automation run happened once, by one process or the other.
        let started = Instant::now();
        while started.elapsed() < Duration::from_secs(30)
            && !t
                .strings("SELECT id FROM automation_runs WHERE status IN ('pending', 'running')")
                .await
                .is_empty()
        {
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        let runs = t
            .strings("SELECT r.status || ':' || COUNT(s.position) FROM automation_runs r LEFT JOIN automation_steps s ON s.run_id = r.id GROUP BY r.id, r.status")
            .await;
        assert_eq!(
            runs,
            vec!["succeeded:1"; EVENTS],
            "{label}: {}\n{}",
            a.said(),
            b.said()
        );

        // A scheduled automation made on one: its period starts once, though both schedule;
        // a run for each customer (twice, should the test straddle Monday 00:00 UTC).
        let tag = r#"[{"action":{"kind":"add_tag","tag":"Weekly"}}]"#;
        let weekly = [
            ("name", "Tag weekly"),
            ("trigger", "customer.every_week"),
            ("conditions", "[]"),
            ("steps", tag),
            ("role_id", manager.as_str()),
            ("enabled", "on"),
        ];
        post_form(&c, &b.base, &token, "/api/automations/save", &weekly).await;
        let scheduled =
            "SELECT status FROM automation_runs WHERE event_type = 'customer.every_week'";
        let started = Instant::now();
        while started.elapsed() < Duration::from_secs(30) {
            let runs = t.strings(scheduled).await;
            if runs.len() >= EVENTS && runs.iter().all(|s| s == "succeeded") {
                break;
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        tokio::time::sleep(Duration::from_secs(3)).await;
        let periods = t
            .strings("SELECT holder FROM scheduled_runs WHERE job LIKE 'automation:%'")
            .await;
        let runs = t.strings(scheduled).await;
        assert!((1..=2).contains(&periods.len()), "{label}: {periods:?}");
        assert_eq!(
            runs,
            vec!["succeeded"; EVENTS * periods.len()],
            "{label}: each period once\n{}\n{}",
            a.said(),
            b.said()
        );

        // One key, both processes: each counts its own budget (a burst of a sixth of the
        // minute's rate), so together they allow at most twice it — the documented bound.
        let made = post_form(
            &c,
            &a.base,
            &token,
            "/api/api_keys/create",
            &[
                ("name", "Shared budget"),
                ("role_id", manager.as_str()),
                ("password", FIXTURE_PASSWORD),
            ],
        )
        .await;
        let secret = made["secret"].as_str().unwrap().to_owned();
        let burst = RATE.parse::<usize>().unwrap() / 6;
        let mut allowed = Vec::new();
        for base in [&a.base, &b.base] {
            let mut ok = 0;
            for _ in 0..burst * 2 {
                let res = c
                    .get(format!("{base}/api/v1/customers?limit=1"))
                    .bearer_auth(&secret)
                    .send()
                    .await
                    .unwrap();
                match res.status().as_u16() {
                    200 => ok += 1,
                    429 => {}
                    other => panic!("{label}: {other}"),
                }
            }
            allowed.push(ok);
        }
        for ok in &allowed {
            // A call or two more as the bucket refills during the loop.
            assert!((burst..=burst + 2).contains(ok), "{label}: {allowed:?}");
        }
        assert!(allowed.iter().sum::<usize>() <= 2 * (burst + 2), "{label}");
    }
}
