//! `server backup`, `server restore`, and the nightly backup while the server runs.

use app::server::backups::nightly::{self, Tick};
use app::server::backups::register::Trigger;
use app::server::backups::restore;
use app::server::backups::snapshot::{Source, Taken};
use app::server::files::storage::Storage;
use app::server::platform::clock::Clock;
use app::server::platform::db::Db;

use crate::config::Config;
use crate::StartupError;

fn storage(config: &Config) -> Result<Storage, StartupError> {
    Ok(Storage::open(
        &config.storage.location,
        &config.data_dir,
        config.storage.key.clone(),
    )?)
}

/// Takes a snapshot now; the run lands in the register either way.
pub async fn backup(db: &Db, config: &Config, clock: &Clock) -> Result<(), StartupError> {
    let storage = storage(config)?;
    let source = Source {
        db,
        database_url: &config.database_url,
        storage: &storage,
        pg_tools: &config.backups.pg_tools,
    };
    let taken = nightly::back_up(&source, &config.backups.dir, Trigger::Command, clock).await??;
    println!("{}", describe(&taken));
    Ok(())
}

fn describe(taken: &Taken) -> String {
    format!(
        "backup: {} ({} bytes, {} stored files; manifest sha256 {})",
        taken.dir.display(),
        taken.manifest.size(),
        taken.manifest.files().count(),
        taken.checksum
    )
}

/// Restores the snapshot in `from` into the configured, empty, database and file storage.
pub async fn restore(config: &Config, from: &std::path::Path) -> Result<(), StartupError> {
    let storage = storage(config)?;
    let restored = restore::restore(
        from,
        &config.database_url,
        &storage,
        &config.backups.pg_tools,
    )
    .await?;
    println!(
        "restored: {} database at schema {}, {} stored files, from {}",
        restored.manifest.database,
        restored.manifest.schema_version,
        restored.files,
        from.display()
    );
    Ok(())
}

/// Looks at the nightly schedule each minute; the process that claims the day takes it.
pub async fn keep_nightly(db: Db, config: Config, storage: Storage, clock: Clock) {
    let Some(schedule) = config.backups.nightly else {
        return;
    };
    let holder = app::server::platform::claims::this_process();
    let source = Source {
        db: &db,
        database_url: &config.database_url,
        storage: &storage,
        pg_tools: &config.backups.pg_tools,
    };
    let mut every = tokio::time::interval(std::time::Duration::from_secs(60));
    loop {
        every.tick().await;
        match nightly::tick(&source, &config.backups.dir, &schedule, &holder, &clock).await {
            Ok(Tick::Nothing) => {}
            Ok(Tick::Ran {
                taken: Ok(taken),
                pruned,
            }) => {
                tracing::info!(removed = pruned.len(), "nightly {}", describe(&taken));
            }
            Ok(Tick::Ran { taken: Err(e), .. }) => {
                tracing::error!(error = %e, "nightly backup failed");
            }
            Err(e) => tracing::warn!(error = %e, "nightly backup not looked at; retrying"),
        }
    }
}
