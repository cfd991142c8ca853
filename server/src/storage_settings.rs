//! The settings of file storage: where the bytes go (a private directory, or an S3-compatible
//! bucket) and the optional key that seals them at rest.

use std::path::{Path, PathBuf};

use clap::Args;

use app::server::files::sealing::FileKey;
use app::server::files::storage::{Location, S3Settings};

use crate::config_error::{invalid, ConfigError};

#[derive(Args, Debug, Clone, Default)]
pub struct StorageSettings {
    /// S3-compatible bucket for uploaded files; set, it replaces the storage directory (for
    /// several servers sharing their files).
    #[arg(long, env = "GATEHOUSE_S3_BUCKET", global = true)]
    pub s3_bucket: Option<String>,

    /// The S3 endpoint, for a server other than AWS: `https://s3.example.com`.
    #[arg(long, env = "GATEHOUSE_S3_ENDPOINT", global = true)]
    pub s3_endpoint: Option<String>,

    #[arg(
        long,
        env = "GATEHOUSE_S3_REGION",
        default_value = "us-east-1",
        global = true
    )]
    pub s3_region: String,

    #[arg(
        long,
        env = "GATEHOUSE_S3_ACCESS_KEY_ID",
        global = true,
        hide_env_values = true
    )]
    pub s3_access_key_id: Option<String>,

    #[arg(
        long,
        env = "GATEHOUSE_S3_SECRET_ACCESS_KEY",
        global = true,
        hide_env_values = true
    )]
    pub s3_secret_access_key: Option<String>,

    /// Seals every stored file with AES-256-GCM under this key: 32 random bytes, base64
    /// (`openssl rand -base64 32`). Keep it: files stored under it cannot be read without it.
    #[arg(
        long,
        env = "GATEHOUSE_FILE_KEY",
        global = true,
        hide_env_values = true
    )]
    pub file_key: Option<String>,
}

/// Storage after validation.
#[derive(Debug, Clone)]
pub struct StorageConfig {
    pub location: Location,
    pub key: Option<FileKey>,
}

impl StorageSettings {
    /// Checks the settings; `dir` is the storage directory, which must not be under the site
    /// root (files would be served to anyone who guessed a name).
    pub fn validate(
        self,
        dir: PathBuf,
        site_root: &Path,
        production: bool,
    ) -> Result<StorageConfig, ConfigError> {
        let key = self
            .file_key
            .as_deref()
            .map(FileKey::from_base64)
            .transpose()
            .map_err(|e| invalid("GATEHOUSE_FILE_KEY (--file-key)", e.to_string()))?;
        let Some(bucket) = self.s3_bucket.filter(|b| !b.trim().is_empty()) else {
            if within(&dir, site_root) {
                return Err(invalid(
                    "GATEHOUSE_STORAGE_DIR (--storage-dir)",
                    "must not be inside the site root, where files are served to anyone",
                ));
            }
            return Ok(StorageConfig {
                location: Location::Disk(dir),
                key,
            });
        };
        if let Some(endpoint) = &self.s3_endpoint {
            let url = url::Url::parse(endpoint)
                .map_err(|e| invalid("GATEHOUSE_S3_ENDPOINT (--s3-endpoint)", e.to_string()))?;
            let loopback = url.host_str().is_some_and(|h| {
                h == "localhost"
                    || h.parse::<std::net::IpAddr>()
                        .is_ok_and(|ip| ip.is_loopback())
            });
            if production && url.scheme() != "https" && !loopback {
                return Err(invalid(
                    "GATEHOUSE_S3_ENDPOINT (--s3-endpoint)",
                    "must be https in production (plain http only on loopback)",
                ));
            }
        }
        let (Some(access_key_id), Some(secret_access_key)) =
            (self.s3_access_key_id, self.s3_secret_access_key)
        else {
            return Err(invalid(
                "GATEHOUSE_S3_ACCESS_KEY_ID (--s3-access-key-id)",
                "an S3 bucket needs an access key id and a secret access key",
            ));
        };
        Ok(StorageConfig {
            location: Location::S3(S3Settings {
                bucket,
                endpoint: self.s3_endpoint,
                region: self.s3_region,
                access_key_id,
                secret_access_key,
            }),
            key,
        })
    }
}

/// Whether `dir` is `root` or inside it, judged on absolute paths as far as they exist.
fn within(dir: &Path, root: &Path) -> bool {
    let absolute = |p: &Path| {
        std::path::absolute(p)
            .map(|a| a.canonicalize().unwrap_or(a))
            .unwrap_or_else(|_| p.to_owned())
    };
    absolute(dir).starts_with(absolute(root))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_storage_directory_stays_out_of_the_site_root() {
        let s = StorageSettings::default();
        let err = s
            .clone()
            .validate("site/pkg/files".into(), Path::new("site"), false)
            .unwrap_err();
        assert_eq!(err.setting, "GATEHOUSE_STORAGE_DIR (--storage-dir)");
        assert!(s
            .validate("data/files".into(), Path::new("site"), false)
            .is_ok());
    }

    #[test]
    fn a_bucket_needs_credentials_and_https_in_production() {
        let s = StorageSettings {
            s3_bucket: Some("files".into()),
            s3_endpoint: Some("http://minio.internal:9000".into()),
            s3_region: "us-east-1".into(),
            ..StorageSettings::default()
        };
        let err = s
            .clone()
            .validate("d".into(), Path::new("site"), false)
            .unwrap_err();
        assert_eq!(
            err.setting,
            "GATEHOUSE_S3_ACCESS_KEY_ID (--s3-access-key-id)"
        );
        let with_keys = StorageSettings {
            s3_access_key_id: Some("id".into()),
            s3_secret_access_key: Some("secret".into()),
            ..s
        };
        let err = with_keys
            .clone()
            .validate("d".into(), Path::new("site"), true)
            .unwrap_err();
        assert_eq!(err.setting, "GATEHOUSE_S3_ENDPOINT (--s3-endpoint)");
        assert!(matches!(
            with_keys
                .validate("d".into(), Path::new("site"), false)
                .unwrap()
                .location,
            Location::S3(_)
        ));
    }

    #[test]
    fn a_bad_file_key_is_named() {
        let s = StorageSettings {
            file_key: Some("short".into()),
            ..StorageSettings::default()
        };
        let err = s
            .validate("d".into(), Path::new("site"), false)
            .unwrap_err();
        assert_eq!(err.setting, "GATEHOUSE_FILE_KEY (--file-key)");
    }
}
