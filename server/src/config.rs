//! Configuration from the command line and the environment. `server --help` documents each
//! setting; an invalid one stops start-up with one line naming it (exit status 2).

use std::net::SocketAddr;
use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};

#[derive(Parser, Debug)]
#[command(
    name = "server",
    version,
    about = "Gatehouse — a multi-workspace CRM with access governance.",
    long_about = "Gatehouse — a multi-workspace CRM with access governance.\n\n\
        Every setting can also be given as the environment variable shown beside it. \
        With no database URL, Gatehouse keeps its data in SQLite under the data directory."
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Option<Command>,
    #[command(flatten)]
    pub settings: Settings,
}

#[derive(Subcommand, Debug, Clone, PartialEq, Eq)]
pub enum Command {
    /// Serve the app (the default).
    Serve,
    /// Apply database migrations and exit.
    Migrate,
    /// Add the demo workspaces with their people and records (safe to repeat) and exit.
    Demo {
        /// Multiplies the first workspace's records (scale 1: 2,000 customers, 3,000 orders…;
        /// 334 makes a million orders for the benchmarks). Only a workspace without records
        /// is filled.
        #[arg(long, default_value_t = 1, value_parser = clap::value_parser!(u16).range(1..=1000))]
        scale: u16,
    },
    /// Take a snapshot of the database and the stored files now, with a checksum manifest,
    /// while the server runs; it lands in the backups register.
    Backup,
    /// Bring a snapshot back into an empty database and file storage; refused if any part's
    /// checksum differs from the manifest.
    Restore {
        /// The snapshot's directory, as `backup` wrote it.
        from: PathBuf,
    },
    /// The audit trail's integrity.
    Audit {
        #[command(subcommand)]
        action: AuditCommand,
    },
}

#[derive(Subcommand, Debug, Clone, PartialEq, Eq)]
pub enum AuditCommand {
    /// Walk every workspace's hash chain and check its signed checkpoints; name the first
    /// broken entry of each and exit with 1 if any is broken.
    Verify,
    /// Sign a checkpoint of each workspace's chain head now (the server does so every ten
    /// minutes while it runs).
    Checkpoint,
    /// Print the public key that checks the checkpoints, for whoever verifies exports offline.
    PublicKey,
    /// Purge, in each workspace, the entries older than it keeps its trail, up to a place a
    /// signed checkpoint still lies beyond (the server does so daily while it runs).
    Purge,
    /// Write a workspace's whole trail, with its checkpoints, as NDJSON.
    Export {
        /// The workspace's id or its address name (slug).
        #[arg(long)]
        workspace: String,
        /// The file to write. [default: standard output]
        #[arg(long)]
        out: Option<PathBuf>,
    },
    /// Verify an exported trail offline, with only the public key (no database is opened).
    VerifyExport {
        /// The NDJSON file `audit export` wrote.
        file: PathBuf,
        /// The public key, as `audit public-key` printed it.
        #[arg(long)]
        public_key: String,
    },
}

