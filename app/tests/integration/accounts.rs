//! Sign-up against real SQLite and PostgreSQL.

use app::server::audit::append::Origin;
use app::server::identity::accounts::{self, SignUp};
use app::server::identity::authentication;
use app::server::identity::passwords::{Hasher, Password};
use app::server::platform::clock::Clock;
use app::server::platform::error::DomainError;
use app::server::platform::testing::{backends, TestDb};

const TABLES: &[&str] = &[
    "users",
    "workspaces",
    "roles",
    "memberships",
    "role_assignments",
    "password_history",
];

fn form(email: &str, password: &str) -> SignUp {
    SignUp {
        email: email.into(),
        name: "Ada Lovelace".into(),
        password: Password::new(password),
        workspace_name: "Analytical Engines".into(),
    }
}

async fn counts(t: &TestDb) -> Vec<(String, i64)> {
    t.row_counts(TABLES).await
}

#[tokio::test]
async fn sign_up_creates_the_person_their_workspace_base_roles_and_ownership() {
    let hasher = Hasher::new(2);
    for t in backends().await {
        let label = t.backend().name();
        let clock = Clock::manual(1_795_478_400_000);
        let account = accounts::sign_up(
            &t.db,
            &clock,
            &hasher,
            form("Ada@Example.com", "quiet lantern orbit mango"),
        )
        .await
        .unwrap();
        assert_eq!(account.workspace.name, "Analytical Engines", "{label}");
        assert_eq!(account.workspace.slug, "analytical-engines", "{label}");

        let roles = t
            .strings(&format!(
                "SELECT name FROM roles WHERE workspace_id = '{}' ORDER BY name",
                account.workspace.id
            ))
            .await;
        assert_eq!(roles, ["Guest", "Manager", "Owner", "Staff"], "{label}");
        let held = t
            .strings(&format!(
                "SELECT r.base_role FROM role_assignments a JOIN roles r ON r.id = a.role_id \
                 WHERE a.user_id = '{}' AND a.workspace_id = '{}'",
                account.user_id, account.workspace.id
            ))
            .await;
        assert_eq!(held, ["owner"], "{label}");
        let stored = t
            .strings("SELECT email || ' ' || email_key || ' ' || password_hash FROM users")
            .await;
        assert_eq!(stored.len(), 1, "{label}");
        assert!(
            stored[0]
                .starts_with("Ada@Example.com ada@example.com $argon2id$v=19$m=19456,t=2,p=1$"),
            "{label}: {}",
            stored[0]
        );
        assert!(
            !stored[0].contains("quiet lantern"),
            "{label}: plain password stored"
        );
        assert_eq!(
            counts(&t).await.iter().map(|(_, n)| *n).collect::<Vec<_>>(),
            [1, 1, 4, 1, 1, 1],
            "{label}"
        );
    }
}

#[tokio::test]
async fn a_second_sign_up_with_the_same_address_in_any_case_changes_nothing() {
    let hasher = Hasher::new(2);
    for t in backends().await {
        let label = t.backend().name();
        let clock = Clock::manual(0);
        accounts::sign_up(
            &t.db,
            &clock,
            &hasher,
            form("ada@example.com", "quiet lantern orbit mango"),
        )
        .await
        .unwrap();
        let before = counts(&t).await;
        let err = accounts::sign_up(
            &t.db,
            &clock,
            &hasher,
            form("ADA@example.COM", "another fine passphrase"),
        )
        .await
        .unwrap_err();
        assert!(
            matches!(&err, DomainError::Invalid { field: "email", message } if message.contains("already exists")),
            "{label}: {err:?}"
        );
        // The workspace insert came after the failed user insert in the same transaction:
        // nothing of the second attempt may remain.
        assert_eq!(counts(&t).await, before, "{label}");
    }
}

#[tokio::test]
async fn each_bad_field_is_named_and_nothing_is_written() {
    let hasher = Hasher::new(2);
    for t in backends().await {
        let label = t.backend().name();
        let clock = Clock::manual(0);
        let before = counts(&t).await;
        let long = "x".repeat(10_000);
        let cases: Vec<(SignUp, &str)> = vec![
            (form("", "quiet lantern orbit mango"), "email"),
            (form("not-an-address", "quiet lantern orbit mango"), "email"),
            (form(&long, "quiet lantern orbit mango"), "email"),
            (form("ada@example.com", ""), "password"),
            (form("ada@example.com", "password1234"), "password"),
            (form("ada@example.com", "adalovelace1"), "password"),
            (form("ada@example.com", &long), "password"),
            (
                SignUp {
                    name: "\u{7}".into(),
                    ..form("ada@example.com", "quiet lantern orbit mango")
                },
                "name",
            ),
            (
                SignUp {
                    name: long.clone(),
                    ..form("ada@example.com", "quiet lantern orbit mango")
                },
                "name",
            ),
            (
                SignUp {
                    workspace_name: "".into(),
                    ..form("ada@example.com", "quiet lantern orbit mango")
                },
                "workspace_name",
            ),
        ];
        for (input, field) in cases {
            let shown = format!("{input:?}").chars().take(120).collect::<String>();
            let err = accounts::sign_up(&t.db, &clock, &hasher, input)
                .await
                .unwrap_err();
            assert!(
                matches!(err, DomainError::Invalid { field: f, .. } if f == field),
                "{label}: {shown} gave {err:?}, expected a {field} error"
            );
        }
        assert_eq!(counts(&t).await, before, "{label}");
    }
}

