//! Alerts that sign-ins raise: a burst of failed steps on one account or from one address
//! (counted over every workspace's members, compared with each workspace's own thresholds), and
//! an administrator signing in from an address or on a device not seen for them before.

use sqlx::Row;

use super::alert_thresholds;
use super::alerts::{self, Alert, AlertKind, BURST_WINDOW_MS};
use super::append::Origin;
use crate::model::{UserId, WorkspaceId};
use crate::server::access::role_loading::administers_workspace;
use crate::server::platform::clock::Clock;
use crate::server::platform::db::set_workspace;
use crate::server::platform::error::DomainError;

/// The security events that are failed sign-in steps.
const FAILED: &str = "kind IN ('sign_in_failed', 'sign_in_while_locked', 'second_factor_failed')";
/// A user agent is kept this long for telling devices apart.
const DEVICE_MAX: usize = 200;

/// Failed sign-in steps within the window, counted once for an event in every workspace.
pub struct Failures {
    user: String,
    email: String,
    on_account: i64,
    /// The address and its failures, when the step came from a known address.
    from_address: Option<(String, i64)>,
}

impl Failures {
    /// Counts the failures a failed step at `at_ms` completes (the step itself included).
    pub async fn count(
        conn: &mut sqlx::AnyConnection,
        user: &UserId,
        ip: Option<&str>,
        at_ms: i64,
    ) -> Result<Self, DomainError> {
        let since = at_ms - BURST_WINDOW_MS;
        let on_account: i64 = sqlx::query(&format!(
            "SELECT COUNT(*) AS n FROM security_events WHERE {FAILED} AND user_id = $1 \
             AND created_at > $2"
        ))
        .bind(user.as_str())
        .bind(since)
        .fetch_one(&mut *conn)
        .await?
        .try_get("n")?;
        let from_address = match ip {
            Some(ip) => {
                let n: i64 = sqlx::query(&format!(
                    "SELECT COUNT(*) AS n FROM security_events WHERE {FAILED} AND ip = $1 \
                     AND created_at > $2"
                ))
                .bind(ip)
                .bind(since)
                .fetch_one(&mut *conn)
                .await?
                .try_get("n")?;
                Some((ip.to_owned(), n))
            }
            None => None,
        };
        Ok(Self {
            user: user.as_str().to_owned(),
            email: email(conn, user).await?,
            on_account,
            from_address,
        })
    }

    /// The bursts past `workspace`'s thresholds, raised inside the caller's transaction.
    pub async fn raise(
        &self,
        conn: &mut sqlx::AnyConnection,
        workspace: &WorkspaceId,
        at_ms: i64,
    ) -> Result<(), DomainError> {
        let limits = alert_thresholds::of(conn, workspace).await?;
        let minutes = BURST_WINDOW_MS / 60_000;
        if self.on_account >= limits.account_burst {
            let alert = Alert {
                kind: AlertKind::FailedSignInsOnAccount,
                subject: &self.user,
                summary: format!(
                    "{} failed sign-in steps on {} in {minutes} minutes",
                    self.on_account, self.email
                ),
            };
            alerts::raise(conn, workspace, alert, at_ms).await?;
        }
        if let Some((ip, n)) = self
            .from_address
            .as_ref()
            .filter(|(_, n)| *n >= limits.address_burst)
        {
            let alert = Alert {
                kind: AlertKind::FailedSignInsFromAddress,
                subject: ip,
                summary: format!("{n} failed sign-in steps from {ip} in {minutes} minutes"),
            };
            alerts::raise(conn, workspace, alert, at_ms).await?;
        }
        Ok(())
    }
}

/// The account's address, for an alert's summary.
pub(super) async fn email(
    conn: &mut sqlx::AnyConnection,
    user: &UserId,
) -> Result<String, DomainError> {
    Ok(sqlx::query("SELECT email FROM users WHERE id = $1")
        .bind(user.as_str())
        .fetch_one(&mut *conn)
        .await?
        .try_get("email")?)
}

