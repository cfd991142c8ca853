//! Password reset links against real SQLite and PostgreSQL.

use std::time::Duration;

use app::server::identity::accounts::{self, SignUp};
use app::server::identity::authentication;
use app::server::identity::email_tokens::{
    self, RESET_MAILS_PER_WINDOW, RESET_MAIL_WINDOW_MS, RESET_PASSWORD_TTL_MS,
};
use app::server::identity::passwords::{Hasher, Password};
use app::server::platform::clock::Clock;
use app::server::platform::error::DomainError;
use app::server::platform::testing::backends;

const OLD: &str = "quiet lantern orbit mango";
const NEW: &str = "copper meadow violin tundra";

fn field(e: &DomainError) -> &'static str {
    match e {
        DomainError::Invalid { field, .. } => field,
        other => panic!("expected a field error, got {other:?}"),
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
        assert!(
            email_tokens::issue_reset(&t.db, &clock, "nobody@example.com")
                .await
                .unwrap()
                .is_none()
        );
        assert!(email_tokens::issue_reset(&t.db, &clock, "not an address")
            .await
            .unwrap()
            .is_none());
        let first = email_tokens::issue_reset(&t.db, &clock, "ADA@example.com")
            .await
            .unwrap()
            .expect("a link for a known address");
        assert_eq!(first.email, "ada@example.com", "{label}");
        let stored = t.strings("SELECT token_hash FROM email_tokens").await;
        assert!(
            stored.iter().all(|h| h != &first.token),
            "{label}: raw token stored"
        );

        // A newer link replaces the older one.
        let link = email_tokens::issue_reset(&t.db, &clock, "ada@example.com")
            .await
            .unwrap()
            .unwrap();
        let stale =
            email_tokens::reset_password(&t.db, &clock, &hasher, &first.token, &Password::new(NEW))
                .await
                .unwrap_err();
        assert_eq!(field(&stale), "token", "{label}");

        // Policy and history apply; a refusal leaves the link usable.
        for (bad, expected) in [
            ("short", "new_password"),
            (OLD, "new_password"),
            ("adalovelace12", "new_password"),
        ] {
            let e = email_tokens::reset_password(
                &t.db,
                &clock,
                &hasher,
                &link.token,
                &Password::new(bad),
            )
            .await
            .unwrap_err();
            assert_eq!(field(&e), expected, "{label}: {bad}");
        }
        t.db_exec(&format!(
            "INSERT INTO sessions (id_hash, data, expires_at, created_at, last_seen_at, user_id) \
             VALUES ('h1', '{{}}', {}, 0, 0, '{}')",
            i64::MAX / 2,
            account.user_id
        ))
        .await;
        let user =
            email_tokens::reset_password(&t.db, &clock, &hasher, &link.token, &Password::new(NEW))
                .await
                .unwrap();
        assert_eq!(user, account.user_id, "{label}");
        assert_eq!(
            t.row_counts(&["sessions"]).await[0].1,
            0,
            "{label}: sessions survived"
        );
        assert!(authentication::authenticate(
            &t.db,
            &clock,
            &hasher,
            "ada@example.com",
            &Password::new(NEW),
            None
        )
        .await
        .is_ok());
        assert!(authentication::authenticate(
            &t.db,
            &clock,
            &hasher,
            "ada@example.com",
            &Password::new(OLD),
            None
        )
        .await
        .is_err());
        let reused = email_tokens::reset_password(
            &t.db,
            &clock,
            &hasher,
            &link.token,
            &Password::new("a third strong passphrase here"),
        )
        .await
        .unwrap_err();
        assert_eq!(field(&reused), "token", "{label}: the link worked twice");

        // Links expire, and a password change kills any outstanding one. (An hour on, so the
        // links above no longer count towards the mail limit.)
        clock.advance(Duration::from_millis(RESET_MAIL_WINDOW_MS as u64));
        let late = email_tokens::issue_reset(&t.db, &clock, "ada@example.com")
            .await
            .unwrap()
            .unwrap();
        clock.advance(Duration::from_millis(RESET_PASSWORD_TTL_MS as u64 + 1));
        let expired = email_tokens::reset_password(
            &t.db,
            &clock,
            &hasher,
            &late.token,
            &Password::new("a third strong passphrase here"),
        )
        .await
        .unwrap_err();
        assert_eq!(field(&expired), "token", "{label}");
        let pending = email_tokens::issue_reset(&t.db, &clock, "ada@example.com")
            .await
            .unwrap()
            .unwrap();
        accounts::change_password(
            &t.db,
            &clock,
            &hasher,
            &account.user_id,
            &Password::new(NEW),
            &Password::new("a third strong passphrase here"),
        )
        .await
        .unwrap();
        let dead = email_tokens::reset_password(
            &t.db,
            &clock,
            &hasher,
            &pending.token,
            &Password::new("a fourth strong passphrase now"),
        )
        .await
        .unwrap_err();
        assert_eq!(
            field(&dead),
            "token",
            "{label}: the link outlived a password change"
        );
        for token in ["", &"x".repeat(10_000), "\u{0}\u{1}"] {
            let e =
                email_tokens::reset_password(&t.db, &clock, &hasher, token, &Password::new(NEW))
                    .await
                    .unwrap_err();
            assert_eq!(field(&e), "token", "{label}");
        }
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
