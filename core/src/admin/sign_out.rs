//! An admin's "Sign out everywhere": every session of a user of their company ends (a lost
//! laptop, a shared password), the user stays active and can log in again.
//!
//! No "Confirm your password" first: that step guards the acts that could hand an account to
//! someone else (an email address, a role). Signing out hands nothing over, and the stronger
//! "Deactivate user", which also signs out everywhere, does not ask for it either.

use std::net::IpAddr;

use anyhow::Context;
use chrono::{DateTime, Utc};
use latch_domain::{AuditKind, AuditOutcome};
use sea_orm::{DatabaseConnection, TransactionTrait};

use super::actions::event;
use super::{Actor, AdminError, Target};
use crate::audit;
use crate::sessions;
use crate::webhooks::{SessionEndReason, Webhooks};

/// Ends every session of `target` (found through `actor`, so of the admin's own company).
/// Returns how many ended.
pub async fn sign_out_everywhere(
    db: &DatabaseConnection,
    webhooks: &Webhooks,
    actor: Actor<'_>,
    target: &Target,
    client_ip: Option<IpAddr>,
    now: DateTime<Utc>,
) -> Result<u64, AdminError> {
    let user = target.user();
    let txn = db.begin().await.context("starting the sign-out")?;
    let ended_keys = sessions::end_all_for_user(&txn, user.id, None).await?;
    let ended = ended_keys.len() as u64;
    let details = serde_json::json!({ "sessions_ended": ended });
    let signed_out = event(
        actor,
        user,
        AuditKind::SignedOutEverywhere,
        AuditOutcome::Succeeded,
        client_ip,
        Some(details),
    );
    audit::record(&txn, signed_out, now).await?;
    webhooks
        .sessions_ended(&txn, user, &ended_keys, SessionEndReason::AdminSignOut, now)
        .await?;
    txn.commit().await.context("committing the sign-out")?;
    tracing::info!(user_id = %user.id, sessions_ended = ended, "user signed out everywhere by an admin");
    Ok(ended)
}
