//! "Forgot Password": emailed single-use links to choose a new password.
//!
//! Requests for known and unknown addresses take the same path and get the same answer; the
//! mail itself goes out later through the outbox. Only the SHA-256 of a token is stored, and a
//! token is consumed by one conditional UPDATE, so of many concurrent submissions exactly one
//! wins.

use std::net::IpAddr;

use anyhow::Context;
use chrono::{DateTime, Utc};
use latch_domain::{AuditKind, AuditOutcome, Email, PasswordProblem};
use sea_orm::sea_query::Expr;
use sea_orm::{ActiveModelTrait, ColumnTrait, EntityTrait, QueryFilter, Set, TransactionTrait};

mod link;

pub use link::{
    LinkPurpose, LinkState, LinkStatus, OpenLink, ValidLink, link_owner, link_state, link_status,
    revoke_tokens, valid_link,
};
pub(crate) use link::{NewLink, issue_link, link_row, state_of};

pub use crate::policies::ResetPolicy;

use crate::audit::{self, AuditEvent};
use crate::entities::{reset_token, user};
use crate::outbox::{self, MailTemplate, NewMail};
use crate::password_hash::HashError;
use crate::password_policy::{self, Refusal};
use crate::secret_token::SecretToken;
use crate::services::Services;
use crate::sessions;
use crate::throttle::{self, ThrottleKey};
use crate::webhooks::{Event, SessionEndReason};

#[derive(Debug, thiserror::Error)]
pub enum ResetError {
    #[error("too many requests; try again at {retry_at}")]
    Throttled { retry_at: DateTime<Utc> },
    #[error("the new password and its confirmation differ")]
    PasswordsDiffer,
    /// The link was used, expired, replaced by a newer one, or never existed.
    #[error("the reset link cannot be used: {0:?}")]
    LinkUnusable(LinkState),
    #[error("the new password is refused: {0}")]
    PasswordRejected(PasswordProblem),
    #[error("the server is busy")]
    Busy,
    #[error(transparent)]
    Unexpected(#[from] anyhow::Error),
}

impl From<HashError> for ResetError {
    fn from(err: HashError) -> Self {
        match err {
            HashError::Busy => ResetError::Busy,
            HashError::Unexpected(err) => ResetError::Unexpected(err),
        }
    }
}

/// "New password" and "Confirm new password", as typed.
pub struct ChosenPassword<'a> {
    pub password: &'a str,
    pub confirm: &'a str,
}

/// Handles "Send me reset password instructions" for `email`. Returns `Ok(())` whether or not
/// an account uses the address.
pub async fn request_reset(
    services: &Services,
    email: &Email,
    client_ip: Option<IpAddr>,
    now: DateTime<Utc>,
) -> Result<(), ResetError> {
    let (db, policy) = (&services.db, &services.reset_policy);
    // Counted per address typed, so unknown addresses are throttled exactly like known ones.
    let address_key = ThrottleKey::reset_address(email);
    let client_key = client_ip.map(ThrottleKey::reset_client);
    // Every request counts; the one that goes over the allowance is already refused.
    let mut blocked = throttle::blocked_until(db, &address_key, now).await?;
    if let Some(key) = &client_key {
        blocked = blocked.max(throttle::blocked_until(db, key, now).await?);
    }
    if blocked.is_none() {
        blocked = throttle::record_failure(db, &address_key, policy.per_address, now).await?;
        if let Some(key) = &client_key {
            let client_block = throttle::record_failure(db, key, policy.per_client, now).await?;
            blocked = blocked.max(client_block);
        }
    }
    if let Some(retry_at) = blocked {
        // Seen by the operator: someone is hammering Forgot Password from this address.
        let throttled = AuditEvent {
            company_id: None,
            actor_user_id: None,
            target_user_id: None,
            kind: AuditKind::PasswordResetRequested,
            outcome: AuditOutcome::Throttled,
            client_ip: client_ip.map(|ip| ip.to_string()),
            details: None,
        };
        audit::record(db, throttled, now).await?;
        return Err(ResetError::Throttled { retry_at });
    }

    let found = user::Entity::find()
        .filter(user::Column::EmailKey.eq(email.key()))
        .one(db)
        .await
        .context("looking up the email address")?;
    let event = |user: Option<&user::Model>, outcome| AuditEvent {
        company_id: user.map(|u| u.company_id),
        actor_user_id: None,
        target_user_id: user.map(|u| u.id),
        kind: AuditKind::PasswordResetRequested,
        outcome,
        client_ip: client_ip.map(|ip| ip.to_string()),
        details: None,
    };

    let Some(user) = found.filter(|user| user.active) else {
        audit::record(db, event(None, AuditOutcome::NoActiveAccount), now).await?;
        return Ok(());
    };
    let txn = db.begin().await.context("starting the reset request")?;
    let link = NewLink {
        user_id: user.id,
        purpose: LinkPurpose::ForgotPassword,
        created_by: None,
        valid_for: policy.link_valid_for,
        new_email: None,
    };
    let link_id = issue_link(&txn, link, now).await?;
    let mail = NewMail::for_user(
        &user,
        MailTemplate::PasswordReset {
            username: user.username.clone(),
            link_id,
            valid_minutes: policy.link_valid_for.num_minutes(),
            expires_at: Some(now + policy.link_valid_for),
        },
    );
    outbox::enqueue(&txn, mail, now).await?;
    audit::record(&txn, event(Some(&user), AuditOutcome::MailQueued), now).await?;
    txn.commit().await.context("committing the reset request")?;
    Ok(())
}

