//! "Your devices" and the new sign-in alert: each session remembers the browser it was
//! started in (`user_agent`, bounded) and from where (`client_ip`, as Latch resolved it), and
//! gets a random public `handle` that pages may show (its `id` is the cookie's hash and never
//! leaves the server); each company has a switch for the new sign-in alert, on by default.
//! Sessions started before this migration have no handle: they are listed, and end with "Sign
//! out of all other devices" (or within their 12 hours), but offer no button of their own.

use sea_orm_migration::prelude::*;

/// Longest User-Agent kept (browsers send 100 to 300 characters; the rest is noise).
const USER_AGENT_MAX: u32 = 512;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        // One column per statement: SQLite alters one column at a time.
        let columns = [
            ColumnDef::new(Sessions::UserAgent)
                .string_len(USER_AGENT_MAX)
                .null()
                .to_owned(),
            // An IPv6 address is at most 45 characters written out.
            ColumnDef::new(Sessions::ClientIp)
                .string_len(45)
                .null()
                .to_owned(),
            ColumnDef::new(Sessions::Handle)
                .string_len(32)
                .null()
                .to_owned(),
        ];
        for column in columns {
            manager
                .alter_table(
                    Table::alter()
                        .table(Sessions::Table)
                        .add_column(column)
                        .to_owned(),
                )
                .await?;
        }
        manager
            .create_index(
                Index::create()
                    .name("idx_sessions_handle")
                    .table(Sessions::Table)
                    .col(Sessions::Handle)
                    .unique()
                    .to_owned(),
            )
            .await?;
        manager
            .alter_table(
                Table::alter()
                    .table(Companies::Table)
                    .add_column(
                        ColumnDef::new(Companies::NewSignInAlerts)
                            .boolean()
                            .not_null()
                            .default(true),
                    )
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .alter_table(
                Table::alter()
                    .table(Companies::Table)
                    .drop_column(Companies::NewSignInAlerts)
                    .to_owned(),
            )
            .await?;
        manager
            .drop_index(
                Index::drop()
                    .name("idx_sessions_handle")
                    .table(Sessions::Table)
                    .to_owned(),
            )
            .await?;
        for column in [Sessions::Handle, Sessions::ClientIp, Sessions::UserAgent] {
            manager
                .alter_table(
                    Table::alter()
                        .table(Sessions::Table)
                        .drop_column(column)
                        .to_owned(),
                )
                .await?;
        }
        Ok(())
    }
}

#[derive(DeriveIden)]
enum Sessions {
    Table,
    UserAgent,
    ClientIp,
    Handle,
}

#[derive(DeriveIden)]
enum Companies {
    Table,
    NewSignInAlerts,
}
