//! Latch as it is deployed: real `latch` processes sharing one database, killed with SIGKILL,
//! stopped with SIGTERM, and cut off from PostgreSQL. Every wait is bounded in time and every
//! connection stays on loopback.
//!
//! `kill -9` and SIGTERM need no particular database: those tests run in every suite, on
//! SQLite and on PostgreSQL. Tests that need PostgreSQL (two instances on one database, a
//! database outage) are ignored by the ordinary runs and fail loudly without it; `make soak`
//! (part of `make test`) runs them one at a time:
//! `TEST_DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres cargo test --test api
//! resilience -- --ignored --test-threads=1`.

mod database_outage;
mod process_death;
mod two_instances;

use std::collections::HashSet;
use std::future::Future;
use std::time::Duration;

use latch_core::entities::outbox_message;
use sea_orm::{DatabaseConnection, EntityTrait};
use tokio::time::Instant;
use uuid::Uuid;

use crate::helpers::{SmtpServer, message_id};

async fn outbox_rows(db: &DatabaseConnection) -> Vec<outbox_message::Model> {
    outbox_message::Entity::find().all(db).await.unwrap()
}

/// The outbox row each received mail came from, one entry per mail received (a mail received
/// twice is listed twice). Latch's `Message-ID` is `<row id@public host>`.
fn delivered_ids(smtp: &SmtpServer) -> Vec<Uuid> {
    smtp.received()
        .iter()
        .map(|mail| {
            let header = message_id(&mail.data);
            let id = header
                .split_once('<')
                .and_then(|(_, rest)| rest.split_once('@'))
                .map(|(id, _)| id)
                .unwrap_or_else(|| panic!("no Latch Message-ID in:\n{}", mail.data));
            id.parse().unwrap()
        })
        .collect()
}

/// Waits up to `timeout` until `smtp` has received every one of `ids` at least once; returns
/// what it received by then.
async fn wait_until_delivered(
    smtp: &SmtpServer,
    ids: &HashSet<Uuid>,
    timeout: Duration,
) -> Vec<Uuid> {
    let deadline = Instant::now() + timeout;
    loop {
        let delivered = delivered_ids(smtp);
        let arrived: HashSet<_> = delivered.iter().collect();
        if ids.iter().all(|id| arrived.contains(id)) || Instant::now() >= deadline {
            return delivered;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

/// Waits up to `timeout` until every outbox row is in `status`; true when they all are.
async fn wait_until_all_rows(db: &DatabaseConnection, status: &str, timeout: Duration) -> bool {
    let deadline = Instant::now() + timeout;
    loop {
        if outbox_rows(db).await.iter().all(|row| row.status == status) {
            return true;
        }
        if Instant::now() >= deadline {
            return false;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

/// Ids of the outbox rows in `status`.
async fn ids_in(db: &DatabaseConnection, status: &str) -> HashSet<Uuid> {
    outbox_rows(db)
        .await
        .into_iter()
        .filter(|row| row.status == status)
        .map(|row| row.id)
        .collect()
}

/// Waits up to `timeout` until some outbox row is being sent (claimed by a worker).
async fn wait_until_sending(db: &DatabaseConnection, timeout: Duration) {
    let deadline = Instant::now() + timeout;
    loop {
        if !ids_in(db, "sending").await.is_empty() {
            return;
        }
        assert!(
            Instant::now() < deadline,
            "no mail was claimed within {timeout:?}"
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

/// What a request may take at most, whatever state the database is in: nothing hangs.
const REQUEST_BOUND: Duration = Duration::from_secs(10);

/// Awaits `request`, failing the test if it takes [`REQUEST_BOUND`] or longer.
async fn bounded<T>(what: &str, request: impl Future<Output = T>) -> T {
    tokio::time::timeout(REQUEST_BOUND, request)
        .await
        .unwrap_or_else(|_| panic!("{what} took {REQUEST_BOUND:?} or longer"))
}

/// A fresh database on the PostgreSQL server named by `TEST_DATABASE_URL`. Fails loudly
/// without one: a test about sharing PostgreSQL must not pass on anything else.
async fn postgres_database() -> crate::helpers::TestDatabase {
    let server = std::env::var("TEST_DATABASE_URL").unwrap_or_default();
    assert!(
        server.starts_with("postgres"),
        "this test needs PostgreSQL: run `make soak`, or set \
         TEST_DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres"
    );
    crate::helpers::TestDatabase::create().await
}
