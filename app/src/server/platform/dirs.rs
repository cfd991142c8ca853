//! Directories that hold what only the server may read: the data directory, stored files,
//! backups.

use std::path::Path;

/// Creates `dir` (and any missing parent) readable by this user only.
pub fn private_dir(dir: &Path) -> std::io::Result<()> {
    let mut builder = std::fs::DirBuilder::new();
    builder.recursive(true);
    #[cfg(unix)]
    std::os::unix::fs::DirBuilderExt::mode(&mut builder, 0o700);
    builder.create(dir)
}
