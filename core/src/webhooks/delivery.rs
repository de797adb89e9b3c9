//! Sending one event to the receiver: one signed POST.
//!
//! Any answer but 2xx is retried with the outbox's back-off until its retry period is over,
//! 4xx included: a 400 or 401 usually means the receiver is misconfigured (a wrong secret, a
//! bad deploy), and once it is fixed the events it refused still arrive, instead of being lost
//! to the first mistake. Redirects are not followed: the event goes to the configured URL or
//! nowhere.

use std::time::Duration;

use anyhow::Context;
use chrono::{DateTime, Utc};
use url::Url;
use uuid::Uuid;

use super::WebhookSecret;
use super::signature::sign;

/// Where events go (`LATCH_WEBHOOK_URL`) and the secret they are signed with.
#[derive(Clone, Debug)]
pub struct Endpoint {
    url: Url,
    secret: WebhookSecret,
    client: reqwest::Client,
}

/// How long one attempt may take: a receiver that hangs is retried later, not waited for.
const TIMEOUT: Duration = Duration::from_secs(10);
const CONNECT_TIMEOUT: Duration = Duration::from_secs(5);

impl Endpoint {
    pub fn new(url: Url, secret: WebhookSecret) -> anyhow::Result<Self> {
        let client = reqwest::Client::builder()
            .timeout(TIMEOUT)
            .connect_timeout(CONNECT_TIMEOUT)
            .redirect(reqwest::redirect::Policy::none())
            .user_agent(concat!("Latch-Webhooks/", env!("CARGO_PKG_VERSION")))
            .build()
            .context("building the webhook client")?;
        Ok(Self {
            url,
            secret,
            client,
        })
    }

    pub fn url(&self) -> &Url {
        &self.url
    }

    /// POSTs `body` (event `id` of type `kind`), signed at `now`: each attempt signs afresh,
    /// so a retry hours later still falls within the receiver's tolerance. `Err` says why
    /// the receiver did not take it (the caller retries).
    pub async fn deliver(
        &self,
        id: Uuid,
        kind: &str,
        body: &str,
        now: DateTime<Utc>,
    ) -> Result<(), String> {
        let sent = self
            .client
            .post(self.url.clone())
            .header(reqwest::header::CONTENT_TYPE, "application/json")
            .header("Latch-Event-Id", id.to_string())
            .header("Latch-Event-Type", kind)
            .header("Latch-Signature", sign(&self.secret, now, body.as_bytes()))
            .body(body.to_owned())
            .send()
            .await;
        match sent {
            Ok(response) if response.status().is_success() => Ok(()),
            Ok(response) if response.status().is_redirection() => Err(format!(
                "the receiver answered {} (redirects are not followed)",
                response.status()
            )),
            Ok(response) => Err(format!("the receiver answered {}", response.status())),
            // Without the URL: it may hold a token of the receiver's, and the reason is kept.
            Err(err) => Err(format!("could not reach the receiver: {}", describe(err))),
        }
    }
}

/// The error and its causes ("timed out", "connection refused"), without the URL.
fn describe(err: reqwest::Error) -> String {
    let err = err.without_url();
    let mut text = err.to_string();
    let mut source = std::error::Error::source(&err);
    while let Some(cause) = source {
        text.push_str(": ");
        text.push_str(&cause.to_string());
        source = cause.source();
    }
    text
}