/// Sets a new password with `token`: consumes the token (once, atomically), stores the hash,
/// voids the user's other links, ends all their sessions, queues the "password changed" mail
/// and records the event, all in one transaction. The user is not logged in.
pub async fn complete_reset(
    services: &Services,
    token: Option<&SecretToken>,
    chosen: ChosenPassword<'_>,
    client_ip: Option<IpAddr>,
    now: DateTime<Utc>,
) -> Result<(), ResetError> {
    let Some(token) = token else {
        return Err(ResetError::LinkUnusable(LinkState::Unknown));
    };
    if chosen.password != chosen.confirm {
        return Err(ResetError::PasswordsDiffer);
    }
    let (db, hasher) = (&services.db, &services.hasher);
    let Some(owner) = link_owner(db, token, now).await? else {
        return Err(ResetError::LinkUnusable(link_state(db, token, now).await?));
    };
    let about = password_policy::personal_info(db, &owner).await?;
    // Counted per client like a wrong password, so refused passwords cannot be sent (and
    // judged) without limit.
    let judged =
        password_policy::accept_counted(services, client_ip, chosen.password, about, now).await;
    let new_password = match judged {
        Ok(new_password) => new_password,
        Err(Refusal::Throttled { retry_at }) => {
            let throttled = AuditEvent {
                company_id: Some(owner.company_id),
                actor_user_id: None,
                target_user_id: Some(owner.id),
                kind: AuditKind::PasswordResetCompleted,
                outcome: AuditOutcome::Throttled,
                client_ip: client_ip.map(|ip| ip.to_string()),
                details: None,
            };
            audit::record(db, throttled, now).await?;
            return Err(ResetError::Throttled { retry_at });
        }
        Err(Refusal::Rejected(problem)) => return Err(ResetError::PasswordRejected(problem)),
        Err(Refusal::Busy) => return Err(ResetError::Busy),
        Err(Refusal::Unexpected(err)) => return Err(ResetError::Unexpected(err)),
    };
    // Hash before taking the token, so a busy hasher does not burn the link.
    let hash = hasher.hash(new_password).await?;

    let txn = db.begin().await.context("starting the reset")?;
    let consumed = reset_token::Entity::update_many()
        .col_expr(reset_token::Column::UsedAt, Expr::value(now))
        .filter(reset_token::Column::TokenHash.eq(token.storage_key()))
        // An email-change link sets no password, whoever holds it.
        .filter(reset_token::Column::Purpose.is_in(LinkPurpose::SETS_PASSWORD))
        .filter(reset_token::Column::UsedAt.is_null())
        .filter(reset_token::Column::RevokedAt.is_null())
        .filter(reset_token::Column::ExpiresAt.gt(now))
        .exec_with_returning(&txn)
        .await
        .context("consuming the reset token")?;
    let Some(consumed) = consumed.into_iter().next() else {
        // Another submission won the race (or the link expired meanwhile).
        txn.rollback().await.context("abandoning the reset")?;
        let state = link_state(db, token, now).await?;
        return Err(ResetError::LinkUnusable(state));
    };
    let user = user::Entity::find_by_id(consumed.user_id)
        .one(&txn)
        .await
        .context("loading the user")?
        .context("the token's user is gone")?;
    let mut active: user::ActiveModel = user.clone().into();
    active.password_hash = Set(Some(hash.as_phc().to_owned()));
    active.updated_at = Set(now);
    active
        .update(&txn)
        .await
        .context("storing the new password")?;
    revoke_tokens(&txn, user.id, now).await?;
    // Whoever completes a reset has proved to own the mailbox: failures strangers piled up
    // on the account must not keep its owner out of the new password.
    crate::auth::clear_password_counters(&txn, &user).await?;
    let ended = sessions::end_all_for_user(&txn, user.id, None).await?;
    let webhooks = &services.webhooks;
    webhooks
        .publish(&txn, Event::PasswordChanged(&user), now)
        .await?;
    webhooks
        .sessions_ended(&txn, &user, &ended, SessionEndReason::PasswordReset, now)
        .await?;
    let mail = NewMail::for_user(
        &user,
        MailTemplate::PasswordChanged {
            username: user.username.clone(),
        },
    );
    outbox::enqueue(&txn, mail, now).await?;
    let event = AuditEvent::own(
        &user,
        AuditKind::PasswordResetCompleted,
        AuditOutcome::Succeeded,
        client_ip,
    );
    audit::record(&txn, event, now).await?;
    txn.commit().await.context("committing the reset")?;
    tracing::info!(user_id = %user.id, "password reset completed");
    Ok(())
}

