//! The workspace's company logo: one image, set and removed by holders of `settings.write`,
//! seen by every member in the top bar. The workspace row names the current one, so the top
//! bar finds it in the statement that already reads the workspace.

use super::errors::FileError;
use super::intake;
use super::singles::{self, Single};
use super::spool::Spooled;
use super::storage::Storage;
use crate::model::{FileSummary, Purpose};
use crate::permissions::keys;
use crate::server::access::grants::Grant;
use crate::server::platform::clock::Clock;
use crate::server::platform::db::Db;

const LOGO: Single = Single {
    purpose: Purpose::WorkspaceLogo,
    column: Some("logo_file_id"),
};

/// Makes `upload` the logo; the one it replaces is deleted, row and bytes.
pub async fn set(
    db: &Db,
    clock: &Clock,
    storage: &Storage,
    grant: &Grant<keys::SettingsWrite>,
    name: &str,
    upload: Spooled,
) -> Result<FileSummary, FileError> {
    let judged = intake::judge(LOGO.purpose, name, upload).await?;
    singles::replace(db, clock, storage, grant, LOGO, judged).await
}

/// Removes the logo, if there is one.
pub async fn remove(
    db: &Db,
    storage: &Storage,
    grant: &Grant<keys::SettingsWrite>,
) -> Result<(), FileError> {
    singles::clear(db, storage, grant, LOGO).await
}
