//! Second factors against real SQLite and PostgreSQL, on an injected clock.

use std::time::Duration;

use app::model::UserId;
use app::model::{MfaPolicy, SecondFactorMethods, SecuritySettings};
use app::server::audit::append::Origin;
use app::server::identity::accounts::{self, SignUp};
use app::server::identity::authentication;
use app::server::identity::mfa;
use app::server::identity::passwords::{Hasher, Password};
use app::server::identity::reauth::unsafe_assume_reauthenticated;
use app::server::platform::clock::Clock;
use app::server::platform::db::Db;
use app::server::platform::error::DomainError;
use app::server::platform::testing::{backends, Fixture, TestDb};
use app::server::workspace::settings::{self, SettingsForm};

const PASSWORD: &str = "quiet lantern orbit mango";
const START_MS: i64 = 1_795_478_400_000;

async fn sign_up(db: &Db, clock: &Clock, hasher: &Hasher) -> accounts::NewAccount {
    accounts::sign_up(
        db,
        clock,
        hasher,
        SignUp {
            email: "ada@example.com".into(),
            name: "Ada Lovelace".into(),
            password: Password::new(PASSWORD),
            workspace_name: "Analytical Engines".into(),
        },
    )
    .await
    .unwrap()
}

/// Counts of each kind of security event about anyone.
async fn events(t: &app::server::platform::testing::TestDb, kind: &str) -> usize {
    t.strings(&format!(
        "SELECT kind FROM security_events WHERE kind = '{kind}'"
    ))
    .await
    .len()
}

/// The default settings, as the form sends them.
fn settings_form() -> SettingsForm {
    let s = SecuritySettings::default();
    SettingsForm {
        password_min_length: s.password_min_length.to_string(),
        password_min_strength: s.password_min_strength.to_string(),
        password_history: s.password_history.to_string(),
        session_idle_minutes: s.session_idle_minutes.to_string(),
        session_absolute_hours: s.session_absolute_hours.to_string(),
        lockout_threshold: s.lockout_threshold.to_string(),
        lockout_minutes: s.lockout_minutes.to_string(),
        mfa_policy: s.mfa_policy.key().into(),
        ..SettingsForm::default()
    }
}

/// An app enrolled for `user`; returns its key.
async fn enrol_app(db: &Db, clock: &Clock, user: &UserId) -> String {
    let e = mfa::start_totp(db, clock, user, "ada@example.com")
        .await
        .unwrap();
    let code = app_code(&e.secret_base32, clock, 0);
    mfa::confirm_totp(db, clock, &unsafe_assume_reauthenticated(user), &code)
        .await
        .unwrap();
    e.secret_base32
}
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

/// Recovery codes work in any case, with or without dashes, once each; regenerating replaces
/// every code; disabling removes the factor.
async fn recovery_codes_work_once_and_regenerate(
    t: &TestDb,
    clock: &Clock,
    user: &UserId,
    recovery: &[String],
) {
    let label = t.backend().name();
    // Recovery codes: any case, with or without dashes, once each.
    let first = recovery[0].to_lowercase().replace('-', "");
    mfa::verify(&t.db, clock, user, &first).await.unwrap();
    assert!(
        mfa::verify(&t.db, clock, user, &recovery[0]).await.is_err(),
        "{label}"
    );
    assert_eq!(mfa::recovery_codes_left(&t.db, user).await.unwrap(), 9);

    // Regenerating replaces every code; disabling removes the factor.
    let fresh = mfa::regenerate_recovery_codes(&t.db, clock, &unsafe_assume_reauthenticated(user))
        .await
        .unwrap();
    assert!(
        mfa::verify(&t.db, clock, user, &recovery[1]).await.is_err(),
        "{label}"
    );
    mfa::verify(&t.db, clock, user, &fresh[0]).await.unwrap();
    mfa::disable_app(&t.db, &unsafe_assume_reauthenticated(user))
        .await
        .unwrap();
    assert!(!mfa::has_totp(&t.db, user).await.unwrap());
    assert_eq!(
        t.row_counts(&["recovery_codes", "totp_factors"]).await[0].1,
        0
    );
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
            let e = mfa::confirm_totp(&t.db, &clock, &unsafe_assume_reauthenticated(&user), bad)
                .await
                .unwrap_err();
            assert_eq!(field(e), "code", "{label}: {bad:.10}");
        }
        assert!(!mfa::has_totp(&t.db, &user).await.unwrap());

        let code = app_code(&enrolment.secret_base32, &clock, 0);
        let recovery =
            mfa::confirm_totp(&t.db, &clock, &unsafe_assume_reauthenticated(&user), &code)
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

        recovery_codes_work_once_and_regenerate(&t, &clock, &user, &recovery).await;
    }
}

