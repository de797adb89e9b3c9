//! Logging in: the rules, with no HTTP in sight.
//!
//! Unknown users, inactive users and wrong passwords all take the same path (an argon2 verify,
//! the same counters, the same answer), so neither the message nor the timing says who exists.

use std::net::IpAddr;

use anyhow::Context;
use chrono::{DateTime, Utc};
use latch_domain::{AuditKind, AuditOutcome, CandidatePassword, Email};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, Condition, ConnectionTrait, DatabaseConnection, EntityTrait,
    QueryFilter, Set, TransactionTrait,
};

pub use crate::policies::LoginPolicy;

use crate::audit::{self, AuditEvent};
use crate::entities::user;
use crate::metrics::LoginOutcome;
use crate::password_hash::HashError;
use crate::secret_token::SecretToken;
use crate::services::Services;
use crate::sessions::{self, SessionUser};
use crate::throttle::{self, ThrottleKey};

#[derive(Debug, thiserror::Error)]
pub enum LoginError {
    /// Wrong password, unknown user, or inactive user: one answer for all.
    #[error("invalid username, email or password")]
    InvalidCredentials,
    #[error("too many failed logins; try again at {retry_at}")]
    Throttled { retry_at: DateTime<Utc> },
    #[error("the server is busy")]
    Busy,
    #[error(transparent)]
    Unexpected(#[from] anyhow::Error),
}

impl From<HashError> for LoginError {
    fn from(err: HashError) -> Self {
        match err {
            HashError::Busy => LoginError::Busy,
            HashError::Unexpected(err) => LoginError::Unexpected(err),
        }
    }
}

/// A successful login: the user and the token for the new session cookie.
#[derive(Debug)]
pub struct LoggedIn {
    pub user: user::Model,
    pub session_token: SecretToken,
}

pub struct LoginAttempt<'a> {
    /// Username or email, as typed.
    pub identifier: &'a str,
    pub password: &'a str,
    pub client_ip: Option<IpAddr>,
    /// The session this browser already had, if any: a successful login ends it, whoever it
    /// belonged to, so a shared computer never keeps the previous user signed in behind the new
    /// cookie.
    pub replacing: Option<&'a SessionUser>,
}

/// Checks one login attempt and, when it succeeds, starts a session. Every outcome is counted
/// in the metrics.
pub async fn log_in(
    services: &Services,
    attempt: LoginAttempt<'_>,
    now: DateTime<Utc>,
) -> Result<LoggedIn, LoginError> {
    let outcome = check_and_start_session(services, attempt, now).await;
    services.metrics.record_login(match &outcome {
        Ok(_) => LoginOutcome::Ok,
        Err(LoginError::InvalidCredentials) => LoginOutcome::Failed,
        Err(LoginError::Throttled { .. }) => LoginOutcome::Throttled,
        Err(LoginError::Busy) => LoginOutcome::Busy,
        Err(LoginError::Unexpected(_)) => LoginOutcome::Error,
    });
    outcome
}

