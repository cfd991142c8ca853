//! Delivering the outbox: a worker claims due deliveries (on PostgreSQL with `FOR UPDATE SKIP
//! LOCKED`, so several server processes share the work and each delivery goes to one of them;
//! SQLite serialises the claiming statement itself), signs and sends each, and keeps the
//! attempt. A failed attempt is retried with exponential back-off and jitter over about a day,
//! then the delivery is failed; an endpoint failing for days is disabled and its admins told.

use std::time::Instant;

use sqlx::Row;

use super::targets::TargetPolicy;
use super::{sealed, signing};
use crate::model::WorkspaceId;
use crate::server::audit::alerts::{self, Alert, AlertKind};
use crate::server::platform::clock::Clock;
use crate::server::platform::db::{Backend, Db};
use crate::server::platform::error::DomainError;
use crate::server::platform::instance_secrets;

/// Waits after the 1st, 2nd, … failed attempt, in seconds: 5 s, 5 min, 30 min, 2 h, 5 h,
/// 10 h, 10 h — eight attempts over about 28 hours.
const BACKOFF_S: [i64; 7] = [5, 300, 1_800, 7_200, 18_000, 36_000, 36_000];
/// A claimed delivery is the claimer's for this long; a worker that dies lets it go.
const LEASE_MS: i64 = 60_000;
/// An endpoint whose deliveries fail for this long without a success is disabled.
const DISABLE_AFTER_MS: i64 = 5 * 24 * 3_600_000;
/// Bytes of a response kept with its attempt.
const RESPONSE_KEPT: usize = 1024;

/// The wait before the attempt after failed attempt `attempts` (1-based), ±20 % jitter so
/// deliveries that failed together do not all come back at once; `None`: no attempt left.
pub fn backoff_ms(attempts: i64, jitter: f64) -> Option<i64> {
    let index = usize::try_from(attempts).ok()?.checked_sub(1)?;
    let base = *BACKOFF_S.get(index)? as f64 * 1000.0;
    Some((base * (1.0 + 0.2 * jitter.clamp(-1.0, 1.0))) as i64)
}

/// A claimed delivery.
struct Claimed {
    id: String,
    workspace: WorkspaceId,
    endpoint: String,
    message: String,
    attempts: i64,
}

/// What one attempt came to.
struct Attempt {
    status_code: Option<i64>,
    latency_ms: i64,
    response: String,
    error: Option<String>,
}

impl Attempt {
    fn succeeded(&self) -> bool {
        self.error.is_none() && self.status_code.is_some_and(|c| (200..300).contains(&c))
    }
}

/// Sends up to `limit` due deliveries; returns how many were attempted.
pub async fn deliver_due(
    db: &Db,
    clock: &Clock,
    policy: &TargetPolicy,
    client: &reqwest::Client,
    limit: i64,
) -> Result<usize, DomainError> {
    let claimed = claim(db, clock.now_ms(), limit).await?;
    let count = claimed.len();
    let key = if count > 0 {
        instance_secrets::webhook_seal_key(db, clock).await?
    } else {
        return Ok(0);
    };
    let sends = claimed
        .into_iter()
        .map(|delivery| attempt(db, clock, policy, client, &key, delivery));
    for outcome in futures::future::join_all(sends).await {
        if let Err(e) = outcome {
            tracing::warn!(error = %e, "a webhook delivery could not be recorded; it is retried");
        }
    }
    Ok(count)
}

async fn claim(db: &Db, now_ms: i64, limit: i64) -> Result<Vec<Claimed>, DomainError> {
    let lock = match db.backend() {
        Backend::Postgres => "FOR UPDATE SKIP LOCKED",
        Backend::Sqlite => "",
    };
    let rows = sqlx::query(&format!(
        "UPDATE webhook_deliveries SET claimed_until = $1 WHERE id IN (\
         SELECT id FROM webhook_deliveries WHERE status = 'pending' AND next_attempt_at <= $2 \
         AND (claimed_until IS NULL OR claimed_until < $2) \
         ORDER BY next_attempt_at LIMIT $3 {lock}) \
         RETURNING id, workspace_id, endpoint_id, message_id, attempts"
    ))
    .bind(now_ms + LEASE_MS)
    .bind(now_ms)
    .bind(limit)
    .fetch_all(db.pool())
    .await?;
    rows.iter()
        .map(|r| {
            Ok(Claimed {
                id: r.try_get("id")?,
                workspace: WorkspaceId::from_db(r.try_get("workspace_id")?),
                endpoint: r.try_get("endpoint_id")?,
                message: r.try_get("message_id")?,
                attempts: r.try_get("attempts")?,
            })
        })
        .collect()
}

