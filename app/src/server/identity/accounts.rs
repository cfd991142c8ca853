//! Accounts: people, their sign-up, and the workspaces they belong to.

use std::str::FromStr;

use sqlx::Row;

use crate::model::{UserId, WorkspaceSummary};
use crate::server::audit::append::Origin;
use crate::server::identity::password_policy::PasswordPolicy;
use crate::server::identity::passwords::Verified;
use crate::server::identity::passwords::{Hasher, Password};
use crate::server::platform::clock::Clock;
use crate::server::platform::db::Db;
use crate::server::platform::error::DomainError;
use crate::server::platform::text::LineField;
use crate::server::{access::roles, identity::workspaces};
use workspaces::WorkspaceName;

pub const EMAIL_MAX_CHARS: usize = 254;
/// People are reminded this long before their password expires.
pub const PASSWORD_EXPIRY_NOTICE_MS: i64 = 14 * 24 * 60 * 60 * 1000;
pub const NAME_MAX_CHARS: usize = 100;

/// A syntactically valid address. `key` is the form uniqueness and look-ups use: addresses are
/// compared without regard to case.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct EmailAddress {
    address: String,
    key: String,
}

impl EmailAddress {
    pub fn parse(raw: &str) -> Result<Self, DomainError> {
        let invalid = |m: &str| DomainError::invalid("email", m);
        let address = raw.trim();
        if address.is_empty() {
            return Err(invalid("Enter your email address."));
        }
        if address.chars().count() > EMAIL_MAX_CHARS {
            return Err(invalid("Use at most 254 characters."));
        }
        if address.chars().any(|c| c.is_control() || c.is_whitespace()) {
            return Err(invalid(
                "An email address can't contain spaces or control characters.",
            ));
        }
        lettre::Address::from_str(address)
            .map_err(|_| invalid("Enter an email address like name@example.com."))?;
        Ok(Self {
            address: address.to_owned(),
            key: address.to_lowercase(),
        })
    }

    pub fn as_str(&self) -> &str {
        &self.address
    }

    pub fn key(&self) -> &str {
        &self.key
    }

    pub fn local_part(&self) -> &str {
        self.address.rsplit_once('@').map_or("", |(local, _)| local)
    }
}

/// A person's name as they want it shown: any script, trimmed, 1–100 characters.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DisplayName(String);

