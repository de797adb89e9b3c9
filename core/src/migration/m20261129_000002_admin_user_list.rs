//! The admin's user list: every sort order it offers (with the id as tie-breaker) is an index
//! walk within one company, so page N of 100,000 users never sorts the company; and one
//! lowercased `search_key` ("name username email") per user, so a search is one `LIKE` per
//! row instead of three case-folding ones.

use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .alter_table(
                Table::alter()
                    .table(Users::Table)
                    .add_column(
                        ColumnDef::new(Users::SearchKey)
                            .string()
                            .not_null()
                            .default(""),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .get_connection()
            .execute_unprepared(
                "UPDATE users SET search_key = lower(display_name || ' ' || username_key || ' ' || email_key)",
            )
            .await?;
        for (name, column) in INDEXES {
            manager
                .create_index(
                    Index::create()
                        .name(*name)
                        .table(Users::Table)
                        .col(Users::CompanyId)
                        .col(column.clone())
                        .col(Users::Id)
                        .to_owned(),
                )
                .await?;
        }
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for (name, _) in INDEXES {
            manager
                .drop_index(Index::drop().name(*name).table(Users::Table).to_owned())
                .await?;
        }
        manager
            .alter_table(
                Table::alter()
                    .table(Users::Table)
                    .drop_column(Users::SearchKey)
                    .to_owned(),
            )
            .await?;
        Ok(())
    }
}

const INDEXES: &[(&str, Users)] = &[
    ("idx_users_company_name_id", Users::DisplayName),
    ("idx_users_company_username", Users::UsernameKey),
    ("idx_users_company_email", Users::EmailKey),
    ("idx_users_company_role", Users::Role),
    ("idx_users_company_last_login", Users::LastLoginAt),
];

#[derive(DeriveIden, Clone)]
enum Users {
    Table,
    Id,
    CompanyId,
    DisplayName,
    UsernameKey,
    EmailKey,
    Role,
    LastLoginAt,
    SearchKey,
}
