//! `Latch-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256(secret, "<t>.<body>")>`, the scheme
//! of Stripe and Standard Webhooks: the time is signed with the body, so a receiver that
//! refuses old timestamps (5 minutes) refuses a captured request replayed later.

use chrono::{DateTime, Utc};
use hmac::{Hmac, Mac};
use secrecy::{ExposeSecret, SecretString};
use sha2::Sha256;

/// The secret shared with the webhook receiver (`LATCH_WEBHOOK_SECRET`); never printed.
#[derive(Clone)]
pub struct WebhookSecret(SecretString);

/// Fewer than [`WebhookSecret::MIN_LEN`] characters.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
#[error(
    "must be at least {} characters (`openssl rand -hex 32` makes one)",
    WebhookSecret::MIN_LEN
)]
pub struct SecretTooShort;

impl WebhookSecret {
    /// Short secrets can be guessed offline from one signed request.
    pub const MIN_LEN: usize = 32;

    /// The secret, without the spaces or line ending around it (as read from a file).
    pub fn parse(text: &str) -> Result<Self, SecretTooShort> {
        let text = text.trim();
        if text.chars().count() < Self::MIN_LEN {
            return Err(SecretTooShort);
        }
        Ok(Self(SecretString::from(text.to_owned())))
    }
}

impl std::fmt::Debug for WebhookSecret {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("WebhookSecret(redacted)")
    }
}

/// The `Latch-Signature` value for `body` sent at `at`.
pub fn sign(secret: &WebhookSecret, at: DateTime<Utc>, body: &[u8]) -> String {
    let timestamp = at.timestamp();
    let mut mac = Hmac::<Sha256>::new_from_slice(secret.0.expose_secret().as_bytes())
        .unwrap_or_else(|_| unreachable!("HMAC takes keys of any length"));
    mac.update(timestamp.to_string().as_bytes());
    mac.update(b".");
    mac.update(body);
    let digest = mac.finalize().into_bytes();
    let hex: String = digest.iter().map(|byte| format!("{byte:02x}")).collect();
    format!("t={timestamp},v1={hex}")
}
