//! The second factor: `second_factors` (an authenticator app's sealed seed, with the last
//! time step it accepted so no code works twice), `recovery_codes` (SHA-256 of each code,
//! `used_at` once spent), `recovery_code_reveals` (a fresh batch, sealed, until its user says
//! it is saved: how a page without JavaScript can show codes once), `login_steps` (the
//! pending second step between a correct password and a session: five minutes, single use)
//! and `companies.require_2fa` (`off` | `admins` | `everyone`).

use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager.create_table(second_factors()).await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_second_factors_user")
                    .table(SecondFactors::Table)
                    .col(SecondFactors::UserId)
                    .to_owned(),
            )
            .await?;
        manager.create_table(recovery_codes()).await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_recovery_codes_user_hash")
                    .table(RecoveryCodes::Table)
                    .col(RecoveryCodes::UserId)
                    .col(RecoveryCodes::CodeHash)
                    .unique()
                    .to_owned(),
            )
            .await?;
        manager.create_table(recovery_code_reveals()).await?;
        manager.create_table(login_steps()).await?;
        manager
            .alter_table(
                Table::alter()
                    .table(Companies::Table)
                    .add_column(string_len(Companies::Require2fa, 16).default("off"))
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .alter_table(
                Table::alter()
                    .table(Companies::Table)
                    .drop_column(Companies::Require2fa)
                    .to_owned(),
            )
            .await?;
        for table in [
            LoginSteps::Table.into_iden(),
            RecoveryCodeReveals::Table.into_iden(),
            RecoveryCodes::Table.into_iden(),
            SecondFactors::Table.into_iden(),
        ] {
            manager
                .drop_table(Table::drop().table(table).to_owned())
                .await?;
        }
        Ok(())
    }
}

fn user_foreign_key(table: impl IntoIden, column: impl IntoIden) -> ForeignKeyCreateStatement {
    ForeignKey::create()
        .from(table, column)
        .to(Users::Table, Users::Id)
        .on_delete(ForeignKeyAction::Cascade)
        .to_owned()
}

fn second_factors() -> TableCreateStatement {
    Table::create()
        .table(SecondFactors::Table)
        .col(pk_uuid(SecondFactors::Id))
        .col(uuid(SecondFactors::UserId))
        // totp (passkeys will add their own kind)
        .col(string_len(SecondFactors::Kind, 16))
        .col(string_len(SecondFactors::Name, 64))
        // The seed, sealed with the server key: a database dump alone computes no code.
        .col(text(SecondFactors::SealedSecret))
        // The newest time step a code was accepted for: a code is accepted once.
        .col(big_integer_null(SecondFactors::LastUsedStep))
        .col(timestamp_with_time_zone(SecondFactors::CreatedAt))
        // NULL while the user has not yet typed a code from the app: not a factor yet.
        .col(timestamp_with_time_zone_null(SecondFactors::ConfirmedAt))
        .col(timestamp_with_time_zone_null(SecondFactors::LastUsedAt))
        .foreign_key(&mut user_foreign_key(
            SecondFactors::Table,
            SecondFactors::UserId,
        ))
        .to_owned()
}

fn recovery_codes() -> TableCreateStatement {
    Table::create()
        .table(RecoveryCodes::Table)
        .col(pk_uuid(RecoveryCodes::Id))
        .col(uuid(RecoveryCodes::UserId))
        .col(string_len(RecoveryCodes::CodeHash, 64))
        .col(timestamp_with_time_zone(RecoveryCodes::CreatedAt))
        .col(timestamp_with_time_zone_null(RecoveryCodes::UsedAt))
        .foreign_key(&mut user_foreign_key(
            RecoveryCodes::Table,
            RecoveryCodes::UserId,
        ))
        .to_owned()
}

fn recovery_code_reveals() -> TableCreateStatement {
    Table::create()
        .table(RecoveryCodeReveals::Table)
        .col(pk_uuid(RecoveryCodeReveals::UserId))
        .col(text(RecoveryCodeReveals::SealedCodes))
        .col(timestamp_with_time_zone(RecoveryCodeReveals::ExpiresAt))
        .foreign_key(&mut user_foreign_key(
            RecoveryCodeReveals::Table,
            RecoveryCodeReveals::UserId,
        ))
        .to_owned()
}

fn login_steps() -> TableCreateStatement {
    Table::create()
        .table(LoginSteps::Table)
        // SHA-256 of the cookie's token.
        .col(string_len(LoginSteps::Id, 64).primary_key())
        .col(uuid(LoginSteps::UserId))
        // verify (the user has a factor) | enrol (their company requires one they lack)
        .col(string_len(LoginSteps::Purpose, 16))
        // Where the login goes afterwards (already checked by the password step).
        .col(text_null(LoginSteps::Next))
        .col(timestamp_with_time_zone(LoginSteps::CreatedAt))
        .col(timestamp_with_time_zone(LoginSteps::ExpiresAt))
        .foreign_key(&mut user_foreign_key(LoginSteps::Table, LoginSteps::UserId))
        .to_owned()
}

#[derive(DeriveIden)]
enum SecondFactors {
    Table,
    Id,
    UserId,
    Kind,
    Name,
    SealedSecret,
    LastUsedStep,
    CreatedAt,
    ConfirmedAt,
    LastUsedAt,
}

#[derive(DeriveIden)]
enum RecoveryCodes {
    Table,
    Id,
    UserId,
    CodeHash,
    CreatedAt,
    UsedAt,
}

#[derive(DeriveIden)]
enum RecoveryCodeReveals {
    Table,
    UserId,
    SealedCodes,
    ExpiresAt,
}

#[derive(DeriveIden)]
enum LoginSteps {
    Table,
    Id,
    UserId,
    Purpose,
    Next,
    CreatedAt,
    ExpiresAt,
}

#[derive(DeriveIden)]
enum Users {
    Table,
    Id,
}

#[derive(DeriveIden)]
enum Companies {
    Table,
    #[sea_orm(iden = "require_2fa")]
    Require2fa,
}
