//! Days as people type them (`YYYY-MM-DD`) and where they start on a workspace's calendar: the
//! one reading that reports and list filters share.

use chrono::{NaiveDate, TimeZone};
use chrono_tz::Tz;

use super::error::DomainError;

/// Milliseconds in a UTC day.
pub const DAY_MS: i64 = 86_400_000;

/// A day from a form; a wrong one is named as `field`.
pub fn parse(raw: &str, field: &'static str) -> Result<NaiveDate, DomainError> {
    NaiveDate::parse_from_str(raw.trim(), "%Y-%m-%d")
        .map_err(|_| DomainError::invalid(field, "Enter the day as YYYY-MM-DD."))
}

/// The day the instant `at_ms` falls on in `tz`.
pub fn on(tz: Tz, at_ms: i64) -> NaiveDate {
    chrono::DateTime::from_timestamp_millis(at_ms)
        .unwrap_or_default()
        .with_timezone(&tz)
        .date_naive()
}

/// The instant (ms) `day` begins in `tz` (the earlier one where a clock change repeats it).
pub fn start_ms(tz: Tz, day: NaiveDate) -> i64 {
    tz.from_local_datetime(&day.and_hms_opt(0, 0, 0).unwrap_or_default())
        .earliest()
        .map_or(0, |t| t.timestamp_millis())
}

/// A first and a last day as typed, either left open.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DayRange {
    from: Option<NaiveDate>,
    until: Option<NaiveDate>,
}

/// The `from` and `until` fields of a filter (either may be empty), each named when wrong, and
/// the last not before the first; `None` when both are empty.
pub fn range(from: &str, until: &str) -> Result<Option<DayRange>, DomainError> {
    let day = |raw: &str, field| match raw.trim() {
        "" => Ok(None),
        raw => parse(raw, field).map(Some),
    };
    let (from, until) = (day(from, "from")?, day(until, "until")?);
    if let (Some(from), Some(until)) = (from, until) {
        if until < from {
            return Err(DomainError::invalid(
                "until",
                "The last day can't come before the first.",
            ));
        }
    }
    Ok((from.is_some() || until.is_some()).then_some(DayRange { from, until }))
}

impl DayRange {
    /// `[start, end)` in ms in `tz`: from the start of the first day to the start of the day
    /// after the last.
    pub fn span_ms(&self, tz: Tz) -> (i64, i64) {
        let start = |d: NaiveDate| start_ms(tz, d);
        (
            self.from.map_or(i64::MIN, start),
            self.until
                .and_then(|d| d.succ_opt())
                .map_or(i64::MAX, start),
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_range_is_checked_and_spans_whole_days() {
        assert_eq!(range(" ", "").unwrap(), None);
        let one = range("2026-03-29", "2026-03-29").unwrap().unwrap();
        assert_eq!(one.span_ms(Tz::UTC), (1_774_742_400_000, 1_774_828_800_000));
        let open = range("", "2026-03-29").unwrap().unwrap();
        assert_eq!(open.span_ms(Tz::UTC).0, i64::MIN);
        assert!(matches!(
            range("2026-03-29", "2026-03-28"),
            Err(DomainError::Invalid { field: "until", .. })
        ));
        assert!(matches!(
            range("soon", ""),
            Err(DomainError::Invalid { field: "from", .. })
        ));
    }

    #[test]
    fn days_are_read_as_typed_and_start_at_local_midnight() {
        let day = parse(" 2026-03-29 ", "from").unwrap();
        assert_eq!(start_ms(Tz::UTC, day), 1_774_742_400_000);
        assert_eq!(start_ms(Tz::Europe__Berlin, day), 1_774_738_800_000);
        assert!(matches!(
            parse("29/03/2026", "until"),
            Err(DomainError::Invalid { field: "until", .. })
        ));
    }
}
