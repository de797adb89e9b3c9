//! Recovery codes: ten single-use codes for the day the authenticator app is lost. Each has
//! 60 random bits (12 characters of Crockford's base32, shown as `xxxx-xxxx-xxxx`), so a fast
//! hash is enough to store them (SHA-256, like links and sessions); spending one is one
//! conditional UPDATE, so a code cannot be used twice even by two requests at once.
//!
//! A new batch is shown once: it is kept sealed with the server key (so that a page without
//! JavaScript can show it after its redirect) until its user says it is saved, or for an hour.

use anyhow::Context;
use chrono::{DateTime, Duration, Utc};
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, PaginatorTrait, QueryFilter, Set,
};
use uuid::Uuid;

use crate::entities::{recovery_code, recovery_code_reveal};
use crate::secret_token::sha256_hex;
use crate::server_key::{Purpose, ServerKey};

/// How many codes a batch has.
pub const BATCH: usize = 10;
const CHARS: usize = 12;
const ALPHABET: &[u8; 32] = b"0123456789abcdefghjkmnpqrstvwxyz";
/// How long a new batch stays readable if its user never says it is saved.
const REVEAL_FOR: Duration = Duration::hours(1);

/// The typed code as stored before hashing: lowercase, without spaces or dashes, with the
/// letters people mistake for digits read as those digits. `None`: it cannot be a code.
fn normalise(typed: &str) -> Option<String> {
    let code: String = typed
        .chars()
        .filter(|c| !c.is_whitespace() && *c != '-')
        .map(|c| match c.to_ascii_lowercase() {
            'o' => '0',
            'i' | 'l' => '1',
            other => other,
        })
        .collect();
    (code.len() == CHARS && code.bytes().all(|b| ALPHABET.contains(&b))).then_some(code)
}

fn generate_one() -> anyhow::Result<String> {
    let mut bytes = [0u8; CHARS];
    getrandom::fill(&mut bytes).context("generating a recovery code")?;
    // 256 is a multiple of 32: taking each byte mod 32 is uniform.
    let code: String = bytes
        .iter()
        .map(|b| ALPHABET[usize::from(*b) % ALPHABET.len()] as char)
        .collect();
    Ok(format!("{}-{}-{}", &code[..4], &code[4..8], &code[8..]))
}

/// Replaces every recovery code of `user_id` with a new batch, kept readable once; returns it.
pub(crate) async fn renew(
    db: &impl ConnectionTrait,
    key: &ServerKey,
    user_id: Uuid,
    now: DateTime<Utc>,
) -> anyhow::Result<Vec<String>> {
    discard(db, user_id).await?;
    let codes = (0..BATCH)
        .map(|_| generate_one())
        .collect::<anyhow::Result<Vec<_>>>()?;
    for code in &codes {
        let stored = normalise(code).context("a generated code is a code")?;
        recovery_code::ActiveModel {
            id: Set(Uuid::new_v4()),
            user_id: Set(user_id),
            code_hash: Set(sha256_hex(&stored)),
            created_at: Set(now),
            used_at: Set(None),
        }
        .insert(db)
        .await
        .context("storing a recovery code")?;
    }
    let sealed = key
        .seal(
            Purpose::RecoveryCodesSeal,
            serde_json::to_string(&codes)?.as_bytes(),
        )
        .context("sealing recovery codes")?;
    recovery_code_reveal::ActiveModel {
        user_id: Set(user_id),
        sealed_codes: Set(sealed),
        expires_at: Set(now + REVEAL_FOR),
    }
    .insert(db)
    .await
    .context("keeping new recovery codes to show")?;
    Ok(codes)
}

/// Forgets every recovery code of `user_id` (and a batch waiting to be read).
pub(crate) async fn discard(db: &impl ConnectionTrait, user_id: Uuid) -> anyhow::Result<()> {
    recovery_code::Entity::delete_many()
        .filter(recovery_code::Column::UserId.eq(user_id))
        .exec(db)
        .await
        .context("discarding recovery codes")?;
    dismiss(db, user_id).await
}

/// The user saw their new batch: it is never shown again.
pub(crate) async fn dismiss(db: &impl ConnectionTrait, user_id: Uuid) -> anyhow::Result<()> {
    recovery_code_reveal::Entity::delete_by_id(user_id)
        .exec(db)
        .await
        .context("forgetting shown recovery codes")?;
    Ok(())
}

/// The batch waiting to be read by `user_id`, if any.
pub(crate) async fn waiting(
    db: &impl ConnectionTrait,
    key: &ServerKey,
    user_id: Uuid,
    now: DateTime<Utc>,
) -> anyhow::Result<Option<Vec<String>>> {
    let Some(reveal) = recovery_code_reveal::Entity::find_by_id(user_id)
        .one(db)
        .await
        .context("loading recovery codes to show")?
    else {
        return Ok(None);
    };
    if reveal.expires_at <= now {
        dismiss(db, user_id).await?;
        return Ok(None);
    }
    let opened = key
        .open(Purpose::RecoveryCodesSeal, &reveal.sealed_codes)
        .context("opening recovery codes to show")?;
    Ok(Some(serde_json::from_slice(&opened)?))
}

/// How many unused codes `user_id` has.
pub(crate) async fn left(db: &impl ConnectionTrait, user_id: Uuid) -> anyhow::Result<u64> {
    recovery_code::Entity::find()
        .filter(recovery_code::Column::UserId.eq(user_id))
        .filter(recovery_code::Column::UsedAt.is_null())
        .count(db)
        .await
        .context("counting recovery codes")
}

/// Spends `typed` if it is an unused code of `user_id`. `false`: no such unused code.
pub(crate) async fn spend(
    db: &impl ConnectionTrait,
    user_id: Uuid,
    typed: &str,
    now: DateTime<Utc>,
) -> anyhow::Result<bool> {
    let Some(code) = normalise(typed) else {
        return Ok(false);
    };
    let spent = recovery_code::Entity::update_many()
        .col_expr(recovery_code::Column::UsedAt, Expr::value(now))
        .filter(recovery_code::Column::UserId.eq(user_id))
        .filter(recovery_code::Column::CodeHash.eq(sha256_hex(&code)))
        .filter(recovery_code::Column::UsedAt.is_null())
        .exec(db)
        .await
        .context("spending a recovery code")?;
    Ok(spent.rows_affected == 1)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_are_twelve_base32_characters_in_three_groups() {
        let code = generate_one().unwrap();
        assert_eq!(code.len(), 14);
        assert_eq!(code.matches('-').count(), 2);
        assert!(normalise(&code).is_some());
        assert_ne!(generate_one().unwrap(), code);
    }

    #[test]
    fn typing_is_forgiving_but_only_codes_are_codes() {
        assert_eq!(normalise("ABCD-EFGH-JK0O").as_deref(), Some("abcdefghjk00"));
        assert_eq!(
            normalise(" abcd efgh jk1l ").as_deref(),
            Some("abcdefghjk11")
        );
        assert_eq!(normalise("abcd-efgh-jk"), None);
        assert_eq!(
            normalise("abcd-efgh-jkuu"),
            None,
            "u is not in the alphabet"
        );
        assert_eq!(normalise("123456"), None);
    }
}
