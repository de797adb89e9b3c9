//! The admin's user list: one page of their company's users, searched and sorted in the
//! database (two queries per page, however large the company).

use anyhow::Context;
use chrono::{DateTime, Utc};
use latch_domain::{Page, Role, UserSort};
use sea_orm::sea_query::{Alias, Expr, ExprTrait, LikeExpr, Query};
use sea_orm::{
    ColumnTrait, Condition, ConnectionTrait, EntityTrait, Order, PaginatorTrait, QueryFilter,
    QueryOrder, QuerySelect,
};
use uuid::Uuid;

use super::Admin;
use crate::entities::{outbox_message, user};

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
    let filter = matching(admin.company_id(), query);
    let total = user::Entity::find()
        .filter(filter.clone())
        .count(db)
        .await
        .context("counting users")?;
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

/// The company's users matching the search.
fn matching(company_id: Uuid, query: &UserQuery) -> Condition {
    let mut filter = Condition::all().add(user::Column::CompanyId.eq(company_id));
    let search = query.search.trim().to_lowercase();
    if !search.is_empty() {
        let pattern = format!("%{}%", escape_like(&search));
        let like = LikeExpr::new(pattern).escape('\\');
        filter = filter.add(Expr::col(user::Column::SearchKey).like(like));
    }
    filter
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

/// The newest outbox row of each of `user_ids`, in one query: rows with no newer row for the
/// same user (the `(user_id, created_at)` index answers the inner lookup).
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
                Expr::col((newer, outbox_message::Column::CreatedAt)).gt(Expr::col((
                    outbox_message::Entity,
                    outbox_message::Column::CreatedAt,
                ))),
            )
            .to_owned(),
    )
    .not();
    let rows = outbox_message::Entity::find()
        .filter(outbox_message::Column::UserId.is_in(user_ids))
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

