//! The audit trail's integrity: the log as a hash chain per workspace ([`chain`]) and the walk
//! that proves it intact or names the first entry that is not ([`verify`]). What is recorded,
//! and how it is read, is `access::audit`'s.

pub mod chain;
pub mod verify;
