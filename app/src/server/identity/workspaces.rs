//! Workspaces: the tenant boundary. Every workspace-owned record will carry a workspace id.

use sqlx::Row;

use crate::model::{NameCheck, UserId, WorkspaceId, WorkspaceSummary};
use crate::server::platform::text::LineField;
use crate::server::{platform::clock::Clock, platform::db::Db, platform::error::DomainError};

pub const NAME_MAX_CHARS: usize = 80;
const SLUG_MAX_CHARS: usize = 40;
/// Past this many "-2", "-3", … suffixes the name is too common to pick a free address for.
const SLUG_SUFFIX_LIMIT: u32 = 100;

/// A workspace name that passed validation: trimmed, inner whitespace collapsed, no control
/// characters, 1–80 characters. Any script is welcome.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct WorkspaceName(String);

impl WorkspaceName {
    pub fn parse(raw: &str) -> Result<Self, DomainError> {
        LineField {
            field: "workspace_name",
            subject: "The name",
            empty_message: "Enter a workspace name.",
            max_chars: NAME_MAX_CHARS,
        }
        .clean(raw)
        .map(Self)
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The URL-safe base address for this name: transliterated to ASCII, lower-case, hyphens.
    pub fn base_slug(&self) -> String {
        let slug = slug::slugify(&self.0);
        let slug: String = slug.chars().take(SLUG_MAX_CHARS).collect();
        let slug = slug.trim_end_matches('-');
        if slug.is_empty() {
            "workspace".to_owned()
        } else {
            slug.to_owned()
        }
    }
}

fn summary(row: &sqlx::any::AnyRow) -> Result<WorkspaceSummary, sqlx::Error> {
    Ok(WorkspaceSummary {
        id: WorkspaceId::from_db(row.try_get("id")?),
        name: row.try_get("name")?,
        slug: row.try_get("slug")?,
        created_at_ms: row.try_get("created_at")?,
    })
}

/// The workspaces `user` is an active member of, by name. Never anyone else's: which
/// organisations use this server is itself private.
pub async fn list_for_member(db: &Db, user: &UserId) -> Result<Vec<WorkspaceSummary>, DomainError> {
    let rows = sqlx::query(
        "SELECT w.id, w.name, w.slug, w.created_at FROM workspaces w \
         JOIN memberships m ON m.workspace_id = w.id \
         WHERE m.user_id = $1 AND m.deactivated_at IS NULL \
         ORDER BY w.name, w.id LIMIT 500",
    )
    .bind(user.as_str())
    .fetch_all(db.pool())
    .await?;
    Ok(rows.iter().map(summary).collect::<Result<_, _>>()?)
}

async fn slug_taken<'e, E>(executor: E, slug: &str) -> Result<bool, sqlx::Error>
where
    E: sqlx::Executor<'e, Database = sqlx::Any>,
{
    let row = sqlx::query("SELECT COUNT(*) AS n FROM workspaces WHERE slug = $1")
        .bind(slug)
        .fetch_one(executor)
        .await?;
    Ok(row.try_get::<i64, _>("n")? > 0)
}

/// The first free address for `name`: its base slug, else `base-2`, `base-3`, …
async fn free_slug(
    conn: &mut sqlx::AnyConnection,
    name: &WorkspaceName,
) -> Result<(String, bool), DomainError> {
    let base = name.base_slug();
    if !slug_taken(&mut *conn, &base).await? {
        return Ok((base, false));
    }
    for n in 2..=SLUG_SUFFIX_LIMIT {
        let candidate = format!("{base}-{n}");
        if !slug_taken(&mut *conn, &candidate).await? {
            return Ok((candidate, true));
        }
    }
    Err(DomainError::Conflict(
        "That name is used by too many workspaces; pick a more distinctive one.".into(),
    ))
}

/// Validates a proposed name and says which address it would get. Changes nothing.
pub async fn check_name(db: &Db, raw: &str) -> Result<NameCheck, DomainError> {
    let name = WorkspaceName::parse(raw)?;
    let mut conn = db.pool().acquire().await?;
    let (slug, slug_was_taken) = free_slug(&mut conn, &name).await?;
    Ok(NameCheck {
        name: name.0,
        slug,
        slug_was_taken,
    })
}

/// Creates a workspace inside the caller's transaction, which also gives it an Owner.
pub(crate) async fn insert(
    tx: &mut sqlx::AnyConnection,
    clock: &Clock,
    name: &WorkspaceName,
) -> Result<WorkspaceSummary, DomainError> {
    let (slug, _) = free_slug(tx, name).await?;
    let workspace = WorkspaceSummary {
        id: WorkspaceId::fresh(),
        name: name.as_str().to_owned(),
        slug,
        created_at_ms: clock.now_ms(),
    };
    sqlx::query("INSERT INTO workspaces (id, name, slug, created_at) VALUES ($1, $2, $3, $4)")
        .bind(workspace.id.as_str())
        .bind(&workspace.name)
        .bind(&workspace.slug)
        .bind(workspace.created_at_ms)
        .execute(&mut *tx)
        .await
        // Two sign-ups raced for the same address; the loser asks again rather than guessing.
        .map_err(|e| {
            DomainError::on_unique(e, || {
                DomainError::Conflict(
                    "That address was taken a moment ago. Please try again.".into(),
                )
            })
        })?;
    Ok(workspace)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn message(e: DomainError) -> String {
        match e {
            DomainError::Invalid { field, message } => format!("{field}: {message}"),
            other => panic!("expected a validation error, got {other:?}"),
        }
    }

    #[test]
    fn names_are_trimmed_and_collapsed() {
        let n = WorkspaceName::parse("  Acme \t  Corp ").unwrap();
        assert_eq!(n.as_str(), "Acme Corp");
        assert_eq!(n.base_slug(), "acme-corp");
    }

    #[test]
    fn unicode_names_are_kept_and_transliterated_for_the_address() {
        let n = WorkspaceName::parse("Café Zürich — Ведомство").unwrap();
        assert_eq!(n.as_str(), "Café Zürich — Ведомство");
        assert_eq!(n.base_slug(), "cafe-zurich-vedomstvo");
        assert_eq!(
            WorkspaceName::parse("🙂").unwrap().base_slug(),
            "slight-smile"
        );
        assert_eq!(
            WorkspaceName::parse("!!!").unwrap().base_slug(),
            "workspace"
        );
    }

    #[test]
    fn bad_names_are_refused_with_the_rule() {
        assert_eq!(
            message(WorkspaceName::parse("   ").unwrap_err()),
            "workspace_name: Enter a workspace name."
        );
        assert_eq!(
            message(WorkspaceName::parse("a\nb").unwrap_err()),
            "workspace_name: The name can't contain line breaks or control characters."
        );
        assert_eq!(
            message(WorkspaceName::parse("a\u{7}b").unwrap_err()),
            "workspace_name: The name can't contain line breaks or control characters."
        );
        assert_eq!(
            message(WorkspaceName::parse(&"é".repeat(81)).unwrap_err()),
            "workspace_name: Use at most 80 characters."
        );
        assert!(WorkspaceName::parse(&"é".repeat(80)).is_ok());
        assert_eq!(
            message(WorkspaceName::parse(&"x".repeat(10_000)).unwrap_err()),
            "workspace_name: Use at most 80 characters."
        );
    }

    #[test]
    fn long_addresses_are_cut_without_a_trailing_hyphen() {
        let n = WorkspaceName::parse(&format!("{} b", "a".repeat(39))).unwrap();
        assert_eq!(n.base_slug(), "a".repeat(39));
    }
}
