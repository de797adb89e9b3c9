//! How an admin finds the users they may act on.

use chrono::Utc;
use latch_domain::{CompanyName, DisplayName, Email};
use sea_orm::DatabaseConnection;

use super::*;
use crate::accounts::{self, NewUser};

async fn user_of(db: &DatabaseConnection, company: &str, name: &str, role: Role) -> user::Model {
    let company = CompanyName::parse(company).unwrap();
    if accounts::find_company(db, &company)
        .await
        .unwrap()
        .is_none()
    {
        accounts::add_company(db, &company, Utc::now())
            .await
            .unwrap();
    }
    let new_user = NewUser {
        company,
        username: Username::parse(name).unwrap(),
        email: Email::parse(&format!("{name}@example.com")).unwrap(),
        display_name: DisplayName::parse(name).unwrap(),
        role,
    };
    accounts::add_user(db, new_user, None, Utc::now())
        .await
        .unwrap()
}

fn admin(user: &user::Model) -> Admin {
    let session = SessionUser {
        user: user.clone(),
        session_key: "unused".to_owned(),
    };
    Admin::from_session(&session).unwrap()
}

#[tokio::test]
async fn an_admin_finds_their_own_users_by_the_id_in_a_page_address() {
    let db = crate::db::connect("sqlite::memory:").await.unwrap();
    crate::db::migrate(&db).await.unwrap();
    let ana = user_of(&db, "PT Maju", "ana", Role::Admin).await;
    let budi = user_of(&db, "PT Maju", "budi", Role::Member).await;
    let other = user_of(&db, "CV Lain", "citra", Role::Member).await;
    let ana = admin(&ana);

    let found = ana.find_user(&db, &format!(" {} ", budi.id)).await.unwrap();
    assert_eq!(found.user().id, budi.id);
    for stranger in [other.id.to_string(), "not-a-uuid".to_owned(), String::new()] {
        let refused = ana.find_user(&db, &stranger).await;
        assert!(
            matches!(refused, Err(AdminError::UnknownUser)),
            "{stranger:?}: {refused:?}"
        );
    }
    assert_eq!(ana.company_name(&db).await.unwrap().as_str(), "PT Maju");
}

#[tokio::test]
async fn a_member_or_an_inactive_admin_is_no_admin() {
    let db = crate::db::connect("sqlite::memory:").await.unwrap();
    crate::db::migrate(&db).await.unwrap();
    let member = user_of(&db, "PT Maju", "budi", Role::Member).await;
    let mut retired = user_of(&db, "PT Maju", "ana", Role::Admin).await;
    retired.active = false;
    for user in [member, retired] {
        let session = SessionUser {
            user,
            session_key: "unused".to_owned(),
        };
        assert!(matches!(
            Admin::from_session(&session),
            Err(AdminError::NotAdmin)
        ));
    }
}
