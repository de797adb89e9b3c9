//! Company admins: the users of their own company, and what they may do to them.
//!
//! Authorization is in the types. An [`Actor`] is either an [`Admin`] (made only from the
//! session of an active admin) or the operator at the command line; a [`Target`] can only be
//! found through an actor, and an admin finds only users of their own company. A user of
//! another company is "unknown", exactly like an id that does not exist, so nothing is done and
//! nothing is revealed.

mod actions;
mod activity;
mod email_change;
#[cfg(test)]
mod email_change_tests;
mod list;
mod reauth;
mod security;
mod sign_out;
#[cfg(test)]
mod tests;

pub(crate) use actions::event;
pub use actions::{
    AdminReset, Invitation, RoleChange, admin_reset, invite_user, set_active, set_role,
};
pub use activity::{ActivityQuery, ActivityRow, list_activity};
pub use email_change::{
    ConfirmError, ConflictRow, EmailChange, PendingEmail, change_email, confirm_email_change,
    email_change_status, pending_email, recent_conflicts,
};
pub use list::{LastMail, UserQuery, UserRow, list_users, user_row};
pub use reauth::reauthenticate;
pub use security::{SecurityPolicy, security_policy, set_security_policy};
pub use sign_out::sign_out_everywhere;

use std::net::IpAddr;

use anyhow::Context;
use chrono::{DateTime, Utc};

use latch_domain::{AuditKind, AuditOutcome, CompanyName, Role, Username};
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter};
use uuid::Uuid;

pub use crate::policies::AdminPolicy;

use crate::audit::{self, AuditEvent};
use crate::entities::{company, user};
use crate::sessions::SessionUser;

#[derive(Debug, thiserror::Error)]
pub enum AdminError {
    #[error("only an active admin may do this")]
    NotAdmin,
    /// No such user in the actor's company (or at all).
    #[error("no such user")]
    UnknownUser,
    #[error("this user was sent several links recently; try again at {retry_at}")]
    Throttled { retry_at: DateTime<Utc> },
    #[error("the user is deactivated")]
    Inactive,
    #[error("the company must keep at least one active admin")]
    LastAdmin,
    #[error("the email address {0:?} already belongs to a user")]
    EmailTaken(String),
    #[error("the username {0:?} is already taken")]
    UsernameTaken(String),
    /// The admin has not confirmed their password within [`AdminPolicy::reauth_valid_for`].
    #[error("confirm your password first")]
    ReauthRequired,
    /// "Confirm your password" with a wrong one.
    #[error("the password is wrong")]
    WrongPassword,
    /// Too many wrong passwords for this account (the login's counter).
    #[error("too many wrong passwords; try again at {retry_at}")]
    ReauthThrottled { retry_at: DateTime<Utc> },
    /// Another admin's email address: only the operator may change it.
    #[error("another admin's email address can only be changed by the operator")]
    TargetIsAdmin,
    /// Too many invitations or email changes by this admin or in this company.
    #[error("too many invitations or email changes; try again at {retry_at}")]
    NewAddressesThrottled { retry_at: DateTime<Utc> },
    /// The admin's session ended while they were confirming their password.
    #[error("the session ended")]
    SessionEnded,
    #[error("the server is busy")]
    Busy,
    #[error(transparent)]
    Unexpected(#[from] anyhow::Error),
}

impl From<crate::password_hash::HashError> for AdminError {
    fn from(err: crate::password_hash::HashError) -> Self {
        match err {
            crate::password_hash::HashError::Busy => AdminError::Busy,
            crate::password_hash::HashError::Unexpected(err) => AdminError::Unexpected(err),
        }
    }
}

/// An active admin, checked when the session was turned into this value.
#[derive(Debug, Clone)]
pub struct Admin(user::Model, AdminSession);

/// The admin's session: which one, and when it last confirmed the password.
#[derive(Debug, Clone)]
struct AdminSession {
    key: String,
    reauthenticated_at: Option<DateTime<Utc>>,
}

impl Admin {
    pub fn from_session(session: &SessionUser) -> Result<Self, AdminError> {
        let user = &session.user;
        if user.active && user.role == Role::Admin {
            let session = AdminSession {
                key: session.session_key.clone(),
                reauthenticated_at: session.reauthenticated_at,
            };
            Ok(Self(user.clone(), session))
        } else {
            Err(AdminError::NotAdmin)
        }
    }

    /// Whether this admin's session confirmed the password within `policy`'s few minutes
    /// (acts that could hand an account to someone else need it).
    pub fn recently_reauthenticated(&self, policy: &AdminPolicy, now: DateTime<Utc>) -> bool {
        crate::reauth::is_recent(self.1.reauthenticated_at, policy, now)
    }

