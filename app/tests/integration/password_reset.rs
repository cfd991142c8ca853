//! Password reset links against real SQLite and PostgreSQL.

use std::time::Duration;

use app::model::UserId;
use app::server::audit::append::Origin;
use app::server::identity::accounts::{self, SignUp};
use app::server::identity::authentication;
use app::server::identity::email_tokens::{
    self, ResetLink, RESET_MAILS_PER_WINDOW, RESET_MAIL_WINDOW_MS, RESET_PASSWORD_TTL_MS,
};
use app::server::identity::passwords::{Hasher, Password};
use app::server::platform::clock::Clock;
use app::server::platform::error::DomainError;
use app::server::platform::testing::{backends, TestDb};

const OLD: &str = "quiet lantern orbit mango";
const NEW: &str = "copper meadow violin tundra";

fn field(e: &DomainError) -> &'static str {
    match e {
        DomainError::Invalid { field, .. } => field,
        other => panic!("expected a field error, got {other:?}"),
    }
}

/// One database and clock, and the calls the reset test makes over and over.
struct Resets<'a> {
    t: &'a TestDb,
    clock: &'a Clock,
    hasher: &'a Hasher,
}

impl Resets<'_> {
    async fn issue(&self, email: &str) -> Option<ResetLink> {
        email_tokens::issue_reset(&self.t.db, self.clock, email)
            .await
            .unwrap()
    }

    async fn reset(&self, token: &str, password: &str) -> Result<UserId, DomainError> {
        let password = Password::new(password);
        email_tokens::reset_password(
            &self.t.db,
            self.clock,
            self.hasher,
            token,
            &password,
            &Origin::default(),
        )
        .await
    }

    /// The field a refused reset names.
    async fn refusal(&self, token: &str, password: &str) -> &'static str {
        field(&self.reset(token, password).await.unwrap_err())
    }

    async fn signs_in(&self, password: &str) -> bool {
        let password = Password::new(password);
        authentication::authenticate(
            &self.t.db,
            self.clock,
            self.hasher,
            "ada@example.com",
            &password,
            &Origin::default(),
        )
        .await
        .is_ok()
    }
}

/// Links go only to known addresses, are stored hashed, and a newer one replaces the older.
/// Returns the link that stands.
async fn links_are_issued_hashed_and_replaced(r: &Resets<'_>, label: &str) -> ResetLink {
    assert!(r.issue("nobody@example.com").await.is_none());
    assert!(r.issue("not an address").await.is_none());
    let first = r
        .issue("ADA@example.com")
        .await
        .expect("a link for a known address");
    assert_eq!(first.email, "ada@example.com", "{label}");
    let stored = r.t.strings("SELECT token_hash FROM email_tokens").await;
    assert!(
        stored.iter().all(|h| h != &first.token),
        "{label}: raw token stored"
    );
    let link = r.issue("ada@example.com").await.unwrap();
    assert_eq!(r.refusal(&first.token, NEW).await, "token", "{label}");
    link
}

/// Policy and history apply and a refusal leaves the link usable; the reset ends every
/// session, changes the password, and the link works once.
async fn a_link_sets_a_vetted_password_once(
    r: &Resets<'_>,
    label: &str,
    link: &ResetLink,
    user: &UserId,
) {
    for bad in ["short", OLD, "adalovelace12"] {
        assert_eq!(
            r.refusal(&link.token, bad).await,
            "new_password",
            "{label}: {bad}"
        );
    }
    r.t.db_exec(&format!(
        "INSERT INTO sessions (id_hash, data, expires_at, created_at, last_seen_at, user_id) \
         VALUES ('h1', '{{}}', {}, 0, 0, '{}')",
        i64::MAX / 2,
        user
    ))
    .await;
    assert_eq!(&r.reset(&link.token, NEW).await.unwrap(), user, "{label}");
    assert_eq!(
        r.t.row_counts(&["sessions"]).await[0].1,
        0,
        "{label}: sessions survived"
    );
    assert!(r.signs_in(NEW).await, "{label}");
    assert!(!r.signs_in(OLD).await, "{label}");
    assert_eq!(
        r.refusal(&link.token, "a third strong passphrase here")
            .await,
        "token",
        "{label}: the link worked twice"
    );
}

