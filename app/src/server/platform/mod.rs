//! What everything stands on: the database, the clock, mail, the domain error, text cleaning, installation secrets, and the test databases.

pub mod claims;
pub mod clock;
pub mod days;
pub mod db;
pub mod digest;
pub mod dirs;
pub mod error;
pub mod instance_secrets;
pub mod mail;
#[cfg(feature = "test-support")]
pub mod testing;
pub mod text;
