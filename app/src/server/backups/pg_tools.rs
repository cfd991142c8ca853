//! PostgreSQL's own dump and restore programs, run as child processes: `pg_dump` takes a
//! consistent snapshot of a live database in one transaction, which no hand-written copy of
//! the tables would match.

use std::ffi::OsStr;
use std::path::PathBuf;
use std::process::Stdio;

use super::BackupError;

/// Where `pg_dump` and `pg_restore` are: a directory, or the `PATH`.
#[derive(Clone, Debug, Default)]
pub struct PgTools {
    bin_dir: Option<PathBuf>,
}

impl PgTools {
    pub fn new(bin_dir: Option<PathBuf>) -> Self {
        Self { bin_dir }
    }

    /// Runs `tool` with `args` against the database at `url`. The password travels in the
    /// child's environment, not on its command line, where any local user could read it.
    pub(crate) async fn run(
        &self,
        tool: &'static str,
        url: &str,
        args: &[&OsStr],
    ) -> Result<(), BackupError> {
        let failed = |message: String| BackupError::Tool { tool, message };
        let mut url = url::Url::parse(url).map_err(|e| failed(format!("the URL: {e}")))?;
        let password = url.password().map(|p| {
            percent_encoding::percent_decode_str(p)
                .decode_utf8_lossy()
                .into_owned()
        });
        url.set_password(None)
            .map_err(|()| failed("the URL has no host".into()))?;
        let program = self
            .bin_dir
            .as_ref()
            .map_or_else(|| PathBuf::from(tool), |dir| dir.join(tool));
        let mut command = tokio::process::Command::new(&program);
        command
            .args(args)
            .arg("--dbname")
            .arg(url.as_str())
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .kill_on_drop(true);
        if let Some(password) = password {
            command.env("PGPASSWORD", password);
        }
        let output = command.output().await.map_err(|e| {
            failed(match e.kind() {
                std::io::ErrorKind::NotFound => format!(
                    "{} was not found: install PostgreSQL's client programs or set \
                     GATEHOUSE_PG_BIN_DIR",
                    program.display()
                ),
                _ => e.to_string(),
            })
        })?;
        if output.status.success() {
            return Ok(());
        }
        let said = String::from_utf8_lossy(&output.stderr);
        let said = said.trim();
        let hint = if said.contains("row-level security") {
            " — run it as a role that bypasses row-level security (the owner with BYPASSRLS, \
             or a superuser), by DATABASE_URL for this command"
        } else {
            ""
        };
        Err(failed(format!("{said} ({}){hint}", output.status)))
    }
}
