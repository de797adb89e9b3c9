//! Failure counters shared by every instance through the `rate_limits` table.
//!
//! A counter counts failures within a window; past its free allowance each further failure
//! blocks the key for an exponentially growing time, capped, so an attacker can slow an
//! account down but never lock its owner out for long.

use std::net::IpAddr;

use anyhow::Context;
use chrono::{DateTime, Duration, Utc};
use latch_domain::Email;
use sea_orm::{ConnectionTrait, EntityTrait, Statement, Value};
use uuid::Uuid;

use crate::entities::rate_limit;
use crate::secret_token::sha256_hex;

mod reserve;

pub use reserve::{refund, reserve};

/// The name of one failure counter, as stored in `rate_limits.key`. The spellings are part of
/// the stored data: changing one would silently reset, or lift the blocks of, every counter of
/// its kind while instances of two versions run side by side. (It happened once, on purpose:
/// the keys of unknown identifiers and reset addresses became hashes, so the table no longer
/// holds what people typed; their counters restarted at that upgrade.)
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ThrottleKey(String);

impl ThrottleKey {
    /// Password checks of one account. Anything that checks a user's password (login, Account
    /// Settings) counts its failures here, so no form is a guessing oracle.
    pub fn login_account(user_id: Uuid) -> Self {
        Self(format!("login:account:{user_id}"))
    }

    /// Logins naming an identifier (trimmed, lowercased) that no account has: counted exactly
    /// like an account, so the counters reveal nothing about who exists. The key holds a hash
    /// of what was typed, never the text (a mistyped password in the username field, say).
    pub fn login_unknown(identifier: &str) -> Self {
        Self(format!("login:unknown:{}", sha256_hex(identifier)))
    }

    /// Password checks from one client address.
    pub fn login_client(client_ip: IpAddr) -> Self {
        Self(format!("login:client:{client_ip}"))
    }

    /// Forgot Password requests for one address, whether or not an account uses it.
    pub fn reset_address(email: &Email) -> Self {
        Self(format!("reset:email:{}", sha256_hex(&email.key())))
    }

    /// Forgot Password requests from one client address.
    pub fn reset_client(client_ip: IpAddr) -> Self {
        Self(format!("reset:client:{client_ip}"))
    }

    /// An admin's "Reset Password" mails to one user (protects that user's inbox).
    pub fn admin_reset(user_id: Uuid) -> Self {
        Self(format!("admin_reset:user:{user_id}"))
    }

    /// Invitations and email changes (mail to addresses new to Latch) by one admin.
    pub fn new_addresses_by_admin(admin_id: Uuid) -> Self {
        Self(format!("new_address:admin:{admin_id}"))
    }

    /// Invitations and email changes by all the admins of one company.
    pub fn new_addresses_in_company(company_id: Uuid) -> Self {
        Self(format!("new_address:company:{company_id}"))
    }

