//! The workspace's quote template: a DOCX with `{{placeholders}}`, kept by holders of
//! `settings.write`, that "Download as DOCX" fills from a quote for anyone whose `quotes.read`
//! reaches that quote. The placeholders are declared once, here: the upload is checked
//! against them, the settings card lists them, and filling reads each one's value from them.

use std::collections::BTreeMap;

use sqlx::Row;

use super::fill::Values;
use super::package;
use crate::model::{FileSummary, LineItem, Purpose, QuoteDetail, QuoteId, UploadProblem};
use crate::permissions::keys;
use crate::server::access::grants::Grant;
use crate::server::files::errors::FileError;
use crate::server::files::intake;
use crate::server::files::singles::{self, Single};
use crate::server::files::spool::Spooled;
use crate::server::files::storage::Storage;
use crate::server::platform::clock::Clock;
use crate::server::platform::db::Db;
use crate::server::platform::error::DomainError;
use crate::server::records::{documents, quotes};

const TEMPLATE: Single = Single {
    purpose: Purpose::QuoteTemplate,
    column: None,
};

/// What a quote's placeholders are filled from.
pub struct Source<'a> {
    pub workspace: &'a str,
    /// The day the document is made, in the workspace's time zone.
    pub today: &'a str,
    pub quote: &'a QuoteDetail,
}

/// A placeholder of the quote, its meaning in words, and where its value comes from.
pub struct Field {
    pub name: &'static str,
    pub holds: &'static str,
    value: fn(&Source) -> String,
}

/// A placeholder of each line; the row or paragraph naming one repeats per line.
pub struct LineField {
    pub name: &'static str,
    pub holds: &'static str,
    value: fn(&LineItem) -> String,
}

pub const FIELDS: &[Field] = &[
    Field {
        name: "workspace.name",
        holds: "This workspace's name",
        value: |s| s.workspace.to_owned(),
    },
    Field {
        name: "date",
        holds: "The day the document is made",
        value: |s| s.today.to_owned(),
    },
    Field {
        name: "quote.number",
        holds: "The quote's number, e.g. Q-1042",
        value: |s| s.quote.quote.reference.clone(),
    },
    Field {
        name: "quote.title",
        holds: "The quote's title",
        value: |s| s.quote.quote.title.clone(),
    },
    Field {
        name: "quote.status",
        holds: "Draft, sent, accepted, declined or expired",
        value: |s| s.quote.quote.status.label().to_owned(),
    },
    Field {
        name: "quote.valid_until",
        holds: "The last day the offer stands",
        value: |s| s.quote.quote.valid_until.clone(),
    },
    Field {
        name: "quote.assigned_to",
        holds: "The person the quote is assigned to",
        value: |s| s.quote.quote.header.assigned_to.clone().unwrap_or_default(),
    },
    Field {
        name: "quote.notes",
        holds: "The quote's notes",
        value: |s| s.quote.quote.header.notes.clone(),
    },
    Field {
        name: "customer.name",
        holds: "The customer's name",
        value: |s| s.quote.quote.header.customer.clone(),
    },
    Field {
        name: "totals.subtotal",
        holds: "The sum of the lines, before tax",
        value: |s| s.quote.quote.header.totals.subtotal.clone(),
    },
    Field {
        name: "totals.tax_rate",
        holds: "The tax rate, e.g. 20 %",
        value: |s| s.quote.quote.header.totals.tax_rate.clone(),
    },
    Field {
        name: "totals.tax",
        holds: "The tax",
        value: |s| s.quote.quote.header.totals.tax.clone(),
    },
    Field {
        name: "totals.total",
        holds: "The total, with tax",
        value: |s| s.quote.quote.header.totals.total.clone(),
    },
    Field {
        name: "totals.currency",
        holds: "The currency, e.g. EUR",
        value: |s| s.quote.quote.header.totals.currency.clone(),
    },
];

