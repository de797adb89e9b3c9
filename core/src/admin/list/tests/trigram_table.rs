//! SQLite's trigram table follows every change to `users`: the triggers and the migration.

use sea_orm::{EntityTrait, PaginatorTrait};
use sea_orm_migration::MigratorTrait;

use super::searching::{add, awkward_company, by_filter, by_index, listed};
use super::*;
use crate::admin::{Actor, AdminPolicy, EmailChange, Target, change_email};
use crate::migration::Migrator;
use crate::webhooks::Webhooks;
use latch_domain::{Email, Username};

#[tokio::test]
async fn a_changed_address_is_found_by_the_new_one_and_no_longer_by_the_old() {
    let (db, admin) = awkward_company().await;
    let budi = target(&db, "budi").await;
    let new_email = Email::parse("budi.baru@contoh.id").unwrap();
    let change = EmailChange {
        policy: &AdminPolicy::default(),
        actor: Actor::Operator,
        target: &budi,
        new_email: &new_email,
        client_ip: None,
        webhooks: &Webhooks::off(),
    };
    change_email(&db, change, Utc::now()).await.unwrap();

    assert_eq!(listed(&db, &admin, "budi.baru@contoh").await, ["budi"]);
    assert_eq!(
        listed(&db, &admin, "budi@example").await,
        Vec::<String>::new()
    );
    assert_eq!(
        listed(&db, &admin, "100% santoso").await,
        ["budi"],
        "the name still finds them"
    );
    assert_eq!(
        trigram_rows(&db, "budi@example").await,
        0,
        "the old key is gone"
    );
    assert_eq!(trigram_rows(&db, "budi.baru@contoh").await, 1);
    for search in ["budi.baru", "budi@", "contoh.id"] {
        let plain = by_filter(&db, &admin, search).await;
        assert_eq!(
            by_index(&db, &admin, search).await,
            Some(plain),
            "{search:?}"
        );
    }
}

#[tokio::test]
async fn a_deleted_user_is_no_longer_found_and_leaves_nothing_in_the_trigram_table() {
    let (db, admin) = awkward_company().await;
    // No key at all (the column's default), shorter than any trigram.
    let mut keyless = user::Entity::find().one(&db).await.unwrap().unwrap();
    keyless.id = Uuid::new_v4();
    keyless.username_key = "keyless".to_owned();
    keyless.email_key = "keyless@example.co.id".to_owned();
    keyless.search_key = String::new();
    let keyless: user::ActiveModel = keyless.into();
    let keyless = user::Entity::insert(keyless.reset_all())
        .exec(&db)
        .await
        .unwrap();
    let rina = target(&db, "rina").await;

    for id in [rina.user().id, keyless.last_insert_id] {
        user::Entity::delete_by_id(id).exec(&db).await.unwrap();
    }

    assert!(listed(&db, &admin, "rina").await.is_empty());
    assert_eq!(trigram_rows(&db, "rina@contoh").await, 0);
    assert_eq!(
        trigram_rows(&db, "").await,
        user::Entity::find().count(&db).await.unwrap()
    );
}

#[tokio::test]
async fn the_migration_indexes_the_users_already_there_and_rolls_back() {
    let (db, admin) = company_of(0).await;
    Migrator::down(&db, Some(1)).await.unwrap();
    assert!(
        db.execute_unprepared("SELECT 1 FROM user_search")
            .await
            .is_err(),
        "down drops the table"
    );
    add(&db, &admin, "Sudah Ada", "sudah", "sudah@example.co.id").await;

    Migrator::up(&db, None).await.unwrap();

    assert_eq!(listed(&db, &admin, "sudah ada").await, ["sudah"]);
    assert_eq!(
        trigram_rows(&db, "").await,
        2,
        "the admin and the user added before"
    );
}
async fn target(db: &DatabaseConnection, username: &str) -> Target {
    let username = Username::parse(username).unwrap();
    Actor::Operator
        .find_by_username(db, &username)
        .await
        .unwrap()
}

/// Rows of the trigram table whose key contains `phrase`; all of them for "".
async fn trigram_rows(db: &DatabaseConnection, phrase: &str) -> u64 {
    let (sql, values) = if phrase.is_empty() {
        ("SELECT count(*) AS n FROM user_search", vec![])
    } else {
        (
            "SELECT count(*) AS n FROM user_search WHERE user_search MATCH ?",
            vec![format!("\"{phrase}\"").into()],
        )
    };
    let row = db
        .query_one_raw(Statement::from_sql_and_values(
            db.get_database_backend(),
            sql,
            values,
        ))
        .await
        .unwrap()
        .unwrap();
    row.try_get::<i64>("", "n").unwrap() as u64
}
