//! PostgreSQL's row-level security as the second wall: connected as the application's ordinary
//! role (every PostgreSQL test runs the code as one; see `testing::postgres`), a query outside a
//! workspace transaction sees no workspace-owned rows and can write none; inside one it sees
//! that workspace's rows only; and the application's own functions work through it.

use app::model::WorkspaceSummary;
use app::permissions::keys::{CustomersRead, CustomersWrite, ProductsWrite, TeamWrite};
use app::server::access::grants;
use app::server::identity::accounts;
use app::server::identity::workspaces::WorkspaceName;
use app::server::platform::clock::Clock;
use app::server::platform::db::{Backend, Db};
use app::server::platform::testing::{backends, Fixture, TestDb};
use app::server::records::customers::{self, CustomerForm, ListQuery};
use app::server::records::kinds;
use app::server::records::products::{self, ProductForm};
use sqlx::{Connection, Executor, Row};

/// The workspace-owned tables behind the policies: every record kind's, and the rest.
fn tables() -> Vec<&'static str> {
    let mut tables: Vec<&str> = kinds::KINDS.iter().map(|k| k.table).collect();
    tables.extend([
        "teams",
        "team_members",
        "departments",
        "audit_log",
        "sod_rules",
    ]);
    tables
}

async fn count(conn: &mut sqlx::AnyConnection, table: &str) -> i64 {
    conn.fetch_one(format!("SELECT COUNT(*) AS n FROM {table}").as_str())
        .await
        .unwrap()
        .try_get("n")
        .unwrap()
}

fn customer(name: &str) -> CustomerForm {
    CustomerForm {
        name: name.into(),
        ..CustomerForm::default()
    }
}

/// Data in both workspaces, written by the application (as the ordinary role). Returns the
/// second workspace.
async fn data_in_two_workspaces(t: &TestDb, f: &Fixture) -> WorkspaceSummary {
    let other = accounts::create_workspace(
        &t.db,
        &f.clock,
        &f.owner,
        &WorkspaceName::parse("Difference Engines").unwrap(),
    )
    .await
    .unwrap();
    // Data in both workspaces, written by the application (as the ordinary role).
    let write = f.grant::<CustomersWrite>().await;
    customers::create(&t.db, &f.clock, &write, &customer("Babbage & Co"))
        .await
        .unwrap();
    let write_other = grants::require::<CustomersWrite>(&t.db, &f.clock, &f.owner, &other.id)
        .await
        .unwrap();
    customers::create(&t.db, &f.clock, &write_other, &customer("Scheutz AB"))
        .await
        .unwrap();
    app::server::workspace::teams::create(&t.db, &f.clock, &f.grant::<TeamWrite>().await, "North")
        .await
        .unwrap();
    for workspace in [&f.workspace, &other.id] {
        let write = grants::require::<ProductsWrite>(&t.db, &f.clock, &f.owner, workspace)
            .await
            .unwrap();
        let form = ProductForm {
            sku: "ENGINE-1".into(),
            name: "Difference Engine".into(),
            ..ProductForm::default()
        };
        products::create(&t.db, &f.clock, &write, &form)
            .await
            .unwrap();
    }
    other
}

