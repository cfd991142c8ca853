//! `server audit …`: verify every chain and its checkpoints, sign checkpoints now, print the
//! public key, export a workspace's trail, and verify an export offline; and the same signing
//! and verifying on a schedule while the server runs.

use std::path::Path;
use std::time::Instant;

use app::server::audit::schedule::{self, Job};
use app::server::audit::signing::{AuditKey, PublicKey};
use app::server::audit::{checkpoints, export, offline, retention, verifications, verify};
use app::server::platform::claims;
use app::server::platform::clock::Clock;
use app::server::platform::db::Db;

use crate::audit_key::Source;
use crate::config::AuditCommand;
use crate::StartupError;

/// Runs one `server audit` command against the database.
pub async fn run(
    action: AuditCommand,
    db: &Db,
    clock: &Clock,
    key: &Source,
) -> Result<(), StartupError> {
    match action {
        AuditCommand::Verify => verify(db, clock, &key.load()?).await,
        AuditCommand::Checkpoint => checkpoint(db, clock, &key.load()?).await,
        AuditCommand::Purge => purge(db, clock, &key.load()?.public()).await,
        AuditCommand::PublicKey => {
            println!("{}", key.load()?.public().to_base64());
            Ok(())
        }
        AuditCommand::Export { workspace, out } => {
            export(db, clock, &workspace, out.as_deref()).await
        }
        // Needs no database; `crate::run` answers it before opening one.
        AuditCommand::VerifyExport { file, public_key } => verify_export(&file, &public_key),
    }
}

/// Verifies every chain and records each workspace's outcome for its audit page.
async fn verify(db: &Db, clock: &Clock, key: &AuditKey) -> Result<(), StartupError> {
    let started = Instant::now();
    let public = key.public();
    let report = verify::all(db, Some(&public)).await?;
    let secs = started.elapsed().as_secs_f64();
    verifications::record(db, clock, &report.outcomes).await?;
    let broken = report.broken();
    for broken in &broken {
        println!("broken: {broken}");
    }
    let unsigned: Vec<String> = report
        .outcomes
        .iter()
        .filter_map(|o| o.result.as_ref().ok().map(|p| (o, p)))
        .filter(|(_, p)| p.other_keys > 0)
        .map(|(o, p)| format!("{} ({})", o.workspace.as_str(), p.other_keys))
        .collect();
    if !unsigned.is_empty() {
        println!(
            "checkpoints signed with another key, not checked: {}",
            unsigned.join(", ")
        );
    }
    println!(
        "audit chains: {} workspaces, {} entries verified in {secs:.2} s; {} broken",
        report.outcomes.len(),
        report.entries(),
        broken.len()
    );
    match broken.len() {
        0 => Ok(()),
        n => Err(StartupError::AuditBroken(n)),
    }
}

async fn checkpoint(db: &Db, clock: &Clock, key: &AuditKey) -> Result<(), StartupError> {
    let signed = checkpoints::sign_heads(db, clock, key).await?;
    println!("checkpoints signed: {signed} (key {})", key.public().id());
    Ok(())
}

async fn purge(db: &Db, clock: &Clock, key: &PublicKey) -> Result<(), StartupError> {
    let purged = retention::purge(db, clock, key).await?;
    for p in &purged {
        println!(
            "workspace {}: {} entries purged, the chain now starts after #{}",
            p.workspace.as_str(),
            p.entries,
            p.through_seq
        );
    }
    println!("audit purge: {} workspace(s) purged", purged.len());
    Ok(())
}

/// Writes the workspace named by id or slug to `out`, or to standard output.
async fn export(
    db: &Db,
    clock: &Clock,
    workspace: &str,
    out: Option<&Path>,
) -> Result<(), StartupError> {
    let Some(id) = export::workspace_named(db, workspace).await? else {
        return Err(StartupError::Audit(format!(
            "no workspace is named {workspace:?}"
        )));
    };
    let written = match out {
        Some(path) => {
            let file = std::fs::File::create(path)
                .map_err(|e| StartupError::Audit(format!("{}: {e}", path.display())))?;
            let mut out = std::io::BufWriter::new(file);
            export::workspace(db, clock, &id, &mut out).await
        }
        None => export::workspace(db, clock, &id, &mut std::io::stdout().lock()).await,
    }
    .map_err(|e| StartupError::Audit(e.to_string()))?;
    eprintln!("exported {written} entries of workspace {}", id.as_str());
    Ok(())
}