/// Makes `%`, `_` and `\` in a search match themselves.
fn escape_like(input: &str) -> String {
    input
        .chars()
        .flat_map(|c| match c {
            '%' | '_' | '\\' => vec!['\\', c],
            c => vec![c],
        })
        .collect()
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
mod tests {
    use super::*;
    use crate::sessions::SessionUser;
    use chrono::Utc;
    use sea_orm::{ActiveModelTrait, ConnectionTrait, DatabaseConnection, Set, Statement};

    /// A fresh database with one company holding an admin and `members` members.
    async fn company_of(members: usize) -> (DatabaseConnection, Admin) {
        let db = crate::db::connect("sqlite::memory:").await.unwrap();
        crate::db::migrate(&db).await.unwrap();
        let company_id = Uuid::new_v4();
        crate::entities::company::ActiveModel {
            id: Set(company_id),
            name: Set("PT Besar".to_owned()),
            name_key: Set("pt besar".to_owned()),
            default_locale: Set("en".to_owned()),
            default_time_zone: Set("UTC".to_owned()),
            created_at: Set(Utc::now()),
        }
        .insert(&db)
        .await
        .unwrap();
        let row = |n: usize, role: Role| user::ActiveModel {
            id: Set(Uuid::new_v4()),
            company_id: Set(company_id),
            username: Set(format!("user{n:06}")),
            username_key: Set(format!("user{n:06}")),
            email: Set(format!("user{n:06}@example.co.id")),
            email_key: Set(format!("user{n:06}@example.co.id")),
            display_name: Set(format!("Pengguna {:06}", (n * 7919) % 1_000_003)),
            search_key: Set(user::search_key(
                &format!("Pengguna {:06}", (n * 7919) % 1_000_003),
                &format!("user{n:06}"),
                &format!("user{n:06}@example.co.id"),
            )),
            role: Set(role),
            password_hash: Set(None),
            active: Set(true),
            locale: Set(None),
            time_zone: Set(None),
            last_login_at: Set(None),
            created_at: Set(Utc::now()),
            updated_at: Set(Utc::now()),
        };
        let admin = row(0, Role::Admin).insert(&db).await.unwrap();
        for chunk in (1..=members).collect::<Vec<_>>().chunks(500) {
            user::Entity::insert_many(chunk.iter().map(|n| row(*n, Role::Member)))
                .exec(&db)
                .await
                .unwrap();
        }
        let session = SessionUser {
            user: admin,
            session_key: String::new(),
        };
        (db, Admin::from_session(&session).unwrap())
    }

    const SORTS: [UserSort; 5] = [
        UserSort::Name,
        UserSort::Username,
        UserSort::Email,
        UserSort::Role,
        UserSort::LastLogin,
    ];

    #[tokio::test]
    async fn every_sort_order_walks_an_index_instead_of_sorting_the_company() {
        let (db, admin) = company_of(10).await;
        for sort in SORTS {
            for descending in [false, true] {
                let query = UserQuery {
                    sort,
                    descending,
                    ..UserQuery::default()
                };
                let select = page_select(matching(admin.company_id(), &query), &query, 40, 25);
                let statement = sea_orm::QueryTrait::build(&select, db.get_database_backend());
                let plan = db
                    .query_all_raw(Statement::from_sql_and_values(
                        db.get_database_backend(),
                        format!("EXPLAIN QUERY PLAN {}", statement.sql),
                        statement.values.clone().map(|v| v.0).unwrap_or_default(),
                    ))
                    .await
                    .unwrap();
                let plan: Vec<String> = plan
                    .iter()
                    .map(|row| row.try_get::<String>("", "detail").unwrap())
                    .collect();
                assert!(
                    plan.iter().all(|step| !step.contains("TEMP B-TREE")),
                    "{sort:?} descending={descending} sorts in memory: {plan:?}"
                );
                assert!(
                    plan.iter().any(|step| step.contains("USING INDEX")),
                    "{sort:?}: {plan:?}"
                );
            }
        }
    }

    #[tokio::test]
    async fn pages_partition_the_company_and_search_escapes_wildcards() {
        let (db, admin) = company_of(60).await;
        let mut seen = std::collections::HashSet::new();
        for page in 1..=3 {
            let query = UserQuery {
                sort: UserSort::Name,
                page,
                ..UserQuery::default()
            };
            let found = list_users(&db, &admin, &query).await.unwrap();
            assert_eq!(found.total, 61);
            assert_eq!(found.page_count, 3);
            for row in found.rows {
                assert!(seen.insert(row.id), "a user on two pages");
            }
        }
        assert_eq!(seen.len(), 61);
        let beyond = UserQuery {
            page: 99,
            ..UserQuery::default()
        };
        assert_eq!(
            list_users(&db, &admin, &beyond).await.unwrap().page,
            3,
            "clamped to the last page"
        );
        let search = |text: &str| UserQuery {
            search: text.to_owned(),
            ..UserQuery::default()
        };
        let found = list_users(&db, &admin, &search("USER00001")).await.unwrap();
        assert_eq!(found.total, 10, "user000010..19");
        let found = list_users(&db, &admin, &search("_")).await.unwrap();
        assert_eq!(found.total, 0, "'_' matches itself, not any character");
    }

    /// `cargo test --release -p latch-core user_list_at_scale -- --ignored --nocapture`:
    /// p50/p95 of the admin's list (page 1, a middle page, a search) at 1,000 and 100,000 users
    /// in one company, SQLite in memory.
    #[tokio::test]
    #[ignore = "benchmark: run explicitly"]
    async fn user_list_at_scale() {
        println!("| users | view | p50 ms | p95 ms |");
        println!("|---:|---|---:|---:|");
        for size in [1_000usize, 100_000] {
            let (db, admin) = company_of(size).await;
            let middle = (size as u64 / 25) / 2;
            let views = [
                ("page 1, by name", UserQuery::default()),
                (
                    "middle page, by name",
                    UserQuery {
                        page: middle,
                        ..UserQuery::default()
                    },
                ),
                (
                    "middle page, by last login desc",
                    UserQuery {
                        page: middle,
                        sort: UserSort::LastLogin,
                        descending: true,
                        ..UserQuery::default()
                    },
                ),
                (
                    "search \"user0004\"",
                    UserQuery {
                        search: "user0004".to_owned(),
                        ..UserQuery::default()
                    },
                ),
            ];
            for (label, query) in views {
                let mut times = Vec::new();
                for _ in 0..40 {
                    let start = std::time::Instant::now();
                    let found = list_users(&db, &admin, &query).await.unwrap();
                    times.push(start.elapsed().as_secs_f64() * 1000.0);
                    assert!(found.rows.len() <= 25);
                }
                times.sort_by(f64::total_cmp);
                println!(
                    "| {size} | {label} | {:.2} | {:.2} |",
                    times[times.len() / 2],
                    times[times.len() * 95 / 100]
                );
            }
        }
    }
}