#[derive(Args, Debug, Clone)]
pub struct Settings {
    /// Address and port to listen on.
    #[arg(
        long,
        env = "GATEHOUSE_BIND",
        default_value = "127.0.0.1:3000",
        global = true
    )]
    pub bind: SocketAddr,

    /// Directory for Gatehouse's own files: the SQLite database, outgoing mail in local runs.
    /// Created on first run.
    #[arg(
        long,
        env = "GATEHOUSE_DATA_DIR",
        default_value = "data",
        global = true
    )]
    pub data_dir: PathBuf,

    /// Database URL: `sqlite://path/file.db` or `postgres://user:pass@host/db`.
    /// [default: sqlite://<data-dir>/gatehouse.db]
    #[arg(long, env = "DATABASE_URL", global = true, hide_env_values = true)]
    pub database_url: Option<String>,

    /// Production mode: Secure `__Host-` cookies, HSTS, an https public URL required.
    #[arg(long, env = "GATEHOUSE_PRODUCTION", global = true)]
    pub production: bool,

    /// Private directory for uploaded files (never served directly).
    /// [default: <data-dir>/files]
    #[arg(long, env = "GATEHOUSE_STORAGE_DIR", global = true)]
    pub storage_dir: Option<PathBuf>,

    /// SMTP server for outgoing mail: `smtps://user:pass@host:465` (TLS),
    /// `smtp://user:pass@host:587?tls=required` (STARTTLS), or `smtp://host:port` (unencrypted:
    /// loopback only in production). Unset: each message is written as an .eml file under
    /// <data-dir>/mail.
    #[arg(
        long,
        env = "GATEHOUSE_SMTP_URL",
        global = true,
        hide_env_values = true
    )]
    pub smtp_url: Option<String>,

    /// Sender of outgoing mail.
    #[arg(
        long,
        env = "GATEHOUSE_MAIL_FROM",
        default_value = "Gatehouse <no-reply@gatehouse.localhost>",
        global = true
    )]
    pub mail_from: String,

    /// The address people reach Gatehouse at; links in mail point here and cross-site checks
    /// compare against it. [default: http://<bind>]
    #[arg(long, env = "GATEHOUSE_PUBLIC_URL", global = true)]
    pub public_url: Option<String>,

    /// Where this deployment keeps its data ("EU (Frankfurt), Hetzner"), shown to workspace
    /// administrators on the registers page.
    #[arg(long, env = "GATEHOUSE_DATA_REGION", global = true)]
    pub data_region: Option<String>,

    /// Calls a minute one API key may make to this server process; it may start with a sixth
    /// of that at once.
    #[arg(long, env = "GATEHOUSE_API_KEY_RATE", default_value_t = crate::rate_limits::API_KEY_PER_MINUTE,
        value_parser = clap::value_parser!(u32).range(1..=10_000_000), global = true)]
    pub api_key_rate: u32,

    /// Let webhooks go to loopback and private networks (tests, one-machine development);
    /// refused in production mode.
    #[arg(long, env = "GATEHOUSE_WEBHOOK_PRIVATE_TARGETS", global = true)]
    pub webhook_private_targets: bool,

    /// Log filter, in tracing's EnvFilter syntax: `info`, `debug`, `server=debug,sqlx=warn`.
    #[arg(
        long,
        env = "GATEHOUSE_LOG",
        default_value = "info,sqlx=warn",
        global = true
    )]
    pub log: String,

    /// Log line format.
    #[arg(long, env = "GATEHOUSE_LOG_FORMAT", value_enum, default_value_t = LogFormat::Text, global = true)]
    pub log_format: LogFormat,

    /// Directory holding the compiled site (wasm, JS, CSS, public assets).
    #[arg(
        long,
        env = "LEPTOS_SITE_ROOT",
        default_value = "target/site",
        global = true
    )]
    pub site_root: PathBuf,

    /// Add the demo workspaces before serving (safe to repeat).
    #[arg(long, env = "GATEHOUSE_SEED_DEMO", global = true)]
    pub seed_demo: bool,

    /// Behind a reverse proxy: the header it puts the client's address in (`X-Forwarded-For`,
    /// `X-Real-IP`). Unset, the TCP peer address is used and such headers are ignored.
    #[arg(long, env = "GATEHOUSE_CLIENT_IP_HEADER", global = true)]
    pub client_ip_header: Option<String>,

    /// The Ed25519 key that signs audit checkpoints: 32 random bytes, base64
    /// (`openssl rand -base64 32`). Give every server process on one database the same key.
    /// [default: a key created in <data-dir>/audit-signing.key]
    #[arg(
        long,
        env = "GATEHOUSE_AUDIT_KEY",
        global = true,
        hide_env_values = true
    )]
    pub audit_key: Option<String>,

    #[command(flatten)]
    pub storage: crate::storage_settings::StorageSettings,

    #[command(flatten)]
    pub backups: crate::backup_settings::BackupSettings,
}

#[derive(ValueEnum, Debug, Clone, Copy, PartialEq, Eq)]
pub enum LogFormat {
    Text,
    Json,
}

/// Settings after validation.
#[derive(Debug, Clone)]
pub struct Config {
    pub bind: SocketAddr,
    pub data_dir: PathBuf,
    pub database_url: String,
    pub production: bool,
    pub storage_dir: PathBuf,
    pub storage: crate::storage_settings::StorageConfig,
    pub smtp_url: Option<url::Url>,
    pub mail_from: lettre::message::Mailbox,
    pub public_url: url::Url,
    pub log: String,
    pub log_format: LogFormat,
    pub site_root: PathBuf,
    pub seed_demo: bool,
    pub client_ip_header: Option<String>,
    pub audit_key: crate::audit_key::Source,
    pub backups: crate::backup_settings::BackupConfig,
    pub data_region: Option<String>,
    pub api_key_rate: u32,
    pub webhook_targets: app::server::integrations::webhooks::targets::TargetPolicy,
}

