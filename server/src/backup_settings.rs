//! The settings of backups: where snapshots go, the nightly schedule, and where PostgreSQL's
//! dump programs are.

use std::path::{Path, PathBuf};

use clap::Args;

use app::server::backups::nightly::Nightly;
use app::server::backups::pg_tools::PgTools;

use crate::config_error::{invalid, ConfigError};

#[derive(Args, Debug, Clone, Default)]
pub struct BackupSettings {
    /// Where `backup` and the nightly backup write snapshots. [default: <data-dir>/backups]
    #[arg(long, env = "GATEHOUSE_BACKUP_DIR", global = true)]
    pub backup_dir: Option<PathBuf>,

    /// Take a backup every night at this time, `HH:MM` in UTC (one server process of several
    /// takes it). Unset, there is no nightly backup.
    #[arg(long, env = "GATEHOUSE_BACKUP_AT", global = true)]
    pub backup_at: Option<String>,

    /// How many snapshots the nightly backup keeps in the backup directory.
    #[arg(
        long,
        env = "GATEHOUSE_BACKUP_KEEP",
        default_value_t = 7,
        global = true
    )]
    pub backup_keep: usize,

    /// The directory holding `pg_dump` and `pg_restore`. [default: found on the PATH]
    #[arg(long, env = "GATEHOUSE_PG_BIN_DIR", global = true)]
    pub pg_bin_dir: Option<PathBuf>,
}

/// Backups after validation.
#[derive(Debug, Clone)]
pub struct BackupConfig {
    pub dir: PathBuf,
    pub nightly: Option<Nightly>,
    pub pg_tools: PgTools,
}

impl BackupSettings {
    pub fn validate(self, data_dir: &Path, site_root: &Path) -> Result<BackupConfig, ConfigError> {
        let dir = self.backup_dir.unwrap_or_else(|| data_dir.join("backups"));
        if dir.starts_with(site_root) {
            return Err(invalid(
                "GATEHOUSE_BACKUP_DIR (--backup-dir)",
                "is inside the site root, which is served to anyone",
            ));
        }
        if self.backup_keep == 0 {
            return Err(invalid(
                "GATEHOUSE_BACKUP_KEEP (--backup-keep)",
                "keep at least one",
            ));
        }
        let nightly = self
            .backup_at
            .filter(|at| !at.trim().is_empty())
            .map(|at| Nightly::parse(&at, self.backup_keep))
            .transpose()
            .map_err(|e| invalid("GATEHOUSE_BACKUP_AT (--backup-at)", e))?;
        Ok(BackupConfig {
            dir,
            nightly,
            pg_tools: PgTools::new(self.pg_bin_dir),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn settings(at: Option<&str>, keep: usize, dir: Option<&str>) -> BackupSettings {
        BackupSettings {
            backup_dir: dir.map(PathBuf::from),
            backup_at: at.map(str::to_owned),
            backup_keep: keep,
            pg_bin_dir: None,
        }
    }

    #[test]
    fn backups_stay_out_of_the_site_root_and_keep_at_least_one() {
        let (data, site) = (Path::new("/srv/gh"), Path::new("/srv/site"));
        let ok = settings(Some("02:30"), 7, None)
            .validate(data, site)
            .unwrap();
        assert_eq!(ok.dir, data.join("backups"));
        assert_eq!(ok.nightly.map(|n| n.keep()), Some(7));
        assert!(settings(None, 7, None)
            .validate(data, site)
            .unwrap()
            .nightly
            .is_none());
        let refused = |s: BackupSettings| s.validate(data, site).unwrap_err().setting;
        assert_eq!(
            refused(settings(None, 7, Some("/srv/site/pkg"))),
            "GATEHOUSE_BACKUP_DIR (--backup-dir)"
        );
        assert_eq!(
            refused(settings(None, 0, None)),
            "GATEHOUSE_BACKUP_KEEP (--backup-keep)"
        );
        assert_eq!(
            refused(settings(Some("25:00"), 7, None)),
            "GATEHOUSE_BACKUP_AT (--backup-at)"
        );
    }
}
