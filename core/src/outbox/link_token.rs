//! Minting a mail's link at the moment it is sent, so a queued message never holds a working
//! link: a copy of the database (a backup, a dump, a replica) yields none.
//!
//! A link is issued (`password_reset::issue_link`) without a token: its row holds a
//! placeholder no token hashes to. Each attempt to send its mail gives the row the hash of a
//! fresh token, and the token itself lives only in the message being sent.

use anyhow::Context;
use chrono::{DateTime, Utc};
use sea_orm::sea_query::Expr;
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter};
use uuid::Uuid;

use crate::entities::reset_token;
use crate::secret_token::SecretToken;

/// Gives link `link_id` a fresh token while it still works at `now` (unused, not voided, not
/// expired) and returns the URL to email; `None` when the link died before its mail went out
/// (a newer link, a password change, an expiry...), and then no mail should go.
///
/// The previous token of the link, if any, stops working: it belonged to an earlier attempt
/// to send this mail, which either delivered nothing (a failed send) or delivered a message
/// whose receipt was lost; in that rare case the older message's link is dead and this one's
/// works, so the user never holds two working links.
pub(crate) async fn mint(
    db: &impl ConnectionTrait,
    link_id: Uuid,
    public_url: &url::Url,
    now: DateTime<Utc>,
) -> anyhow::Result<Option<String>> {
    let token = SecretToken::generate().context("generating a link token")?;
    let minted = reset_token::Entity::update_many()
        .col_expr(
            reset_token::Column::TokenHash,
            Expr::value(token.storage_key()),
        )
        .filter(reset_token::Column::Id.eq(link_id))
        .filter(reset_token::Column::UsedAt.is_null())
        .filter(reset_token::Column::RevokedAt.is_null())
        .filter(reset_token::Column::ExpiresAt.gt(now))
        .exec(db)
        .await
        .context("minting the link's token")?;
    if minted.rows_affected == 0 {
        return Ok(None);
    }
    let purpose = reset_token::Entity::find_by_id(link_id)
        .one(db)
        .await
        .context("reading the link's purpose")?
        .context("the link just minted is gone")?
        .purpose;
    let mut url = public_url
        .join(purpose.page())
        .context("building the link")?;
    url.query_pairs_mut().append_pair("token", token.expose());
    Ok(Some(url.to_string()))
}

/// What a link's row holds until its mail is sent: unique (the column is), and never the hex
/// SHA-256 a presented token is looked up by, so it opens nothing.
pub(crate) fn unsent_placeholder(link_id: Uuid) -> String {
    format!("unsent:{link_id}")
}
