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
use crate::known_device::DeviceId;
use crate::secret_token::sha256_hex;

mod reserve;

pub use reserve::{Reservation, refund, refund_all, reserve, reserve_all};

/// The name of one failure counter, as stored in `rate_limits.key`. The spellings are part of
/// the stored data: changing one would silently reset, or lift the blocks of, every counter of
/// its kind while instances of two versions run side by side. (It happened twice, on purpose:
/// the keys of unknown identifiers and reset addresses became hashes, so the table no longer
/// holds what people typed; then logins were counted per identifier typed and per IPv6 /64,
/// and the Existing password check got its own counter. Those counters restarted at the
/// upgrade.)
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ThrottleKey(String);

impl ThrottleKey {
    /// Password checks of one known account, whichever of its identifiers was typed: its
    /// allowance is that of [`ThrottleKey::login_identifier`] times the two identifiers an
    /// account has, so it never blocks before the identifier's counter would, and a 429 on
    /// one spelling says nothing about another.
    pub fn login_account(user_id: Uuid) -> Self {
        Self(format!("login:account:{user_id}"))
    }

    /// The stand-in for [`ThrottleKey::login_account`] when no account has the identifier
    /// typed: counted the same way, so an unknown identifier costs the same work as a known one.
    pub fn login_account_unknown(identifier: &str) -> Self {
        Self(format!("login:account:unknown:{}", sha256_hex(identifier)))
    }

    /// Logins naming one identifier (trimmed, lowercased), whether an account has it or not:
    /// known and unknown identifiers are counted alike, so the counters reveal nothing about
    /// who exists, nor that a username and an address belong together. The key holds a hash
    /// of what was typed, never the text (a mistyped password in the username field, say).
    pub fn login_identifier(identifier: &str) -> Self {
        Self(format!("login:identifier:{}", sha256_hex(identifier)))
    }

    /// Logins to one account from one browser that has signed in to it before (its
    /// known-device cookie): judged by this counter instead of the account's and the
    /// identifier's, which strangers fill.
    pub fn login_device(device: DeviceId) -> Self {
        Self(format!("login:device:{}", device.as_uuid()))
    }

    /// The "Existing password" checks of Account Settings for one user: that form needs a
    /// session, so it has its own counter, which strangers failing at the login form cannot
    /// fill.
    pub fn existing_password(user_id: Uuid) -> Self {
        Self(format!("password_check:user:{user_id}"))
    }

    /// Password checks from one client network (see [`ClientNetwork`]).
    pub fn login_client(client_ip: IpAddr) -> Self {
        Self(format!("login:client:{}", ClientNetwork::of(client_ip)))
    }

    /// How many different identifiers one client network failed to log in to (credential
    /// stuffing: one client trying many accounts, a few passwords each).
    pub fn login_spray(client_ip: IpAddr) -> Self {
        Self(format!("login:spray:{}", ClientNetwork::of(client_ip)))
    }

    /// One identifier failed from one client network: exists while that pair counts toward
    /// [`ThrottleKey::login_spray`] (a hash of both, never the text).
    pub fn login_pair(client_ip: IpAddr, identifier: &str) -> Self {
        let pair = format!("{}\n{identifier}", ClientNetwork::of(client_ip));
        Self(format!("login:pair:{}", sha256_hex(&pair)))
    }

    /// Failed password checks across every account: the circuit breaker's counter.
    pub fn login_everywhere() -> Self {
        Self("login:everywhere".to_owned())
    }

    /// Forgot Password requests for one address, whether or not an account uses it.
    pub fn reset_address(email: &Email) -> Self {
        Self(format!("reset:email:{}", sha256_hex(&email.key())))
    }

