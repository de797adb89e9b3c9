//! What an admin (or the operator) may do to a user: send a reset link, invite, deactivate or
//! reactivate, change role (email changes: `email_change.rs`). Each is one transaction with
//! its audit event.

use std::net::IpAddr;

use anyhow::Context;
use chrono::{DateTime, Utc};
use latch_domain::{AuditKind, AuditOutcome, Role};
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DatabaseConnection, EntityTrait,
    PaginatorTrait, QueryFilter, Set, TransactionTrait,
};

use super::email_change::{Conflict, count_new_address, record_conflict};
use super::{Actor, AdminError, AdminPolicy, Target};
use crate::accounts::{self, AccountError, NewUser};
use crate::audit::{self, AuditEvent};
use crate::entities::{company, user};
use crate::outbox::{self, MailTemplate, NewMail};
use crate::password_reset::{LinkPurpose, NewLink, issue_link, revoke_tokens};
use crate::sessions;
use crate::throttle::{self, ThrottleKey};
use crate::webhooks::{Event, SessionEndReason, Webhooks};

pub(crate) fn event(
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
        new_email: None,
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
    /// Told of the new user (`user.created`).
    pub webhooks: &'a Webhooks,
}

/// "Add user": creates the user without a password and emails them an invitation to choose
/// one (valid [`AdminPolicy::invitation_valid_for`]). An admin's invitations count toward
/// their own and their company's hourly allowance. When an admin names a username or
/// address of *another* company, nothing is created or sent and the operator is told
/// ([`AuditKind::AccountConflict`]), but the admin gets the answer of success (`Ok(None)`):
/// whether another company uses a name is not theirs to learn. (What stays visible: the user
/// does not appear in their list. Usernames and addresses sign in, so they stay unique
/// across companies.)
pub async fn invite_user(
    db: &DatabaseConnection,
    invitation: Invitation<'_>,
    now: DateTime<Utc>,
) -> Result<Option<user::Model>, AdminError> {
    let Invitation {
        policy,
        actor,
        new_user,
        client_ip,
        webhooks,
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
        if let Err(refused) = count_new_address(db, policy, admin, now).await? {
            let throttled = AuditEvent {
                company_id: Some(admin.company_id()),
                actor_user_id: Some(admin.user().id),
                target_user_id: None,
                kind: AuditKind::UserInvited,
                outcome: AuditOutcome::Throttled,
                client_ip: client_ip.map(|ip| ip.to_string()),
                details: None,
            };
            audit::record(db, throttled, now).await?;
            return Err(refused);
        }
        if let Some(conflict) = check_free(db, admin, &new_user).await? {
            let conflict = Conflict {
                client_ip,
                ..conflict
            };
            record_conflict(db, conflict, now).await?;
            return Ok(None);
        }
    }
    let company_name = new_user.company.as_str().to_owned();
    let asked = new_user.clone();
    let txn = db.begin().await.context("starting the invitation")?;
    let added = match accounts::add_user(&txn, new_user, None, now).await {
        Ok(user) => Ok(user),
        Err(AccountError::UsernameTaken(name)) => Err(AdminError::UsernameTaken(name)),
        Err(AccountError::EmailTaken(email)) => Err(AdminError::EmailTaken(email)),
        Err(other) => return Err(AdminError::Unexpected(anyhow::Error::new(other))),
    };
    let user = match added {
        Ok(user) => user,
        Err(taken) => {
            drop(txn);
            // Taken since the check above: by another company, still none of the admin's
            // business.
            if let Actor::Admin(admin) = actor
                && let Some(conflict) = check_free(db, admin, &asked).await?
            {
                record_conflict(
                    db,
                    Conflict {
                        client_ip,
                        ..conflict
                    },
                    now,
                )
                .await?;
                return Ok(None);
            }
            return Err(taken);
        }
    };
    let link = NewLink {
        user_id: user.id,
        purpose: LinkPurpose::Invitation,
        created_by: actor.user_id(),
        valid_for: policy.invitation_valid_for,
        new_email: None,
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
    webhooks
        .publish(&txn, Event::UserCreated(&user), now)
        .await?;
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
    Ok(Some(user))
}

/// Refuses `new_user` when a user of `admin`'s own company has their username or address
/// ("taken": the admin may know their own company); the conflict, when only a user of
/// another company has one of them.
async fn check_free<'a>(
    db: &impl ConnectionTrait,
    admin: &'a super::Admin,
    new_user: &NewUser,
) -> Result<Option<Conflict<'a>>, AdminError> {
    let holders = user::Entity::find()
        .filter(
            sea_orm::Condition::any()
                .add(user::Column::UsernameKey.eq(new_user.username.key()))
                .add(user::Column::EmailKey.eq(new_user.email.key())),
        )
        .all(db)
        .await
        .context("checking the username and address are free")?;
    let (username, email) = (new_user.username.key(), new_user.email.key());
    let own = |h: &&user::Model| h.company_id == admin.company_id();
    if holders
        .iter()
        .filter(own)
        .any(|h| h.username_key == username)
    {
        return Err(AdminError::UsernameTaken(
            new_user.username.as_str().to_owned(),
        ));
    }
    if holders.iter().filter(own).any(|h| h.email_key == email) {
        return Err(AdminError::EmailTaken(new_user.email.as_str().to_owned()));
    }
    Ok(holders.first().map(|holder| Conflict {
        act: "invite_user",
        field: if holder.username_key == username {
            "username"
        } else {
            "email"
        },
        admin,
        other_company: holder.company_id,
        client_ip: None,
    }))
}

