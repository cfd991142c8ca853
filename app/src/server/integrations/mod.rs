//! The ways into a workspace besides the browser — secret API keys, each acting under a role,
//! with idempotent retries — and out of it: webhooks telling other systems what changed, and
//! automations acting on a record when it changes.

pub mod api_keys;
pub mod automations;
pub mod idempotency;
pub mod webhooks;
