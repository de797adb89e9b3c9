//! Changing a user's email address. The operator at the command line changes it at once. An
//! admin's change is only a request: a link goes to the new address, the old address is told,
//! and the address changes only when the link is confirmed (then the user's sessions end, their
//! other links die, and the old address is told again). So an admin, or whoever holds an
//! admin's session, cannot move an account to a mailbox of their choosing and reset its
//! password from there. Another admin's address is out of an admin's reach altogether.

use std::net::IpAddr;

use anyhow::Context;
use chrono::{DateTime, Utc};
use latch_domain::{AuditKind, AuditOutcome, Email, LinkState};
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DatabaseConnection, EntityTrait, QueryFilter,
    QueryOrder, Set, TransactionTrait,
};
use uuid::Uuid;

use super::actions::event;
use super::{Actor, Admin, AdminError, AdminPolicy, Target};
use crate::audit::{self, AuditEvent};
use crate::entities::{reset_token, user};
use crate::outbox::{self, MailTemplate, NewMail};
use crate::password_reset::{LinkPurpose, NewLink, issue_link, link_row, revoke_tokens, state_of};
use crate::secret_token::SecretToken;
use crate::sessions;
use crate::throttle::{self, ThrottleKey};
use crate::webhooks::{Event, SessionEndReason, Webhooks};

/// Everything an email change needs besides the database and the time.
pub struct EmailChange<'a> {
    pub policy: &'a AdminPolicy,
    pub actor: Actor<'a>,
    pub target: &'a Target,
    pub new_email: &'a Email,
    pub client_ip: Option<IpAddr>,
    /// Told when the address changes (`user.updated`, `session.ended`).
    pub webhooks: &'a Webhooks,
}

/// An admin's change of `change.target`'s address becomes a pending change confirmed from the
/// new address; the operator's takes effect at once.
pub async fn change_email(
    db: &DatabaseConnection,
    change: EmailChange<'_>,
    now: DateTime<Utc>,
) -> Result<(), AdminError> {
    let admin = match change.actor {
        Actor::Operator => return change_now(db, &change, now).await,
        Actor::Admin(admin) => admin,
    };
    let (policy, user) = (change.policy, change.target.user());
    let refuse = |outcome, error: AdminError| async move {
        let refused = event(
            change.actor,
            user,
            AuditKind::EmailChangeRequested,
            outcome,
            change.client_ip,
            None,
        );
        audit::record(db, refused, now).await?;
        Err::<(), _>(error)
    };
    if let Err(refused) = change.actor.require_reauth(policy, now) {
        return refuse(AuditOutcome::ReauthRequired, refused).await;
    }
    if user.role == latch_domain::Role::Admin && user.id != admin.user().id {
        return refuse(AuditOutcome::TargetIsAdmin, AdminError::TargetIsAdmin).await;
    }
    if user.email_key == change.new_email.key() {
        return Ok(());
    }
    if let Err(error) = count_new_address(db, policy, admin, now).await? {
        return refuse(AuditOutcome::Throttled, error).await;
    }
    let holder = user::Entity::find()
        .filter(user::Column::EmailKey.eq(change.new_email.key()))
        .one(db)
        .await
        .context("checking the address is free")?;
    // Within the company the admin may know who has the address; another company's users
    // are none of their business: the answer is the same as for a free address, the link
    // goes nowhere, and the operator is told.
    let foreign = match &holder {
        Some(holder) if holder.company_id == admin.company_id() => {
            return Err(AdminError::EmailTaken(change.new_email.as_str().to_owned()));
        }
        Some(holder) => Some(holder.company_id),
        None => None,
    };

    let txn = db.begin().await.context("starting the email change")?;
    let link = NewLink {
        user_id: user.id,
        purpose: LinkPurpose::EmailChange,
        created_by: Some(admin.user().id),
        valid_for: policy.email_change_valid_for,
        new_email: Some(change.new_email.as_str().to_owned()),
    };
    let link_id = issue_link(&txn, link, now).await?;
    let new_address = change.new_email.as_str().to_owned();
    if let Some(other_company) = foreign {
        let conflict = Conflict {
            act: "change_email",
            field: "email",
            admin,
            other_company,
            client_ip: change.client_ip,
        };
        record_conflict(&txn, conflict, now).await?;
    } else {
        let confirm = NewMail {
            to_address: new_address.clone(),
            ..NewMail::for_user(
                user,
                MailTemplate::EmailChangeConfirm {
                    username: user.username.clone(),
                    new_address: new_address.clone(),
                    link_id,
                    valid_hours: policy.email_change_valid_for.num_hours(),
                    expires_at: Some(now + policy.email_change_valid_for),
                },
            )
        };
        outbox::enqueue(&txn, confirm, now).await?;
    }
    // The old address hears of every request, so its owner can object in time.
    let told = NewMail::for_user(
        user,
        MailTemplate::EmailChangeRequested {
            username: user.username.clone(),
            new_address: new_address.clone(),
        },
    );
    outbox::enqueue(&txn, told, now).await?;
    let details = serde_json::json!({ "from": user.email, "to": new_address });
    let requested = event(
        change.actor,
        user,
        AuditKind::EmailChangeRequested,
        AuditOutcome::MailQueued,
        change.client_ip,
        Some(details),
    );
    audit::record(&txn, requested, now).await?;
    txn.commit().await.context("committing the email change")?;
    Ok(())
}

