//! Throwaway databases for integration tests: a fresh SQLite file per test and, when
//! `GATEHOUSE_TEST_POSTGRES_URL` names a PostgreSQL server (an admin URL such as
//! `postgres://postgres@127.0.0.1:54329/postgres`), a fresh PostgreSQL database per test too.
//! Set `GATEHOUSE_REQUIRE_POSTGRES=1` to make a missing server an error rather than a skip;
//! the project's test command does.

use crate::server::platform::db::{Backend, Db};

/// A throwaway database. On PostgreSQL `db` is an ordinary role, as a deployment runs the
/// server, so every test of the code goes through the row-level security policies; `admin` is
/// the owner, for the tests' own setup and inspection (which would otherwise see no rows of the
/// policed tables). On SQLite both are the same file.
pub struct TestDb {
    pub db: Db,
    pub url: String,
    pub admin: Db,
    pub admin_url: String,
    sqlite_file: Option<std::path::PathBuf>,
}

impl TestDb {
    pub fn backend(&self) -> Backend {
        self.db.backend()
    }

    /// Rows in each of `tables`, for asserting that a refused request changed nothing.
    pub async fn row_counts(&self, tables: &[&str]) -> Vec<(String, i64)> {
        let mut counts = Vec::new();
        for table in tables {
            let n: i64 = sqlx::Row::get(
                &sqlx::query(&format!("SELECT COUNT(*) FROM {table}"))
                    .fetch_one(self.admin.pool())
                    .await
                    .expect("count rows"),
                0,
            );
            counts.push(((*table).to_owned(), n));
        }
        counts
    }

    /// The first column of every row `sql` returns, as text.
    pub async fn strings(&self, sql: &str) -> Vec<String> {
        sqlx::query(sql)
            .fetch_all(self.admin.pool())
            .await
            .expect("run test query")
            .iter()
            .map(|row| sqlx::Row::get(row, 0))
            .collect()
    }

    /// Every row `sql` returns, each as `column=value` pairs, sorted: for comparing a table's
    /// contents before and after.
    pub async fn rows_as_text(&self, sql: &str) -> Vec<String> {
        use sqlx::{Column, Row};
        let rows = sqlx::query(sql)
            .fetch_all(self.admin.pool())
            .await
            .expect("run test query");
        let mut lines: Vec<String> = rows
            .iter()
            .map(|row| {
                row.columns()
                    .iter()
                    .enumerate()
                    .map(|(i, column)| {
                        let value = row
                            .try_get::<Option<String>, _>(i)
                            .map(|v| format!("{v:?}"))
                            .or_else(|_| row.try_get::<Option<i64>, _>(i).map(|v| format!("{v:?}")))
                            .unwrap_or_else(|e| format!("<{e}>"));
                        format!("{}={value}", column.name())
                    })
                    .collect::<Vec<_>>()
                    .join(" ")
            })
            .collect();
        lines.sort();
        lines
    }

    /// Runs a statement for setting up a test (rows the code under test would find).
    pub async fn db_exec(&self, sql: &str) {
        sqlx::query(sql)
            .execute(self.admin.pool())
            .await
            .expect("run test statement");
    }

    /// A URL naming an empty database of the same kind: a SQLite file not yet made, or a new
    /// PostgreSQL database with no tables (as the owner) — what a restore goes into.
    pub async fn empty_twin(&self) -> String {
        use sqlx::{Connection, Executor};
        if self.sqlite_file.is_some() {
            let file =
                std::env::temp_dir().join(format!("gatehouse-twin-{}.db", uuid::Uuid::new_v4()));
            return format!("sqlite://{}", file.display());
        }
        let name = format!("gh_twin_{}", uuid::Uuid::new_v4().simple());
        let mut admin = sqlx::AnyConnection::connect(&self.admin_url)
            .await
            .expect("connect to the test PostgreSQL server");
        admin
            .execute(format!("CREATE DATABASE {name}").as_str())
            .await
            .expect("create an empty database");
        admin.close().await.ok();
        let (base, query) = self
            .admin_url
            .split_once('?')
            .unwrap_or((&self.admin_url, ""));
        let server = base.rsplit_once('/').map_or(base, |(server, _)| server);
        match query {
            "" => format!("{server}/{name}"),
            query => format!("{server}/{name}?{query}"),
        }
    }

