//! Response headers that make the browser an ally: a nonce-based Content-Security-Policy, no
//! sniffing, no framing, no referrer leaks, no caching of pages that show private data.

use std::sync::Arc;

use axum::extract::{Request, State};
use axum::middleware::Next;
use axum::response::Response;
use base64::Engine as _;
use http::header::{self, HeaderName, HeaderValue};

/// The nonce for this response's inline scripts. Put in the request's extensions here, and
/// handed to Leptos by the render context so its hydration scripts carry it.
#[derive(Clone, Debug)]
pub struct CspNonce(pub String);

impl CspNonce {
    fn fresh() -> Self {
        let bytes: [u8; 18] = rand::random();
        Self(base64::engine::general_purpose::STANDARD.encode(bytes))
    }
}

#[derive(Debug, Clone)]
pub struct HeaderPolicy {
    /// HSTS is sent only in production: on a plain-http development host it would pin the
    /// browser to https for a site that has none.
    pub hsts: bool,
    /// `cargo leptos watch` live-reload socket, allowed only outside production.
    pub dev_reload_socket: Option<String>,
}

impl HeaderPolicy {
    pub fn content_security_policy(&self, nonce: &CspNonce) -> String {
        let connect = match &self.dev_reload_socket {
            Some(socket) => format!("'self' {socket}"),
            None => "'self'".to_owned(),
        };
        format!(
            "default-src 'self'; \
             script-src 'self' 'nonce-{n}' 'wasm-unsafe-eval'; \
             style-src 'self'; \
             img-src 'self' data:; \
             font-src 'self'; \
             connect-src {connect}; \
             object-src 'none'; \
             base-uri 'none'; \
             frame-ancestors 'none'; \
             form-action 'self'",
            n = nonce.0
        )
    }
}

const PERMISSIONS_POLICY: &str = "accelerometer=(), camera=(), geolocation=(), gyroscope=(), \
     magnetometer=(), microphone=(), payment=(), usb=(), interest-cohort=()";

/// Compiled assets may be cached but must be revalidated (their names carry no hash);
/// everything else — pages, server functions — may show private data and is never stored.
fn cache_control(path: &str) -> &'static str {
    if path.starts_with("/pkg/") || path == "/favicon.svg" {
        "no-cache"
    } else {
        "no-store"
    }
}

pub async fn security_headers(
    State(policy): State<Arc<HeaderPolicy>>,
    mut req: Request,
    next: Next,
) -> Response {
    let nonce = CspNonce::fresh();
    req.extensions_mut().insert(nonce.clone());
    let cache = cache_control(req.uri().path());
    let mut response = next.run(req).await;

    let h = response.headers_mut();
    let mut set = |name: HeaderName, value: &str| {
        if let Ok(value) = HeaderValue::from_str(value) {
            h.insert(name, value);
        }
    };
    set(
        header::CONTENT_SECURITY_POLICY,
        &policy.content_security_policy(&nonce),
    );
    set(header::X_CONTENT_TYPE_OPTIONS, "nosniff");
    set(header::X_FRAME_OPTIONS, "DENY");
    set(header::REFERRER_POLICY, "same-origin");
    set(
        HeaderName::from_static("permissions-policy"),
        PERMISSIONS_POLICY,
    );
    set(
        HeaderName::from_static("cross-origin-opener-policy"),
        "same-origin",
    );
    set(
        HeaderName::from_static("cross-origin-resource-policy"),
        "same-origin",
    );
    set(header::CACHE_CONTROL, cache);
    if policy.hsts {
        set(
            header::STRICT_TRANSPORT_SECURITY,
            "max-age=63072000; includeSubDomains",
        );
    }
    h.remove(header::SERVER);
    h.remove(HeaderName::from_static("x-powered-by"));
    response
}

/// Makes the request's nonce the one Leptos renders into its scripts. Runs inside the Leptos
/// render context, where the request parts are available.
pub fn provide_request_nonce() {
    use leptos::prelude::{provide_context, use_context};
    if let Some(nonce) = use_context::<http::request::Parts>()
        .and_then(|parts| parts.extensions.get::<CspNonce>().cloned())
    {
        provide_context(leptos::nonce::Nonce::from_value(nonce.0));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nonces_are_fresh_and_base64() {
        let (a, b) = (CspNonce::fresh(), CspNonce::fresh());
        assert_ne!(a.0, b.0);
        assert_eq!(a.0.len(), 24);
        assert!(base64::engine::general_purpose::STANDARD
            .decode(&a.0)
            .is_ok());
    }

    #[test]
    fn csp_has_no_unsafe_inline_and_locks_down_the_rest() {
        let policy = HeaderPolicy {
            hsts: false,
            dev_reload_socket: None,
        };
        let csp = policy.content_security_policy(&CspNonce("abc".into()));
        assert!(csp.contains("script-src 'self' 'nonce-abc' 'wasm-unsafe-eval'"));
        assert!(!csp.contains("unsafe-inline"));
        for directive in [
            "object-src 'none'",
            "base-uri 'none'",
            "frame-ancestors 'none'",
            "connect-src 'self';",
        ] {
            assert!(csp.contains(directive), "missing {directive}");
        }
    }

    #[test]
    fn only_compiled_assets_may_be_cached() {
        assert_eq!(cache_control("/pkg/gatehouse.wasm"), "no-cache");
        assert_eq!(cache_control("/"), "no-store");
        assert_eq!(cache_control("/api/workspaces/list"), "no-store");
    }
}