/// The operator's change: at once. Outstanding links die (they went to the old address), the
/// user's sessions end, and the old address is told where the account's mail goes now.
async fn change_now(
    db: &DatabaseConnection,
    change: &EmailChange<'_>,
    now: DateTime<Utc>,
) -> Result<(), AdminError> {
    let (user, new_email) = (change.target.user(), change.new_email);
    if user.email_key == new_email.key() {
        return Ok(());
    }
    let txn = db.begin().await.context("starting the email change")?;
    set_address(&txn, change.webhooks, user, new_email.as_str(), now).await?;
    let details = serde_json::json!({ "from": user.email, "to": new_email.as_str() });
    let changed = event(
        change.actor,
        user,
        AuditKind::EmailChanged,
        AuditOutcome::Succeeded,
        change.client_ip,
        Some(details),
    );
    audit::record(&txn, changed, now).await?;
    txn.commit().await.context("committing the email change")?;
    Ok(())
}

/// Stores `address` as `user`'s, voids their links, ends their sessions and tells the old
/// address; `EmailTaken` when another account has it (checked by the unique index, so two
/// changes racing for one address cannot both win).
async fn set_address(
    db: &impl ConnectionTrait,
    webhooks: &Webhooks,
    user: &user::Model,
    address: &str,
    now: DateTime<Utc>,
) -> Result<(), AdminError> {
    let email = Email::parse(address).context("the stored new address")?;
    let mut row: user::ActiveModel = user.clone().into();
    row.email = Set(email.as_str().to_owned());
    row.email_key = Set(email.key());
    row.search_key = Set(user::search_key(
        &user.display_name,
        &user.username_key,
        &email.key(),
    ));
    row.updated_at = Set(now);
    let after = row.update(db).await.map_err(|err| match err.sql_err() {
        Some(sea_orm::SqlErr::UniqueConstraintViolation(_)) => {
            AdminError::EmailTaken(email.as_str().to_owned())
        }
        _ => AdminError::Unexpected(anyhow::Error::new(err).context("changing the email")),
    })?;
    revoke_tokens(db, user.id, now).await?;
    let ended = sessions::end_all_for_user(db, user.id, None).await?;
    let updated = Event::UserUpdated {
        before: user,
        after: &after,
    };
    webhooks.publish(db, updated, now).await?;
    webhooks
        .sessions_ended(db, &after, &ended, SessionEndReason::EmailChanged, now)
        .await?;
    let mail = NewMail::for_user(
        user,
        MailTemplate::EmailChanged {
            username: user.username.clone(),
            new_address: email.as_str().to_owned(),
        },
    );
    outbox::enqueue(db, mail, now).await?;
    Ok(())
}

