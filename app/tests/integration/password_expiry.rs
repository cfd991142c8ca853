//! Password expiry notices against real SQLite and PostgreSQL and a real SMTP server on
//! loopback: mailed 14, 3 and 1 days ahead, each once, not to deactivated members, not after
//! the password has expired, and retried when the mail server could not take them.

use std::time::Duration;

use app::model::SecuritySettings;
use app::permissions::keys::{SettingsWrite, TeamWrite};
use app::server::identity::password_expiry::send_due;
use app::server::platform::clock::Clock;
use app::server::platform::mail::Mailer;
use app::server::platform::testing::{backends, received_mails, smtp_server, Fixture};
use app::server::workspace::{members, settings};

use super::settings::form;

/// 2026-11-24 00:00 UTC.
const START: i64 = 1_795_478_400_000;
const HOUR: Duration = Duration::from_secs(3_600);
const DAY: Duration = Duration::from_secs(86_400);

fn sender() -> lettre::message::Mailbox {
    "Gatehouse <no-reply@gatehouse.test>".parse().unwrap()
}

async fn due(f: &Fixture, mailer: &Mailer, site: &str) -> u32 {
    send_due(&f.db, &f.clock, mailer, site).await.unwrap()
}

#[tokio::test]
async fn notices_go_14_3_and_1_days_ahead_once_each() {
    let Some((url, maildir)) = smtp_server() else {
        eprintln!("no test SMTP server in this run; skipped");
        return;
    };
    let mailer = Mailer::smtp(&url, sender()).unwrap();
    let unreachable = Mailer::smtp("smtp://127.0.0.1:9", sender()).unwrap();
    for t in backends().await {
        let label = t.backend().name();
        let clock = Clock::manual(START);
        let f = Fixture::new(&t.db, &clock).await;
        let grace = f
            .add_member("grace@example.com", "Grace Hopper", "Staff")
            .await;
        // The address in each mail names this run, so the shared mailbox tells runs apart.
        let site = format!("http://{label}-{}.test", uuid::Uuid::new_v4());
        let notices = || async { t.row_counts(&["password_expiry_notices"]).await[0].1 };
        assert_eq!(due(&f, &mailer, &site).await, 0, "{label}: no expiry set");

        let expiring = SecuritySettings {
            password_expiry_days: Some(30),
            ..settings::load(&f.db, &f.workspace).await.unwrap()
        };
        let grant = f.grant::<SettingsWrite>().await;
        settings::update(&f.db, &f.clock, &grant, &form(&expiring))
            .await
            .unwrap();
        clock.advance(DAY * 10);
        assert_eq!(due(&f, &mailer, &site).await, 0, "{label}: 20 days left");

        // 13 days and 23 hours left: the 14-day notice, first to a mail server that is down.
        clock.advance(DAY * 6 + HOUR);
        assert_eq!(due(&f, &unreachable, &site).await, 0, "{label}");
        assert_eq!(notices().await, 0, "{label}: released for the next run");
        assert_eq!(due(&f, &mailer, &site).await, 2, "{label}: Ada and Grace");
        assert_eq!(due(&f, &mailer, &site).await, 0, "{label}: once");
        let sent = received_mails(&maildir, &site);
        assert_eq!(sent.len(), 2, "{label}");
        let ada = sent
            .iter()
            .find(|m| m.contains("Hello Ada Lovelace"))
            .expect("Ada's");
        assert!(
            ada.contains("Subject: Your Gatehouse password expires in 14 days"),
            "{ada}"
        );
        assert!(ada.contains("on 2026-12-24 (UTC)"), "{label}: {ada}");
        assert!(ada.contains(&format!("{site}/account")), "{label}: {ada}");

        // 2 days 23 hours left: the 3-day notice. Grace is deactivated before the last.
        clock.advance(DAY * 11);
        assert_eq!(due(&f, &mailer, &site).await, 2, "{label}");
        let write = f.grant::<TeamWrite>().await;
        members::deactivate(&f.db, &f.clock, &write, &grace)
            .await
            .unwrap();
        clock.advance(DAY * 2 + HOUR * 12);
        assert_eq!(due(&f, &mailer, &site).await, 1, "{label}: Ada alone");
        let sent = received_mails(&maildir, &site);
        assert_eq!(sent.len(), 5, "{label}");
        let last = sent
            .iter()
            .filter(|m| m.contains("expires within a day"))
            .collect::<Vec<_>>();
        assert_eq!(last.len(), 1, "{label}");
        assert!(last[0].contains("Hello Ada Lovelace"), "{label}");
        clock.advance(DAY);
        assert_eq!(
            due(&f, &mailer, &site).await,
            0,
            "{label}: expired, the banner says so"
        );
        assert_eq!(notices().await, 5, "{label}");
    }
}
