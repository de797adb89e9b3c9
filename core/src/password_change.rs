//! "Account Settings": a signed-in user changes their own password.
//!
//! The existing password is checked on the login's bounded argon2 path and its failures feed
//! the login throttle, so this form is no better for guessing than the login page.

use std::net::IpAddr;

use anyhow::Context;
use chrono::{DateTime, Utc};
use latch_domain::{AuditKind, AuditOutcome, CandidatePassword, PasswordProblem};
use sea_orm::sea_query::Expr;
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, TransactionTrait};

use crate::audit::{self, AuditEvent};
use crate::auth::OwnPasswordCheck;
use crate::entities::user;
use crate::outbox::{self, MailTemplate, NewMail};
use crate::password_hash::HashError;
use crate::password_policy;
use crate::password_reset::revoke_tokens;
use crate::secret_token::SecretToken;
use crate::services::Services;
use crate::sessions::{self, SessionUser};
use crate::throttle;
use crate::webhooks::{Event, SessionEndReason};

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
    #[error("the session ended while the password was being changed")]
    SessionEnded,
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
    let login_policy = &services.login_policy;
    let user = &change.session.user;
    let check = OwnPasswordCheck::new(login_policy, user.id, change.client_ip);
    let counters = &check.counters;
    let audit = |outcome: AuditOutcome, details: Option<serde_json::Value>| AuditEvent {
        details,
        ..AuditEvent::own(user, AuditKind::PasswordChanged, outcome, change.client_ip)
    };

    // The existing password is checked like a login: counted before its hash, so a burst of
    // guesses cannot outrun the counter. Every refusal that is not a wrong guess gives the
    // attempt back.
    let reserved = throttle::reserve_all(db, counters, now).await?;
    if let Err(retry_at) = reserved {
        audit::record(db, audit(AuditOutcome::Throttled, None), now).await?;
        return Err(ChangeError::Throttled { retry_at });
    }
    let give_back = || throttle::refund_all(db, counters, now);

    // The cheap refusal first: a password the policy refuses costs no hash. It stays counted
    // on the client's counter (the reservation above), like a wrong password, so the policy
    // cannot be made to judge passwords without limit; the account's is given back, as its
    // password was not guessed.
    let about = password_policy::personal_info_of(change.session);
    let new_password = match password_policy::accept(services, change.new, about).await {
        Ok(Ok(new_password)) => new_password,
        Ok(Err(problem)) => {
            let (own, limit) = check.own();
            throttle::refund(db, own, *limit, now).await?;
            return Err(ChangeError::Rejected(problem));
        }
        Err(unchecked) => {
            give_back().await?;
            return Err(unchecked.into());
        }
    };

    let verification = match CandidatePassword::parse(change.existing) {
        Ok(existing) => match hasher
            .verify(&existing, user.password_hash.as_deref())
            .await
        {
            Ok(verification) => verification.matched.then_some(existing),
            Err(unchecked) => {
                give_back().await?;
                return Err(unchecked.into());
            }
        },
        // Longer than any password can be.
        Err(_) => None,
    };
    let Some(existing) = verification else {
        // Already counted by the reservation.
        audit::record(db, audit(AuditOutcome::Failed, None), now).await?;
        tracing::info!(user_id = %user.id, "password change refused: wrong existing password");
        return Err(ChangeError::WrongExistingPassword);
    };
    if existing.expose() == new_password.expose() {
        give_back().await?;
        return Err(ChangeError::SameAsExisting);
    }
    let hash = match hasher.hash(new_password).await {
        Ok(hash) => hash,
        Err(unhashed) => {
            give_back().await?;
            return Err(unhashed.into());
        }
    };

    let txn = db.begin().await.context("starting the password change")?;
    // Only over the hash the existing password was checked against: of changes racing from
    // several devices with the same old password, one wins and the others are refused.
    let stored = user::Entity::update_many()
        .col_expr(user::Column::PasswordHash, Expr::value(hash.as_phc()))
        .col_expr(user::Column::UpdatedAt, Expr::value(now))
        .filter(user::Column::Id.eq(user.id))
        .filter(user::Column::PasswordHash.eq(user.password_hash.clone()))
        .exec(&txn)
        .await
        .context("storing the new password")?;
    if stored.rows_affected == 0 {
        txn.rollback()
            .await
            .context("abandoning the password change")?;
        let details = serde_json::json!({ "reason": "password_changed_meanwhile" });
        audit::record(db, audit(AuditOutcome::Failed, Some(details)), now).await?;
        tracing::info!(user_id = %user.id, "password change refused: changed meanwhile");
        return Err(ChangeError::WrongExistingPassword);
    }
    revoke_tokens(&txn, user.id, now).await?;
    let mut ended = if change.sign_out_other_devices {
        sessions::end_all_for_user(&txn, user.id, Some(&change.session.session_key)).await?
    } else {
        Vec::new()
    };
    let ended_elsewhere = ended.len();
    // A fresh id for this browser: whoever knew the old session id does not follow along.
    // "Your devices" still describes it as the browser it is.
    let user_agent = sessions::user_agent_of(&txn, &change.session.session_key).await?;
    if !sessions::end(&txn, &change.session.session_key).await? {
        // Signed out meanwhile (elsewhere, or by a change that signed out other devices):
        // a session that is gone is never replaced by a fresh one.
        txn.rollback()
            .await
            .context("abandoning the password change")?;
        give_back().await?;
        return Err(ChangeError::SessionEnded);
    }
    ended.push(change.session.session_key.clone());
    let origin = sessions::Origin {
        user_agent: user_agent.as_deref(),
        client_ip: change.client_ip,
    };
    let session_token = sessions::start(&txn, user.id, login_policy.session, origin, now).await?;
    throttle::clear(&txn, &check.own().0).await?;
    let webhooks = &services.webhooks;
    webhooks
        .publish(&txn, Event::PasswordChanged(user), now)
        .await?;
    webhooks
        .sessions_ended(&txn, user, &ended, SessionEndReason::PasswordChanged, now)
        .await?;
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
    if let Some((key, limit)) = check.client() {
        throttle::refund(db, key, *limit, now).await?;
    }
    tracing::info!(user_id = %user.id, "password changed");
    Ok(session_token)
}

