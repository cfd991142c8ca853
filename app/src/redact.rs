//! `Debug` for types that carry a secret: the listed fields are shown, the rest print as `..`,
//! so a secret cannot reach a log line through `{:?}` or an error's context.

/// `redacted_debug!(Type { shown, fields })` implements `Debug` showing only those fields.
#[macro_export]
macro_rules! redacted_debug {
    ($ty:ident { $($shown:ident),* $(,)? }) => {
        impl ::std::fmt::Debug for $ty {
            fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                f.debug_struct(stringify!($ty))
                    $(.field(stringify!($shown), &self.$shown))*
                    .finish_non_exhaustive()
            }
        }
    };
}

#[cfg(test)]
mod tests {
    /// Every type that holds a secret, filled with a marker where the secret goes: none of
    /// their `Debug` output may contain it.
    #[test]
    fn no_secret_reaches_debug_output() {
        const SECRET: &str = "S3CR3T-MARKER";
        let mut shown = vec![format!(
            "{:?}",
            crate::model::AppSetup {
                key: SECRET.into(),
                otpauth_url: format!("otpauth://totp/x?secret={SECRET}"),
                qr_svg: format!("<svg>{SECRET}</svg>"),
            }
        )];
        #[cfg(feature = "ssr")]
        {
            use crate::server::identity::{email_tokens, mfa, passwords, reauth};
            use crate::server::web::csrf_tokens as csrf;
            use crate::server::workspace::invitations;
            shown.push(format!(
                "{:?}",
                mfa::Enrolment {
                    secret_base32: SECRET.into(),
                    otpauth_url: format!("otpauth://totp/x?secret={SECRET}"),
                    qr_svg: format!("<svg>{SECRET}</svg>"),
                }
            ));
            shown.push(format!(
                "{:?}",
                invitations::Sent {
                    id: crate::model::InvitationId::from_db("inv".into()),
                    email: "a@example.com".into(),
                    workspace_name: "Acme".into(),
                    role: "Staff".into(),
                    token: SECRET.into(),
                }
            ));
            shown.push(format!(
                "{:?}",
                email_tokens::ResetLink {
                    name: "Ada".into(),
                    email: "a@example.com".into(),
                    token: SECRET.into(),
                }
            ));
            shown.push(format!("{:?}", passwords::Password::new(SECRET)));
            shown.push(format!(
                "{:?}",
                reauth::Proof {
                    password: SECRET,
                    code: SECRET,
                    code_field: "code",
                }
            ));
            shown.push(format!("{:?}", csrf::AnonymousTokens::new([0x53; 32])));
        }
        for text in &shown {
            assert!(!text.contains(SECRET), "a secret in {text}");
            assert!(!text.contains("SSSS"), "key bytes in {text}");
        }
        assert!(shown[0].contains(".."), "{}", shown[0]);
    }
}
