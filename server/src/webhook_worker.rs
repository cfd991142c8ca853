//! The delivery worker of this process: every second it claims what is due in the webhook
//! outbox and sends it. Several processes on one database share the work (the claim is
//! exclusive), so each delivery goes out once.

use std::time::Duration;

use app::server::integrations::webhooks::delivery;
use app::server::web::context::ServerContext;

/// Deliveries claimed at once; a full batch is followed by the next at once.
const BATCH: i64 = 32;

pub async fn keep_delivering(ctx: ServerContext) {
    let client = match ctx.webhook_targets.client() {
        Ok(client) => client,
        Err(e) => {
            tracing::error!(error = %e, "webhooks cannot be delivered by this process");
            return;
        }
    };
    let mut every = tokio::time::interval(Duration::from_secs(1));
    every.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        every.tick().await;
        loop {
            let sent =
                delivery::deliver_due(&ctx.db, &ctx.clock, &ctx.webhook_targets, &client, BATCH)
                    .await;
            match sent {
                Ok(n) if n == BATCH as usize => continue,
                Ok(_) => break,
                Err(e) => {
                    tracing::warn!(error = %e, "webhook deliveries not claimed; retrying");
                    break;
                }
            }
        }
    }
}
