//! The search finds the same users, in the same order, through the trigram index as through
//! the plain filter.

use sea_orm::{EntityTrait, PaginatorTrait, QueryTrait};

use super::*;
use crate::admin::list::search::{self, FEW};

/// A user of `admin`'s company with these details, as `accounts` would store them.
pub(super) async fn add(
    db: &DatabaseConnection,
    admin: &Admin,
    name: &str,
    username: &str,
    email: &str,
) {
    user::ActiveModel {
        id: Set(Uuid::new_v4()),
        company_id: Set(admin.company_id()),
        username: Set(username.to_owned()),
        username_key: Set(username.to_lowercase()),
        email: Set(email.to_owned()),
        email_key: Set(email.to_lowercase()),
        display_name: Set(name.to_owned()),
        search_key: Set(user::search_key(
            name,
            &username.to_lowercase(),
            &email.to_lowercase(),
        )),
        role: Set(Role::Member),
        password_hash: Set(None),
        active: Set(true),
        locale: Set(None),
        time_zone: Set(None),
        last_login_at: Set(None),
        created_at: Set(Utc::now()),
        updated_at: Set(Utc::now()),
    }
    .insert(db)
    .await
    .unwrap();
}

/// The usernames, in list order, of the users `filter` finds; the count checked against them.
pub(super) async fn page_of(db: &DatabaseConnection, filter: Condition) -> Vec<String> {
    let query = UserQuery {
        per_page: MAX_PER_PAGE,
        ..UserQuery::default()
    };
    let total = user::Entity::find()
        .filter(filter.clone())
        .count(db)
        .await
        .unwrap();
    let rows = page_select(filter, &query, 1, MAX_PER_PAGE)
        .all(db)
        .await
        .unwrap();
    assert_eq!(total as usize, rows.len(), "count and page agree");
    rows.into_iter().map(|row| row.username).collect()
}

/// What `search` finds with the plain filter.
pub(super) async fn by_filter(db: &DatabaseConnection, admin: &Admin, search: &str) -> Vec<String> {
    let search = search.trim().to_lowercase();
    page_of(db, search::matching(admin.company_id(), &search)).await
}

/// What `search` finds through the trigram index; `None` when the index cannot answer it.
pub(super) async fn by_index(
    db: &DatabaseConnection,
    admin: &Admin,
    search: &str,
) -> Option<Vec<String>> {
    let search = search.trim().to_lowercase();
    let ids = search::few_matches(db, admin.company_id(), &search, FEW)
        .await
        .unwrap()?;
    Some(page_of(db, Condition::all().add(user::Column::Id.is_in(ids))).await)
}

/// What the admin's list finds for `search`, by whatever path it takes.
pub(super) async fn listed(db: &DatabaseConnection, admin: &Admin, search: &str) -> Vec<String> {
    let query = UserQuery {
        search: search.to_owned(),
        per_page: MAX_PER_PAGE,
        ..UserQuery::default()
    };
    let page = list_users(db, admin, &query).await.unwrap();
    page.rows.into_iter().map(|row| row.username).collect()
}

