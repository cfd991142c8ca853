//! Rate limits on the endpoints people can be attacked through (`limited_endpoints`): each has
//! a budget per client address and per account (the email, or the link's token, the endpoint
//! reads). The check runs in the gate before the server function, so a refused request costs
//! no argon2 work and no database write.

use std::net::IpAddr;
use std::num::NonZeroU32;
use std::time::Duration;

use governor::clock::{Clock as _, DefaultClock};
use governor::{DefaultKeyedRateLimiter, Quota};

use crate::limited_endpoints::{self, FormRefusal, Group};

/// Requests per minute one address may make to one group, and the burst it may start with.
pub const PER_IP_PER_MINUTE: u32 = 60;
pub const PER_IP_BURST: u32 = 30;
/// Requests per minute against one account (lockout handles wrong passwords; this stops
/// floods of hashing work aimed at one address from many places).
pub const PER_ACCOUNT_PER_MINUTE: u32 = 30;
pub const PER_ACCOUNT_BURST: u32 = 10;
/// Uploads per minute one person may make, and their burst: enough to attach a folder of
/// scans, not enough to fill the disk by script.
pub const UPLOADS_PER_MINUTE: u32 = 30;
pub const UPLOADS_BURST: u32 = 20;

/// Calls per minute one API key may make unless the deployment says otherwise
/// (`GATEHOUSE_API_KEY_RATE`), and its burst (a sixth of it): room for a busy integration, a
/// stop for a runaway script. Each server process keeps its own count, so with N processes a
/// key gets at most N times this.
pub const API_KEY_PER_MINUTE: u32 = 6_000;
pub const API_KEY_BURST: u32 = API_KEY_PER_MINUTE / 6;

/// Why the gate turns a request away before its server function runs.
#[derive(Debug)]
pub enum Refused {
    /// Over a budget, for this long.
    Wait(Duration),
    Form(FormRefusal),
}

pub struct RateLimits {
    per_ip: DefaultKeyedRateLimiter<(Group, IpAddr)>,
    per_account: DefaultKeyedRateLimiter<(Group, String)>,
    uploads: DefaultKeyedRateLimiter<String>,
    api_keys: DefaultKeyedRateLimiter<String>,
}

fn quota(per_minute: u32, burst: u32) -> Quota {
    let nz = |n: u32| NonZeroU32::new(n).unwrap_or(NonZeroU32::MIN);
    Quota::per_minute(nz(per_minute)).allow_burst(nz(burst))
}

impl Default for RateLimits {
    fn default() -> Self {
        Self::with_api_key_rate(API_KEY_PER_MINUTE)
    }
}

impl RateLimits {
    /// The budgets, with `api_key_per_minute` calls a minute for each API key.
    pub fn with_api_key_rate(api_key_per_minute: u32) -> Self {
        Self {
            per_ip: DefaultKeyedRateLimiter::keyed(quota(PER_IP_PER_MINUTE, PER_IP_BURST)),
            per_account: DefaultKeyedRateLimiter::keyed(quota(
                PER_ACCOUNT_PER_MINUTE,
                PER_ACCOUNT_BURST,
            )),
            uploads: DefaultKeyedRateLimiter::keyed(quota(UPLOADS_PER_MINUTE, UPLOADS_BURST)),
            api_keys: DefaultKeyedRateLimiter::keyed(quota(
                api_key_per_minute,
                (api_key_per_minute / 6).max(1),
            )),
        }
    }
}

impl RateLimits {
    /// `Err` when this request is over a budget (the caller answers 429 with `Retry-After`) or
    /// its form is not one the endpoint takes. The address budget is spent first, so refused
    /// forms count against it too. Other endpoints are not limited here.
    pub fn check(
        &self,
        path: &str,
        ip: Option<IpAddr>,
        content_type: Option<&str>,
        body: &[u8],
    ) -> Result<(), Refused> {
        let Some(group) = limited_endpoints::group(path) else {
            return Ok(());
        };
        let now = DefaultClock::default().now();
        if let Some(ip) = ip {
            self.per_ip
                .check_key(&(group, ip))
                .map_err(|not_until| Refused::Wait(not_until.wait_time_from(now)))?;
        }
        let account =
            limited_endpoints::account(path, content_type, body).map_err(Refused::Form)?;
        if let Some(account) = account {
            self.per_account
                .check_key(&(group, account))
                .map_err(|not_until| Refused::Wait(not_until.wait_time_from(now)))?;
        }
        Ok(())
    }

    /// `Err(wait)` when the person `user` has used up their upload budget.
    pub fn check_upload(&self, user: &str) -> Result<(), Duration> {
        let now = DefaultClock::default().now();
        self.uploads
            .check_key(&user.to_owned())
            .map_err(|not_until| not_until.wait_time_from(now))
    }

    /// `Err(wait)` when the API key `key` has used up its budget.
    pub fn check_api_key(&self, key: &str) -> Result<(), Duration> {
        let now = DefaultClock::default().now();
        self.api_keys
            .check_key(&key.to_owned())
            .map_err(|not_until| not_until.wait_time_from(now))
    }