/// The browser and system a user agent names, without versions ("Chrome on Linux"): a
/// browser's update is not a new device. One that cannot be read is kept with its version
/// numbers blanked.
pub fn device(user_agent: &str) -> String {
    if let Some(ua) = woothee::parser::Parser::new().parse(user_agent) {
        if ua.name != "UNKNOWN" {
            return format!("{} on {}", ua.name, ua.os);
        }
    }
    let mut out = String::new();
    let mut in_digits = false;
    for c in user_agent.chars() {
        if c.is_ascii_digit() {
            if !in_digits {
                out.push('#');
            }
            in_digits = true;
        } else {
            out.push(c);
            in_digits = false;
        }
    }
    out.chars().take(DEVICE_MAX).collect()
}

/// Notes where `user` signed in to `workspace` from, inside the caller's transaction (on
/// PostgreSQL, one set to the workspace); an administrator's first sign-in from an address or on
/// a device seen before for them in the workspace raises an alert. The first sign-in of all
/// sets what is known and raises none.
pub async fn signed_in(
    conn: &mut sqlx::AnyConnection,
    clock: &Clock,
    workspace: &WorkspaceId,
    user: &UserId,
    origin: &Origin,
    at_ms: i64,
) -> Result<(), DomainError> {
    set_workspace(conn, workspace).await?;
    let known: i64 = sqlx::query(
        "SELECT COUNT(*) AS n FROM sign_in_origins WHERE workspace_id = $1 AND user_id = $2",
    )
    .bind(workspace.as_str())
    .bind(user.as_str())
    .fetch_one(&mut *conn)
    .await?
    .try_get("n")?;
    let seen = [
        ("address", origin.ip.clone()),
        ("device", origin.user_agent.as_deref().map(device)),
    ];
    let mut new = Vec::new();
    for (kind, value) in seen {
        let Some(value) = value else { continue };
        let inserted = sqlx::query(
            "INSERT INTO sign_in_origins (workspace_id, user_id, kind, value, first_at_ms, \
             last_at_ms) VALUES ($1, $2, $3, $4, $5, $5) ON CONFLICT DO NOTHING",
        )
        .bind(workspace.as_str())
        .bind(user.as_str())
        .bind(kind)
        .bind(&value)
        .bind(at_ms)
        .execute(&mut *conn)
        .await?
        .rows_affected();
        if inserted == 1 {
            new.push(kind);
        } else {
            sqlx::query(
                "UPDATE sign_in_origins SET last_at_ms = $5 WHERE workspace_id = $1 \
                 AND user_id = $2 AND kind = $3 AND value = $4",
            )
            .bind(workspace.as_str())
            .bind(user.as_str())
            .bind(kind)
            .bind(&value)
            .bind(at_ms)
            .execute(&mut *conn)
            .await?;
        }
    }
    if known == 0 || new.is_empty() || !administers_workspace(conn, clock, user, workspace).await? {
        return Ok(());
    }
    let address = origin.ip.as_deref().unwrap_or("an unknown address");
    let device = origin
        .user_agent
        .as_deref()
        .map_or("an unknown browser".to_owned(), device);
    let what = match new.as_slice() {
        ["address"] => format!("a new address, {address}"),
        ["device"] => format!("a new device ({device}) from {address}"),
        _ => format!("a new address, {address}, and a new device ({device})"),
    };
    let subject = format!("{}:{address}:{device}", user.as_str());
    let alert = Alert {
        kind: AlertKind::AdminNewOrigin,
        subject: &subject,
        summary: format!(
            "{} (an administrator) signed in from {what}",
            email(conn, user).await?
        ),
    };
    alerts::raise(conn, workspace, alert, at_ms).await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_browser_update_is_the_same_device_and_another_browser_is_not() {
        let old = "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.6099.71 Safari/537.36";
        let new = "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.6778.2 Safari/537.36";
        assert_eq!(device(old), device(new));
        assert_eq!(device(old), "Chrome on Linux");
        let firefox = "Mozilla/5.0 (X11; Linux x86_64; rv:133.0) Gecko/20100101 Firefox/133.0";
        assert_eq!(device(firefox), "Firefox on Linux");
        assert_eq!(
            device("gatehouse-probe/1.22 (build 7)"),
            "gatehouse-probe/#.# (build #)"
        );
        assert_eq!(device(&"9a".repeat(500)).chars().count(), DEVICE_MAX);
    }
}