/// A company with names that tempt a search to misbehave.
pub(super) async fn awkward_company() -> (DatabaseConnection, Admin) {
    let (db, admin) = company_of(40).await;
    add(&db, &admin, "Dewi_Lestari", "dewi_l", "dewi@example.co.id").await;
    add(
        &db,
        &admin,
        "Budi 100% Santoso",
        "budi",
        "budi@example.co.id",
    )
    .await;
    add(&db, &admin, "Rina \"Ina\" Wati", "rina", "rina@contoh.id").await;
    add(&db, &admin, "Ärger Ökonom", "arger", "AERGER@Example.co.id").await;
    add(&db, &admin, "Back\\slash", "slash", "slash@example.co.id").await;
    (db, admin)
}
#[tokio::test]
async fn both_paths_find_the_same_users_in_the_same_order() {
    let (db, admin) = awkward_company().await;
    let searches = [
        "a",
        "us",
        "USER0000",
        "user00001",
        "  User00002  ",
        "pengguna",
        "_",
        "i_l",
        "%",
        "100%",
        "0%",
        "\"",
        "\"ina\"",
        "a\" w",
        "ärger",
        "ÄRGER ök",
        "aerger@example",
        "contoh.id",
        "@example.co.id",
        "\\",
        "k\\s",
        "nobody here",
        "user000099",
    ];
    for search in searches {
        let plain = by_filter(&db, &admin, search).await;
        // Shorter searches have no trigram to look up: they always take the filter.
        let indexed = search.trim().chars().count() >= 3;
        assert_eq!(
            by_index(&db, &admin, search).await.is_some(),
            indexed,
            "{search:?}"
        );
        if let Some(through_index) = by_index(&db, &admin, search).await {
            assert_eq!(through_index, plain, "{search:?}");
        }
        assert_eq!(listed(&db, &admin, search).await, plain, "{search:?}");
    }
    let count = |search: &'static str| {
        let (db, admin) = (&db, &admin);
        async move { listed(db, admin, search).await.len() }
    };
    assert_eq!(count("user00001").await, 10, "user000010..19");
    assert_eq!(
        count("_").await,
        1,
        "only Dewi's underscores, not any character"
    );
    assert_eq!(count("%").await, 1);
    assert_eq!(count("\"ina\"").await, 1);
    assert_eq!(count("ÄRGER ök").await, 1, "case-insensitive beyond ASCII");
    assert_eq!(count("k\\s").await, 1);
    assert_eq!(count("@example.co.id").await, 41 + 4);
    assert_eq!(count("nobody here").await, 0);
}

#[tokio::test]
async fn a_search_matching_more_than_a_few_takes_the_filter_and_finds_the_same() {
    let (db, admin) = awkward_company().await;
    let common = "example.co.id";
    let few_matches = |few| {
        let (db, admin) = (&db, &admin);
        async move {
            search::few_matches(db, admin.company_id(), common, few)
                .await
                .unwrap()
        }
    };
    assert_eq!(
        few_matches(45).await.map(|ids| ids.len()),
        Some(45),
        "exactly `few` still is few"
    );
    assert!(few_matches(44).await.is_none());
    assert_eq!(listed(&db, &admin, common).await.len(), 45);
}

#[tokio::test]
async fn a_search_looks_up_the_trigram_candidates_instead_of_reading_the_company() {
    let (db, admin) = company_of(10).await;
    let backend = db.get_database_backend();
    let narrowed = search::narrowed(&db, admin.company_id(), "user00001", FEW)
        .await
        .unwrap()
        .unwrap();
    let ids = user::Entity::find()
        .select_only()
        .column(user::Column::Id)
        .filter(narrowed);
    let found = Condition::all().add(user::Column::Id.is_in([Uuid::new_v4(), Uuid::new_v4()]));
    let page = page_select(found, &UserQuery::default(), 1, 25);
    for (what, statement, index) in [
        (
            "candidates",
            backend.build(&search::candidates("user00001", FEW + 1)),
            "user_search VIRTUAL TABLE",
        ),
        (
            "ids",
            ids.build(backend),
            "SEARCH users USING INDEX sqlite_autoindex_users_1 (id=?)",
        ),
        (
            "page",
            page.build(backend),
            "SEARCH users USING INDEX sqlite_autoindex_users_1 (id=?)",
        ),
    ] {
        let plan = plan_of(&db, "EXPLAIN QUERY PLAN", &statement, "detail").await;
        assert!(
            plan.iter().any(|step| step.contains(index)),
            "{what}: {plan:?}"
        );
        assert!(
            plan.iter().all(|step| !step.contains("idx_users_company")),
            "{what} walks the company: {plan:?}"
        );
    }
}
