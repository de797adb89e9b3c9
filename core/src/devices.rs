//! "Your devices": the signed-in user's live sessions, and signing some of them out. Each
//! sign-out is audited in the same transaction that ends the sessions. Sessions are named by
//! their public handle (see `sessions::start`); their ids never leave the server.

use std::net::IpAddr;

use anyhow::Context;
use chrono::{DateTime, Utc};
use latch_domain::{AuditKind, AuditOutcome, DeviceKind};
use sea_orm::{
    ColumnTrait, ConnectionTrait, DatabaseConnection, EntityTrait, QueryFilter, QueryOrder,
    TransactionTrait,
};

use crate::audit::{self, AuditEvent};
use crate::entities::session;
use crate::sessions::{self, SessionUser};
use crate::webhooks::{SessionEndReason, Webhooks};

/// One live session of the user, as "Your devices" lists it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Device {
    /// What a "Sign out" form sends back; `None` for a session started before Latch had
    /// handles (it ends with "Sign out of all other devices").
    pub handle: Option<String>,
    pub kind: DeviceKind,
    /// The address it signed in from.
    pub client_ip: Option<String>,
    pub signed_in_at: DateTime<Utc>,
    pub last_active_at: DateTime<Utc>,
    /// The browser asking.
    pub this_device: bool,
}

#[derive(Debug, thiserror::Error)]
pub enum DeviceError {
    /// The handle names no other live session of this user: already signed out, another
    /// user's, or made up. One answer for all.
    #[error("no such device")]
    UnknownDevice,
    #[error(transparent)]
    Unexpected(#[from] anyhow::Error),
}

/// The live sessions of `me`'s user, most recently active first.
pub async fn list(
    db: &impl ConnectionTrait,
    me: &SessionUser,
    now: DateTime<Utc>,
) -> anyhow::Result<Vec<Device>> {
    let rows = session::Entity::find()
        .filter(session::Column::UserId.eq(me.user.id))
        .filter(session::Column::ExpiresAt.gt(now))
        .filter(session::Column::AbsoluteExpiresAt.gt(now))
        .order_by_desc(session::Column::LastSeenAt)
        .order_by_desc(session::Column::CreatedAt)
        .all(db)
        .await
        .context("listing the user's sessions")?;
    Ok(rows
        .into_iter()
        .map(|row| Device {
            this_device: row.id == me.session_key,
            kind: DeviceKind::from_user_agent(row.user_agent.as_deref()),
            handle: row.handle,
            client_ip: row.client_ip,
            signed_in_at: row.created_at,
            last_active_at: row.last_seen_at,
        })
        .collect())
}

/// "Sign out" on one of `me`'s other devices. A handle that names none of them (another
/// user's, this browser's own, one already gone) ends nothing and is refused, and the attempt
/// is recorded all the same.
pub async fn sign_out_device(
    db: &DatabaseConnection,
    webhooks: &Webhooks,
    me: &SessionUser,
    handle: &str,
    client_ip: Option<IpAddr>,
    now: DateTime<Utc>,
) -> Result<(), DeviceError> {
    // A handle is 32 hex digits; anything else is not worth a query, but is still recorded.
    let plausible = handle.len() == 32 && handle.bytes().all(|b| b.is_ascii_hexdigit());
    let txn = db.begin().await.context("starting the sign-out")?;
    let ended = match plausible {
        true => sessions::end_by_handle(&txn, me.user.id, handle, &me.session_key).await?,
        false => None,
    };
    let outcome = if ended.is_some() {
        AuditOutcome::Succeeded
    } else {
        AuditOutcome::Failed
    };
    let event = AuditEvent::own(&me.user, AuditKind::DeviceSignedOut, outcome, client_ip);
    audit::record(&txn, event, now).await?;
    let ended: Vec<String> = ended.into_iter().collect();
    webhooks
        .sessions_ended(
            &txn,
            &me.user,
            &ended,
            SessionEndReason::SignedOutByUser,
            now,
        )
        .await?;
    txn.commit().await.context("committing the sign-out")?;
    if ended.is_empty() {
        tracing::info!(user_id = %me.user.id, "device sign-out refused: unknown handle");
        return Err(DeviceError::UnknownDevice);
    }
    tracing::info!(user_id = %me.user.id, "device signed out");
    Ok(())
}

/// "Sign out of all other devices": every session of `me`'s user but this one ends. Returns
/// how many did.
pub async fn sign_out_other_devices(
    db: &DatabaseConnection,
    webhooks: &Webhooks,
    me: &SessionUser,
    client_ip: Option<IpAddr>,
    now: DateTime<Utc>,
) -> anyhow::Result<u64> {
    let txn = db.begin().await.context("starting the sign-out")?;
    let ended_keys = sessions::end_all_for_user(&txn, me.user.id, Some(&me.session_key)).await?;
    let ended = ended_keys.len() as u64;
    let details = serde_json::json!({ "sessions_ended": ended });
    let event = AuditEvent {
        details: Some(details),
        ..AuditEvent::own(
            &me.user,
            AuditKind::OtherDevicesSignedOut,
            AuditOutcome::Succeeded,
            client_ip,
        )
    };
    audit::record(&txn, event, now).await?;
    webhooks
        .sessions_ended(
            &txn,
            &me.user,
            &ended_keys,
            SessionEndReason::SignedOutByUser,
            now,
        )
        .await?;
    txn.commit().await.context("committing the sign-out")?;
    tracing::info!(user_id = %me.user.id, sessions_ended = ended, "other devices signed out");
    Ok(ended)
}
