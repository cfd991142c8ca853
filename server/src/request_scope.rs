//! The request scope of a plain axum handler: the same context Leptos gives a server function,
//! so `auth` resolves the caller the same way for file and export routes.

use std::future::Future;

use leptos::prelude::provide_context;
use leptos::reactive::computed::ScopedFuture;
use leptos::reactive::owner::Owner;

use crate::state::AppState;

/// Runs `work` with the request's parts and the server context provided, as Leptos does for a
/// server function, so `auth` resolves the caller the same way here.
pub async fn run<T>(
    state: &AppState,
    parts: http::request::Parts,
    work: impl Future<Output = T>,
) -> T {
    let ctx = state.ctx.clone();
    let owner = Owner::new();
    owner
        .with(|| {
            ScopedFuture::new(async move {
                provide_context(parts);
                provide_context(ctx);
                work.await
            })
        })
        .await
}
