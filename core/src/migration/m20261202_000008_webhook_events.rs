//! The outbox carries webhook events as well as mail: `email_outbox.channel` says which a row
//! is (`mail`, the default every existing row gets, or `webhook`). One queue, so claiming,
//! leases, back-off, giving up, release on shutdown and the counts are the same code for both.

use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .alter_table(
                Table::alter()
                    .table(EmailOutbox::Table)
                    .add_column(
                        ColumnDef::new(EmailOutbox::Channel)
                            .string_len(16)
                            .not_null()
                            .default("mail"),
                    )
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        // Webhook events cannot become mail: they go, the mail stays.
        manager
            .get_connection()
            .execute_unprepared("DELETE FROM email_outbox WHERE channel <> 'mail'")
            .await?;
        // SQLite (3.35+) drops a column that no index, key or constraint names, as here.
        manager
            .alter_table(
                Table::alter()
                    .table(EmailOutbox::Table)
                    .drop_column(EmailOutbox::Channel)
                    .to_owned(),
            )
            .await
    }
}

#[derive(DeriveIden)]
enum EmailOutbox {
    Table,
    Channel,
}
