//! The proof `reauth::prove` hands out. Apart from its checks so that the domain functions
//! that demand it (`mfa`) need not import the checks, which themselves read `mfa`.

use crate::model::UserId;

/// Proof that the person re-authenticated in this request. Only `reauth::prove` (and the test
/// bypass beside it) can make one; every domain function that changes a person's second
/// factors takes it.
#[derive(Debug)]
pub struct Reauthenticated {
    user: UserId,
}

impl Reauthenticated {
    pub(super) fn new(user: &UserId) -> Self {
        Self { user: user.clone() }
    }

    /// The person who proved it: the only one whose factors this proof can change.
    pub fn user(&self) -> &UserId {
        &self.user
    }
}
