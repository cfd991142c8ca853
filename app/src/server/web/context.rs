//! What a server function can reach: handed to Leptos by the server binary as context.

use leptos::prelude::use_context;

use crate::error::AppError;
use crate::server::{
    identity::passwords::Hasher, platform::clock::Clock, platform::db::Db, platform::mail::Mailer,
};

#[derive(Clone, Debug)]
pub struct ServerContext {
    pub db: Db,
    pub clock: Clock,
    pub hasher: Hasher,
    pub mailer: Mailer,
    /// Where uploaded files are kept.
    pub storage: crate::server::files::storage::Storage,
    /// Where people reach Gatehouse (`https://crm.example.com`), for links in mail.
    pub public_url: String,
    /// Where the deployment keeps its data, as its operator states it (`GATEHOUSE_DATA_REGION`).
    pub data_region: Option<String>,
    /// Refusals counted for the trail until their minute is over.
    pub refusals: crate::server::access::refusals::Refusals,
    /// Where webhooks may be delivered.
    pub webhook_targets: crate::server::integrations::webhooks::targets::TargetPolicy,
}

/// The server context of the current request. Fails closed: a missing context is an internal
/// error, never a panic and never a default.
pub fn server_context() -> Result<ServerContext, AppError> {
    use_context::<ServerContext>()
        .ok_or_else(|| AppError::internal("ServerContext missing from the Leptos context"))
}
