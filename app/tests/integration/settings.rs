//! Workspace security settings against real SQLite and PostgreSQL: validation, the password
//! policy on every path, expiry notices, and the session limits — all on an injected clock.

use std::sync::Arc;
use std::time::Duration;

use app::model::SecuritySettings;
use app::server::access::grants;
use app::server::audit::append::Origin;
use app::server::identity::accounts::{self, SignUp};
use app::server::identity::authentication::SignedIn;
use app::server::identity::passwords::{Hasher, Password};
use app::server::platform::clock::Clock;
use app::server::platform::error::DomainError;
use app::server::platform::mail::Mailer;
use app::server::platform::testing::{backends, TestDb};
use app::server::web::auth;
use app::server::web::context::ServerContext;
use app::server::web::session_store::DbSessionStore;
use app::server::workspace::settings::{self, SettingsForm};
use tower_sessions::Session;

const START_MS: i64 = 1_795_478_400_000;
const PASSWORD: &str = "quiet lantern orbit mango";
const MINUTE: Duration = Duration::from_secs(60);

/// Spoils one value of a valid form.
type Breaker = Box<dyn Fn(&mut SettingsForm)>;

pub(super) fn form(s: &SecuritySettings) -> SettingsForm {
    let opt = |n: Option<u16>| n.map(|n| n.to_string()).unwrap_or_default();
    SettingsForm {
        password_min_length: s.password_min_length.to_string(),
        password_require_lowercase: s.password_require_lowercase,
        password_require_uppercase: s.password_require_uppercase,
        password_require_digit: s.password_require_digit,
        password_require_symbol: s.password_require_symbol,
        password_min_strength: s.password_min_strength.to_string(),
        password_history: s.password_history.to_string(),
        password_expiry_days: opt(s.password_expiry_days),
        session_idle_minutes: s.session_idle_minutes.to_string(),
        session_absolute_hours: s.session_absolute_hours.to_string(),
        max_sessions_per_user: opt(s.max_sessions_per_user),
        lockout_threshold: s.lockout_threshold.to_string(),
        lockout_minutes: s.lockout_minutes.to_string(),
        mfa_policy: s.mfa_policy.key().into(),
    }
}

struct World {
    t: TestDb,
    ctx: ServerContext,
    owner: SignedIn,
    _mail: tempfile::TempDir,
}