#[cfg(test)]
mod tests {
    use chrono::Duration;

    use super::*;
    use crate::testing;
    use latch_domain::Role;

    /// A fresh database with one user, and the reset token mailed to them at `t0`.
    async fn requested_at(t0: DateTime<Utc>) -> (Services, SecretToken) {
        let db = testing::fresh_db().await;
        testing::user_in(
            &db,
            "PT Maju",
            "ana",
            Role::Member,
            Some("an old passphrase"),
            t0,
        )
        .await;
        let email = Email::parse("ana@example.com").unwrap();
        let services = Services::for_tests(db);
        request_reset(&services, &email, None, t0).await.unwrap();

        let token = testing::mint_queued_link(&services.db, t0).await;
        (services, token)
    }

    #[tokio::test]
    async fn the_reset_page_tells_a_working_link_from_a_missing_or_dead_one() {
        let t0 = Utc::now();
        let (services, token) = requested_at(t0).await;
        let db = &services.db;

        let none = link_status(db, None, None, t0).await.unwrap();
        assert_eq!(none.state, LinkState::Unknown);
        assert!(none.open.is_none());

        let open = link_status(db, Some(&token), None, t0).await.unwrap();
        assert_eq!(open.state, LinkState::Valid);
        let open = open.open.expect("a working link describes itself");
        assert_eq!(open.about.username, "ana");
        assert_eq!(open.locale, latch_i18n::Locale::En);
        assert!(open.works_until.contains("UTC"), "{}", open.works_until);

        let expired = link_status(db, Some(&token), None, t0 + Duration::hours(1)).await;
        let expired = expired.unwrap();
        assert_eq!(expired.state, LinkState::Expired);
        assert!(
            expired.open.is_none(),
            "nothing about the owner once it is dead"
        );
    }

    #[tokio::test]
    async fn a_reset_with_two_different_passwords_is_refused_before_the_link_is_touched() {
        let t0 = Utc::now();
        let (services, token) = requested_at(t0).await;
        let differ = ChosenPassword {
            password: "a brand new passphrase",
            confirm: "a brand new passphrase!",
        };
        let refused = complete_reset(&services, Some(&token), differ, None, t0).await;
        assert!(
            matches!(refused, Err(ResetError::PasswordsDiffer)),
            "{refused:?}"
        );
        let state = link_state(&services.db, &token, t0).await.unwrap();
        assert_eq!(state, LinkState::Valid);
    }

    #[tokio::test]
    async fn a_link_expires_after_its_validity_by_the_clock_it_is_given() {
        let t0 = Utc::now();
        let (services, token) = requested_at(t0).await;
        let db = &services.db;
        let chosen = || ChosenPassword {
            password: "a brand new passphrase",
            confirm: "a brand new passphrase",
        };

        assert_eq!(
            link_state(db, &token, t0 + Duration::minutes(29))
                .await
                .unwrap(),
            LinkState::Valid
        );
        assert_eq!(
            link_state(db, &token, t0 + Duration::minutes(30))
                .await
                .unwrap(),
            LinkState::Expired
        );

        let late = complete_reset(
            &services,
            Some(&token),
            chosen(),
            None,
            t0 + Duration::minutes(31),
        )
        .await;
        assert!(
            matches!(late, Err(ResetError::LinkUnusable(LinkState::Expired))),
            "{late:?}"
        );
        let in_time = complete_reset(
            &services,
            Some(&token),
            chosen(),
            None,
            t0 + Duration::minutes(29),
        )
        .await;
        assert!(in_time.is_ok(), "{in_time:?}");
        assert_eq!(
            link_state(db, &token, t0 + Duration::minutes(29))
                .await
                .unwrap(),
            LinkState::Used
        );
    }
}
