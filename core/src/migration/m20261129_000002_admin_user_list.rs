//! Indexes for the admin's user list: every sort order it offers (with the id as tie-breaker)
//! is an index walk within one company, so page N of 100,000 users never sorts the company.

use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
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
}
