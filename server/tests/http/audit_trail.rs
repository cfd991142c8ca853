//! The trail over HTTP: a refused call is counted, and the server writes it to the trail with
//! the caller's address — at the latest when it stops.

use reqwest::StatusCode;

use app::server::identity::passwords::Hasher;
use app::server::platform::clock::Clock;

use super::support::{api, cookie_client, TestServer};

#[tokio::test]
async fn a_refused_call_reaches_the_trail_when_the_server_stops() {
    let s = TestServer::sqlite().await;
    server::demo::seed(&s.db.db, &Clock::System, &Hasher::new(1), 1)
        .await
        .unwrap();
    let staff = cookie_client();
    let res = api(&staff, &s, "/api/accounts/sign_in")
        .await
        .form(&[
            ("email", "priya.nair@gatehouse.test"),
            ("password", server::demo::DEMO_PASSWORD),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    for _ in 0..6 {
        let res = api(&staff, &s, "/api/audit/set_retention")
            .await
            .form(&[("days", "90")])
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), StatusCode::FORBIDDEN);
    }
    let db = s.shut_down().await;
    let refused = db
        .strings(
            // Summed: the calls may fall on both sides of a minute's end.
            "SELECT a.action || '|' || a.target || '|' || CAST(SUM(a.count) AS TEXT) || '|' || \
             a.ip || '|' || u.display_name FROM audit_log a JOIN users u ON u.id = a.actor_ref \
             WHERE a.outcome = 'refused' GROUP BY a.action, a.target, a.ip, u.display_name",
        )
        .await;
    assert_eq!(
        refused,
        ["permission.refused|settings.write|6|127.0.0.1|Priya Nair"]
    );
    // Six refusals of a sensitive key in one minute pass the default threshold of five (unless
    // the calls straddled a minute's end, which two tallies of three would show).
    let tallies = db
        .strings("SELECT CAST(count AS TEXT) FROM audit_log WHERE outcome = 'refused'")
        .await;
    let alerted = db.strings("SELECT kind FROM alerts").await;
    if tallies == ["6"] {
        assert_eq!(alerted, ["refusals.sensitive"]);
    } else {
        assert!(alerted.is_empty(), "{tallies:?} {alerted:?}");
    }
}
