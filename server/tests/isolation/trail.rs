//! The strangers' refusals in the trail.

use super::support::TestServer;
use super::{snapshot, Victim};

/// The strangers' refused calls are in the trail of their own workspace, counted and with the
/// address they came from; none lands in the victim's, whose trail still verifies.
pub async fn refusals_stay_home(s: &TestServer, v: &Victim, before: &[String], label: &str) {
    let written = app::server::audit::refusals::flush(&s.db.db, &s.refusals, None)
        .await
        .unwrap();
    assert!(written > 0, "{label}: the strangers were refused something");
    let places =
        s.db.strings(
            "SELECT DISTINCT w.name || '|' || a.ip FROM audit_log a \
             JOIN workspaces w ON w.id = a.workspace_id WHERE a.outcome = 'refused'",
        )
        .await;
    assert_eq!(places, ["Elsewhere|127.0.0.1"], "{label}");
    let counted =
        s.db.strings(
            "SELECT CAST(SUM(count) AS TEXT) FROM audit_log WHERE outcome = 'refused' \
             AND action = 'permission.refused'",
        )
        .await;
    assert!(
        counted[0].parse::<i64>().unwrap() >= written as i64,
        "{label}: {counted:?}"
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
