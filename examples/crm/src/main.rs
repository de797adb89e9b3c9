//! `latch-example-crm`: a small CRM stand-in behind a reverse proxy that asks Latch about every
//! request (`auth_request`). It trusts nothing it cannot check itself: every page needs
//! `X-Latch-User-Id` and an `X-Latch-Token` signed by a key in Latch's JWKS, issued for this
//! CRM and about that same user; webhooks need a valid `Latch-Signature`.
//!
//! Configuration (environment):
//! `CRM_LISTEN` (default `127.0.0.1:8080`), `CRM_JWKS_URL` (default
//! `http://127.0.0.1:3000/.well-known/jwks.json`), `CRM_TOKEN_ISSUER` (Latch's
//! `LATCH_PUBLIC_URL`, default `http://127.0.0.1:3000`), `CRM_TOKEN_AUDIENCE` (this CRM's origin
//! as Latch names it, default `http://127.0.0.1:8080`), `CRM_WEBHOOK_SECRET` (Latch's
//! `LATCH_WEBHOOK_SECRET`; unset: `/webhooks` answers 404), `CRM_TEST_ENDPOINTS=1` (adds
//! `GET /webhooks/received` and `POST /webhooks/down|up`, for the end-to-end test).

mod app;
mod jwks;
mod pages;
mod token;
mod webhooks;

use std::net::SocketAddr;

use anyhow::Context;
use secrecy::SecretString;

/// The CRM's settings, read once at start.
pub struct Config {
    pub listen: SocketAddr,
    pub jwks_url: String,
    pub expected: token::Expectations,
    pub webhook_secret: Option<SecretString>,
    pub test_endpoints: bool,
}

impl Config {
    fn from_env() -> anyhow::Result<Self> {
        let var =
            |name: &str, default: &str| std::env::var(name).unwrap_or_else(|_| default.to_owned());
        let listen = var("CRM_LISTEN", "127.0.0.1:8080");
        let trimmed = |value: String| value.trim_end_matches('/').to_owned();
        Ok(Self {
            listen: listen
                .parse()
                .with_context(|| format!("CRM_LISTEN={listen:?}"))?,
            jwks_url: var(
                "CRM_JWKS_URL",
                "http://127.0.0.1:3000/.well-known/jwks.json",
            ),
            expected: token::Expectations {
                issuer: trimmed(var("CRM_TOKEN_ISSUER", "http://127.0.0.1:3000")),
                audience: trimmed(var("CRM_TOKEN_AUDIENCE", "http://127.0.0.1:8080")),
            },
            webhook_secret: std::env::var("CRM_WEBHOOK_SECRET")
                .ok()
                .filter(|secret| !secret.is_empty())
                .map(SecretString::from),
            test_endpoints: std::env::var("CRM_TEST_ENDPOINTS").is_ok_and(|value| value == "1"),
        })
    }
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env()
                .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info")),
        )
        .init();
    let config = Config::from_env()?;
    let listener = tokio::net::TcpListener::bind(config.listen)
        .await
        .with_context(|| format!("listening on {}", config.listen))?;
    tracing::info!(
        listen = %config.listen,
        issuer = %config.expected.issuer,
        audience = %config.expected.audience,
        jwks = %config.jwks_url,
        webhooks = config.webhook_secret.is_some(),
        "example CRM ready"
    );
    axum::serve(listener, app::router(config)?)
        .await
        .context("serving")
}
