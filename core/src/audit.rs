//! The audit trail: who did what to whom, when, from where, and how it ended.

use anyhow::Context;
use chrono::{DateTime, Utc};
use latch_domain::{AuditKind, AuditOutcome};
use sea_orm::{ActiveModelTrait, ConnectionTrait, Set};
use uuid::Uuid;

use crate::entities::audit_event;

/// One event to record.
#[derive(Debug, Clone)]
pub struct AuditEvent {
    pub company_id: Option<Uuid>,
    pub actor_user_id: Option<Uuid>,
    pub target_user_id: Option<Uuid>,
    pub kind: AuditKind,
    pub outcome: AuditOutcome,
    pub client_ip: Option<String>,
    /// Extra facts as JSON; never secrets.
    pub details: Option<serde_json::Value>,
}

impl AuditEvent {
    /// `user` acting on their own account (logging out, changing their password, signing
    /// their devices out...), from `client_ip`; no details.
    pub fn own(
        user: &crate::entities::user::Model,
        kind: AuditKind,
        outcome: AuditOutcome,
        client_ip: Option<std::net::IpAddr>,
    ) -> Self {
        Self {
            company_id: Some(user.company_id),
            actor_user_id: Some(user.id),
            target_user_id: Some(user.id),
            kind,
            outcome,
            client_ip: client_ip.map(|ip| ip.to_string()),
            details: None,
        }
    }
}

impl AuditEvent {
    /// The same event with `details` (never secrets).
    pub fn with_details(self, details: serde_json::Value) -> Self {
        Self {
            details: Some(details),
            ..self
        }
    }
}

pub async fn record(
    db: &impl ConnectionTrait,
    event: AuditEvent,
    now: DateTime<Utc>,
) -> anyhow::Result<()> {
    audit_event::ActiveModel {
        id: Set(Uuid::new_v4()),
        company_id: Set(event.company_id),
        actor_user_id: Set(event.actor_user_id),
        target_user_id: Set(event.target_user_id),
        kind: Set(event.kind.as_str().to_owned()),
        outcome: Set(event.outcome.as_str().to_owned()),
        client_ip: Set(event.client_ip),
        details: Set(event.details.map(|d| d.to_string())),
        created_at: Set(now),
    }
    .insert(db)
    .await
    .context("recording an audit event")?;
    Ok(())
}
