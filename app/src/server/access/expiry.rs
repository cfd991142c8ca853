//! How an assignment's expiry reads: it is stored as the instant after its last day (midnight
//! in the workspace's time zone) and shown as that last day. Apart from `assignments` because
//! the member list and the explain view show it too.

use chrono::TimeZone;
use chrono_tz::Tz;

/// The last day an assignment counts, in the workspace's time zone ("2026-12-01").
pub fn last_day(expires_at_ms: i64, tz: Tz) -> String {
    tz.timestamp_millis_opt(expires_at_ms - 1)
        .single()
        .map(|t| t.format("%Y-%m-%d").to_string())
        .unwrap_or_default()
}
