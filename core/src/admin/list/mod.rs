//! The admin's user list: one page of their company's users, searched and sorted in the
//! database (two queries per page, however large the company).

use anyhow::Context;
use chrono::{DateTime, Utc};
use latch_domain::{Page, Role, UserSort};
use sea_orm::sea_query::{Alias, Expr, ExprTrait, Query};
use sea_orm::{
    ColumnTrait, Condition, ConnectionTrait, EntityTrait, Order, PaginatorTrait, QueryFilter,
    QueryOrder, QuerySelect,
};
use uuid::Uuid;

use super::Admin;
use crate::entities::{outbox_message, user};
use crate::outbox::Channel;

mod search;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UserQuery {
    /// Part of a name, username or email address; case-insensitive. Empty: everyone.
    pub search: String,
    pub sort: UserSort,
    pub descending: bool,
    /// 1-based.
    pub page: u64,
    pub per_page: u64,
}

impl UserQuery {
    /// Page `page` (1-based) of the default size.
    pub fn new(search: String, sort: UserSort, descending: bool, page: u64) -> Self {
        Self {
            search,
            sort,
            descending,
            page,
            ..Self::default()
        }
    }
}

impl Default for UserQuery {
    fn default() -> Self {
        Self {
            search: String::new(),
            sort: UserSort::Name,
            descending: false,
            page: 1,
            per_page: 25,
        }
    }
}

/// The most recent email to a user, as the admin may see it: never its link.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LastMail {
    pub template: String,
    /// `queued`, `sending`, `sent`, `retrying` or `failed`.
    pub status: String,
    pub last_error: Option<String>,
    pub queued_at: DateTime<Utc>,
    /// When the SMTP server accepted it.
    pub sent_at: Option<DateTime<Utc>>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UserRow {
    pub id: Uuid,
    pub display_name: String,
    pub username: String,
    pub email: String,
    pub role: Role,
    pub active: bool,
    /// `false` for an invited user who has not chosen a password yet.
    pub has_password: bool,
    pub last_login_at: Option<DateTime<Utc>>,
    pub last_mail: Option<LastMail>,
}

impl UserRow {
    fn new(user: user::Model, last_mail: Option<LastMail>) -> Self {
        Self {
            id: user.id,
            display_name: user.display_name,
            username: user.username,
            email: user.email,
            role: user.role,
            active: user.active,
            has_password: user.password_hash.is_some(),
            last_login_at: user.last_login_at,
            last_mail,
        }
    }
}

pub const MAX_PER_PAGE: u64 = 100;

pub async fn list_users(
    db: &impl ConnectionTrait,
    admin: &Admin,
    query: &UserQuery,
) -> anyhow::Result<Page<UserRow>> {
    let per_page = query.per_page.clamp(1, MAX_PER_PAGE);
    let search = query.search.trim().to_lowercase();
    // The count and the page both need the matches: a search that finds few finds them once.
    let few = search::few_matches(db, admin.company_id(), &search, search::FEW).await?;
    let (filter, total) = match few {
        Some(ids) => {
            let total = ids.len() as u64;
            (Condition::all().add(user::Column::Id.is_in(ids)), total)
        }
        None => {
            let filter = search::matching(admin.company_id(), &search);
            let total = user::Entity::find()
                .filter(filter.clone())
                .count(db)
                .await
                .context("counting users")?;
            (filter, total)
        }
    };
    let page = query.page.clamp(1, Page::<UserRow>::count(total, per_page));
    let users = page_select(filter, query, page, per_page)
        .all(db)
        .await
        .context("listing users")?;

    let mut last_mails = latest_mail_per_user(db, users.iter().map(|u| u.id).collect()).await?;
    let rows = users
        .into_iter()
        .map(|user| {
            let last_mail = last_mails.remove(&user.id);
            UserRow::new(user, last_mail)
        })
        .collect();
    Ok(Page::new(rows, total, page, per_page))
}

/// One page of `filter`'s users in the requested order.
fn page_select(
    filter: Condition,
    query: &UserQuery,
    page: u64,
    per_page: u64,
) -> sea_orm::Select<user::Entity> {
    let order = if query.descending {
        Order::Desc
    } else {
        Order::Asc
    };
    let column = match query.sort {
        UserSort::Name => user::Column::DisplayName,
        UserSort::Username => user::Column::UsernameKey,
        UserSort::Email => user::Column::EmailKey,
        UserSort::Role => user::Column::Role,
        UserSort::LastLogin => user::Column::LastLoginAt,
    };
    user::Entity::find()
        .filter(filter)
        .order_by(column, order.clone())
        // A stable order among equal values, so pages never overlap.
        .order_by(user::Column::Id, order)
        .offset((page - 1) * per_page)
        .limit(per_page)
}

/// The newest email of each of `user_ids`, in one query: mail rows with no newer mail row for
/// the same user (the `(user_id, created_at)` index answers the inner lookup). Webhook events
/// share the outbox but are no mail to the user.
async fn latest_mail_per_user(
    db: &impl ConnectionTrait,
    user_ids: Vec<Uuid>,
) -> anyhow::Result<std::collections::HashMap<Uuid, LastMail>> {
    if user_ids.is_empty() {
        return Ok(Default::default());
    }
    let newer = Alias::new("newer");
    let no_newer_row = Expr::exists(
        Query::select()
            .expr(Expr::val(1))
            .from_as(outbox_message::Entity, newer.clone())
            .and_where(
                Expr::col((newer.clone(), outbox_message::Column::UserId))
                    .equals((outbox_message::Entity, outbox_message::Column::UserId)),
            )
            .and_where(
                Expr::col((newer.clone(), outbox_message::Column::CreatedAt)).gt(Expr::col((
                    outbox_message::Entity,
                    outbox_message::Column::CreatedAt,
                ))),
            )
            .and_where(
                Expr::col((newer, outbox_message::Column::Channel)).eq(Channel::Mail.as_str()),
            )
            .to_owned(),
    )
    .not();
    let rows = outbox_message::Entity::find()
        .filter(outbox_message::Column::UserId.is_in(user_ids))
        .filter(outbox_message::Column::Channel.eq(Channel::Mail.as_str()))
        .filter(no_newer_row)
        .all(db)
        .await
        .context("looking up the users' last emails")?;
    Ok(rows
        .into_iter()
        .filter_map(|row| {
            let user_id = row.user_id?;
            Some((
                user_id,
                LastMail {
                    template: row.template,
                    status: row.status,
                    last_error: row.last_error,
                    queued_at: row.created_at,
                    sent_at: row.sent_at,
                },
            ))
        })
        .collect())
}

/// The list's row for one user (the confirmation and management pages).
pub async fn user_row(
    db: &impl ConnectionTrait,
    target: &super::Target,
) -> anyhow::Result<UserRow> {
    let user = target.user().clone();
    let mut last_mails = latest_mail_per_user(db, vec![user.id]).await?;
    let last_mail = last_mails.remove(&user.id);
    Ok(UserRow::new(user, last_mail))
}

#[cfg(test)]
mod tests;
