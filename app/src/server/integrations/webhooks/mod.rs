//! Webhooks: a workspace's endpoints hear its events — every record kind's creates, changes
//! and deletes, from the record kit's history — signed to the Standard Webhooks specification.
//! Events go through an outbox written with the change ([`outbox`]); workers deliver them with
//! retries ([`delivery`]) to addresses the deployment allows ([`targets`]).

pub mod announced;
pub mod deliveries;
pub mod delivery;
pub mod endpoints;
pub mod events;
pub mod outbox;
pub mod sealed;
pub mod signing;
pub mod targets;
