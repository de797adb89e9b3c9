//! Sessions stored in the database, so any instance behind a load balancer can serve any
//! request. The cookie holds a 256-bit random token; the row is keyed by its SHA-256.

use std::net::IpAddr;

use anyhow::Context;
use chrono::{DateTime, Duration, Utc};
use sea_orm::{ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, Set};
use uuid::Uuid;

use crate::entities::{company, session, user};
use crate::secret_token::SecretToken;

/// How long a session lives.
#[derive(Debug, Clone, Copy)]
pub struct SessionLifetime {
    /// Ends after this long without a request.
    pub idle: Duration,
    /// Ends this long after login, however active.
    pub absolute: Duration,
}

impl Default for SessionLifetime {
    /// A working day: idle 2 hours, at most 12 hours.
    fn default() -> Self {
        Self {
            idle: Duration::hours(2),
            absolute: Duration::hours(12),
        }
    }
}

/// Last-seen times are written at most this often, so reading pages does not mean a database
/// write per request.
const TOUCH_INTERVAL: Duration = Duration::minutes(1);

/// The signed-in user behind a valid session.
#[derive(Debug, Clone)]
pub struct SessionUser {
    pub user: user::Model,
    /// The user's company, read with the session (one query): the top bar, the reader's
    /// language and time zone, the password rules and the two-step requirement all need it.
    pub company: company::Model,
    pub session_key: String,
    /// When this session last confirmed the user's password ("Confirm your password").
    pub reauthenticated_at: Option<DateTime<Utc>>,
}

/// Longest `User-Agent` a session keeps (the column's length).
pub const USER_AGENT_MAX_CHARS: usize = 512;

/// The browser a session is started in, as "Your devices" shows it.
#[derive(Debug, Clone, Copy, Default)]
pub struct Origin<'a> {
    /// The request's `User-Agent`, as sent.
    pub user_agent: Option<&'a str>,
    pub client_ip: Option<IpAddr>,
}

impl Origin<'_> {
    /// The `User-Agent` as stored: bounded, without control characters (PostgreSQL refuses
    /// some in text), `None` when nothing is left.
    fn stored_user_agent(&self) -> Option<String> {
        let kept: String = self
            .user_agent?
            .chars()
            .filter(|c| !c.is_control())
            .take(USER_AGENT_MAX_CHARS)
            .collect();
        let kept = kept.trim();
        (!kept.is_empty()).then(|| kept.to_owned())
    }
}

/// Starts a new session for `user_id` and returns the token for the cookie. Always a fresh
/// token: a session id known before login is never promoted (no fixation).
pub async fn start(
    db: &impl ConnectionTrait,
    user_id: Uuid,
    lifetime: SessionLifetime,
    origin: Origin<'_>,
    now: DateTime<Utc>,
) -> anyhow::Result<SecretToken> {
    let token = SecretToken::generate().context("generating a session token")?;
    session::ActiveModel {
        id: Set(token.storage_key()),
        user_id: Set(Some(user_id)),
        created_at: Set(now),
        last_seen_at: Set(now),
        expires_at: Set(now + lifetime.idle),
        absolute_expires_at: Set(now + lifetime.absolute),
        reauthenticated_at: Set(None),
        user_agent: Set(origin.stored_user_agent()),
        client_ip: Set(origin.client_ip.map(|ip| ip.to_string())),
        // Random and unrelated to the token: showing it in a page reveals nothing of the
        // cookie, and it cannot be guessed to sign someone else's device out.
        handle: Set(Some(Uuid::new_v4().simple().to_string())),
    }
    .insert(db)
    .await
    .context("storing the session")?;
    Ok(token)
}

/// The active user of a live session, or `None`. Expired sessions are deleted on sight; a
/// live one has its idle deadline pushed forward.
pub async fn authenticate(
    db: &impl ConnectionTrait,
    token: &SecretToken,
    lifetime: SessionLifetime,
    now: DateTime<Utc>,
) -> anyhow::Result<Option<SessionUser>> {
    let found = session::Entity::find_by_id(token.storage_key())
        .find_also_related(user::Entity)
        .and_also_related(company::Entity)
        .one(db)
        .await
        .context("looking up the session, its user and company")?;
    let Some((session, Some(user), Some(company))) = found else {
        return Ok(None);
    };
    admit(db, session, user, company, lifetime, now).await
}

