//! What happens to a licence after it is issued: renewal for a number of months, suspension
//! with a reason, and reinstatement. Each names the version it was based on, needs
//! `licences.write`, and is in the licence's history with the fields it changed.

use crate::model::{LicenceDetail, LicenceId, LicenceStatus};
use crate::permissions::keys;
use crate::server::access::grants::Grant;
use crate::server::platform::clock::Clock;
use crate::server::platform::db::Db;
use crate::server::platform::error::DomainError;
use crate::server::platform::text::LineField;
use crate::server::records::sql::Sql;
use crate::server::records::{documents, history, version};

use super::{detail, find, form, KIND};

/// One step, checked against the licence as it stands, then applied by `set`.
async fn step(
    db: &Db,
    clock: &Clock,
    grant: &Grant<keys::LicencesWrite>,
    id: &LicenceId,
    expected: i64,
    action: &str,
    change: impl FnOnce(&crate::model::Licence, &str) -> Result<Sql, DomainError>,
) -> Result<LicenceDetail, DomainError> {
    let today = documents::today(db, clock, grant).await?;
    let mut tx = grant.begin(db, true).await?;
    let before = find(&mut tx, grant, id, &today).await?;
    let mut set = change(&before, &today)?;
    version::claim(&mut tx, &KIND, grant, id.as_str(), expected, clock.now_ms()).await?;
    set.push(" WHERE workspace_id = ")
        .arg(grant.workspace().as_str())
        .push(" AND id = ")
        .arg(id.as_str());
    set.query().execute(&mut *tx).await?;
    let after = find(&mut tx, grant, id, &today).await?;
    let event = history::Event {
        action,
        id: id.as_str(),
        before: Some(history::fields(&before)),
        after: Some(history::fields(&after)),
    };
    history::record(&mut tx, clock, grant, &KIND, event).await?;
    tx.commit().await?;
    Ok(detail(grant, after))
}

/// Extends a licence by `months` (1 to 60): from its last day, or from today once expired. A
/// suspended licence stays suspended.
pub async fn renew(
    db: &Db,
    clock: &Clock,
    grant: &Grant<keys::LicencesWrite>,
    id: &LicenceId,
    expected: i64,
    months: &str,
) -> Result<LicenceDetail, DomainError> {
    let months = form::renewal_months(months)?;
    step(
        db,
        clock,
        grant,
        id,
        expected,
        "renewed",
        |licence, today| {
            let until = form::renewed_until(&licence.valid_until, today, months)?;
            let mut sql = Sql::default();
            sql.push("UPDATE licences SET valid_until = ").arg(until);
            Ok(sql)
        },
    )
    .await
}

/// Suspends a licence that is not suspended, with the reason people will see.
pub async fn suspend(
    db: &Db,
    clock: &Clock,
    grant: &Grant<keys::LicencesWrite>,
    id: &LicenceId,
    expected: i64,
    reason: &str,
) -> Result<LicenceDetail, DomainError> {
    let reason = LineField {
        field: "reason",
        subject: "The reason",
        empty_message: "Say why the licence is suspended.",
        max_chars: 500,
    }
    .clean(reason)?;
    let now = clock.now_ms();
    step(db, clock, grant, id, expected, "suspended", |licence, _| {
        if licence.status == LicenceStatus::Suspended {
            return Err(DomainError::Conflict(
                "This licence is already suspended.".into(),
            ));
        }
        let mut sql = Sql::default();
        sql.push("UPDATE licences SET suspended_at = ")
            .int(now)
            .push(", suspended_reason = ")
            .arg(reason);
        Ok(sql)
    })
    .await
}

/// Lifts the suspension of a suspended licence; its dates decide again how it reads.
pub async fn reinstate(
    db: &Db,
    clock: &Clock,
    grant: &Grant<keys::LicencesWrite>,
    id: &LicenceId,
    expected: i64,
) -> Result<LicenceDetail, DomainError> {
    step(
        db,
        clock,
        grant,
        id,
        expected,
        "reinstated",
        |licence, _| {
            if licence.status != LicenceStatus::Suspended {
                return Err(DomainError::Conflict(
                    "This licence is not suspended.".into(),
                ));
            }
            let mut sql = Sql::default();
            sql.push("UPDATE licences SET suspended_at = NULL, suspended_reason = ''");
            Ok(sql)
        },
    )
    .await
}
