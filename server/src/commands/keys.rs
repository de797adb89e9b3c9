//! `latch keys …`: the identity-token signing keys (not the server key: that is `latch key`).

use chrono::{Duration, Utc};
use latch_core::identity_token::{self, KeyState};

use super::CommandError;
use crate::database;
use crate::settings::Settings;

/// `latch keys rotate --grace-hours N`: a new key signs from now on; the others stay
/// published for `grace_hours`, then leave the JWKS.
pub async fn rotate(settings: &Settings, grace_hours: u32) -> Result<String, CommandError> {
    let db = database::open(settings).await?;
    let server_key = settings.server_key.load()?;
    let grace = Duration::hours(i64::from(grace_hours));
    let kid = identity_token::rotate(&db, &server_key, grace, Utc::now()).await?;
    let refresh = settings.token_keys_refresh.as_secs();
    Ok(format!(
        "New signing key {kid}: every instance signs with it within {refresh} s \
         (LATCH_TOKEN_KEYS_REFRESH_SECONDS). The previous keys stay in /.well-known/jwks.json \
         for {grace_hours} h, then are retired."
    ))
}

/// `latch keys list`: every signing key and where it is in its life.
pub async fn list(settings: &Settings) -> Result<String, CommandError> {
    let db = database::open(settings).await?;
    let now = Utc::now();
    let keys = identity_token::list(&db, now).await?;
    if keys.is_empty() {
        return Ok("No signing key yet: `latch serve` makes one at its first start.".to_owned());
    }
    let lines: Vec<String> = keys
        .iter()
        .map(|key| {
            let state = match key.state {
                KeyState::Signing => "signing".to_owned(),
                KeyState::Retiring(at) => format!("published until {}", at.to_rfc3339()),
                KeyState::Retired(at) => format!("retired {}", at.to_rfc3339()),
            };
            format!(
                "{}  created {}  {state}",
                key.kid,
                key.created_at.to_rfc3339()
            )
        })
        .collect();
    Ok(lines.join("\n"))
}
