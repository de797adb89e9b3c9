//! The admin's search through the real endpoint, on SQLite by default and on PostgreSQL with
//! `TEST_DATABASE_URL`: each database reaches the users through its own trigram index (FTS5
//! kept by triggers; a GIN index), and both must find exactly what `LIKE` finds.

use latch_core::accounts::{self, NewUser};
use latch_core::admin::{Actor, AdminPolicy, EmailChange, change_email};
use latch_core::entities::user;
use latch_core::webhooks::Webhooks;
use latch_domain::{CompanyName, DisplayName, Email, Role, Username};
use sea_orm::EntityTrait;

use crate::helpers::{TestApp, spawn_app};

impl TestApp {
    /// Adds `username` to `company` (created if new) with this name and address.
    async fn add_named(&self, company: &str, username: &str, name: &str, email: &str) {
        let company = CompanyName::parse(company).unwrap();
        let _ = accounts::add_company(&self.db, &company, chrono::Utc::now()).await;
        let new_user = NewUser {
            company,
            username: Username::parse(username).unwrap(),
            email: Email::parse(email).unwrap(),
            display_name: DisplayName::parse(name).unwrap(),
            role: Role::Member,
        };
        accounts::add_user(&self.db, new_user, None, chrono::Utc::now())
            .await
            .unwrap();
    }
}

/// The usernames the admin's list shows for `search`, sorted by name.
async fn found(app: &TestApp, cookie: &str, search: &str) -> Vec<String> {
    let form = [
        ("search", search),
        ("sort", "name"),
        ("descending", "false"),
        ("page", "1"),
    ];
    let body = app.admin_post(cookie, "users", &form).await.text().await;
    let page: serde_json::Value = serde_json::from_str(&body.unwrap()).unwrap();
    let rows = page["rows"].as_array().unwrap();
    assert_eq!(
        page["total"],
        rows.len(),
        "{search:?}: one page holds them all"
    );
    let usernames = rows.iter().map(|row| row["username"].as_str().unwrap());
    usernames.map(str::to_owned).collect()
}

#[tokio::test]
async fn search_finds_any_part_of_a_name_username_or_address_and_follows_changes() {
    let app = spawn_app().await;
    let admin = app.create_user_in("PT Maju Jaya", "adi", Role::Admin).await;
    let maju = "PT Maju Jaya";
    app.add_named(maju, "dewi", "Dewi_Lestari", "dewi@example.co.id")
        .await;
    app.add_named(maju, "budi", "Budi 100% Santoso", "budi@example.co.id")
        .await;
    app.add_named(maju, "rina", "Rina \"Ina\" Wati", "rina@contoh.id")
        .await;
    app.add_named("CV Lain", "eko", "Eko Santoso", "eko@example.co.id")
        .await;
    let cookie = app.cookie_for(&admin).await;

    assert_eq!(
        found(&app, &cookie, "SANTOSO").await,
        ["budi"],
        "not CV Lain's Eko"
    );
    assert_eq!(found(&app, &cookie, "bu").await, ["budi"]);
    assert_eq!(
        found(&app, &cookie, "_").await,
        ["dewi"],
        "'_' is no wildcard"
    );
    assert_eq!(found(&app, &cookie, "i_l").await, ["dewi"]);
    assert_eq!(found(&app, &cookie, "100%").await, ["budi"], "nor is '%'");
    assert_eq!(found(&app, &cookie, "\"ina\"").await, ["rina"]);
    assert_eq!(
        found(&app, &cookie, "@example.co.id").await,
        ["adi", "budi", "dewi"]
    );
    assert_eq!(found(&app, &cookie, "RINA@CONTOH").await, ["rina"]);
    assert!(found(&app, &cookie, "nobody").await.is_empty());

    let budi = Actor::Operator
        .find_by_username(&app.db, &Username::parse("budi").unwrap())
        .await
        .unwrap();
    let new_email = Email::parse("budi.baru@contoh.id").unwrap();
    let change = EmailChange {
        policy: &AdminPolicy::default(),
        actor: Actor::Operator,
        target: &budi,
        new_email: &new_email,
        client_ip: None,
        webhooks: &Webhooks::off(),
    };
    change_email(&app.db, change, chrono::Utc::now())
        .await
        .unwrap();
    assert_eq!(found(&app, &cookie, "budi.baru@").await, ["budi"]);
    assert!(found(&app, &cookie, "budi@example").await.is_empty());

    let rina = app.user_row("rina").await.id;
    user::Entity::delete_by_id(rina)
        .exec(&app.db)
        .await
        .unwrap();
    assert!(found(&app, &cookie, "\"ina\"").await.is_empty());
    assert_eq!(found(&app, &cookie, "contoh.id").await, ["budi"]);
}