use crate::config_error::invalid;
pub use crate::config_error::ConfigError;

impl Config {
    pub fn from_settings(s: Settings) -> Result<Self, ConfigError> {
        let database_url = database_url(s.database_url.clone(), &s.data_dir)?;
        let smtp_url = smtp_url(s.smtp_url.clone(), s.production)?;
        let mail_from = s
            .mail_from
            .parse::<lettre::message::Mailbox>()
            .map_err(|e| {
                invalid(
                    "GATEHOUSE_MAIL_FROM (--mail-from)",
                    format!("not a mail address ({e})"),
                )
            })?;
        let public_url = public_url(s.public_url.clone(), &s.bind, s.production)?;
        if let Err(e) = tracing_subscriber::EnvFilter::try_new(&s.log) {
            return Err(invalid("GATEHOUSE_LOG (--log)", e.to_string()));
        }
        if s.production && s.webhook_private_targets {
            return Err(invalid(
                "GATEHOUSE_WEBHOOK_PRIVATE_TARGETS (--webhook-private-targets)",
                "production mode delivers webhooks to public addresses only",
            ));
        }
        if s.production && s.seed_demo {
            return Err(invalid(
                "GATEHOUSE_SEED_DEMO (--seed-demo)",
                "the demo account's password is published; it cannot be seeded in production mode",
            ));
        }
        if let Some(name) = &s.client_ip_header {
            if http::HeaderName::from_bytes(name.as_bytes()).is_err() {
                return Err(invalid(
                    "GATEHOUSE_CLIENT_IP_HEADER (--client-ip-header)",
                    "not a valid header name",
                ));
            }
        }
        let audit_key =
            crate::audit_key::Source::from_setting(s.audit_key.as_deref(), &s.data_dir)?;
        let storage_dir = s.storage_dir.unwrap_or_else(|| s.data_dir.join("files"));
        let storage = s
            .storage
            .validate(storage_dir.clone(), &s.site_root, s.production)?;
        let backups = s.backups.validate(&s.data_dir, &s.site_root)?;
        let data_region = data_region(s.data_region.as_deref())?;
        Ok(Self {
            bind: s.bind,
            data_dir: s.data_dir,
            database_url,
            production: s.production,
            storage_dir,
            storage,
            smtp_url,
            mail_from,
            public_url,
            log: s.log,
            log_format: s.log_format,
            site_root: s.site_root,
            seed_demo: s.seed_demo,
            client_ip_header: s.client_ip_header.map(|h| h.to_ascii_lowercase()),
            audit_key,
            backups,
            data_region,
            api_key_rate: s.api_key_rate,
            webhook_targets: app::server::integrations::webhooks::targets::TargetPolicy {
                require_https: s.production,
                allow_private: s.webhook_private_targets,
            },
        })
    }
}

/// The data region as one short line, or none when blank.
fn data_region(given: Option<&str>) -> Result<Option<String>, ConfigError> {
    let Some(region) = given.map(str::trim).filter(|r| !r.is_empty()) else {
        return Ok(None);
    };
    if region.chars().any(char::is_control) || region.chars().count() > 100 {
        return Err(invalid(
            "GATEHOUSE_DATA_REGION (--data-region)",
            "one line of at most 100 characters",
        ));
    }
    Ok(Some(region.to_owned()))
}

/// The database URL, defaulting to SQLite under the data directory.
fn database_url(given: Option<String>, data_dir: &std::path::Path) -> Result<String, ConfigError> {
    let url = match given {
        Some(url) if url.trim().is_empty() => {
            return Err(invalid("DATABASE_URL (--database-url)", "is empty"))
        }
        Some(url) => url,
        None => format!("sqlite://{}", data_dir.join("gatehouse.db").display()),
    };
    if app::server::platform::db::Backend::from_url(&url).is_none() {
        return Err(invalid(
            "DATABASE_URL (--database-url)",
            "must start with sqlite:// or postgres://",
        ));
    }
    Ok(url)
}

