//! Signed checkpoints and exported trails against real SQLite and PostgreSQL: a chain rewritten
//! with every hash recomputed still verifies on its own, and only the signed checkpoint gives it
//! away; a checkpoint altered in the database no longer holds its signature; an exported trail
//! is proved offline with the public key alone, and any change to the file is found.

use app::model::WorkspaceId;
use app::permissions::keys::{AuditRead, TeamWrite};
use app::server::audit::chain::{self, Entry};
use app::server::audit::export::{self, Line};
use app::server::audit::signing::AuditKey;
use app::server::audit::{checkpoints, offline, verifications, verify};
use app::server::platform::clock::Clock;
use app::server::platform::testing::{backends, Fixture, TestDb};
use app::server::workspace::teams;

/// A workspace with a few entries on its chain.
async fn with_entries(t: &TestDb) -> Fixture {
    let f = Fixture::new(&t.db, &Clock::System).await;
    let write = f.grant::<TeamWrite>().await;
    for name in ["Ops", "Sales", "Support", "Legal"] {
        teams::create(&t.db, &f.clock, &write, name).await.unwrap();
    }
    f
}

async fn exported(t: &TestDb, workspace: &WorkspaceId) -> Vec<u8> {
    let mut out = Vec::new();
    export::workspace(&t.db, &Clock::System, workspace, &mut out)
        .await
        .unwrap();
    out
}

fn lines(file: &[u8]) -> Vec<Line> {
    std::str::from_utf8(file)
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect()
}

fn entries(file: &[u8]) -> Vec<Entry> {
    lines(file)
        .into_iter()
        .filter_map(|l| match l {
            Line::Entry(e) => Some(*e),
            _ => None,
        })
        .collect()
}

#[tokio::test]
async fn a_rewritten_chain_is_given_away_by_its_signed_checkpoint() {
    let key = AuditKey::generate();
    let public = key.public();
    for t in backends().await {
        let label = t.backend().name();
        let f = with_entries(&t).await;
        let ws = f.workspace.as_str();
        assert!(
            checkpoints::sign_heads(&t.db, &f.clock, &key)
                .await
                .unwrap()
                >= 1
        );
        assert_eq!(
            checkpoints::sign_heads(&t.db, &f.clock, &key)
                .await
                .unwrap(),
            0,
            "{label}: a head already signed is not signed again"
        );
        let proved = verify::workspace_chain(&t.db, &f.workspace, Some(&public))
            .await
            .unwrap()
            .unwrap_or_else(|b| panic!("{label}: {b}"));
        let head = entries(&exported(&t, &f.workspace).await).len() as i64;
        assert_eq!(proved.signed_through, head, "{label}");
        assert_eq!(proved.checkpoints, 1, "{label}");

        // Rewrite entry 2 and recompute every hash after it, head included.
        let mut chain = entries(&exported(&t, &f.workspace).await);
        chain[1].after = Some("{\"name\":\"Nobody\"}".into());
        let mut prev = chain[0].entry_hash.clone().unwrap();
        for e in chain.iter_mut().skip(1) {
            let hash = chain::hash(&prev, &e.content(ws));
            t.db_exec(&format!(
                "UPDATE audit_log SET after_state = {}, prev_hash = '{prev}', entry_hash = '{hash}' \
                 WHERE workspace_id = '{ws}' AND seq = {}",
                e.after.as_ref().map_or("NULL".into(), |a| format!("'{a}'")),
                e.seq
            ))
            .await;
            prev = hash;
        }
        t.db_exec(&format!(
            "UPDATE audit_heads SET entry_hash = '{prev}' WHERE workspace_id = '{ws}'"
        ))
        .await;
        let unsigned = verify::workspace_chain(&t.db, &f.workspace, None)
            .await
            .unwrap();
        assert!(
            unsigned.is_ok(),
            "{label}: the hashes alone are consistent again"
        );
        let broken = verify::workspace_chain(&t.db, &f.workspace, Some(&public))
            .await
            .unwrap()
            .expect_err("the checkpoint gives the rewrite away");
        assert_eq!(broken.seq, Some(head), "{label}: {broken}");
        assert!(
            broken.reason.contains("signed checkpoint"),
            "{label}: {broken}"
        );

        // Re-signing the checkpoint in the database without the key does not help.
        t.db_exec(&format!(
            "UPDATE audit_checkpoints SET entry_hash = '{prev}' WHERE workspace_id = '{ws}'"
        ))
        .await;
        let broken = verify::workspace_chain(&t.db, &f.workspace, Some(&public))
            .await
            .unwrap()
            .expect_err("an altered checkpoint");
        assert!(broken.reason.contains("signature"), "{label}: {broken}");

        // A checkpoint signed with another key proves nothing and breaks nothing.
        let other = AuditKey::generate();
        let proved = verify::workspace_chain(&t.db, &f.workspace, Some(&other.public()))
            .await
            .unwrap()
            .unwrap();
        assert_eq!(
            (proved.other_keys, proved.signed_through),
            (1, 0),
            "{label}"
        );

        // The verification is kept for the audit page, broken or not.
        let report = verify::all(&t.db, Some(&public)).await.unwrap();
        verifications::record(&t.db, &f.clock, &report.outcomes)
            .await
            .unwrap();
        let read = f.grant::<AuditRead>().await;
        let last = verifications::last(&t.db, &read).await.unwrap().unwrap();
        let broken = last.broken.unwrap_or_default();
        assert!(
            broken.starts_with(&format!("at entry #{head}: ")),
            "{label}: {broken}"
        );
    }
}