impl World {
    async fn new(t: TestDb) -> Self {
        let clock = Clock::manual(START_MS);
        let hasher = Hasher::new(2);
        let mail = tempfile::tempdir().unwrap();
        let ctx = ServerContext {
            db: t.db.clone(),
            clock: clock.clone(),
            hasher: hasher.clone(),
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
        let account = accounts::sign_up(
            &t.db,
            &clock,
            &hasher,
            SignUp {
                email: "ada@example.com".into(),
                name: "Ada Lovelace".into(),
                password: Password::new(PASSWORD),
                workspace_name: "Analytical Engines".into(),
            },
        )
        .await
        .unwrap();
        let owner = SignedIn {
            user_id: account.user_id,
            workspace_id: account.workspace.id,
        };
        Self {
            t,
            ctx,
            owner,
            _mail: mail,
        }
    }

    async fn save(&self, s: &SecuritySettings) -> Result<SecuritySettings, DomainError> {
        let grant = grants::require::<app::permissions::keys::SettingsWrite>(
            &self.ctx.db,
            &self.ctx.clock,
            &self.owner.user_id,
            &self.owner.workspace_id,
        )
        .await?;
        settings::update(&self.ctx.db, &self.ctx.clock, &grant, &form(s)).await
    }

    /// A stored session, signed in as the owner.
    async fn sign_in(&self) -> Session {
        let store = DbSessionStore::new(self.ctx.db.clone(), self.ctx.clock.clone());
        let session = Session::new(None, Arc::new(store), None);
        auth::begin(&session, &self.ctx, &self.owner).await.unwrap();
        session.save().await.unwrap();
        session
    }

    async fn signed_in(&self, session: &Session) -> bool {
        auth::current(session, &self.ctx).await.unwrap().is_some()
    }
}

/// Each field a form can break, and how: the field the refusal must name.
fn bad_values() -> Vec<(&'static str, Breaker)> {
    vec![
        (
            "password_min_length",
            Box::new(|f| f.password_min_length = "7".into()),
        ),
        (
            "password_min_length",
            Box::new(|f| f.password_min_length = "129".into()),
        ),
        (
            "password_min_length",
            Box::new(|f| f.password_min_length = "".into()),
        ),
        (
            "password_min_length",
            Box::new(|f| f.password_min_length = "x".repeat(10_000)),
        ),
        (
            "password_min_strength",
            Box::new(|f| f.password_min_strength = "5".into()),
        ),
        (
            "password_history",
            Box::new(|f| f.password_history = "-1".into()),
        ),
        (
            "password_expiry_days",
            Box::new(|f| f.password_expiry_days = "0".into()),
        ),
        (
            "password_expiry_days",
            Box::new(|f| f.password_expiry_days = "12\u{0}".into()),
        ),
        (
            "session_idle_minutes",
            Box::new(|f| f.session_idle_minutes = "4".into()),
        ),
        (
            "session_absolute_hours",
            Box::new(|f| f.session_absolute_hours = "0".into()),
        ),
        (
            "max_sessions_per_user",
            Box::new(|f| f.max_sessions_per_user = "101".into()),
        ),
        (
            "lockout_threshold",
            Box::new(|f| f.lockout_threshold = "0".into()),
        ),
        (
            "lockout_minutes",
            Box::new(|f| f.lockout_minutes = "1441".into()),
        ),
        (
            "session_absolute_hours",
            Box::new(|f| {
                f.session_idle_minutes = "120".into();
                f.session_absolute_hours = "1".into();
            }),
        ),
    ]
}

#[tokio::test]
async fn every_bad_value_is_refused_by_name_and_nothing_is_saved() {
    for t in backends().await {
        let w = World::new(t).await;
        let label = w.t.backend().name();
        let ok = SecuritySettings::default();
        let cases = bad_values();
        let grant = grants::require::<app::permissions::keys::SettingsWrite>(
            &w.ctx.db,
            &w.ctx.clock,
            &w.owner.user_id,
            &w.owner.workspace_id,
        )
        .await
        .unwrap();
        for (field, break_it) in cases {
            let mut f = form(&ok);
            break_it(&mut f);
            match settings::update(&w.ctx.db, &w.ctx.clock, &grant, &f).await {
                Err(DomainError::Invalid { field: got, .. }) => assert_eq!(got, field, "{label}"),
                other => panic!("{label}: {field}: {other:?}"),
            }
        }
        assert_eq!(
            w.t.row_counts(&["workspace_settings"]).await[0].1,
            0,
            "{label}"
        );
        let tight = SecuritySettings {
            password_min_length: 20,
            max_sessions_per_user: Some(3),
            ..ok
        };
        assert_eq!(w.save(&tight).await.unwrap(), tight);
        assert_eq!(
            settings::load(&w.ctx.db, &w.owner.workspace_id)
                .await
                .unwrap(),
            tight,
            "{label}"
        );
    }
}

#[tokio::test]
async fn the_workspace_policy_applies_to_changes_and_the_strictest_one_wins() {
    for t in backends().await {
        let w = World::new(t).await;
        let w = &w;
        let label = w.t.backend().name();
        w.save(&SecuritySettings {
            password_min_length: 30,
            password_require_digit: true,
            ..SecuritySettings::default()
        })
        .await
        .unwrap();
        let change = |new: &'static str| async move {
            accounts::change_password(
                &w.ctx.db,
                &w.ctx.clock,
                &w.ctx.hasher,
                &w.owner.user_id,
                &Password::new(PASSWORD),
                &Password::new(new),
                &Origin::default(),
            )
            .await
        };
        let short = change("copper meadow violin tundra").await.unwrap_err();
        assert!(
            short.to_string().contains("30 characters"),
            "{label}: {short}"
        );
        let no_digit = change("copper meadow violin tundra harbor")
            .await
            .unwrap_err();
        assert!(
            no_digit.to_string().contains("digit"),
            "{label}: {no_digit}"
        );
        change("copper meadow violin tundra harbor 7")
            .await
            .unwrap();
    }
}

