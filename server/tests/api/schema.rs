use latch_core::entities::{
    audit_event, company, outbox_message, rate_limit, reset_token, session, user,
};
use latch_core::migration::Migrator;
use sea_orm::{ConnectionTrait, EntityTrait, PaginatorTrait};
use sea_orm_migration::MigratorTrait;

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

#[tokio::test]
async fn sessions_have_no_data_column_and_dropping_it_can_be_rolled_back() {
    let app = spawn_app().await;
    let read_data = "SELECT data FROM sessions";

    assert!(app.db.execute_unprepared(read_data).await.is_err());

    // Rolls back the migration that dropped it and any newer one.
    let applied = Migrator::get_applied_migrations(&app.db).await.unwrap();
    let newest_first = applied.iter().rev();
    let back_to_drop = newest_first
        .map(|migration| migration.name())
        .position(|name| name == "m20261201_000004_drop_session_data")
        .unwrap();
    Migrator::down(&app.db, Some(back_to_drop as u32 + 1))
        .await
        .unwrap();
    app.db.execute_unprepared(read_data).await.unwrap();

    Migrator::up(&app.db, None).await.unwrap();
    assert!(app.db.execute_unprepared(read_data).await.is_err());
}
