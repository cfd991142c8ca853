//! Password expiry notices by mail, 14, 3 and 1 days ahead, for accounts under a workspace
//! that makes passwords expire (the banner in the app says the same to those signed in). The
//! expiry is the strictest of the account's workspaces', as at sign-in.

use lettre::message::Mailbox;
use sqlx::Row;

use crate::model::{utc_date, UserId};
use crate::server::platform::clock::Clock;
use crate::server::platform::days::DAY_MS;
use crate::server::platform::db::Db;
use crate::server::platform::error::DomainError;
use crate::server::platform::mail::{Mail, Mailer};
use crate::server::workspace::settings::strictest_for_user;

/// How many days ahead a notice goes, nearest first.
pub const NOTICES: [i64; 3] = [1, 3, 14];

/// Mails each notice that is due and not yet sent; returns how many went. A notice is claimed
/// before its mail is sent and released if sending fails, so the next run retries it and no
/// two processes send the same one.
pub async fn send_due(
    db: &Db,
    clock: &Clock,
    mailer: &Mailer,
    public_url: &str,
) -> Result<u32, DomainError> {
    let rows = sqlx::query(
        "SELECT DISTINCT u.id, u.email, u.display_name, u.password_changed_at FROM users u \
         JOIN memberships m ON m.user_id = u.id AND m.deactivated_at IS NULL \
         JOIN workspace_settings s ON s.workspace_id = m.workspace_id \
         WHERE s.password_expiry_days IS NOT NULL ORDER BY u.id",
    )
    .fetch_all(db.pool())
    .await?;
    let mut sent = 0;
    for row in rows {
        let user = UserId::from_db(row.try_get("id")?);
        let rules = strictest_for_user(db, clock, &user).await?;
        let Some(days) = rules.password.expiry_days else {
            continue;
        };
        let changed_at: i64 = row.try_get("password_changed_at")?;
        let expires_at = changed_at + i64::from(days) * DAY_MS;
        let left = expires_at - clock.now_ms();
        // The nearest notice due; the farther ones were sent before, or are late and moot.
        let Some(ahead) = NOTICES.into_iter().find(|d| left > 0 && left <= d * DAY_MS) else {
            continue;
        };
        let email: String = row.try_get("email")?;
        let name: String = row.try_get("display_name")?;
        let Ok(address) = email.parse() else {
            tracing::warn!(
                user = user.as_str(),
                "password expiry notice: address not usable"
            );
            continue;
        };
        if !claim(db, clock, &user, expires_at, ahead).await? {
            continue;
        }
        let to = Mailbox::new(Some(name.clone()), address);
        let mail = notice(to, &name, expires_at, left, public_url);
        if let Err(e) = mailer.send(mail).await {
            tracing::warn!(error = %e, user = user.as_str(), "password expiry notice not sent");
            release(db, &user, expires_at, ahead).await?;
            continue;
        }
        sent += 1;
    }
    Ok(sent)
}

/// Takes the notice for this process; `false` if another sent it already.
async fn claim(
    db: &Db,
    clock: &Clock,
    user: &UserId,
    expires_at: i64,
    ahead: i64,
) -> Result<bool, DomainError> {
    let claimed = sqlx::query(
        "INSERT INTO password_expiry_notices (user_id, expires_at_ms, days_ahead, sent_at_ms) \
         VALUES ($1, $2, $3, $4) ON CONFLICT (user_id, expires_at_ms, days_ahead) DO NOTHING",
    )
    .bind(user.as_str())
    .bind(expires_at)
    .bind(ahead)
    .bind(clock.now_ms())
    .execute(db.pool())
    .await?
    .rows_affected();
    Ok(claimed == 1)
}

async fn release(db: &Db, user: &UserId, expires_at: i64, ahead: i64) -> Result<(), DomainError> {
    sqlx::query(
        "DELETE FROM password_expiry_notices \
         WHERE user_id = $1 AND expires_at_ms = $2 AND days_ahead = $3",
    )
    .bind(user.as_str())
    .bind(expires_at)
    .bind(ahead)
    .execute(db.pool())
    .await?;
    Ok(())
}

fn notice(to: Mailbox, name: &str, expires_at: i64, left: i64, public_url: &str) -> Mail {
    let when = match (left + DAY_MS - 1) / DAY_MS {
        1 => "within a day".to_owned(),
        days => format!("in {days} days"),
    };
    Mail {
        to,
        subject: format!("Your Gatehouse password expires {when}"),
        text: format!(
            "Hello {name},\n\nYour Gatehouse password expires {when}, on {} (UTC). After \
             that you will be asked to choose a new one before you can go on working.\n\n\
             Change it now on your account page:\n\n{public_url}/account\n\n\
             If you did not expect this message, tell your workspace's administrator.\n",
            utc_date(expires_at)
        ),
    }
}