/// The SMTP server, if any. In production mail leaves the machine encrypted.
fn smtp_url(given: Option<String>, production: bool) -> Result<Option<url::Url>, ConfigError> {
    let Some(raw) = given.filter(|u| !u.trim().is_empty()) else {
        return Ok(None);
    };
    let setting = "GATEHOUSE_SMTP_URL (--smtp-url)";
    let url = url::Url::parse(&raw).map_err(|e| invalid(setting, format!("not a URL ({e})")))?;
    if !matches!(url.scheme(), "smtp" | "smtps") || url.host_str().is_none() {
        return Err(invalid(
            setting,
            "use smtp://host:port or smtps://host:port",
        ));
    }
    let encrypted = url.scheme() == "smtps"
        || url
            .query_pairs()
            .any(|(k, v)| k == "tls" && v == "required");
    // `smtp:` is not a special scheme to the URL standard, so its host arrives as opaque text,
    // IP literals included.
    let loopback = url.host_str().is_some_and(|host| {
        host == "localhost"
            || host
                .trim_start_matches('[')
                .trim_end_matches(']')
                .parse::<std::net::IpAddr>()
                .is_ok_and(|ip| ip.is_loopback())
    });
    if production && !encrypted && !loopback {
        return Err(invalid(
            setting,
            "production mode sends mail encrypted: use smtps:// or ?tls=required",
        ));
    }
    Ok(Some(url))
}

/// Where people reach Gatehouse: the given address, else the bind address; https in
/// production.
fn public_url(
    given: Option<String>,
    bind: &std::net::SocketAddr,
    production: bool,
) -> Result<url::Url, ConfigError> {
    let setting = "GATEHOUSE_PUBLIC_URL (--public-url)";
    let url = match given.filter(|u| !u.trim().is_empty()) {
        Some(raw) => {
            url::Url::parse(&raw).map_err(|e| invalid(setting, format!("not a URL ({e})")))?
        }
        None => url::Url::parse(&format!("http://{bind}")).map_err(|e| {
            invalid(
                "GATEHOUSE_BIND (--bind)",
                format!("cannot form a URL ({e})"),
            )
        })?,
    };
    if !matches!(url.scheme(), "http" | "https") || url.host_str().is_none() {
        return Err(invalid(setting, "use http://host or https://host"));
    }
    if production && url.scheme() != "https" {
        return Err(invalid(
            setting,
            "production mode needs an https:// address",
        ));
    }
    Ok(url)
}

