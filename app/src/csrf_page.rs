//! The page half of cross-site request forgery protection: where a page finds its token, the
//! hidden field forms carry, and the client that sends the token with every server-function
//! call. The session half, and the rule itself, are in `server::csrf` and the server's gate.

use std::future::Future;

use leptos::prelude::*;
use leptos::server_fn::client::{browser::BrowserClient, Client};
use leptos::server_fn::error::FromServerFnError;
use leptos::server_fn::request::browser::BrowserRequest;
use leptos::server_fn::response::browser::BrowserResponse;
use leptos::server_fn::Bytes;

/// The header scripts send the token in.
pub const HEADER: &str = "x-csrf-token";
/// The form field a plain (JavaScript-free) form post carries it in.
pub const FIELD: &str = "csrf_token";
/// The `<meta name=…>` in every page's head.
pub const META_NAME: &str = "csrf-token";

/// The token of the request being rendered, placed in the request's extensions by the server's
/// page middleware.
#[derive(Clone, Debug)]
pub struct PageToken(pub String);

/// This page's token: on the server the one minted for the request, in the browser the one the
/// page was rendered with.
pub fn page_token() -> String {
    #[cfg(feature = "ssr")]
    {
        use_context::<http::request::Parts>()
            .and_then(|parts| parts.extensions.get::<PageToken>().cloned())
            .map(|t| t.0)
            .unwrap_or_default()
    }
    #[cfg(not(feature = "ssr"))]
    {
        document()
            .query_selector(&format!("meta[name=\"{META_NAME}\"]"))
            .ok()
            .flatten()
            .and_then(|meta| meta.get_attribute("content"))
            .unwrap_or_default()
    }
}

/// The hidden field every form starts with, so the form also works before hydration.
#[component]
pub fn CsrfField() -> impl IntoView {
    view! { <input type="hidden" name=FIELD value=page_token() /> }
}

/// Leptos's browser client plus the token header. Every server function names it
/// (`client = crate::csrf_page::ApiClient`); one that does not is refused by the gate.
pub struct ApiClient;

impl<E, IS, OS> Client<E, IS, OS> for ApiClient
where
    E: FromServerFnError,
    IS: FromServerFnError,
    OS: FromServerFnError,
{
    type Request = BrowserRequest;
    type Response = BrowserResponse;

    fn send(req: Self::Request) -> impl Future<Output = Result<Self::Response, E>> + Send {
        req.headers().set(HEADER, &page_token());
        <BrowserClient as Client<E, IS, OS>>::send(req)
    }

    fn open_websocket(
        path: &str,
    ) -> impl Future<
        Output = Result<
            (
                impl futures::Stream<Item = Result<Bytes, Bytes>> + Send + 'static,
                impl futures::Sink<Bytes> + Send + 'static,
            ),
            E,
        >,
    > + Send {
        <BrowserClient as Client<E, IS, OS>>::open_websocket(path)
    }

    fn spawn(future: impl Future<Output = ()> + Send + 'static) {
        <BrowserClient as Client<E, IS, OS>>::spawn(future)
    }
}
