//! The strangers' refusals in the trail.

use super::support::TestServer;
use super::{snapshot, Victim};

/// The strangers' refused calls are in the trail of their own workspace, counted and with the
/// address they came from; none lands in the victim's, whose trail still verifies.
pub async fn refusals_stay_home(s: &TestServer, v: &Victim, before: &[String], label: &str) {
    // The server writes each minute once it is over; the minute in progress is written here.
    app::server::audit::refusals::flush(&s.db.db, &s.refusals, None)
        .await
        .unwrap();
    let places =
        s.db.strings(
            "SELECT DISTINCT w.name || '|' || a.ip FROM audit_log a \
             JOIN workspaces w ON w.id = a.workspace_id WHERE a.outcome = 'refused'",
        )
        .await;
    assert_eq!(places, ["Elsewhere|127.0.0.1"], "{label}");
    // Staff and Guests lack most keys: each of them was refused, and counted as themselves.
    let refused =
        s.db.strings(
            "SELECT DISTINCT u.display_name FROM audit_log a JOIN users u ON u.id = a.actor_ref \
             WHERE a.outcome = 'refused' AND a.count >= 1 ORDER BY u.display_name",
        )
        .await;
    assert!(
        ["Guest", "Staff"]
            .iter()
            .all(|who| refused.iter().any(|r| r == who)),
        "{label}: {refused:?}"
    );
    let report = app::server::audit::verify::all(&s.db.db, None)
        .await
        .unwrap();
    assert!(report.broken().is_empty(), "{label}: {:?}", report.broken());
    assert_eq!(
        snapshot(&s.db, v).await,
        before,
        "{label}: the victim's trail"
    );
}
