//! Days as people type them (`YYYY-MM-DD`) and where they start on a workspace's calendar: the
//! one reading that reports and list filters share.

use chrono::{NaiveDate, TimeZone};
use chrono_tz::Tz;

use super::error::DomainError;

/// A day from a form; a wrong one is named as `field`.
pub fn parse(raw: &str, field: &'static str) -> Result<NaiveDate, DomainError> {
    NaiveDate::parse_from_str(raw.trim(), "%Y-%m-%d")
        .map_err(|_| DomainError::invalid(field, "Enter the day as YYYY-MM-DD."))
}

/// The instant (ms) `day` begins in `tz` (the earlier one where a clock change repeats it).
pub fn start_ms(tz: Tz, day: NaiveDate) -> i64 {
    tz.from_local_datetime(&day.and_hms_opt(0, 0, 0).unwrap_or_default())
        .earliest()
        .map_or(0, |t| t.timestamp_millis())
}

#[cfg(test)]
mod tests {
    use super::*;

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
