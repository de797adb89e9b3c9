//! Connecting to the database (SQLite file or PostgreSQL) and bringing its schema up to date.

use sea_orm::{
    ConnectOptions, ConnectionTrait, Database, DatabaseConnection, DatabaseTransaction, DbBackend,
    DbErr, SqliteTransactionMode, TransactionOptions, TransactionTrait,
};
use sea_orm_migration::MigratorTrait;

use crate::migration::Migrator;

/// Opens a connection pool. SQLite files are switched to write-ahead logging, so readers are
/// not blocked while the outbox worker or a login writes.
pub async fn connect(url: &str) -> Result<DatabaseConnection, DbErr> {
    let mut options = ConnectOptions::new(url);
    options.sqlx_logging(false);
    // A request waits at most this long for a connection, then fails instead of hanging.
    options.acquire_timeout(std::time::Duration::from_secs(5));
    // A SQLite connection is a file handle: it cannot go stale the way a network connection
    // can, so the ping sqlx sends before handing one out is a wasted round trip to its worker
    // thread on every statement (a third of `/auth/verify`'s). PostgreSQL keeps the ping, which
    // is how a pool recovers after the server restarts.
    if url.starts_with("sqlite:") {
        options.test_before_acquire(false);
    }
    let db = Database::connect(options).await?;
    if db.get_database_backend() == DbBackend::Sqlite && !url.contains(":memory:") {
        db.execute_unprepared("PRAGMA journal_mode = WAL").await?;
    }
    Ok(db)
}

/// Starts a transaction that will write. On SQLite it takes the write lock at once (`BEGIN
/// IMMEDIATE`), so it waits for another writer (up to the busy timeout) instead of failing:
/// a deferred transaction that reads first and writes later fails at once with "database is
/// locked" (SQLITE_BUSY_SNAPSHOT) when another connection wrote in between, as the server's
/// outbox worker may while the CLI adds a user. PostgreSQL: an ordinary transaction.
pub async fn begin_write(db: &DatabaseConnection) -> Result<DatabaseTransaction, DbErr> {
    if db.get_database_backend() != DbBackend::Sqlite {
        return db.begin().await;
    }
    let options = TransactionOptions {
        sqlite_transaction_mode: Some(SqliteTransactionMode::Immediate),
        ..TransactionOptions::default()
    };
    db.begin_with_options(options).await
}

/// Applies every migration not yet applied. Safe to run on every start and from several
/// instances: applied migrations are recorded in `seaql_migrations`.
pub async fn migrate(db: &DatabaseConnection) -> Result<(), DbErr> {
    Migrator::up(db, None).await
}

/// True when no company exists yet: a fresh installation that needs `latch company add`.
pub async fn is_empty(db: &DatabaseConnection) -> Result<bool, DbErr> {
    use sea_orm::{EntityTrait, PaginatorTrait};
    Ok(crate::entities::company::Entity::find().count(db).await? == 0)
}

/// Migrations this binary knows but the database has not applied (0 when the schema is
/// current). Read-only: never creates the migrations table.
pub async fn pending_migrations(db: &DatabaseConnection) -> Result<usize, DbErr> {
    Ok(Migrator::get_pending_migrations_read_only(db).await?.len())
}

