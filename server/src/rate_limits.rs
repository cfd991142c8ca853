//! Rate limits on the endpoints people can be attacked through: sign-in, sign-up, password
//! reset, mailed links, invitation acceptance and second-factor codes. Each has a budget per client address and per
//! account (the email, or the link's token, in the form). The check runs in the gate before
//! the server function, so a refused request costs no argon2 work and no database write.

use std::net::IpAddr;
use std::num::NonZeroU32;
use std::time::Duration;

use governor::clock::{Clock as _, DefaultClock};
use governor::{DefaultKeyedRateLimiter, Quota};

/// Requests per minute one address may make to one group, and the burst it may start with.
pub const PER_IP_PER_MINUTE: u32 = 60;
pub const PER_IP_BURST: u32 = 30;
/// Requests per minute against one account (lockout handles wrong passwords; this stops
/// floods of hashing work aimed at one address from many places).
pub const PER_ACCOUNT_PER_MINUTE: u32 = 30;
pub const PER_ACCOUNT_BURST: u32 = 10;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
enum Group {
    SignIn,
    SignUp,
    PasswordReset,
    MailedLink,
    SecondFactor,
}

fn group(path: &str) -> Option<Group> {
    Some(match path {
        "/api/accounts/sign_in" => Group::SignIn,
        "/api/accounts/sign_up" => Group::SignUp,
        "/api/accounts/request_password_reset" | "/api/accounts/reset_password" => {
            Group::PasswordReset
        }
        "/api/accounts/verify_email"
        | "/api/invitations/preview"
        | "/api/invitations/accept_new"
        | "/api/invitations/accept_existing" => Group::MailedLink,
        // Codes are guessable in principle: every place one is checked, and every place that
        // mails one.
        "/api/accounts/verify_second_factor"
        | "/api/accounts/send_sign_in_code"
        | "/api/mfa/confirm_app"
        | "/api/mfa/send_email_code"
        | "/api/mfa/confirm_email"
        | "/api/mfa/disable_app"
        | "/api/mfa/disable_email"
        | "/api/mfa/regenerate_recovery_codes" => Group::SecondFactor,
        _ => return None,
    })
}

/// The account a form is about: its email, or the token of a mailed link, lower-cased.
fn account(form: &[u8]) -> Option<String> {
    url::form_urlencoded::parse(form)
        .find(|(name, _)| name == "email" || name == "token")
        .map(|(_, value)| value.trim().to_lowercase())
        .filter(|value| !value.is_empty())
}

pub struct RateLimits {
    per_ip: DefaultKeyedRateLimiter<(Group, IpAddr)>,
    per_account: DefaultKeyedRateLimiter<(Group, String)>,
}

fn quota(per_minute: u32, burst: u32) -> Quota {
    let nz = |n: u32| NonZeroU32::new(n).unwrap_or(NonZeroU32::MIN);
    Quota::per_minute(nz(per_minute)).allow_burst(nz(burst))
}

impl Default for RateLimits {
    fn default() -> Self {
        Self {
            per_ip: DefaultKeyedRateLimiter::keyed(quota(PER_IP_PER_MINUTE, PER_IP_BURST)),
            per_account: DefaultKeyedRateLimiter::keyed(quota(
                PER_ACCOUNT_PER_MINUTE,
                PER_ACCOUNT_BURST,
            )),
        }
    }
}

impl RateLimits {
    /// `Err(wait)` when this request is over a budget: the caller answers 429 with
    /// `Retry-After`. Other endpoints are not limited here.
    pub fn check(&self, path: &str, ip: Option<IpAddr>, form: &[u8]) -> Result<(), Duration> {
        let Some(group) = group(path) else {
            return Ok(());
        };
        let now = DefaultClock::default().now();
        if let Some(ip) = ip {
            self.per_ip
                .check_key(&(group, ip))
                .map_err(|not_until| not_until.wait_time_from(now))?;
        }
        if let Some(account) = account(form) {
            self.per_account
                .check_key(&(group, account))
                .map_err(|not_until| not_until.wait_time_from(now))?;
        }
        Ok(())
    }

    /// Forgets keys whose budget is full again, so memory follows recent traffic only.
    pub fn forget_idle(&self) {
        self.per_ip.retain_recent();
        self.per_account.retain_recent();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_address_gets_its_burst_then_waits_and_other_addresses_do_not() {
        let limits = RateLimits::default();
        let a: IpAddr = "203.0.113.1".parse().unwrap();
        let b: IpAddr = "2001:db8::1".parse().unwrap();
        for i in 0..PER_IP_BURST {
            // A different account each time, so only the address budget counts.
            let form = format!("email=user{i}%40example.com");
            assert!(limits
                .check("/api/accounts/sign_in", Some(a), form.as_bytes())
                .is_ok());
        }
        let wait = limits
            .check("/api/accounts/sign_in", Some(a), b"email=x%40example.com")
            .unwrap_err();
        assert!(
            wait > Duration::ZERO && wait <= Duration::from_secs(1),
            "{wait:?}"
        );
        assert!(limits
            .check("/api/accounts/sign_in", Some(b), b"email=y%40example.com")
            .is_ok());
        // Another group has its own budget; unlisted endpoints are not limited here.
        assert!(limits
            .check("/api/accounts/sign_up", Some(a), b"email=z%40example.com")
            .is_ok());
        for _ in 0..100 {
            assert!(limits.check("/api/team/members", Some(a), b"").is_ok());
        }
    }

    #[test]
    fn one_account_is_limited_across_addresses_and_letter_case() {
        let limits = RateLimits::default();
        for i in 0..PER_ACCOUNT_BURST {
            let ip = IpAddr::from([198, 51, 100, i as u8]);
            let form: &[u8] = if i % 2 == 0 {
                b"email=Ada%40Example.com"
            } else {
                b"email=ada%40example.com"
            };
            assert!(limits
                .check("/api/accounts/sign_in", Some(ip), form)
                .is_ok());
        }
        assert!(limits
            .check(
                "/api/accounts/sign_in",
                Some(IpAddr::from([192, 0, 2, 1])),
                b"email=ada%40example.com"
            )
            .is_err());
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
        let limits = RateLimits::default();
        let ip: IpAddr = "203.0.113.2".parse().unwrap();
        for _ in 0..PER_IP_BURST {
            assert!(limits
                .check("/api/accounts/verify_second_factor", Some(ip), b"code=1")
                .is_ok());
        }
        assert!(limits
            .check("/api/mfa/confirm_app", Some(ip), b"code=1")
            .is_err());
    }
}