    /// Forgets keys whose budget is full again, so memory follows recent traffic only.
    pub fn forget_idle(&self) {
        self.per_ip.retain_recent();
        self.per_account.retain_recent();
        self.uploads.retain_recent();
        self.api_keys.retain_recent();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_api_key_gets_its_burst_then_waits_and_other_keys_do_not() {
        let limits = RateLimits::default();
        // The budget refills as the loop runs, so the refusal comes at the burst or a little
        // after it, never before.
        let allowed = (0..API_KEY_BURST * 2)
            .take_while(|_| limits.check_api_key("KeyA").is_ok())
            .count();
        assert!(allowed >= API_KEY_BURST as usize && allowed < API_KEY_BURST as usize * 2);
        let wait = limits.check_api_key("KeyA").unwrap_err();
        assert!(wait <= Duration::from_millis(10), "{wait:?}");
        assert!(limits.check_api_key("KeyB").is_ok());
    }

    const FORM: Option<&str> = Some("application/x-www-form-urlencoded");
    const SIGN_UP: &[u8] = b"name=Z&email=z%40example.com&password=p&workspace_name=W";

    fn with_password(form: &str) -> String {
        format!("{form}&password=p")
    }

    #[test]
    fn an_address_gets_its_burst_then_waits_and_other_addresses_do_not() {
        let limits = RateLimits::default();
        let a: IpAddr = "203.0.113.1".parse().unwrap();
        let b: IpAddr = "2001:db8::1".parse().unwrap();
        for i in 0..PER_IP_BURST {
            // A different account each time, so only the address budget counts.
            let form = format!("email=user{i}%40example.com");
            assert!(limits
                .check(
                    "/api/accounts/sign_in",
                    Some(a),
                    FORM,
                    with_password(&form).as_bytes()
                )
                .is_ok());
        }
        let wait = limits
            .check(
                "/api/accounts/sign_in",
                Some(a),
                FORM,
                b"email=x%40example.com&password=p",
            )
            .unwrap_err();
        let Refused::Wait(wait) = wait else {
            panic!("{wait:?}")
        };
        assert!(
            wait > Duration::ZERO && wait <= Duration::from_secs(1),
            "{wait:?}"
        );
        assert!(limits
            .check(
                "/api/accounts/sign_in",
                Some(b),
                FORM,
                b"email=y%40example.com&password=p"
            )
            .is_ok());
        // Another group has its own budget; unlisted endpoints are not limited here.
        assert!(limits
            .check("/api/accounts/sign_up", Some(a), FORM, SIGN_UP)
            .is_ok());
        for _ in 0..100 {
            assert!(limits
                .check("/api/team/members", Some(a), None, b"")
                .is_ok());
        }
    }

    #[test]
    fn one_account_is_limited_across_addresses_and_letter_case() {
        let limits = RateLimits::default();
        for i in 0..PER_ACCOUNT_BURST {
            let ip = IpAddr::from([198, 51, 100, i as u8]);
            let form: &[u8] = if i % 2 == 0 {
                b"email=Ada%40Example.com&password=p"
            } else {
                b"password=p&email=ada%40example.com"
            };
            assert!(limits
                .check("/api/accounts/sign_in", Some(ip), FORM, form)
                .is_ok());
        }
        assert!(limits
            .check(
                "/api/accounts/sign_in",
                Some(IpAddr::from([192, 0, 2, 1])),
                FORM,
                b"email=ada%40example.com&password=p"
            )
            .is_err());
    }

    #[test]
    fn a_decoy_field_buys_no_fresh_budget() {
        let limits = RateLimits::default();
        for i in 0..PER_ACCOUNT_BURST {
            let ip = IpAddr::from([198, 51, 100, i as u8]);
            let form = "email=victim%40example.com&password=p";
            assert!(limits
                .check("/api/accounts/sign_in", Some(ip), FORM, form.as_bytes())
                .is_ok());
        }
        // The old key was the first `email` or `token` field: a random token each time used
        // to open a new budget. Now the form is refused, and the plain one is over budget.
        let decoy = "token=r4nd0m&email=victim%40example.com&password=p";
        assert!(matches!(
            limits.check(
                "/api/accounts/sign_in",
                Some(IpAddr::from([192, 0, 2, 9])),
                FORM,
                decoy.as_bytes()
            ),
            Err(Refused::Form(_))
        ));
        assert!(matches!(
            limits.check(
                "/api/accounts/sign_in",
                Some(IpAddr::from([192, 0, 2, 10])),
                FORM,
                b"password=p&email=VICTIM%40example.com"
            ),
            Err(Refused::Wait(_))
        ));
    }

    #[test]
    fn codes_share_one_budget_per_address() {
        let limits = RateLimits::default();
        let ip: IpAddr = "203.0.113.2".parse().unwrap();
        for _ in 0..PER_IP_BURST {
            assert!(limits
                .check(
                    "/api/accounts/verify_second_factor",
                    Some(ip),
                    FORM,
                    b"code=1"
                )
                .is_ok());
        }
        assert!(limits
            .check("/api/mfa/confirm_app", Some(ip), FORM, b"code=1")
            .is_err());
    }
}
