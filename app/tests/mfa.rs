//! Second factors against real SQLite and PostgreSQL, on an injected clock.
#![cfg(feature = "test-support")]

use std::time::Duration;

use app::server::accounts::{self, SignUp};
use app::server::clock::Clock;
use app::server::error::DomainError;
use app::server::mfa;
use app::server::passwords::{Hasher, Password};
use app::server::testing::backends;
use totp_rs::{Algorithm, Secret, TOTP};

/// What an authenticator app shows for `secret` at the clock's time (+ `ahead` steps).
fn app_code(secret_b32: &str, clock: &Clock, ahead: u64) -> String {
    let key = Secret::Encoded(secret_b32.to_owned()).to_bytes().unwrap();
    let t = TOTP::new_unchecked(Algorithm::SHA1, 6, 1, 30, key, None, String::new());
    t.generate(u64::try_from(clock.now_ms() / 1000).unwrap() + ahead * 30)
}

fn field(e: DomainError) -> &'static str {
    match e {
        DomainError::Invalid { field, .. } => field,
        other => panic!("expected a field error, got {other:?}"),
    }
}

#[tokio::test]
async fn an_app_is_enrolled_with_a_valid_code_and_codes_work_once() {
    let hasher = Hasher::new(2);
    for t in backends().await {
        let label = t.backend().name();
        let clock = Clock::manual(1_795_478_400_000);
        let user = accounts::sign_up(
            &t.db,
            &clock,
            &hasher,
            SignUp {
                email: "ada@example.com".into(),
                name: "Ada Lovelace".into(),
                password: Password::new("quiet lantern orbit mango"),
                workspace_name: "Analytical Engines".into(),
            },
        )
        .await
        .unwrap()
        .user_id;

        let enrolment = mfa::start_totp(&t.db, &clock, &user, "ada@example.com")
            .await
            .unwrap();
        assert_eq!(enrolment.secret_base32.len(), 32, "{label}: 160-bit key");
        assert!(enrolment
            .otpauth_url
            .starts_with("otpauth://totp/Gatehouse:"));
        assert!(enrolment.qr_svg.contains("<svg"), "{label}");
        assert!(
            !mfa::has_totp(&t.db, &user).await.unwrap(),
            "{label}: not before a code"
        );

        // Wrong, non-numeric and overlong codes are refused; nothing is enrolled.
        for bad in ["000000", "abcdef", "12345", &"9".repeat(10_000)] {
            let e = mfa::confirm_totp(&t.db, &clock, &user, bad)
                .await
                .unwrap_err();
            assert_eq!(field(e), "code", "{label}: {bad:.10}");
        }
        assert!(!mfa::has_totp(&t.db, &user).await.unwrap());

        let code = app_code(&enrolment.secret_base32, &clock, 0);
        let recovery = mfa::confirm_totp(&t.db, &clock, &user, &code)
            .await
            .unwrap();
        assert_eq!(recovery.len(), mfa::RECOVERY_CODES, "{label}");
        assert!(mfa::has_totp(&t.db, &user).await.unwrap());
        let stored = t.strings("SELECT code_hash FROM recovery_codes").await;
        assert!(
            recovery.iter().all(|c| !stored.contains(c)),
            "{label}: raw codes stored"
        );

        // The enrolment code itself cannot be replayed at sign-in.
        let replay = mfa::verify(&t.db, &clock, &user, &code).await.unwrap_err();
        assert_eq!(field(replay), "code", "{label}");
        // The next step's code works (one step of skew), once.
        let next = app_code(&enrolment.secret_base32, &clock, 1);
        mfa::verify(&t.db, &clock, &user, &next).await.unwrap();
        assert!(
            mfa::verify(&t.db, &clock, &user, &next).await.is_err(),
            "{label}: replayed"
        );
        // Two steps later the old code is dead, the current one works.
        clock.advance(Duration::from_secs(90));
        assert!(
            mfa::verify(&t.db, &clock, &user, &next).await.is_err(),
            "{label}"
        );
        let now = app_code(&enrolment.secret_base32, &clock, 0);
        mfa::verify(&t.db, &clock, &user, &now).await.unwrap();

        // Recovery codes: any case, with or without dashes, once each.
        let first = recovery[0].to_lowercase().replace('-', "");
        mfa::verify(&t.db, &clock, &user, &first).await.unwrap();
        assert!(
            mfa::verify(&t.db, &clock, &user, &recovery[0])
                .await
                .is_err(),
            "{label}"
        );
        assert_eq!(mfa::recovery_codes_left(&t.db, &user).await.unwrap(), 9);

        // Regenerating replaces every code; disabling removes the factor.
        let fresh = mfa::regenerate_recovery_codes(&t.db, &clock, &user)
            .await
            .unwrap();
        assert!(
            mfa::verify(&t.db, &clock, &user, &recovery[1])
                .await
                .is_err(),
            "{label}"
        );
        mfa::verify(&t.db, &clock, &user, &fresh[0]).await.unwrap();
        mfa::disable(&t.db, &user).await.unwrap();
        assert!(!mfa::has_totp(&t.db, &user).await.unwrap());
        assert_eq!(
            t.row_counts(&["recovery_codes", "totp_factors"]).await[0].1,
            0
        );
    }
}
