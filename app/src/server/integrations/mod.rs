//! The ways into a workspace besides the browser — secret API keys, each acting under a role —
//! and out of it: webhooks telling other systems what changed.

pub mod api_keys;
pub mod webhooks;
