//! The second factor: an authenticator app (TOTP) or passkeys, with recovery codes, a second login step
//! that no password reset skips, and the company's policy on who must have one.
//!
//! What each step answers:
//! - the password step starts no session when the account has a factor: a stolen or guessed
//!   password, or a reset link read by someone else, gets no further than [`login_step`];
//! - the second step has its own five-minute, single-use state on the server and its own
//!   counters (per account and per client network), so codes cannot be guessed faster than
//!   passwords, and a code is accepted once (RFC 6238 §5.2);
//! - adding or removing a method needs the password confirmed in the last five minutes and
//!   mails the user, so a session left open cannot quietly swap the factor;
//! - recovery codes are the way back for someone who lost the app (and maybe the password:
//!   Forgot Password, then a recovery code); an admin can remove a user's methods, never see
//!   or set them.

pub mod login_step;
mod manage;
pub mod passkey;
mod qr;
pub mod recovery;
pub mod totp;

#[cfg(test)]
mod tests;

pub use login_step::{StepAttempt, StepDone, StepPurpose};
pub use manage::{
    AppAdded, FactorSummary, Status, admin_remove_all, begin_app_setup, cancel_app_setup,
    dismiss_recovery_codes, finish_app_setup, remove_factor, renew_recovery_codes, status,
};

use latch_domain::Role;
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder};
use uuid::Uuid;

use anyhow::Context;

use crate::entities::{company, second_factor, user};
use crate::reauth::ConfirmError;

/// A company's "Require two-step verification" (`companies.require_2fa`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Requirement {
    #[default]
    Off,
    Admins,
    Everyone,
}

impl Requirement {
    pub const ALL: [Requirement; 3] =
        [Requirement::Off, Requirement::Admins, Requirement::Everyone];

    pub fn as_str(self) -> &'static str {
        match self {
            Requirement::Off => "off",
            Requirement::Admins => "admins",
            Requirement::Everyone => "everyone",
        }
    }

    /// The stored or typed spelling; `None` for anything else.
    pub fn parse(text: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|r| r.as_str() == text.trim())
    }

    /// What `company` requires (a spelling this version does not know counts as `off`).
    pub(crate) fn of(company: &company::Model) -> Self {
        Self::parse(&company.require_2fa).unwrap_or_default()
    }

    /// Whether this policy requires `user` to have a second factor.
    pub fn covers(self, user: &user::Model) -> bool {
        match self {
            Requirement::Off => false,
            Requirement::Admins => user.role == Role::Admin,
            Requirement::Everyone => true,
        }
    }
}

#[derive(Debug, thiserror::Error)]
pub enum TwoFactorError {
    /// Adding or removing a method needs the password confirmed in the last minutes, and none
    /// was typed.
    #[error("confirm your password first")]
    PasswordNeeded,
    #[error(transparent)]
    Confirm(#[from] ConfirmError),
    /// The code typed is not the app's current one (or was used already).
    #[error("the code is wrong or was used already")]
    WrongCode,
    /// No authenticator app is being set up (it was cancelled, or done in another tab).
    #[error("no authenticator app is being set up")]
    NoSetup,
    /// Removing the last method while the company requires one.
    #[error("your company requires two-step verification")]
    RequiredByCompany,
    /// No such method of this user.
    #[error("no such sign-in method")]
    UnknownFactor,
    /// Recovery codes without any second factor would be a second password, not a factor.
    #[error("add an authenticator app first")]
    NoFactor,
    /// A passkey name that is empty, too long or has control characters.
    #[error("a passkey needs a name of 1 to 64 characters")]
    InvalidPasskeyName,
    /// The browser's answer to a passkey challenge did not verify: the challenge expired or
    /// was used, it came from another origin, or the authenticator is registered already.
    #[error("the passkey could not be verified")]
    PasskeyRefused,
    /// Latch's public URL is an IP address: a passkey needs a domain name.
    #[error("passkeys need Latch to be reached by a domain name")]
    PasskeysUnavailable,
    #[error(transparent)]
    Unexpected(#[from] anyhow::Error),
}

/// The confirmed second factors of `user_id`, oldest first.
pub(crate) async fn factors_of(
    db: &impl ConnectionTrait,
    user_id: Uuid,
) -> anyhow::Result<Vec<second_factor::Model>> {
    second_factor::Entity::find()
        .filter(second_factor::Column::UserId.eq(user_id))
        .filter(second_factor::Column::ConfirmedAt.is_not_null())
        .order_by_asc(second_factor::Column::CreatedAt)
        .all(db)
        .await
        .context("loading the second factors")
}

/// Whether `user_id` has a second factor (an admin's user page says so, never what it is).
pub async fn has_second_factor(db: &impl ConnectionTrait, user_id: Uuid) -> anyhow::Result<bool> {
    Ok(!factors_of(db, user_id).await?.is_empty())
}

/// What `user`'s company requires.
pub(crate) async fn requirement_for(
    db: &impl ConnectionTrait,
    user: &user::Model,
) -> anyhow::Result<Requirement> {
    let company = company::Entity::find_by_id(user.company_id)
        .one(db)
        .await
        .context("loading the user's company")?;
    Ok(company.as_ref().map(Requirement::of).unwrap_or_default())
}

/// The name Latch has in authenticator apps: the public URL's host.
pub(crate) fn issuer(public_url: &url::Url) -> String {
    match public_url.host_str() {
        Some(host) => format!("Latch ({host})"),
        None => "Latch".to_owned(),
    }
}