#[tokio::test]
async fn a_checkpoint_past_the_end_shows_a_cut_chain() {
    let key = AuditKey::generate();
    for t in backends().await {
        let label = t.backend().name();
        let f = with_entries(&t).await;
        let ws = f.workspace.as_str();
        checkpoints::sign_heads(&t.db, &f.clock, &key)
            .await
            .unwrap();
        let chain = entries(&exported(&t, &f.workspace).await);
        let last = chain.last().unwrap();
        let before = &chain[chain.len() - 2];
        // Cut the last entry and move the head back so the chain alone looks whole.
        t.db_exec(&format!(
            "DELETE FROM audit_log WHERE workspace_id = '{ws}' AND seq = {}",
            last.seq
        ))
        .await;
        t.db_exec(&format!(
            "UPDATE audit_heads SET seq = {}, entry_hash = '{}' WHERE workspace_id = '{ws}'",
            before.seq,
            before.entry_hash.as_ref().unwrap()
        ))
        .await;
        let broken = verify::workspace_chain(&t.db, &f.workspace, Some(&key.public()))
            .await
            .unwrap()
            .expect_err("the checkpoint names the entry cut off");
        assert_eq!(broken.seq, Some(last.seq), "{label}: {broken}");
        assert!(
            broken.reason.contains("past the chain's end"),
            "{label}: {broken}"
        );
    }
}

#[tokio::test]
async fn an_exported_trail_is_proved_offline_and_any_change_to_it_is_found() {
    let key = AuditKey::generate();
    let public = key.public();
    for t in backends().await {
        let label = t.backend().name();
        let f = with_entries(&t).await;
        checkpoints::sign_heads(&t.db, &f.clock, &key)
            .await
            .unwrap();
        let file = exported(&t, &f.workspace).await;
        let chain = entries(&file);
        let text = String::from_utf8(file.clone()).unwrap();
        assert_eq!(
            text.lines().count(),
            1 + 1 + chain.len(),
            "{label}: a header, one checkpoint, one line per entry"
        );
        let verified =
            offline::verify(file.as_slice(), &public).unwrap_or_else(|e| panic!("{label}: {e}"));
        assert!(verified.complete, "{label}");
        assert_eq!(verified.proved.entries, chain.len() as u64, "{label}");
        assert_eq!(verified.proved.signed_through, verified.last_seq, "{label}");

        // A selection still proves each entry it holds.
        let selection: String = text
            .lines()
            .enumerate()
            .filter(|(i, _)| i % 2 == 0)
            .map(|(_, l)| format!("{l}\n"))
            .collect();
        let verified = offline::verify(selection.as_bytes(), &public).unwrap();
        assert!(!verified.complete, "{label}");

        // Any edit to an entry, a checkpoint or the order is found.
        let second = serde_json::to_string(&Line::Entry(Box::new(chain[1].clone()))).unwrap();
        let edits = [
            second.replace(&chain[1].action, "team.nothing"),
            second.replace(
                &format!("\"at_ms\":{}", chain[1].at_ms),
                &format!("\"at_ms\":{}", chain[1].at_ms + 1),
            ),
        ];
        for edit in edits {
            assert_ne!(edit, second);
            let tampered = text.replace(&second, &edit);
            let err = offline::verify(tampered.as_bytes(), &public).unwrap_err();
            assert!(err.to_string().contains("changed after"), "{label}: {err}");
        }
        let checkpoint = text.lines().nth(1).unwrap();
        let resigned = checkpoint.replace("\"signed_at\":", "\"signed_at\":1");
        let err =
            offline::verify(text.replace(checkpoint, &resigned).as_bytes(), &public).unwrap_err();
        assert!(err.to_string().contains("signature"), "{label}: {err}");
        let mut swapped: Vec<&str> = text.lines().collect();
        swapped.swap(2, 3);
        let err = offline::verify(swapped.join("\n").as_bytes(), &public).unwrap_err();
        assert!(err.to_string().contains("order"), "{label}: {err}");
        let err = offline::verify(&b"{\"type\":\"entry\"}\n"[..], &public).unwrap_err();
        assert!(
            err.to_string().contains("not a Gatehouse audit export"),
            "{label}: {err}"
        );
    }
}
