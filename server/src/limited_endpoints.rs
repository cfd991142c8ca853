//! The endpoints people can be attacked through — sign-in, sign-up, password reset, mailed
//! links, invitation acceptance, second-factor codes, the public privacy form — and how to read the account each request
//! is about.
//!
//! The account is read from the same arguments the server function will receive: the form is
//! decoded into the function's own argument type, with the decoder Leptos uses, and the field
//! that function really reads is taken. So a decoy field (`token=<random>&email=victim`) cannot
//! buy a fresh budget. These forms are also read strictly: only the function's own fields (and
//! the CSRF token), each at most once, as `application/x-www-form-urlencoded` — anything else is
//! refused before it costs a hash or a write.

use std::collections::{HashMap, HashSet};
use std::sync::LazyLock;

use leptos::server_fn::ServerFn;
use serde::de::DeserializeOwned;

use app::api::{accounts, invitations, mfa, privacy};

/// Which budget an endpoint spends.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Group {
    SignIn,
    SignUp,
    PasswordReset,
    MailedLink,
    SecondFactor,
    /// The public privacy form: reading it, filing a request, confirming one.
    PrivacyRequest,
}

/// Why a limited endpoint's form was refused, in words for the caller.
#[derive(Debug, PartialEq, Eq)]
pub enum FormRefusal {
    /// Not a form post (JSON, multipart, none): 415.
    NotAForm,
    /// A field the endpoint does not take, a field given twice, or a value that does not decode:
    /// 400.
    Malformed(String),
}

impl FormRefusal {
    pub fn message(&self) -> String {
        match self {
            Self::NotAForm => {
                "send the fields as a form (application/x-www-form-urlencoded)".into()
            }
            Self::Malformed(message) => message.clone(),
        }
    }
}

type AccountReader = Box<dyn Fn(&str) -> Result<Option<String>, FormRefusal> + Send + Sync>;

struct Limited {
    group: Group,
    fields: &'static [&'static str],
    account: AccountReader,
}

/// `T`'s path, its fields, and the field of `T` that names the account (if any).
fn endpoint<T>(group: Group, account: fn(&T) -> Option<&str>) -> (&'static str, Limited)
where
    T: ServerFn + DeserializeOwned + 'static,
{
    let read: AccountReader = Box::new(move |body| {
        let args = serde_qs::Config::new(5, false)
            .deserialize_str::<T>(body)
            .map_err(|e| FormRefusal::Malformed(format!("the form could not be read: {e}")))?;
        Ok(account(&args)
            .map(|value| value.trim().to_lowercase())
            .filter(|value| !value.is_empty()))
    });
    (
        T::PATH,
        Limited {
            group,
            fields: serde_aux::serde_introspection::serde_introspect::<T>(),
            account: read,
        },
    )
}

/// Every limited endpoint, stated once: its argument type names its path and fields.
static LIMITED: LazyLock<HashMap<&'static str, Limited>> = LazyLock::new(|| {
    use Group::*;
    HashMap::from([
        endpoint::<accounts::SignIn>(SignIn, |a| Some(&a.email)),
        endpoint::<accounts::SignUp>(SignUp, |a| Some(&a.email)),
        endpoint::<accounts::RequestPasswordReset>(PasswordReset, |a| Some(&a.email)),
        endpoint::<accounts::ResetPassword>(PasswordReset, |a| Some(&a.token)),
        endpoint::<accounts::VerifyEmail>(MailedLink, |a| Some(&a.token)),
        endpoint::<invitations::PreviewInvitation>(MailedLink, |a| Some(&a.token)),
        endpoint::<invitations::AcceptInvitationNew>(MailedLink, |a| Some(&a.token)),
        endpoint::<invitations::AcceptInvitationExisting>(MailedLink, |a| Some(&a.token)),
        // Codes are guessable in principle: every place one is checked, and every place that
        // mails one. The account is the session's (and wrong codes count towards its lockout).
        endpoint::<accounts::VerifySecondFactor>(SecondFactor, |_| None),
        endpoint::<accounts::SendSignInCode>(SecondFactor, |_| None),
        endpoint::<mfa::ConfirmApp>(SecondFactor, |_| None),
        endpoint::<mfa::SendEmailCode>(SecondFactor, |_| None),
        endpoint::<mfa::ConfirmEmailCodes>(SecondFactor, |_| None),
        endpoint::<mfa::DisableApp>(SecondFactor, |_| None),
        endpoint::<mfa::DisableEmailCodes>(SecondFactor, |_| None),
        endpoint::<mfa::RegenerateRecoveryCodes>(SecondFactor, |_| None),
        // Public: a form per workspace anyone may post, each post a row and a mail.
        endpoint::<privacy::PrivacyForm>(PrivacyRequest, |_| None),
        endpoint::<privacy::SubmitPrivacyRequest>(PrivacyRequest, |a| Some(&a.email)),
        endpoint::<privacy::ConfirmPrivacyRequest>(PrivacyRequest, |a| Some(&a.token)),
    ])
});

/// The group `path` spends, if it is limited.
pub fn group(path: &str) -> Option<Group> {
    LIMITED.get(path).map(|limited| limited.group)
}