/// As the application's role but outside its code: nothing without a workspace, one
/// workspace's rows within its transaction, and no writes across.
async fn a_bare_connection_sees_only_its_workspace(
    t: &TestDb,
    f: &Fixture,
    other: &WorkspaceSummary,
) {
    let mut conn = sqlx::AnyConnection::connect(&t.url).await.unwrap();
    let superuser_sees = {
        let mut admin = sqlx::AnyConnection::connect(&t.admin_url).await.unwrap();
        let mut n = std::collections::BTreeMap::new();
        for table in tables() {
            n.insert(table, count(&mut admin, table).await);
        }
        n
    };
    let seen = |table: &str| superuser_sees[table];
    assert_eq!(
        (
            seen("customers"),
            seen("products"),
            seen("teams"),
            seen("sod_rules")
        ),
        (2, 2, 1, 4),
        "{superuser_sees:?}"
    );
    assert!(seen("audit_log") > 0, "{superuser_sees:?}");

    // Outside a workspace transaction: nothing, in every table.
    for table in tables() {
        assert_eq!(
            count(&mut conn, table).await,
            0,
            "{table} without a workspace"
        );
    }
    let planted = conn
        .execute(
            format!(
                "INSERT INTO customers (id, workspace_id, name, name_key, created_at, updated_at) \
                 VALUES ('planted', '{}', 'Planted', 'planted', 0, 0)",
                f.workspace.as_str()
            )
            .as_str(),
        )
        .await;
    assert!(planted.is_err(), "a write without a workspace is refused");

    // Inside one: that workspace's rows only; writing into another is refused.
    let mut tx = conn.begin().await.unwrap();
    tx.execute(
        format!(
            "SELECT set_config('gatehouse.workspace_id', '{}', true)",
            f.workspace.as_str()
        )
        .as_str(),
    )
    .await
    .unwrap();
    assert_eq!(count(&mut tx, "customers").await, 1);
    assert_eq!(count(&mut tx, "products").await, 1);
    assert_eq!(count(&mut tx, "teams").await, 1);
    assert_eq!(count(&mut tx, "sod_rules").await, 2);
    let names: Vec<String> = tx
        .fetch_all("SELECT name FROM customers")
        .await
        .unwrap()
        .iter()
        .map(|r| r.try_get("name").unwrap())
        .collect();
    assert_eq!(names, ["Babbage & Co"]);
    let foreign = tx
        .execute(
            format!(
                "INSERT INTO customers (id, workspace_id, name, name_key, created_at, updated_at) \
                 VALUES ('planted', '{}', 'Planted', 'planted', 0, 0)",
                other.id.as_str()
            )
            .as_str(),
        )
        .await;
    assert!(foreign.is_err(), "a row of another workspace is refused");
    tx.rollback().await.unwrap();
    // The setting lasted for that transaction only.
    assert_eq!(count(&mut conn, "customers").await, 0);
    conn.close().await.ok();
}

/// The application's own functions go through the wall: every one sets its workspace.
async fn the_applications_functions_work_through_the_wall(
    t: &TestDb,
    f: &Fixture,
    other: &WorkspaceSummary,
) {
    // The application's own functions go through the wall: every one sets its workspace.
    let app_db = Db::connect(&t.url).await.unwrap();
    assert!(!app_db.bypasses_row_security().await.unwrap());
    assert!(
        t.admin.bypasses_row_security().await.unwrap(),
        "the tests' owner"
    );
    let read = grants::require::<CustomersRead>(&app_db, &f.clock, &f.owner, &f.workspace.clone())
        .await
        .unwrap();
    let page = customers::list(&app_db, &read, &ListQuery::default())
        .await
        .unwrap();
    assert_eq!(page.items.len(), 1);
    assert_eq!(customers::count(&app_db, &read).await.unwrap(), 1);
    let write =
        grants::require::<CustomersWrite>(&app_db, &f.clock, &f.owner, &f.workspace.clone())
            .await
            .unwrap();
    let made = customers::create(&app_db, &f.clock, &write, &customer("Lovelace Ltd"))
        .await
        .unwrap();
    assert_eq!(
        customers::get(&app_db, &read, &made.id).await.unwrap().name,
        "Lovelace Ltd"
    );
    let read_other =
        grants::require::<CustomersRead>(&app_db, &f.clock, &f.owner, &other.id.clone())
            .await
            .unwrap();
    assert_eq!(customers::count(&app_db, &read_other).await.unwrap(), 1);
    app_db.close().await;
}

