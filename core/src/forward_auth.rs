//! Who is signed in, for the reverse proxy in front of the CRM (forward authentication): a
//! session cookie's user and company, as the CRM will receive them. No page is rendered and
//! nothing is cached: a session ended anywhere (logout, deactivation, a reset) is refused on
//! the very next request.

use chrono::{DateTime, Utc};
use latch_domain::Role;
use latch_i18n::Locale;
use sea_orm::ConnectionTrait;
use uuid::Uuid;

use crate::preferences::Preferences;
use crate::secret_token::SecretToken;
use crate::sessions::{self, SessionLifetime, SessionUser};
use crate::time_zone::TimeZone;

/// The signed-in user, in the words the CRM is told.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Identity {
    pub user_id: Uuid,
    pub username: String,
    pub email: String,
    pub name: String,
    pub company_id: Uuid,
    pub company: String,
    pub role: Role,
    /// The user's language, else their company's.
    pub locale: Locale,
    /// The user's time zone, else their company's.
    pub time_zone: TimeZone,
    /// The session's key in storage (a hash of its token, never the token): what the
    /// identity token's `sid` is derived from.
    pub session_key: String,
}

/// The identity behind a session token, if the session is live and its user active. Like a
/// Latch page, it pushes the session's idle deadline forward (it is the same lookup).
pub async fn verify(
    db: &impl ConnectionTrait,
    token: &SecretToken,
    lifetime: SessionLifetime,
    now: DateTime<Utc>,
) -> anyhow::Result<Option<Identity>> {
    let Some(session) = sessions::authenticate(db, token, lifetime, now).await? else {
        return Ok(None);
    };
    let SessionUser {
        user,
        company,
        session_key,
        ..
    } = session;
    let reader = Preferences::of_reader(&user, &company, None);
    Ok(Some(Identity {
        user_id: user.id,
        username: user.username,
        email: user.email,
        name: user.display_name,
        company_id: company.id,
        role: user.role,
        locale: reader.locale,
        time_zone: reader.time_zone,
        company: company.name,
        session_key,
    }))
}
