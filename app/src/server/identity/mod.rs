//! Who a person is and how they prove it: accounts, passwords and their policy, signing in, second factors, lockout, re-authentication, mailed links, their sessions, security events, and the workspaces they found.

pub mod accounts;
pub mod authentication;
pub mod email_tokens;
pub mod last_sign_in;
pub mod lockout;
pub mod mfa;
pub mod password_expiry;
pub mod password_policy;
pub mod passwords;
pub mod reauth;
pub mod second_factors;
pub mod security_events;
pub mod sessions;
pub mod workspaces;