#[tokio::test]
async fn without_a_workspace_postgres_shows_no_workspace_rows() {
    for t in backends().await {
        if t.backend() != Backend::Postgres {
            continue; // SQLite has no row-level security; its wall is the grant-bound queries.
        }
        let clock = Clock::manual(1_795_478_400_000);
        let f = Fixture::new(&t.db, &clock).await;
        let other = data_in_two_workspaces(&t, &f).await;
        a_bare_connection_sees_only_its_workspace(&t, &f, &other).await;
        the_applications_functions_work_through_the_wall(&t, &f, &other).await;
    }
}

/// Tables that hold a `workspace_id` but stay outside row-level security, and why. Any other
/// table with that column must be behind the policy: a new table without one fails here.
const OUTSIDE_THE_WALL: &[(&str, &str)] = &[
    (
        "memberships",
        "sign-in reads them before a workspace is chosen",
    ),
    (
        "roles",
        "resolving the caller's access precedes the workspace transaction",
    ),
    ("role_assignments", "as roles"),
    ("role_permissions", "as roles"),
    ("role_scopes", "as roles"),
    (
        "security_events",
        "sign-in trouble is recorded before a workspace is chosen",
    ),
    ("invitations", "accepted by people who are not members yet"),
    (
        "workspace_settings",
        "sign-in applies the strictest settings across workspaces",
    ),
    (
        "ip_rules",
        "checked at sign-in, before a workspace is chosen",
    ),
    (
        "login_hours",
        "checked at sign-in, before a workspace is chosen",
    ),
    (
        "sessions",
        "the session store serves every request, signed in or not",
    ),
    (
        "api_keys",
        "a call's key is looked up by its id before its workspace is known",
    ),
    ("api_public_keys", "as api_keys"),
    (
        "webhook_deliveries",
        "a delivery worker claims due deliveries of every workspace at once",
    ),
    (
        "automation_runs",
        "as webhook_deliveries: a worker claims due runs of every workspace; their steps are inside",
    ),
    (
        "automation_schedules",
        "the scheduler finds due automations of every workspace; it holds only their trigger",
    ),
    (
        "automation_mail_queue",
        "a mail worker claims due mails of every workspace; their messages are inside",
    ),
];

#[tokio::test]
async fn every_workspace_table_is_behind_the_wall_or_named_with_a_reason() {
    for t in backends().await {
        if t.backend() != Backend::Postgres {
            continue; // SQLite has no row-level security.
        }
        let rows = t
            .strings(
                "SELECT c.relname || ':' || c.relrowsecurity::text || ':' \
                 || c.relforcerowsecurity::text || ':' || (EXISTS (SELECT 1 FROM pg_policies p \
                 WHERE p.tablename = c.relname AND p.policyname = 'workspace_isolation'))::text \
                 FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace \
                 WHERE n.nspname = 'public' AND c.relkind = 'r' AND EXISTS ( \
                   SELECT 1 FROM information_schema.columns col \
                   WHERE col.table_schema = 'public' AND col.table_name = c.relname \
                     AND col.column_name = 'workspace_id') \
                 ORDER BY c.relname",
            )
            .await;
        assert!(rows.len() > OUTSIDE_THE_WALL.len(), "{rows:?}");
        let wrong: Vec<&String> = rows
            .iter()
            .filter(|row| {
                let table = row.split(':').next().unwrap_or(row);
                let walled = row.ends_with(":true:true:true");
                walled == OUTSIDE_THE_WALL.iter().any(|(t, _)| *t == table)
            })
            .collect();
        assert!(
            wrong.is_empty(),
            "each table with a workspace_id is behind the policy or named outside it, not both \
             and not neither: {wrong:?}"
        );
        for (table, _) in OUTSIDE_THE_WALL {
            assert!(
                rows.iter().any(|r| r.starts_with(&format!("{table}:"))),
                "{table} is named outside the wall but has no workspace_id"
            );
        }
        for kind in kinds::KINDS {
            assert!(
                rows.contains(&format!("{}:true:true:true", kind.table)),
                "{}: a record kind's table is behind the wall",
                kind.table
            );
        }
    }
}
