//! "Activity": the company's audit trail for its admins, newest first.

use std::collections::HashMap;

use anyhow::Context;
use chrono::{DateTime, Utc};
use latch_domain::Page;
use sea_orm::{
    ColumnTrait, Condition, ConnectionTrait, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder,
    QuerySelect,
};
use uuid::Uuid;

use super::Admin;
use crate::entities::{audit_event, user};

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ActivityQuery {
    /// Only events of this kind (`login`, `password_changed`, `admin_password_reset`...).
    pub kind: Option<String>,
    /// Only events done by or to this user.
    pub user_id: Option<Uuid>,
    /// 1-based.
    pub page: u64,
    pub per_page: u64,
}

impl ActivityQuery {
    /// Page `page` (1-based) of the default size; `kind` blank for every kind.
    pub fn new(kind: String, page: u64) -> Self {
        Self {
            kind: Some(kind).filter(|kind| !kind.is_empty()),
            page,
            ..Self::default()
        }
    }
}

impl Default for ActivityQuery {
    fn default() -> Self {
        Self {
            kind: None,
            user_id: None,
            page: 1,
            per_page: 50,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ActivityRow {
    pub at: DateTime<Utc>,
    pub kind: String,
    pub outcome: String,
    /// Display names; `None` for the operator (command line) or an unknown account.
    pub actor: Option<String>,
    pub target: Option<String>,
    pub client_ip: Option<String>,
}

pub async fn list_activity(
    db: &impl ConnectionTrait,
    admin: &Admin,
    query: &ActivityQuery,
) -> anyhow::Result<Page<ActivityRow>> {
    let per_page = query.per_page.clamp(1, 200);
    let mut filter = Condition::all().add(audit_event::Column::CompanyId.eq(admin.company_id()));
    if let Some(kind) = query.kind.as_deref().filter(|k| !k.is_empty()) {
        filter = filter.add(audit_event::Column::Kind.eq(kind));
    }
    if let Some(user_id) = query.user_id {
        filter = filter.add(
            Condition::any()
                .add(audit_event::Column::ActorUserId.eq(user_id))
                .add(audit_event::Column::TargetUserId.eq(user_id)),
        );
    }
    let total = audit_event::Entity::find()
        .filter(filter.clone())
        .count(db)
        .await
        .context("counting events")?;
    let page = query
        .page
        .clamp(1, Page::<ActivityRow>::count(total, per_page));
    let events = audit_event::Entity::find()
        .filter(filter)
        .order_by_desc(audit_event::Column::CreatedAt)
        .order_by_desc(audit_event::Column::Id)
        .offset((page - 1) * per_page)
        .limit(per_page)
        .all(db)
        .await
        .context("listing events")?;

    let ids: Vec<Uuid> = events
        .iter()
        .flat_map(|e| [e.actor_user_id, e.target_user_id])
        .flatten()
        .collect();
    let names: HashMap<Uuid, String> = user::Entity::find()
        .filter(user::Column::Id.is_in(ids))
        .filter(user::Column::CompanyId.eq(admin.company_id()))
        .all(db)
        .await
        .context("naming the people in the events")?
        .into_iter()
        .map(|u| (u.id, format!("{} ({})", u.display_name, u.username)))
        .collect();
    let name = |id: Option<Uuid>| id.and_then(|id| names.get(&id).cloned());
    let rows = events
        .into_iter()
        .map(|e| ActivityRow {
            actor: name(e.actor_user_id),
            target: name(e.target_user_id),
            at: e.created_at,
            kind: e.kind,
            outcome: e.outcome,
            client_ip: e.client_ip,
        })
        .collect();
    Ok(Page::new(rows, total, page, per_page))
}
