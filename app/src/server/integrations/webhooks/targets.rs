//! Where webhooks may go. An endpoint's address is typed by a workspace admin, so delivering to
//! it must not become a way into the server's own network (SSRF): private, loopback,
//! link-local (cloud metadata) and other non-public addresses are refused — checked on the
//! address actually connected to, after DNS, so a name that resolves inward is refused too.
//! Redirects are not followed. Tests and development on one machine allow private targets.

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr};
use std::sync::Arc;
use std::time::Duration;

use crate::server::platform::error::DomainError;

/// A delivery gives up on a receiver after this long.
const TIMEOUT: Duration = Duration::from_secs(15);
const CONNECT_TIMEOUT: Duration = Duration::from_secs(5);
const URL_MAX: usize = 2000;

/// What the deployment allows as targets.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct TargetPolicy {
    /// Only `https://` (production).
    pub require_https: bool,
    /// Loopback and private networks allowed (tests, development on one machine).
    pub allow_private: bool,
}

impl TargetPolicy {
    /// Checks an endpoint's address as typed, naming the `url` field.
    pub fn check(&self, raw: &str) -> Result<url::Url, DomainError> {
        let bad = |message: &str| DomainError::invalid("url", message.to_owned());
        let raw = raw.trim();
        if raw.is_empty() {
            return Err(bad("Enter the address Gatehouse should deliver to."));
        }
        if raw.len() > URL_MAX || raw.chars().any(char::is_control) {
            return Err(bad("That address is not one Gatehouse can deliver to."));
        }
        let url = url::Url::parse(raw)
            .map_err(|_| bad("Enter a full address, such as https://example.com/hooks."))?;
        match url.scheme() {
            "https" => {}
            "http" if !self.require_https => {}
            _ => return Err(bad("The address must start with https://.")),
        }
        if !url.username().is_empty() || url.password().is_some() {
            return Err(bad(
                "Leave credentials out of the address; receivers check the signature instead.",
            ));
        }
        let literal = match url.host() {
            None => return Err(bad("The address needs a host name.")),
            Some(url::Host::Ipv4(ip)) => Some(IpAddr::V4(ip)),
            Some(url::Host::Ipv6(ip)) => Some(IpAddr::V6(ip)),
            Some(url::Host::Domain(name)) => {
                let name = name.trim_end_matches('.');
                if !self.allow_private && (name == "localhost" || name.ends_with(".localhost")) {
                    return Err(bad(PRIVATE));
                }
                None
            }
        };
        if let Some(ip) = literal {
            if !self.allowed(ip) {
                return Err(bad(PRIVATE));
            }
        }
        Ok(url)
    }

    fn allowed(&self, ip: IpAddr) -> bool {
        self.allow_private || is_public(ip)
    }

    /// The HTTP client deliveries go through: this policy on every resolved address, no
    /// redirects, no proxy from the environment, bounded time.
    pub fn client(&self) -> Result<reqwest::Client, DomainError> {
        drop(rustls::crypto::ring::default_provider().install_default());
        reqwest::Client::builder()
            .dns_resolver(Arc::new(Guarded(*self)))
            .redirect(reqwest::redirect::Policy::none())
            .no_proxy()
            .timeout(TIMEOUT)
            .connect_timeout(CONNECT_TIMEOUT)
            .user_agent(concat!("Gatehouse-Webhooks/", env!("CARGO_PKG_VERSION")))
            .build()
            .map_err(|e| DomainError::Internal(format!("webhook client: {e}")))
    }
}

const PRIVATE: &str = "The address points into a private network; use a public address.";

/// Resolves with the system and keeps only the addresses the policy allows.
struct Guarded(TargetPolicy);

impl reqwest::dns::Resolve for Guarded {
    fn resolve(&self, name: reqwest::dns::Name) -> reqwest::dns::Resolving {
        let policy = self.0;
        let host = name.as_str().to_owned();
        Box::pin(async move {
            let found: Vec<SocketAddr> = tokio::net::lookup_host((host.as_str(), 0))
                .await?
                .filter(|addr| policy.allowed(addr.ip()))
                .collect();
            if found.is_empty() {
                return Err(format!("{host} has no public address").into());
            }
            Ok(Box::new(found.into_iter()) as reqwest::dns::Addrs)
        })
    }
}

/// Whether `ip` is on the public internet.
pub fn is_public(ip: IpAddr) -> bool {
    match ip {
        IpAddr::V4(v4) => is_public_v4(v4),
        IpAddr::V6(v6) => match v6.to_ipv4_mapped() {
            Some(v4) => is_public_v4(v4),
            None => is_public_v6(v6),
        },
    }
}

fn is_public_v4(ip: Ipv4Addr) -> bool {
    let [a, b, ..] = ip.octets();
    !(ip.is_private()
        || ip.is_loopback()
        || ip.is_link_local()
        || ip.is_unspecified()
        || ip.is_broadcast()
        || ip.is_multicast()
        || ip.is_documentation()
        || a == 0
        // Shared address space (carrier-grade NAT), 100.64.0.0/10.
        || (a == 100 && (64..128).contains(&b))
        // Benchmarking, 198.18.0.0/15; reserved, 240.0.0.0/4.
        || (a == 198 && (b == 18 || b == 19))
        || a >= 240)
}

fn is_public_v6(ip: Ipv6Addr) -> bool {
    let first = ip.segments()[0];
    !(ip.is_loopback()
        || ip.is_unspecified()
        || ip.is_multicast()
        // Unique local fc00::/7, link-local fe80::/10, documentation 2001:db8::/32.
        || (first & 0xfe00) == 0xfc00
        || (first & 0xffc0) == 0xfe80
        || (first == 0x2001 && ip.segments()[1] == 0x0db8))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn production() -> TargetPolicy {
        TargetPolicy {
            require_https: true,
            allow_private: false,
        }
    }

    #[test]
    fn inward_addresses_are_refused() {
        for url in [
            "https://127.0.0.1/x",
            "https://10.1.2.3/",
            "https://169.254.169.254/latest/meta-data",
            "https://[::1]/",
            "https://[::ffff:192.168.0.1]/",
            "https://[fd00::1]/",
            "https://100.64.0.1/",
            "https://localhost:8080/",
            "https://0.0.0.0/",
        ] {
            assert!(production().check(url).is_err(), "{url}");
        }
        assert!(production().check("https://hooks.example.com/in").is_ok());
        assert!(production().check("https://93.184.215.14/in").is_ok());
    }

    #[test]
    fn production_wants_https_and_no_credentials() {
        assert!(production().check("http://hooks.example.com/").is_err());
        assert!(production().check("ftp://hooks.example.com/").is_err());
        assert!(production()
            .check("https://u:p@hooks.example.com/")
            .is_err());
        assert!(production().check("https://hooks.example.com/\n").is_ok());
        assert!(production()
            .check("https://hooks.example.com/a\u{7}b")
            .is_err());
        let dev = TargetPolicy {
            require_https: false,
            allow_private: true,
        };
        assert!(dev.check("http://127.0.0.1:9000/hook").is_ok());
    }
}