/// Why confirming an email change did not work.
#[derive(Debug, thiserror::Error)]
pub enum ConfirmError {
    #[error("the link cannot be used: {0:?}")]
    LinkUnusable(LinkState),
    /// Another account took the address since the change was requested.
    #[error("the address {0:?} belongs to another account now")]
    EmailTaken(String),
    #[error(transparent)]
    Unexpected(#[from] anyhow::Error),
}

/// A pending email change, as its confirmation page shows it.
#[derive(Debug, Clone)]
pub struct PendingEmail {
    pub username: String,
    pub new_email: String,
}

/// What the email-change link in a browser's cookie is good for, and while it works, whose
/// address it changes to what (opening the link changes nothing).
pub async fn email_change_status(
    db: &impl ConnectionTrait,
    token: Option<&SecretToken>,
    now: DateTime<Utc>,
) -> anyhow::Result<(LinkState, Option<PendingEmail>)> {
    let Some(token) = token else {
        return Ok((LinkState::Unknown, None));
    };
    let row = link_row(db, token, &[LinkPurpose::EmailChange]).await?;
    let state = state_of(row.as_ref(), token, now);
    let (Some(row), LinkState::Valid) = (row, state) else {
        return Ok((state, None));
    };
    let owner = user::Entity::find_by_id(row.user_id)
        .one(db)
        .await
        .context("loading the link's user")?;
    let pending = owner
        .zip(row.new_email)
        .map(|(owner, new_email)| PendingEmail {
            username: owner.username,
            new_email,
        });
    Ok((state, pending))
}

/// "Confirm email address": uses the link (once, atomically) and makes its address the
/// user's; their sessions end and their other links die. Returns the new address.
pub async fn confirm_email_change(
    db: &DatabaseConnection,
    webhooks: &Webhooks,
    token: Option<&SecretToken>,
    client_ip: Option<IpAddr>,
    now: DateTime<Utc>,
) -> Result<String, ConfirmError> {
    let Some(token) = token else {
        return Err(ConfirmError::LinkUnusable(LinkState::Unknown));
    };
    let txn = db
        .begin()
        .await
        .context("starting the email confirmation")?;
    let consumed = reset_token::Entity::update_many()
        .col_expr(reset_token::Column::UsedAt, Expr::value(now))
        .filter(reset_token::Column::TokenHash.eq(token.storage_key()))
        .filter(reset_token::Column::Purpose.eq(LinkPurpose::EmailChange))
        .filter(reset_token::Column::UsedAt.is_null())
        .filter(reset_token::Column::RevokedAt.is_null())
        .filter(reset_token::Column::ExpiresAt.gt(now))
        .exec_with_returning(&txn)
        .await
        .context("consuming the confirmation link")?;
    let Some(link) = consumed.into_iter().next() else {
        txn.rollback()
            .await
            .context("abandoning the confirmation")?;
        let (state, _) = email_change_status(db, Some(token), now).await?;
        return Err(ConfirmError::LinkUnusable(state));
    };
    let user = user::Entity::find_by_id(link.user_id)
        .one(&txn)
        .await
        .context("loading the user")?
        .context("the link's user is gone")?;
    let address = link
        .new_email
        .context("an email-change link without its address")?;
    match set_address(&txn, webhooks, &user, &address, now).await {
        Ok(()) => {}
        Err(AdminError::EmailTaken(taken)) => {
            txn.rollback()
                .await
                .context("abandoning the confirmation")?;
            return Err(ConfirmError::EmailTaken(taken));
        }
        Err(other) => return Err(ConfirmError::Unexpected(anyhow::anyhow!("{other}"))),
    }
    let details = serde_json::json!({ "from": user.email, "to": address });
    let changed = AuditEvent {
        company_id: Some(user.company_id),
        // The admin who asked for it; confirmed by whoever reads the new address.
        actor_user_id: link.created_by,
        target_user_id: Some(user.id),
        kind: AuditKind::EmailChanged,
        outcome: AuditOutcome::Succeeded,
        client_ip: client_ip.map(|ip| ip.to_string()),
        details: Some(details),
    };
    audit::record(&txn, changed, now).await?;
    txn.commit()
        .await
        .context("committing the email confirmation")?;
    tracing::info!(user_id = %user.id, "email change confirmed");
    Ok(address)
}

/// The address `user_id`'s pending email change waits to be confirmed at, if any.
pub async fn pending_email(
    db: &impl ConnectionTrait,
    user_id: Uuid,
    now: DateTime<Utc>,
) -> anyhow::Result<Option<String>> {
    let pending = reset_token::Entity::find()
        .filter(reset_token::Column::UserId.eq(user_id))
        .filter(reset_token::Column::Purpose.eq(LinkPurpose::EmailChange))
        .filter(reset_token::Column::UsedAt.is_null())
        .filter(reset_token::Column::RevokedAt.is_null())
        .filter(reset_token::Column::ExpiresAt.gt(now))
        .order_by_desc(reset_token::Column::CreatedAt)
        .one(db)
        .await
        .context("looking up a pending email change")?;
    Ok(pending.and_then(|link| link.new_email))
}

/// Counts one invitation or email change against the admin's and the company's allowance
/// ([`AdminPolicy::new_addresses_per_admin`], [`AdminPolicy::new_addresses_per_company`]).
/// Every request counts, whatever comes of it, so probing for names is throttled too.
/// `Ok(Err(..))`: refused.
pub(super) async fn count_new_address(
    db: &impl ConnectionTrait,
    policy: &AdminPolicy,
    admin: &Admin,
    now: DateTime<Utc>,
) -> anyhow::Result<Result<(), AdminError>> {
    let by_admin = ThrottleKey::new_addresses_by_admin(admin.user().id);
    let in_company = ThrottleKey::new_addresses_in_company(admin.company_id());
    let mut blocked = throttle::blocked_until(db, &by_admin, now).await?;
    blocked = blocked.max(throttle::blocked_until(db, &in_company, now).await?);
    if blocked.is_none() {
        let admin_block =
            throttle::record_failure(db, &by_admin, policy.new_addresses_per_admin, now).await?;
        let company_block =
            throttle::record_failure(db, &in_company, policy.new_addresses_per_company, now)
                .await?;
        blocked = admin_block.max(company_block);
    }
    Ok(match blocked {
        Some(retry_at) => Err(AdminError::NewAddressesThrottled { retry_at }),
        None => Ok(()),
    })
}

/// A username or address an admin named that belongs to another company.
pub(super) struct Conflict<'a> {
    /// The server function's name (`invite_user`, `change_email`).
    pub act: &'static str,
    /// `username` or `email`.
    pub field: &'static str,
    pub admin: &'a Admin,
    pub other_company: Uuid,
    pub client_ip: Option<IpAddr>,
}

