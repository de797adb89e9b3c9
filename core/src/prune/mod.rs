//! Forgetting what no longer matters, so the tables do not grow with every visitor: ended
//! sessions, finished throttle counters, dead links, unanswered second steps and passkey
//! challenges, and audit events past their retention.
//! Every instance runs it; it only deletes what is already dead, so two at once do no harm.

use anyhow::Context;
use chrono::{DateTime, Duration, Utc};
use sea_orm::{ColumnTrait, Condition, ConnectionTrait, EntityTrait, QueryFilter};
use tokio::sync::watch;

use crate::entities::{
    audit_event, login_step, passkey_ceremony, rate_limit, reset_token, session,
};

/// How long dead rows are kept before they go.
#[derive(Debug, Clone, Copy)]
pub struct Retention {
    /// Used, expired or voided links: kept a while, so "this link was already used" can still
    /// be told apart from "no such link".
    pub links: Duration,
    /// The audit trail (a year and a bit by default: a year-on-year question can be answered).
    pub audit_events: Duration,
}

impl Default for Retention {
    fn default() -> Self {
        Self {
            links: Duration::days(7),
            audit_events: Duration::days(400),
        }
    }
}

/// A throttle counter untouched this long and not blocking is finished: every window is an
/// hour at most, so it would restart at its next use anyway.
const FINISHED_COUNTER: Duration = Duration::days(1);

/// How many rows one round deleted.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct Pruned {
    pub sessions: u64,
    pub rate_limits: u64,
    pub links: u64,
    /// Expired second login steps and passkey ceremonies (five minutes each).
    pub pending_steps: u64,
    pub audit_events: u64,
}

/// One round, by the clock it is given.
pub async fn prune(
    db: &impl ConnectionTrait,
    retention: Retention,
    now: DateTime<Utc>,
) -> anyhow::Result<Pruned> {
    let sessions = session::Entity::delete_many()
        .filter(
            Condition::any()
                .add(session::Column::ExpiresAt.lte(now))
                .add(session::Column::AbsoluteExpiresAt.lte(now)),
        )
        .exec(db)
        .await
        .context("pruning ended sessions")?
        .rows_affected;
    let rate_limits = rate_limit::Entity::delete_many()
        .filter(rate_limit::Column::UpdatedAt.lte(now - FINISHED_COUNTER))
        .filter(
            Condition::any()
                .add(rate_limit::Column::BlockedUntil.is_null())
                .add(rate_limit::Column::BlockedUntil.lte(now)),
        )
        .exec(db)
        .await
        .context("pruning finished throttle counters")?
        .rows_affected;
    let dead_since = now - retention.links;
    let links = reset_token::Entity::delete_many()
        .filter(
            Condition::any()
                .add(reset_token::Column::UsedAt.lte(dead_since))
                .add(reset_token::Column::RevokedAt.lte(dead_since))
                .add(reset_token::Column::ExpiresAt.lte(dead_since)),
        )
        .exec(db)
        .await
        .context("pruning dead links")?
        .rows_affected;
    let steps = login_step::Entity::delete_many()
        .filter(login_step::Column::ExpiresAt.lte(now))
        .exec(db)
        .await
        .context("pruning expired login steps")?
        .rows_affected;
    let ceremonies = passkey_ceremony::Entity::delete_many()
        .filter(passkey_ceremony::Column::ExpiresAt.lte(now))
        .exec(db)
        .await
        .context("pruning expired passkey ceremonies")?
        .rows_affected;
    let audit_events = audit_event::Entity::delete_many()
        .filter(audit_event::Column::CreatedAt.lte(now - retention.audit_events))
        .exec(db)
        .await
        .context("pruning old audit events")?
        .rows_affected;
    Ok(Pruned {
        sessions,
        rate_limits,
        links,
        pending_steps: steps + ceremonies,
        audit_events,
    })
}

/// Prunes every `every` until `stop` says so. A failed round is logged and tried again at the
/// next one (the database may be away for a while).
pub async fn run_pruner<C: ConnectionTrait>(
    db: C,
    retention: Retention,
    every: std::time::Duration,
    mut stop: watch::Receiver<bool>,
) {
    while !*stop.borrow() {
        match prune(&db, retention, Utc::now()).await {
            Ok(pruned) if pruned != Pruned::default() => tracing::info!(?pruned, "pruned"),
            Ok(_) => {}
            Err(err) => tracing::warn!("pruning failed: {err:#}"),
        }
        tokio::select! {
            _ = tokio::time::sleep(every) => {}
            _ = stop.wait_for(|stopped| *stopped) => {}
        }
    }
}

#[cfg(test)]
mod tests;
