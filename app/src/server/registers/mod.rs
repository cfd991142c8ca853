//! Registers a security reviewer asks for: the incidents register ([`incidents`]) and
//! retention per record type ([`retention`]). The backups
//! register is `backups::register`'s; the data region is a deployment setting.

pub mod incidents;
pub mod retention;
