//! "Account Settings": a signed-in user changes their own password.
//!
//! The existing password is checked on the login's bounded argon2 path and its failures feed
//! the login throttle, so this form is no better for guessing than the login page.

use std::net::IpAddr;

use anyhow::Context;
use chrono::{DateTime, Utc};
use latch_domain::{AuditKind, AuditOutcome, CandidatePassword, PasswordProblem};
use sea_orm::{ActiveModelTrait, Set, TransactionTrait};

use crate::Services;
use crate::audit::{self, AuditEvent};
use crate::entities::user;
use crate::outbox::{self, MailTemplate, NewMail};
use crate::password_hash::HashError;
use crate::password_policy;
use crate::password_reset::revoke_tokens;
use crate::secret_token::SecretToken;
use crate::sessions::{self, SessionUser};
use crate::throttle::{self, ThrottleKey};

/// One submission of the Account Settings form.
pub struct PasswordChange<'a> {
    pub session: &'a SessionUser,
    pub existing: &'a str,
    pub new: &'a str,
    /// "Confirm new password": must repeat `new`.
    pub confirm: &'a str,
    /// End every other session of the user (this one gets a fresh id either way).
    pub sign_out_other_devices: bool,
    pub client_ip: Option<IpAddr>,
}

#[derive(Debug, thiserror::Error)]
pub enum ChangeError {
    #[error("too many wrong passwords; try again at {retry_at}")]
    Throttled { retry_at: DateTime<Utc> },
    #[error("the new password and its confirmation differ")]
    PasswordsDiffer,
    #[error("the existing password is wrong")]
    WrongExistingPassword,
    #[error("the new password is refused: {0}")]
    Rejected(PasswordProblem),
    #[error("the new password is the existing one")]
    SameAsExisting,
    #[error("the server is busy")]
    Busy,
    #[error(transparent)]
    Unexpected(#[from] anyhow::Error),
}

impl From<HashError> for ChangeError {
    fn from(err: HashError) -> Self {
        match err {
            HashError::Busy => ChangeError::Busy,
            HashError::Unexpected(err) => ChangeError::Unexpected(err),
        }
    }
}

/// Changes the password and returns the token of this browser's new session.
pub async fn change_password(
    services: &Services,
    change: PasswordChange<'_>,
    now: DateTime<Utc>,
) -> Result<SecretToken, ChangeError> {
    if change.new != change.confirm {
        return Err(ChangeError::PasswordsDiffer);
    }
    let (db, hasher) = (&services.db, &services.hasher);
    let (login_policy, password_policy) = (&services.login_policy, services.password_policy);
    let user = &change.session.user;
    let client_ip = change.client_ip.map(|ip| ip.to_string());
    let account_key = ThrottleKey::login_account(user.id);
    let client_key = change.client_ip.map(ThrottleKey::login_client);
    let audit = |outcome: AuditOutcome, details: Option<serde_json::Value>| AuditEvent {
        company_id: Some(user.company_id),
        actor_user_id: Some(user.id),
        target_user_id: Some(user.id),
        kind: AuditKind::PasswordChanged,
        outcome,
        client_ip: client_ip.clone(),
        details,
    };

    let mut blocked = throttle::blocked_until(db, &account_key, now).await?;
    if let Some(key) = &client_key {
        blocked = blocked.max(throttle::blocked_until(db, key, now).await?);
    }
    if let Some(retry_at) = blocked {
        audit::record(db, audit(AuditOutcome::Throttled, None), now).await?;
        return Err(ChangeError::Throttled { retry_at });
    }

    // The cheap refusal first: a password the policy refuses costs no hash.
    let about = password_policy::personal_info(db, user).await?;
    let new_password = password_policy::accept(password_policy, change.new, about)
        .await?
        .map_err(ChangeError::Rejected)?;

    let verification = match CandidatePassword::parse(change.existing) {
        Ok(existing) => {
            let verification = hasher
                .verify(&existing, user.password_hash.as_deref())
                .await?;
            verification.matched.then_some(existing)
        }
        // Longer than any password can be.
        Err(_) => None,
    };
    let Some(existing) = verification else {
        throttle::record_failure(db, &account_key, login_policy.per_account, now).await?;
        if let Some(key) = &client_key {
            throttle::record_failure(db, key, login_policy.per_client, now).await?;
        }
        audit::record(db, audit(AuditOutcome::Failed, None), now).await?;
        tracing::info!(user_id = %user.id, "password change refused: wrong existing password");
        return Err(ChangeError::WrongExistingPassword);
    };
    if existing.expose() == new_password.expose() {
        return Err(ChangeError::SameAsExisting);
    }
    let hash = hasher.hash(new_password).await?;

    let txn = db.begin().await.context("starting the password change")?;
    let mut active: user::ActiveModel = user.clone().into();
    active.password_hash = Set(Some(hash.as_phc().to_owned()));
    active.updated_at = Set(now);
    active
        .update(&txn)
        .await
        .context("storing the new password")?;
    revoke_tokens(&txn, user.id, now).await?;
    let ended_elsewhere = if change.sign_out_other_devices {
        sessions::end_all_for_user(&txn, user.id, Some(&change.session.session_key)).await?
    } else {
        0
    };
    // A fresh id for this browser: whoever knew the old session id does not follow along.
    sessions::end(&txn, &change.session.session_key).await?;
    let session_token = sessions::start(&txn, user.id, login_policy.session, now).await?;
    throttle::clear(&txn, &account_key).await?;
    let mail = NewMail::for_user(
        user,
        MailTemplate::PasswordChanged {
            username: user.username.clone(),
        },
    );
    outbox::enqueue(&txn, mail, now).await?;
    let details = serde_json::json!({
        "signed_out_other_devices": change.sign_out_other_devices,
        "sessions_ended": ended_elsewhere,
    });
    audit::record(&txn, audit(AuditOutcome::Succeeded, Some(details)), now).await?;
    txn.commit()
        .await
        .context("committing the password change")?;
    tracing::info!(user_id = %user.id, "password changed");
    Ok(session_token)
}
