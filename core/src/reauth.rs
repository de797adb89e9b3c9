//! "Confirm your password": a signed-in user proves again to be the one at the keyboard
//! before an act that could hand the account to someone else (an admin changing an address or
//! a role; anyone adding or removing a sign-in method). The proof is stored with the session
//! on the server (`sessions.reauthenticated_at`) and lasts [`AdminPolicy::reauth_valid_for`];
//! a stolen cookie alone therefore does none of these acts.

use std::net::IpAddr;

use chrono::{DateTime, Utc};
use latch_domain::{AuditKind, AuditOutcome, CandidatePassword};

use crate::audit::{self, AuditEvent};
use crate::auth::OwnPasswordCheck;
use crate::entities::user;
use crate::password_hash::HashError;
use crate::policies::AdminPolicy;
use crate::services::Services;
use crate::sessions;
use crate::throttle;

#[derive(Debug, thiserror::Error)]
pub enum ConfirmError {
    #[error("the password is wrong")]
    WrongPassword,
    /// Too many wrong passwords for this account (Account Settings' counter).
    #[error("too many wrong passwords; try again at {retry_at}")]
    Throttled { retry_at: DateTime<Utc> },
    /// The session ended while the user was confirming.
    #[error("the session ended")]
    SessionEnded,
    #[error("the server is busy")]
    Busy,
    #[error(transparent)]
    Unexpected(#[from] anyhow::Error),
}

impl From<HashError> for ConfirmError {
    fn from(err: HashError) -> Self {
        match err {
            HashError::Busy => ConfirmError::Busy,
            HashError::Unexpected(err) => ConfirmError::Unexpected(err),
        }
    }
}

/// Whether a session confirmed at `confirmed_at` still counts as confirmed at `now`.
pub fn is_recent(
    confirmed_at: Option<DateTime<Utc>>,
    policy: &AdminPolicy,
    now: DateTime<Utc>,
) -> bool {
    confirmed_at.is_some_and(|at| at <= now && now - at < policy.reauth_valid_for)
}

/// Checks `password` against `user`'s own and, when it matches, marks the session
/// `session_key` as freshly confirmed. The check is Account Settings': counted before its
/// hash by the user's password-check counter and the client's (so this form is no better for
/// guessing than the login page), audited as `kind` whatever the outcome.
pub async fn confirm_password(
    services: &Services,
    user: &user::Model,
    session_key: &str,
    password: &str,
    client_ip: Option<IpAddr>,
    kind: AuditKind,
    now: DateTime<Utc>,
) -> Result<(), ConfirmError> {
    let (db, hasher, login_policy) = (&services.db, &services.hasher, &services.login_policy);
    let check = OwnPasswordCheck::new(login_policy, user.id, client_ip);
    let counters = &check.counters;
    let audit = |outcome| AuditEvent::own(user, kind, outcome, client_ip);

    let reserved = throttle::reserve_all(db, counters, now).await?;
    if let Err(retry_at) = reserved {
        audit::record(db, audit(AuditOutcome::Throttled), now).await?;
        return Err(ConfirmError::Throttled { retry_at });
    }
    let matched = match CandidatePassword::parse(password) {
        Ok(candidate) => match hasher
            .verify(&candidate, user.password_hash.as_deref())
            .await
        {
            Ok(verification) => verification.matched,
            Err(unchecked) => {
                // Not a wrong guess: the server could not check it.
                throttle::refund_all(db, counters, now).await?;
                return Err(unchecked.into());
            }
        },
        // Longer than any password can be.
        Err(_) => false,
    };
    if !matched {
        // Already counted by the reservation.
        audit::record(db, audit(AuditOutcome::Failed), now).await?;
        tracing::info!(user_id = %user.id, "password confirmation refused");
        return Err(ConfirmError::WrongPassword);
    }
    if !sessions::mark_reauthenticated(db, session_key, now).await? {
        return Err(ConfirmError::SessionEnded);
    }
    throttle::clear(db, &check.own().0).await?;
    if let Some((key, limit)) = check.client() {
        throttle::refund(db, key, *limit, now).await?;
    }
    audit::record(db, audit(AuditOutcome::Succeeded), now).await?;
    Ok(())
}