/// One line for a command-line error, naming the setting and its environment variable.
pub fn describe_cli_error(err: &clap::Error) -> String {
    use clap::error::{ContextKind, ContextValue};
    let arg = match err.get(ContextKind::InvalidArg) {
        Some(ContextValue::String(arg)) => Some(arg.clone()),
        _ => None,
    };
    let value = match err.get(ContextKind::InvalidValue) {
        Some(ContextValue::String(v)) => Some(v.clone()),
        _ => None,
    };
    let env = arg.as_deref().and_then(|arg| {
        let long = arg.trim_start_matches("--").split([' ', '=']).next()?;
        <Cli as clap::CommandFactory>::command()
            .get_arguments()
            .find(|a| a.get_long() == Some(long))
            .and_then(|a| a.get_env().map(|e| e.to_string_lossy().into_owned()))
    });
    let rendered = err.render().to_string();
    let first = rendered
        .lines()
        .next()
        .unwrap_or("invalid command line")
        .trim_start_matches("error: ");
    match (env, value) {
        (Some(env), Some(_)) => format!("{first} (also settable as {env})"),
        _ => first.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(args: &[&str]) -> Result<Config, String> {
        let cli = Cli::try_parse_from(std::iter::once("server").chain(args.iter().copied()))
            .map_err(|e| describe_cli_error(&e))?;
        Config::from_settings(cli.settings).map_err(|e| e.to_string())
    }

    #[test]
    fn defaults_put_sqlite_and_files_under_the_data_dir() {
        let c = parse(&["--data-dir", "/srv/gh"]).unwrap();
        assert_eq!(c.database_url, "sqlite:///srv/gh/gatehouse.db");
        assert_eq!(c.storage_dir, PathBuf::from("/srv/gh/files"));
        assert_eq!(c.public_url.as_str(), "http://127.0.0.1:3000/");
        assert!(!c.production);
        assert!(c.smtp_url.is_none());
        assert!(
            c.client_ip_header.is_none(),
            "no proxy header is trusted by default"
        );
        let proxied = parse(&["--client-ip-header", "X-Real-IP"]).unwrap();
        assert_eq!(proxied.client_ip_header.as_deref(), Some("x-real-ip"));
        assert!(
            c.data_region.is_none(),
            "no region is claimed unless stated"
        );
        let stated = parse(&["--data-region", "  EU (Frankfurt) "]).unwrap();
        assert_eq!(stated.data_region.as_deref(), Some("EU (Frankfurt)"));
        assert!(parse(&["--data-region", " "])
            .unwrap()
            .data_region
            .is_none());
    }

    #[test]
    fn each_bad_setting_is_named() {
        let cases: &[(&[&str], &str)] = &[
            (&["--bind", "nowhere"], "--bind"),
            (&["--database-url", "mysql://x"], "DATABASE_URL"),
            (&["--smtp-url", "http://mail"], "GATEHOUSE_SMTP_URL"),
            (&["--smtp-url", "::"], "GATEHOUSE_SMTP_URL"),
            (&["--mail-from", "not an address"], "GATEHOUSE_MAIL_FROM"),
            (&["--public-url", "ftp://x"], "GATEHOUSE_PUBLIC_URL"),
            (&["--production"], "GATEHOUSE_PUBLIC_URL"),
            (
                &[
                    "--production",
                    "--public-url",
                    "https://x.example",
                    "--seed-demo",
                ],
                "GATEHOUSE_SEED_DEMO",
            ),
            (&["--log", "info,[[["], "GATEHOUSE_LOG"),
            (&["--log-format", "xml"], "--log-format"),
            (
                &["--client-ip-header", "bad header"],
                "GATEHOUSE_CLIENT_IP_HEADER",
            ),
            (
                &["--data-region", "EU\nFake: line"],
                "GATEHOUSE_DATA_REGION",
            ),
        ];
        for (args, named) in cases {
            let err = parse(args).unwrap_err();
            assert!(err.contains(named), "{args:?} gave {err:?}");
            assert!(!err.contains('\n'), "{args:?} gave several lines: {err:?}");
        }
    }

    #[test]
    fn cli_errors_mention_the_environment_variable() {
        let err = parse(&["--bind", "nowhere"]).unwrap_err();
        assert!(err.contains("GATEHOUSE_BIND"), "{err}");
    }

    #[test]
    fn production_with_https_is_accepted() {
        let c = parse(&["--production", "--public-url", "https://crm.example.com"]).unwrap();
        assert!(c.production);
        assert_eq!(c.public_url.host_str(), Some("crm.example.com"));
    }

    #[test]
    fn production_refuses_unencrypted_smtp_to_another_host() {
        let prod = ["--production", "--public-url", "https://crm.example.com"];
        let with = |smtp: &str| {
            let mut args = prod.to_vec();
            args.extend(["--smtp-url", smtp]);
            parse(&args)
        };
        let err = with("smtp://mail.example.com:25").unwrap_err();
        assert!(
            err.contains("GATEHOUSE_SMTP_URL") && err.contains("encrypted"),
            "{err}"
        );
        assert!(with("smtps://u:p@mail.example.com:465").is_ok());
        assert!(with("smtp://u:p@mail.example.com:587?tls=required").is_ok());
        assert!(with("smtp://127.0.0.1:2525").is_ok());
        assert!(with("smtp://[::1]:2525").is_ok());
        assert!(with("smtp://localhost:2525").is_ok());
        assert!(with("smtp://127.0.0.1.example.com:25").is_err());
        assert!(parse(&["--smtp-url", "smtp://mail.example.com:25"]).is_ok());
    }

    #[test]
    fn smtp_and_sender_are_parsed() {
        let c = parse(&[
            "--smtp-url",
            "smtp://127.0.0.1:2525",
            "--mail-from",
            "Ops <ops@example.com>",
        ])
        .unwrap();
        assert_eq!(c.smtp_url.unwrap().port(), Some(2525));
        assert_eq!(c.mail_from.email.to_string(), "ops@example.com");
    }

    #[test]
    fn subcommands_accept_settings_after_them() {
        let cli = Cli::try_parse_from(["server", "demo", "--data-dir", "x"]).unwrap();
        assert_eq!(cli.command, Some(Command::Demo { scale: 1 }));
        assert_eq!(cli.settings.data_dir, PathBuf::from("x"));
        let cli = Cli::try_parse_from(["server", "audit", "verify", "--data-dir", "y"]).unwrap();
        assert_eq!(
            cli.command,
            Some(Command::Audit {
                action: AuditCommand::Verify
            })
        );
        assert_eq!(cli.settings.data_dir, PathBuf::from("y"));
    }
}
