//! The first schema: every table later features fill with behaviour.
//!
//! Ids are UUIDs so they cannot be enumerated. Case-insensitive uniqueness (usernames, emails,
//! company names) is a unique `*_key` column holding the lowercased value, which works the same
//! on SQLite and PostgreSQL. Times are UTC.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for table in [
            companies(),
            users(),
            sessions(),
            password_reset_tokens(),
            email_outbox(),
            audit_events(),
            rate_limits(),
        ] {
            manager.create_table(table).await?;
        }
        for index in indexes() {
            manager.create_index(index).await?;
        }
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for table in [
            RateLimits::Table.into_iden(),
            AuditEvents::Table.into_iden(),
            EmailOutbox::Table.into_iden(),
            PasswordResetTokens::Table.into_iden(),
            Sessions::Table.into_iden(),
            Users::Table.into_iden(),
            Companies::Table.into_iden(),
        ] {
            manager
                .drop_table(Table::drop().table(table).to_owned())
                .await?;
        }
        Ok(())
    }
}

fn companies() -> TableCreateStatement {
    Table::create()
        .table(Companies::Table)
        .col(pk_uuid(Companies::Id))
        .col(string(Companies::Name))
        .col(string_uniq(Companies::NameKey))
        .col(string_len(Companies::DefaultLocale, 16).default("en"))
        .col(timestamp_with_time_zone(Companies::CreatedAt))
        .to_owned()
}

fn users() -> TableCreateStatement {
    Table::create()
        .table(Users::Table)
        .col(pk_uuid(Users::Id))
        .col(uuid(Users::CompanyId))
        .col(string(Users::Username))
        .col(string_uniq(Users::UsernameKey))
        .col(string(Users::Email))
        .col(string_uniq(Users::EmailKey))
        .col(string(Users::DisplayName))
        .col(string_len(Users::Role, 16))
        // PHC string (argon2id). Null until an invited user sets a password.
        .col(string_null(Users::PasswordHash))
        .col(boolean(Users::Active).default(true))
        .col(string_len_null(Users::Locale, 16))
        .col(timestamp_with_time_zone_null(Users::LastLoginAt))
        .col(timestamp_with_time_zone(Users::CreatedAt))
        .col(timestamp_with_time_zone(Users::UpdatedAt))
        .foreign_key(
            ForeignKey::create()
                .from(Users::Table, Users::CompanyId)
                .to(Companies::Table, Companies::Id)
                .on_delete(ForeignKeyAction::Restrict),
        )
        .to_owned()
}

fn sessions() -> TableCreateStatement {
    Table::create()
        .table(Sessions::Table)
        // SHA-256 of the cookie value: a leaked table does not hand out live sessions.
        .col(string_len(Sessions::Id, 64).primary_key())
        .col(uuid_null(Sessions::UserId))
        .col(text(Sessions::Data))
        .col(timestamp_with_time_zone(Sessions::CreatedAt))
        .col(timestamp_with_time_zone(Sessions::LastSeenAt))
        .col(timestamp_with_time_zone(Sessions::ExpiresAt))
        .col(timestamp_with_time_zone(Sessions::AbsoluteExpiresAt))
        .foreign_key(
            ForeignKey::create()
                .from(Sessions::Table, Sessions::UserId)
                .to(Users::Table, Users::Id)
                .on_delete(ForeignKeyAction::Cascade),
        )
        .to_owned()
}

fn password_reset_tokens() -> TableCreateStatement {
    Table::create()
        .table(PasswordResetTokens::Table)
        .col(pk_uuid(PasswordResetTokens::Id))
        .col(uuid(PasswordResetTokens::UserId))
        // SHA-256 of the emailed token; the token itself is never stored.
        .col(string_len_uniq(PasswordResetTokens::TokenHash, 64))
        // forgot_password | admin_reset | invitation
        .col(string_len(PasswordResetTokens::Purpose, 32))
        .col(uuid_null(PasswordResetTokens::CreatedBy))
        .col(timestamp_with_time_zone(PasswordResetTokens::CreatedAt))
        .col(timestamp_with_time_zone(PasswordResetTokens::ExpiresAt))
        .col(timestamp_with_time_zone_null(PasswordResetTokens::UsedAt))
        // Set when a newer token, a password change or an email change made this one void.
        .col(timestamp_with_time_zone_null(
            PasswordResetTokens::RevokedAt,
        ))
        .foreign_key(
            ForeignKey::create()
                .from(PasswordResetTokens::Table, PasswordResetTokens::UserId)
                .to(Users::Table, Users::Id)
                .on_delete(ForeignKeyAction::Cascade),
        )
        .to_owned()
}

