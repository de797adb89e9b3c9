use latch_core::entities::{
    audit_event, company, outbox_message, rate_limit, reset_token, session, user,
};
use sea_orm::{EntityTrait, PaginatorTrait};

use crate::helpers::spawn_app;

#[tokio::test]
async fn start_up_migrates_a_fresh_database_to_every_table() {
    let app = spawn_app().await;

    // Each query fails if its table or any mapped column is missing.
    assert_eq!(company::Entity::find().count(&app.db).await.unwrap(), 0);
    assert_eq!(user::Entity::find().count(&app.db).await.unwrap(), 0);
    assert_eq!(session::Entity::find().count(&app.db).await.unwrap(), 0);
    assert_eq!(reset_token::Entity::find().count(&app.db).await.unwrap(), 0);
    assert_eq!(
        outbox_message::Entity::find().count(&app.db).await.unwrap(),
        0
    );
    assert_eq!(audit_event::Entity::find().count(&app.db).await.unwrap(), 0);
    assert_eq!(rate_limit::Entity::find().count(&app.db).await.unwrap(), 0);
}
