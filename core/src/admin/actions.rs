//! What an admin (or the operator) may do to a user: send a reset link, invite, deactivate or
//! reactivate, change role or email address. Each is one transaction with its audit event.

use std::net::IpAddr;

use anyhow::Context;
use chrono::{DateTime, Utc};
use latch_domain::{AuditKind, AuditOutcome, Email, Role};
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DatabaseConnection, EntityTrait,
    PaginatorTrait, QueryFilter, Set, TransactionTrait,
};

use super::{Actor, AdminError, AdminPolicy, Target};
use crate::accounts::{self, AccountError, NewUser};
use crate::audit::{self, AuditEvent};
use crate::entities::{company, user};
use crate::outbox::{self, MailTemplate, NewMail};
use crate::password_reset::{LinkPurpose, NewLink, issue_link, revoke_tokens};
use crate::sessions;
use crate::throttle::{self, ThrottleKey};

fn event(
    actor: Actor<'_>,
    target: &user::Model,
    kind: AuditKind,
    outcome: AuditOutcome,
    client_ip: Option<IpAddr>,
    details: Option<serde_json::Value>,
) -> AuditEvent {
    AuditEvent {
        company_id: Some(target.company_id),
        actor_user_id: actor.user_id(),
        target_user_id: Some(target.id),
        kind,
        outcome,
        client_ip: client_ip.map(|ip| ip.to_string()),
        details,
    }
}

/// An admin's (or the operator's) "Reset Password" on a user. The act has this one name in
/// code: [`admin_reset`], [`MailTemplate::AdminReset`], [`LinkPurpose::AdminReset`],
/// [`AuditKind::AdminReset`] and [`ThrottleKey::admin_reset`].
pub struct AdminReset<'a> {
    pub policy: &'a AdminPolicy,
    pub actor: Actor<'a>,
    pub target: &'a Target,
    pub client_ip: Option<IpAddr>,
}

/// "Reset Password": emails the user a link to choose a new password (valid
/// [`AdminPolicy::reset_link_valid_for`]). Their current password keeps working until then.
pub async fn admin_reset(
    db: &DatabaseConnection,
    reset: AdminReset<'_>,
    now: DateTime<Utc>,
) -> Result<(), AdminError> {
    let AdminReset {
        policy,
        actor,
        target,
        client_ip,
    } = reset;
    let user = target.user();
    if !user.active {
        return Err(AdminError::Inactive);
    }
    let key = ThrottleKey::admin_reset(user.id);
    let mut blocked = throttle::blocked_until(db, &key, now).await?;
    if blocked.is_none() {
        blocked = throttle::record_failure(db, &key, policy.resets_per_user, now).await?;
    }
    if let Some(retry_at) = blocked {
        let refused = event(
            actor,
            user,
            AuditKind::AdminReset,
            AuditOutcome::Throttled,
            client_ip,
            None,
        );
        audit::record(db, refused, now).await?;
        return Err(AdminError::Throttled { retry_at });
    }

    let txn = db.begin().await.context("starting the admin reset")?;
    let link = NewLink {
        user_id: user.id,
        purpose: LinkPurpose::AdminReset,
        created_by: actor.user_id(),
        valid_for: policy.reset_link_valid_for,
    };
    let link_id = issue_link(&txn, link, now).await?;
    let mail = NewMail::for_user(
        user,
        MailTemplate::AdminReset {
            username: user.username.clone(),
            link_id,
            valid_hours: policy.reset_link_valid_for.num_hours(),
            expires_at: Some(now + policy.reset_link_valid_for),
        },
    );
    outbox::enqueue(&txn, mail, now).await?;
    let queued = event(
        actor,
        user,
        AuditKind::AdminReset,
        AuditOutcome::MailQueued,
        client_ip,
        None,
    );
    audit::record(&txn, queued, now).await?;
    txn.commit().await.context("committing the admin reset")?;
    Ok(())
}

