//! Login hours against real SQLite and PostgreSQL, on an injected clock.

use std::sync::Arc;
use std::time::Duration;

use app::model::UserId;
use app::permissions::keys::SettingsWrite;
use app::server::access::grants::Grant;
use app::server::identity::authentication::SignedIn;
use app::server::platform::clock::Clock;
use app::server::platform::error::DomainError;
use app::server::platform::mail::Mailer;
use app::server::platform::testing::{backends, Fixture, TestDb};
use app::server::web::auth;
use app::server::web::context::ServerContext;
use app::server::web::session_store::DbSessionStore;
use app::server::workspace::login_hours::{self, HoursForm};
use tower_sessions::Session;

/// Monday 2026-11-23 08:00 in New York (13:00 UTC).
const MONDAY_8AM_NEW_YORK: i64 = 1_795_438_800_000;
const HOUR: Duration = Duration::from_secs(3600);

fn message(e: DomainError) -> String {
    match e {
        DomainError::Invalid { field, message } => format!("{field}: {message}"),
        DomainError::Conflict(message) => format!("conflict: {message}"),
        other => panic!("unexpected {other:?}"),
    }
}

fn weekdays(role_id: &str, start: &str, end: &str) -> HoursForm {
    HoursForm {
        role_id: role_id.into(),
        days: [true, true, true, true, true, false, false],
        start: start.into(),
        end: end.into(),
    }
}

/// Bad input is refused by field and changes nothing; then Staff get 09:00–17:00 on weekdays
/// in New York.
async fn bad_hours_are_named_then_staff_get_weekdays(
    t: &TestDb,
    f: &Fixture,
    grant: &Grant<SettingsWrite>,
    staff_role: &str,
    owner_role: &str,
) {
    let label = t.backend().name();
    // Bad input is refused by field and changes nothing.
    for (form, expected) in [
        (
            HoursForm {
                days: [false; 7],
                ..weekdays(staff_role, "09:00", "17:00")
            },
            "days",
        ),
        (weekdays(staff_role, "9am", "17:00"), "start"),
        (weekdays(staff_role, "09:00", "25:00"), "end"),
        (
            weekdays(staff_role, "17:00", "09:00"),
            "end: The end must be later",
        ),
        (
            weekdays(owner_role, "09:00", "17:00"),
            "conflict: Owners can always sign in",
        ),
    ] {
        let e = login_hours::set(&t.db, &f.clock, grant, &form)
            .await
            .unwrap_err();
        assert!(message(e).starts_with(expected), "{label}: {form:?}");
    }
    assert!(matches!(
        login_hours::set(
            &t.db,
            &f.clock,
            grant,
            &weekdays("no-such-role", "09:00", "17:00")
        )
        .await,
        Err(DomainError::NotFound)
    ));
    let bad_zone = login_hours::set_time_zone(&t.db, &f.clock, grant, "Mars/Olympus")
        .await
        .unwrap_err();
    assert!(message(bad_zone).starts_with("time_zone"), "{label}");
    assert_eq!(t.row_counts(&["login_hours"]).await[0].1, 0, "{label}");

    login_hours::set_time_zone(&t.db, &f.clock, grant, "America/New_York")
        .await
        .unwrap();
    login_hours::set(
        &t.db,
        &f.clock,
        grant,
        &weekdays(staff_role, "09:00", "17:00"),
    )
    .await
    .unwrap();
    let view = login_hours::view(&t.db, grant).await.unwrap();
    assert_eq!(view.time_zone, "America/New_York");
    let staff = view.roles.iter().find(|r| r.name == "Staff").unwrap();
    assert_eq!(
        staff.hours.as_ref().unwrap().describe(),
        "Mon, Tue, Wed, Thu, Fri 09:00–17:00"
    );
}

/// Closed at 08:00 (the Owner excepted), open at 09:00, and a session ends at 17:00.
async fn hours_decide_sign_in_and_end_sessions(
    t: &TestDb,
    f: &Fixture,
    ctx: &ServerContext,
    grace: &UserId,
) {
    let label = t.backend().name();
    let sign_in = |email: &'static str| f.sign_in(email, "203.0.113.4");
    // 08:00 in New York: closed, with the opening named; the Owner is never restricted.
    let e = sign_in("grace@example.com").await.unwrap_err();
    assert_eq!(
        message(e),
        "email: Your access to this workspace opens at Mon 09:00 (America/New_York).",
        "{label}"
    );
    assert_eq!(
        t.strings("SELECT kind FROM security_events WHERE kind = 'outside_login_hours'")
            .await
            .len(),
        1
    );
    sign_in("ada@example.com").await.unwrap();

    // 09:00: open. A session started at 16:40 works at 16:59 and ends at 17:00.
    f.clock.advance(HOUR);
    sign_in("grace@example.com").await.unwrap();
    f.clock.advance(7 * HOUR + Duration::from_secs(40 * 60));
    let store = DbSessionStore::new(t.db.clone(), f.clock.clone());
    let session = Session::new(None, Arc::new(store), None);
    let who = SignedIn {
        user_id: grace.clone(),
        workspace_id: f.workspace.clone(),
    };
    auth::begin(&session, ctx, &who).await.unwrap();
    session.save().await.unwrap();
    f.clock.advance(Duration::from_secs(19 * 60));
    assert!(
        auth::current(&session, ctx).await.unwrap().is_some(),
        "{label}: 16:59"
    );
    f.clock.advance(Duration::from_secs(60));
    assert!(
        auth::current(&session, ctx).await.unwrap().is_none(),
        "{label}: 17:00"
    );
    let e = sign_in("grace@example.com").await.unwrap_err();
    assert!(
        message(e).ends_with("opens at Tue 09:00 (America/New_York)."),
        "{label}"
    );
}

#[tokio::test]
async fn members_sign_in_only_within_their_roles_hours_and_sessions_end_at_closing() {
    for t in backends().await {
        let clock = Clock::manual(MONDAY_8AM_NEW_YORK);
        let f = Fixture::new(&t.db, &clock).await;
        let mail = tempfile::tempdir().unwrap();
        let ctx = ServerContext {
            db: t.db.clone(),
            clock: clock.clone(),
            hasher: f.hasher.clone(),
            mailer: Mailer::files(
                mail.path(),
                "Gatehouse <no-reply@gatehouse.test>".parse().unwrap(),
            )
            .unwrap(),
            storage: app::server::platform::testing::disk_storage(mail.path()),
            public_url: "http://gatehouse.test".into(),
            data_region: None,
            refusals: Default::default(),
            webhook_targets: Default::default(),
        };
        let settings_grant = f.grant::<SettingsWrite>().await;
        let staff_role = f.role("Staff").await.as_str().to_owned();
        let owner_role = f.role("Owner").await.as_str().to_owned();
        let grace = f
            .add_member("grace@example.com", "Grace Hopper", "Staff")
            .await;
        bad_hours_are_named_then_staff_get_weekdays(
            &t,
            &f,
            &settings_grant,
            &staff_role,
            &owner_role,
        )
        .await;
        hours_decide_sign_in_and_end_sessions(&t, &f, &ctx, &grace).await;

        // Back to any time.
        login_hours::clear(
            &t.db,
            &settings_grant,
            &app::model::RoleId::from_client(staff_role.clone()).unwrap(),
        )
        .await
        .unwrap();
        f.sign_in("grace@example.com", "203.0.113.4").await.unwrap();
    }
}
