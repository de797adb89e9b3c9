use super::*;
use crate::testing;
use chrono::Utc;
use sea_orm::{ActiveModelTrait, ConnectionTrait, DatabaseConnection, Set, Statement};

mod at_scale;
mod searching;
mod trigram_table;

/// A fresh in-memory database with one company holding an admin and `members` members.
async fn company_of(members: usize) -> (DatabaseConnection, Admin) {
    let db = crate::db::connect("sqlite::memory:").await.unwrap();
    crate::db::migrate(&db).await.unwrap();
    let admin = company_in(&db, members).await;
    (db, admin)
}

/// One company in `db` holding an admin and `members` members (user000001..), its admin.
async fn company_in(db: &DatabaseConnection, members: usize) -> Admin {
    let company_id = Uuid::new_v4();
    crate::entities::company::ActiveModel {
        id: Set(company_id),
        name: Set("PT Besar".to_owned()),
        name_key: Set("pt besar".to_owned()),
        default_locale: Set("en".to_owned()),
        default_time_zone: Set("UTC".to_owned()),
        new_sign_in_alerts: Set(true),
        require_2fa: Set("off".to_owned()),
        created_at: Set(Utc::now()),
    }
    .insert(db)
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
    let admin = row(0, Role::Admin).insert(db).await.unwrap();
    for chunk in (1..=members).collect::<Vec<_>>().chunks(500) {
        user::Entity::insert_many(chunk.iter().map(|n| row(*n, Role::Member)))
            .exec(db)
            .await
            .unwrap();
    }
    Admin::from_session(&testing::session_of(db, &admin).await).unwrap()
}

/// Each row's `column` of `statement` prefixed by `explain` (`EXPLAIN QUERY PLAN`, or
/// PostgreSQL's `EXPLAIN (…)`): the plan the database would follow.
async fn plan_of(
    db: &DatabaseConnection,
    explain: &str,
    statement: &sea_orm::Statement,
    column: &str,
) -> Vec<String> {
    db.query_all_raw(Statement::from_sql_and_values(
        db.get_database_backend(),
        format!("{explain} {}", statement.sql),
        statement.values.clone().map(|v| v.0).unwrap_or_default(),
    ))
    .await
    .unwrap()
    .iter()
    .map(|row| row.try_get::<String>("", column).unwrap())
    .collect()
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
            let select = page_select(search::matching(admin.company_id(), ""), &query, 40, 25);
            let statement = sea_orm::QueryTrait::build(&select, db.get_database_backend());
            let plan = plan_of(&db, "EXPLAIN QUERY PLAN", &statement, "detail").await;
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