fn email_outbox() -> TableCreateStatement {
    Table::create()
        .table(EmailOutbox::Table)
        .col(pk_uuid(EmailOutbox::Id))
        .col(uuid_null(EmailOutbox::UserId))
        .col(string(EmailOutbox::Recipient))
        .col(string_len(EmailOutbox::Template, 64))
        .col(string_len(EmailOutbox::Locale, 16))
        // Template parameters as JSON; rendered when sent.
        .col(text(EmailOutbox::Payload))
        // queued | sending | sent | retrying | failed
        .col(string_len(EmailOutbox::Status, 16))
        .col(integer(EmailOutbox::Attempts).default(0))
        .col(timestamp_with_time_zone(EmailOutbox::NextAttemptAt))
        .col(timestamp_with_time_zone_null(EmailOutbox::ClaimedUntil))
        .col(text_null(EmailOutbox::LastError))
        .col(timestamp_with_time_zone(EmailOutbox::CreatedAt))
        .col(timestamp_with_time_zone(EmailOutbox::UpdatedAt))
        .col(timestamp_with_time_zone_null(EmailOutbox::SentAt))
        .foreign_key(
            ForeignKey::create()
                .from(EmailOutbox::Table, EmailOutbox::UserId)
                .to(Users::Table, Users::Id)
                .on_delete(ForeignKeyAction::SetNull),
        )
        .to_owned()
}

fn audit_events() -> TableCreateStatement {
    // No foreign keys on purpose: the audit trail outlives the users it mentions.
    Table::create()
        .table(AuditEvents::Table)
        .col(pk_uuid(AuditEvents::Id))
        .col(uuid_null(AuditEvents::CompanyId))
        .col(uuid_null(AuditEvents::ActorUserId))
        .col(uuid_null(AuditEvents::TargetUserId))
        .col(string_len(AuditEvents::Kind, 64))
        .col(string_len(AuditEvents::Outcome, 32))
        .col(string_len_null(AuditEvents::ClientIp, 64))
        .col(text_null(AuditEvents::Details))
        .col(timestamp_with_time_zone(AuditEvents::CreatedAt))
        .to_owned()
}

fn rate_limits() -> TableCreateStatement {
    Table::create()
        .table(RateLimits::Table)
        // e.g. "login:account:<user id>" or "reset:email:<sha256>"
        .col(string(RateLimits::Key).primary_key())
        .col(timestamp_with_time_zone(RateLimits::WindowStartedAt))
        .col(integer(RateLimits::Count).default(0))
        .col(timestamp_with_time_zone_null(RateLimits::BlockedUntil))
        .col(timestamp_with_time_zone(RateLimits::UpdatedAt))
        .to_owned()
}

fn indexes() -> Vec<IndexCreateStatement> {
    vec![
        Index::create()
            .name("idx_users_company_display_name")
            .table(Users::Table)
            .col(Users::CompanyId)
            .col(Users::DisplayName)
            .to_owned(),
        Index::create()
            .name("idx_sessions_user")
            .table(Sessions::Table)
            .col(Sessions::UserId)
            .to_owned(),
        Index::create()
            .name("idx_sessions_expires_at")
            .table(Sessions::Table)
            .col(Sessions::ExpiresAt)
            .to_owned(),
        Index::create()
            .name("idx_reset_tokens_user")
            .table(PasswordResetTokens::Table)
            .col(PasswordResetTokens::UserId)
            .to_owned(),
        Index::create()
            .name("idx_outbox_due")
            .table(EmailOutbox::Table)
            .col(EmailOutbox::Status)
            .col(EmailOutbox::NextAttemptAt)
            .to_owned(),
        Index::create()
            .name("idx_outbox_user")
            .table(EmailOutbox::Table)
            .col(EmailOutbox::UserId)
            .col(EmailOutbox::CreatedAt)
            .to_owned(),
        Index::create()
            .name("idx_audit_company_time")
            .table(AuditEvents::Table)
            .col(AuditEvents::CompanyId)
            .col(AuditEvents::CreatedAt)
            .to_owned(),
    ]
}

#[derive(DeriveIden)]
enum Companies {
    Table,
    Id,
    Name,
    NameKey,
    DefaultLocale,
    CreatedAt,
}

#[derive(DeriveIden)]
enum Users {
    Table,
    Id,
    CompanyId,
    Username,
    UsernameKey,
    Email,
    EmailKey,
    DisplayName,
    Role,
    PasswordHash,
    Active,
    Locale,
    LastLoginAt,
    CreatedAt,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum Sessions {
    Table,
    Id,
    UserId,
    Data,
    CreatedAt,
    LastSeenAt,
    ExpiresAt,
    AbsoluteExpiresAt,
}

#[derive(DeriveIden)]
enum PasswordResetTokens {
    Table,
    Id,
    UserId,
    TokenHash,
    Purpose,
    CreatedBy,
    CreatedAt,
    ExpiresAt,
    UsedAt,
    RevokedAt,
}

#[derive(DeriveIden)]
enum EmailOutbox {
    Table,
    Id,
    UserId,
    Recipient,
    Template,
    Locale,
    Payload,
    Status,
    Attempts,
    NextAttemptAt,
    ClaimedUntil,
    LastError,
    CreatedAt,
    UpdatedAt,
    SentAt,
}

#[derive(DeriveIden)]
enum AuditEvents {
    Table,
    Id,
    CompanyId,
    ActorUserId,
    TargetUserId,
    Kind,
    Outcome,
    ClientIp,
    Details,
    CreatedAt,
}

#[derive(DeriveIden)]
enum RateLimits {
    Table,
    Key,
    WindowStartedAt,
    Count,
    BlockedUntil,
    UpdatedAt,
}
