//! The ways into a workspace besides the browser: secret API keys, each acting under a role.

pub mod api_keys;