#[cfg(test)]
mod tests {
    use latch_domain::Role;

    use super::*;
    use crate::sessions::SessionLifetime;
    use crate::testing;

    const OLD: &str = "an old passphrase";

    async fn signed_in_user() -> (Services, SessionUser) {
        let (db, now) = (testing::fresh_db().await, Utc::now());
        let user = testing::user_in(&db, "PT Maju", "ana", Role::Member, Some(OLD), now).await;
        let token = sessions::start(
            &db,
            user.id,
            SessionLifetime::default(),
            Default::default(),
            now,
        )
        .await
        .unwrap();
        let session = SessionUser {
            session_key: token.storage_key(),
            ..testing::session_of(&db, &user).await
        };
        (Services::for_tests(db), session)
    }

    fn change<'a>(session: &'a SessionUser, new: &'a str) -> PasswordChange<'a> {
        PasswordChange {
            session,
            existing: OLD,
            new,
            confirm: new,
            sign_out_other_devices: false,
            client_ip: None,
        }
    }

    #[tokio::test]
    async fn a_session_ended_meanwhile_is_not_replaced_and_the_password_stays() {
        let (services, session) = signed_in_user().await;
        // Signed out on another tab while this form was being sent.
        sessions::end(&services.db, &session.session_key)
            .await
            .unwrap();

        let refused = change_password(
            &services,
            change(&session, "plum tractor whistle"),
            Utc::now(),
        )
        .await;

        assert!(
            matches!(refused, Err(ChangeError::SessionEnded)),
            "{refused:?}"
        );
        let sessions = crate::entities::session::Entity::find()
            .all(&services.db)
            .await
            .unwrap();
        assert!(sessions.is_empty(), "no new session: {sessions:?}");
        let stored = user::Entity::find_by_id(session.user.id)
            .one(&services.db)
            .await
            .unwrap();
        assert_eq!(stored.unwrap().password_hash, session.user.password_hash);
    }

    #[tokio::test]
    async fn a_change_over_a_password_changed_meanwhile_is_refused() {
        let (services, session) = signed_in_user().await;
        let first = change_password(
            &services,
            change(&session, "plum tractor whistle"),
            Utc::now(),
        )
        .await;
        assert!(first.is_ok(), "{first:?}");

        // The same form, sent again from a device that still holds the old session view.
        let other = sessions::start(
            &services.db,
            session.user.id,
            SessionLifetime::default(),
            Default::default(),
            Utc::now(),
        )
        .await
        .unwrap();
        let stale = SessionUser {
            session_key: other.storage_key(),
            ..session.clone()
        };
        let second = change_password(
            &services,
            change(&stale, "cobalt river lantern"),
            Utc::now(),
        )
        .await;
        assert!(
            matches!(second, Err(ChangeError::WrongExistingPassword)),
            "{second:?}"
        );
    }
}
