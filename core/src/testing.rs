//! Fixtures of core's unit tests: a fresh in-memory database and the people in it.

use chrono::{DateTime, Utc};
use latch_domain::{CompanyName, DisplayName, Email, NewPassword, PasswordPolicy, Role, Username};
use sea_orm::{DatabaseConnection, EntityTrait, QueryOrder};

use crate::accounts::{self, NewUser};
use crate::entities::{company, outbox_message, user};
use crate::secret_token::SecretToken;
use crate::sessions::SessionUser;

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

/// The token of the link in the newest queued mail, minted at `now` as the outbox does when it
/// sends the mail (the queue itself holds no token).
pub(crate) async fn mint_queued_link(db: &DatabaseConnection, now: DateTime<Utc>) -> SecretToken {
    let queued = outbox_message::Entity::find()
        .order_by_desc(outbox_message::Column::CreatedAt)
        .one(db)
        .await
        .unwrap()
        .expect("a queued mail");
    let payload: serde_json::Value = serde_json::from_str(&queued.payload).unwrap();
    let link_id = payload["template"]["link_id"]
        .as_str()
        .expect("a mail with a link")
        .parse()
        .unwrap();
    let public_url = url::Url::parse("https://latch.example").unwrap();
    let url = crate::outbox::mint_link(db, link_id, &public_url, now)
        .await
        .unwrap()
        .expect("the link still works");
    let token = url.split("token=").nth(1).unwrap();
    SecretToken::from_presented(token).unwrap()
}

/// `user` signed in (a session as the lookup would build it, with the company read from `db`;
/// no session row is written).
pub(crate) async fn session_of(db: &DatabaseConnection, user: &user::Model) -> SessionUser {
    let company = company::Entity::find_by_id(user.company_id)
        .one(db)
        .await
        .unwrap()
        .expect("the user's company");
    SessionUser {
        user: user.clone(),
        company,
        session_key: String::new(),
        reauthenticated_at: None,
    }
}