pub const LINE_FIELDS: &[LineField] = &[
    LineField {
        name: "line.sku",
        holds: "A line's product code",
        value: |l| l.sku.clone(),
    },
    LineField {
        name: "line.product",
        holds: "A line's product name",
        value: |l| l.name.clone(),
    },
    LineField {
        name: "line.quantity",
        holds: "A line's quantity",
        value: |l| l.quantity.to_string(),
    },
    LineField {
        name: "line.unit_price",
        holds: "A line's unit price",
        value: |l| l.unit_price.clone(),
    },
    LineField {
        name: "line.discount",
        holds: "A line's discount, e.g. 10 %",
        value: |l| l.discount.clone(),
    },
    LineField {
        name: "line.total",
        holds: "A line's total",
        value: |l| l.total.clone(),
    },
];

/// Every placeholder, `(name, what it holds)`, for the settings card.
pub fn catalogue() -> Vec<(String, String)> {
    FIELDS
        .iter()
        .map(|f| (f.name, f.holds))
        .chain(LINE_FIELDS.iter().map(|f| (f.name, f.holds)))
        .map(|(n, h)| (n.to_owned(), h.to_owned()))
        .collect()
}

fn known(name: &str) -> bool {
    FIELDS.iter().any(|f| f.name == name) || LINE_FIELDS.iter().any(|f| f.name == name)
}

/// The values of every placeholder for one quote.
pub fn values(source: &Source) -> Values {
    Values {
        fields: FIELDS.iter().map(|f| (f.name, (f.value)(source))).collect(),
        lines: source
            .quote
            .lines
            .iter()
            .map(|line| {
                LINE_FIELDS
                    .iter()
                    .map(|f| (f.name, (f.value)(line)))
                    .collect::<BTreeMap<_, _>>()
            })
            .collect(),
    }
}

/// Why a template's placeholders cannot be used, or `None` when they can.
pub fn placeholder_problem(names: &[String]) -> Option<String> {
    let unknown: Vec<&str> = names
        .iter()
        .filter(|n| !known(n))
        .map(String::as_str)
        .collect();
    if names.is_empty() {
        Some("The template has no {{placeholders}}: add some, e.g. {{customer.name}}.".into())
    } else if !unknown.is_empty() {
        let listed = unknown
            .iter()
            .map(|n| format!("{{{{{n}}}}}"))
            .collect::<Vec<_>>();
        Some(format!(
            "Gatehouse does not fill {}: use the placeholders listed on the settings page.",
            listed.join(", ")
        ))
    } else {
        None
    }
}

/// Makes the upload the quote template, once it is a DOCX within the caps whose every
/// placeholder is one of [`FIELDS`] or [`LINE_FIELDS`]; the one before it is deleted.
pub async fn set(
    db: &Db,
    clock: &Clock,
    storage: &Storage,
    grant: &Grant<keys::SettingsWrite>,
    name: &str,
    upload: Spooled,
) -> Result<FileSummary, FileError> {
    let judged = intake::judge(TEMPLATE.purpose, name, upload).await?;
    let bytes = tokio::fs::read(judged.upload.path())
        .await
        .map_err(|e| DomainError::Internal(format!("reading a spooled template: {e}")))?;
    let names = tokio::task::spawn_blocking(move || package::placeholders(&bytes))
        .await
        .map_err(|e| DomainError::Internal(format!("template check: {e}")))?
        .map_err(|e| {
            // The parser's wording describes our parser, not the document: it stays in the log.
            tracing::info!(error = %e, "quote template refused");
            FileError::refused(
                UploadProblem::Template,
                "The template's text cannot be read: save it again from Word as a .docx.",
            )
        })?;
    if let Some(problem) = placeholder_problem(&names) {
        return Err(FileError::refused(UploadProblem::Template, problem));
    }
    singles::replace(db, clock, storage, grant, TEMPLATE, judged).await
}

pub async fn remove(
    db: &Db,
    storage: &Storage,
    grant: &Grant<keys::SettingsWrite>,
) -> Result<(), FileError> {
    singles::clear(db, storage, grant, TEMPLATE).await
}

/// The current template, if there is one.
pub async fn current(
    db: &Db,
    grant: &Grant<keys::SettingsWrite>,
) -> Result<Option<FileSummary>, DomainError> {
    let mut tx = grant.begin(db, false).await?;
    let row = sqlx::query(&format!(
        "SELECT {} FROM files f JOIN users u ON u.id = f.uploaded_by \
         WHERE f.workspace_id = $1 AND f.purpose = $2",
        crate::server::files::attachments::SUMMARY_COLUMNS
    ))
    .bind(grant.workspace().as_str())
    .bind(TEMPLATE.purpose.as_str())
    .fetch_optional(&mut *tx)
    .await?;
    tx.commit().await?;
    row.as_ref()
        .map(crate::server::files::attachments::summary)
        .transpose()
}