#[tokio::test]
async fn mailed_codes_work_once_and_for_ten_minutes() {
    let hasher = Hasher::new(2);
    for t in backends().await {
        let label = t.backend().name();
        let clock = Clock::manual(START_MS);
        let user = sign_up(&t.db, &clock, &hasher).await.user_id;
        assert_eq!(mfa::methods(&t.db, &user).await.unwrap(), None, "{label}");

        // Turning codes by email on needs a mailed code back.
        let code = mfa::issue_email_code(&t.db, &clock, &user).await.unwrap();
        assert!(
            code.len() == 6 && code.bytes().all(|b| b.is_ascii_digit()),
            "{code}"
        );
        let wrong = if code == "000000" { "000001" } else { "000000" };
        for bad in [wrong, "abcdef", "", &"1".repeat(500)] {
            let e = mfa::confirm_email_factor(
                &t.db,
                &clock,
                &unsafe_assume_reauthenticated(&user),
                bad,
            )
            .await
            .unwrap_err();
            assert_eq!(field(e), "code", "{label}: {bad:.10}");
        }
        mfa::confirm_email_factor(&t.db, &clock, &unsafe_assume_reauthenticated(&user), &code)
            .await
            .unwrap();
        assert_eq!(
            mfa::methods(&t.db, &user).await.unwrap(),
            Some(SecondFactorMethods {
                app: false,
                email: true,
                recovery_code: false
            }),
            "{label}"
        );
        assert_eq!(
            t.strings("SELECT code_hash FROM email_codes").await,
            Vec::<String>::new(),
            "{label}: the code was used up"
        );

        // At sign-in: once.
        let code = mfa::issue_email_code(&t.db, &clock, &user).await.unwrap();
        assert!(!t.strings("SELECT code_hash FROM email_codes").await[0].contains(&code));
        mfa::verify(&t.db, &clock, &user, &code).await.unwrap();
        assert!(
            mfa::verify(&t.db, &clock, &user, &code).await.is_err(),
            "{label}: replay"
        );

        // A newer code replaces the older one.
        let older = mfa::issue_email_code(&t.db, &clock, &user).await.unwrap();
        let newer = mfa::issue_email_code(&t.db, &clock, &user).await.unwrap();
        if older != newer {
            assert!(
                mfa::verify(&t.db, &clock, &user, &older).await.is_err(),
                "{label}"
            );
        }
        mfa::verify(&t.db, &clock, &user, &newer).await.unwrap();

        // Ten minutes on, a code is dead; a second less, it works.
        let code = mfa::issue_email_code(&t.db, &clock, &user).await.unwrap();
        clock.advance(Duration::from_secs(10 * 60 - 1));
        mfa::verify(&t.db, &clock, &user, &code).await.unwrap();
        let code = mfa::issue_email_code(&t.db, &clock, &user).await.unwrap();
        clock.advance(Duration::from_secs(10 * 60));
        assert!(
            mfa::verify(&t.db, &clock, &user, &code).await.is_err(),
            "{label}: expired"
        );

        mfa::disable_email(&t.db, &unsafe_assume_reauthenticated(&user))
            .await
            .unwrap();
        assert_eq!(mfa::methods(&t.db, &user).await.unwrap(), None, "{label}");
    }
}