/// A session row, its user and company as found by the lookup: the active user if the
/// session is live (its idle deadline pushed forward), else `None` and the row deleted.
async fn admit(
    db: &impl ConnectionTrait,
    session: session::Model,
    user: user::Model,
    company: company::Model,
    lifetime: SessionLifetime,
    now: DateTime<Utc>,
) -> anyhow::Result<Option<SessionUser>> {
    let key = session.id.clone();
    if session.expires_at <= now || session.absolute_expires_at <= now || !user.active {
        end(db, &key).await?;
        return Ok(None);
    }
    let reauthenticated_at = session.reauthenticated_at;
    if now - session.last_seen_at >= TOUCH_INTERVAL {
        let idle_deadline = (now + lifetime.idle).min(session.absolute_expires_at);
        let mut active: session::ActiveModel = session.into();
        active.last_seen_at = Set(now);
        active.expires_at = Set(idle_deadline);
        active.update(db).await.context("extending the session")?;
    }
    Ok(Some(SessionUser {
        user,
        company,
        session_key: key,
        reauthenticated_at,
    }))
}

/// Records that `session_key` just confirmed its user's password. Returns whether the
/// session was still there.
pub async fn mark_reauthenticated(
    db: &impl ConnectionTrait,
    session_key: &str,
    now: DateTime<Utc>,
) -> anyhow::Result<bool> {
    let updated = session::Entity::update_many()
        .col_expr(
            session::Column::ReauthenticatedAt,
            sea_orm::sea_query::Expr::value(now),
        )
        .filter(session::Column::Id.eq(session_key))
        .exec(db)
        .await
        .context("recording the password confirmation")?;
    Ok(updated.rows_affected > 0)
}

/// Ends one session. Returns whether it was still there (another device may have ended it
/// meanwhile: signing out, a password change or reset).
pub async fn end(db: &impl ConnectionTrait, session_key: &str) -> anyhow::Result<bool> {
    let deleted = session::Entity::delete_by_id(session_key.to_owned())
        .exec(db)
        .await
        .context("deleting the session")?;
    Ok(deleted.rows_affected > 0)
}

/// Ends the session of `user_id` named by `handle` ("Your devices"), unless it is
/// `except_session_key` (the asking browser's own). Another user's handle ends nothing.
/// Returns the storage key of the session it ended, if one did.
pub async fn end_by_handle(
    db: &impl ConnectionTrait,
    user_id: Uuid,
    handle: &str,
    except_session_key: &str,
) -> anyhow::Result<Option<String>> {
    let deleted = session::Entity::delete_many()
        .filter(session::Column::UserId.eq(user_id))
        .filter(session::Column::Handle.eq(handle))
        .filter(session::Column::Id.ne(except_session_key))
        .exec_with_returning(db)
        .await
        .context("ending the device's session")?;
    Ok(deleted.into_iter().next().map(|session| session.id))
}

/// The `User-Agent` session `session_key` was started with, if it is still there (a
/// password change gives the same browser a fresh session and keeps its description).
pub async fn user_agent_of(
    db: &impl ConnectionTrait,
    session_key: &str,
) -> anyhow::Result<Option<String>> {
    Ok(session::Entity::find_by_id(session_key.to_owned())
        .one(db)
        .await
        .context("looking up the session's browser")?
        .and_then(|session| session.user_agent))
}

/// Ends every session of a user (password reset, deactivation), optionally sparing one.
/// Returns the storage keys of the sessions it ended (for their `session.ended` events).
pub async fn end_all_for_user(
    db: &impl ConnectionTrait,
    user_id: Uuid,
    except_session_key: Option<&str>,
) -> anyhow::Result<Vec<String>> {
    let mut query = session::Entity::delete_many().filter(session::Column::UserId.eq(user_id));
    if let Some(key) = except_session_key {
        query = query.filter(session::Column::Id.ne(key));
    }
    // One statement: a session started meanwhile is either ended and named, or left alone.
    let ended = query
        .exec_with_returning(db)
        .await
        .context("ending the user's sessions")?;
    Ok(ended.into_iter().map(|session| session.id).collect())
}
