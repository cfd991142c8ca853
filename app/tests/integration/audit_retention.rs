//! Retention against real SQLite and PostgreSQL: entries older than a workspace keeps them are
//! purged only up to a place a signed checkpoint lies beyond; the chain still verifies from the
//! last purged entry's hash, online and in an export; and a purge point moved, dropped or
//! forged in the database is found.

use std::time::Duration;

use app::model::WorkspaceId;
use app::permissions::keys::{SettingsWrite, TeamWrite};
use app::server::audit::signing::AuditKey;
use app::server::audit::walk::Broken;
use app::server::audit::{checkpoints, export, offline, retention, verify};
use app::server::platform::clock::Clock;
use app::server::platform::error::DomainError;
use app::server::platform::testing::{backends, Fixture, TestDb};
use app::server::workspace::teams;

const DAY: Duration = Duration::from_secs(86_400);

async fn walk(t: &TestDb, ws: &WorkspaceId, key: &AuditKey) -> Result<u64, Broken> {
    verify::workspace_chain(&t.db, ws, Some(&key.public()))
        .await
        .unwrap()
        .map(|p| p.entries)
}

async fn seq_count(t: &TestDb, ws: &str) -> (i64, i64) {
    let row = t
        .strings(&format!(
            "SELECT CAST(MIN(seq) AS TEXT) || ' ' || CAST(COUNT(*) AS TEXT) FROM audit_log \
             WHERE workspace_id = '{ws}'"
        ))
        .await
        .remove(0);
    let (min, count) = row.split_once(' ').unwrap();
    (min.parse().unwrap(), count.parse().unwrap())
}

#[tokio::test]
async fn old_entries_are_purged_behind_a_signed_checkpoint_and_the_rest_still_proves() {
    for t in backends().await {
        let label = t.backend().name();
        let clock = Clock::manual(1_767_225_600_000); // 2026-01-01
        let f = Fixture::new(&t.db, &clock).await;
        let ws = f.workspace.as_str().to_owned();
        let write = f.grant::<TeamWrite>().await;
        for name in ["Ops", "Sales"] {
            teams::create(&t.db, &clock, &write, name).await.unwrap();
        }
        let key = AuditKey::generate();
        let public = key.public();

        // 400 days by default; 30 to 3650 accepted, anything else refused on its field.
        let settings = f.grant::<SettingsWrite>().await;
        for bad in ["29", "3651", "thirty", ""] {
            match retention::set(&t.db, &clock, &settings, bad).await {
                Err(DomainError::Invalid { field, .. }) => assert_eq!(field, "days", "{bad}"),
                other => panic!("{label}: {bad}: {other:?}"),
            }
        }
        assert_eq!(
            retention::set(&t.db, &clock, &settings, " 30 ")
                .await
                .unwrap(),
            30
        );

        // Old enough, but no signed checkpoint covers them: nothing goes.
        clock.advance(40 * DAY);
        assert!(
            retention::purge(&t.db, &clock, &public)
                .await
                .unwrap()
                .is_empty(),
            "{label}"
        );

        // A checkpoint at the head: everything before the checkpointed entry goes, and that
        // entry stays for the checkpoint to prove.
        checkpoints::sign_heads(&t.db, &clock, &key).await.unwrap();
        let (_, before) = seq_count(&t, &ws).await;
        let purged = retention::purge(&t.db, &clock, &public).await.unwrap();
        assert_eq!(purged.len(), 1, "{label}");
        let first_purge = purged[0].through_seq;
        assert_eq!(purged[0].entries as i64, before - 1, "{label}");
        assert_eq!(
            seq_count(&t, &ws).await,
            (first_purge + 1, 2),
            "{label}: it and the record"
        );
        walk(&t, &f.workspace, &key)
            .await
            .unwrap_or_else(|b| panic!("{label}: {b}"));
        assert!(
            retention::purge(&t.db, &clock, &public)
                .await
                .unwrap()
                .is_empty(),
            "{label}: nothing more is old enough behind a checkpoint"
        );

        // Newer entries and a newer checkpoint: the old entry kept for the last one goes too.
        for name in ["Support", "Legal"] {
            teams::create(&t.db, &clock, &write, name).await.unwrap();
        }
        checkpoints::sign_heads(&t.db, &clock, &key).await.unwrap();
        let (_, before) = seq_count(&t, &ws).await;
        let purged = retention::purge(&t.db, &clock, &public).await.unwrap();
        let through = purged[0].through_seq;
        assert_eq!(
            (through, purged[0].entries),
            (first_purge + 1, 1),
            "{label}"
        );
        let (first, after) = seq_count(&t, &ws).await;
        assert_eq!(
            first,
            through + 1,
            "{label}: the chain now starts after the purge"
        );
        assert_eq!(
            after, before,
            "{label}: one entry gone, the purge's record added"
        );
        let proved = walk(&t, &f.workspace, &key)
            .await
            .unwrap_or_else(|b| panic!("{label}: {b}"));
        assert_eq!(proved as i64, after, "{label}");

        // The export carries where the chain starts, and proves itself from there.
        let mut file = Vec::new();
        export::workspace(&t.db, &clock, &f.workspace, &mut file)
            .await
            .unwrap();
        let verified = offline::verify(&file[..], &public).unwrap();
        assert!(verified.complete, "{label}");
        assert_eq!(verified.proved.entries as i64, after, "{label}");

        // Tampering with the purge point in the database.
        let kept = format!("SELECT * FROM audit_purges WHERE workspace_id = '{ws}'");
        t.db_exec(&format!("CREATE TABLE purges_saved AS {kept}"))
            .await;
        let restore = || async {
            t.db_exec(&format!(
                "DELETE FROM audit_purges WHERE workspace_id = '{ws}'"
            ))
            .await;
            t.db_exec("INSERT INTO audit_purges SELECT * FROM purges_saved")
                .await;
        };
        for (how, sql, reason) in [
            (
                "dropped",
                format!("DELETE FROM audit_purges WHERE workspace_id = '{ws}'"),
                "missing",
            ),
            (
                "another hash",
                format!("UPDATE audit_purges SET through_hash = 'ff' WHERE workspace_id = '{ws}'"),
                "does not follow",
            ),
            (
                "moved on, the next entry deleted",
                format!(
                    "UPDATE audit_purges SET through_seq = through_seq + 1, through_hash = \
                     (SELECT entry_hash FROM audit_log WHERE workspace_id = '{ws}' AND seq = \
                     {0}) WHERE workspace_id = '{ws}'; DELETE FROM audit_log WHERE \
                     workspace_id = '{ws}' AND seq = {0}",
                    through + 1
                ),
                "does not record",
            ),
        ] {
            t.db_exec(&format!(
                "CREATE TABLE log_saved AS SELECT * FROM audit_log WHERE workspace_id = '{ws}'"
            ))
            .await;
            for statement in sql.split("; ") {
                t.db_exec(statement).await;
            }
            let broken = walk(&t, &f.workspace, &key)
                .await
                .expect_err("a changed purge point is found");
            assert!(broken.reason.contains(reason), "{label}: {how}: {broken}");
            restore().await;
            t.db_exec(&format!(
                "DELETE FROM audit_log WHERE workspace_id = '{ws}'"
            ))
            .await;
            t.db_exec("INSERT INTO audit_log SELECT * FROM log_saved")
                .await;
            t.db_exec("DROP TABLE log_saved").await;
            walk(&t, &f.workspace, &key)
                .await
                .unwrap_or_else(|b| panic!("{label}: restored after {how}: {b}"));
        }
    }
}
