//! Gatehouse's server: configuration, middleware, router assembly, start-up and shutdown.
//! `main.rs` only parses the command line and calls [`run`].

pub mod api_v1;
mod audit_cli;
pub mod audit_export;
pub mod audit_key;
pub mod automation_worker;
pub mod backup_settings;
mod backups;
pub mod client_ip;
pub mod config;
pub mod config_error;
pub mod csrf_guard;
pub mod demo;
pub mod error_response;
pub mod exports;
pub mod files;
pub mod gate;
pub mod health;
pub mod imports;
pub mod limited_endpoints;
pub mod privacy_archive;
pub mod rate_limits;
pub mod request_scope;
pub mod router;
pub mod security;
pub mod shutdown;
pub mod state;
pub mod storage_settings;
pub mod telemetry;
pub mod webhook_worker;
pub mod workspace_export;

use std::future::Future;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::Arc;

use leptos::config::LeptosOptions;
use tokio::net::TcpListener;

use app::server::identity::passwords::Hasher;
use app::server::platform::clock::Clock;
use app::server::platform::db::{Db, DbError};
use app::server::platform::error::DomainError;
use app::server::platform::mail::{MailError, Mailer};
use app::server::web::context::ServerContext;
use app::server::web::session_store::DbSessionStore;

use config::{AuditCommand, Command, Config};
use security::HeaderPolicy;
use state::AppState;

