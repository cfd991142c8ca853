//! What a request costs the database, counted: every statement sqlx runs is logged under the
//! `sqlx::query` target, and a subscriber installed for this test binary counts them. One test
//! in the binary, so nothing else runs statements while it counts.
//!
//! The bounds are the counts measured when the caller was first resolved once per request; a
//! change that adds statements to every signed-in request fails here. They do not depend on how
//! many workspaces the person belongs to: the demo Owner is in six.

use std::sync::{Arc, Mutex};

use reqwest::StatusCode;
use tracing::field::{Field, Visit};
use tracing_subscriber::layer::{Context, SubscriberExt};
use tracing_subscriber::Layer;

use app::server::platform::testing;

mod support;
use support::{api, cookie_client, TestServer};

/// A signed-in `/customers` page (session, caller, the page's own data — the rows, the people
/// and teams the list can be narrowed to, and the tags of the rows when there are any — and,
/// as the demo Owner decides refunds, the
/// navigation's count of approvals waiting, and, as the Owner reads the trail, its count of
/// unread alerts: one statement, a transaction of three on PostgreSQL), and one server-function call (`customers/list`,
/// caller included). On PostgreSQL each workspace transaction also
/// logs its `BEGIN` and the `set_config` that row-level security reads.
fn bounds(backend: app::server::platform::db::Backend) -> (usize, usize) {
    match backend {
        app::server::platform::db::Backend::Sqlite => (14, 12),
        app::server::platform::db::Backend::Postgres => (20, 14),
    }
}

#[derive(Clone, Default)]
struct Statements(Arc<Mutex<Vec<String>>>);

struct Summary(String);

impl Visit for Summary {
    fn record_str(&mut self, field: &Field, value: &str) {
        if field.name() == "summary" {
            self.0 = value.to_owned();
        }
    }

    fn record_debug(&mut self, field: &Field, value: &dyn std::fmt::Debug) {
        if field.name() == "summary" {
            self.0 = format!("{value:?}");
        }
    }
}

impl<S: tracing::Subscriber> Layer<S> for Statements {
    fn on_event(&self, event: &tracing::Event<'_>, _: Context<'_, S>) {
        if event.metadata().target() == "sqlx::query" {
            let mut summary = Summary(String::new());
            event.record(&mut summary);
            self.0.lock().unwrap().push(summary.0);
        }
    }
}

impl Statements {
    /// The statements logged since the last call, less SQLite's connection set-up: the pool
    /// opens connections when it likes (a cold machine opened two during the measured page),
    /// and the `PRAGMA`s each new connection runs are paid once per connection, not per request.
    fn take(&self) -> Vec<String> {
        std::mem::take(&mut *self.0.lock().unwrap())
            .into_iter()
            .filter(|s| !s.trim_start().to_ascii_uppercase().starts_with("PRAGMA"))
            .collect()
    }
}

fn writes(statements: &[String]) -> Vec<&String> {
    statements
        .iter()
        .filter(|s| {
            let s = s.trim_start().to_ascii_lowercase();
            ["insert", "update", "delete"]
                .iter()
                .any(|w| s.starts_with(w))
        })
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_signed_in_page_and_a_call_cost_a_small_fixed_number_of_statements() {
    let counted = Statements::default();
    let subscriber = tracing_subscriber::registry().with(
        counted.clone().with_filter(
            tracing_subscriber::filter::Targets::new()
                .with_target("sqlx::query", tracing::Level::TRACE),
        ),
    );
    tracing::subscriber::set_global_default(subscriber).unwrap();

    for db in testing::backends().await {
        let backend = db.backend();
        let s = TestServer::start(db, &[]).await;

        // The first page a process serves reads (and on a new database creates) the key that
        // signs anonymous tokens; every later visitor costs no write.
        reqwest::get(s.url("/signin")).await.unwrap();
        counted.take();
        let anonymous = reqwest::get(s.url("/signin")).await.unwrap();
        assert_eq!(anonymous.status(), StatusCode::OK);
        let statements = counted.take();
        assert!(
            writes(&statements).is_empty(),
            "{backend:?}: an anonymous page wrote {:?}",
            writes(&statements)
        );

        let c = cookie_client();
        let res = api(&c, &s, "/api/accounts/sign_in")
            .await
            .form(&[
                ("email", server::demo::DEMO_EMAIL),
                ("password", server::demo::DEMO_PASSWORD),
            ])
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), StatusCode::OK, "demo sign-in");
        // The first page after sign-in may renew the session; measure steady state.
        let warm = c.get(s.url("/customers")).send().await.unwrap();
        assert_eq!(warm.status(), StatusCode::OK);
        let token = support::page_token(&warm.text().await.unwrap());

        counted.take();
        let page = c.get(s.url("/customers")).send().await.unwrap();
        assert_eq!(page.status(), StatusCode::OK);
        let body = page.text().await.unwrap();
        assert!(
            body.contains("The customers your roles reach"),
            "the customers page itself rendered, not an error or the sign-in page"
        );
        let page_statements = counted.take();

        let list = c
            .post(s.url("/api/customers/list"))
            .header("x-csrf-token", &token)
            .form(&[("search", "")])
            .send()
            .await
            .unwrap();
        assert_eq!(
            list.status(),
            StatusCode::OK,
            "{}",
            list.text().await.unwrap()
        );
        let call_statements = counted.take();

        println!(
            "{backend:?}: /customers {} statements, customers/list {} statements",
            page_statements.len(),
            call_statements.len()
        );
        let (page_max, call_max) = bounds(backend);
        assert!(
            page_statements.len() <= page_max,
            "{backend:?}: /customers ran {} statements: {page_statements:#?}",
            page_statements.len()
        );
        assert!(
            call_statements.len() <= call_max,
            "{backend:?}: customers/list ran {} statements: {call_statements:#?}",
            call_statements.len()
        );
        assert!(
            writes(&page_statements).is_empty() && writes(&call_statements).is_empty(),
            "{backend:?}: a read within the renewal minute wrote {:?} {:?}",
            writes(&page_statements),
            writes(&call_statements)
        );
        s.stop().await.unwrap();
    }
}
