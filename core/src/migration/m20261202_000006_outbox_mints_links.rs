//! Queued mail stops holding live links: from now on a mail names its link's row and the
//! outbox mints the token when it sends (see `outbox::link_token`). Mail queued before this
//! held the whole URL in `email_outbox.payload`; those rows cannot be converted (only the
//! token's hash is stored), so they are not sent and their payload is wiped: the
//! token then exists nowhere, and its link can never be opened. The user asks again ("Send
//! me a new link"); a database dump taken after the upgrade holds no working link.

use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let db = manager.get_connection();
        db.execute_unprepared(
            "UPDATE email_outbox
             SET status = 'discarded', payload = '{}', claimed_until = NULL,
                 last_error = 'not sent: queued before the upgrade that mints links at send time'
             WHERE status IN ('queued', 'sending', 'retrying')
               AND template IN ('password_reset', 'admin_reset', 'invitation')",
        )
        .await?;
        Ok(())
    }

    async fn down(&self, _manager: &SchemaManager) -> Result<(), DbErr> {
        // Nothing to restore: the wiped links are gone for good, and the older code reads the
        // discarded rows as done.
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use chrono::Utc;
    use sea_orm::{EntityTrait, NotSet, Set};
    use sea_orm_migration::MigratorTrait;
    use uuid::Uuid;

    use crate::entities::outbox_message;
    use crate::migration::Migrator;

    #[tokio::test]
    async fn link_mail_queued_before_the_upgrade_is_discarded_and_wiped() {
        let db = crate::db::connect("sqlite::memory:").await.unwrap();
        Migrator::up(&db, Some(4)).await.unwrap();
        let queue = |template: &str, status: &str| {
            let now = Utc::now();
            outbox_message::ActiveModel {
                id: Set(Uuid::new_v4()),
                user_id: Set(None),
                recipient: Set("ana@example.com".to_owned()),
                template: Set(template.to_owned()),
                locale: Set("en".to_owned()),
                payload: Set(
                    r#"{"link":"https://latch.example/reset-password?token=live"}"#.to_owned(),
                ),
                status: Set(status.to_owned()),
                attempts: Set(1),
                next_attempt_at: Set(now),
                claimed_until: Set(None),
                last_error: Set(None),
                created_at: Set(now),
                updated_at: Set(now),
                sent_at: Set(None),
                // Not in the schema of then (`m20261202_000008_webhook_events`).
                channel: NotSet,
            }
        };
        let db_ref = &db;
        let insert = |row: outbox_message::ActiveModel| async move {
            let id = row.id.clone().unwrap();
            outbox_message::Entity::insert(row)
                .exec_without_returning(db_ref)
                .await
                .unwrap();
            id
        };
        let waiting = insert(queue("password_reset", "retrying")).await;
        let notice = insert(queue("password_changed", "queued")).await;

        Migrator::up(&db, None).await.unwrap();

        let find = |id| outbox_message::Entity::find_by_id(id).one(&db);
        let waiting = find(waiting).await.unwrap().unwrap();
        assert_eq!(waiting.status, "discarded");
        assert_eq!(waiting.payload, "{}", "the live link is gone");
        let notice = find(notice).await.unwrap().unwrap();
        assert_eq!(notice.status, "queued", "mail without a link still goes");
    }
}
