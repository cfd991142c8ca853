//! The storage handle: one query layer (`sqlx::Any`) over SQLite or PostgreSQL.
//!
//! Portability rules every query follows: `$1`-style placeholders (both drivers number them),
//! ids as `TEXT` (UUIDv7, so they sort by creation), timestamps as `BIGINT` milliseconds since
//! the Unix epoch in UTC, booleans as `BOOLEAN`. Schema differences live in the per-backend
//! migration folders, never in Rust.

use std::path::Path;
use std::str::FromStr;
use std::time::Duration;

use sqlx::any::{AnyConnectOptions, AnyPoolOptions};
use sqlx::migrate::Migrator;
use sqlx::{AnyPool, Executor};

static SQLITE_MIGRATIONS: Migrator = sqlx::migrate!("../migrations/sqlite");
static POSTGRES_MIGRATIONS: Migrator = sqlx::migrate!("../migrations/postgres");

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

impl Backend {
    pub fn from_url(url: &str) -> Option<Self> {
        if url.starts_with("sqlite:") {
            Some(Self::Sqlite)
        } else if url.starts_with("postgres://") || url.starts_with("postgresql://") {
            Some(Self::Postgres)
        } else {
            None
        }
    }

    pub fn name(self) -> &'static str {
        match self {
            Self::Sqlite => "sqlite",
            Self::Postgres => "postgres",
        }
    }
}

