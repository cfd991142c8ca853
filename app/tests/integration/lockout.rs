//! Account lockout against real SQLite and PostgreSQL, on an injected clock.

use std::time::Duration;

use app::model::SecuritySettings;
use app::permissions::keys::{SettingsWrite, TeamRead, TeamWrite};
use app::server::audit::append::Origin;
use app::server::identity::authentication::{self, WRONG_CREDENTIALS};
use app::server::identity::passwords::Password;
use app::server::platform::clock::Clock;
use app::server::platform::error::DomainError;
use app::server::platform::testing::{backends, Fixture, TestDb};
use app::server::workspace::members;
use app::server::workspace::settings::{self, SettingsForm};

const PASSWORD: &str = "quiet lantern orbit mango";

fn message(e: DomainError) -> String {
    match e {
        DomainError::Invalid { field, message } => format!("{field}: {message}"),
        other => panic!("expected the sign-in message, got {other:?}"),
    }
}

/// Three failures, ten minutes, for the fixture's workspace.
async fn lock_after_three_failures_for_ten_minutes(f: &Fixture) {
    let s = SecuritySettings::default();
    let form = SettingsForm {
        password_min_length: s.password_min_length.to_string(),
        password_min_strength: s.password_min_strength.to_string(),
        password_history: s.password_history.to_string(),
        session_idle_minutes: s.session_idle_minutes.to_string(),
        session_absolute_hours: s.session_absolute_hours.to_string(),
        lockout_threshold: "3".into(),
        lockout_minutes: "10".into(),
        mfa_policy: "optional".into(),
        ..SettingsForm::default()
    };
    let grant = f.grant::<SettingsWrite>().await;
    settings::update(&f.db, &f.clock, &grant, &form)
        .await
        .unwrap();
}

/// Grace's sign-in from 203.0.113.7; only the refusal matters here.
async fn grace_signs_in(f: &Fixture, password: &'static str) -> Result<(), DomainError> {
    authentication::authenticate(
        &f.db,
        &f.clock,
        &f.hasher,
        "grace@example.com",
        &Password::new(password),
        &Origin::new(Some("203.0.113.7".into()), None),
    )
    .await
    .map(drop)
}

/// Every failure, lock, refused sign-in while locked and unlock is recorded with its address.
async fn each_lock_and_unlock_is_a_security_event(t: &TestDb, label: &str) {
    let kinds = t
        .strings("SELECT kind FROM security_events ORDER BY created_at, id")
        .await;
    let count = |k: &str| kinds.iter().filter(|x| *x == k).count();
    assert_eq!(count("sign_in_failed"), 9, "{label}: {kinds:?}");
    assert_eq!(count("account_locked"), 2, "{label}");
    assert_eq!(count("sign_in_while_locked"), 2, "{label}");
    assert_eq!(count("account_unlocked"), 1, "{label}");
    let ips = t
        .strings("SELECT ip FROM security_events WHERE kind = 'account_locked'")
        .await;
    assert!(ips.iter().all(|ip| ip == "203.0.113.7"), "{label}");
}

#[tokio::test]
async fn repeated_failures_lock_the_account_until_time_or_an_admin_lifts_it() {
    for t in backends().await {
        let label = t.backend().name();
        let clock = Clock::manual(1_795_478_400_000);
        let f = Fixture::new(&t.db, &clock).await;
        lock_after_three_failures_for_ten_minutes(&f).await;
        // A member to lock out.
        let grace = f
            .add_member("grace@example.com", "Grace Hopper", "Staff")
            .await;
        let sign_in = |password| grace_signs_in(&f, password);
        let wrong = "wrong horse battery staple";
        let expected = format!("password: {WRONG_CREDENTIALS}");
        for _ in 0..2 {
            assert_eq!(
                message(sign_in(wrong).await.unwrap_err()),
                expected,
                "{label}"
            );
        }
        // A success resets the count.
        sign_in(PASSWORD).await.unwrap();
        for _ in 0..3 {
            assert_eq!(
                message(sign_in(wrong).await.unwrap_err()),
                expected,
                "{label}"
            );
        }
        // Locked: the right password gets exactly the wrong password's answer.
        assert_eq!(
            message(sign_in(PASSWORD).await.unwrap_err()),
            expected,
            "{label}"
        );
        let unknown = authentication::authenticate(
            &t.db,
            &clock,
            &f.hasher,
            "nobody@example.com",
            &Password::new(PASSWORD),
            &Origin::default(),
        )
        .await
        .unwrap_err();
        assert_eq!(message(unknown), expected, "{label}: unknown address");

        // The team page shows the lock; time lifts it.
        let listed = members::list(&t.db, &clock, &f.grant::<TeamRead>().await, None)
            .await
            .unwrap();
        assert!(listed
            .iter()
            .find(|m| m.user_id == grace)
            .unwrap()
            .locked_until_ms
            .is_some());
        clock.advance(Duration::from_secs(10 * 60));
        sign_in(PASSWORD).await.unwrap();

        // Locked again, then lifted by an admin.
        for _ in 0..3 {
            sign_in(wrong).await.unwrap_err();
        }
        sign_in(PASSWORD).await.unwrap_err();
        members::unlock(&t.db, &clock, &f.grant::<TeamWrite>().await, &grace)
            .await
            .unwrap();
        sign_in(PASSWORD).await.unwrap();

        each_lock_and_unlock_is_a_security_event(&t, label).await;
    }
}
