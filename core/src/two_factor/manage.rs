//! Account Settings' "Two-step verification": the user's own methods, and what an admin and
//! the company's policy may do to them.

use std::net::IpAddr;

use anyhow::Context;
use chrono::{DateTime, Utc};
use latch_domain::{AuditKind, AuditOutcome};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, DatabaseConnection, DatabaseTransaction, EntityTrait,
    QueryFilter, Set, TransactionTrait,
};
use uuid::Uuid;

use super::{Requirement, TwoFactorError, factors_of, recovery, totp};
use crate::admin::{Actor, AdminError, Target};
use crate::audit::{self, AuditEvent};
use crate::entities::{second_factor, user};
use crate::outbox::{self, MailTemplate, NewMail};
use crate::reauth;
use crate::services::Services;
use crate::sessions::SessionUser;

/// One confirmed method, as Account Settings lists it (never its secret).
#[derive(Debug, Clone)]
pub struct FactorSummary {
    pub id: Uuid,
    pub kind: String,
    pub name: String,
    pub created_at: DateTime<Utc>,
    pub last_used_at: Option<DateTime<Utc>>,
}

/// Everything the "Two-step verification" card shows.
#[derive(Debug, Clone)]
pub struct Status {
    pub factors: Vec<FactorSummary>,
    pub recovery_codes_left: u64,
    /// An authenticator app being set up: its QR code and secret.
    pub setup: Option<totp::Enrolment>,
    /// A new batch of recovery codes, until the user says it is saved.
    pub new_recovery_codes: Option<Vec<String>>,
    /// Whether the session confirmed the password in the last minutes (no password field).
    pub password_confirmed: bool,
    /// Whether the company requires this user to keep a method.
    pub required: bool,
}

pub async fn status(
    services: &Services,
    session: &SessionUser,
    now: DateTime<Utc>,
) -> anyhow::Result<Status> {
    let db = &services.db;
    let user = &session.user;
    let factors = factors_of(db, user.id).await?;
    let setup = match totp::setup_in_progress(db, user.id, totp::SETUP_VALID_FOR, now).await? {
        Some(row) => Some(totp::enrolment(
            &services.server_key,
            &row,
            &super::issuer(&services.public_url),
            &user.username,
        )?),
        None => None,
    };
    Ok(Status {
        factors: factors.into_iter().map(summary).collect(),
        recovery_codes_left: recovery::left(db, user.id).await?,
        setup,
        new_recovery_codes: recovery::waiting(db, &services.server_key, user.id, now).await?,
        password_confirmed: reauth::is_recent(
            session.reauthenticated_at,
            &services.admin_policy,
            now,
        ),
        required: Requirement::of(&session.company).covers(user),
    })
}

fn summary(row: second_factor::Model) -> FactorSummary {
    FactorSummary {
        id: row.id,
        kind: row.kind,
        name: row.name,
        created_at: row.confirmed_at.unwrap_or(row.created_at),
        last_used_at: row.last_used_at,
    }
}

/// The password confirmation every change here needs: already done in the last minutes, or
/// `password` now.
pub(super) async fn ensure_confirmed(
    services: &Services,
    session: &SessionUser,
    password: Option<&str>,
    client_ip: Option<IpAddr>,
    now: DateTime<Utc>,
) -> Result<(), TwoFactorError> {
    let policy = &services.admin_policy;
    if reauth::is_recent(session.reauthenticated_at, policy, now) {
        return Ok(());
    }
    let Some(password) = password.filter(|p| !p.is_empty()) else {
        return Err(TwoFactorError::PasswordNeeded);
    };
    let kind = AuditKind::PasswordConfirmed;
    reauth::confirm_password(
        services,
        &session.user,
        &session.session_key,
        password,
        client_ip,
        kind,
        now,
    )
    .await?;
    Ok(())
}

/// "Set up an authenticator app": a new seed to scan, saved only once a code from the app
/// confirms it ([`finish_app_setup`]).
pub async fn begin_app_setup(
    services: &Services,
    session: &SessionUser,
    password: Option<&str>,
    client_ip: Option<IpAddr>,
    now: DateTime<Utc>,
) -> Result<(), TwoFactorError> {
    ensure_confirmed(services, session, password, client_ip, now).await?;
    totp::begin(&services.db, &services.server_key, &session.user, now).await?;
    Ok(())
}

