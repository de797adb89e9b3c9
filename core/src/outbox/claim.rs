//! Claiming due messages so that several workers (on one PostgreSQL) never send the same row at
//! the same time, and recording how each attempt ended.

use anyhow::Context;
use chrono::{DateTime, Duration, Utc};
use sea_orm::{ActiveModelTrait, ConnectionTrait, DbBackend, FromQueryResult, Set, Statement};
use uuid::Uuid;

use super::Status;
use crate::entities::outbox_message;

/// Atomically marks up to `batch` due messages as `sending` by this worker until
/// `now + lease`, and returns them. A message whose sender died is due again once its lease
/// has run out.
///
/// One UPDATE … WHERE id IN (SELECT … LIMIT n) RETURNING statement: on PostgreSQL the
/// sub-select takes `FOR UPDATE SKIP LOCKED`, so concurrent workers pick disjoint rows; SQLite
/// runs each write statement alone, so the statement is atomic there without a lock clause
/// (which SQLite does not have).
pub(super) async fn claim_due(
    db: &impl ConnectionTrait,
    now: DateTime<Utc>,
    lease: Duration,
    batch: u64,
) -> anyhow::Result<Vec<outbox_message::Model>> {
    let backend = db.get_database_backend();
    let lock = if backend == DbBackend::Postgres {
        "FOR UPDATE SKIP LOCKED"
    } else {
        ""
    };
    let sql = format!(
        r#"UPDATE email_outbox
           SET status = 'sending', claimed_until = $2, attempts = attempts + 1, updated_at = $1
           WHERE id IN (
             SELECT id FROM email_outbox
             WHERE (status IN ('queued', 'retrying') AND next_attempt_at <= $1)
                OR (status = 'sending' AND claimed_until <= $1)
             ORDER BY next_attempt_at
             LIMIT $3
             {lock}
           )
           RETURNING *"#
    );
    let statement = Statement::from_sql_and_values(
        backend,
        sql,
        [now.into(), (now + lease).into(), (batch as i64).into()],
    );
    let rows = db
        .query_all_raw(statement)
        .await
        .context("claiming due mail")?;
    rows.iter()
        .map(|row| {
            outbox_message::Model::from_query_result(row, "").context("reading a claimed mail")
        })
        .collect()
}

/// Delivered: keep the record, drop the rendered link.
pub(super) async fn mark_sent(
    db: &impl ConnectionTrait,
    id: Uuid,
    now: DateTime<Utc>,
) -> anyhow::Result<()> {
    update(db, id, now, |row| {
        row.status = Set(Status::Sent.as_str().to_owned());
        row.sent_at = Set(Some(now));
        row.last_error = Set(None);
        row.claimed_until = Set(None);
        row.payload = Set("{}".to_owned());
    })
    .await
}

pub(super) async fn mark_retrying(
    db: &impl ConnectionTrait,
    id: Uuid,
    now: DateTime<Utc>,
    next_attempt_at: DateTime<Utc>,
    error: &str,
) -> anyhow::Result<()> {
    update(db, id, now, |row| {
        row.status = Set(Status::Retrying.as_str().to_owned());
        row.next_attempt_at = Set(next_attempt_at);
        row.last_error = Set(Some(error.to_owned()));
        row.claimed_until = Set(None);
    })
    .await
}

/// Failed for good: keep the reason, drop the rendered link.
pub(super) async fn mark_failed(
    db: &impl ConnectionTrait,
    id: Uuid,
    now: DateTime<Utc>,
    error: &str,
) -> anyhow::Result<()> {
    update(db, id, now, |row| {
        row.status = Set(Status::Failed.as_str().to_owned());
        row.last_error = Set(Some(error.to_owned()));
        row.claimed_until = Set(None);
        row.payload = Set("{}".to_owned());
    })
    .await
}

/// Not sent because its link died first: keep why, drop the payload.
pub(super) async fn mark_discarded(
    db: &impl ConnectionTrait,
    id: Uuid,
    now: DateTime<Utc>,
) -> anyhow::Result<()> {
    update(db, id, now, |row| {
        row.status = Set(Status::Discarded.as_str().to_owned());
        row.last_error = Set(Some(
            "not sent: its link was used, replaced or expired before it could go out".to_owned(),
        ));
        row.claimed_until = Set(None);
        row.payload = Set("{}".to_owned());
    })
    .await
}

/// Hands claimed messages back unsent (this process is stopping): due again at once, for any
/// instance, as if never claimed. Messages already recorded as sent or failed are left alone.
/// Returns how many were released.
pub(super) async fn release(
    db: &impl ConnectionTrait,
    ids: &[Uuid],
    now: DateTime<Utc>,
) -> anyhow::Result<usize> {
    use sea_orm::sea_query::Expr;
    use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
    if ids.is_empty() {
        return Ok(0);
    }
    let result = outbox_message::Entity::update_many()
        .col_expr(
            outbox_message::Column::Status,
            Expr::cust("CASE WHEN attempts > 1 THEN 'retrying' ELSE 'queued' END"),
        )
        .col_expr(outbox_message::Column::Attempts, Expr::cust("attempts - 1"))
        .col_expr(
            outbox_message::Column::ClaimedUntil,
            Expr::value(Option::<DateTime<Utc>>::None),
        )
        .col_expr(outbox_message::Column::NextAttemptAt, Expr::value(now))
        .col_expr(outbox_message::Column::UpdatedAt, Expr::value(now))
        .filter(outbox_message::Column::Id.is_in(ids.iter().copied()))
        .filter(outbox_message::Column::Status.eq(Status::Sending.as_str()))
        .exec(db)
        .await
        .context("releasing claimed mail")?;
    Ok(result.rows_affected as usize)
}

async fn update(
    db: &impl ConnectionTrait,
    id: Uuid,
    now: DateTime<Utc>,
    change: impl FnOnce(&mut outbox_message::ActiveModel),
) -> anyhow::Result<()> {
    let mut row = outbox_message::ActiveModel {
        id: Set(id),
        updated_at: Set(now),
        ..Default::default()
    };
    change(&mut row);
    row.update(db).await.context("recording a mail attempt")?;
    Ok(())
}
