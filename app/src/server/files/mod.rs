//! Files: storage, what an upload may be, and the files attached to records.

pub mod attachments;
pub mod errors;
pub mod garbage;
pub mod holders;
pub mod intake;
pub mod judge;
pub mod logo;
pub mod names;
pub mod ooxml;
pub mod sealing;
pub mod singles;
pub mod spool;
pub mod storage;
pub mod templates;
