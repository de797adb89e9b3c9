//! `LATCH_WEBHOOK_URL` and its secret (`LATCH_WEBHOOK_SECRET`, or a file holding it).

use std::path::Path;

use latch_core::server_key::ServerKey;
use latch_core::webhooks::{Endpoint, WebhookSecret, Webhooks};
use url::Url;

use super::SettingsError;

/// Where webhook events go and the secret they are signed with.
#[derive(Debug, Clone)]
pub struct WebhookSettings {
    pub url: Url,
    pub secret: WebhookSecret,
}

impl WebhookSettings {
    /// What the outbox worker posts events with.
    pub fn endpoint(&self) -> anyhow::Result<Endpoint> {
        Endpoint::new(self.url.clone(), self.secret.clone())
    }
}

impl super::Settings {
    /// Whether events are recorded: on when a webhook is configured (sessions are named with
    /// the server key, like the identity token's `sid`).
    pub fn webhooks(&self, server_key: &ServerKey) -> Webhooks {
        match self.webhook {
            Some(_) => Webhooks::on(server_key.clone()),
            None => Webhooks::off(),
        }
    }
}

pub(super) fn from_variables(
    url: Option<Url>,
    secret: Option<WebhookSecret>,
    secret_file: Option<&Path>,
) -> Result<Option<WebhookSettings>, SettingsError> {
    let refuse = |variable: &str, problem: String| SettingsError {
        variable: variable.to_owned(),
        problem,
    };
    let secret = match (secret, secret_file) {
        (Some(_), Some(_)) => {
            return Err(refuse(
                "LATCH_WEBHOOK_SECRET_FILE",
                "set together with LATCH_WEBHOOK_SECRET: set one of them".to_owned(),
            ));
        }
        (Some(secret), None) => Some(secret),
        (None, Some(path)) => {
            let text = std::fs::read_to_string(path).map_err(|err| {
                refuse(
                    "LATCH_WEBHOOK_SECRET_FILE",
                    format!("reading {}: {err}", path.display()),
                )
            })?;
            let secret = super::variables::webhook_secret(&text)
                .map_err(|problem| refuse("LATCH_WEBHOOK_SECRET_FILE", problem))?;
            Some(secret)
        }
        (None, None) => None,
    };
    match (url, secret) {
        (Some(url), Some(secret)) => Ok(Some(WebhookSettings { url, secret })),
        (Some(_), None) => Err(refuse(
            "LATCH_WEBHOOK_SECRET",
            "required when LATCH_WEBHOOK_URL is set (or LATCH_WEBHOOK_SECRET_FILE)".to_owned(),
        )),
        // A secret alone sends nothing: events need somewhere to go.
        (None, _) => Ok(None),
    }
}