/// Every limited path with the fields its form may carry (besides the CSRF token), for tests
/// that go through them all.
pub fn forms() -> impl Iterator<Item = (&'static str, &'static [&'static str])> {
    LIMITED
        .iter()
        .map(|(path, limited)| (*path, limited.fields))
}

/// The account a request to a limited endpoint is about, read strictly (see the module's
/// comment). `content_type` is the request's header.
pub fn account(
    path: &str,
    content_type: Option<&str>,
    body: &[u8],
) -> Result<Option<String>, FormRefusal> {
    let Some(limited) = LIMITED.get(path) else {
        return Ok(None);
    };
    let is_form = content_type
        .and_then(|ct| ct.split(';').next())
        .is_some_and(|mime| {
            mime.trim()
                .eq_ignore_ascii_case("application/x-www-form-urlencoded")
        });
    // A body-less call (a button with no fields) may come without a content type.
    let bodiless = body.is_empty() && limited.fields.is_empty();
    if !(is_form || bodiless) {
        return Err(FormRefusal::NotAForm);
    }
    let body = std::str::from_utf8(body)
        .map_err(|_| FormRefusal::Malformed("the form is not UTF-8".into()))?;
    let mut seen = HashSet::new();
    for (name, _) in url::form_urlencoded::parse(body.as_bytes()) {
        if name != app::csrf_page::FIELD && !limited.fields.contains(&name.as_ref()) {
            return Err(FormRefusal::Malformed(format!(
                "this form does not take a field named `{}`",
                printable(&name)
            )));
        }
        if !seen.insert(name.clone()) {
            return Err(FormRefusal::Malformed(format!(
                "the field `{}` is given more than once",
                printable(&name)
            )));
        }
    }
    (limited.account)(body)
}

/// A field name as it may be echoed back: short, and without control characters.
fn printable(name: &str) -> String {
    name.chars().filter(|c| !c.is_control()).take(40).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    const FORM: Option<&str> = Some("application/x-www-form-urlencoded");

    #[test]
    fn the_account_is_the_field_the_endpoint_reads() {
        let sign_in = "/api/accounts/sign_in";
        assert_eq!(
            account(sign_in, FORM, b"email=Ada%40Example.com&password=x"),
            Ok(Some("ada@example.com".into()))
        );
        // Reordered and differently encoded, the same account.
        assert_eq!(
            account(sign_in, FORM, b"password=x&%65mail=+ADA%40example.COM+"),
            Ok(Some("ada@example.com".into()))
        );
        assert_eq!(
            account(
                "/api/accounts/reset_password",
                FORM,
                b"new_password=x&token=AbC"
            ),
            Ok(Some("abc".into()))
        );
    }

    #[test]
    fn decoys_duplicates_and_other_encodings_are_refused() {
        let sign_in = "/api/accounts/sign_in";
        for (body, why) in [
            (
                &b"token=r4nd0m&email=ada%40example.com&password=x"[..],
                "token",
            ),
            (
                b"email=a%40x.io&email=ada%40example.com&password=x",
                "more than once",
            ),
            (
                b"email=ada%40example.com&password=x&Email=b%40x.io",
                "Email",
            ),
            (b"email[]=ada%40example.com&password=x", "email[]"),
        ] {
            let refused = account(sign_in, FORM, body).unwrap_err();
            assert!(refused.message().contains(why), "{refused:?}");
        }
        for content_type in [
            Some("application/json"),
            Some("multipart/form-data; boundary=x"),
            Some("text/plain"),
            None,
        ] {
            assert_eq!(
                account(sign_in, content_type, br#"{"email":"ada@example.com"}"#),
                Err(FormRefusal::NotAForm)
            );
        }
        assert!(matches!(
            account(sign_in, FORM, b"email=ada%40example.com"),
            Err(FormRefusal::Malformed(_))
        ));
        assert!(account(sign_in, FORM, b"\xff\xfe").is_err());
    }

    #[test]
    fn the_csrf_field_is_allowed_once_and_bodiless_calls_pass() {
        assert_eq!(
            account(
                "/api/accounts/request_password_reset",
                Some("application/x-www-form-urlencoded; charset=UTF-8"),
                b"csrf_token=t&email=a%40b.io"
            ),
            Ok(Some("a@b.io".into()))
        );
        assert!(account(
            "/api/accounts/request_password_reset",
            FORM,
            b"csrf_token=t&csrf_token=u&email=a%40b.io"
        )
        .is_err());
        assert_eq!(account("/api/mfa/send_email_code", None, b""), Ok(None));
        assert_eq!(account("/api/team/members", None, b"anything"), Ok(None));
    }

    #[test]
    fn the_public_privacy_form_is_limited_per_email_and_per_token() {
        for path in [
            "/api/privacy/form",
            "/api/privacy/submit",
            "/api/privacy/confirm",
        ] {
            assert_eq!(group(path), Some(Group::PrivacyRequest), "{path}");
        }
        assert_eq!(
            account(
                "/api/privacy/submit",
                FORM,
                b"slug=acme&kind=access&name=Mary&email=Mary%40Example.com&details="
            ),
            Ok(Some("mary@example.com".into()))
        );
        assert_eq!(
            account("/api/privacy/confirm", FORM, b"slug=acme&token=AbC"),
            Ok(Some("abc".into()))
        );
        assert!(account("/api/privacy/submit", FORM, b"slug=a&email=x&email=y").is_err());
    }

    #[test]
    fn every_place_a_code_is_checked_or_mailed_is_limited() {
        for path in [
            "/api/accounts/verify_second_factor",
            "/api/accounts/send_sign_in_code",
            "/api/mfa/confirm_app",
            "/api/mfa/send_email_code",
            "/api/mfa/confirm_email",
            "/api/mfa/disable_app",
            "/api/mfa/disable_email",
            "/api/mfa/regenerate_recovery_codes",
        ] {
            assert_eq!(group(path), Some(Group::SecondFactor), "{path}");
        }
    }
}
