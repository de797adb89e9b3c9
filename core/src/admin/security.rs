//! A company's security policy, as its admins' "Security" page and the operator's `latch
//! company set` change it: who must use two-step verification, and whether a login from a
//! browser new to the account mails its user. A change needs an admin's password confirmed
//! in the last minutes (the operator needs none) and is audited with the values before and
//! after.

use std::net::IpAddr;

use anyhow::Context;
use chrono::{DateTime, Utc};
use latch_domain::{AuditKind, AuditOutcome};
use sea_orm::{ActiveModelTrait, DatabaseConnection, EntityTrait, Set, TransactionTrait};
use uuid::Uuid;

use super::{Actor, AdminError, AdminPolicy};
use crate::audit::{self, AuditEvent};
use crate::entities::company;
use crate::two_factor::Requirement;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SecurityPolicy {
    pub require_2fa: Requirement,
    pub new_sign_in_alerts: bool,
}

impl SecurityPolicy {
    fn of(company: &company::Model) -> Self {
        Self {
            require_2fa: Requirement::of(company),
            new_sign_in_alerts: company.new_sign_in_alerts,
        }
    }

    fn as_json(&self) -> serde_json::Value {
        serde_json::json!({
            "require_2fa": self.require_2fa.as_str(),
            "new_sign_in_alerts": self.new_sign_in_alerts,
        })
    }
}

async fn company_of(
    db: &DatabaseConnection,
    company_id: Uuid,
) -> Result<company::Model, AdminError> {
    company::Entity::find_by_id(company_id)
        .one(db)
        .await
        .context("loading the company")?
        .ok_or(AdminError::UnknownUser)
}

/// The company's policy as it stands.
pub async fn security_policy(
    db: &DatabaseConnection,
    company_id: Uuid,
) -> Result<SecurityPolicy, AdminError> {
    Ok(SecurityPolicy::of(&company_of(db, company_id).await?))
}

/// Sets the company's policy to `wanted`. Nothing is written or recorded when nothing
/// changes.
pub async fn set_security_policy(
    db: &DatabaseConnection,
    policy: &AdminPolicy,
    actor: Actor<'_>,
    company_id: Uuid,
    wanted: SecurityPolicy,
    client_ip: Option<IpAddr>,
    now: DateTime<Utc>,
) -> Result<(), AdminError> {
    let company = company_of(db, company_id).await?;
    let before = SecurityPolicy::of(&company);
    if before == wanted {
        return Ok(());
    }
    let details = serde_json::json!({ "from": before.as_json(), "to": wanted.as_json() });
    let event = |outcome| AuditEvent {
        company_id: Some(company_id),
        actor_user_id: actor.user_id(),
        target_user_id: None,
        kind: AuditKind::SecurityPolicyChanged,
        outcome,
        client_ip: client_ip.map(|ip| ip.to_string()),
        details: Some(details.clone()),
    };
    if let Err(refused) = actor.require_reauth(policy, now) {
        audit::record(db, event(AuditOutcome::ReauthRequired), now).await?;
        return Err(refused);
    }
    let txn = db.begin().await.context("starting the policy change")?;
    let mut row: company::ActiveModel = company.into();
    row.require_2fa = Set(wanted.require_2fa.as_str().to_owned());
    row.new_sign_in_alerts = Set(wanted.new_sign_in_alerts);
    row.update(&txn).await.context("saving the policy")?;
    audit::record(&txn, event(AuditOutcome::Succeeded), now).await?;
    txn.commit().await.context("committing the policy change")?;
    Ok(())
}
