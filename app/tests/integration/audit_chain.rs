//! The audit log's hash chain against real SQLite and PostgreSQL: every change the app records
//! extends its workspace's chain, appends made at once never fork it, and an entry edited,
//! deleted, moved or slipped in directly in the database is found — the first broken entry
//! named. Entries written before the chain existed are chained once, in their order.

use app::model::WorkspaceId;
use app::permissions::keys::TeamWrite;
use app::server::audit::chain::{self, Content, Detail};
use app::server::audit::verify;
use app::server::audit::walk::Broken;
use app::server::platform::clock::Clock;
use app::server::platform::testing::{backends, Fixture, TestDb};
use app::server::workspace::teams;

async fn first_break(t: &TestDb, workspace: &WorkspaceId) -> Option<Broken> {
    verify::workspace_chain(&t.db, workspace, None)
        .await
        .unwrap()
        .err()
}

/// The workspace's entries back as they were (the tests tamper with them one way at a time).
async fn restore(t: &TestDb, ws: &str) {
    t.db_exec(&format!(
        "DELETE FROM audit_log WHERE workspace_id = '{ws}'"
    ))
    .await;
    t.db_exec("INSERT INTO audit_log SELECT * FROM audit_saved")
        .await;
}

#[tokio::test]
async fn tampering_with_the_log_in_the_database_is_found() {
    for t in backends().await {
        let label = t.backend().name();
        let f = Fixture::new(&t.db, &Clock::System).await;
        let write = f.grant::<TeamWrite>().await;
        for name in ["Ops", "Sales", "Support", "Legal"] {
            teams::create(&t.db, &f.clock, &write, name).await.unwrap();
        }
        let ws = f.workspace.as_str();
        let report = verify::all(&t.db, None).await.unwrap();
        assert!(report.broken().is_empty(), "{label}: {:?}", report.broken());
        let n: i64 = t
            .strings(&format!(
                "SELECT CAST(MAX(seq) AS TEXT) FROM audit_log WHERE workspace_id = '{ws}'"
            ))
            .await[0]
            .parse()
            .unwrap();
        assert!(n >= 4, "{label}: every team created is on the chain");
        assert_eq!(report.entries(), n as u64, "{label}");
        t.db_exec(&format!(
            "CREATE TABLE audit_saved AS SELECT * FROM audit_log WHERE workspace_id = '{ws}'"
        ))
        .await;

        let edited = format!(
            "UPDATE audit_log SET after_state = '{{\"name\":\"Nobody\"}}' \
             WHERE workspace_id = '{ws}' AND seq = 2"
        );
        let deleted = format!("DELETE FROM audit_log WHERE workspace_id = '{ws}' AND seq = 2");
        let last = format!("DELETE FROM audit_log WHERE workspace_id = '{ws}' AND seq = {n}");
        let moved = [(2, -2), (3, 2), (-2, 3)]
            .map(|(from, to)| {
                format!(
                    "UPDATE audit_log SET seq = {to} WHERE workspace_id = '{ws}' AND seq = {from}"
                )
            })
            .join("; ");
        let slipped = format!(
            "INSERT INTO audit_log (id, workspace_id, action, target, created_at) \
             VALUES ('00000000-0000-7000-8000-000000000000', '{ws}', 'role.update', 'x', 0)"
        );
        let past = format!(
            "INSERT INTO audit_log (id, workspace_id, action, target, created_at, seq, \
             prev_hash, entry_hash) VALUES ('00000000-0000-7000-8000-000000000001', '{ws}', \
             'role.update', 'x', 0, {}, 'a', 'b')",
            n + 1
        );
        for (how, sql, seq, reason) in [
            (
                "added past the head",
                past,
                Some(n + 1),
                "past the chain's head",
            ),
            ("edited", edited, Some(2), "changed after it was written"),
            ("deleted", deleted, Some(3), "missing"),
            ("the last deleted", last, Some(n), "head"),
            ("moved", moved, Some(2), "does not follow"),
            ("slipped in", slipped, None, "no place"),
        ] {
            for statement in sql.split("; ") {
                t.db_exec(statement).await;
            }
            let broken = first_break(&t, &f.workspace)
                .await
                .unwrap_or_else(|| panic!("{label}: an entry {how} is found"));
            assert_eq!(broken.seq, seq, "{label}: {how}: {broken}");
            assert!(broken.reason.contains(reason), "{label}: {how}: {broken}");
            let report = verify::all(&t.db, None).await.unwrap();
            assert_eq!(report.broken(), vec![broken], "{label}: {how}");
            restore(&t, ws).await;
            assert_eq!(
                first_break(&t, &f.workspace).await,
                None,
                "{label}: restored"
            );
        }

        // Rewriting an entry and its own hash is not enough: the next entry's link gives it
        // away.
        let t = &t;
        let field = |expr: &str| {
            let sql =
                format!("SELECT {expr} FROM audit_log WHERE workspace_id = '{ws}' AND seq = 2");
            async move { t.strings(&sql).await.remove(0) }
        };
        let (id, actor, action, target) = (
            field("id").await,
            field("actor_ref").await,
            field("action").await,
            field("target").await,
        );
        let before = Some(field("COALESCE(before_state, '-')").await).filter(|b| b != "-");
        let at: i64 = field("CAST(created_at AS TEXT)").await.parse().unwrap();
        let prev = field("prev_hash").await;
        let forged = Content {
            workspace: ws,
            seq: 2,
            id: &id,
            actor: Some(&actor),
            action: &action,
            target: &target,
            before: before.as_deref(),
            after: Some("{\"name\":\"Nobody\"}"),
            at_ms: at,
            // What the fixture's change recorded beyond it: made by a person, done, once.
            detail: Some(Detail {
                actor_kind: Some("person"),
                outcome: "done",
                reason: None,
                ip: None,
                user_agent: None,
                count: Some(1),
            }),
        };
        t.db_exec(&format!(
            "UPDATE audit_log SET after_state = '{}', entry_hash = '{}' \
             WHERE workspace_id = '{ws}' AND seq = 2",
            forged.after.unwrap(),
            chain::hash(&prev, &forged)
        ))
        .await;
        let broken = first_break(t, &f.workspace).await.unwrap();
        assert_eq!(broken.seq, Some(3), "{label}: {broken}");
        assert!(
            broken.reason.contains("does not follow"),
            "{label}: {broken}"
        );
        restore(t, ws).await;
        t.db_exec("DROP TABLE audit_saved").await;
    }
}

