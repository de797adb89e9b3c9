//! "Forgot Password": emailed single-use links to choose a new password.
//!
//! Requests for known and unknown addresses take the same path and get the same answer; the
//! mail itself goes out later through the outbox. Only the SHA-256 of a token is stored, and a
//! token is consumed by one conditional UPDATE, so of many concurrent submissions exactly one
//! wins.

use std::net::IpAddr;

use anyhow::Context;
use chrono::{DateTime, Duration, Utc};
use latch_domain::{Email, PasswordProblem, PersonalInfo};
use latch_i18n::Locale;
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, Set, TransactionTrait,
};
use uuid::Uuid;

use crate::Services;
use crate::audit::{self, AuditEvent};
use crate::entities::{reset_token, user};
use crate::outbox::{self, MailTemplate, NewMail};
use crate::password_hash::HashError;
use crate::password_policy;
use crate::preferences;
use crate::secret_token::SecretToken;
use crate::sessions;
use crate::throttle::{self, Limit};

/// Reset policy: link lifetime and throttling.
#[derive(Debug, Clone, Copy)]
pub struct ResetPolicy {
    pub link_valid_for: Duration,
    /// Per email address (tight, so nobody can mail-bomb an inbox): 3 requests an hour, then
    /// a pause of 20 minutes that grows to an hour.
    pub per_address: Limit,
    /// Per client address (generous: an office behind one NAT address).
    pub per_client: Limit,
}

impl Default for ResetPolicy {
    fn default() -> Self {
        Self {
            link_valid_for: Duration::minutes(30),
            per_address: Limit {
                free_failures: 3,
                window: Duration::hours(1),
                first_block: Duration::minutes(20),
                max_block: Duration::hours(1),
            },
            per_client: Limit {
                free_failures: 50,
                window: Duration::hours(1),
                first_block: Duration::minutes(5),
                max_block: Duration::hours(1),
            },
        }
    }
}

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

pub use latch_domain::LinkState;

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
    let (db, policy, public_url) = (&services.db, &services.reset_policy, &services.public_url);
    // Counted per address typed, so unknown addresses are throttled exactly like known ones.
    let address_key = format!("reset:email:{}", email.key());
    let client_key = client_ip.map(|ip| format!("reset:client:{ip}"));
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
        return Err(ResetError::Throttled { retry_at });
    }

    let found = user::Entity::find()
        .filter(user::Column::EmailKey.eq(email.key()))
        .one(db)
        .await
        .context("looking up the email address")?;
    // The token is made either way, so both paths cost the same.
    let token = SecretToken::generate().context("generating a reset token")?;
    let event = |user: Option<&user::Model>, outcome| AuditEvent {
        company_id: user.map(|u| u.company_id),
        actor_user_id: None,
        target_user_id: user.map(|u| u.id),
        kind: "password_reset_requested",
        outcome,
        client_ip: client_ip.map(|ip| ip.to_string()),
        details: None,
    };

    let Some(user) = found.filter(|user| user.active) else {
        audit::record(db, event(None, "no_active_account"), now).await?;
        return Ok(());
    };
    let txn = db.begin().await.context("starting the reset request")?;
    let link = issue_link(
        &txn,
        user.id,
        &token,
        "forgot_password",
        None,
        policy.link_valid_for,
        public_url,
        now,
    )
    .await?;
    let mail = NewMail::for_user(
        &user,
        MailTemplate::PasswordReset {
            username: user.username.clone(),
            link,
            valid_minutes: policy.link_valid_for.num_minutes(),
            expires_at: Some(now + policy.link_valid_for),
        },
    );
    outbox::enqueue(&txn, mail, now).await?;
    audit::record(&txn, event(Some(&user), "mail_queued"), now).await?;
    txn.commit().await.context("committing the reset request")?;
    Ok(())
}

