//! The licence forms: what is licensed to whom (fixed once issued), and the terms — seats,
//! dates, notes, assignment — that may change later.

use chrono::{Datelike, Months, NaiveDate};
use sqlx::Row;

use crate::model::{CustomerId, ProductId};
use crate::permissions::keys;
use crate::server::access::grants::Grant;
use crate::server::platform::error::DomainError;
use crate::server::records::assignment::{self, Assignment};
use crate::server::records::documents::{header::clean_notes, reachable_customer};

/// The most seats one licence grants.
const MAX_SEATS: i64 = 1_000_000;
/// The longest term one licence runs, in years.
const MAX_YEARS: u32 = 10;

/// A new licence as sent.
#[derive(Debug, Default, Clone)]
pub struct LicenceForm {
    pub product_id: String,
    pub customer_id: String,
    pub terms: TermsForm,
}

/// The terms of a licence as sent.
#[derive(Debug, Default, Clone)]
pub struct TermsForm {
    pub seats: String,
    /// YYYY-MM-DD; empty on a new licence: today.
    pub valid_from: String,
    /// YYYY-MM-DD; empty on a new licence: a year from the first day.
    pub valid_until: String,
    pub notes: String,
    /// Empty: the writer.
    pub assigned_user_id: String,
    /// Empty: no team.
    pub team_id: String,
}

pub(super) struct ValidTerms {
    pub seats: i64,
    pub valid_from: String,
    pub valid_until: String,
    pub notes: String,
    pub assignment: Assignment,
}

pub(super) struct Valid {
    pub product: ProductId,
    pub customer: CustomerId,
    pub terms: ValidTerms,
}

/// Checks a new licence: an active product of the workspace, a customer the writer's customer
/// grant reaches, and its terms; `today` is the workspace's date.
pub(super) async fn validate(
    conn: &mut sqlx::AnyConnection,
    grant: &Grant<keys::LicencesWrite>,
    customers: &Grant<keys::CustomersRead>,
    form: &LicenceForm,
    today: &str,
) -> Result<Valid, DomainError> {
    let product = active_product(conn, grant, &form.product_id).await?;
    let customer = reachable_customer(conn, customers, &form.customer_id).await?;
    let terms = validate_terms(conn, grant, &form.terms, today).await?;
    Ok(Valid {
        product,
        customer,
        terms,
    })
}

/// Checks the terms of a new or existing licence.
pub(super) async fn validate_terms(
    conn: &mut sqlx::AnyConnection,
    grant: &Grant<keys::LicencesWrite>,
    form: &TermsForm,
    today: &str,
) -> Result<ValidTerms, DomainError> {
    let seats = seats(&form.seats)?;
    let (valid_from, valid_until) = dates(&form.valid_from, &form.valid_until, today)?;
    let notes = clean_notes(&form.notes)?;
    let assignment = assignment::resolve(
        conn,
        grant,
        &super::KIND,
        &form.assigned_user_id,
        &form.team_id,
    )
    .await?;
    Ok(ValidTerms {
        seats,
        valid_from,
        valid_until,
        notes,
        assignment,
    })
}

async fn active_product(
    conn: &mut sqlx::AnyConnection,
    grant: &Grant<keys::LicencesWrite>,
    raw: &str,
) -> Result<ProductId, DomainError> {
    let not_found = || DomainError::invalid("product_id", "Choose an active product.");
    let id = ProductId::from_client(raw.trim()).map_err(|_| not_found())?;
    let row =
        sqlx::query("SELECT id FROM products WHERE workspace_id = $1 AND id = $2 AND active = 1")
            .bind(grant.workspace().as_str())
            .bind(id.as_str())
            .fetch_optional(&mut *conn)
            .await?
            .ok_or_else(not_found)?;
    Ok(ProductId::from_db(row.try_get("id")?))
}

fn seats(raw: &str) -> Result<i64, DomainError> {
    let n: i64 = raw.trim().parse().map_err(|_| {
        DomainError::invalid("seats", "Enter the number of seats as a whole number.")
    })?;
    if !(1..=MAX_SEATS).contains(&n) {
        return Err(DomainError::invalid(
            "seats",
            format!("A licence has from 1 to {MAX_SEATS} seats."),
        ));
    }
    Ok(n)
}

fn parse_day(raw: &str, field: &'static str) -> Result<NaiveDate, DomainError> {
    NaiveDate::parse_from_str(raw.trim(), "%Y-%m-%d")
        .map_err(|_| DomainError::invalid(field, "Enter the day as YYYY-MM-DD."))
}

fn format_day(day: NaiveDate) -> String {
    day.format("%Y-%m-%d").to_string()
}

