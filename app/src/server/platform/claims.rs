//! Scheduled work that must run once per slot however many server processes share the
//! database: each process tries to claim the slot, and the primary key lets exactly one win.

use super::db::Db;

/// Claims `slot` of `job` (a nightly backup's `2026-12-06`) for `holder`; `true` for the one
/// caller whose insert landed, `false` for every other — now or later.
pub async fn claim(
    db: &Db,
    job: &str,
    slot: &str,
    holder: &str,
    now_ms: i64,
) -> Result<bool, sqlx::Error> {
    let mut conn = db.pool().acquire().await?;
    claim_in(&mut conn, job, slot, holder, now_ms).await
}

/// [`claim`] inside the caller's transaction, so the claim stands or falls with the work it
/// guards. On PostgreSQL a second claimer waits for the first's transaction and then finds
/// the row.
pub async fn claim_in(
    conn: &mut sqlx::AnyConnection,
    job: &str,
    slot: &str,
    holder: &str,
    now_ms: i64,
) -> Result<bool, sqlx::Error> {
    let inserted = sqlx::query(
        "INSERT INTO scheduled_runs (job, slot, holder, claimed_ms) VALUES ($1, $2, $3, $4) \
         ON CONFLICT (job, slot) DO NOTHING",
    )
    .bind(job)
    .bind(slot)
    .bind(holder)
    .bind(now_ms)
    .execute(conn)
    .await?
    .rows_affected();
    Ok(inserted == 1)
}

/// Who holds `slot` of `job`, if anyone.
pub async fn holder(db: &Db, job: &str, slot: &str) -> Result<Option<String>, sqlx::Error> {
    sqlx::query_scalar("SELECT holder FROM scheduled_runs WHERE job = $1 AND slot = $2")
        .bind(job)
        .bind(slot)
        .fetch_optional(db.pool())
        .await
}

/// This process, as a claim's holder: the host and the process id.
pub fn this_process() -> String {
    let host = std::fs::read_to_string("/proc/sys/kernel/hostname")
        .map(|h| h.trim().to_owned())
        .unwrap_or_else(|_| "server".into());
    format!("{host}:{}", std::process::id())
}

/// Forgets claims made before `before_ms`: their slots are long past, and the table would
/// otherwise grow by a row every ten minutes for ever.
pub async fn forget_before(db: &Db, before_ms: i64) -> Result<u64, sqlx::Error> {
    Ok(
        sqlx::query("DELETE FROM scheduled_runs WHERE claimed_ms < $1")
            .bind(before_ms)
            .execute(db.pool())
            .await?
            .rows_affected(),
    )
}
