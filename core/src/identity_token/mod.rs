//! The signed identity token (`X-Latch-Token`) that forward authentication hands the CRM with
//! the `X-Latch-*` headers: a compact JWS (RFC 7515) signed with Ed25519 (EdDSA, RFC 8037), so
//! the CRM can check who is signed in without trusting the network between the proxy and
//! itself. It lives 60 seconds: long enough for one request, too short to be worth stealing.

mod jws;
mod keys;

use anyhow::Context;
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use chrono::{DateTime, Duration, Utc};
use serde::Serialize;

pub use jws::Jwk;
pub use keys::{KeyState, ListedKey, SigningKeys, list, rotate};

use crate::forward_auth::Identity;
use crate::server_key::{Purpose, ServerKey};

/// How long a token is good for.
pub const TOKEN_LIFETIME: Duration = Duration::seconds(60);

/// Who signs the tokens and for whom.
#[derive(Clone)]
pub struct TokenIssuer {
    /// `iss`: Latch's public URL, without a trailing slash.
    pub issuer: String,
    /// `aud`: the CRM the tokens are meant for.
    pub audience: String,
    pub keys: SigningKeys,
}

/// The claims of a token, as the CRM reads them.
#[derive(Debug, Serialize)]
struct Claims<'a> {
    iss: &'a str,
    aud: &'a str,
    sub: String,
    /// Names the session (stable for its life) without being its token: a keyed hash.
    sid: String,
    company_id: String,
    company: &'a str,
    role: &'static str,
    name: &'a str,
    email: &'a str,
    username: &'a str,
    iat: i64,
    exp: i64,
    jti: String,
}

impl TokenIssuer {
    /// A token saying `identity` is signed in, issued at `now`.
    pub async fn issue(
        &self,
        db: &impl sea_orm::ConnectionTrait,
        identity: &Identity,
        now: DateTime<Utc>,
    ) -> anyhow::Result<String> {
        let signer = self.keys.signer(db, now).await?;
        let claims = Claims {
            iss: &self.issuer,
            aud: &self.audience,
            sub: identity.user_id.to_string(),
            sid: session_claim(self.keys.server_key(), &identity.session_key),
            company_id: identity.company_id.to_string(),
            company: &identity.company,
            role: identity.role.as_str(),
            name: &identity.name,
            email: &identity.email,
            username: &identity.username,
            iat: now.timestamp(),
            exp: (now + TOKEN_LIFETIME).timestamp(),
            jti: random_id().context("drawing a token id")?,
        };
        let payload = serde_json::to_vec(&claims).context("encoding the claims")?;
        Ok(signer.sign(&payload))
    }
}

/// The `sid` claim for the session stored under `session_key` (itself a hash of the session
/// token): what the CRM may use to tell sessions apart, and that webhooks name too.
pub fn session_claim(server_key: &ServerKey, session_key: &str) -> String {
    server_key.sign(Purpose::SessionClaim, session_key.as_bytes())
}

fn random_id() -> Result<String, getrandom::Error> {
    let mut bytes = [0u8; 16];
    getrandom::fill(&mut bytes)?;
    Ok(URL_SAFE_NO_PAD.encode(bytes))
}

#[cfg(test)]
mod tests;
