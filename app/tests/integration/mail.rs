//! Mail delivery: to a real SMTP server on loopback, and to `.eml` files.

use app::server::platform::mail::{Mail, Mailer};
use app::server::platform::testing::{received_mail, smtp_server};

fn mail(subject: &str) -> Mail {
    Mail {
        to: "Ada Lovelace <ada@example.com>".parse().unwrap(),
        subject: subject.to_owned(),
        text: "Confirm your address: http://127.0.0.1:3000/verify?token=abc123\n".to_owned(),
    }
}

fn sender() -> lettre::message::Mailbox {
    "Gatehouse <no-reply@gatehouse.localhost>".parse().unwrap()
}

#[tokio::test]
async fn mail_reaches_a_real_smtp_server() {
    let Some((url, maildir)) = smtp_server() else {
        eprintln!("no test SMTP server in this run; skipped");
        return;
    };
    let subject = format!("Verify your address {}", uuid::Uuid::new_v4());
    Mailer::smtp(&url, sender())
        .unwrap()
        .send(mail(&subject))
        .await
        .unwrap();
    let received = received_mail(&maildir, &subject)
        .await
        .expect("the SMTP server received the message");
    assert!(
        received.contains("To: \"Ada Lovelace\" <ada@example.com>"),
        "{received}"
    );
    assert!(
        received.contains("From: Gatehouse <no-reply@gatehouse.localhost>"),
        "{received}"
    );
    assert!(
        received.contains("http://127.0.0.1:3000/verify?token=abc123"),
        "{received}"
    );
}

#[tokio::test]
async fn an_unreachable_smtp_server_is_an_error_not_a_hang() {
    // Port 9 on loopback: nothing listens there.
    let mailer = Mailer::smtp("smtp://127.0.0.1:9", sender()).unwrap();
    assert!(mailer.send(mail("lost")).await.is_err());
}

#[tokio::test]
async fn without_smtp_each_message_becomes_an_eml_file() {
    let dir = tempfile::tempdir().unwrap();
    let mailer = Mailer::files(&dir.path().join("mail"), sender()).unwrap();
    mailer.send(mail("Welcome")).await.unwrap();
    let files: Vec<_> = std::fs::read_dir(dir.path().join("mail"))
        .unwrap()
        .flatten()
        .map(|e| e.path())
        .collect();
    assert_eq!(files.len(), 1);
    assert_eq!(files[0].extension().and_then(|e| e.to_str()), Some("eml"));
    let text = std::fs::read_to_string(&files[0]).unwrap();
    assert!(
        text.contains("Subject: Welcome") && text.contains("verify?token=abc123"),
        "{text}"
    );
    assert!(!format!("{mailer:?}").contains("token"));
}

#[test]
fn mailer_debug_never_prints_smtp_credentials() {
    let mailer = Mailer::smtp("smtps://user:s3cret@smtp.example.com:465", sender()).unwrap();
    let shown = format!("{mailer:?}");
    assert!(
        !shown.contains("s3cret") && shown.contains("smtp"),
        "{shown}"
    );
}
