//! The caller of a request, resolved once: session → person → active membership → access →
//! settings. A page render asks "who is this?" from the layout and from every resource of the
//! page, and each server function asks again before its check; all of them share one answer.
//!
//! The server binary puts an empty [`CallerCache`] into each request's extensions; Leptos
//! copies the request parts into the context of the render or the server function, and the
//! copies share the cell. Where there is no cache (domain tests calling `auth` directly) every
//! call resolves afresh.

use std::sync::Arc;

use leptos::prelude::use_context;
use tokio::sync::Mutex;

use crate::model::{CurrentUser, SecuritySettings};
use crate::server::access::grants::Held;

/// Everything known about the signed-in caller of one request.
#[derive(Debug)]
pub struct Caller {
    pub user: CurrentUser,
    /// What they may do in their active workspace: every grant of the request is cut from it.
    pub held: Held,
    /// Their active workspace's settings.
    pub settings: SecuritySettings,
}

/// `None` until resolved; `Some(None)` for an anonymous request.
type Slot = Option<Option<Arc<Caller>>>;

#[derive(Clone, Debug, Default)]
pub struct CallerCache(Arc<Mutex<Slot>>);

fn request_cache() -> Option<CallerCache> {
    use_context::<http::request::Parts>()?
        .extensions
        .get::<CallerCache>()
        .cloned()
}

/// The request's caller, resolving it with `resolve` the first time. Concurrent askers wait for
/// the first answer instead of resolving again.
pub async fn get_or_resolve<F, E>(resolve: F) -> Result<Option<Arc<Caller>>, E>
where
    F: std::future::Future<Output = Result<Option<Caller>, E>>,
{
    let Some(cache) = request_cache() else {
        return Ok(resolve.await?.map(Arc::new));
    };
    let mut slot = cache.0.lock().await;
    if let Some(known) = slot.as_ref() {
        return Ok(known.clone());
    }
    let resolved = resolve.await?.map(Arc::new);
    *slot = Some(resolved.clone());
    Ok(resolved)
}

/// Forgets the request's caller: after a sign-in, sign-out or workspace switch the next
/// question is answered from the session again.
pub async fn forget() {
    if let Some(cache) = request_cache() {
        *cache.0.lock().await = None;
    }
}
