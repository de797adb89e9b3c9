//! Connecting to the database (SQLite file or PostgreSQL) and bringing its schema up to date.

use sea_orm::{ConnectOptions, ConnectionTrait, Database, DatabaseConnection, DbBackend, DbErr};
use sea_orm_migration::MigratorTrait;

use crate::migration::Migrator;

/// Opens a connection pool. SQLite files are switched to write-ahead logging, so readers are
/// not blocked while the outbox worker or a login writes.
pub async fn connect(url: &str) -> Result<DatabaseConnection, DbErr> {
    let mut options = ConnectOptions::new(url);
    options.sqlx_logging(false);
    // A request waits at most this long for a connection, then fails instead of hanging.
    options.acquire_timeout(std::time::Duration::from_secs(5));
    let db = Database::connect(options).await?;
    if db.get_database_backend() == DbBackend::Sqlite && !url.contains(":memory:") {
        db.execute_unprepared("PRAGMA journal_mode = WAL").await?;
    }
    Ok(db)
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