/// Verifies an export with the public key alone.
pub fn verify_export(file: &Path, public_key: &str) -> Result<(), StartupError> {
    let key = PublicKey::from_base64(public_key)
        .map_err(|e| StartupError::Audit(format!("--public-key: {e}")))?;
    let input = std::fs::File::open(file)
        .map_err(|e| StartupError::Audit(format!("{}: {e}", file.display())))?;
    let verified = offline::verify(std::io::BufReader::new(input), &key)
        .map_err(|e| StartupError::Audit(format!("{}: {e}", file.display())))?;
    let p = &verified.proved;
    println!(
        "intact: workspace {}, {} entries (last #{}), {}; signed through #{} by {} checkpoint(s){}",
        verified.workspace,
        p.entries,
        verified.last_seq,
        if verified.complete {
            "the whole chain"
        } else {
            "a selection (each entry proved by its own hash)"
        },
        p.signed_through,
        p.checkpoints,
        match p.other_keys {
            0 => String::new(),
            n => format!("; {n} signed with another key, not checked"),
        }
    );
    Ok(())
}

/// While the server runs: each minute (the first a quarter of a minute after start), claims
/// the trail's jobs whose slot has come ([`schedule`]) and runs those this process won — sign
/// each grown chain's head, verify every chain (keeping each outcome for the audit page), purge
/// what each workspace no longer keeps (old trail entries, and records past their retention). However many processes share the database, each slot
/// runs once.
pub async fn keep_proving(db: Db, clock: Clock, key: AuditKey) {
    /// Claims older than this are forgotten when the day's purge runs.
    const KEEP_CLAIMS_MS: i64 = 30 * 24 * 60 * 60 * 1000;
    let holder = claims::this_process();
    let public = key.public();
    let mut every = tokio::time::interval_at(
        tokio::time::Instant::now() + std::time::Duration::from_secs(15),
        std::time::Duration::from_secs(60),
    );
    loop {
        every.tick().await;
        let due = match schedule::claim_due(&db, clock.now_ms(), &holder).await {
            Ok(due) => due,
            Err(e) => {
                tracing::warn!(error = %e, "the audit schedule could not be claimed; retrying");
                continue;
            }
        };
        for job in due {
            tracing::info!(job = job.name(), "audit job claimed by this process");
            match job {
                Job::Sign => sign_on_schedule(&db, &clock, &key).await,
                Job::Verify => verify_and_record(&db, &clock, &public).await,
                Job::Purge => {
                    purge_on_schedule(&db, &clock, &public).await;
                    purge_records_past_retention(&db, &clock).await;
                    if let Err(e) =
                        claims::forget_before(&db, clock.now_ms() - KEEP_CLAIMS_MS).await
                    {
                        tracing::warn!(error = %e, "forgetting old schedule claims failed");
                    }
                }
            }
        }
    }
}

async fn sign_on_schedule(db: &Db, clock: &Clock, key: &AuditKey) {
    match checkpoints::sign_heads(db, clock, key).await {
        Ok(0) => {}
        Ok(n) => tracing::info!(signed = n, "audit checkpoints signed"),
        Err(e) => tracing::warn!(error = %e, "signing audit checkpoints failed"),
    }
}

async fn purge_on_schedule(db: &Db, clock: &Clock, public: &PublicKey) {
    match retention::purge(db, clock, public).await {
        Ok(purged) => {
            for p in purged {
                tracing::info!(workspace = %p.workspace, entries = p.entries,
                    through = p.through_seq, "audit entries past retention purged");
            }
        }
        Err(e) => tracing::warn!(error = %e, "purging the audit trail failed"),
    }
}

/// The records each workspace's retention policies no longer keep, privacy requests whose link
/// expired unconfirmed, and workspaces whose closure's grace period is over, with the day's
/// trail purge.
async fn purge_records_past_retention(db: &Db, clock: &Clock) {
    match app::server::registers::retention::purge_due(db, clock).await {
        Ok(purged) => {
            for p in purged {
                tracing::info!(workspace = %p.workspace, kind = p.kind, records = p.records,
                    "records past retention removed");
            }
        }
        Err(e) => tracing::warn!(error = %e, "removing records past retention failed"),
    }
    match app::server::privacy::public::purge_unconfirmed(db, clock).await {
        Ok(0) => {}
        Ok(n) => tracing::info!(requests = n, "unconfirmed privacy requests removed"),
        Err(e) => tracing::warn!(error = %e, "removing unconfirmed privacy requests failed"),
    }
    if let Err(e) = app::server::privacy::closure::delete_due(db, clock).await {
        tracing::warn!(error = %e, "deleting closed workspaces failed");
    }
}

async fn verify_and_record(db: &Db, clock: &Clock, public: &PublicKey) {
    let report = match verify::all(db, Some(public)).await {
        Ok(report) => report,
        Err(e) => {
            tracing::warn!(error = %e, "verifying the audit chains failed");
            return;
        }
    };
    for broken in report.broken() {
        tracing::error!(target: "security", %broken, "an audit chain is broken");
    }
    if let Err(e) = verifications::record(db, clock, &report.outcomes).await {
        tracing::warn!(error = %e, "recording the audit verification failed");
    }
}
