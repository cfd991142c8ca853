//! Calendar weeks for weekly charts: Monday to Sunday, on the workspace's calendar.

use chrono::{Datelike, Duration, NaiveDate};

/// The Mondays of the `n` weeks ending with the week of `today`, oldest first.
pub fn last_weeks(today: NaiveDate, n: u32) -> Vec<NaiveDate> {
    let this_monday = today - Duration::days(i64::from(today.weekday().num_days_from_monday()));
    (0..n)
        .rev()
        .map(|back| this_monday - Duration::weeks(i64::from(back)))
        .collect()
}

/// Which of `mondays` (sorted) the day falls in, if any.
pub fn week_of(mondays: &[NaiveDate], day: NaiveDate) -> Option<usize> {
    let first = *mondays.first()?;
    if day < first {
        return None;
    }
    let index = ((day - first).num_days() / 7) as usize;
    (index < mondays.len()).then_some(index)
}

/// "24 Nov".
pub fn label(monday: NaiveDate) -> String {
    monday.format("%-d %b").to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    #[test]
    fn twelve_weeks_end_with_this_one_and_days_fall_in_their_week() {
        // 2026-12-03 is a Thursday.
        let weeks = last_weeks(day("2026-12-03"), 12);
        assert_eq!(weeks.len(), 12);
        assert_eq!(weeks[11], day("2026-11-30"));
        assert_eq!(weeks[0], day("2026-09-14"));
        assert_eq!(label(weeks[11]), "30 Nov");
        assert_eq!(week_of(&weeks, day("2026-12-06")), Some(11));
        assert_eq!(week_of(&weeks, day("2026-11-29")), Some(10));
        assert_eq!(week_of(&weeks, day("2026-09-14")), Some(0));
        assert_eq!(week_of(&weeks, day("2026-09-13")), None);
        assert_eq!(week_of(&weeks, day("2026-12-07")), None);
    }
}