/// Records `conflict` for the operator only (no company's trail holds it: the asking admin
/// must not learn of it, the other company's admins need not). `latch mail status` lists it.
pub(super) async fn record_conflict(
    db: &impl ConnectionTrait,
    conflict: Conflict<'_>,
    now: DateTime<Utc>,
) -> anyhow::Result<()> {
    let details = serde_json::json!({
        "act": conflict.act,
        "field": conflict.field,
        "company_id": conflict.admin.company_id(),
        "other_company_id": conflict.other_company,
    });
    let event = AuditEvent {
        company_id: None,
        actor_user_id: Some(conflict.admin.user().id),
        target_user_id: None,
        kind: AuditKind::AccountConflict,
        outcome: AuditOutcome::Succeeded,
        client_ip: conflict.client_ip.map(|ip| ip.to_string()),
        details: Some(details),
    };
    tracing::warn!(
        act = conflict.act,
        field = conflict.field,
        company_id = %conflict.admin.company_id(),
        other_company_id = %conflict.other_company,
        "an admin named another company's username or address; answered as success, nothing sent"
    );
    audit::record(db, event, now).await
}

/// One [`AuditKind::AccountConflict`], for the operator.
#[derive(Debug, Clone)]
pub struct ConflictRow {
    pub at: DateTime<Utc>,
    pub act: String,
    pub field: String,
    pub company_id: String,
    pub other_company_id: String,
    pub admin_id: Option<Uuid>,
}

/// The newest `limit` conflicts, newest first (`latch mail status` shows them).
pub async fn recent_conflicts(
    db: &impl ConnectionTrait,
    limit: u64,
) -> anyhow::Result<Vec<ConflictRow>> {
    use crate::entities::audit_event;
    use sea_orm::QuerySelect;
    let rows = audit_event::Entity::find()
        .filter(audit_event::Column::Kind.eq(AuditKind::AccountConflict.as_str()))
        .order_by_desc(audit_event::Column::CreatedAt)
        .limit(limit)
        .all(db)
        .await
        .context("reading the conflicts")?;
    Ok(rows
        .into_iter()
        .map(|row| {
            let details: serde_json::Value = row
                .details
                .as_deref()
                .and_then(|d| serde_json::from_str(d).ok())
                .unwrap_or_default();
            let text = |key: &str| details[key].as_str().unwrap_or_default().to_owned();
            ConflictRow {
                at: row.created_at,
                act: text("act"),
                field: text("field"),
                company_id: text("company_id"),
                other_company_id: text("other_company_id"),
                admin_id: row.actor_user_id,
            }
        })
        .collect())
}