    pub fn user(&self) -> &user::Model {
        &self.0
    }

    pub fn company_id(&self) -> Uuid {
        self.0.company_id
    }

    /// The user `id` (as a page address spells it) if they belong to the admin's company.
    pub async fn find_user(
        &self,
        db: &impl ConnectionTrait,
        id: &str,
    ) -> Result<Target, AdminError> {
        let id = Uuid::parse_str(id.trim()).map_err(|_| AdminError::UnknownUser)?;
        Actor::Admin(self).find(db, id).await
    }

    /// The admin's company: the one every user they add joins.
    pub async fn company_name(&self, db: &impl ConnectionTrait) -> Result<CompanyName, AdminError> {
        let company = company::Entity::find_by_id(self.company_id())
            .one(db)
            .await
            .context("loading the admin's company")?
            .context("the admin's company is gone")?;
        Ok(CompanyName::parse(&company.name).context("the stored company name")?)
    }
}

/// Who performs an admin action.
#[derive(Debug, Clone, Copy)]
pub enum Actor<'a> {
    Admin(&'a Admin),
    /// `latch user …` at the command line: whoever holds the server's database settings.
    Operator,
}

impl Actor<'_> {
    /// Refuses an admin whose session has not confirmed the password recently; the operator
    /// at the command line needs no such step.
    pub(crate) fn require_reauth(
        &self,
        policy: &AdminPolicy,
        now: DateTime<Utc>,
    ) -> Result<(), AdminError> {
        match self {
            Actor::Admin(admin) if !admin.recently_reauthenticated(policy, now) => {
                Err(AdminError::ReauthRequired)
            }
            _ => Ok(()),
        }
    }

    /// For the audit trail: `None` is the operator.
    pub(crate) fn user_id(&self) -> Option<Uuid> {
        match self {
            Actor::Admin(admin) => Some(admin.0.id),
            Actor::Operator => None,
        }
    }

    /// The user `id`, if this actor may act on them.
    pub async fn find(&self, db: &impl ConnectionTrait, id: Uuid) -> Result<Target, AdminError> {
        let mut query = user::Entity::find_by_id(id);
        if let Actor::Admin(admin) = self {
            query = query.filter(user::Column::CompanyId.eq(admin.company_id()));
        }
        let found = query.one(db).await.context("looking up the user")?;
        found.map(Target).ok_or(AdminError::UnknownUser)
    }

    /// The user with this username (for the command line).
    pub async fn find_by_username(
        &self,
        db: &impl ConnectionTrait,
        username: &Username,
    ) -> Result<Target, AdminError> {
        let mut query = user::Entity::find().filter(user::Column::UsernameKey.eq(username.key()));
        if let Actor::Admin(admin) = self {
            query = query.filter(user::Column::CompanyId.eq(admin.company_id()));
        }
        let found = query.one(db).await.context("looking up the user")?;
        found.map(Target).ok_or(AdminError::UnknownUser)
    }
}

/// A user an actor may act on; only [`Actor::find`] makes one.
#[derive(Debug, Clone)]
pub struct Target(user::Model);

impl Target {
    pub fn user(&self) -> &user::Model {
        &self.0
    }
}

/// An admin act a signed-in user asked for and was refused.
pub struct Refusal<'a> {
    /// Who asked (a member, or an admin of another company).
    pub session: &'a SessionUser,
    /// The act, as its server function names it (`set_role`, `list_users`...).
    pub act: &'static str,
    /// The user id the request named, as sent (at most its first 64 characters are kept).
    pub requested_user: Option<&'a str>,
    pub client_ip: Option<IpAddr>,
}

/// Records `refusal` in the asker's company's audit trail, where its admins see it in
/// Activity: probing for other companies' users or for admin powers leaves a trace.
/// Other errors are not refusals and are not recorded here.
pub async fn record_refusal(
    db: &impl ConnectionTrait,
    refusal: Refusal<'_>,
    error: &AdminError,
    now: DateTime<Utc>,
) -> anyhow::Result<()> {
    let outcome = match error {
        AdminError::NotAdmin => AuditOutcome::NotAdmin,
        AdminError::UnknownUser => AuditOutcome::UnknownUser,
        _ => return Ok(()),
    };
    let user = &refusal.session.user;
    let requested: Option<String> = refusal
        .requested_user
        .map(|id| id.chars().take(64).collect());
    let event = AuditEvent {
        company_id: Some(user.company_id),
        actor_user_id: Some(user.id),
        target_user_id: None,
        kind: AuditKind::AdminRefused,
        outcome,
        client_ip: refusal.client_ip.map(|ip| ip.to_string()),
        details: Some(serde_json::json!({ "act": refusal.act, "requested_user_id": requested })),
    };
    audit::record(db, event, now).await
}
