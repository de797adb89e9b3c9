//! Counting an attempt before its work is done, so concurrency cannot outrun the counter.

use anyhow::Context;
use chrono::{DateTime, Utc};
use sea_orm::{
    ActiveModelTrait, ConnectionTrait, DatabaseConnection, FromQueryResult, Set, Statement,
    TransactionTrait,
};

use super::{Limit, ThrottleKey};
use crate::entities::rate_limit;

/// Counts one attempt for `key` *before* its work (a password hash) is done, and refuses it
/// while `key` is blocked: of any number of concurrent attempts, at most the free allowance
/// get through before the block starts. The attempt that reaches the allowance starts the
/// block as it is granted, and is the last one checked; after the block lifts, one attempt at
/// a time is granted, each doubling the block. So a guesser is held to the allowance, and the
/// owner still gets a try after every block. A success should [`super::clear`] the key, or
/// [`refund`] its attempt. `Err(retry_at)`: refused until then.
pub async fn reserve(
    db: &DatabaseConnection,
    key: &ThrottleKey,
    limit: Limit,
    now: DateTime<Utc>,
) -> anyhow::Result<Result<(), DateTime<Utc>>> {
    let txn = db.begin().await.context("starting a reservation")?;
    let row = locked_row(&txn, key, now).await?;
    if let Some(until) = row.blocked_until.filter(|until| *until > now) {
        txn.commit().await.context("ending a refused reservation")?;
        return Ok(Err(until));
    }
    let (count, window_started_at) = if row.window_started_at <= now - limit.window {
        (1, now)
    } else {
        (row.count + 1, row.window_started_at)
    };
    let mut updated: rate_limit::ActiveModel = row.into();
    updated.count = Set(count);
    updated.window_started_at = Set(window_started_at);
    if let Some(block) = limit.block_after(count + 1) {
        updated.blocked_until = Set(Some(now + block));
    }
    updated.updated_at = Set(now);
    updated.update(&txn).await.context("counting an attempt")?;
    txn.commit().await.context("committing a reservation")?;
    Ok(Ok(()))
}

/// Gives back an attempt [`reserve`] counted but that turned out not to be a failure (a
/// successful login from a shared address, or one the server could not check), lifting the
/// block it started.
pub async fn refund(
    db: &DatabaseConnection,
    key: &ThrottleKey,
    limit: Limit,
    now: DateTime<Utc>,
) -> anyhow::Result<()> {
    let txn = db.begin().await.context("starting a refund")?;
    let row = locked_row(&txn, key, now).await?;
    let count = (row.count - 1).max(0);
    let mut updated: rate_limit::ActiveModel = row.into();
    updated.count = Set(count);
    if limit.block_after(count + 1).is_none() {
        updated.blocked_until = Set(None);
    }
    updated.update(&txn).await.context("refunding an attempt")?;
    txn.commit().await.context("committing a refund")?;
    Ok(())
}

/// `key`'s counter row, created if need be, and locked until the transaction ends: one
/// upsert whose update changes nothing holds the row on PostgreSQL and the write lock on
/// SQLite, so reservations of one key take turns and each sees the count the one before it
/// left. One statement, not an insert then a lock: a counter deleted in between (a success
/// clearing it) would leave nothing to lock, where the upsert simply creates it again.
async fn locked_row(
    txn: &impl ConnectionTrait,
    key: &ThrottleKey,
    now: DateTime<Utc>,
) -> anyhow::Result<rate_limit::Model> {
    let create_or_lock = Statement::from_sql_and_values(
        txn.get_database_backend(),
        r#"INSERT INTO rate_limits (key, window_started_at, count, blocked_until, updated_at)
           VALUES ($1, $2, 0, NULL, $2)
           ON CONFLICT (key) DO UPDATE SET count = rate_limits.count
           RETURNING key, window_started_at, count, blocked_until, updated_at"#,
        [key.as_str().into(), now.into()],
    );
    let row = txn
        .query_one_raw(create_or_lock)
        .await
        .context("locking a counter")?
        .context("the counter upsert returned no row")?;
    rate_limit::Model::from_query_result(&row, "").context("reading a counter")
}

/// One counter an attempt is reserved on, and its numbers.
pub type Reservation = (ThrottleKey, Limit);

/// [`reserve`]s one attempt on each counter, in order: `Err(retry_at)` as soon as one is
/// blocked, after giving back what the ones before it counted.
pub async fn reserve_all(
    db: &DatabaseConnection,
    counters: &[Reservation],
    now: DateTime<Utc>,
) -> anyhow::Result<Result<(), DateTime<Utc>>> {
    for (reserved, (key, limit)) in counters.iter().enumerate() {
        if let Err(retry_at) = reserve(db, key, *limit, now).await? {
            refund_all(db, &counters[..reserved], now).await?;
            return Ok(Err(retry_at));
        }
    }
    Ok(Ok(()))
}

/// Gives back what [`reserve_all`] counted, for a check that was no failure.
pub async fn refund_all(
    db: &DatabaseConnection,
    counters: &[Reservation],
    now: DateTime<Utc>,
) -> anyhow::Result<()> {
    for (key, limit) in counters {
        refund(db, key, *limit, now).await?;
    }
    Ok(())
}