#[tokio::test]
async fn wrong_codes_count_towards_lockout_across_password_sign_ins() {
    let hasher = Hasher::new(2);
    for t in backends().await {
        let label = t.backend().name();
        let clock = Clock::manual(START_MS);
        let user = sign_up(&t.db, &clock, &hasher).await.user_id;
        let key = enrol_app(&t.db, &clock, &user).await;
        clock.advance(Duration::from_secs(30));
        let ip = &Origin::new(Some("203.0.113.9".into()), None);
        let password_step = || async {
            authentication::authenticate(
                &t.db,
                &clock,
                &hasher,
                "ada@example.com",
                &Password::new(PASSWORD),
                ip,
            )
            .await
            .unwrap()
        };
        let checked = password_step().await;
        assert_eq!(checked.who.user_id, user);
        assert_eq!(
            checked.second_factor,
            Some(SecondFactorMethods {
                app: true,
                email: false,
                recovery_code: true
            }),
            "{label}"
        );

        // Two wrong codes, a right password again, two more wrong codes: the right password
        // did not wipe the count, and the fifth failure (default rule) locks.
        for _ in 0..2 {
            assert_eq!(
                field(
                    mfa::check(&t.db, &clock, &user, "000000", ip)
                        .await
                        .unwrap_err()
                ),
                "code"
            );
        }
        password_step().await;
        for bad in ["12345", "abcdef"] {
            assert_eq!(
                field(mfa::check(&t.db, &clock, &user, bad, ip).await.unwrap_err()),
                "code"
            );
        }
        let e = mfa::check(&t.db, &clock, &user, &"9".repeat(65), ip)
            .await
            .unwrap_err();
        match e {
            DomainError::Invalid { message, .. } => {
                assert_eq!(message, app::server::identity::lockout::LOCKED, "{label}")
            }
            other => panic!("{other:?}"),
        }
        // Locked: even the right code is refused.
        let right = app_code(&key, &clock, 0);
        assert!(
            mfa::check(&t.db, &clock, &user, &right, ip).await.is_err(),
            "{label}"
        );
        assert_eq!(events(&t, "second_factor_failed").await, 5, "{label}");
        assert_eq!(events(&t, "account_locked").await, 1, "{label}");
        // An empty code is a typing slip, not a guess.
        clock.advance(Duration::from_secs(15 * 60));
        assert!(mfa::check(&t.db, &clock, &user, " ", ip).await.is_err());
        assert_eq!(events(&t, "second_factor_failed").await, 5, "{label}");
        // When the lock lapses, the right code works.
        let right = app_code(&key, &clock, 0);
        mfa::check(&t.db, &clock, &user, &right, ip).await.unwrap();
    }
}

#[tokio::test]
async fn the_workspace_policy_decides_who_must_set_up_a_second_factor() {
    for t in backends().await {
        let label = t.backend().name();
        let clock = Clock::manual(START_MS);
        let f = Fixture::new(&t.db, &clock).await;
        let staff = f
            .add_member("grace@example.com", "Grace Hopper", "Staff")
            .await;
        let set_policy = |policy: MfaPolicy| {
            let f = &f;
            async move {
                let form = SettingsForm {
                    mfa_policy: policy.key().into(),
                    ..settings_form()
                };
                let g = f.grant::<app::permissions::keys::SettingsWrite>().await;
                settings::update(&f.db, &f.clock, &g, &form).await.unwrap();
            }
        };
        let required = |user: UserId| {
            let (db, clock, ws) = (&t.db, &clock, f.workspace.clone());
            async move {
                let by_rule = settings::mfa_required_for_user(db, clock, &user)
                    .await
                    .unwrap();
                let me = app::server::web::auth::current_user(db, clock, &user, &ws)
                    .await
                    .unwrap()
                    .unwrap();
                assert_eq!(
                    by_rule,
                    me.mfa_enrolment_required || mfa::methods(db, &user).await.unwrap().is_some()
                );
                me.mfa_enrolment_required
            }
        };
        assert!(!required(f.owner.clone()).await, "{label}: optional");
        assert!(!required(staff.clone()).await, "{label}: optional");

        // The editor must have a second factor before requiring one.
        let form = SettingsForm {
            mfa_policy: "admins".into(),
            ..settings_form()
        };
        let g = f.grant::<app::permissions::keys::SettingsWrite>().await;
        let e = settings::update(&t.db, &clock, &g, &form)
            .await
            .unwrap_err();
        assert_eq!(field(e), "mfa_policy", "{label}");
        assert_eq!(
            settings::load(&t.db, &f.workspace)
                .await
                .unwrap()
                .mfa_policy,
            MfaPolicy::Optional
        );
        enrol_app(&t.db, &clock, &f.owner).await;

        set_policy(MfaPolicy::Admins).await;
        assert!(
            settings::mfa_required_for_user(&t.db, &clock, &f.owner)
                .await
                .unwrap(),
            "{label}: the Owner administers"
        );
        assert!(!required(f.owner.clone()).await, "{label}: and has an app");
        assert!(!required(staff.clone()).await, "{label}: Staff does not");

        set_policy(MfaPolicy::Everyone).await;
        assert!(required(staff.clone()).await, "{label}: everyone");

        // Once they have a factor, nothing more is required of them.
        let code = mfa::issue_email_code(&t.db, &clock, &staff).await.unwrap();
        mfa::confirm_email_factor(&t.db, &clock, &unsafe_assume_reauthenticated(&staff), &code)
            .await
            .unwrap();
        assert!(!required(staff.clone()).await, "{label}: enrolled");
        assert_eq!(
            settings::load(&t.db, &f.workspace)
                .await
                .unwrap()
                .mfa_policy,
            MfaPolicy::Everyone
        );
    }
}