/// The first and last day: empty ones default to today and a year on (the day before the
/// anniversary); the last may not come before the first, nor more than ten years after it.
fn dates(from: &str, until: &str, today: &str) -> Result<(String, String), DomainError> {
    let from = match from.trim() {
        "" => parse_day(today, "valid_from")
            .map_err(|_| DomainError::Internal(format!("today {today:?}")))?,
        raw => parse_day(raw, "valid_from")?,
    };
    let until = match until.trim() {
        "" => after_months(from, 12)?,
        raw => parse_day(raw, "valid_until")?,
    };
    if until < from {
        return Err(DomainError::invalid(
            "valid_until",
            "The last day can't come before the first.",
        ));
    }
    if until > from + Months::new(12 * MAX_YEARS) {
        return Err(DomainError::invalid(
            "valid_until",
            format!("A licence runs for at most {MAX_YEARS} years; renew it for longer."),
        ));
    }
    Ok((format_day(from), format_day(until)))
}

/// The last day of a term of `months` starting on `first`: the day before the same date
/// `months` later, or — when that month is too short to have the date (a term from 31 January,
/// or 29 February) — its last day.
fn after_months(first: NaiveDate, months: u32) -> Result<NaiveDate, DomainError> {
    let out_of_range = || DomainError::invalid("valid_until", "That day is out of range.");
    let same_date = first
        .checked_add_months(Months::new(months))
        .ok_or_else(out_of_range)?;
    if same_date.day() != first.day() {
        return Ok(same_date);
    }
    same_date.pred_opt().ok_or_else(out_of_range)
}

/// How far a renewal extends a licence: 1 to 60 months.
pub(super) fn renewal_months(raw: &str) -> Result<u32, DomainError> {
    let message = "Renew for 1 to 60 months.";
    let n: u32 = raw
        .trim()
        .parse()
        .map_err(|_| DomainError::invalid("months", message))?;
    if !(1..=60).contains(&n) {
        return Err(DomainError::invalid("months", message));
    }
    Ok(n)
}

/// The new last day of a licence renewed on `today` for `months`: the term continues from its
/// last day, or — once expired — starts again today.
pub(super) fn renewed_until(
    valid_until: &str,
    today: &str,
    months: u32,
) -> Result<String, DomainError> {
    let internal = |what: &str| DomainError::Internal(format!("stored day {what:?}"));
    let until = parse_day(valid_until, "valid_until").map_err(|_| internal(valid_until))?;
    let today = parse_day(today, "valid_until").map_err(|_| internal(today))?;
    let first = if until >= today {
        until.succ_opt().ok_or_else(|| internal(valid_until))?
    } else {
        today
    };
    Ok(format_day(after_months(first, months)?))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn field(e: DomainError) -> &'static str {
        match e {
            DomainError::Invalid { field, .. } => field,
            other => panic!("expected a field error, got {other:?}"),
        }
    }

    #[test]
    fn empty_dates_run_a_year_from_today() {
        assert_eq!(
            dates("", "", "2026-12-03").unwrap(),
            ("2026-12-03".into(), "2027-12-02".into())
        );
        assert_eq!(
            dates("2024-02-29", "", "2026-12-03").unwrap(),
            ("2024-02-29".into(), "2025-02-28".into())
        );
        assert_eq!(
            dates("2026-01-31", "", "2026-12-03").unwrap().1,
            "2027-01-30"
        );
        assert_eq!(
            after_months(NaiveDate::from_ymd_opt(2026, 1, 31).unwrap(), 1)
                .unwrap()
                .to_string(),
            "2026-02-28"
        );
        assert_eq!(
            dates("2026-01-01", "2026-01-01", "2026-12-03").unwrap().1,
            "2026-01-01"
        );
    }

    #[test]
    fn bad_dates_name_their_field() {
        for (from, until, expected) in [
            ("2026-02-30", "", "valid_from"),
            ("03/12/2026", "", "valid_from"),
            ("2026-12-03", "soon", "valid_until"),
            ("2026-12-03", "2026-12-02", "valid_until"),
            ("2026-12-03", "2036-12-04", "valid_until"),
        ] {
            assert_eq!(
                field(dates(from, until, "2026-12-03").unwrap_err()),
                expected,
                "{from} {until}"
            );
        }
    }

    #[test]
    fn seats_are_a_whole_number_in_range() {
        assert_eq!(seats(" 25 ").unwrap(), 25);
        for bad in ["0", "-3", "2.5", "many", "", "1000001"] {
            assert_eq!(field(seats(bad).unwrap_err()), "seats", "{bad}");
        }
    }

    #[test]
    fn a_renewal_continues_the_term_or_restarts_an_expired_one() {
        assert_eq!(
            renewed_until("2026-12-31", "2026-12-03", 12).unwrap(),
            "2027-12-31"
        );
        assert_eq!(
            renewed_until("2026-11-30", "2026-12-03", 1).unwrap(),
            "2027-01-02"
        );
        assert_eq!(
            renewed_until("2026-12-03", "2026-12-03", 3).unwrap(),
            "2027-03-03"
        );
        for bad in ["0", "61", "twelve", ""] {
            assert_eq!(field(renewal_months(bad).unwrap_err()), "months", "{bad}");
        }
    }
}
