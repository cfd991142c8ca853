//! Which address a request comes from: the TCP peer, or — only when configured, behind a
//! reverse proxy — the header that proxy sets. A client-sent header is never trusted otherwise.

use std::net::{IpAddr, SocketAddr};

use axum::extract::{ConnectInfo, Request, State};
use axum::middleware::Next;
use axum::response::Response;

use app::server::web::auth::ClientIp;

/// The address from `header` (its last entry: the one our proxy appended), else the peer's.
pub fn resolve(
    headers: &http::HeaderMap,
    peer: Option<IpAddr>,
    header: Option<&str>,
) -> Option<IpAddr> {
    if let Some(name) = header {
        if let Some(ip) = headers
            .get_all(name)
            .iter()
            .filter_map(|v| v.to_str().ok())
            .flat_map(|v| v.split(','))
            .filter_map(|part| part.trim().parse::<IpAddr>().ok())
            .next_back()
        {
            return Some(ip);
        }
    }
    peer
}

/// Puts the request's [`ClientIp`] into its extensions for everything downstream.
pub async fn client_ip(
    State(header): State<Option<String>>,
    mut req: Request,
    next: Next,
) -> Response {
    let peer = req
        .extensions()
        .get::<ConnectInfo<SocketAddr>>()
        .map(|info| info.0.ip());
    if let Some(ip) = resolve(req.headers(), peer, header.as_deref()) {
        req.extensions_mut().insert(ClientIp(ip));
    }
    next.run(req).await
}

#[cfg(test)]
mod tests {
    use super::*;

    fn headers(pairs: &[(&'static str, &'static str)]) -> http::HeaderMap {
        pairs
            .iter()
            .map(|(k, v)| {
                (
                    http::HeaderName::from_static(k),
                    http::HeaderValue::from_static(v),
                )
            })
            .collect()
    }

    #[test]
    fn a_forwarded_header_counts_only_when_configured() {
        let peer: IpAddr = "10.0.0.1".parse().unwrap();
        let h = headers(&[("x-forwarded-for", "203.0.113.9, 198.51.100.7")]);
        assert_eq!(
            resolve(&h, Some(peer), None),
            Some(peer),
            "not configured: the peer"
        );
        assert_eq!(
            resolve(&h, Some(peer), Some("x-forwarded-for")),
            Some("198.51.100.7".parse().unwrap()),
            "the entry our proxy appended"
        );
        let v6 = headers(&[("x-real-ip", "2001:db8::5")]);
        assert_eq!(
            resolve(&v6, Some(peer), Some("x-real-ip")),
            Some("2001:db8::5".parse().unwrap())
        );
        let junk = headers(&[("x-real-ip", "not an address")]);
        assert_eq!(resolve(&junk, Some(peer), Some("x-real-ip")), Some(peer));
    }
}