#[derive(Debug, thiserror::Error)]
pub enum DbError {
    #[error("unsupported database URL (use sqlite:… or postgres://…)")]
    UnsupportedUrl,
    #[error("cannot create the database directory {path}: {source}")]
    CreateDir {
        path: String,
        source: std::io::Error,
    },
    #[error("cannot connect to the database: {0}")]
    Connect(#[source] sqlx::Error),
    #[error("cannot apply migrations: {0}")]
    Migrate(#[from] sqlx::migrate::MigrateError),
}

#[derive(Clone, Debug)]
pub struct Db {
    pool: AnyPool,
    backend: Backend,
    /// The installation's secrets once read (`instance_secrets`): they never change, and an
    /// API call needs one, so each process reads each once.
    secrets: std::sync::Arc<std::sync::Mutex<std::collections::HashMap<&'static str, [u8; 32]>>>,
}

impl Db {
    /// The installation secret `name` if this process has read it.
    pub(crate) fn cached_secret(&self, name: &'static str) -> Option<[u8; 32]> {
        self.secrets
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
            .get(name)
            .copied()
    }

    pub(crate) fn cache_secret(&self, name: &'static str, value: [u8; 32]) {
        self.secrets
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
            .insert(name, value);
    }

    /// Opens (and for SQLite, creates) the database. Does not migrate: see [`Db::migrate`].
    pub async fn connect(url: &str) -> Result<Self, DbError> {
        sqlx::any::install_default_drivers();
        let backend = Backend::from_url(url).ok_or(DbError::UnsupportedUrl)?;
        let url = match backend {
            Backend::Sqlite => prepare_sqlite_url(url)?,
            Backend::Postgres => url.to_owned(),
        };
        let options = AnyConnectOptions::from_str(&url).map_err(DbError::Connect)?;
        let pool = AnyPoolOptions::new()
            .max_connections(match backend {
                // One writer at a time either way; readers share the WAL.
                Backend::Sqlite => 8,
                Backend::Postgres => 16,
            })
            .acquire_timeout(Duration::from_secs(10))
            .after_connect(move |conn, _meta| {
                Box::pin(async move {
                    if backend == Backend::Sqlite {
                        // Per-connection settings: SQLite forgets them when a connection closes.
                        // FULL sync because a committed write must survive a power cut.
                        conn.execute(
                            "PRAGMA foreign_keys = ON; PRAGMA busy_timeout = 5000; \
                             PRAGMA synchronous = FULL;",
                        )
                        .await?;
                    }
                    Ok(())
                })
            })
            .connect_with(options)
            .await
            .map_err(DbError::Connect)?;
        if backend == Backend::Sqlite {
            // WAL is a property of the file, so setting it once is enough.
            pool.execute("PRAGMA journal_mode = WAL;")
                .await
                .map_err(DbError::Connect)?;
        }
        Ok(Self {
            pool,
            backend,
            secrets: Default::default(),
        })
    }

    pub async fn migrate(&self) -> Result<(), DbError> {
        let migrator = match self.backend {
            Backend::Sqlite => &SQLITE_MIGRATIONS,
            Backend::Postgres => &POSTGRES_MIGRATIONS,
        };
        migrator.run(&self.pool).await?;
        Ok(())
    }

    /// The newest migration this build knows: a backup made by a newer build is refused.
    pub fn latest_migration(backend: Backend) -> i64 {
        let migrator = match backend {
            Backend::Sqlite => &SQLITE_MIGRATIONS,
            Backend::Postgres => &POSTGRES_MIGRATIONS,
        };
        migrator.iter().map(|m| m.version).max().unwrap_or(0)
    }

    /// The newest migration applied to this database.
    pub async fn schema_version(&self) -> Result<i64, sqlx::Error> {
        sqlx::query_scalar("SELECT COALESCE(MAX(version), 0) FROM _sqlx_migrations")
            .fetch_one(&self.pool)
            .await
    }

    pub fn backend(&self) -> Backend {
        self.backend
    }

    /// Readiness: can a statement round-trip to the database right now?
    pub async fn ping(&self) -> Result<(), sqlx::Error> {
        sqlx::query("SELECT 1")
            .execute(&self.pool)
            .await
            .map(|_| ())
    }

    pub async fn close(&self) {
        self.pool.close().await;
    }

    pub(crate) fn pool(&self) -> &AnyPool {
        &self.pool
    }

    /// A transaction confined to `workspace`. On PostgreSQL the workspace id is set for this
    /// transaction only (`gatehouse.workspace_id`), and the row-level security policies of the
    /// workspace-owned tables show and accept only that workspace's rows: a statement run
    /// outside such a transaction sees none. `write` takes SQLite's write lock up front, so a
    /// read-then-write transaction cannot fail half-way on a busy database. Reach it through
    /// [`crate::server::access::grants::Grant::begin`]: only a checked grant names the workspace.
    pub(crate) async fn begin_in(
        &self,
        workspace: &crate::model::WorkspaceId,
        write: bool,
    ) -> Result<sqlx::Transaction<'static, sqlx::Any>, sqlx::Error> {
        let begin = match (self.backend, write) {
            (Backend::Sqlite, true) => "BEGIN IMMEDIATE",
            _ => "BEGIN",
        };
        let mut tx = self.pool.begin_with(begin).await?;
        set_workspace(&mut tx, workspace).await?;
        Ok(tx)
    }

    /// A transaction outside any workspace (sign-in's tables, memberships, roles), taking
    /// SQLite's write lock up front as [`Self::begin_in`] does for writes: a transaction that
    /// reads, then writes cannot fail half-way with `database is locked` when another connection
    /// wrote in between — it waits its turn instead. PostgreSQL needs no such lock.
    pub(crate) async fn begin_write(
        &self,
    ) -> Result<sqlx::Transaction<'static, sqlx::Any>, sqlx::Error> {
        let begin = match self.backend {
            Backend::Sqlite => "BEGIN IMMEDIATE",
            Backend::Postgres => "BEGIN",
        };
        self.pool.begin_with(begin).await
    }

    /// Refreshes the planner's statistics after a bulk load (the demo seed), on PostgreSQL:
    /// autovacuum would get there, but only minutes later, and until then the planner guesses
    /// from empty tables — a dashboard measured right after seeding took the wrong plans.
    /// SQLite keeps no statistics unless asked, and its plans were measured without them.
    pub async fn refresh_statistics(&self) -> Result<(), sqlx::Error> {
        if self.backend == Backend::Postgres {
            sqlx::query("ANALYZE").execute(&self.pool).await?;
        }
        Ok(())
    }

    /// Whether the database role bypasses row-level security (a superuser, a `BYPASSRLS` role):
    /// then the policies are no second wall, and the server says so at start. Always `false`
    /// on SQLite, which has no such policies.
    pub async fn bypasses_row_security(&self) -> Result<bool, sqlx::Error> {
        if self.backend != Backend::Postgres {
            return Ok(false);
        }
        let row = sqlx::query(
            "SELECT (rolsuper OR rolbypassrls) AS bypass FROM pg_roles WHERE rolname = current_user",
        )
        .fetch_one(&self.pool)
        .await?;
        sqlx::Row::try_get(&row, "bypass")
    }
}

