//! An upload on its way in: written to a private temporary file as it arrives, hashed as it
//! goes, and cut off the moment it passes its limit. Memory stays at one chunk whatever the
//! size; a refused or abandoned upload leaves nothing behind (the file is removed on drop).

use std::path::{Path, PathBuf};

use bytes::Bytes;
use futures::{Stream, StreamExt};
use sha2::{Digest, Sha256};
use tokio::io::AsyncWriteExt;

#[derive(Debug, thiserror::Error)]
pub enum SpoolError<E: std::fmt::Display> {
    #[error("The file is larger than the {limit} bytes allowed.")]
    TooLarge { limit: u64 },
    #[error("the upload broke off: {0}")]
    Broken(E),
    #[error("spool file: {0}")]
    Io(#[from] std::io::Error),
}

/// A received upload, complete and within its limit.
#[derive(Debug)]
pub struct Spooled {
    file: tempfile::TempPath,
    pub size: u64,
    /// SHA-256 of the bytes, hex.
    pub sha256: String,
}

impl Spooled {
    pub fn path(&self) -> &Path {
        &self.file
    }
}

/// Writes `body` to a new file in `dir`, refusing it once it passes `limit` bytes.
pub async fn spool<S, E>(dir: &Path, body: S, limit: u64) -> Result<Spooled, SpoolError<E>>
where
    S: Stream<Item = Result<Bytes, E>>,
    E: std::fmt::Display,
{
    let named = tempfile::Builder::new()
        .prefix("upload-")
        .tempfile_in(dir)?;
    let (std_file, path) = named.into_parts();
    let mut file = tokio::fs::File::from_std(std_file);
    let mut hasher = Sha256::new();
    let mut size = 0u64;
    let mut body = std::pin::pin!(body);
    while let Some(chunk) = body.next().await {
        let chunk = chunk.map_err(SpoolError::Broken)?;
        size += chunk.len() as u64;
        if size > limit {
            return Err(SpoolError::TooLarge { limit });
        }
        hasher.update(&chunk);
        file.write_all(&chunk).await?;
    }
    file.flush().await?;
    file.sync_data().await?;
    Ok(Spooled {
        file: path,
        size,
        sha256: crate::server::platform::digest::hex(&hasher.finalize()),
    })
}

/// The spool directory under `root`, created private (0700).
pub fn spool_dir(root: &Path) -> std::io::Result<PathBuf> {
    let dir = root.join("spool");
    std::fs::create_dir_all(&dir)?;
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(&dir, std::fs::Permissions::from_mode(0o700))?;
    }
    Ok(dir)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn chunks(parts: &[&'static [u8]]) -> impl Stream<Item = Result<Bytes, String>> {
        futures::stream::iter(
            parts
                .iter()
                .map(|p| Ok(Bytes::from_static(p)))
                .collect::<Vec<_>>(),
        )
    }

    #[tokio::test]
    async fn a_file_is_spooled_and_hashed() {
        let dir = tempfile::tempdir().unwrap();
        let got = spool(dir.path(), chunks(&[b"ab", b"c"]), 3).await.unwrap();
        assert_eq!(got.size, 3);
        assert_eq!(
            got.sha256,
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
        assert_eq!(std::fs::read(got.path()).unwrap(), b"abc");
        let path = got.path().to_owned();
        drop(got);
        assert!(!path.exists(), "the spool file goes with the upload");
    }

    #[tokio::test]
    async fn an_oversized_upload_stops_and_leaves_nothing() {
        let dir = tempfile::tempdir().unwrap();
        let err = spool(dir.path(), chunks(&[b"ab", b"cd"]), 3)
            .await
            .unwrap_err();
        assert!(matches!(err, SpoolError::TooLarge { limit: 3 }));
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 0);
    }
}