/// What a delivery sends: the endpoint's address and secrets in force, the message.
struct Outgoing {
    url: String,
    secrets: Vec<signing::Secret>,
    payload: String,
    enabled: bool,
}

async fn outgoing(
    db: &Db,
    key: &[u8; 32],
    delivery: &Claimed,
    now_ms: i64,
) -> Result<Outgoing, DomainError> {
    let mut tx = db.begin_in(&delivery.workspace, false).await?;
    let row = sqlx::query(
        "SELECT e.url, e.secret_sealed, e.previous_sealed, e.previous_until, e.enabled, \
         m.payload FROM webhook_endpoints e JOIN webhook_messages m ON m.workspace_id = \
         e.workspace_id WHERE e.workspace_id = $1 AND e.id = $2 AND m.id = $3",
    )
    .bind(delivery.workspace.as_str())
    .bind(&delivery.endpoint)
    .bind(&delivery.message)
    .fetch_one(&mut *tx)
    .await?;
    tx.commit().await?;
    let mut secrets = vec![sealed::open(
        key,
        &row.try_get::<String, _>("secret_sealed")?,
    )?];
    let previous: Option<String> = row.try_get("previous_sealed")?;
    let until: Option<i64> = row.try_get("previous_until")?;
    if let (Some(previous), Some(until)) = (previous, until) {
        if until > now_ms {
            secrets.push(sealed::open(key, &previous)?);
        }
    }
    Ok(Outgoing {
        url: row.try_get("url")?,
        secrets,
        payload: row.try_get("payload")?,
        enabled: row.try_get::<i64, _>("enabled")? == 1,
    })
}

async fn attempt(
    db: &Db,
    clock: &Clock,
    policy: &TargetPolicy,
    client: &reqwest::Client,
    key: &[u8; 32],
    delivery: Claimed,
) -> Result<(), DomainError> {
    let out = outgoing(db, key, &delivery, clock.now_ms()).await?;
    let result = if out.enabled {
        send(clock, policy, client, &delivery.message, &out).await
    } else {
        Attempt {
            status_code: None,
            latency_ms: 0,
            response: String::new(),
            error: Some("The endpoint is disabled.".into()),
        }
    };
    record(db, clock, &delivery, &result, out.enabled).await
}

async fn send(
    clock: &Clock,
    policy: &TargetPolicy,
    client: &reqwest::Client,
    message_id: &str,
    out: &Outgoing,
) -> Attempt {
    let failed = |error: String| Attempt {
        status_code: None,
        latency_ms: 0,
        response: String::new(),
        error: Some(error),
    };
    if let Err(e) = policy.check(&out.url) {
        return failed(e.to_string());
    }
    let timestamp = clock.now_ms().div_euclid(1000);
    let signature = signing::header(&out.secrets, message_id, timestamp, &out.payload);
    let started = Instant::now();
    let sent = client
        .post(&out.url)
        .header("content-type", "application/json")
        .header("webhook-id", message_id)
        .header("webhook-timestamp", timestamp.to_string())
        .header("webhook-signature", signature)
        .body(out.payload.clone())
        .send()
        .await;
    let mut response = match sent {
        Ok(response) => response,
        Err(e) => {
            let mut attempt = failed(describe(&e));
            attempt.latency_ms = elapsed_ms(started);
            return attempt;
        }
    };
    let status = i64::from(response.status().as_u16());
    let mut kept = Vec::new();
    while kept.len() < RESPONSE_KEPT {
        match response.chunk().await {
            Ok(Some(bytes)) => kept.extend_from_slice(&bytes),
            _ => break,
        }
    }
    kept.truncate(RESPONSE_KEPT);
    let success = (200..300).contains(&status);
    Attempt {
        status_code: Some(status),
        latency_ms: elapsed_ms(started),
        response: String::from_utf8_lossy(&kept).into_owned(),
        error: (!success).then(|| format!("The receiver answered {status}.")),
    }
}

fn elapsed_ms(started: Instant) -> i64 {
    i64::try_from(started.elapsed().as_millis()).unwrap_or(i64::MAX)
}

/// An error in words for the delivery log: the cause chain, not a debug dump.
fn describe(e: &reqwest::Error) -> String {
    let mut text = if e.is_timeout() {
        "The receiver did not answer in time".to_owned()
    } else if e.is_connect() {
        "Could not connect".to_owned()
    } else {
        "The request failed".to_owned()
    };
    let mut source = std::error::Error::source(e);
    while let Some(cause) = source {
        text.push_str(": ");
        text.push_str(&cause.to_string());
        source = cause.source();
    }
    text.chars().take(500).collect()
}

