//! The document library: a workspace's documents — a title, a description, tags, an owner and
//! maybe a team, so every data scope applies — each with versions. A version is a file of the
//! document (`files::holders::OnDocument`, which names this kind): uploading one adds it, the newest is the current
//! one, and older ones stay listed and downloadable. A record kind on the record kit.

mod form;

use sqlx::Row;

pub use self::form::DocumentForm;
use crate::model::{Document, DocumentId, DocumentPage, TeamId, UserId};
use crate::permissions::{keys, Key, Resource};
use crate::server::access::grants::Grant;
use crate::server::platform::clock::Clock;
use crate::server::platform::db::Db;
use crate::server::platform::error::DomainError;
use crate::server::records::filter_choices;
use crate::server::records::kind::{Reach, RecordKind};
use crate::server::records::listing::{ListParams, Listing};
use crate::server::records::{history, rows, version};

/// Library documents, declared once for the record kit.
pub const KIND: RecordKind = RecordKind {
    table: "documents",
    noun: "document",
    path: "/documents",
    alias: "d",
    resource: Resource::Documents,
    sorts: &crate::model::DOCUMENT_SORTS,
    search: &["d.title_key", "d.tags_key"],
    reach: Reach::Assigned {
        assignee: "assigned_user_id",
        team: "team_id",
    },
    sensitive: &[],
    versioned: true,
    customer: None,
    retention: None,
};

const COLUMNS: &str = "d.id, d.title, d.description, d.tags, d.assigned_user_id, \
     u.display_name AS assignee, d.team_id, t.name AS team_name, d.version, d.updated_at, \
     (SELECT COUNT(*) FROM files f WHERE f.workspace_id = d.workspace_id \
      AND f.document_id = d.id) AS versions \
     FROM documents d LEFT JOIN users u ON u.id = d.assigned_user_id \
     LEFT JOIN teams t ON t.id = d.team_id";

fn from_row(row: &sqlx::any::AnyRow) -> Result<Document, DomainError> {
    let tags: String = row.try_get("tags")?;
    Ok(Document {
        id: DocumentId::from_db(row.try_get("id")?),
        title: row.try_get("title")?,
        description: row.try_get("description")?,
        tags: tags
            .split(',')
            .filter(|t| !t.is_empty())
            .map(str::to_owned)
            .collect(),
        assigned_user_id: UserId::from_db(row.try_get("assigned_user_id")?),
        assigned_to: row.try_get("assignee")?,
        team_id: row
            .try_get::<Option<String>, _>("team_id")?
            .map(TeamId::from_db),
        team: row.try_get("team_name")?,
        versions: row.try_get("versions")?,
        version: row.try_get("version")?,
        updated_at_ms: row.try_get("updated_at")?,
    })
}

/// How many documents the list with these filters holds, every page: an export's total.
pub async fn count_listed(
    db: &Db,
    grant: &Grant<keys::DocumentsRead>,
    query: &ListParams,
) -> Result<u64, DomainError> {
    let listing = Listing::parse(db, grant, &KIND, query).await?;
    listing
        .count(listing.select(COLUMNS, grant), db, grant)
        .await
}

/// One page of the documents the grant reaches, by title.
pub async fn list(
    db: &Db,
    grant: &Grant<keys::DocumentsRead>,
    query: &ListParams,
) -> Result<DocumentPage, DomainError> {
    let listing = Listing::parse(db, grant, &KIND, query).await?;
    let mut sql = listing.select(COLUMNS, grant);
    listing.finish(&mut sql, grant);
    let mut tx = grant.begin(db, false).await?;
    let rows = sql.query().fetch_all(&mut *tx).await?;
    let choices = filter_choices::for_grant(&mut tx, grant).await?;
    tx.commit().await?;
    let mut items = rows.iter().map(from_row).collect::<Result<Vec<_>, _>>()?;
    let next = listing.cut(&mut items, |d| d.id.as_str().to_owned());
    Ok(DocumentPage {
        items,
        next,
        choices,
    })
}

