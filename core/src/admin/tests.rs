//! How an admin finds the users they may act on.

use chrono::Utc;
use sea_orm::DatabaseConnection;

use super::*;
use crate::testing;

async fn user_of(db: &DatabaseConnection, company: &str, name: &str, role: Role) -> user::Model {
    testing::user_in(db, company, name, role, None, Utc::now()).await
}

async fn admin(db: &DatabaseConnection, user: &user::Model) -> Admin {
    Admin::from_session(&testing::session_of(db, user).await).unwrap()
}

#[tokio::test]
async fn an_admin_finds_their_own_users_by_the_id_in_a_page_address() {
    let db = testing::fresh_db().await;
    let ana = user_of(&db, "PT Maju", "ana", Role::Admin).await;
    let budi = user_of(&db, "PT Maju", "budi", Role::Member).await;
    let other = user_of(&db, "CV Lain", "citra", Role::Member).await;
    let ana = admin(&db, &ana).await;

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
    let db = testing::fresh_db().await;
    let member = user_of(&db, "PT Maju", "budi", Role::Member).await;
    let mut retired = user_of(&db, "PT Maju", "ana", Role::Admin).await;
    retired.active = false;
    for user in [member, retired] {
        let session = testing::session_of(&db, &user).await;
        assert!(matches!(
            Admin::from_session(&session),
            Err(AdminError::NotAdmin)
        ));
    }
}