    /// A second, independent handle on the same database, as a restarted process would open
    /// it to migrate (as the owner).
    pub async fn reopen(&self) -> Db {
        Db::connect(&self.admin_url)
            .await
            .expect("reopen test database")
    }
}

impl Drop for TestDb {
    fn drop(&mut self) {
        if let Some(file) = &self.sqlite_file {
            for suffix in ["", "-wal", "-shm"] {
                std::fs::remove_file(format!("{}{suffix}", file.display())).ok();
            }
        }
    }
}

/// The loopback SMTP server the test command starts (aiosmtpd writing to a maildir), as
/// `(smtp_url, maildir)`; `None` when this run has none. `GATEHOUSE_REQUIRE_SMTP=1` makes a
/// missing server an error rather than a skip.
pub fn smtp_server() -> Option<(String, std::path::PathBuf)> {
    match (
        std::env::var("GATEHOUSE_TEST_SMTP_URL"),
        std::env::var_os("GATEHOUSE_TEST_MAILDIR"),
    ) {
        (Ok(url), Some(dir)) => Some((url, dir.into())),
        _ if std::env::var_os("GATEHOUSE_REQUIRE_SMTP").is_some() => panic!(
            "GATEHOUSE_REQUIRE_SMTP is set but GATEHOUSE_TEST_SMTP_URL or GATEHOUSE_TEST_MAILDIR is not"
        ),
        _ => None,
    }
}

/// The loopback webhook receiver the test command starts (`scripts/webhook_receiver.py`, which
/// verifies with the `standardwebhooks` package); `None` when this run has none.
/// `GATEHOUSE_REQUIRE_WEBHOOK_RECEIVER=1` makes a missing one an error rather than a skip.
pub fn webhook_receiver() -> Option<String> {
    match std::env::var("GATEHOUSE_TEST_WEBHOOK_RECEIVER") {
        Ok(url) => Some(url),
        _ if std::env::var_os("GATEHOUSE_REQUIRE_WEBHOOK_RECEIVER").is_some() => panic!(
            "GATEHOUSE_REQUIRE_WEBHOOK_RECEIVER is set but GATEHOUSE_TEST_WEBHOOK_RECEIVER is not"
        ),
        _ => None,
    }
}