#[derive(Debug, thiserror::Error)]
pub enum StartupError {
    #[error("cannot create directory {path}: {source}")]
    CreateDir {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error(transparent)]
    Db(#[from] DbError),
    #[error("cannot listen on {addr}: {source}")]
    Bind {
        addr: SocketAddr,
        source: std::io::Error,
    },
    #[error("{0}")]
    Domain(#[from] DomainError),
    #[error("the audit trail of {0} workspace(s) is broken")]
    AuditBroken(usize),
    #[error("audit: {0}")]
    Audit(String),
    #[error(transparent)]
    AuditKey(#[from] audit_key::KeyFileError),
    #[error("server stopped with an error: {0}")]
    Serve(std::io::Error),
    #[error("mail: {0}")]
    Mail(#[from] MailError),
    #[error("backup: {0}")]
    Backup(#[from] app::server::backups::BackupError),
    #[error("file storage: {0}")]
    Storage(#[from] app::server::files::storage::StorageError),
}

pub async fn run(command: Command, config: Config) -> Result<(), StartupError> {
    if let Command::Audit {
        action: AuditCommand::VerifyExport { file, public_key },
    } = &command
    {
        return audit_cli::verify_export(file, public_key);
    }
    for dir in [&config.data_dir, &config.storage_dir] {
        // Each holds the database or private uploads.
        app::server::platform::dirs::private_dir(dir).map_err(|source| {
            StartupError::CreateDir {
                path: dir.clone(),
                source,
            }
        })?;
    }
    if let Command::Restore { from } = &command {
        // Before anything opens or migrates the target: it must be found empty.
        return backups::restore(&config, from).await;
    }
    let db = Db::connect(&config.database_url).await?;
    db.migrate().await?;
    if db.bypasses_row_security().await.unwrap_or(false) {
        // Migrating needs an owner anyway; serving as one leaves a single wall standing.
        tracing::warn!(
            target: "security",
            "the database role bypasses row-level security (superuser or BYPASSRLS): serve \
             Gatehouse as an ordinary role so the policies stand behind the queries"
        );
    }
    let adopted = app::server::audit::chain::adopt_unchained(&db).await?;
    if adopted > 0 {
        tracing::info!(
            adopted,
            "audit entries written before the chain were chained"
        );
    }
    let clock = Clock::System;
    match command {
        Command::Migrate => {
            tracing::info!(backend = db.backend().name(), "migrations applied");
            return Ok(());
        }
        Command::Demo { scale } => {
            let added = demo::seed(&db, &clock, &Hasher::new(1), scale.into()).await?;
            tracing::info!(added, "demo data seeded");
            return Ok(());
        }
        Command::Audit { action } => {
            return audit_cli::run(action, &db, &clock, &config.audit_key).await
        }
        Command::Backup => return backups::backup(&db, &config, &clock).await,
        Command::Restore { .. } | Command::Serve => {}
    }
    if config.seed_demo {
        let added = demo::seed(&db, &clock, &Hasher::new(1), 1).await?;
        tracing::info!(added, "demo data seeded");
    }

    let audit_key = config.audit_key.load()?;
    let listener = TcpListener::bind(config.bind)
        .await
        .map_err(|source| StartupError::Bind {
            addr: config.bind,
            source,
        })?;
    tracing::info!(
        addr = %config.bind,
        public_url = %config.public_url,
        backend = db.backend().name(),
        production = config.production,
        "Gatehouse is listening"
    );
    let sweeper = tokio::spawn(sweep_expired_sessions(DbSessionStore::new(
        db.clone(),
        clock.clone(),
    )));
    let state = app_state(&config, db.clone(), clock)?;
    let limits = state.rate_limits.clone();
    let forgetter = tokio::spawn(async move {
        let mut every = tokio::time::interval(std::time::Duration::from_secs(60));
        loop {
            every.tick().await;
            limits.forget_idle();
        }
    });
    let collector = tokio::spawn(sweep_orphaned_objects(
        db.clone(),
        state.ctx.storage.clone(),
    ));
    let mailman = tokio::spawn(mail_due(state.ctx.clone()));
    let courier = tokio::spawn(webhook_worker::keep_delivering(state.ctx.clone()));
    let steward = tokio::spawn(automation_worker::keep_running(state.ctx.clone()));
    let archivist = tokio::spawn(backups::keep_nightly(
        db.clone(),
        config.clone(),
        state.ctx.storage.clone(),
        state.ctx.clock.clone(),
    ));
    let notary = tokio::spawn(audit_cli::keep_proving(
        db.clone(),
        state.ctx.clock.clone(),
        audit_key,
    ));
    let served = serve(listener, state, shutdown::signal()).await;
    sweeper.abort();
    forgetter.abort();
    collector.abort();
    notary.abort();
    mailman.abort();
    courier.abort();
    steward.abort();
    archivist.abort();
    served.map_err(StartupError::Serve)?;
    db.close().await;
    tracing::info!("stopped cleanly");
    Ok(())
}

pub fn app_state(config: &Config, db: Db, clock: Clock) -> Result<AppState, StartupError> {
    let dev_reload_socket = (!config.production && std::env::var_os("LEPTOS_WATCH").is_some())
        .then(|| {
            let port = std::env::var("LEPTOS_RELOAD_PORT").unwrap_or_else(|_| "3001".into());
            format!("ws://127.0.0.1:{port} ws://localhost:{port}")
        });
    // Each hash holds 19 MiB and a core for tens of milliseconds: one per core at most.
    let cores = std::thread::available_parallelism().map_or(1, std::num::NonZeroUsize::get);
    let mailer = match &config.smtp_url {
        Some(url) => Mailer::smtp(url.as_str(), config.mail_from.clone())?,
        None => Mailer::files(&config.data_dir.join("mail"), config.mail_from.clone())?,
    };
    let storage = app::server::files::storage::Storage::open(
        &config.storage.location,
        &config.data_dir,
        config.storage.key.clone(),
    )?;
    Ok(AppState {
        leptos_options: leptos_options(config),
        production: config.production,
        ctx: ServerContext {
            db,
            clock,
            hasher: Hasher::new(cores),
            mailer,
            storage,
            public_url: config.public_url.as_str().trim_end_matches('/').to_owned(),
            data_region: config.data_region.clone(),
            refusals: Default::default(),
            webhook_targets: config.webhook_targets,
        },
        headers: Arc::new(HeaderPolicy {
            public_origin: config.public_url.origin().ascii_serialization(),
            hsts: config.production,
            dev_reload_socket,
        }),
        client_ip_header: config.client_ip_header.clone(),
        rate_limits: Arc::new(rate_limits::RateLimits::with_api_key_rate(
            config.api_key_rate,
        )),
        anonymous_tokens: Arc::default(),
    })
}

/// Appends each minute's refusals to the trail once the minute is over (checked every 15 s).
async fn record_refusals(db: Db, clock: Clock, refusals: app::server::access::refusals::Refusals) {
    let mut every = tokio::time::interval(std::time::Duration::from_secs(15));
    loop {
        every.tick().await;
        match app::server::audit::refusals::flush(&db, &refusals, Some(clock.now_ms())).await {
            Ok(0) => {}
            Ok(n) => tracing::debug!(entries = n, "refusals recorded"),
            Err(e) => tracing::warn!(error = %e, "refusals not recorded yet; retrying"),
        }
    }
}

/// Mails what is due: the alerts raised since the last minute, and every ten minutes the
/// password expiry notices (14, 3 and 1 days ahead) and the access reviews' reminders.
async fn mail_due(ctx: app::server::web::context::ServerContext) {
    use app::server::{access::reviews::reminders, audit::alert_mail, identity::password_expiry};
    let mut every = tokio::time::interval(std::time::Duration::from_secs(60));
    for minute in 0u64.. {
        every.tick().await;
        let (db, clock, mailer, url) = (&ctx.db, &ctx.clock, &ctx.mailer, &ctx.public_url);
        log_mailed("alerts", alert_mail::send_due(db, clock, mailer, url).await);
        if minute % 10 == 0 {
            let sent = password_expiry::send_due(db, clock, mailer, url).await;
            log_mailed("password expiry notices", sent);
            let sent = reminders::send_due(db, clock, mailer, url).await;
            log_mailed("access review reminders", sent);
        }
    }
}

fn log_mailed(what: &str, outcome: Result<u32, app::server::platform::error::DomainError>) {
    match outcome {
        Ok(0) => {}
        Ok(n) => tracing::info!(sent = n, "{what} mailed"),
        Err(e) => tracing::warn!(error = %e, "{what} not mailed; retrying"),
    }
}

/// Deletes lapsed sessions every ten minutes; a lapsed session never loads anyway, this only
/// keeps the table small.
async fn sweep_expired_sessions(store: DbSessionStore) {
    let mut every = tokio::time::interval(std::time::Duration::from_secs(600));
    loop {
        every.tick().await;
        match store.delete_expired().await {
            Ok(0) => {}
            Ok(n) => tracing::info!(deleted = n, "expired sessions deleted"),
            Err(e) => tracing::warn!(error = %e, "expired-session sweep failed"),
        }
    }
}

/// Deletes stored files whose rows are gone (removed, or gone with their record) every minute.
async fn sweep_orphaned_objects(db: Db, storage: app::server::files::storage::Storage) {
    let mut every = tokio::time::interval(std::time::Duration::from_secs(60));
    loop {
        every.tick().await;
        match app::server::files::garbage::sweep(&db, &storage).await {
            Ok(0) => {}
            Ok(n) => tracing::info!(deleted = n, "orphaned stored files deleted"),
            Err(e) => tracing::warn!(error = %e, "orphaned-file sweep failed"),
        }
    }
}

/// Serves until `shutdown` resolves, then finishes the requests in flight. Meanwhile each
/// minute's refusals go to the trail once the minute is over; at the end the minute in
/// progress does too — a refusal counted is a refusal recorded.
pub async fn serve(
    listener: TcpListener,
    state: AppState,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    let (db, refusals) = (state.ctx.db.clone(), state.ctx.refusals.clone());
    let recorder = tokio::spawn(record_refusals(
        db.clone(),
        state.ctx.clock.clone(),
        refusals.clone(),
    ));
    let app = router::build(state);
    let served = axum::serve(
        listener,
        app.into_make_service_with_connect_info::<SocketAddr>(),
    )
    .with_graceful_shutdown(shutdown)
    .await;
    recorder.abort();
    if let Err(e) = app::server::audit::refusals::flush(&db, &refusals, None).await {
        tracing::error!(error = %e, "refusals could not be recorded at shutdown");
    }
    served
}

fn leptos_options(config: &Config) -> LeptosOptions {
    LeptosOptions::builder()
        // cargo-leptos names the bundle at build time; "gatehouse" is its name in Cargo.toml.
        .output_name(option_env!("LEPTOS_OUTPUT_NAME").unwrap_or("gatehouse"))
        .site_root(config.site_root.display().to_string())
        .site_addr(config.bind)
        .build()
}
