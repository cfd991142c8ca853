//! Outgoing mail: SMTP in deployments; in local runs without an SMTP server, each message is
//! written as an `.eml` file under the data directory so its links can be followed by hand.

use std::path::{Path, PathBuf};

use lettre::message::header::ContentType;
use lettre::message::Mailbox;
use lettre::{AsyncFileTransport, AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor};

#[derive(Debug, thiserror::Error)]
pub enum MailError {
    #[error("invalid SMTP URL: {0}")]
    Url(String),
    #[error("cannot create the mail directory {dir}: {source}")]
    Dir {
        dir: PathBuf,
        source: std::io::Error,
    },
    #[error("cannot build the message: {0}")]
    Build(#[from] lettre::error::Error),
    #[error("SMTP delivery failed: {0}")]
    Smtp(#[from] lettre::transport::smtp::Error),
    #[error("cannot write the message file: {0}")]
    File(#[from] lettre::transport::file::Error),
}

#[derive(Clone)]
enum Transport {
    Smtp(AsyncSmtpTransport<Tokio1Executor>),
    Files {
        transport: AsyncFileTransport<Tokio1Executor>,
        dir: PathBuf,
    },
}

/// One message, plain text: links in mail should be readable as they are.
#[derive(Clone, Debug)]
pub struct Mail {
    pub to: Mailbox,
    pub subject: String,
    pub text: String,
}

#[derive(Clone)]
pub struct Mailer {
    transport: Transport,
    from: Mailbox,
}

/// The SMTP URL carries credentials: never print it.
impl std::fmt::Debug for Mailer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let kind = match &self.transport {
            Transport::Smtp(_) => "smtp",
            Transport::Files { .. } => "files",
        };
        f.debug_struct("Mailer")
            .field("transport", &kind)
            .field("from", &self.from.to_string())
            .finish()
    }
}

impl Mailer {
    /// `url` as lettre reads it: `smtps://user:pass@host:465`, `smtp://…?tls=required`
    /// (STARTTLS), or plain `smtp://host:port`.
    pub fn smtp(url: &str, from: Mailbox) -> Result<Self, MailError> {
        let transport = AsyncSmtpTransport::<Tokio1Executor>::from_url(url)
            .map_err(|e| MailError::Url(e.to_string()))?
            .build();
        Ok(Self {
            transport: Transport::Smtp(transport),
            from,
        })
    }

    /// Writes each message to `<dir>/<uuid>.eml`.
    pub fn files(dir: &Path, from: Mailbox) -> Result<Self, MailError> {
        std::fs::create_dir_all(dir).map_err(|source| MailError::Dir {
            dir: dir.to_owned(),
            source,
        })?;
        Ok(Self {
            transport: Transport::Files {
                transport: AsyncFileTransport::new(dir),
                dir: dir.to_owned(),
            },
            from,
        })
    }

    /// Sends the same notice to each of `to`, one message each so no recipient sees the
    /// others; a failure is logged and the rest still go. Whether any went: a notice claimed
    /// for sending is released when none did.
    pub async fn send_each(&self, to: &[Mailbox], subject: &str, text: &str) -> bool {
        let mut delivered = false;
        for recipient in to {
            let mail = Mail {
                to: recipient.clone(),
                subject: subject.to_owned(),
                text: text.to_owned(),
            };
            match self.send(mail).await {
                Ok(()) => delivered = true,
                Err(e) => tracing::warn!(error = %e, subject, "notice not sent to one recipient"),
            }
        }
        delivered
    }

    pub async fn send(&self, mail: Mail) -> Result<(), MailError> {
        let message = Message::builder()
            .from(self.from.clone())
            .to(mail.to)
            .subject(mail.subject)
            .header(ContentType::TEXT_PLAIN)
            .body(mail.text)?;
        match &self.transport {
            Transport::Smtp(smtp) => {
                smtp.send(message).await?;
            }
            Transport::Files { transport, dir } => {
                let id = transport.send(message).await?;
                tracing::info!(
                    file = %dir.join(format!("{id}.eml")).display(),
                    "mail written to a file (no SMTP server configured)"
                );
            }
        }
        Ok(())
    }
}
