//! `server backup` and `server restore` as an operator runs them — the binary, what it prints
//! and its exit status — on SQLite and PostgreSQL.

use std::path::Path;
use std::process::{Command, Output};

use app::server::platform::clock::Clock;
use app::server::platform::testing::{backends, Fixture};

fn server(data_dir: &Path, database_url: &str, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_server"))
        .args(args)
        .env("GATEHOUSE_DATA_DIR", data_dir)
        .env("DATABASE_URL", database_url)
        .env("GATEHOUSE_LOG", "warn")
        .env_remove("GATEHOUSE_BACKUP_DIR")
        .env_remove("GATEHOUSE_STORAGE_DIR")
        .env_remove("GATEHOUSE_S3_BUCKET")
        .output()
        .expect("run the server binary")
}

fn said(out: &Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    )
}

#[tokio::test]
async fn an_operator_backs_up_and_restores_with_the_binary() {
    for t in backends().await {
        let label = t.backend().name();
        Fixture::new(&t.db, &Clock::System).await;
        let dir = tempfile::tempdir().unwrap();
        let data = dir.path().join("data");

        let out = server(&data, &t.admin_url, &["backup"]);
        assert!(out.status.success(), "{label}: {}", said(&out));
        let printed = String::from_utf8_lossy(&out.stdout).into_owned();
        // Logs share standard output (a warning about the superuser on PostgreSQL).
        let snapshot = printed
            .lines()
            .find_map(|line| line.strip_prefix("backup: "))
            .and_then(|rest| rest.split(" (").next())
            .unwrap_or_else(|| panic!("{label}: {printed}"));
        assert!(
            Path::new(snapshot).starts_with(data.join("backups")),
            "{label}: {snapshot}"
        );
        assert!(printed.contains("manifest sha256 "), "{label}: {printed}");

        let restored = dir.path().join("restored");
        let target = t.empty_twin().await;
        let out = server(&restored, &target, &["restore", snapshot]);
        assert!(out.status.success(), "{label}: {}", said(&out));
        assert!(
            said(&out).contains(&format!("restored: {label} database")),
            "{label}: {}",
            said(&out)
        );
        let owner: Vec<String> = {
            let pool = sqlx::AnyPool::connect(&target).await.unwrap();
            let names = sqlx::query_scalar("SELECT email FROM users")
                .fetch_all(&pool)
                .await
                .unwrap();
            pool.close().await;
            names
        };
        assert_eq!(owner, ["ada@example.com"], "{label}");

        // Not over a deployment that has data: exit 1, the reason on one line, nothing changed.
        let out = server(&restored, &target, &["restore", snapshot]);
        assert_eq!(out.status.code(), Some(1), "{label}: {}", said(&out));
        assert!(
            said(&out).contains("a restore needs an empty target"),
            "{label}: {}",
            said(&out)
        );

        // Nor from a snapshot whose manifest no longer matches it.
        let manifest = Path::new(snapshot).join("manifest.json");
        let text = std::fs::read_to_string(&manifest).unwrap();
        std::fs::write(
            &manifest,
            text.replacen("\"sha256\": \"", "\"sha256\": \"0", 1),
        )
        .unwrap();
        let out = server(
            &dir.path().join("third"),
            &t.empty_twin().await,
            &["restore", snapshot],
        );
        assert_eq!(out.status.code(), Some(1), "{label}: {}", said(&out));
        assert!(
            said(&out).contains("does not match its manifest"),
            "{label}: {}",
            said(&out)
        );
    }
}