    /// The stored spelling.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// How one kind of key is throttled.
#[derive(Debug, Clone, Copy)]
pub struct Limit {
    /// Failures allowed within `window` before blocking starts.
    pub free_failures: i32,
    /// Failures older than this are forgotten.
    pub window: Duration,
    /// Block after the first failure over the allowance; doubles with each further one.
    pub first_block: Duration,
    pub max_block: Duration,
}

impl Limit {
    /// How long to block after the `count`-th failure in the window (None: not yet).
    pub fn block_after(&self, count: i32) -> Option<Duration> {
        let over = count - self.free_failures;
        if over <= 0 {
            return None;
        }
        let doublings = (over - 1).min(16) as u32;
        let block = self.first_block * 2_i32.pow(doublings);
        Some(block.min(self.max_block))
    }
}

/// When `key` may try again, if it is blocked now.
pub async fn blocked_until(
    db: &impl ConnectionTrait,
    key: &ThrottleKey,
    now: DateTime<Utc>,
) -> anyhow::Result<Option<DateTime<Utc>>> {
    let row = rate_limit::Entity::find_by_id(key.as_str())
        .one(db)
        .await
        .context("reading a rate limit")?;
    Ok(row
        .and_then(|row| row.blocked_until)
        .filter(|until| *until > now))
}

/// Counts one failure for `key` atomically (concurrent failures on several instances are all
/// counted) and returns the block it earned, if any.
pub async fn record_failure(
    db: &impl ConnectionTrait,
    key: &ThrottleKey,
    limit: Limit,
    now: DateTime<Utc>,
) -> anyhow::Result<Option<DateTime<Utc>>> {
    let backend = db.get_database_backend();
    // Same SQL on SQLite (≥ 3.35) and PostgreSQL; `$n` placeholders work on both through sqlx.
    let count_failure = Statement::from_sql_and_values(
        backend,
        r#"INSERT INTO rate_limits (key, window_started_at, count, blocked_until, updated_at)
           VALUES ($1, $2, 1, NULL, $2)
           ON CONFLICT (key) DO UPDATE SET
             count = CASE WHEN rate_limits.window_started_at <= $3
                          THEN 1 ELSE rate_limits.count + 1 END,
             window_started_at = CASE WHEN rate_limits.window_started_at <= $3
                          THEN excluded.window_started_at ELSE rate_limits.window_started_at END,
             updated_at = excluded.updated_at
           RETURNING count"#,
        [key.as_str().into(), now.into(), (now - limit.window).into()],
    );
    let row = db
        .query_one_raw(count_failure)
        .await
        .context("counting a failure")?
        .context("the counter upsert returned no row")?;
    let count: i32 = row
        .try_get("", "count")
        .context("reading the failure count")?;

    let Some(block) = limit.block_after(count) else {
        return Ok(None);
    };
    let until = now + block;
    let extend_block = Statement::from_sql_and_values(
        backend,
        r#"UPDATE rate_limits SET blocked_until = $2
           WHERE key = $1 AND (blocked_until IS NULL OR blocked_until < $2)"#,
        [key.as_str().into(), Value::from(until)],
    );
    db.execute_raw(extend_block)
        .await
        .context("blocking a key")?;
    Ok(Some(until))
}

/// Forgets the failures of `key` (after a successful login).
pub async fn clear(db: &impl ConnectionTrait, key: &ThrottleKey) -> anyhow::Result<()> {
    rate_limit::Entity::delete_by_id(key.as_str())
        .exec(db)
        .await
        .context("clearing a rate limit")?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::db;

    const LIMIT: Limit = Limit {
        free_failures: 3,
        window: Duration::hours(1),
        first_block: Duration::seconds(30),
        max_block: Duration::minutes(5),
    };

    #[test]
    fn blocks_double_after_the_allowance_and_stop_at_the_cap() {
        let blocks: Vec<_> = (1..=10).map(|n| LIMIT.block_after(n)).collect();
        assert_eq!(blocks[..3], [None, None, None]);
        assert_eq!(blocks[3], Some(Duration::seconds(30)));
        assert_eq!(blocks[4], Some(Duration::seconds(60)));
        assert_eq!(blocks[5], Some(Duration::seconds(120)));
        assert_eq!(blocks[9], Some(Duration::minutes(5)));
    }

    #[test]
    fn keys_keep_the_spellings_stored_counters_have() {
        let id = Uuid::parse_str("7b0b8a5e-2d1c-4f3a-9e6b-5c4d3e2f1a0b").unwrap();
        let ip: IpAddr = "2001:db8::7".parse().unwrap();
        let email = Email::parse("Ana.Putri@Example.co.id").unwrap();
        let keys = [
            ThrottleKey::login_account(id),
            ThrottleKey::login_unknown("ana"),
            ThrottleKey::login_client(ip),
            ThrottleKey::reset_address(&email),
            ThrottleKey::reset_client("192.0.2.7".parse().unwrap()),
            ThrottleKey::admin_reset(id),
            ThrottleKey::new_addresses_by_admin(id),
            ThrottleKey::new_addresses_in_company(id),
        ];
        let spellings: Vec<_> = keys.iter().map(ThrottleKey::as_str).collect();
        assert_eq!(
            spellings,
            [
                "login:account:7b0b8a5e-2d1c-4f3a-9e6b-5c4d3e2f1a0b",
                "login:unknown:24d4b96f58da6d4a8512313bbd02a28ebf0ca95dec6e4c86ef78ce7f01e788ac",
                "login:client:2001:db8::7",
                "reset:email:adc0b96b624989219dc9b5fef74eb5ec1e091eeaca97a6b7af1803b547d62b4e",
                "reset:client:192.0.2.7",
                "admin_reset:user:7b0b8a5e-2d1c-4f3a-9e6b-5c4d3e2f1a0b",
                "new_address:admin:7b0b8a5e-2d1c-4f3a-9e6b-5c4d3e2f1a0b",
                "new_address:company:7b0b8a5e-2d1c-4f3a-9e6b-5c4d3e2f1a0b",
            ]
        );
    }

    #[tokio::test]
    async fn reservations_stop_at_the_allowance_and_let_one_through_after_each_block() {
        let db = db::connect("sqlite::memory:").await.unwrap();
        db::migrate(&db).await.unwrap();
        let key = ThrottleKey::login_unknown("ana");
        let t0 = Utc::now();

        for n in 1..=LIMIT.free_failures {
            assert!(
                reserve(&db, &key, LIMIT, t0).await.unwrap().is_ok(),
                "check {n}"
            );
        }
        let refused = reserve(&db, &key, LIMIT, t0).await.unwrap();
        assert_eq!(
            refused,
            Err(t0 + Duration::seconds(30)),
            "the last free one blocked"
        );

        // Once the block lifts, one check goes through and doubles it.
        let later = t0 + Duration::seconds(31);
        assert!(reserve(&db, &key, LIMIT, later).await.unwrap().is_ok());
        assert_eq!(
            reserve(&db, &key, LIMIT, later).await.unwrap(),
            Err(later + Duration::seconds(60))
        );

        // A check that was no failure is given back; the block it started goes with it.
        let office = ThrottleKey::login_unknown("office");
        for _ in 0..LIMIT.free_failures {
            reserve(&db, &office, LIMIT, t0).await.unwrap().unwrap();
        }
        refund(&db, &office, LIMIT, t0).await.unwrap();
        assert!(reserve(&db, &office, LIMIT, t0).await.unwrap().is_ok());
    }

    #[tokio::test]
    async fn failures_are_counted_blocked_and_forgotten() {
        let db = db::connect("sqlite::memory:").await.unwrap();
        db::migrate(&db).await.unwrap();
        let t0 = Utc::now();
        let k = &ThrottleKey::login_unknown("k");

        for _ in 0..3 {
            assert_eq!(record_failure(&db, k, LIMIT, t0).await.unwrap(), None);
        }
        let until = record_failure(&db, k, LIMIT, t0).await.unwrap().unwrap();
        assert_eq!(until, t0 + Duration::seconds(30));
        assert_eq!(blocked_until(&db, k, t0).await.unwrap(), Some(until));
        assert_eq!(
            blocked_until(&db, k, until).await.unwrap(),
            None,
            "lifts on time"
        );

        // After the window, counting starts afresh.
        let later = t0 + Duration::hours(2);
        assert_eq!(record_failure(&db, k, LIMIT, later).await.unwrap(), None);

        clear(&db, k).await.unwrap();
        assert_eq!(blocked_until(&db, k, later).await.unwrap(), None);
    }
}
