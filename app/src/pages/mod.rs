//! One module per route, plus the cards that make up the bigger pages: `two_step` (account),
//! `network`, `login_hours` and `sales_terms` (settings).

pub mod access;
pub mod account;
pub mod approvals;
pub mod attachments;
pub mod audit;
pub mod customer_bulk;
pub mod customer_parts;
pub mod customers;
pub mod documents;
pub mod forgot_password;
pub mod groups;
pub mod history;
pub mod invitation;
pub mod licences;
pub mod login_hours;
pub mod members;
pub mod network;
pub mod not_found;
pub mod orders;
pub mod overview;
pub mod products;
pub mod quotes;
pub mod reports;
pub mod reset_password;
pub mod role_editor;
pub mod roles;
pub mod sales_terms;
pub mod sessions;
pub mod settings;
pub mod sign_in;
pub mod sign_up;
pub mod tickets;
pub mod two_step;
pub mod verify_email;
pub mod workspaces;