/// Links expire, and a password change kills any outstanding one. (An hour on, so the links
/// above no longer count towards the mail limit.) Garbage tokens are refused by field.
async fn links_expire_and_die_with_a_password_change(r: &Resets<'_>, label: &str, user: &UserId) {
    r.clock
        .advance(Duration::from_millis(RESET_MAIL_WINDOW_MS as u64));
    let late = r.issue("ada@example.com").await.unwrap();
    r.clock
        .advance(Duration::from_millis(RESET_PASSWORD_TTL_MS as u64 + 1));
    let third = "a third strong passphrase here";
    assert_eq!(r.refusal(&late.token, third).await, "token", "{label}");
    let pending = r.issue("ada@example.com").await.unwrap();
    let (old, new) = (Password::new(NEW), Password::new(third));
    accounts::change_password(
        &r.t.db,
        r.clock,
        r.hasher,
        user,
        &old,
        &new,
        &Origin::default(),
    )
    .await
    .unwrap();
    assert_eq!(
        r.refusal(&pending.token, "a fourth strong passphrase now")
            .await,
        "token",
        "{label}: the link outlived a password change"
    );
    for token in ["", &"x".repeat(10_000), "\u{0}\u{1}"] {
        assert_eq!(r.refusal(token, NEW).await, "token", "{label}");
    }
}

#[tokio::test]
async fn a_reset_link_sets_a_vetted_password_once_and_ends_every_session() {
    let hasher = Hasher::new(2);
    for t in backends().await {
        let label = t.backend().name();
        let clock = Clock::manual(1_795_478_400_000);
        let account = accounts::sign_up(
            &t.db,
            &clock,
            &hasher,
            SignUp {
                email: "ada@example.com".into(),
                name: "Ada Lovelace".into(),
                password: Password::new(OLD),
                workspace_name: "Analytical Engines".into(),
            },
        )
        .await
        .unwrap();
        let r = Resets {
            t: &t,
            clock: &clock,
            hasher: &hasher,
        };
        let link = links_are_issued_hashed_and_replaced(&r, label).await;
        a_link_sets_a_vetted_password_once(&r, label, &link, &account.user_id).await;
        links_expire_and_die_with_a_password_change(&r, label, &account.user_id).await;
    }
}

#[tokio::test]
async fn one_account_gets_a_few_reset_links_an_hour_whoever_asks() {
    let hasher = Hasher::new(2);
    for t in backends().await {
        let label = t.backend().name();
        let clock = Clock::manual(1_795_478_400_000);
        accounts::sign_up(
            &t.db,
            &clock,
            &hasher,
            SignUp {
                email: "ada@example.com".into(),
                name: "Ada Lovelace".into(),
                password: Password::new(OLD),
                workspace_name: "Analytical Engines".into(),
            },
        )
        .await
        .unwrap();
        for i in 0..RESET_MAILS_PER_WINDOW {
            clock.advance(Duration::from_secs(60));
            assert!(
                email_tokens::issue_reset(&t.db, &clock, "ada@example.com")
                    .await
                    .unwrap()
                    .is_some(),
                "{label}: link {i}"
            );
        }
        let before = t.strings("SELECT token_hash FROM email_tokens").await;
        assert!(
            email_tokens::issue_reset(&t.db, &clock, "ADA@example.com")
                .await
                .unwrap()
                .is_none(),
            "{label}: one link too many"
        );
        assert_eq!(
            t.strings("SELECT token_hash FROM email_tokens").await,
            before,
            "{label}: a refused request changed the links"
        );
        // The budget refills as the hour moves on.
        clock.advance(Duration::from_millis(RESET_MAIL_WINDOW_MS as u64));
        assert!(email_tokens::issue_reset(&t.db, &clock, "ada@example.com")
            .await
            .unwrap()
            .is_some());
    }
}
