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
    /// `scheme://host[:port]` of the public URL: the only origin allowed to change state.
    pub public_origin: String,
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

    let has_own_policy = response
        .headers()
        .contains_key(header::CONTENT_SECURITY_POLICY);
    let h = response.headers_mut();
    let mut set = |name: HeaderName, value: &str| {
        if let Ok(value) = HeaderValue::from_str(value) {
            h.insert(name, value);
        }
    };
    let general = policy.content_security_policy(&nonce);
    if !has_own_policy {
        set(header::CONTENT_SECURITY_POLICY, &general);
    }
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
    // A response with a policy of its own (a download's `sandbox`) keeps it, and gets the
    // general one beside it: browsers enforce every policy sent, so the two only tighten.
    if has_own_policy {
        if let Ok(value) = HeaderValue::from_str(&general) {
            h.append(header::CONTENT_SECURITY_POLICY, value);
        }
    }
    h.remove(header::SERVER);
    h.remove(HeaderName::from_static("x-powered-by"));
    response
}

/// Why a state-changing request was refused as cross-site, or `None` to let it through.
///
/// Browsers mark every request with `Sec-Fetch-Site`; when present it decides, and only
/// `same-origin` passes (`same-site` would let a sibling subdomain post). Browsers without it
/// still send `Origin` on POST, which must be the public origin. A request with neither comes
/// from a non-browser client, which carries no ambient cookies to abuse; the session-bound
/// token (with sign-in) is what guards those.
fn cross_site_reason(headers: &http::HeaderMap, public_origin: &str) -> Option<&'static str> {
    if let Some(site) = headers.get("sec-fetch-site") {
        return (site != "same-origin").then_some("Sec-Fetch-Site is not same-origin");
    }
    match headers.get(header::ORIGIN) {
        Some(origin)
            if origin
                .as_bytes()
                .eq_ignore_ascii_case(public_origin.as_bytes()) =>
        {
            None
        }
        Some(_) => Some("Origin is not the public origin"),
        None => None,
    }
}

/// Refuses POST, PUT, PATCH and DELETE requests that a browser marks as coming from another
/// site, before anything reads them: 403, and the refusal is logged as a security event.
pub async fn refuse_cross_site(
    State(policy): State<Arc<HeaderPolicy>>,
    req: Request,
    next: Next,
) -> Response {
    let changes_state = !matches!(
        *req.method(),
        http::Method::GET | http::Method::HEAD | http::Method::OPTIONS
    );
    if changes_state {
        if let Some(reason) = cross_site_reason(req.headers(), &policy.public_origin) {
            tracing::warn!(
                security_event = "cross_site_request_refused",
                reason,
                method = %req.method(),
                path = %req.uri().path(),
                "refused a cross-site request"
            );
            let mut response = crate::error_response::error_response(
                http::StatusCode::FORBIDDEN,
                &app::error::AppError::Forbidden,
            );
            response.headers_mut().insert(
                header::VARY,
                HeaderValue::from_static("Origin, Sec-Fetch-Site"),
            );
            return response;
        }
    }
    let mut response = next.run(req).await;
    if changes_state {
        response.headers_mut().append(
            header::VARY,
            HeaderValue::from_static("Origin, Sec-Fetch-Site"),
        );
    }
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

    fn headers(pairs: &[(&'static str, &'static str)]) -> http::HeaderMap {
        pairs
            .iter()
            .map(|(k, v)| (HeaderName::from_static(k), HeaderValue::from_static(v)))
            .collect()
    }

    #[test]
    fn only_same_origin_browser_requests_and_non_browser_clients_pass() {
        let origin = "https://crm.example.com";
        let pass =
            |h: &[(&'static str, &'static str)]| cross_site_reason(&headers(h), origin).is_none();
        assert!(pass(&[("sec-fetch-site", "same-origin")]));
        assert!(pass(&[("origin", "https://crm.example.com")]));
        assert!(pass(&[("origin", "HTTPS://CRM.EXAMPLE.COM")]));
        assert!(pass(&[]));
        assert!(!pass(&[("sec-fetch-site", "cross-site")]));
        assert!(!pass(&[("sec-fetch-site", "same-site")]));
        assert!(!pass(&[("sec-fetch-site", "none")]));
        // Fetch metadata decides when present, whatever Origin says.
        assert!(!pass(&[
            ("sec-fetch-site", "cross-site"),
            ("origin", "https://crm.example.com")
        ]));
        assert!(!pass(&[("origin", "https://evil.example")]));
        assert!(!pass(&[("origin", "null")]));
        assert!(!pass(&[("origin", "https://crm.example.com.evil.example")]));
    }

    #[test]
    fn csp_has_no_unsafe_inline_and_locks_down_the_rest() {
        let policy = HeaderPolicy {
            public_origin: "http://127.0.0.1:3000".into(),
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
