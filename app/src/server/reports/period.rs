//! A report's dates: a first and last day (by default the twelve calendar months up to today),
//! turned into the instants that bound it and into the months it spans.

use chrono::{Datelike, Months, NaiveDate};
use chrono_tz::Tz;

use crate::server::platform::days::{self, parse as day};
use crate::server::platform::error::DomainError;

/// The longest span one report covers.
const MAX_MONTHS: u32 = 36;

/// A checked span of days.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Period {
    pub from: NaiveDate,
    pub until: NaiveDate,
}

impl Period {
    /// Reads the form's days; empty ones default to the first day of the month eleven months
    /// back and to `today`.
    pub fn parse(from: &str, until: &str, today: NaiveDate) -> Result<Self, DomainError> {
        let until = match until.trim() {
            "" => today,
            raw => day(raw, "until")?,
        };
        let from = match from.trim() {
            "" => first_of_month(until) - Months::new(11),
            raw => day(raw, "from")?,
        };
        if until < from {
            return Err(DomainError::invalid(
                "until",
                "The last day can't come before the first.",
            ));
        }
        if until > from + Months::new(MAX_MONTHS) {
            return Err(DomainError::invalid(
                "until",
                format!("A report covers at most {MAX_MONTHS} months."),
            ));
        }
        Ok(Self { from, until })
    }

    /// The instants (ms) the period runs between, on the workspace's calendar: from the start
    /// of its first day to the start of the day after its last.
    pub fn bounds_ms(&self, tz: Tz) -> (i64, i64) {
        (
            days::start_ms(tz, self.from),
            days::start_ms(tz, self.until.succ_opt().unwrap_or(self.until)),
        )
    }

    /// The first days of the months the period touches, oldest first.
    pub fn months(&self) -> Vec<NaiveDate> {
        let mut months = Vec::new();
        let mut month = first_of_month(self.from);
        while month <= self.until {
            months.push(month);
            month = month + Months::new(1);
        }
        months
    }
}

pub fn first_of_month(d: NaiveDate) -> NaiveDate {
    d.with_day(1).unwrap_or(d)
}

/// "Nov 2026".
pub fn month_label(first: NaiveDate) -> String {
    first.format("%b %Y").to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    #[test]
    fn a_period_defaults_to_twelve_months_and_refuses_bad_days() {
        let p = Period::parse("", "", d("2026-12-03")).unwrap();
        assert_eq!((p.from, p.until), (d("2026-01-01"), d("2026-12-03")));
        assert_eq!(p.months().len(), 12);
        assert_eq!(month_label(p.months()[11]), "Dec 2026");
        let short = Period::parse("2026-11-15", "2026-12-01", d("2026-12-03")).unwrap();
        assert_eq!(short.months(), [d("2026-11-01"), d("2026-12-01")]);
        for (from, until, field) in [
            ("2026-13-01", "", "from"),
            ("", "yesterday", "until"),
            ("2026-12-02", "2026-12-01", "until"),
            ("2020-01-01", "2026-12-01", "until"),
        ] {
            assert!(
                matches!(Period::parse(from, until, d("2026-12-03")), Err(DomainError::Invalid { field: f, .. }) if f == field),
                "{from} {until}"
            );
        }
    }

    #[test]
    fn bounds_follow_the_workspace_calendar() {
        let p = Period::parse("2026-12-01", "2026-12-01", d("2026-12-03")).unwrap();
        let (start, end) = p.bounds_ms(chrono_tz::Europe::Berlin);
        assert_eq!(end - start, 24 * 3_600_000);
        // Midnight in Berlin is 23:00 UTC the day before.
        assert_eq!(start, 1_796_079_600_000);
    }
}