impl DisplayName {
    pub fn parse(raw: &str) -> Result<Self, DomainError> {
        LineField {
            field: "name",
            subject: "Your name",
            empty_message: "Enter your name.",
            max_chars: NAME_MAX_CHARS,
        }
        .clean(raw)
        .map(Self)
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// What the sign-up form sends.
#[derive(Debug)]
pub struct SignUp {
    pub email: String,
    pub name: String,
    pub password: Password,
    pub workspace_name: String,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewAccount {
    pub user_id: UserId,
    pub workspace: WorkspaceSummary,
}

/// Creates the person, their workspace with its base roles, and makes them its Owner — all or
/// nothing.
pub async fn sign_up(
    db: &Db,
    clock: &Clock,
    hasher: &Hasher,
    input: SignUp,
) -> Result<NewAccount, DomainError> {
    let email = EmailAddress::parse(&input.email)?;
    let name = DisplayName::parse(&input.name)?;
    let workspace_name = WorkspaceName::parse(&input.workspace_name)?;
    // A new workspace starts with the default policy; its Owner can tighten it afterwards.
    PasswordPolicy::default().check(
        "password",
        input.password.expose(),
        &[
            name.as_str(),
            email.as_str(),
            email.local_part(),
            workspace_name.as_str(),
        ],
    )?;
    // Hash before the transaction opens: argon2 takes tens of milliseconds and a write
    // transaction should not wait on it.
    let hash = hasher.hash(&input.password).await?;

    let mut tx = db.begin_write().await?;
    let user_id = insert_user(
        &mut tx,
        clock,
        &email,
        &name,
        &hash,
        "email",
        "An account with this email address already exists. Sign in instead.",
    )
    .await?;
    let workspace = found_workspace(&mut tx, clock, &user_id, &workspace_name).await?;
    tx.commit().await?;
    Ok(NewAccount { user_id, workspace })
}

/// Inserts a person and their first password-history entry inside the caller's transaction.
/// An address already taken is refused on `field` with the message `taken`.
pub(crate) async fn insert_user(
    tx: &mut sqlx::AnyConnection,
    clock: &Clock,
    email: &EmailAddress,
    name: &DisplayName,
    password_hash: &str,
    field: &'static str,
    taken: &'static str,
) -> Result<UserId, DomainError> {
    let now = clock.now_ms();
    let user = UserId::fresh();
    sqlx::query(
        "INSERT INTO users (id, email, email_key, display_name, password_hash, \
         password_changed_at, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7)",
    )
    .bind(user.as_str())
    .bind(email.as_str())
    .bind(email.key())
    .bind(name.as_str())
    .bind(password_hash)
    .bind(now)
    .bind(now)
    .execute(&mut *tx)
    .await
    .map_err(|e| DomainError::on_unique(e, || DomainError::invalid(field, taken)))?;
    sqlx::query(
        "INSERT INTO password_history (id, user_id, password_hash, created_at) \
         VALUES ($1, $2, $3, $4)",
    )
    .bind(uuid::Uuid::now_v7().to_string())
    .bind(user.as_str())
    .bind(password_hash)
    .bind(now)
    .execute(&mut *tx)
    .await?;
    Ok(user)
}

/// Creates a workspace with its base roles and makes `owner` its Owner, inside the caller's
/// transaction.
async fn found_workspace(
    tx: &mut sqlx::AnyConnection,
    clock: &Clock,
    owner: &UserId,
    name: &WorkspaceName,
) -> Result<WorkspaceSummary, DomainError> {
    let now = clock.now_ms();
    let workspace = workspaces::insert(tx, clock, name).await?;
    let owner_role = roles::create_base_roles(tx, &workspace.id, now).await?;
    crate::server::access::sod::seed(tx, &workspace.id, now).await?;
    sqlx::query("INSERT INTO memberships (workspace_id, user_id, created_at) VALUES ($1, $2, $3)")
        .bind(workspace.id.as_str())
        .bind(owner.as_str())
        .bind(now)
        .execute(&mut *tx)
        .await?;
    sqlx::query(
        "INSERT INTO role_assignments (workspace_id, user_id, role_id, created_at) \
         VALUES ($1, $2, $3, $4)",
    )
    .bind(workspace.id.as_str())
    .bind(owner.as_str())
    .bind(owner_role.as_str())
    .bind(now)
    .execute(&mut *tx)
    .await?;
    Ok(workspace)
}

/// A further workspace for someone who already has an account; they become its Owner.
pub async fn create_workspace(
    db: &Db,
    clock: &Clock,
    owner: &UserId,
    name: &WorkspaceName,
) -> Result<WorkspaceSummary, DomainError> {
    let mut tx = db.begin_write().await?;
    let workspace = found_workspace(&mut tx, clock, owner, name).await?;
    tx.commit().await?;
    Ok(workspace)
}

/// Replaces `user`'s password after checking the current one, the policy, and that the new
/// one is not among the last `history` passwords. Ending other sessions is the caller's part:
/// it knows which session to keep.
pub async fn change_password(
    db: &Db,
    clock: &Clock,
    hasher: &Hasher,
    user: &UserId,
    current: &Password,
    new: &Password,
    origin: &Origin,
) -> Result<(), DomainError> {
    use crate::server::identity::security_events::{record, EventKind, Subject};
    let stored: String = sqlx::query("SELECT password_hash FROM users WHERE id = $1")
        .bind(user.as_str())
        .fetch_optional(db.pool())
        .await?
        .ok_or(DomainError::NotFound)?
        .try_get("password_hash")?;
    if hasher.verify(current, &stored).await? == Verified::No {
        return Err(DomainError::invalid(
            "current_password",
            "That is not your current password.",
        ));
    }
    let hash = vet_new_password(db, hasher, user, new, "new_password").await?;
    let mut tx = db.begin_write().await?;
    store_password(&mut tx, clock, user, &hash).await?;
    let subject = Subject {
        user: Some(user),
        actor: Some(user),
        origin: Some(origin),
        ..Subject::default()
    };
    record(&mut tx, clock, EventKind::PasswordChanged, subject).await?;
    tx.commit().await?;
    Ok(())
}

/// Checks a new password for `user` against the policy and their recent passwords; returns its
/// hash. `field` is the form field errors name. Nothing is written.
pub(crate) async fn vet_new_password(
    db: &Db,
    hasher: &Hasher,
    user: &UserId,
    new: &Password,
    field: &'static str,
) -> Result<String, DomainError> {
    let row = sqlx::query("SELECT email, display_name FROM users WHERE id = $1")
        .bind(user.as_str())
        .fetch_optional(db.pool())
        .await?
        .ok_or(DomainError::NotFound)?;
    let email: String = row.try_get("email")?;
    let name: String = row.try_get("display_name")?;
    let local = email.rsplit_once('@').map_or("", |(l, _)| l).to_owned();
    let policy = crate::server::workspace::settings::policy_for_user(db, user).await?;
    policy.check(field, new.expose(), &[&name, &email, &local])?;

    let recent = sqlx::query(
        "SELECT password_hash FROM password_history WHERE user_id = $1 \
         ORDER BY created_at DESC, id DESC LIMIT $2",
    )
    .bind(user.as_str())
    .bind(i64::from(policy.history))
    .fetch_all(db.pool())
    .await?;
    for old in &recent {
        let old: String = old.try_get("password_hash")?;
        if matches!(hasher.verify(new, &old).await?, Verified::Yes { .. }) {
            return Err(DomainError::invalid(
                field,
                format!(
                    "Choose a password you have not used for your last {} changes.",
                    policy.history
                ),
            ));
        }
    }
    hasher.hash(new).await
}

/// Writes a vetted password hash inside the caller's transaction: the user row, the history,
/// and every outstanding reset link of theirs, which dies with the old password.
pub(crate) async fn store_password(
    tx: &mut sqlx::AnyConnection,
    clock: &Clock,
    user: &UserId,
    hash: &str,
) -> Result<(), DomainError> {
    let now = clock.now_ms();
    sqlx::query("UPDATE users SET password_hash = $1, password_changed_at = $2 WHERE id = $3")
        .bind(hash)
        .bind(now)
        .bind(user.as_str())
        .execute(&mut *tx)
        .await?;
    sqlx::query(
        "INSERT INTO password_history (id, user_id, password_hash, created_at) \
         VALUES ($1, $2, $3, $4)",
    )
    .bind(uuid::Uuid::now_v7().to_string())
    .bind(user.as_str())
    .bind(hash)
    .bind(now)
    .execute(&mut *tx)
    .await?;
    sqlx::query(
        "UPDATE email_tokens SET used_at = $1 \
         WHERE user_id = $2 AND purpose = 'reset_password' AND used_at IS NULL",
    )
    .bind(now)
    .bind(user.as_str())
    .execute(&mut *tx)
    .await?;
    Ok(())
}

/// Marks `user`'s address confirmed without a mailed link. Only for accounts whose address is
/// known good by other means: the demo seed (its address is undeliverable by design).
pub async fn mark_email_verified(db: &Db, clock: &Clock, user: &UserId) -> Result<(), DomainError> {
    let mut conn = db.pool().acquire().await?;
    confirm_email(&mut conn, clock, user).await
}

/// Records `user`'s address as confirmed (once; a later confirmation keeps the first date),
/// inside the caller's connection or transaction.
pub(crate) async fn confirm_email(
    conn: &mut sqlx::AnyConnection,
    clock: &Clock,
    user: &UserId,
) -> Result<(), DomainError> {
    sqlx::query(
        "UPDATE users SET email_verified_at = $1 WHERE id = $2 AND email_verified_at IS NULL",
    )
    .bind(clock.now_ms())
    .bind(user.as_str())
    .execute(&mut *conn)
    .await?;
    Ok(())
}

/// The account with this address, if any (for seeding; sign-in goes through `authenticate`).
pub async fn user_by_email(db: &Db, email: &str) -> Result<Option<UserId>, DomainError> {
    let email = EmailAddress::parse(email)?;
    let row = sqlx::query("SELECT id FROM users WHERE email_key = $1")
        .bind(email.key())
        .fetch_optional(db.pool())
        .await?;
    row.map(|r| Ok(UserId::from_db(r.try_get("id")?)))
        .transpose()
}

/// The display name and email address of `user`.
pub async fn profile(db: &Db, user: &UserId) -> Result<(String, String), DomainError> {
    let row = sqlx::query("SELECT display_name, email FROM users WHERE id = $1")
        .bind(user.as_str())
        .fetch_optional(db.pool())
        .await?
        .ok_or(DomainError::NotFound)?;
    Ok((row.try_get("display_name")?, row.try_get("email")?))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn email_error(raw: &str) -> String {
        match EmailAddress::parse(raw) {
            Err(DomainError::Invalid {
                field: "email",
                message,
            }) => message,
            other => panic!("{raw:?} gave {other:?}"),
        }
    }

    #[test]
    fn emails_are_trimmed_and_keyed_without_case() {
        let e = EmailAddress::parse("  Ada.Lovelace@Example.COM ").unwrap();
        assert_eq!(e.as_str(), "Ada.Lovelace@Example.COM");
        assert_eq!(e.key(), "ada.lovelace@example.com");
        assert_eq!(e.local_part(), "Ada.Lovelace");
    }

    #[test]
    fn bad_emails_are_refused_with_a_reason() {
        assert_eq!(email_error(""), "Enter your email address.");
        assert_eq!(
            email_error("no-at-sign"),
            "Enter an email address like name@example.com."
        );
        assert_eq!(
            email_error("a@"),
            "Enter an email address like name@example.com."
        );
        assert_eq!(
            email_error("a b@example.com"),
            "An email address can't contain spaces or control characters."
        );
        assert_eq!(
            email_error("a\u{0}@example.com"),
            "An email address can't contain spaces or control characters."
        );
        assert_eq!(
            email_error(&format!("{}@example.com", "a".repeat(10_000))),
            "Use at most 254 characters."
        );
    }

    #[test]
    fn names_accept_any_script_and_refuse_control_characters() {
        assert_eq!(
            DisplayName::parse("  李 小龍 ").unwrap().as_str(),
            "李 小龍"
        );
        assert_eq!(
            DisplayName::parse("Zoë O'Brien-Łukasz").unwrap().as_str(),
            "Zoë O'Brien-Łukasz"
        );
        assert!(DisplayName::parse("a\u{1b}[31m").is_err());
        assert!(DisplayName::parse(" ").is_err());
        assert!(DisplayName::parse(&"n".repeat(101)).is_err());
    }
}