/// True when `err` (or anything it wraps) says the database could not be reached: no
/// connection available, the connection broke, or the server is shutting down or starting.
/// Such a request deserves "try again shortly" (503), not "something went wrong" (500).
pub fn is_unreachable(err: &(dyn std::error::Error + 'static)) -> bool {
    use sea_orm::RuntimeErr;
    let mut current = Some(err);
    while let Some(err) = current {
        let unreachable = match (
            err.downcast_ref::<DbErr>(),
            err.downcast_ref::<RuntimeErr>(),
            err.downcast_ref::<sea_orm::sqlx::Error>(),
        ) {
            (Some(DbErr::ConnectionAcquire(_) | DbErr::Conn(_)), _, _) => true,
            (
                Some(
                    DbErr::Exec(RuntimeErr::SqlxError(sqlx))
                    | DbErr::Query(RuntimeErr::SqlxError(sqlx)),
                ),
                _,
                _,
            )
            | (_, Some(RuntimeErr::SqlxError(sqlx)), _) => connection_lost(sqlx),
            (_, _, Some(sqlx)) => connection_lost(sqlx),
            _ => false,
        };
        if unreachable {
            return true;
        }
        current = err.source();
    }
    false
}

fn connection_lost(err: &sea_orm::sqlx::Error) -> bool {
    use sea_orm::sqlx::Error;
    match err {
        Error::Io(_)
        | Error::Tls(_)
        | Error::PoolTimedOut
        | Error::PoolClosed
        | Error::WorkerCrashed => true,
        // SQLSTATE class 08: connection exception; 57P01–57P03: the server is shutting down or
        // not yet accepting connections.
        Error::Database(db_err) => {
            let code = db_err.code().unwrap_or_default();
            code.starts_with("08") || code.starts_with("57P0")
        }
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn a_refused_connection_is_unreachable_and_a_bad_query_is_not() {
        // Nothing listens on port 1: the connection is refused at once.
        let mut options = ConnectOptions::new("postgres://latch@127.0.0.1:1/latch");
        options.acquire_timeout(std::time::Duration::from_millis(500));
        let refused = Database::connect(options).await.unwrap_err();
        let db = connect("sqlite::memory:").await.unwrap();
        let bad_query = db
            .execute_unprepared("SELECT * FROM no_such_table")
            .await
            .unwrap_err();

        assert!(is_unreachable(&refused), "{refused:?}");
        let wrapped = anyhow::Error::new(refused).context("logging in");
        assert!(is_unreachable(wrapped.as_ref()));
        assert!(!is_unreachable(&bad_query), "{bad_query:?}");
    }

    #[tokio::test]
    async fn a_migrated_database_has_no_pending_migrations() {
        let db = connect("sqlite::memory:").await.unwrap();
        assert!(pending_migrations(&db).await.unwrap() > 0);

        migrate(&db).await.unwrap();

        assert_eq!(pending_migrations(&db).await.unwrap(), 0);
    }

    /// `.cargo/config.toml` builds the bundled SQLite with the query planner stability
    /// guarantee; without it every statement with a bound `LIMIT ?` (each `.one()`) is
    /// prepared again on every run instead of coming from the statement cache.
    #[tokio::test]
    async fn sqlite_plans_never_depend_on_bound_values() {
        use sea_orm::Statement;
        let db = connect("sqlite::memory:").await.unwrap();
        let row = db
            .query_one_raw(Statement::from_string(
                DbBackend::Sqlite,
                "SELECT sqlite_compileoption_used('ENABLE_QPSG') AS used",
            ))
            .await
            .unwrap()
            .unwrap();
        let used: i32 = row.try_get("", "used").unwrap();
        assert_eq!(used, 1, "SQLite was built without SQLITE_ENABLE_QPSG");
    }

    /// Two processes on one SQLite file (the CLI beside `latch serve`): a transaction that
    /// reads, then writes after the other wrote, must wait for the lock, not fail.
    #[tokio::test]
    async fn a_write_transaction_on_sqlite_waits_for_another_writer_instead_of_failing() {
        let dir = std::env::temp_dir().join(format!("latch-db-test-{}", uuid::Uuid::new_v4()));
        std::fs::create_dir_all(&dir).unwrap();
        let url = format!("sqlite://{}?mode=rwc", dir.join("latch.db").display());
        let cli = connect(&url).await.unwrap();
        let server = connect(&url).await.unwrap();
        cli.execute_unprepared("CREATE TABLE t (n INTEGER)")
            .await
            .unwrap();
        // Deferred (sea-orm's `begin`): the other connection's write in between breaks it.
        let deferred = cli.begin().await.unwrap();
        deferred
            .execute_unprepared("SELECT count(*) FROM t")
            .await
            .unwrap();
        server
            .execute_unprepared("INSERT INTO t VALUES (0)")
            .await
            .unwrap();
        let broken = deferred
            .execute_unprepared("INSERT INTO t VALUES (1)")
            .await;
        assert!(broken.is_err(), "expected SQLITE_BUSY_SNAPSHOT");
        drop(deferred);

        // `begin_write`: the other writer waits for the lock and both succeed.
        let immediate = begin_write(&cli).await.unwrap();
        immediate
            .execute_unprepared("SELECT count(*) FROM t")
            .await
            .unwrap();
        let waiting = tokio::spawn(async move {
            server
                .execute_unprepared("INSERT INTO t VALUES (2)")
                .await
                .map(drop)
        });
        tokio::time::sleep(std::time::Duration::from_millis(200)).await;
        immediate
            .execute_unprepared("INSERT INTO t VALUES (1)")
            .await
            .unwrap();
        immediate.commit().await.unwrap();
        waiting.await.unwrap().unwrap();
        let _ = std::fs::remove_dir_all(&dir);
    }
}