pub async fn cancel_app_setup(
    db: &DatabaseConnection,
    session: &SessionUser,
) -> Result<(), TwoFactorError> {
    totp::discard_unconfirmed(db, session.user.id).await?;
    Ok(())
}

/// What turning on an authenticator app did.
#[derive(Debug)]
pub struct AppAdded {
    /// A first method comes with a first batch of recovery codes (shown once).
    pub recovery_codes: Option<Vec<String>>,
}

/// Saves the authenticator app being set up, once `code` from it is right. The first method
/// of an account comes with recovery codes. Audited, and the user is mailed.
pub async fn finish_app_setup(
    services: &Services,
    user: &user::Model,
    code: &str,
    client_ip: Option<IpAddr>,
    now: DateTime<Utc>,
) -> Result<AppAdded, TwoFactorError> {
    let db = &services.db;
    let row = totp::setup_in_progress(db, user.id, totp::SETUP_VALID_FOR, now)
        .await?
        .ok_or(TwoFactorError::NoSetup)?;
    let txn = db.begin().await.context("starting the app setup")?;
    if !totp::accept(&txn, &services.server_key, &row, code, now).await? {
        drop(txn);
        let event = AuditEvent::own(
            user,
            AuditKind::SecondFactorAdded,
            AuditOutcome::Failed,
            client_ip,
        );
        audit::record(db, event, now).await?;
        return Err(TwoFactorError::WrongCode);
    }
    let had_factor = !factors_of(&txn, user.id).await?.is_empty();
    let mut confirmed: second_factor::ActiveModel = row.into();
    confirmed.confirmed_at = Set(Some(now));
    confirmed.last_used_at = Set(Some(now));
    confirmed.name = Set("Authenticator app".to_owned());
    confirmed.update(&txn).await.context("saving the app")?;
    // One app at a time: a new phone replaces the old one's seed.
    second_factor::Entity::delete_many()
        .filter(second_factor::Column::UserId.eq(user.id))
        .filter(second_factor::Column::Kind.eq(totp::KIND))
        .filter(second_factor::Column::ConfirmedAt.lt(now))
        .exec(&txn)
        .await
        .context("replacing the earlier app")?;
    method_added(txn, services, user, totp::KIND, had_factor, client_ip, now).await
}

/// The rest of adding a method (`method`: `totp` or `passkey`) once its row is saved in
/// `txn`: an account's first method comes with recovery codes; the addition is audited and
/// mailed; then `txn` commits.
pub(super) async fn method_added(
    txn: DatabaseTransaction,
    services: &Services,
    user: &user::Model,
    method: &str,
    had_factor: bool,
    client_ip: Option<IpAddr>,
    now: DateTime<Utc>,
) -> Result<AppAdded, TwoFactorError> {
    let recovery_codes = if had_factor {
        None
    } else {
        Some(recovery::renew(&txn, &services.server_key, user.id, now).await?)
    };
    let kind = AuditKind::SecondFactorAdded;
    let event = AuditEvent::own(user, kind, AuditOutcome::Succeeded, client_ip)
        .with_details(serde_json::json!({ "method": method }));
    audit::record(&txn, event, now).await?;
    let template = MailTemplate::SignInMethodAdded {
        username: user.username.clone(),
        method: method.to_owned(),
    };
    outbox::enqueue(&txn, NewMail::for_user(user, template), now).await?;
    txn.commit().await.context("committing the new method")?;
    tracing::info!(user_id = %user.id, method, "sign-in method added");
    Ok(AppAdded { recovery_codes })
}