/// Deactivates (sessions end, links die, no more mail) or reactivates a user.
pub async fn set_active(
    db: &DatabaseConnection,
    webhooks: &Webhooks,
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
    let after = row.update(&txn).await.context("updating the user")?;
    if !active {
        let ended = sessions::end_all_for_user(&txn, user.id, None).await?;
        revoke_tokens(&txn, user.id, now).await?;
        webhooks
            .sessions_ended(&txn, &after, &ended, SessionEndReason::Deactivated, now)
            .await?;
    }
    // Only a change is news: deactivating a deactivated user tells the CRM nothing.
    if user.active != active {
        let changed = if active {
            Event::UserReactivated(&after)
        } else {
            Event::UserDeactivated(&after)
        };
        webhooks.publish(&txn, changed, now).await?;
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

/// Everything a role change needs besides the database and the time.
pub struct RoleChange<'a> {
    pub policy: &'a AdminPolicy,
    pub actor: Actor<'a>,
    pub target: &'a Target,
    pub role: Role,
    pub client_ip: Option<IpAddr>,
    /// Told of the change (`user.updated`).
    pub webhooks: &'a Webhooks,
}

/// Makes a user an admin or a member. An admin must have confirmed their password in the
/// last minutes ([`AdminPolicy::reauth_valid_for`]): an admin can do everything to the
/// company's accounts, so making one is as sensitive as changing an address.
pub async fn set_role(
    db: &DatabaseConnection,
    change: RoleChange<'_>,
    now: DateTime<Utc>,
) -> Result<(), AdminError> {
    let RoleChange {
        policy,
        actor,
        target,
        role,
        client_ip,
        webhooks,
    } = change;
    let user = target.user();
    if let Err(refused) = actor.require_reauth(policy, now) {
        let details = serde_json::json!({ "from": user.role.as_str(), "to": role.as_str() });
        let event = event(
            actor,
            user,
            AuditKind::RoleChanged,
            AuditOutcome::ReauthRequired,
            client_ip,
            Some(details),
        );
        audit::record(db, event, now).await?;
        return Err(refused);
    }
    let txn = db.begin().await.context("starting the role change")?;
    if role != Role::Admin && user.role == Role::Admin && user.active {
        ensure_another_active_admin(&txn, user).await?;
    }
    let mut row: user::ActiveModel = user.clone().into();
    row.role = Set(role);
    row.updated_at = Set(now);
    let after = row.update(&txn).await.context("updating the role")?;
    let updated = Event::UserUpdated {
        before: user,
        after: &after,
    };
    webhooks.publish(&txn, updated, now).await?;
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