/// Everything "Add user" needs besides the database and the time.
pub struct Invitation<'a> {
    pub policy: &'a AdminPolicy,
    pub actor: Actor<'a>,
    pub new_user: NewUser,
    pub client_ip: Option<IpAddr>,
}

/// "Add user": creates the user without a password and emails them an invitation to choose
/// one (valid [`AdminPolicy::invitation_valid_for`]).
pub async fn invite_user(
    db: &DatabaseConnection,
    invitation: Invitation<'_>,
    now: DateTime<Utc>,
) -> Result<user::Model, AdminError> {
    let Invitation {
        policy,
        actor,
        new_user,
        client_ip,
    } = invitation;
    if let Actor::Admin(admin) = actor {
        let company = company::Entity::find_by_id(admin.company_id())
            .one(db)
            .await
            .context("loading the admin's company")?
            .context("the admin's company is gone")?;
        // An admin adds users to their own company, whatever the form said.
        if company.name_key != new_user.company.key() {
            return Err(AdminError::NotAdmin);
        }
    }
    let company_name = new_user.company.as_str().to_owned();
    let txn = db.begin().await.context("starting the invitation")?;
    let user = accounts::add_user(&txn, new_user, None, now)
        .await
        .map_err(|err| match err {
            AccountError::UsernameTaken(name) => AdminError::UsernameTaken(name),
            AccountError::EmailTaken(email) => AdminError::EmailTaken(email),
            other => AdminError::Unexpected(anyhow::Error::new(other)),
        })?;
    let link = NewLink {
        user_id: user.id,
        purpose: LinkPurpose::Invitation,
        created_by: actor.user_id(),
        valid_for: policy.invitation_valid_for,
    };
    let link_id = issue_link(&txn, link, now).await?;
    let mail = NewMail::for_user(
        &user,
        MailTemplate::Invitation {
            username: user.username.clone(),
            company: company_name,
            link_id,
            valid_hours: policy.invitation_valid_for.num_hours(),
            expires_at: Some(now + policy.invitation_valid_for),
        },
    );
    outbox::enqueue(&txn, mail, now).await?;
    let details = serde_json::json!({ "role": user.role.as_str() });
    let invited = event(
        actor,
        &user,
        AuditKind::UserInvited,
        AuditOutcome::MailQueued,
        client_ip,
        Some(details),
    );
    audit::record(&txn, invited, now).await?;
    txn.commit().await.context("committing the invitation")?;
    Ok(user)
}

/// Deactivates (sessions end, links die, no more mail) or reactivates a user.
pub async fn set_active(
    db: &DatabaseConnection,
    actor: Actor<'_>,
    target: &Target,
    active: bool,
    client_ip: Option<IpAddr>,
    now: DateTime<Utc>,
) -> Result<(), AdminError> {
    let user = target.user();
    let txn = db.begin().await.context("starting the status change")?;
    if !active && user.role == Role::Admin {
        ensure_another_active_admin(&txn, user).await?;
    }
    let mut row: user::ActiveModel = user.clone().into();
    row.active = Set(active);
    row.updated_at = Set(now);
    row.update(&txn).await.context("updating the user")?;
    if !active {
        sessions::end_all_for_user(&txn, user.id, None).await?;
        revoke_tokens(&txn, user.id, now).await?;
    }
    let kind = if active {
        AuditKind::UserReactivated
    } else {
        AuditKind::UserDeactivated
    };
    audit::record(
        &txn,
        event(actor, user, kind, AuditOutcome::Succeeded, client_ip, None),
        now,
    )
    .await?;
    txn.commit().await.context("committing the status change")?;
    Ok(())
}