/// Keeps the attempt and moves the delivery on: success, a retry later, or failed. The
/// endpoint's failing streak starts, ends, or — after days — disables it.
async fn record(
    db: &Db,
    clock: &Clock,
    delivery: &Claimed,
    attempt: &Attempt,
    enabled: bool,
) -> Result<(), DomainError> {
    let now = clock.now_ms();
    let number = delivery.attempts + 1;
    let mut tx = db.begin_in(&delivery.workspace, true).await?;
    sqlx::query(
        "INSERT INTO webhook_attempts (delivery_id, workspace_id, number, at_ms, status_code, \
         latency_ms, response, error) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
    )
    .bind(&delivery.id)
    .bind(delivery.workspace.as_str())
    .bind(number)
    .bind(now)
    .bind(attempt.status_code)
    .bind(attempt.latency_ms)
    .bind(&attempt.response)
    .bind(&attempt.error)
    .execute(&mut *tx)
    .await?;
    let retry = if attempt.succeeded() || !enabled {
        None
    } else {
        backoff_ms(number, rand::random_range(-1.0..=1.0))
    };
    let (status, next, finished) = match (attempt.succeeded(), retry) {
        (true, _) => ("success", now, Some(now)),
        (false, Some(wait)) => ("pending", now + wait, None),
        (false, None) => ("failed", now, Some(now)),
    };
    sqlx::query(
        "UPDATE webhook_deliveries SET status = $1, attempts = $2, next_attempt_at = $3, \
         finished_at = $4, claimed_until = NULL WHERE id = $5",
    )
    .bind(status)
    .bind(number)
    .bind(next)
    .bind(finished)
    .bind(&delivery.id)
    .execute(&mut *tx)
    .await?;
    if attempt.succeeded() {
        sqlx::query(
            "UPDATE webhook_endpoints SET failing_since = NULL WHERE workspace_id = $1 AND id = $2",
        )
        .bind(delivery.workspace.as_str())
        .bind(&delivery.endpoint)
        .execute(&mut *tx)
        .await?;
    } else if enabled {
        fail_endpoint(&mut tx, delivery, now).await?;
    }
    tx.commit().await?;
    Ok(())
}

/// Starts or extends the endpoint's failing streak; a streak of days disables it, says why,
/// and raises an alert its admins are mailed about.
async fn fail_endpoint(
    conn: &mut sqlx::AnyConnection,
    delivery: &Claimed,
    now: i64,
) -> Result<(), DomainError> {
    let row = sqlx::query(
        "UPDATE webhook_endpoints SET failing_since = COALESCE(failing_since, $1) \
         WHERE workspace_id = $2 AND id = $3 RETURNING failing_since, url",
    )
    .bind(now)
    .bind(delivery.workspace.as_str())
    .bind(&delivery.endpoint)
    .fetch_one(&mut *conn)
    .await?;
    let since: i64 = row.try_get("failing_since")?;
    if now - since < DISABLE_AFTER_MS {
        return Ok(());
    }
    let url: String = row.try_get("url")?;
    let reason = format!(
        "Disabled by Gatehouse on {}: every delivery failed for five days.",
        crate::model::utc_datetime(now)
    );
    sqlx::query(
        "UPDATE webhook_endpoints SET enabled = 0, disabled_reason = $1, version = version + 1 \
         WHERE workspace_id = $2 AND id = $3",
    )
    .bind(&reason)
    .bind(delivery.workspace.as_str())
    .bind(&delivery.endpoint)
    .execute(&mut *conn)
    .await?;
    let alert = Alert {
        kind: AlertKind::WebhookDisabled,
        subject: &delivery.endpoint,
        summary: format!("The webhook endpoint {url} failed for five days and was disabled."),
    };
    alerts::raise(conn, &delivery.workspace, alert, now).await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn retries_back_off_over_about_a_day_then_stop() {
        assert_eq!(backoff_ms(1, 0.0), Some(5_000));
        assert_eq!(backoff_ms(2, 1.0), Some(360_000));
        assert_eq!(backoff_ms(2, -1.0), Some(240_000));
        assert_eq!(backoff_ms(8, 0.0), None);
        assert_eq!(backoff_ms(0, 0.0), None);
        let total: i64 = (1..=7).map(|n| backoff_ms(n, 0.0).unwrap()).sum();
        assert!((24 * 3_600_000..30 * 3_600_000).contains(&total), "{total}");
    }
}
