//! Privacy requests: a person asks a workspace, through its public form, to see, correct,
//! delete, restrict or take away their data (or to close the workspace). The request counts
//! once confirmed from a mailed link ([`public`]); handlers holding `privacy.process` move it
//! through the register ([`register`], [`handling`]) and fulfil it ([`archive`], [`erasure`],
//! [`restriction`], [`closure`]); the requester is mailed at each step ([`requester_mail`]).

pub mod archive;
pub mod closure;
pub mod erasure;
pub mod fulfilment;
pub mod handling;
pub mod public;
pub mod register;
pub mod requester_archive;
pub mod requester_mail;
pub mod requests;
pub mod restriction;
pub mod settings;
