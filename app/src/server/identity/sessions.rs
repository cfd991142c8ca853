//! A person's own sessions ("Your sessions"): list them with the device and place they came
//! from, end one, end all others, keep only the newest few, end someone's sessions in a
//! workspace. The store behind them is `web::session_store`.

use sqlx::Row;
use tower_sessions::session::Id;

use crate::model::{SessionInfo, UserId, WorkspaceId};
use crate::server::audit::append::Origin;
use crate::server::platform::clock::Clock;
use crate::server::platform::db::Db;
use crate::server::platform::error::DomainError;
use crate::server::web::session_store::id_hash;

/// "Chrome 156 on Linux", or what little can be read from an unusual user agent.
fn describe_device(user_agent: Option<&str>) -> String {
    let Some(parsed) = user_agent.and_then(|ua| woothee::parser::Parser::new().parse(ua)) else {
        return "Unknown browser".to_owned();
    };
    let major = parsed.version.split('.').next().unwrap_or_default();
    let browser = if parsed.name == "UNKNOWN" {
        "Unknown browser".to_owned()
    } else if major.is_empty() || major == "UNKNOWN" {
        parsed.name.to_owned()
    } else {
        format!("{} {major}", parsed.name)
    };
    if parsed.os == "UNKNOWN" {
        browser
    } else {
        format!("{browser} on {}", parsed.os)
    }
}

/// `user`'s live sessions, most recently used first; `current` is the caller's own.
pub async fn list_for_user(
    db: &Db,
    clock: &Clock,
    user: &UserId,
    current: Option<Id>,
) -> Result<Vec<SessionInfo>, DomainError> {
    let current = current.map(|id| id_hash(&id));
    let rows = sqlx::query(
        "SELECT id_hash, ip, user_agent, created_at, last_seen_at FROM sessions \
         WHERE user_id = $1 AND expires_at > $2 ORDER BY last_seen_at DESC, id_hash LIMIT 100",
    )
    .bind(user.as_str())
    .bind(clock.now_ms())
    .fetch_all(db.pool())
    .await?;
    rows.iter()
        .map(|row| {
            let handle: String = row.try_get("id_hash")?;
            let user_agent: Option<String> = row.try_get("user_agent")?;
            Ok(SessionInfo {
                current: current.as_deref() == Some(handle.as_str()),
                device: describe_device(user_agent.as_deref()),
                ip: row.try_get("ip")?,
                created_at_ms: row.try_get("created_at")?,
                last_seen_at_ms: row.try_get("last_seen_at")?,
                handle,
            })
        })
        .collect::<Result<_, sqlx::Error>>()
        .map_err(DomainError::from)
}

/// Ends one of `user`'s sessions, recorded. Another person's session is `NotFound`, exactly as
/// a session that does not exist: the handle is checked against the owner inside the statement.
pub async fn revoke(
    db: &Db,
    clock: &Clock,
    user: &UserId,
    handle: &str,
    origin: &Origin,
) -> Result<(), DomainError> {
    let mut tx = db.begin_write().await?;
    let done = sqlx::query("DELETE FROM sessions WHERE user_id = $1 AND id_hash = $2")
        .bind(user.as_str())
        .bind(handle)
        .execute(&mut *tx)
        .await?;
    if done.rows_affected() == 0 {
        return Err(DomainError::NotFound);
    }
    revoked(&mut tx, clock, user, origin).await?;
    tx.commit().await?;
    Ok(())
}

/// Ends all of `user`'s sessions but `keep`, recorded when there were any; returns how many
/// ended.
pub async fn revoke_others(
    db: &Db,
    clock: &Clock,
    user: &UserId,
    keep: Option<Id>,
    origin: &Origin,
) -> Result<u64, DomainError> {
    let keep = keep.map(|id| id_hash(&id)).unwrap_or_default();
    let mut tx = db.begin_write().await?;
    let done = sqlx::query("DELETE FROM sessions WHERE user_id = $1 AND id_hash <> $2")
        .bind(user.as_str())
        .bind(keep)
        .execute(&mut *tx)
        .await?;
    if done.rows_affected() > 0 {
        revoked(&mut tx, clock, user, origin).await?;
    }
    tx.commit().await?;
    Ok(done.rows_affected())
}

async fn revoked(
    conn: &mut sqlx::AnyConnection,
    clock: &Clock,
    user: &UserId,
    origin: &Origin,
) -> Result<(), DomainError> {
    use crate::server::identity::security_events::{record, EventKind, Subject};
    let subject = Subject {
        user: Some(user),
        actor: Some(user),
        origin: Some(origin),
        ..Subject::default()
    };
    record(conn, clock, EventKind::SessionRevoked, subject).await
}

/// Ends `user`'s oldest sessions so that at most `keep` remain; returns how many ended.
pub async fn keep_newest(db: &Db, user: &UserId, keep: u32) -> Result<u64, DomainError> {
    let rows = sqlx::query(
        "SELECT id_hash FROM sessions WHERE user_id = $1 ORDER BY created_at DESC, id_hash",
    )
    .bind(user.as_str())
    .fetch_all(db.pool())
    .await?;
    let mut ended = 0;
    for row in rows.iter().skip(keep as usize) {
        let handle: String = row.try_get("id_hash")?;
        ended += sqlx::query("DELETE FROM sessions WHERE user_id = $1 AND id_hash = $2")
            .bind(user.as_str())
            .bind(handle)
            .execute(db.pool())
            .await?
            .rows_affected();
    }
    Ok(ended)
}

/// Ends every session `user` has open in `workspace` (their sessions in other workspaces
/// stay), inside the caller's connection or transaction; returns how many ended.
pub async fn revoke_in_workspace(
    conn: &mut sqlx::AnyConnection,
    workspace: &WorkspaceId,
    user: &UserId,
) -> Result<u64, DomainError> {
    let done = sqlx::query("DELETE FROM sessions WHERE workspace_id = $1 AND user_id = $2")
        .bind(workspace.as_str())
        .bind(user.as_str())
        .execute(&mut *conn)
        .await?;
    Ok(done.rows_affected())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn devices_are_described_from_the_user_agent() {
        let chrome = "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) \
                      HeadlessChrome/156.0.0.0 Safari/537.36";
        assert!(
            describe_device(Some(chrome)).ends_with("on Linux"),
            "{}",
            describe_device(Some(chrome))
        );
        let firefox =
            "Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:128.0) Gecko/20100101 Firefox/128.0";
        assert_eq!(describe_device(Some(firefox)), "Firefox 128 on Windows 10");
        assert_eq!(describe_device(None), "Unknown browser");
        assert!(describe_device(Some("curl/8.5.0")).contains("curl"));
        assert_eq!(describe_device(Some("")), "Unknown browser");
    }

    #[test]
    fn ids_are_stored_as_sha256_hex() {
        let id = Id(42);
        let hash = id_hash(&id);
        assert_eq!(hash.len(), 64);
        assert!(!hash.contains(&id.to_string()));
        assert_eq!(hash, id_hash(&Id(42)));
        assert_ne!(hash, id_hash(&Id(43)));
    }
}