/// A quote filled into the template: the file's name and its bytes.
pub struct Filled {
    pub name: String,
    pub bytes: Vec<u8>,
}

/// The quote `id` filled into the workspace's template, if the grant reaches the quote and
/// there is a template (`NotFound` otherwise). The download is recorded against the template.
pub async fn render(
    db: &Db,
    clock: &Clock,
    storage: &Storage,
    grant: &Grant<keys::QuotesRead>,
    id: &QuoteId,
    from: (Option<&str>, Option<&str>),
) -> Result<Filled, FileError> {
    let quote = quotes::get(db, clock, grant, id).await?;
    let today = documents::today(db, clock, grant).await?;
    let name = format!("{}.docx", quote.quote.reference);
    let mut tx = grant.begin(db, true).await?;
    let row = sqlx::query(
        "SELECT f.id, f.object_key, f.sealed, w.name AS workspace FROM files f \
         JOIN workspaces w ON w.id = f.workspace_id \
         WHERE f.workspace_id = $1 AND f.purpose = $2",
    )
    .bind(grant.workspace().as_str())
    .bind(TEMPLATE.purpose.as_str())
    .fetch_optional(&mut *tx)
    .await?
    .ok_or(DomainError::NotFound)?;
    let (ip, user_agent) = from;
    sqlx::query(
        "INSERT INTO file_downloads (id, workspace_id, file_id, file_name, user_id, ip, \
         user_agent, range_asked, at) VALUES ($1, $2, $3, $4, $5, $6, $7, NULL, $8)",
    )
    .bind(uuid::Uuid::now_v7().to_string())
    .bind(grant.workspace().as_str())
    .bind(row.try_get::<String, _>("id")?)
    .bind(&name)
    .bind(grant.user().as_str())
    .bind(ip)
    .bind(user_agent.map(|ua| ua.chars().take(300).collect::<String>()))
    .bind(clock.now_ms())
    .execute(&mut *tx)
    .await?;
    tx.commit().await?;
    let workspace: String = row.try_get("workspace")?;
    let template = storage
        .read(
            &row.try_get::<String, _>("object_key")?,
            row.try_get::<i64, _>("sealed")? == 1,
        )
        .await?;
    let values = values(&Source {
        workspace: &workspace,
        today: &today,
        quote: &quote,
    });
    let bytes = tokio::task::spawn_blocking(move || package::fill(&template, &values))
        .await
        .map_err(|e| DomainError::Internal(format!("template fill: {e}")))?
        .map_err(|e| DomainError::Internal(format!("filling the quote template: {e}")))?;
    Ok(Filled { name, bytes })
}

#[cfg(test)]
mod tests {
    use super::super::fill::LINE_PREFIX;
    use super::*;

    #[test]
    fn every_line_field_is_named_as_a_line_and_no_field_is() {
        assert!(LINE_FIELDS.iter().all(|f| f.name.starts_with(LINE_PREFIX)));
        assert!(FIELDS.iter().all(|f| !f.name.starts_with(LINE_PREFIX)));
    }

    #[test]
    fn names_are_stated_once() {
        let all = catalogue();
        for (i, (name, _)) in all.iter().enumerate() {
            assert!(!all[i + 1..].iter().any(|(n, _)| n == name), "{name} twice");
        }
    }

    #[test]
    fn unknown_or_missing_placeholders_are_refused_by_name() {
        let named = |n: &[&str]| n.iter().map(|s| (*s).to_owned()).collect::<Vec<_>>();
        assert_eq!(
            placeholder_problem(&named(&["customer.name", "line.total"])),
            None
        );
        let problem = placeholder_problem(&named(&["customer.name", "customer.tax_id"])).unwrap();
        assert!(problem.contains("{{customer.tax_id}}"), "{problem}");
        assert!(!problem.contains("{{customer.name}}"), "{problem}");
        assert!(placeholder_problem(&[])
            .unwrap()
            .contains("no {{placeholders}}"));
    }
}