/// Makes a user an admin or a member.
pub async fn set_role(
    db: &DatabaseConnection,
    actor: Actor<'_>,
    target: &Target,
    role: Role,
    client_ip: Option<IpAddr>,
    now: DateTime<Utc>,
) -> Result<(), AdminError> {
    let user = target.user();
    let txn = db.begin().await.context("starting the role change")?;
    if role != Role::Admin && user.role == Role::Admin && user.active {
        ensure_another_active_admin(&txn, user).await?;
    }
    let mut row: user::ActiveModel = user.clone().into();
    row.role = Set(role);
    row.updated_at = Set(now);
    row.update(&txn).await.context("updating the role")?;
    let details = serde_json::json!({ "from": user.role.as_str(), "to": role.as_str() });
    let changed = event(
        actor,
        user,
        AuditKind::RoleChanged,
        AuditOutcome::Succeeded,
        client_ip,
        Some(details),
    );
    audit::record(&txn, changed, now).await?;
    txn.commit().await.context("committing the role change")?;
    Ok(())
}

/// Corrects a user's email address: outstanding links die (they went to the old address),
/// and the old address is told where the account's mail goes now.
pub async fn change_email(
    db: &DatabaseConnection,
    actor: Actor<'_>,
    target: &Target,
    new_email: &Email,
    client_ip: Option<IpAddr>,
    now: DateTime<Utc>,
) -> Result<(), AdminError> {
    let user = target.user();
    if user.email_key == new_email.key() {
        return Ok(());
    }
    let taken = user::Entity::find()
        .filter(user::Column::EmailKey.eq(new_email.key()))
        .count(db)
        .await
        .context("checking the address is free")?;
    if taken > 0 {
        return Err(AdminError::EmailTaken(new_email.as_str().to_owned()));
    }
    let txn = db.begin().await.context("starting the email change")?;
    let mut row: user::ActiveModel = user.clone().into();
    row.email = Set(new_email.as_str().to_owned());
    row.email_key = Set(new_email.key());
    row.search_key = Set(user::search_key(
        &user.display_name,
        &user.username_key,
        &new_email.key(),
    ));
    row.updated_at = Set(now);
    row.update(&txn).await.map_err(|err| {
        match err.sql_err() {
            // A concurrent change took the address between the check and the write.
            Some(sea_orm::SqlErr::UniqueConstraintViolation(_)) => {
                AdminError::EmailTaken(new_email.as_str().to_owned())
            }
            _ => AdminError::Unexpected(anyhow::Error::new(err).context("changing the email")),
        }
    })?;
    revoke_tokens(&txn, user.id, now).await?;
    let mail = NewMail::for_user(
        user,
        MailTemplate::EmailChanged {
            username: user.username.clone(),
            new_address: new_email.as_str().to_owned(),
        },
    );
    outbox::enqueue(&txn, mail, now).await?;
    let details = serde_json::json!({ "from": user.email, "to": new_email.as_str() });
    let changed = event(
        actor,
        user,
        AuditKind::EmailChanged,
        AuditOutcome::Succeeded,
        client_ip,
        Some(details),
    );
    audit::record(&txn, changed, now).await?;
    txn.commit().await.context("committing the email change")?;
    Ok(())
}

/// Refuses to leave `user`'s company without an active admin. Two admins demoting each other
/// at once would each still see the other as admin; so the company's row is locked first (a
/// write that changes nothing: a row lock on PostgreSQL, the write lock on SQLite), which
/// makes such changes take turns, and the second one counts after the first committed.
async fn ensure_another_active_admin(
    db: &impl ConnectionTrait,
    user: &user::Model,
) -> Result<(), AdminError> {
    company::Entity::update_many()
        .col_expr(company::Column::Name, Expr::col(company::Column::Name))
        .filter(company::Column::Id.eq(user.company_id))
        .exec(db)
        .await
        .context("locking the company's admins")?;
    let others = user::Entity::find()
        .filter(user::Column::CompanyId.eq(user.company_id))
        .filter(user::Column::Role.eq(Role::Admin))
        .filter(user::Column::Active.eq(true))
        .filter(user::Column::Id.ne(user.id))
        .count(db)
        .await
        .context("counting the company's admins")?;
    if others == 0 {
        return Err(AdminError::LastAdmin);
    }
    Ok(())
}
