//! The audit trail's integrity: the log as a hash chain per workspace ([`chain`]), signed
//! checkpoints of each chain's head ([`checkpoints`], [`signing`]), the walk that proves a chain
//! intact or names the first entry that is not ([`walk`]) — over the database ([`verify`]) or
//! over an exported file, offline ([`offline`]) — and the record of each verification
//! ([`verifications`]); which entries the viewer selects ([`selection`]). What is recorded,
//! and how it is read, is `access::audit`'s.

pub mod alert_mail;
pub mod alert_thresholds;
pub mod alerts;
pub mod append;
pub mod chain;
pub mod checkpoints;
pub mod export;
pub mod labels;
pub mod offline;
pub mod refusals;
pub mod retention;
pub mod schedule;
pub mod security;
pub mod selection;
pub mod sensitive_reads;
pub mod sign_in_alerts;
pub mod signing;
pub mod trail;
pub mod verifications;
pub mod verify;
pub mod walk;
