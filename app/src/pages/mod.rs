//! One module per route (`two_step` is the account page's two-step sign-in card).

pub mod account;
pub mod forgot_password;
pub mod invitation;
pub mod not_found;
pub mod overview;
pub mod reset_password;
pub mod sessions;
pub mod settings;
pub mod sign_in;
pub mod sign_up;
pub mod team;
pub mod two_step;
pub mod verify_email;
pub mod workspaces;
