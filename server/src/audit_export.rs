//! `GET /audit/export.ndjson` and `GET /audit/export.csv`: the audit viewer's export — the
//! entries its filters select (the viewer's own address parameters: actor, action, outcome,
//! target, from, until). The NDJSON carries the chain's hashes and the signed checkpoints, so
//! `server audit verify-export` proves the file offline; the CSV is for a spreadsheet.
//! Permission: `audit.read` and a role that allows exports (else 403, logged). A parameter the
//! viewer does not know, or a repeated one, is 400; a bad value 422 on its field. Streamed in
//! batches; recorded in `data_exports` and in the trail with its filters and count.

use axum::body::Body;
use axum::extract::{Query, RawQuery, Request, State};
use axum::response::Response;
use futures::TryStreamExt;

use app::error::AppError;
use app::model::{utc_date, AuditFilter};
use app::permissions::keys::AuditRead;
use app::server::audit::{selection::Selection, trail, trail::Format};
use app::server::web::auth;

use crate::exports::{answer, attachment, unknown_parameter};
use crate::state::AppState;

pub use app::model::{AUDIT_EXPORT_CSV_PATH as CSV_PATH, AUDIT_EXPORT_PATH as PATH};

/// The filters of the address, if every parameter is one of them and none repeats.
fn filter_of(pairs: Vec<(String, String)>) -> Option<AuditFilter> {
    let mut filter = AuditFilter::default();
    let mut seen = std::collections::HashSet::new();
    for (name, value) in pairs {
        if !seen.insert(name.clone()) {
            return None;
        }
        let slot = match name.as_str() {
            "actor" => &mut filter.actor,
            "action" => &mut filter.action,
            "outcome" => &mut filter.outcome,
            "target" => &mut filter.target,
            "from" => &mut filter.from,
            "until" => &mut filter.until,
            _ => return None,
        };
        *slot = value;
    }
    Some(filter)
}

type Pairs = Result<Query<Vec<(String, String)>>, axum::extract::rejection::QueryRejection>;

pub async fn ndjson(state: State<AppState>, raw: RawQuery, pairs: Pairs, req: Request) -> Response {
    export(state, raw, pairs, req, Format::Ndjson).await
}

pub async fn csv(state: State<AppState>, raw: RawQuery, pairs: Pairs, req: Request) -> Response {
    export(state, raw, pairs, req, Format::Csv).await
}

async fn export(
    State(state): State<AppState>,
    RawQuery(raw): RawQuery,
    pairs: Pairs,
    req: Request,
    format: Format,
) -> Response {
    let Some(filter) = pairs.ok().and_then(|Query(p)| filter_of(p)) else {
        return unknown_parameter();
    };
    let (parts, _) = req.into_parts();
    let raw = raw.unwrap_or_default();
    let work = async {
        let ctx = &state.ctx;
        let (_, grant) = auth::require::<AuditRead>(ctx).await?;
        let selection = Selection::parse(&ctx.db, &grant, &filter).await?;
        let ip = auth::client_ip();
        let chunks = trail::start(
            &ctx.db,
            &ctx.clock,
            grant,
            selection,
            &raw,
            format,
            ip.as_deref(),
        )
        .await?
        .into_stream()
        .map_err(|e| {
            // The headers are sent: the connection is cut, and the cause goes to the log.
            tracing::error!(error = %e, "audit export broken off");
            std::io::Error::other("audit export broken off")
        });
        let (extension, content_type) = match format {
            Format::Ndjson => ("ndjson", "application/x-ndjson; charset=utf-8"),
            Format::Csv => ("csv", "text/csv; charset=utf-8"),
        };
        let name = format!("audit-{}.{extension}", utc_date(ctx.clock.now_ms()));
        Ok::<_, AppError>(attachment(Body::from_stream(chunks), &name, content_type))
    };
    answer(crate::request_scope::run(&state, parts, work).await)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_the_viewers_filters_are_taken_and_each_once() {
        let pair = |n: &str, v: &str| (n.to_owned(), v.to_owned());
        let filter = filter_of(vec![pair("action", "role."), pair("from", "2026-01-01")]).unwrap();
        assert_eq!(
            (filter.action.as_str(), filter.from.as_str()),
            ("role.", "2026-01-01")
        );
        assert!(filter_of(vec![pair("workspace", "x")]).is_none());
        assert!(filter_of(vec![pair("actor", "a"), pair("actor", "b")]).is_none());
        assert!(filter_of(vec![pair("actor", ""), pair("actor", "b")]).is_none());
    }
}
