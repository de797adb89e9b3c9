//! Company admins: the users of their own company, and what they may do to them.
//!
//! Authorization is in the types. An [`Actor`] is either an [`Admin`] (made only from the
//! session of an active admin) or the operator at the command line; a [`Target`] can only be
//! found through an actor, and an admin finds only users of their own company. A user of
//! another company is "unknown", exactly like an id that does not exist, so nothing is done and
//! nothing is revealed.

mod actions;
mod activity;
mod list;
#[cfg(test)]
mod tests;

pub use actions::{
    AdminReset, Invitation, admin_reset, change_email, invite_user, set_active, set_role,
};
pub use activity::{ActivityQuery, ActivityRow, list_activity};
pub use list::{LastMail, UserQuery, UserRow, list_users, user_row};

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
    #[error(transparent)]
    Unexpected(#[from] anyhow::Error),
}

/// An active admin, checked when the session was turned into this value.
#[derive(Debug, Clone)]
pub struct Admin(user::Model);

impl Admin {
    pub fn from_session(session: &SessionUser) -> Result<Self, AdminError> {
        let user = &session.user;
        if user.active && user.role == Role::Admin {
            Ok(Self(user.clone()))
        } else {
            Err(AdminError::NotAdmin)
        }
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
    /// For the audit trail: `None` is the operator.
    fn user_id(&self) -> Option<Uuid> {
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
