//! "Confirm your password": an admin proves again to be the one at the keyboard before an act
//! that could hand an account to someone else (a user's email address, a role). The proof is
//! stored with the session on the server (`sessions.reauthenticated_at`) and lasts
//! [`AdminPolicy::reauth_valid_for`]; a stolen cookie alone therefore changes no address.

use std::net::IpAddr;

use chrono::{DateTime, Utc};
use latch_domain::{AuditKind, AuditOutcome, CandidatePassword};

use super::{Admin, AdminError};
use crate::audit::{self, AuditEvent};
use crate::auth::OwnPasswordCheck;
use crate::services::Services;
use crate::sessions;
use crate::throttle;

/// Checks `password` against the admin's own and, when it matches, marks their session as
/// freshly confirmed. The check is Account Settings': counted before its hash by the user's
/// password-check counter and the client's (so this form is no better for guessing than the
/// login page), audited whatever the outcome.
pub async fn reauthenticate(
    services: &Services,
    admin: &Admin,
    password: &str,
    client_ip: Option<IpAddr>,
    now: DateTime<Utc>,
) -> Result<(), AdminError> {
    let (db, hasher, login_policy) = (&services.db, &services.hasher, &services.login_policy);
    let user = admin.user();
    // The counters Account Settings' Existing password uses.
    let check = OwnPasswordCheck::new(login_policy, user.id, client_ip);
    let counters = &check.counters;
    let audit =
        |outcome| AuditEvent::own(user, AuditKind::AdminReauthenticated, outcome, client_ip);

    let reserved = throttle::reserve_all(db, counters, now).await?;
    if let Err(retry_at) = reserved {
        audit::record(db, audit(AuditOutcome::Throttled), now).await?;
        return Err(AdminError::ReauthThrottled { retry_at });
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
        tracing::info!(user_id = %user.id, "admin password confirmation refused");
        return Err(AdminError::WrongPassword);
    }
    if !sessions::mark_reauthenticated(db, &admin.1.key, now).await? {
        return Err(AdminError::SessionEnded);
    }
    throttle::clear(db, &check.own().0).await?;
    if let Some((key, limit)) = check.client() {
        throttle::refund(db, key, *limit, now).await?;
    }
    audit::record(db, audit(AuditOutcome::Succeeded), now).await?;
    Ok(())
}
