//! Sending one email: over SMTP with lettre, or into the local dev mailbox when no SMTP server
//! is configured. Queueing and retries belong to the outbox, not here.

use std::path::{Path, PathBuf};

use lettre::{AsyncFileTransport, AsyncSmtpTransport, AsyncTransport, Tokio1Executor};

pub use lettre::Message;
pub use lettre::message::Mailbox;

/// Where mail goes.
#[derive(Clone)]
pub enum Mailer {
    /// A real SMTP server (`smtp://`, `smtp://…?tls=required`, `smtps://`), pooled connections.
    Smtp(AsyncSmtpTransport<Tokio1Executor>),
    /// Each message written as an `.eml` file, for development without a mail server.
    DevMailbox {
        dir: PathBuf,
        transport: AsyncFileTransport<Tokio1Executor>,
    },
}

/// Why a message was not handed over, sorted by what the outbox should do next.
#[derive(Debug, thiserror::Error)]
pub enum MailError {
    /// Try again later: connection refused, timeout, a 4xx reply.
    #[error("temporary mail failure: {0}")]
    Temporary(String),
    /// Retrying will not help: a 5xx reply such as an unknown mailbox.
    #[error("permanent mail failure: {0}")]
    Permanent(String),
}

/// Checks a `LATCH_SMTP_URL` without connecting. The URL may hold a password: callers keep it
/// in a secret type and only pass it here.
pub fn validate_smtp_url(url: &str) -> Result<(), String> {
    AsyncSmtpTransport::<Tokio1Executor>::from_url(url)
        .map(|_| ())
        .map_err(|err| err.to_string())
}

impl Mailer {
    /// Builds the pooled SMTP transport. Must be called inside a tokio runtime.
    pub fn smtp(url: &str) -> Result<Self, MailError> {
        let transport = AsyncSmtpTransport::<Tokio1Executor>::from_url(url)
            .map_err(|err| MailError::Permanent(format!("invalid SMTP URL: {err}")))?
            .build();
        Ok(Mailer::Smtp(transport))
    }

    pub fn dev_mailbox(dir: &Path) -> std::io::Result<Self> {
        std::fs::create_dir_all(dir)?;
        Ok(Mailer::DevMailbox {
            dir: dir.to_path_buf(),
            transport: AsyncFileTransport::new(dir),
        })
    }

    pub async fn send(&self, message: Message) -> Result<(), MailError> {
        match self {
            Mailer::Smtp(transport) => match transport.send(message).await {
                Ok(_) => Ok(()),
                Err(err) if err.is_permanent() => Err(MailError::Permanent(err.to_string())),
                Err(err) => Err(MailError::Temporary(err.to_string())),
            },
            Mailer::DevMailbox { transport, .. } => transport
                .send(message)
                .await
                .map(|_| ())
                .map_err(|err| MailError::Temporary(err.to_string())),
        }
    }

    /// Human description for the start-up log (never includes credentials).
    pub fn describe(&self) -> String {
        match self {
            Mailer::Smtp(_) => "SMTP (LATCH_SMTP_URL)".to_owned(),
            Mailer::DevMailbox { dir, .. } => format!("dev mailbox in {}", dir.display()),
        }
    }
}
