//! `server audit verify`: walks every workspace's audit chain and reports, on standard output,
//! how many entries it proved and the first broken entry of each chain that has one.

use std::time::Instant;

use app::server::audit::verify;
use app::server::platform::db::Db;

use crate::StartupError;

pub async fn verify(db: &Db) -> Result<(), StartupError> {
    let started = Instant::now();
    let report = verify::all(db).await?;
    let secs = started.elapsed().as_secs_f64();
    for broken in &report.broken {
        println!("broken: {broken}");
    }
    println!(
        "audit chains: {} workspaces, {} entries verified in {secs:.2} s; {} broken",
        report.workspaces,
        report.entries,
        report.broken.len()
    );
    match report.broken.len() {
        0 => Ok(()),
        n => Err(StartupError::AuditBroken(n)),
    }
}
