//! Passkeys: a `second_factors` row of kind `passkey` keeps what verifying its signatures
//! needs (`credential_id`, the public key, the signature counter, the transports the browser
//! reported, and the account's WebAuthn user handle), none of it secret; `passkey_ceremonies`
//! holds a registration or sign-in ceremony between the request that sent its challenge and
//! the one that answers it (five minutes, single use), in the database so that any `latch`
//! instance can finish what another started.

use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        // One column per statement: SQLite alters one column at a time. All base64url text.
        let columns = [
            SecondFactors::CredentialId,
            SecondFactors::PasskeyPublicKey,
            SecondFactors::PasskeyCounter,
            SecondFactors::PasskeyTransports,
            SecondFactors::PasskeyUserHandle,
        ];
        for column in columns {
            manager
                .alter_table(
                    Table::alter()
                        .table(SecondFactors::Table)
                        .add_column(ColumnDef::new(column).text().null().to_owned())
                        .to_owned(),
                )
                .await?;
        }
        // A credential belongs to one account (NULLs, the apps' rows, do not collide).
        manager
            .create_index(
                Index::create()
                    .name("idx_second_factors_credential")
                    .table(SecondFactors::Table)
                    .col(SecondFactors::CredentialId)
                    .unique()
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(PasskeyCeremonies::Table)
                    // The challenge sent to the browser (128 random bits, as decimal).
                    .col(string_len(PasskeyCeremonies::Challenge, 40).primary_key())
                    .col(uuid(PasskeyCeremonies::UserId))
                    // register | sign_in
                    .col(string_len(PasskeyCeremonies::Purpose, 16))
                    // The name the user gave a passkey being registered.
                    .col(string_len_null(PasskeyCeremonies::Name, 64))
                    // webauthn_rp's server half of the ceremony, encoded.
                    .col(text(PasskeyCeremonies::State))
                    .col(timestamp_with_time_zone(PasskeyCeremonies::ExpiresAt))
                    .foreign_key(
                        ForeignKey::create()
                            .from(PasskeyCeremonies::Table, PasskeyCeremonies::UserId)
                            .to(Users::Table, Users::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table(PasskeyCeremonies::Table).to_owned())
            .await?;
        manager
            .drop_index(
                Index::drop()
                    .name("idx_second_factors_credential")
                    .table(SecondFactors::Table)
                    .to_owned(),
            )
            .await?;
        for column in [
            SecondFactors::PasskeyUserHandle,
            SecondFactors::PasskeyTransports,
            SecondFactors::PasskeyCounter,
            SecondFactors::PasskeyPublicKey,
            SecondFactors::CredentialId,
        ] {
            manager
                .alter_table(
                    Table::alter()
                        .table(SecondFactors::Table)
                        .drop_column(column)
                        .to_owned(),
                )
                .await?;
        }
        Ok(())
    }
}

#[derive(DeriveIden)]
enum SecondFactors {
    Table,
    CredentialId,
    PasskeyPublicKey,
    PasskeyCounter,
    PasskeyTransports,
    PasskeyUserHandle,
}

#[derive(DeriveIden)]
enum PasskeyCeremonies {
    Table,
    Challenge,
    UserId,
    Purpose,
    Name,
    State,
    ExpiresAt,
}

#[derive(DeriveIden)]
enum Users {
    Table,
    Id,
}
