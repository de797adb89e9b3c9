//! Fixtures of core's unit tests: a fresh in-memory database and the people in it.

use chrono::{DateTime, Utc};
use latch_domain::{CompanyName, DisplayName, Email, NewPassword, PasswordPolicy, Role, Username};
use sea_orm::DatabaseConnection;

use crate::accounts::{self, NewUser};
use crate::entities::user;

pub(crate) async fn fresh_db() -> DatabaseConnection {
    let db = crate::db::connect("sqlite::memory:").await.unwrap();
    crate::db::migrate(&db).await.unwrap();
    db
}

/// `name` (`name@example.com`) in `company`, created with default settings if it does not
/// exist yet; with `password` if given, else invited (no password yet).
pub(crate) async fn user_in(
    db: &DatabaseConnection,
    company: &str,
    name: &str,
    role: Role,
    password: Option<&str>,
    now: DateTime<Utc>,
) -> user::Model {
    let company = CompanyName::parse(company).unwrap();
    if accounts::find_company(db, &company)
        .await
        .unwrap()
        .is_none()
    {
        accounts::add_company(db, &company, now).await.unwrap();
    }
    let new_user = NewUser {
        company,
        username: Username::parse(name).unwrap(),
        email: Email::parse(&format!("{name}@example.com")).unwrap(),
        display_name: DisplayName::parse(name).unwrap(),
        role,
    };
    let password = password.map(|password| {
        NewPassword::parse(password, &PasswordPolicy::default(), &Default::default()).unwrap()
    });
    accounts::add_user(db, new_user, password, now)
        .await
        .unwrap()
}
