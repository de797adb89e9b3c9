//! `signing_keys`: the Ed25519 keys that sign identity tokens (`X-Latch-Token`). Kept in the
//! database so that every instance on one PostgreSQL signs with the same key and publishes the
//! same JWKS; the private half is sealed with the server key, so a database dump alone signs
//! nothing.

use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(SigningKeys::Table)
                    .col(
                        ColumnDef::new(SigningKeys::Kid)
                            .string_len(64)
                            .not_null()
                            .primary_key(),
                    )
                    // The raw 32-byte public key, URL-safe base64 (a JWK's `x`).
                    .col(
                        ColumnDef::new(SigningKeys::PublicKey)
                            .string_len(64)
                            .not_null(),
                    )
                    // The 32-byte private seed, sealed with the server key.
                    .col(ColumnDef::new(SigningKeys::SealedSeed).text().not_null())
                    .col(
                        ColumnDef::new(SigningKeys::CreatedAt)
                            .timestamp_with_time_zone()
                            .not_null(),
                    )
                    // NULL while the key signs; set by a rotation: from then on it only
                    // verifies, and leaves the JWKS at this time.
                    .col(
                        ColumnDef::new(SigningKeys::RetiresAt)
                            .timestamp_with_time_zone()
                            .null(),
                    )
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table(SigningKeys::Table).to_owned())
            .await
    }
}

#[derive(DeriveIden)]
enum SigningKeys {
    Table,
    Kid,
    PublicKey,
    SealedSeed,
    CreatedAt,
    RetiresAt,
}
