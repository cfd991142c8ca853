//! A workspace's people and rules: members, invitations, teams and departments, security settings, network rules and login hours; and the whole workspace as one archive for its Owner.

pub mod departments;
pub mod export;
pub mod invitations;
pub mod ip_rules;
pub mod login_hours;
pub mod members;
pub mod recipients;
pub mod sales_terms;
pub mod settings;
pub mod team_options;
pub mod teams;
