//! Webhooks: the CRM hears of what happens to its users (created, changed, deactivated,
//! signed out...) as signed POSTs to `LATCH_WEBHOOK_URL`.
//!
//! Each event is a row of the outbox (channel `webhook`), written in the same transaction as
//! the change it reports, so an event exists exactly when its change committed. The outbox
//! worker delivers it like mail: retried with back-off while the receiver is down, never lost
//! across restarts, given up after the outbox's retry period. Delivery is at least once; the
//! event's `id` (also `Latch-Event-Id`) is the same on every attempt, so the receiver
//! de-duplicates by it.

mod delivery;
mod event;
mod signature;

pub use delivery::Endpoint;
pub use event::{Event, SessionEndReason};
pub use signature::{SecretTooShort, WebhookSecret, sign};

use chrono::{DateTime, Utc};
use sea_orm::ConnectionTrait;
use uuid::Uuid;

use crate::entities::user;
use crate::outbox;
use crate::server_key::ServerKey;

/// Whether events are recorded, as the code that makes them sees it. Off (no
/// `LATCH_WEBHOOK_URL`): nothing is written at all.
#[derive(Clone, Debug, Default)]
pub struct Webhooks {
    /// Names sessions in `session.ended` (the identity token's `sid`); `None`: off.
    server_key: Option<ServerKey>,
}

impl Webhooks {
    /// No webhook is configured: events are not recorded.
    pub fn off() -> Self {
        Self { server_key: None }
    }

    /// Events are recorded for delivery; sessions are named with `server_key`.
    pub fn on(server_key: ServerKey) -> Self {
        Self {
            server_key: Some(server_key),
        }
    }

    pub fn is_on(&self) -> bool {
        self.server_key.is_some()
    }

    /// Queues `event` for delivery (nothing when off). Pass the transaction of the change the
    /// event reports, so both commit or neither does. Returns the event's id, if one was
    /// queued (an update that changed nothing the CRM sees queues none).
    pub async fn publish(
        &self,
        db: &impl ConnectionTrait,
        event: Event<'_>,
        now: DateTime<Utc>,
    ) -> anyhow::Result<Option<Uuid>> {
        let Some(server_key) = &self.server_key else {
            return Ok(None);
        };
        let id = Uuid::new_v4();
        let Some(body) = event.body(id, server_key, now) else {
            return Ok(None);
        };
        let row = outbox::NewEvent {
            id,
            user_id: Some(event.user().id),
            kind: event.kind(),
            body,
        };
        outbox::enqueue_event(db, row, now).await?;
        tracing::info!(event_id = %id, kind = event.kind(), "webhook event queued");
        Ok(Some(id))
    }

    /// One `session.ended` per key in `session_keys` (the sessions of `user` just ended).
    pub async fn sessions_ended(
        &self,
        db: &impl ConnectionTrait,
        user: &user::Model,
        session_keys: &[String],
        reason: SessionEndReason,
        now: DateTime<Utc>,
    ) -> anyhow::Result<()> {
        for session_key in session_keys {
            let ended = Event::SessionEnded {
                user,
                session_key,
                reason,
            };
            self.publish(db, ended, now).await?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests;