async fn check_and_start_session(
    services: &Services,
    attempt: LoginAttempt<'_>,
    now: DateTime<Utc>,
) -> Result<LoggedIn, LoginError> {
    let (db, hasher, policy) = (&services.db, &services.hasher, &services.login_policy);
    // Bounded before any work: junk costs neither a query, a counter nor a hash.
    let Some(identifier) = plausible_identifier(attempt.identifier) else {
        return Err(LoginError::InvalidCredentials);
    };
    let client_ip = attempt.client_ip.map(|ip| ip.to_string());
    let found = user::Entity::find()
        .filter(
            Condition::any()
                .add(user::Column::UsernameKey.eq(identifier.as_str()))
                .add(user::Column::EmailKey.eq(identifier.as_str())),
        )
        .one(db)
        .await
        .context("looking up the user")?;

    // Unknown identifiers are counted too, exactly like accounts, so counters reveal nothing.
    let account_key = match &found {
        Some(user) => ThrottleKey::login_account(user.id),
        None => ThrottleKey::login_unknown(&identifier),
    };
    let client_key = attempt.client_ip.map(ThrottleKey::login_client);
    let audit = |outcome: AuditOutcome| AuditEvent {
        company_id: found.as_ref().map(|u| u.company_id),
        actor_user_id: found.as_ref().map(|u| u.id),
        target_user_id: found.as_ref().map(|u| u.id),
        kind: AuditKind::Login,
        outcome,
        client_ip: client_ip.clone(),
        details: None,
    };

    // Counted before the hash, so a burst of concurrent guesses cannot outrun the counter.
    let reserved = reserve_attempt(db, policy, &account_key, client_key.as_ref(), now).await?;
    if let Err(retry_at) = reserved {
        audit::record(db, audit(AuditOutcome::Throttled), now).await?;
        return Err(LoginError::Throttled { retry_at });
    }

    let verification = match CandidatePassword::parse(attempt.password) {
        Ok(password) => {
            let stored = found
                .as_ref()
                .filter(|user| user.active)
                .and_then(|user| user.password_hash.as_deref());
            match hasher.verify(&password, stored).await {
                Ok(verification) => Some(verification),
                Err(unchecked) => {
                    // Not a guess: nothing was compared, so nothing is held against anyone.
                    refund_attempt(db, policy, &account_key, client_key.as_ref(), now).await?;
                    return Err(unchecked.into());
                }
            }
        }
        // Longer than any password can be: refused without spending a hash on it.
        Err(_) => None,
    };
    let Some(verification) = verification.filter(|v| v.matched) else {
        // Already counted by the reservation.
        audit::record(db, audit(AuditOutcome::Failed), now).await?;
        tracing::info!(user_known = found.is_some(), client_ip = ?client_ip, "login failed");
        return Err(LoginError::InvalidCredentials);
    };
    let Some(user) = found.clone() else {
        return Err(LoginError::InvalidCredentials);
    };

    let txn = db.begin().await.context("starting the login transaction")?;
    let mut active: user::ActiveModel = user.clone().into();
    if let Some(upgraded) = &verification.upgraded {
        active.password_hash = Set(Some(upgraded.as_phc().to_owned()));
    }
    active.last_login_at = Set(Some(now));
    let user = active.update(&txn).await.context("recording the login")?;
    if let Some(previous) = attempt.replacing {
        sessions::end(&txn, &previous.session_key).await?;
    }
    let session_token = sessions::start(&txn, user.id, policy.session, now).await?;
    throttle::clear(&txn, &account_key).await?;
    audit::record(&txn, audit(AuditOutcome::Succeeded), now).await?;
    txn.commit().await.context("committing the login")?;
    // A success is no failure: an office behind one address is not held to its colleagues'.
    if let Some(key) = &client_key {
        throttle::refund(db, key, policy.per_client, now).await?;
    }
    tracing::info!(user_id = %user.id, client_ip = ?client_ip, "login succeeded");

    Ok(LoggedIn {
        user,
        session_token,
    })
}

/// Reserves one password check on the account's counter and the client's: `Err(retry_at)`
/// when either is blocked (a reservation made on the other is given back).
pub(crate) async fn reserve_attempt(
    db: &DatabaseConnection,
    policy: &LoginPolicy,
    account_key: &ThrottleKey,
    client_key: Option<&ThrottleKey>,
    now: DateTime<Utc>,
) -> anyhow::Result<Result<(), DateTime<Utc>>> {
    if let Err(retry_at) = throttle::reserve(db, account_key, policy.per_account, now).await? {
        return Ok(Err(retry_at));
    }
    let Some(client_key) = client_key else {
        return Ok(Ok(()));
    };
    if let Err(retry_at) = throttle::reserve(db, client_key, policy.per_client, now).await? {
        throttle::refund(db, account_key, policy.per_account, now).await?;
        return Ok(Err(retry_at));
    }
    Ok(Ok(()))
}

/// Gives back what [`reserve_attempt`] counted, for a check the server could not make.
pub(crate) async fn refund_attempt(
    db: &DatabaseConnection,
    policy: &LoginPolicy,
    account_key: &ThrottleKey,
    client_key: Option<&ThrottleKey>,
    now: DateTime<Utc>,
) -> anyhow::Result<()> {
    throttle::refund(db, account_key, policy.per_account, now).await?;
    if let Some(client_key) = client_key {
        throttle::refund(db, client_key, policy.per_client, now).await?;
    }
    Ok(())
}

/// What was typed as username or email, trimmed and lowercased, if an account could have it:
/// at most as long as an email address may be, and without control characters (which no
/// username or address holds, and which PostgreSQL refuses in text).
fn plausible_identifier(typed: &str) -> Option<String> {
    let identifier = typed.trim().to_lowercase();
    let plausible =
        identifier.chars().count() <= Email::MAX_LEN && !identifier.chars().any(char::is_control);
    plausible.then_some(identifier)
}

/// "Log out": ends the session and records it.
pub async fn log_out(
    db: &impl ConnectionTrait,
    session: &SessionUser,
    client_ip: Option<IpAddr>,
    now: DateTime<Utc>,
) -> anyhow::Result<()> {
    sessions::end(db, &session.session_key).await?;
    let event = AuditEvent {
        company_id: Some(session.user.company_id),
        actor_user_id: Some(session.user.id),
        target_user_id: Some(session.user.id),
        kind: AuditKind::Logout,
        outcome: AuditOutcome::Succeeded,
        client_ip: client_ip.map(|ip| ip.to_string()),
        details: None,
    };
    audit::record(db, event, now).await
}
