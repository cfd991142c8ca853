//! The quote form: the shared document fields, a title, and the last day the offer stands.

use chrono::NaiveDate;

use crate::permissions::keys;
use crate::server::access::grants::Grant;
use crate::server::platform::error::DomainError;
use crate::server::platform::text::LineField;
use crate::server::records::documents::header::{self, HeaderForm, ValidHeader};

/// How long an offer stands when the form leaves the day empty.
const DEFAULT_VALID_DAYS: i64 = 30;

/// The quote form as sent.
#[derive(Debug, Default, Clone)]
pub struct QuoteForm {
    pub header: HeaderForm,
    pub title: String,
    /// YYYY-MM-DD; empty: thirty days from today.
    pub valid_until: String,
}

pub(super) struct Valid {
    pub header: ValidHeader,
    pub title: String,
    pub valid_until: String,
}

/// Checks every field; `today` is the workspace's date.
pub(super) async fn validate(
    conn: &mut sqlx::AnyConnection,
    grant: &Grant<keys::QuotesWrite>,
    customers: &Grant<keys::CustomersRead>,
    form: &QuoteForm,
    today: &str,
) -> Result<Valid, DomainError> {
    let title = LineField {
        field: "title",
        subject: "The title",
        empty_message: "Give the quote a title.",
        max_chars: 200,
    }
    .clean(&form.title)?;
    let valid_until = valid_until(&form.valid_until, today)?;
    let header = header::validate(conn, &super::DOC, grant, customers, &form.header).await?;
    Ok(Valid {
        header,
        title,
        valid_until,
    })
}

fn valid_until(raw: &str, today: &str) -> Result<String, DomainError> {
    let today = NaiveDate::parse_from_str(today, "%Y-%m-%d")
        .map_err(|_| DomainError::Internal(format!("today {today:?}")))?;
    let day = match raw.trim() {
        "" => today + chrono::Duration::days(DEFAULT_VALID_DAYS),
        raw => NaiveDate::parse_from_str(raw, "%Y-%m-%d").map_err(|_| {
            DomainError::invalid("valid_until", "Enter the last day as YYYY-MM-DD.")
        })?,
    };
    if day < today {
        return Err(DomainError::invalid(
            "valid_until",
            "The last day can't be in the past.",
        ));
    }
    if day > today + chrono::Duration::days(3 * 366) {
        return Err(DomainError::invalid(
            "valid_until",
            "An offer can stand for at most three years.",
        ));
    }
    Ok(day.format("%Y-%m-%d").to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_last_day_is_a_real_date_from_today_on() {
        assert_eq!(valid_until("", "2026-12-03").unwrap(), "2027-01-02");
        assert_eq!(
            valid_until(" 2026-12-03 ", "2026-12-03").unwrap(),
            "2026-12-03"
        );
        for bad in [
            "2026-12-02",
            "2026-02-30",
            "03/12/2026",
            "2030-01-01",
            "tomorrow",
        ] {
            assert!(
                matches!(
                    valid_until(bad, "2026-12-03"),
                    Err(DomainError::Invalid {
                        field: "valid_until",
                        ..
                    })
                ),
                "{bad}"
            );
        }
    }
}
