//! The record kit: what every workspace-owned business record shares, parameterised by its
//! [`kind::RecordKind`]. A kind states its table, how the data scope reaches its rows, how lists
//! sort and search, and which fields are sensitive; the kit turns that into the scope and
//! max-records clauses, keyset pages, literal search, field security and the optimistic
//! `version` check, all bound to a [`crate::server::access::grants::Grant`]. `customers`,
//! `products`, `quotes`, `orders`, `payments`, `licences` and `tickets` are built on it (quotes
//! and orders as `documents` with lines); `kinds::KINDS` lists every kind for the places that
//! must know them all.

pub mod assignment;
pub mod bulk;
pub mod customers;
pub mod documents;
pub mod filter_choices;
pub mod history;
pub mod kind;
pub mod kinds;
pub mod library;
pub mod licences;
pub mod listing;
pub mod money;
pub mod numbering;
pub mod orders;
pub mod pages;
pub mod payments;
pub mod products;
pub mod quotes;
pub mod rows;
pub mod scope;
pub mod sensitive_reads;
pub mod sql;
pub mod tickets;
pub mod version;