/// Removes one of the user's own methods (password confirmed). The last one cannot go while
/// the company requires one; with it go the recovery codes.
pub async fn remove_factor(
    services: &Services,
    session: &SessionUser,
    factor_id: &str,
    password: Option<&str>,
    client_ip: Option<IpAddr>,
    now: DateTime<Utc>,
) -> Result<(), TwoFactorError> {
    let db = &services.db;
    let user = &session.user;
    let factors = factors_of(db, user.id).await?;
    let factor = Uuid::parse_str(factor_id.trim())
        .ok()
        .and_then(|id| factors.iter().find(|f| f.id == id))
        .ok_or(TwoFactorError::UnknownFactor)?;
    if factors.len() == 1 && Requirement::of(&session.company).covers(user) {
        return Err(TwoFactorError::RequiredByCompany);
    }
    ensure_confirmed(services, session, password, client_ip, now).await?;
    let txn = db.begin().await.context("starting the removal")?;
    second_factor::Entity::delete_by_id(factor.id)
        .exec(&txn)
        .await
        .context("removing the method")?;
    if factors.len() == 1 {
        recovery::discard(&txn, user.id).await?;
    }
    let kind = AuditKind::SecondFactorRemoved;
    let event = AuditEvent::own(user, kind, AuditOutcome::Succeeded, client_ip)
        .with_details(serde_json::json!({ "method": factor.kind }));
    audit::record(&txn, event, now).await?;
    let template = MailTemplate::SignInMethodRemoved {
        username: user.username.clone(),
        method: factor.kind.clone(),
        by_admin: false,
    };
    outbox::enqueue(&txn, NewMail::for_user(user, template), now).await?;
    txn.commit().await.context("committing the removal")?;
    Ok(())
}

/// "Make new recovery codes": the old ones stop working; the new ones are shown once.
pub async fn renew_recovery_codes(
    services: &Services,
    session: &SessionUser,
    password: Option<&str>,
    client_ip: Option<IpAddr>,
    now: DateTime<Utc>,
) -> Result<Vec<String>, TwoFactorError> {
    let db = &services.db;
    let user = &session.user;
    if factors_of(db, user.id).await?.is_empty() {
        return Err(TwoFactorError::NoFactor);
    }
    ensure_confirmed(services, session, password, client_ip, now).await?;
    let txn = db.begin().await.context("starting new recovery codes")?;
    let codes = recovery::renew(&txn, &services.server_key, user.id, now).await?;
    let event = AuditEvent::own(
        user,
        AuditKind::RecoveryCodesRenewed,
        AuditOutcome::Succeeded,
        client_ip,
    );
    audit::record(&txn, event, now).await?;
    txn.commit()
        .await
        .context("committing new recovery codes")?;
    Ok(codes)
}

/// "I have saved these codes": the new batch is not shown again.
pub async fn dismiss_recovery_codes(
    db: &DatabaseConnection,
    session: &SessionUser,
) -> Result<(), TwoFactorError> {
    recovery::dismiss(db, session.user.id).await?;
    Ok(())
}

/// An admin's (or the operator's) "Remove two-step verification" on a user of their company:
/// every method and recovery code goes, the user is mailed and logs in with the password
/// alone (or, if their company requires a method, sets up a new one right after it). The
/// admin must have confirmed their password in the last minutes. Returns how many methods
/// were removed.
pub async fn admin_remove_all(
    db: &DatabaseConnection,
    policy: &crate::policies::AdminPolicy,
    actor: Actor<'_>,
    target: &Target,
    client_ip: Option<IpAddr>,
    now: DateTime<Utc>,
) -> Result<u64, AdminError> {
    let user = target.user();
    let audit_event = |outcome, details| {
        crate::admin::event(
            actor,
            user,
            AuditKind::SecondFactorRemoved,
            outcome,
            client_ip,
            details,
        )
    };
    if let Err(refused) = actor.require_reauth(policy, now) {
        audit::record(db, audit_event(AuditOutcome::ReauthRequired, None), now).await?;
        return Err(refused);
    }
    let txn = db.begin().await.context("starting the removal")?;
    let removed = second_factor::Entity::delete_many()
        .filter(second_factor::Column::UserId.eq(user.id))
        .exec(&txn)
        .await
        .context("removing the user's methods")?
        .rows_affected;
    recovery::discard(&txn, user.id).await?;
    let details = serde_json::json!({ "method": "all", "removed": removed });
    audit::record(
        &txn,
        audit_event(AuditOutcome::Succeeded, Some(details)),
        now,
    )
    .await?;
    if removed > 0 {
        let template = MailTemplate::SignInMethodRemoved {
            username: user.username.clone(),
            method: "all".to_owned(),
            by_admin: true,
        };
        outbox::enqueue(&txn, NewMail::for_user(user, template), now).await?;
    }
    txn.commit().await.context("committing the removal")?;
    tracing::info!(user_id = %user.id, removed, "second factors removed by an admin");
    Ok(removed)
}
