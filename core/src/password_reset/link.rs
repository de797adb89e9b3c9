//! Reset and invitation links: issuing one, telling what it is good for, voiding them.
//!
//! Only the SHA-256 of a link's token is stored.

use anyhow::Context;
use chrono::{DateTime, Duration, Utc};
use latch_domain::PersonalInfo;
use latch_i18n::Locale;
use sea_orm::sea_query::Expr;
use sea_orm::{ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, Set};
use uuid::Uuid;

pub use crate::entities::reset_token::LinkPurpose;
use crate::entities::{reset_token, user};
use crate::secret_token::SecretToken;
use crate::{password_policy, preferences};

pub use latch_domain::LinkState;

/// What `token` is good for as a password link (Forgot Password, Reset Password, an
/// invitation), without using it (opening a link changes nothing). An email-change link is
/// no password link: [`LinkState::Unknown`] here.
pub async fn link_state(
    db: &impl ConnectionTrait,
    token: &SecretToken,
    now: DateTime<Utc>,
) -> anyhow::Result<LinkState> {
    let row = link_row(db, token, &LinkPurpose::SETS_PASSWORD).await?;
    Ok(state_of(row.as_ref(), token, now))
}

/// The stored link of `token`, if it was sent for one of `purposes`.
pub(crate) async fn link_row(
    db: &impl ConnectionTrait,
    token: &SecretToken,
    purposes: &[LinkPurpose],
) -> anyhow::Result<Option<reset_token::Model>> {
    reset_token::Entity::find()
        .filter(reset_token::Column::TokenHash.eq(token.storage_key()))
        .filter(reset_token::Column::Purpose.is_in(purposes.iter().copied()))
        .one(db)
        .await
        .context("looking up the link")
}

/// What the stored `row` of `token` is good for at `now`.
pub(crate) fn state_of(
    row: Option<&reset_token::Model>,
    token: &SecretToken,
    now: DateTime<Utc>,
) -> LinkState {
    let key = token.storage_key();
    match row {
        // The database found it by hash; compare again without early exit all the same.
        Some(row) if !constant_time_eq(row.token_hash.as_bytes(), key.as_bytes()) => {
            LinkState::Unknown
        }
        Some(row) if row.used_at.is_some() => LinkState::Used,
        Some(row) if row.revoked_at.is_some() => LinkState::Replaced,
        Some(row) if row.expires_at <= now => LinkState::Expired,
        Some(_) => LinkState::Valid,
        None => LinkState::Unknown,
    }
}

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
    let Some(row) = link_row(db, token, &LinkPurpose::SETS_PASSWORD).await? else {
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

/// A link to store and email: whose, for what, sent by whom, valid how long.
pub(crate) struct NewLink {
    pub user_id: Uuid,
    pub purpose: LinkPurpose,
    /// The admin who sent it; `None` when the user asked themself or the operator sent it.
    pub created_by: Option<Uuid>,
    pub valid_for: Duration,
    /// The address an email-change link confirms (`None` for every other link).
    pub new_email: Option<String>,
}

/// Makes a new link the user's one valid link of its kind (older ones are voided) and returns
/// its id, for the mail that carries it (`MailTemplate`'s `link_id`). Password links (Forgot
/// Password, Reset Password, invitations) replace one another and go to the reset page; an
/// email-change link replaces only an earlier email change, and goes to the page that confirms
/// it (a pending change must not kill a reset link the user is about to use, nor the other way
/// round): see [`LinkPurpose::page`].
///
/// No token exists yet: the outbox mints one each time it sends the mail, so the database
/// never holds a working link at rest (see `outbox::link_token`). Until then the row holds a
/// placeholder that no token's hash can equal.
pub(crate) async fn issue_link(
    db: &impl ConnectionTrait,
    link: NewLink,
    now: DateTime<Utc>,
) -> anyhow::Result<Uuid> {
    let NewLink {
        user_id,
        purpose,
        created_by,
        valid_for,
        new_email,
    } = link;
    let family: &[LinkPurpose] = if purpose.sets_password() {
        &LinkPurpose::SETS_PASSWORD
    } else {
        &[LinkPurpose::EmailChange]
    };
    reset_token::Entity::update_many()
        .col_expr(reset_token::Column::RevokedAt, Expr::value(now))
        .filter(reset_token::Column::UserId.eq(user_id))
        .filter(reset_token::Column::Purpose.is_in(family.iter().copied()))
        .filter(reset_token::Column::UsedAt.is_null())
        .filter(reset_token::Column::RevokedAt.is_null())
        .exec(db)
        .await
        .context("voiding older links")?;
    let id = Uuid::new_v4();
    reset_token::ActiveModel {
        id: Set(id),
        user_id: Set(user_id),
        token_hash: Set(crate::outbox::unsent_placeholder(id)),
        purpose: Set(purpose),
        created_by: Set(created_by),
        created_at: Set(now),
        expires_at: Set(now + valid_for),
        used_at: Set(None),
        revoked_at: Set(None),
        new_email: Set(new_email),
    }
    .insert(db)
    .await
    .context("storing the link")?;
    Ok(id)
}

/// Voids every unused link of a user (a newer request, a password or email change).
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
