//! What keeps a company admin from taking over an account: `sessions.reauthenticated_at`
//! (when this session last confirmed its password, for email and role changes) and
//! `password_reset_tokens.new_email` (the address an email-change link confirms; empty for
//! every other link).

use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        // One column per statement: SQLite alters one column at a time.
        manager
            .alter_table(
                Table::alter()
                    .table(Sessions::Table)
                    .add_column(
                        ColumnDef::new(Sessions::ReauthenticatedAt)
                            .timestamp_with_time_zone()
                            .null(),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .alter_table(
                Table::alter()
                    .table(PasswordResetTokens::Table)
                    .add_column(
                        ColumnDef::new(PasswordResetTokens::NewEmail)
                            .string_len(254)
                            .null(),
                    )
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .alter_table(
                Table::alter()
                    .table(PasswordResetTokens::Table)
                    .drop_column(PasswordResetTokens::NewEmail)
                    .to_owned(),
            )
            .await?;
        manager
            .alter_table(
                Table::alter()
                    .table(Sessions::Table)
                    .drop_column(Sessions::ReauthenticatedAt)
                    .to_owned(),
            )
            .await
    }
}

#[derive(DeriveIden)]
enum Sessions {
    Table,
    ReauthenticatedAt,
}

#[derive(DeriveIden)]
enum PasswordResetTokens {
    Table,
    NewEmail,
}