/// The file a SQLite URL names; `None` for an in-memory database or another back end.
pub fn sqlite_file(url: &str) -> Option<std::path::PathBuf> {
    let rest = url
        .strip_prefix("sqlite://")
        .or_else(|| url.strip_prefix("sqlite:"))?;
    let path = rest.split_once('?').map_or(rest, |(path, _)| path);
    (!path.is_empty() && path != ":memory:").then(|| path.into())
}

/// Sets the workspace the row-level security policies admit, for the rest of the transaction
/// `conn` is in (PostgreSQL; nothing on SQLite).
pub(crate) async fn set_workspace(
    conn: &mut sqlx::AnyConnection,
    workspace: &crate::model::WorkspaceId,
) -> Result<(), sqlx::Error> {
    if conn.backend_name() == "PostgreSQL" {
        sqlx::query("SELECT set_config('gatehouse.workspace_id', $1, true)")
            .bind(workspace.as_str())
            .execute(&mut *conn)
            .await?;
    }
    Ok(())
}

/// Creates the file's directory and asks SQLite to create the file itself (`mode=rwc`).
fn prepare_sqlite_url(url: &str) -> Result<String, DbError> {
    let rest = url
        .strip_prefix("sqlite://")
        .or_else(|| url.strip_prefix("sqlite:"))
        .ok_or(DbError::UnsupportedUrl)?;
    let (path, query) = rest.split_once('?').unwrap_or((rest, ""));
    if path.is_empty() || path == ":memory:" {
        return Ok(url.to_owned());
    }
    if let Some(dir) = Path::new(path)
        .parent()
        .filter(|d| !d.as_os_str().is_empty())
    {
        std::fs::create_dir_all(dir).map_err(|source| DbError::CreateDir {
            path: dir.display().to_string(),
            source,
        })?;
    }
    if query.split('&').any(|kv| kv.starts_with("mode=")) {
        Ok(url.to_owned())
    } else if query.is_empty() {
        Ok(format!("sqlite://{path}?mode=rwc"))
    } else {
        Ok(format!("sqlite://{path}?{query}&mode=rwc"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backend_is_chosen_by_scheme() {
        assert_eq!(
            Backend::from_url("sqlite://data/g.db"),
            Some(Backend::Sqlite)
        );
        assert_eq!(
            Backend::from_url("postgres://u@h/db"),
            Some(Backend::Postgres)
        );
        assert_eq!(
            Backend::from_url("postgresql://u@h/db"),
            Some(Backend::Postgres)
        );
        assert_eq!(Backend::from_url("mysql://u@h/db"), None);
    }

    #[test]
    fn sqlite_urls_get_create_mode_once() {
        let dir = std::env::temp_dir().join(format!("gh-db-{}", std::process::id()));
        let file = dir.join("sub/g.db");
        let url = format!("sqlite://{}", file.display());
        assert_eq!(prepare_sqlite_url(&url).unwrap(), format!("{url}?mode=rwc"));
        assert!(file.parent().unwrap().is_dir());
        assert_eq!(
            prepare_sqlite_url(&format!("{url}?mode=ro")).unwrap(),
            format!("{url}?mode=ro")
        );
        std::fs::remove_dir_all(dir).unwrap();
    }

    #[tokio::test]
    async fn every_sqlite_connection_gets_the_durability_settings() {
        use sqlx::Row;
        let file = std::env::temp_dir().join(format!("gh-pragma-{}.db", uuid::Uuid::new_v4()));
        let db = Db::connect(&format!("sqlite://{}", file.display()))
            .await
            .unwrap();
        // Hold several connections at once so more than the first one is inspected.
        let mut conns = Vec::new();
        for _ in 0..3 {
            conns.push(db.pool().acquire().await.unwrap());
        }
        for conn in &mut conns {
            let mode: String = sqlx::query("PRAGMA journal_mode")
                .fetch_one(&mut **conn)
                .await
                .unwrap()
                .get(0);
            assert_eq!(mode, "wal");
            for (pragma, expected) in [
                ("foreign_keys", 1),
                ("busy_timeout", 5000),
                ("synchronous", 2),
            ] {
                let value: i64 = sqlx::query(&format!("PRAGMA {pragma}"))
                    .fetch_one(&mut **conn)
                    .await
                    .unwrap()
                    .get(0);
                assert_eq!(value, expected, "PRAGMA {pragma}");
            }
        }
        drop(conns);
        db.close().await;
        for suffix in ["", "-wal", "-shm"] {
            std::fs::remove_file(format!("{}{suffix}", file.display())).ok();
        }
    }
}
