//! `GET /workspace/export.zip`: the whole workspace in one archive — every list as CSV, the
//! trail as verifiable NDJSON, every stored file, a manifest with each entry's SHA-256 (see
//! `app::server::workspace::export`). Permission: `settings.write` and `audit.read`, held by an
//! Owner of the workspace (anyone else 403, recorded as `owner.refused`); each list also needs
//! its own read and export keys and a role that allows exports, as its own export does.

use axum::body::{Body, Bytes};
use axum::extract::{Request, State};
use axum::response::Response;
use axum::routing::get;
use axum::Router;
use http::{header, HeaderValue};
use tokio::io::AsyncReadExt;

use app::error::AppError;
use app::permissions::keys;
use app::server::exports::endpoints::into_archive;
use app::server::web::auth;
use app::server::workspace::export::{Built, WorkspaceExport};

use crate::exports::{answer, attachment};
use crate::state::AppState;

/// Bytes read from the archive's temporary file per chunk of the response.
const CHUNK: usize = 64 * 1024;

pub fn routes(router: Router<AppState>) -> Router<AppState> {
    router.route("/workspace/export.zip", get(download))
}

async fn download(State(state): State<AppState>, req: Request) -> Response {
    let (parts, _) = req.into_parts();
    let work = async {
        let ctx = &state.ctx;
        let (_, settings) = auth::require::<keys::SettingsWrite>(ctx).await?;
        let (_, audit) = auth::require::<keys::AuditRead>(ctx).await?;
        let owner = settings.owner(&ctx.db).await?;
        let mut archive = WorkspaceExport::begin(&ctx.storage, owner)?;
        into_archive(ctx, &mut archive).await?;
        archive.add_trail(&ctx.db, &ctx.clock, &audit).await?;
        archive.add_files(&ctx.db, &ctx.storage).await?;
        let built = archive.finish(&ctx.db, &ctx.clock).await?;
        Ok::<_, AppError>(zip_response(built))
    };
    answer(crate::request_scope::run(&state, parts, work).await)
}

/// The archive streamed from its temporary file, which goes when the body is dropped.
fn zip_response(built: Built) -> Response {
    let Built {
        file,
        file_name,
        size,
        sha256,
        ..
    } = built;
    let file = tokio::fs::File::from_std(file);
    let chunks = futures::stream::unfold(file, |mut file| async move {
        let mut buf = vec![0; CHUNK];
        match file.read(&mut buf).await {
            Ok(0) => None,
            Ok(n) => {
                buf.truncate(n);
                Some((Ok::<_, std::io::Error>(Bytes::from(buf)), file))
            }
            Err(e) => Some((Err(e), file)),
        }
    });
    let mut res = attachment(Body::from_stream(chunks), &file_name, "application/zip");
    let h = res.headers_mut();
    h.insert(header::CONTENT_LENGTH, HeaderValue::from(size));
    h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    if let Ok(digest) = HeaderValue::from_str(&format!("\"{sha256}\"")) {
        h.insert(header::ETAG, digest);
    }
    res
}