#[tokio::test]
async fn appends_made_at_once_never_fork_the_chain() {
    for t in backends().await {
        let label = t.backend().name();
        let f = Fixture::new(&t.db, &Clock::System).await;
        let mut made = Vec::new();
        for i in 0..16 {
            let (db, clock, grant) = (t.db.clone(), f.clock.clone(), f.grant::<TeamWrite>().await);
            made.push(tokio::spawn(async move {
                teams::create(&db, &clock, &grant, &format!("Team {i}")).await
            }));
        }
        for task in made {
            task.await.unwrap().unwrap();
        }
        let proved = verify::workspace_chain(&t.db, &f.workspace, None)
            .await
            .unwrap()
            .unwrap_or_else(|broken| panic!("{label}: {broken}"));
        assert!(proved.entries >= 16, "{label}: {proved:?}");
    }
}

#[tokio::test]
async fn entries_written_before_the_chain_are_chained_once_in_their_order() {
    for t in backends().await {
        let label = t.backend().name();
        let f = Fixture::new(&t.db, &Clock::System).await;
        let write = f.grant::<TeamWrite>().await;
        for name in ["Ops", "Sales", "Support"] {
            teams::create(&t.db, &f.clock, &write, name).await.unwrap();
        }
        let ws = f.workspace.as_str();
        // As the log was before this change: no places, no hashes, no head.
        t.db_exec(&format!(
            "UPDATE audit_log SET seq = NULL, actor_ref = NULL, prev_hash = NULL, \
             entry_hash = NULL, actor_kind = NULL, outcome = NULL, reason = NULL, ip = NULL, \
             user_agent = NULL, count = NULL WHERE workspace_id = '{ws}'"
        ))
        .await;
        t.db_exec(&format!(
            "DELETE FROM audit_heads WHERE workspace_id = '{ws}'"
        ))
        .await;
        assert!(first_break(&t, &f.workspace).await.is_some(), "{label}");
        let adopted = chain::adopt_unchained(&t.db).await.unwrap();
        assert!(adopted >= 3, "{label}: {adopted}");
        assert_eq!(first_break(&t, &f.workspace).await, None, "{label}");
        let by_place = t
            .strings(&format!(
                "SELECT id FROM audit_log WHERE workspace_id = '{ws}' ORDER BY seq"
            ))
            .await;
        let mut by_time = by_place.clone();
        by_time.sort();
        assert_eq!(by_place, by_time, "{label}: chained in the order written");
        // Once: a chain that has started adopts nothing more.
        assert_eq!(chain::adopt_unchained(&t.db).await.unwrap(), 0, "{label}");
        teams::create(&t.db, &f.clock, &write, "Legal")
            .await
            .unwrap();
        assert_eq!(first_break(&t, &f.workspace).await, None, "{label}");
    }
}
