//! Integration tests against real SQLite and PostgreSQL, one module per area, in one test binary:
//! each binary links the whole application, so sixteen of them made a cold build of the test
//! command link sixteen times.
#![cfg(feature = "test-support")]

mod accounts;
mod alert_rules;
mod alerts;
mod approvals;
mod assignments;
mod audit_chain;
mod audit_checkpoints;
mod audit_retention;
mod audit_trail;
mod audit_viewer;
mod background_exports;
mod backups;
mod bulk;
mod customer_kinds;
mod customer_parts;
mod customers;
mod dashboard;
mod documents;
mod exports;
mod files;
mod history;
mod imports;
mod inactive_members;
mod incidents;
mod ip_rules;
mod library;
mod licences;
mod list_exports;
mod lists;
mod lockout;
mod login_hours;
mod mail;
mod mfa;
mod password_expiry;
mod password_reset;
mod payments;
mod product_imports;
mod products;
mod quote_templates;
mod record_files;
mod record_kit;
mod role_deletion;
mod roles;
mod row_security;
mod sales_terms;
mod sensitive_reads;
mod sessions;
mod settings;
mod support;
mod team;
mod teams;
mod tickets;
mod workspaces;
