//! The long-lived services every use case reaches, built once at start.

use sea_orm::DatabaseConnection;

use crate::identity_token::TokenIssuer;
use crate::metrics::Metrics;
use crate::password_hash::Hasher;
use crate::password_policy::PolicyChecks;
use crate::policies::{AdminPolicy, LoginPolicy, ResetPolicy};
use crate::return_targets::ReturnTargets;
use crate::server_key::ServerKey;
use crate::webhooks::Webhooks;

/// Handles and settings shared by every request (cheap to clone: each field is a handle or a
/// small value).
#[derive(Clone)]
pub struct Services {
    pub db: DatabaseConnection,
    pub hasher: Hasher,
    pub login_policy: LoginPolicy,
    pub reset_policy: ResetPolicy,
    pub password_policy: latch_domain::PasswordPolicy,
    /// The bound on new passwords judged at once.
    pub policy_checks: PolicyChecks,
    pub admin_policy: AdminPolicy,
    /// Base of every emailed link (never the request's Host header).
    pub public_url: url::Url,
    pub metrics: Metrics,
    /// Signs the known-device cookies (kept outside the database).
    pub server_key: ServerKey,
    /// The parent domain the session cookie is shared with (`LATCH_COOKIE_DOMAIN`), so a CRM
    /// on a sibling subdomain receives it; `None`: Latch's host only.
    pub session_cookie_domain: Option<String>,
    /// Where signed-in users go back to (the CRM) and which origins a login's `next` may name.
    pub return_targets: ReturnTargets,
    /// Whether changes to users are recorded as webhook events (`LATCH_WEBHOOK_URL`).
    pub webhooks: Webhooks,
    /// Signs the identity tokens forward authentication hands the CRM.
    pub identity_tokens: TokenIssuer,
}

impl Services {
    /// Whether Latch is reached over https (its cookies then get `Secure` and `__Host-`).
    pub fn is_https(&self) -> bool {
        self.public_url.scheme() == "https"
    }
}

#[cfg(test)]
impl Services {
    /// Default policies around `db`, with links to `https://latch.example`.
    pub(crate) fn for_tests(db: DatabaseConnection) -> Self {
        let server_key = ServerKey::generate().expect("a key");
        Self {
            db,
            hasher: Hasher::new(1, std::time::Duration::from_secs(5)).expect("a hasher"),
            login_policy: LoginPolicy::default(),
            reset_policy: ResetPolicy::default(),
            password_policy: latch_domain::PasswordPolicy::default(),
            policy_checks: PolicyChecks::new(1, std::time::Duration::from_secs(5)),
            admin_policy: AdminPolicy::default(),
            public_url: url::Url::parse("https://latch.example").expect("a URL"),
            metrics: Metrics::default(),
            server_key: server_key.clone(),
            session_cookie_domain: None,
            return_targets: ReturnTargets::default(),
            webhooks: Webhooks::off(),
            identity_tokens: TokenIssuer {
                issuer: "https://latch.example".to_owned(),
                audience: "https://latch.example".to_owned(),
                keys: crate::identity_token::SigningKeys::new(
                    server_key,
                    std::time::Duration::from_secs(30),
                ),
            },
        }
    }
}