/// Waits up to five seconds for a message containing `needle` to arrive in `maildir/new`.
pub async fn received_mail(maildir: &std::path::Path, needle: &str) -> Option<String> {
    for _ in 0..50 {
        if let Ok(entries) = std::fs::read_dir(maildir.join("new")) {
            for entry in entries.flatten() {
                if let Ok(text) = std::fs::read_to_string(entry.path()) {
                    if text.contains(needle) {
                        return Some(text);
                    }
                }
            }
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    None
}

/// Every message in `maildir/new` that contains `needle`, at once: the loopback SMTP server
/// writes each message before it acknowledges it, so what a sender has sent is there.
pub fn received_mails(maildir: &std::path::Path, needle: &str) -> Vec<String> {
    std::fs::read_dir(maildir.join("new"))
        .map(|entries| {
            entries
                .flatten()
                .filter_map(|e| std::fs::read_to_string(e.path()).ok())
                .filter(|text| text.contains(needle))
                .collect()
        })
        .unwrap_or_default()
}

/// A migrated, empty database on every backend this run tests.
pub async fn backends() -> Vec<TestDb> {
    let mut dbs = vec![sqlite().await];
    match std::env::var("GATEHOUSE_TEST_POSTGRES_URL") {
        Ok(admin_url) => dbs.push(postgres(&admin_url).await),
        Err(_) if std::env::var_os("GATEHOUSE_REQUIRE_POSTGRES").is_some() => {
            panic!("GATEHOUSE_REQUIRE_POSTGRES is set but GATEHOUSE_TEST_POSTGRES_URL is not")
        }
        Err(_) => {}
    }
    dbs
}

pub async fn sqlite() -> TestDb {
    let file = std::env::temp_dir().join(format!("gatehouse-test-{}.db", uuid::Uuid::new_v4()));
    let url = format!("sqlite://{}", file.display());
    let db = Db::connect(&url).await.expect("open test SQLite database");
    db.migrate().await.expect("migrate test SQLite database");
    TestDb {
        admin: db.clone(),
        admin_url: url.clone(),
        db,
        url,
        sqlite_file: Some(file),
    }
}

/// A SQLite database migrated with every migration but `version`: a test of that migration
/// fills the schema without it — written by today's code, which needs the later migrations —
/// then `Db::migrate` applies it.
pub async fn sqlite_without(version: i64) -> TestDb {
    let source = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../migrations/sqlite");
    let dir = std::env::temp_dir().join(format!("gatehouse-migrations-{}", uuid::Uuid::new_v4()));
    std::fs::create_dir(&dir).expect("make a migrations directory");
    for entry in std::fs::read_dir(&source).expect("read the SQLite migrations") {
        let path = entry.expect("a migration").path();
        let name = path
            .file_name()
            .and_then(|n| n.to_str())
            .unwrap_or_default();
        let number = name.split('_').next().and_then(|n| n.parse::<i64>().ok());
        if number.is_some_and(|n| n != version) {
            std::fs::copy(&path, dir.join(name)).expect("copy a migration");
        }
    }
    let file = std::env::temp_dir().join(format!("gatehouse-test-{}.db", uuid::Uuid::new_v4()));
    let url = format!("sqlite://{}", file.display());
    let db = Db::connect(&url).await.expect("open test SQLite database");
    sqlx::migrate::Migrator::new(dir.as_path())
        .await
        .expect("read the migrations")
        .run(db.pool())
        .await
        .expect("migrate the test SQLite database but one migration");
    std::fs::remove_dir_all(&dir).ok();
    TestDb {
        admin: db.clone(),
        admin_url: url.clone(),
        db,
        url,
        sqlite_file: Some(file),
    }
}

/// Creates `gh_test_<uuid>` on the server at `admin_url` and connects to it. The databases are
/// left behind on purpose: the test command's PostgreSQL cluster is itself thrown away.
pub async fn postgres(admin_url: &str) -> TestDb {
    use sqlx::{Connection, Executor};
    let name = format!("gh_test_{}", uuid::Uuid::new_v4().simple());
    let mut admin = sqlx::AnyConnection::connect(admin_url)
        .await
        .expect("connect to the test PostgreSQL server");
    admin
        .execute(format!("CREATE DATABASE {name}").as_str())
        .await
        .expect("create a test database");
    admin.close().await.ok();
    let (base, query) = admin_url.split_once('?').unwrap_or((admin_url, ""));
    let server = base.rsplit_once('/').map_or(base, |(server, _)| server);
    let with_query = |url: String| {
        if query.is_empty() {
            url
        } else {
            format!("{url}?{query}")
        }
    };
    let owner_url = with_query(format!("{server}/{name}"));
    let owner = Db::connect(&owner_url)
        .await
        .expect("open test PostgreSQL database");
    owner
        .migrate()
        .await
        .expect("migrate test PostgreSQL database");
    // The application's role: no superuser, no BYPASSRLS — the policies apply to it.
    let role = format!("gh_app_{}", uuid::Uuid::new_v4().simple());
    for statement in [
        format!("CREATE ROLE {role} LOGIN PASSWORD 'app-password'"),
        format!("GRANT CONNECT ON DATABASE {name} TO {role}"),
        format!("GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO {role}"),
    ] {
        sqlx::query(&statement)
            .execute(owner.pool())
            .await
            .expect("create the application role");
    }
    let (scheme, rest) = server.split_once("://").expect("a URL");
    let host = rest.split_once('@').map_or(rest, |(_, host)| host);
    let url = with_query(format!("{scheme}://{role}:app-password@{host}/{name}"));
    let db = Db::connect(&url)
        .await
        .expect("open test PostgreSQL database as the application role");
    TestDb {
        db,
        url,
        admin: owner,
        admin_url: owner_url,
        sqlite_file: None,
    }
}

/// What an authenticator app shows at `at_ms` for `key` (base32, spaces allowed), `ahead`
/// steps on: for tests that drive enrolment and sign-in from outside.
pub fn totp_code(key: &str, at_ms: i64, ahead: u64) -> String {
    let key: String = key.chars().filter(|c| !c.is_whitespace()).collect();
    let bytes = totp_rs::Secret::Encoded(key)
        .to_bytes()
        .expect("a base32 key");
    let t = totp_rs::TOTP::new_unchecked(
        totp_rs::Algorithm::SHA1,
        crate::server::identity::mfa::DIGITS,
        crate::server::identity::mfa::SKEW_STEPS,
        crate::server::identity::mfa::STEP_SECS,
        bytes,
        None,
        String::new(),
    );
    t.generate(
        u64::try_from(at_ms / 1000).expect("a time after 1970")
            + ahead * crate::server::identity::mfa::STEP_SECS,
    )
}

/// The password every fixture account uses.
pub const FIXTURE_PASSWORD: &str = "quiet lantern orbit mango";

/// A workspace for domain tests: Ada Lovelace (ada@example.com, address confirmed) owns
/// "Analytical Engines"; members are invited and accept through the real code paths.
pub struct Fixture {
    pub db: crate::server::platform::db::Db,
    pub clock: crate::server::platform::clock::Clock,
    pub hasher: crate::server::identity::passwords::Hasher,
    pub owner: crate::model::UserId,
    pub workspace: crate::model::WorkspaceId,
}

impl Fixture {
    pub async fn new(
        db: &crate::server::platform::db::Db,
        clock: &crate::server::platform::clock::Clock,
    ) -> Self {
        use crate::server::identity::accounts::{self, SignUp};
        use crate::server::identity::passwords::{Hasher, Password};
        let hasher = Hasher::new(2);
        let account = accounts::sign_up(
            db,
            clock,
            &hasher,
            SignUp {
                email: "ada@example.com".into(),
                name: "Ada Lovelace".into(),
                password: Password::new(FIXTURE_PASSWORD),
                workspace_name: "Analytical Engines".into(),
            },
        )
        .await
        .expect("sign up the fixture owner");
        accounts::mark_email_verified(db, clock, &account.user_id)
            .await
            .expect("confirm the fixture owner's address");
        Self {
            db: db.clone(),
            clock: clock.clone(),
            hasher,
            owner: account.user_id,
            workspace: account.workspace.id,
        }
    }

    /// The owner's grant of the key `K` in the workspace.
    pub async fn grant<K: crate::permissions::Key>(
        &self,
    ) -> crate::server::access::grants::Grant<K> {
        crate::server::access::grants::require::<K>(
            &self.db,
            &self.clock,
            &self.owner,
            &self.workspace,
        )
        .await
        .expect("the owner holds every permission")
    }

    /// `person`'s grant of the key `K` in the workspace, or the refusal.
    pub async fn grant_of<K: crate::permissions::Key>(
        &self,
        person: &crate::model::UserId,
    ) -> Result<crate::server::access::grants::Grant<K>, crate::server::platform::error::DomainError>
    {
        crate::server::access::grants::require::<K>(&self.db, &self.clock, person, &self.workspace)
            .await
    }

    /// A second workspace `name` the owner also owns, for checks that workspaces stay apart.
    pub async fn other_workspace(&self, name: &str) -> crate::model::WorkspaceId {
        use crate::server::identity::{accounts, workspaces::WorkspaceName};
        let name = WorkspaceName::parse(name).expect("a valid workspace name");
        accounts::create_workspace(&self.db, &self.clock, &self.owner, &name)
            .await
            .expect("create a second workspace")
            .id
    }

    /// The id of the workspace's role called `name`.
    pub async fn role(&self, name: &str) -> crate::model::RoleId {
        let read = self.grant::<crate::permissions::keys::TeamRead>().await;
        crate::server::access::roles::options(&self.db, &read)
            .await
            .expect("list roles")
            .into_iter()
            .find(|r| r.name == name)
            .unwrap_or_else(|| panic!("no role {name}"))
            .id
    }

    /// Invites `email` with the role `role` and accepts as `name`; returns the new member.
    pub async fn add_member(&self, email: &str, name: &str, role: &str) -> crate::model::UserId {
        use crate::server::workspace::invitations::{self, Invite};
        let role_id = self.role(role).await;
        let write = self.grant::<crate::permissions::keys::TeamWrite>().await;
        let sent = invitations::invite(
            &self.db,
            &self.clock,
            &write,
            true,
            Invite {
                email: email.into(),
                role_id: role_id.as_str().to_owned(),
            },
        )
        .await
        .expect("invite a fixture member");
        invitations::accept_new(
            &self.db,
            &self.clock,
            &self.hasher,
            &sent.token,
            name,
            &crate::server::identity::passwords::Password::new(FIXTURE_PASSWORD),
        )
        .await
        .expect("accept the fixture invitation")
        .user_id
    }

    /// The password step of signing in as `email` from `ip`.
    pub async fn sign_in(
        &self,
        email: &str,
        ip: &str,
    ) -> Result<
        crate::server::identity::authentication::PasswordChecked,
        crate::server::platform::error::DomainError,
    > {
        crate::server::identity::authentication::authenticate(
            &self.db,
            &self.clock,
            &self.hasher,
            email,
            &crate::server::identity::passwords::Password::new(FIXTURE_PASSWORD),
            &crate::server::audit::append::Origin::new(Some(ip.to_owned()), Some("fixture")),
        )
        .await
    }
}

/// Storage in a private directory under `dir`, unsealed.
pub fn disk_storage(dir: &std::path::Path) -> crate::server::files::storage::Storage {
    use crate::server::files::storage::{Location, Storage};
    Storage::open(&Location::Disk(dir.join("files")), dir, None).expect("open disk storage")
}

/// Every storage back end this run tests, over `dir`, sealed with `key` if given: the private
/// directory always, and the S3-compatible server the test command starts on loopback (moto)
/// when `GATEHOUSE_TEST_S3_URL` names it. `GATEHOUSE_REQUIRE_S3=1` makes a missing server an
/// error rather than a skip.
pub fn storages(
    dir: &std::path::Path,
    key: Option<crate::server::files::sealing::FileKey>,
) -> Vec<crate::server::files::storage::Storage> {
    use crate::server::files::storage::{Location, S3Settings, Storage};
    let mut all = vec![
        Storage::open(&Location::Disk(dir.join("files")), dir, key.clone())
            .expect("open disk storage"),
    ];
    match std::env::var("GATEHOUSE_TEST_S3_URL") {
        Ok(endpoint) => {
            let s3 = S3Settings {
                bucket: "gatehouse-test".into(),
                endpoint: Some(endpoint),
                region: "us-east-1".into(),
                access_key_id: "test".into(),
                secret_access_key: "test".into(),
            };
            all.push(Storage::open(&Location::S3(s3), dir, key).expect("open S3 storage"));
        }
        Err(_) if std::env::var_os("GATEHOUSE_REQUIRE_S3").is_some() => {
            panic!("GATEHOUSE_REQUIRE_S3 is set but GATEHOUSE_TEST_S3_URL is not")
        }
        Err(_) => {}
    }
    all
}

/// A smallest real DOCX package whose body is `paragraphs`, one run each (escaped).
pub fn docx(paragraphs: &[&str]) -> Vec<u8> {
    use std::io::Write;
    let body: String = paragraphs
        .iter()
        .map(|p| {
            format!(
                "<w:p><w:r><w:t>{}</w:t></w:r></w:p>",
                html_escape::encode_text(p)
            )
        })
        .collect();
    let parts = [
        (
            "[Content_Types].xml",
            r#"<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="xml" ContentType="application/xml"/><Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/></Types>"#.to_owned(),
        ),
        (
            "word/document.xml",
            format!(
                r#"<?xml version="1.0" encoding="UTF-8"?><w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body>{body}</w:body></w:document>"#
            ),
        ),
    ];
    let mut out = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    for (name, text) in parts {
        out.start_file(name, zip::write::SimpleFileOptions::default())
            .expect("a zip entry");
        out.write_all(text.as_bytes()).expect("a zip entry's bytes");
    }
    out.finish().expect("a zip").into_inner()
}

/// The body part (`word/document.xml`) of a DOCX package, as text.
pub fn docx_body(package: &[u8]) -> String {
    use std::io::Read;
    let mut archive =
        zip::ZipArchive::new(std::io::Cursor::new(package)).expect("a DOCX is a zip package");
    let mut body = String::new();
    archive
        .by_name("word/document.xml")
        .expect("a DOCX has a body")
        .read_to_string(&mut body)
        .expect("the body is UTF-8");
    body
}