/// What `token` is good for, without using it (opening a link changes nothing).
pub async fn link_state(
    db: &impl ConnectionTrait,
    token: &SecretToken,
    now: DateTime<Utc>,
) -> anyhow::Result<LinkState> {
    let key = token.storage_key();
    let row = reset_token::Entity::find()
        .filter(reset_token::Column::TokenHash.eq(key.as_str()))
        .one(db)
        .await
        .context("looking up the reset link")?;
    Ok(match row {
        // The database found it by hash; compare again without early exit all the same.
        Some(row) if !constant_time_eq(row.token_hash.as_bytes(), key.as_bytes()) => {
            LinkState::Unknown
        }
        Some(row) if row.used_at.is_some() => LinkState::Used,
        Some(row) if row.revoked_at.is_some() => LinkState::Replaced,
        Some(row) if row.expires_at <= now => LinkState::Expired,
        Some(_) => LinkState::Valid,
        None => LinkState::Unknown,
    })
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
    let (db, hasher, policy) = (&services.db, &services.hasher, services.password_policy);
    let new_password = chosen.password;
    let Some(owner) = link_owner(db, token, now).await? else {
        return Err(ResetError::LinkUnusable(link_state(db, token, now).await?));
    };
    let about = password_policy::personal_info(db, &owner).await?;
    let new_password = password_policy::accept(policy, new_password, about)
        .await?
        .map_err(ResetError::PasswordRejected)?;
    // Hash before taking the token, so a busy hasher does not burn the link.
    let hash = hasher.hash(new_password).await?;

    let txn = db.begin().await.context("starting the reset")?;
    let consumed = reset_token::Entity::update_many()
        .col_expr(reset_token::Column::UsedAt, Expr::value(now))
        .filter(reset_token::Column::TokenHash.eq(token.storage_key()))
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
    sessions::end_all_for_user(&txn, user.id, None).await?;
    let mail = NewMail::for_user(
        &user,
        MailTemplate::PasswordChanged {
            username: user.username.clone(),
        },
    );
    outbox::enqueue(&txn, mail, now).await?;
    let event = AuditEvent {
        company_id: Some(user.company_id),
        actor_user_id: Some(user.id),
        target_user_id: Some(user.id),
        kind: "password_reset_completed",
        outcome: "succeeded",
        client_ip: client_ip.map(|ip| ip.to_string()),
        details: None,
    };
    audit::record(&txn, event, now).await?;
    txn.commit().await.context("committing the reset")?;
    tracing::info!(user_id = %user.id, "password reset completed");
    Ok(())
}

/// Voids every unused link of a user (a newer request, a password or email change).
/// The user a link would reset, while the link is valid: for the policy's personal checks and
/// the strength meter on the reset page (the link holder may already read the username in the
/// email that carried it).
pub async fn link_owner(
    db: &impl ConnectionTrait,
    token: &SecretToken,
    now: DateTime<Utc>,
) -> anyhow::Result<Option<user::Model>> {
    Ok(valid_link(db, token, now).await?.map(|link| link.owner))
}

/// A link that works right now: whose it is and until when.
#[derive(Debug, Clone)]
pub struct ValidLink {
    pub owner: user::Model,
    pub expires_at: DateTime<Utc>,
}

/// `token`'s owner and expiry while the link is valid (for the reset page).
pub async fn valid_link(
    db: &impl ConnectionTrait,
    token: &SecretToken,
    now: DateTime<Utc>,
) -> anyhow::Result<Option<ValidLink>> {
    if link_state(db, token, now).await? != LinkState::Valid {
        return Ok(None);
    }
    let Some(row) = reset_token::Entity::find()
        .filter(reset_token::Column::TokenHash.eq(token.storage_key()))
        .one(db)
        .await
        .context("looking up the reset link")?
    else {
        return Ok(None);
    };
    let owner = user::Entity::find_by_id(row.user_id)
        .one(db)
        .await
        .context("looking up the link's user")?;
    Ok(owner.map(|owner| ValidLink {
        owner,
        expires_at: row.expires_at,
    }))
}

/// What the reset page shows for the link in a browser's cookie (opening a link changes
/// nothing).
#[derive(Debug, Clone)]
pub struct LinkStatus {
    pub state: LinkState,
    /// Only while the link works.
    pub open: Option<OpenLink>,
}

/// A link that works, as its page describes it to the holder.
#[derive(Debug, Clone)]
pub struct OpenLink {
    /// What the owner's new password must not contain (for the strength meter).
    pub about: PersonalInfo,
    /// The language of `works_until`: the owner's, chosen as a page of theirs would be (their
    /// choice, else this browser's, else their company's), so it reads like the email.
    pub locale: Locale,
    /// "This link works until 29 November 2026, 18:05 WIB."
    pub works_until: String,
}

