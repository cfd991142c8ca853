//! Where the key that signs audit checkpoints comes from: the `GATEHOUSE_AUDIT_KEY` setting, or
//! else a file in the data directory created on first start. Never the database: whoever could
//! rewrite the trail there could then sign it too.

use std::path::{Path, PathBuf};

use app::server::audit::signing::AuditKey;

use crate::config_error::{invalid, ConfigError};

/// The file the key is kept in when no setting gives one.
const FILE: &str = "audit-signing.key";

#[derive(Debug, Clone)]
pub enum Source {
    Given(AuditKey),
    File(PathBuf),
}

impl Source {
    pub fn from_setting(given: Option<&str>, data_dir: &Path) -> Result<Self, ConfigError> {
        match given {
            Some(text) => AuditKey::from_base64(text)
                .map(Self::Given)
                .map_err(|e| invalid("GATEHOUSE_AUDIT_KEY (--audit-key)", e.to_string())),
            None => Ok(Self::File(data_dir.join(FILE))),
        }
    }

    /// The key; from a file, created (readable by this user only) when there is none yet.
    pub fn load(&self) -> Result<AuditKey, KeyFileError> {
        let path = match self {
            Self::Given(key) => return Ok(key.clone()),
            Self::File(path) => path,
        };
        let failed = |source| KeyFileError::Io {
            path: path.clone(),
            source,
        };
        match std::fs::read_to_string(path) {
            Ok(text) => AuditKey::from_base64(&text).map_err(|_| KeyFileError::Bad(path.clone())),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                let key = AuditKey::generate();
                let mut options = std::fs::OpenOptions::new();
                options.write(true).create_new(true);
                #[cfg(unix)]
                std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
                let mut file = options.open(path).map_err(failed)?;
                std::io::Write::write_all(&mut file, format!("{}\n", key.to_base64()).as_bytes())
                    .map_err(failed)?;
                file.sync_all().map_err(failed)?;
                tracing::info!(
                    path = %path.display(),
                    key_id = key.public().id(),
                    "created the audit signing key"
                );
                Ok(key)
            }
            Err(e) => Err(failed(e)),
        }
    }
}

#[derive(Debug, thiserror::Error)]
pub enum KeyFileError {
    #[error("cannot read or create the audit signing key {path}: {source}")]
    Io {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("the audit signing key {0} is not 32 bytes of base64")]
    Bad(PathBuf),
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_key_file_is_created_once_and_read_back() {
        let dir = tempfile::tempdir().unwrap();
        let source = Source::from_setting(None, dir.path()).unwrap();
        let first = source.load().unwrap();
        let again = source.load().unwrap();
        assert_eq!(first.public(), again.public());
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(dir.path().join(FILE))
                .unwrap()
                .permissions()
                .mode();
            assert_eq!(mode & 0o777, 0o600);
        }
        std::fs::write(dir.path().join(FILE), "short").unwrap();
        assert!(matches!(source.load(), Err(KeyFileError::Bad(_))));
    }

    #[test]
    fn a_given_key_is_checked_and_named() {
        let err = Source::from_setting(Some("short"), Path::new(".")).unwrap_err();
        assert_eq!(err.setting, "GATEHOUSE_AUDIT_KEY (--audit-key)");
        let key = AuditKey::generate();
        let given = Source::from_setting(Some(&key.to_base64()), Path::new(".")).unwrap();
        assert_eq!(given.load().unwrap().public(), key.public());
    }
}