#[tokio::test]
async fn passwords_expire_with_fourteen_days_notice() {
    for t in backends().await {
        let w = World::new(t).await;
        let label = w.t.backend().name();
        let me = || async {
            app::server::web::auth::current_user(
                &w.ctx.db,
                &w.ctx.clock,
                &w.owner.user_id,
                &w.owner.workspace_id,
            )
            .await
            .unwrap()
            .unwrap()
        };
        assert_eq!(
            me().await.password_expires_at_ms,
            None,
            "{label}: off by default"
        );
        w.save(&SecuritySettings {
            password_expiry_days: Some(30),
            ..SecuritySettings::default()
        })
        .await
        .unwrap();
        let day = 24 * 60 * MINUTE;
        assert!(!me().await.password_expires_soon, "{label}");
        w.ctx.clock.advance(15 * day);
        assert!(!me().await.password_expires_soon, "{label}: 15 days left");
        w.ctx.clock.advance(day);
        assert!(me().await.password_expires_soon, "{label}: 14 days left");
        w.ctx.clock.advance(14 * day);
        let expired = me().await;
        assert!(
            expired.password_expired && !expired.password_expires_soon,
            "{label}"
        );
        accounts::change_password(
            &w.ctx.db,
            &w.ctx.clock,
            &w.ctx.hasher,
            &w.owner.user_id,
            &Password::new(PASSWORD),
            &Password::new("copper meadow violin tundra"),
            &Origin::default(),
        )
        .await
        .unwrap();
        let renewed = me().await;
        assert!(
            !renewed.password_expired && !renewed.password_expires_soon,
            "{label}"
        );
    }
}

#[tokio::test]
async fn sessions_follow_the_workspace_idle_timeout_absolute_lifetime_and_limit() {
    for t in backends().await {
        let w = World::new(t).await;
        let label = w.t.backend().name();
        w.save(&SecuritySettings {
            session_idle_minutes: 10,
            session_absolute_hours: 1,
            max_sessions_per_user: Some(2),
            ..SecuritySettings::default()
        })
        .await
        .unwrap();

        // Idle: each request within 10 minutes keeps it; 10 quiet minutes end it.
        let s = w.sign_in().await;
        w.ctx.clock.advance(9 * MINUTE);
        assert!(w.signed_in(&s).await, "{label}");
        w.ctx.clock.advance(9 * MINUTE);
        assert!(
            w.signed_in(&s).await,
            "{label}: activity renews the idle timeout"
        );
        w.ctx.clock.advance(10 * MINUTE);
        assert!(!w.signed_in(&s).await, "{label}: idle session lived on");

        // Absolute: active every 8 minutes, still over after an hour.
        let s = w.sign_in().await;
        for _ in 0..7 {
            w.ctx.clock.advance(8 * MINUTE);
            assert!(w.signed_in(&s).await, "{label}");
        }
        w.ctx.clock.advance(5 * MINUTE);
        assert!(
            !w.signed_in(&s).await,
            "{label}: past the absolute lifetime"
        );

        // Limit: a third sign-in ends the oldest.
        w.t.db_exec("DELETE FROM sessions").await;
        let first = w.sign_in().await;
        w.ctx.clock.advance(MINUTE);
        let second = w.sign_in().await;
        w.ctx.clock.advance(MINUTE);
        let third = w.sign_in().await;
        assert_eq!(w.t.row_counts(&["sessions"]).await[0].1, 2, "{label}");
        let fresh = |s: &Session| {
            let store = DbSessionStore::new(w.ctx.db.clone(), w.ctx.clock.clone());
            Session::new(s.id(), Arc::new(store), None)
        };
        assert!(
            !w.signed_in(&fresh(&first)).await,
            "{label}: the oldest survived"
        );
        assert!(w.signed_in(&fresh(&second)).await, "{label}");
        assert!(w.signed_in(&fresh(&third)).await, "{label}");
    }
}

#[tokio::test]
async fn only_settings_write_may_change_settings() {
    for t in backends().await {
        let w = World::new(t).await;
        let label = w.t.backend().name();
        let guest = accounts::sign_up(
            &w.ctx.db,
            &w.ctx.clock,
            &w.ctx.hasher,
            SignUp {
                email: "eve@example.com".into(),
                name: "Eve".into(),
                password: Password::new(PASSWORD),
                workspace_name: "Elsewhere".into(),
            },
        )
        .await
        .unwrap();
        // Eve owns her workspace, not Ada's.
        let refused = grants::require::<app::permissions::keys::SettingsWrite>(
            &w.ctx.db,
            &w.ctx.clock,
            &guest.user_id,
            &w.owner.workspace_id,
        )
        .await;
        assert!(matches!(refused, Err(DomainError::Forbidden)), "{label}");
        assert_eq!(
            w.t.row_counts(&["workspace_settings"]).await[0].1,
            0,
            "{label}"
        );
    }
}
