//! The automation worker of this process: every second it starts the periods of scheduled
//! automations that are due, sends the mail their steps wrote, then claims pending automation
//! runs and does their steps. Once an hour it forgets finished runs past their keeping. Several
//! processes on one database share the work (each period and each run is claimed by one), so
//! each happens once.

use std::time::{Duration, Instant};

use app::server::integrations::automations::{mail, runner, schedule};
use app::server::platform::claims;
use app::server::web::context::ServerContext;

/// Runs claimed at once; a full batch is followed by the next at once.
const BATCH: i64 = 16;
/// How often old runs are forgotten: they pass their age an hour late at most.
const FORGET_EVERY: Duration = Duration::from_secs(3600);

pub async fn keep_running(ctx: ServerContext) {
    let mut every = tokio::time::interval(Duration::from_secs(1));
    every.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    let holder = claims::this_process();
    let mut forgotten_at: Option<Instant> = None;
    loop {
        every.tick().await;
        if forgotten_at.is_none_or(|at| at.elapsed() > FORGET_EVERY) {
            forgotten_at = Some(Instant::now());
            match runner::forget_old(&ctx.db, &ctx.clock).await {
                Ok(0) => {}
                Ok(n) => tracing::info!(runs = n, "old automation runs forgotten"),
                Err(e) => tracing::warn!(error = %e, "old automation runs not forgotten"),
            }
        }
        if let Err(e) = schedule::start_due(&ctx.db, &ctx.clock, &holder).await {
            tracing::warn!(error = %e, "scheduled automations not started; retrying");
        }
        if let Err(e) = mail::send_due(&ctx.db, &ctx.clock, &ctx.mailer, BATCH).await {
            tracing::warn!(error = %e, "automations' mail not sent; retrying");
        }
        loop {
            match runner::run_due(&ctx.db, &ctx.clock, BATCH).await {
                Ok(n) if n == BATCH as usize => continue,
                Ok(_) => break,
                Err(e) => {
                    tracing::warn!(error = %e, "automation runs not claimed; retrying");
                    break;
                }
            }
        }
    }
}