/// The state of `token` (none: no link opened in this browser) and, while it works, what its
/// page says about it.
pub async fn link_status(
    db: &impl ConnectionTrait,
    token: Option<&SecretToken>,
    browser: Option<Locale>,
    now: DateTime<Utc>,
) -> anyhow::Result<LinkStatus> {
    let Some(token) = token else {
        return Ok(LinkStatus {
            state: LinkState::Unknown,
            open: None,
        });
    };
    let state = link_state(db, token, now).await?;
    let Some(link) = valid_link(db, token, now).await? else {
        return Ok(LinkStatus { state, open: None });
    };
    let about = password_policy::personal_info(db, &link.owner).await?;
    let reader = preferences::of_user(db, &link.owner, browser).await?;
    let works_until =
        (reader.locale.messages().reset_link_expires)(&reader.format(link.expires_at));
    let open = OpenLink {
        about,
        locale: reader.locale,
        works_until,
    };
    Ok(LinkStatus {
        state,
        open: Some(open),
    })
}

/// Makes `token` the user's one valid link (older ones are voided) and returns the URL to
/// email. Every link goes to the same page, whatever its purpose.
#[allow(clippy::too_many_arguments)]
pub(crate) async fn issue_link(
    db: &impl ConnectionTrait,
    user_id: Uuid,
    token: &SecretToken,
    purpose: &str,
    created_by: Option<Uuid>,
    valid_for: Duration,
    public_url: &url::Url,
    now: DateTime<Utc>,
) -> anyhow::Result<String> {
    revoke_tokens(db, user_id, now).await?;
    reset_token::ActiveModel {
        id: Set(Uuid::new_v4()),
        user_id: Set(user_id),
        token_hash: Set(token.storage_key()),
        purpose: Set(purpose.to_owned()),
        created_by: Set(created_by),
        created_at: Set(now),
        expires_at: Set(now + valid_for),
        used_at: Set(None),
        revoked_at: Set(None),
    }
    .insert(db)
    .await
    .context("storing the link's token")?;
    let mut link = public_url
        .join("reset-password")
        .context("building the link")?;
    link.query_pairs_mut().append_pair("token", token.expose());
    Ok(link.to_string())
}

pub async fn revoke_tokens(
    db: &impl ConnectionTrait,
    user_id: Uuid,
    now: DateTime<Utc>,
) -> anyhow::Result<()> {
    reset_token::Entity::update_many()
        .col_expr(reset_token::Column::RevokedAt, Expr::value(now))
        .filter(reset_token::Column::UserId.eq(user_id))
        .filter(reset_token::Column::UsedAt.is_null())
        .filter(reset_token::Column::RevokedAt.is_null())
        .exec(db)
        .await
        .context("voiding older reset links")?;
    Ok(())
}

fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::accounts::{self, NewUser};
    use crate::entities::outbox_message;
    use latch_domain::{CompanyName, DisplayName, PasswordPolicy, Role, Username};

    /// A fresh database with one user, and the reset token mailed to them at `t0`.
    async fn requested_at(t0: DateTime<Utc>) -> (Services, SecretToken) {
        let db = crate::db::connect("sqlite::memory:").await.unwrap();
        crate::db::migrate(&db).await.unwrap();
        let company = CompanyName::parse("PT Maju").unwrap();
        accounts::add_company(&db, &company, t0).await.unwrap();
        let new_user = NewUser {
            company,
            username: Username::parse("ana").unwrap(),
            email: Email::parse("ana@example.com").unwrap(),
            display_name: DisplayName::parse("Ana").unwrap(),
            role: Role::Member,
        };
        let password = latch_domain::NewPassword::parse(
            "an old passphrase",
            &PasswordPolicy::default(),
            &latch_domain::PersonalInfo::default(),
        )
        .unwrap();
        accounts::add_user(&db, new_user, Some(password), t0)
            .await
            .unwrap();
        let email = Email::parse("ana@example.com").unwrap();
        let services = Services::for_tests(db);
        request_reset(&services, &email, None, t0).await.unwrap();

        let queued = outbox_message::Entity::find()
            .one(&services.db)
            .await
            .unwrap()
            .unwrap();
        let token = queued
            .payload
            .split("token=")
            .nth(1)
            .unwrap()
            .split('"')
            .next()
            .unwrap();
        (services, SecretToken::from_presented(token).unwrap())
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
