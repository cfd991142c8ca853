//! A snapshot's manifest: what it holds, each part with its size and SHA-256, so a restore
//! refuses a snapshot cut short, corrupted or altered part by part before it writes anything.

use std::io::Read;
use std::path::{Component, Path, PathBuf};

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use super::BackupError;

/// The manifest's name inside a snapshot's directory.
pub const FILE: &str = "manifest.json";
/// The layout this build writes and reads.
pub const FORMAT: u32 = 1;
/// Stored files are copied under this directory, by their object name.
pub const FILES_DIR: &str = "files";

/// The database part's name for each back end.
pub fn database_part(backend: &str) -> &'static str {
    if backend == "postgres" {
        "database.pgdump"
    } else {
        "database.sqlite"
    }
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Manifest {
    pub format: u32,
    /// The version of Gatehouse that took it.
    pub gatehouse: String,
    /// `sqlite` or `postgres`: a snapshot goes back into the same kind of database.
    pub database: String,
    /// The newest migration applied when it was taken.
    pub schema_version: i64,
    pub created_ms: i64,
    pub parts: Vec<Part>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Part {
    /// Relative to the snapshot's directory, with `/` between names.
    pub path: String,
    pub size: u64,
    pub sha256: String,
}

impl Manifest {
    pub fn size(&self) -> u64 {
        self.parts.iter().map(|p| p.size).sum()
    }

    /// The stored files: each object's name and its part.
    pub fn files(&self) -> impl Iterator<Item = (&str, &Part)> {
        self.parts.iter().filter_map(|p| {
            let name = p.path.strip_prefix(FILES_DIR)?.strip_prefix('/')?;
            Some((name, p))
        })
    }

    pub fn to_json(&self) -> Vec<u8> {
        let mut json = serde_json::to_vec_pretty(self).unwrap_or_default();
        json.push(b'\n');
        json
    }
}

/// The size and SHA-256 (hex) of the file at `path`, read in chunks.
pub fn digest(path: &Path) -> Result<Part, BackupError> {
    let mut file = std::fs::File::open(path).map_err(BackupError::io(path))?;
    let (mut hasher, mut size, mut buf) = (Sha256::new(), 0u64, vec![0u8; 256 * 1024]);
    loop {
        let n = file.read(&mut buf).map_err(BackupError::io(path))?;
        if n == 0 {
            break;
        }
        hasher.update(&buf[..n]);
        size += n as u64;
    }
    Ok(Part {
        path: String::new(),
        size,
        sha256: crate::server::platform::digest::hex(&hasher.finalize()),
    })
}

/// A part's path as a manifest may name it: relative, `/`-separated names, none of them `.`,
/// `..` or empty — a manifest cannot point a restore outside its snapshot.
pub fn safe_path(path: &str) -> Option<PathBuf> {
    let relative = Path::new(path);
    let plain = !path.is_empty()
        && !path.contains('\\')
        && path.split('/').all(|name| !matches!(name, "" | "." | ".."))
        && relative
            .components()
            .all(|c| matches!(c, Component::Normal(_)));
    plain.then(|| relative.to_owned())
}

/// Reads the manifest of the snapshot in `dir` and checks every part against it, naming the
/// first that is missing, of another size or another checksum.
pub fn check(dir: &Path) -> Result<Manifest, BackupError> {
    let path = dir.join(FILE);
    let raw = std::fs::read(&path).map_err(BackupError::io(&path))?;
    let manifest: Manifest = serde_json::from_slice(&raw)
        .map_err(|e| BackupError::Mismatch(format!("{FILE} is not a manifest ({e})")))?;
    if manifest.format != FORMAT {
        return Err(BackupError::Refused(format!(
            "the snapshot's format is {}; this Gatehouse reads format {FORMAT}",
            manifest.format
        )));
    }
    let database = database_part(&manifest.database);
    if !manifest.parts.iter().any(|p| p.path == database) {
        return Err(BackupError::Mismatch(format!("{database} is not listed")));
    }
    let mut seen = std::collections::HashSet::new();
    for part in &manifest.parts {
        let relative = safe_path(&part.path)
            .filter(|_| seen.insert(part.path.as_str()))
            .filter(|_| part.path == database || part.path.starts_with(&format!("{FILES_DIR}/")))
            .ok_or_else(|| {
                BackupError::Mismatch(format!("{:?} is not a part's path", part.path))
            })?;
        let found = match digest(&dir.join(relative)) {
            Ok(found) => found,
            Err(BackupError::Io { source, .. })
                if source.kind() == std::io::ErrorKind::NotFound =>
            {
                return Err(BackupError::Mismatch(format!("{} is missing", part.path)))
            }
            Err(e) => return Err(e),
        };
        if found.size != part.size || found.sha256 != part.sha256 {
            return Err(BackupError::Mismatch(format!(
                "{} has changed since the backup (its checksum differs)",
                part.path
            )));
        }
    }
    Ok(manifest)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_part_path_stays_inside_the_snapshot() {
        assert!(safe_path("files/objects/ab12").is_some());
        assert!(safe_path("database.sqlite").is_some());
        for bad in [
            "",
            "/etc/passwd",
            "../outside",
            "files/../../outside",
            "files/./x",
            "files//x",
            "files\\..\\x",
            "files/",
        ] {
            assert!(safe_path(bad).is_none(), "{bad:?} was accepted");
        }
    }

    #[test]
    fn the_digest_of_a_file_is_its_sha256() {
        let dir = tempfile::tempdir().expect("a directory");
        let path = dir.path().join("abc");
        std::fs::write(&path, b"abc").expect("write");
        let part = digest(&path).expect("digest");
        assert_eq!(part.size, 3);
        // FIPS 180-2, appendix B.1.
        assert_eq!(
            part.sha256,
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
    }
}