async fn find<K: Key>(
    conn: &mut sqlx::AnyConnection,
    grant: &Grant<K>,
    id: &DocumentId,
) -> Result<Document, DomainError> {
    from_row(&rows::find_one(conn, &KIND, COLUMNS, grant, id.as_str()).await?)
}

/// One document the grant reaches; otherwise `NotFound`. Its versions are its files
/// (`files::attachments::list::<OnDocument>`).
pub async fn get(
    db: &Db,
    grant: &Grant<keys::DocumentsRead>,
    id: &DocumentId,
) -> Result<Document, DomainError> {
    let mut tx = grant.begin(db, false).await?;
    let document = find(&mut tx, grant, id).await?;
    tx.commit().await?;
    Ok(document)
}

/// Adds a document (its first version is uploaded next, on its page).
pub async fn create(
    db: &Db,
    clock: &Clock,
    grant: &Grant<keys::DocumentsWrite>,
    form: &DocumentForm,
) -> Result<Document, DomainError> {
    let mut tx = grant.begin(db, true).await?;
    let v = form::validate(&mut tx, grant, form).await?;
    let id = DocumentId::fresh();
    let now = clock.now_ms();
    let tags = v.tags.join(",");
    sqlx::query(
        "INSERT INTO documents (id, workspace_id, title, title_key, description, tags, \
         tags_key, assigned_user_id, team_id, created_at, updated_at, created_by) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)",
    )
    .bind(id.as_str())
    .bind(grant.workspace().as_str())
    .bind(&v.title)
    .bind(v.title.to_lowercase())
    .bind(&v.description)
    .bind(&tags)
    .bind(tags.to_lowercase())
    .bind(v.assignment.assigned.as_str())
    .bind(v.assignment.team.as_ref().map(|t| t.as_str().to_owned()))
    .bind(now)
    .bind(now)
    .bind(grant.user().as_str())
    .execute(&mut *tx)
    .await?;
    let document = find(&mut tx, grant, &id).await?;
    let event = history::Event {
        action: "create",
        id: id.as_str(),
        before: None,
        after: Some(history::fields(&document)),
    };
    history::record(&mut tx, clock, grant, &KIND, event).await?;
    tx.commit().await?;
    Ok(document)
}

/// Changes a document the grant reaches (else `NotFound`) if it is still at `version` (else
/// `Conflict`).
pub async fn update(
    db: &Db,
    clock: &Clock,
    grant: &Grant<keys::DocumentsWrite>,
    id: &DocumentId,
    version: i64,
    form: &DocumentForm,
) -> Result<Document, DomainError> {
    let mut tx = grant.begin(db, true).await?;
    let before = find(&mut tx, grant, id).await?;
    let v = form::validate(&mut tx, grant, form).await?;
    version::claim(&mut tx, &KIND, grant, id.as_str(), version, clock.now_ms()).await?;
    let tags = v.tags.join(",");
    sqlx::query(
        "UPDATE documents SET title = $1, title_key = $2, description = $3, tags = $4, \
         tags_key = $5, assigned_user_id = $6, team_id = $7 WHERE workspace_id = $8 AND id = $9",
    )
    .bind(&v.title)
    .bind(v.title.to_lowercase())
    .bind(&v.description)
    .bind(&tags)
    .bind(tags.to_lowercase())
    .bind(v.assignment.assigned.as_str())
    .bind(v.assignment.team.as_ref().map(|t| t.as_str().to_owned()))
    .bind(grant.workspace().as_str())
    .bind(id.as_str())
    .execute(&mut *tx)
    .await?;
    let document = find(&mut tx, grant, id).await?;
    let event = history::Event {
        action: "update",
        id: id.as_str(),
        before: Some(history::fields(&before)),
        after: Some(history::fields(&document)),
    };
    history::record(&mut tx, clock, grant, &KIND, event).await?;
    tx.commit().await?;
    Ok(document)
}

/// Deletes a document the grant reaches, with all its versions (their bytes are queued for the
/// sweeper in the same transaction).
pub async fn delete(
    db: &Db,
    clock: &Clock,
    grant: &Grant<keys::DocumentsDelete>,
    id: &DocumentId,
) -> Result<(), DomainError> {
    rows::delete_one(db, clock, &KIND, grant, id.as_str(), None).await
}