    /// Forgot Password requests from one client network (see [`ClientNetwork`]).
    pub fn reset_client(client_ip: IpAddr) -> Self {
        Self(format!("reset:client:{}", ClientNetwork::of(client_ip)))
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

    /// Wrong codes at the second login step for one account, whatever the client: the
    /// password's numbers, so six digits are no easier to guess than a password.
    pub fn second_step_account(user_id: Uuid) -> Self {
        Self(format!("second_step:account:{user_id}"))
    }

    /// Wrong codes at the second login step from one client network.
    pub fn second_step_client(client_ip: IpAddr) -> Self {
        Self(format!(
            "second_step:client:{}",
            ClientNetwork::of(client_ip)
        ))
    }

    /// The stored spelling.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// What one client is counted as: an IPv4 address, or an IPv6 /64 network. One IPv6 host
/// usually has a whole /64 to itself (every address in it is as cheap as the next), so
/// counting addresses would give it 2^64 fresh allowances; an IPv4-mapped IPv6 address is
/// the IPv4 address it maps.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ClientNetwork(IpAddr);

impl ClientNetwork {
    pub fn of(ip: IpAddr) -> Self {
        match ip {
            IpAddr::V4(v4) => Self(IpAddr::V4(v4)),
            IpAddr::V6(v6) => match v6.to_ipv4_mapped() {
                Some(v4) => Self(IpAddr::V4(v4)),
                None => {
                    let network = u128::from(v6) & !((1u128 << 64) - 1);
                    Self(IpAddr::V6(network.into()))
                }
            },
        }
    }
}

impl std::fmt::Display for ClientNetwork {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self.0 {
            IpAddr::V4(v4) => write!(f, "{v4}"),
            IpAddr::V6(v6) => write!(f, "{v6}/64"),
        }
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

/// Counts a failure for `counter` only if `member` has not failed within `limit`'s window
/// yet: `counter` then counts distinct members (the accounts one client failed at). Returns
/// the block `counter` earned, if any.
pub async fn record_distinct_failure(
    db: &impl ConnectionTrait,
    counter: &ThrottleKey,
    member: &ThrottleKey,
    limit: Limit,
    now: DateTime<Utc>,
) -> anyhow::Result<Option<DateTime<Utc>>> {
    // A member row is (re)started only when it is new or its window is over; otherwise the
    // upsert's WHERE skips it and nothing is returned (on SQLite as on PostgreSQL).
    let mark_member = Statement::from_sql_and_values(
        db.get_database_backend(),
        r#"INSERT INTO rate_limits (key, window_started_at, count, blocked_until, updated_at)
           VALUES ($1, $2, 1, NULL, $2)
           ON CONFLICT (key) DO UPDATE SET
             window_started_at = excluded.window_started_at,
             updated_at = excluded.updated_at
           WHERE rate_limits.window_started_at <= $3
           RETURNING count"#,
        [
            member.as_str().into(),
            now.into(),
            (now - limit.window).into(),
        ],
    );
    let first_in_window = db
        .query_one_raw(mark_member)
        .await
        .context("marking a distinct failure")?
        .is_some();
    if !first_in_window {
        return blocked_until(db, counter, now).await;
    }
    record_failure(db, counter, limit, now).await
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
            ThrottleKey::login_identifier("ana"),
            ThrottleKey::login_client(ip),
            ThrottleKey::reset_address(&email),
            ThrottleKey::reset_client("192.0.2.7".parse().unwrap()),
            ThrottleKey::admin_reset(id),
            ThrottleKey::existing_password(id),
            ThrottleKey::login_spray(ip),
            ThrottleKey::login_everywhere(),
            ThrottleKey::new_addresses_by_admin(id),
            ThrottleKey::new_addresses_in_company(id),
        ];
        let spellings: Vec<_> = keys.iter().map(ThrottleKey::as_str).collect();
        assert_eq!(
            spellings,
            [
                "login:account:7b0b8a5e-2d1c-4f3a-9e6b-5c4d3e2f1a0b",
                "login:identifier:24d4b96f58da6d4a8512313bbd02a28ebf0ca95dec6e4c86ef78ce7f01e788ac",
                "login:client:2001:db8::/64",
                "reset:email:adc0b96b624989219dc9b5fef74eb5ec1e091eeaca97a6b7af1803b547d62b4e",
                "reset:client:192.0.2.7",
                "admin_reset:user:7b0b8a5e-2d1c-4f3a-9e6b-5c4d3e2f1a0b",
                "password_check:user:7b0b8a5e-2d1c-4f3a-9e6b-5c4d3e2f1a0b",
                "login:spray:2001:db8::/64",
                "login:everywhere",
                "new_address:admin:7b0b8a5e-2d1c-4f3a-9e6b-5c4d3e2f1a0b",
                "new_address:company:7b0b8a5e-2d1c-4f3a-9e6b-5c4d3e2f1a0b",
            ]
        );
    }

    #[test]
    fn clients_are_counted_by_ipv4_address_or_ipv6_slash_64() {
        let network = |ip: &str| ClientNetwork::of(ip.parse().unwrap()).to_string();
        assert_eq!(network("192.0.2.7"), "192.0.2.7");
        assert_eq!(network("::ffff:192.0.2.7"), "192.0.2.7");
        assert_eq!(network("2001:db8:1:2:aaaa::1"), "2001:db8:1:2::/64");
        assert_eq!(
            network("2001:db8:1:2:ffff:ffff:ffff:ffff"),
            network("2001:db8:1:2::"),
            "one /64, one client"
        );
        assert_ne!(network("2001:db8:1:2::1"), network("2001:db8:1:3::1"));
    }

    #[tokio::test]
    async fn reservations_stop_at_the_allowance_and_let_one_through_after_each_block() {
        let db = db::connect("sqlite::memory:").await.unwrap();
        db::migrate(&db).await.unwrap();
        let key = ThrottleKey::login_identifier("ana");
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
        let office = ThrottleKey::login_identifier("office");
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
        let k = &ThrottleKey::login_identifier("k");

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
