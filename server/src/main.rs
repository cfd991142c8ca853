use std::process::ExitCode;

use clap::Parser;

use server::config::{describe_cli_error, Cli, Command, Config};

/// Rendering a page allocates thousands of small strings and nodes; glibc's allocator spent a
/// sixth of a signed-in page's time in malloc/free under load (see the README's Performance).
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        // --help and --version
        Err(e) if !e.use_stderr() => {
            e.print().ok();
            return ExitCode::SUCCESS;
        }
        Err(e) => {
            eprintln!("server: {}", describe_cli_error(&e));
            return ExitCode::from(2);
        }
    };
    let config = match Config::from_settings(cli.settings) {
        Ok(config) => config,
        Err(e) => {
            eprintln!("server: {e}");
            return ExitCode::from(2);
        }
    };
    let command = cli.command.unwrap_or(Command::Serve);
    if matches!(command, Command::Demo { .. }) && config.production {
        eprintln!("server: the demo account's password is published; `demo` is refused in production mode");
        return ExitCode::from(2);
    }
    server::telemetry::init(&config.log, config.log_format);

    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("server: cannot start the async runtime: {e}");
            return ExitCode::FAILURE;
        }
    };
    match runtime.block_on(server::run(command, config)) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            tracing::error!(error = %e, "stopped on error");
            eprintln!("server: {e}");
            ExitCode::FAILURE
        }
    }
}