#[tokio::test]
async fn changing_a_password_checks_the_current_one_the_policy_and_recent_reuse() {
    let hasher = Hasher::new(2);
    for t in backends().await {
        let label = t.backend().name();
        let clock = Clock::manual(0);
        let account = accounts::sign_up(
            &t.db,
            &clock,
            &hasher,
            form("ada@example.com", "quiet lantern orbit mango"),
        )
        .await
        .unwrap();
        let change = |current: &str, new: &str| {
            let (current, new) = (Password::new(current), Password::new(new));
            let (db, clock, hasher, user) = (&t.db, &clock, &hasher, &account.user_id);
            async move {
                accounts::change_password(
                    db,
                    clock,
                    hasher,
                    user,
                    &current,
                    &new,
                    &Origin::default(),
                )
                .await
            }
        };
        let field_of = |r: Result<(), DomainError>| match r {
            Err(DomainError::Invalid { field, .. }) => field,
            other => panic!("{label}: expected a field error, got {other:?}"),
        };
        let before = counts(&t).await;
        assert_eq!(
            field_of(change("wrong current", "brand new pass phrase").await),
            "current_password"
        );
        assert_eq!(
            field_of(change("quiet lantern orbit mango", "short").await),
            "new_password"
        );
        assert_eq!(
            field_of(change("quiet lantern orbit mango", "adalovelace12").await),
            "new_password"
        );
        // The current password is the most recent one in the history.
        assert_eq!(
            field_of(change("quiet lantern orbit mango", "quiet lantern orbit mango").await),
            "new_password"
        );
        assert_eq!(
            counts(&t).await,
            before,
            "{label}: a refused change wrote something"
        );

        clock.advance(std::time::Duration::from_secs(1));
        change("quiet lantern orbit mango", "copper meadow signal violet")
            .await
            .unwrap();
        assert!(
            authentication::authenticate(
                &t.db,
                &clock,
                &hasher,
                "ada@example.com",
                &Password::new("copper meadow signal violet"),
                &Origin::default(),
            )
            .await
            .is_ok(),
            "{label}"
        );
        assert!(
            authentication::authenticate(
                &t.db,
                &clock,
                &hasher,
                "ada@example.com",
                &Password::new("quiet lantern orbit mango"),
                &Origin::default(),
            )
            .await
            .is_err(),
            "{label}"
        );
        // Going back to the first password counts as reuse.
        clock.advance(std::time::Duration::from_secs(1));
        assert_eq!(
            field_of(change("copper meadow signal violet", "quiet lantern orbit mango").await),
            "new_password"
        );
        assert_eq!(t.row_counts(&["password_history"]).await[0].1, 2, "{label}");
    }
}

#[tokio::test]
async fn verification_links_work_once_and_expire_after_a_day() {
    use app::server::identity::email_tokens;
    let hasher = Hasher::new(2);
    for t in backends().await {
        let label = t.backend().name();
        let clock = Clock::manual(1_000_000);
        let account = accounts::sign_up(
            &t.db,
            &clock,
            &hasher,
            form("ada@example.com", "quiet lantern orbit mango"),
        )
        .await
        .unwrap();
        let verified = || async {
            t.strings(
                "SELECT CASE WHEN email_verified_at IS NULL THEN 'no' ELSE 'yes' END FROM users",
            )
            .await
        };
        let stale = email_tokens::issue_verify_email(&t.db, &clock, &account.user_id)
            .await
            .unwrap();
        clock.advance(std::time::Duration::from_millis(
            u64::try_from(email_tokens::VERIFY_EMAIL_TTL_MS).unwrap(),
        ));
        let fresh = email_tokens::issue_verify_email(&t.db, &clock, &account.user_id)
            .await
            .unwrap();
        for token in [stale.as_str(), "", "unknown-token", &"x".repeat(10_000)] {
            let err = email_tokens::verify_email(&t.db, &clock, token)
                .await
                .unwrap_err();
            assert!(
                matches!(err, DomainError::Invalid { field: "token", .. }),
                "{label}: {err:?}"
            );
        }
        assert_eq!(verified().await, ["no"], "{label}");
        email_tokens::verify_email(&t.db, &clock, &fresh)
            .await
            .unwrap();
        assert_eq!(verified().await, ["yes"], "{label}");
        assert!(
            email_tokens::verify_email(&t.db, &clock, &fresh)
                .await
                .is_err(),
            "{label}: reused"
        );
    }
}
