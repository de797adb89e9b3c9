//! An index for the admin's search, `search_key LIKE '%term%'`, which no B-tree can answer: at
//! 100,000 users every search read every row.
//!
//! PostgreSQL: a trigram GIN index (`pg_trgm`), which the planner uses for that `LIKE` as it is.
//!
//! SQLite: an FTS5 table with the `trigram` tokenizer, which the search asks first (see
//! `admin::list::search`). It holds its own copy of each key next to the user's id rather than
//! pointing at `users` by rowid (external content): `users` has a UUID primary key, so its
//! rowids are not ours to keep, and SQLite documents that `VACUUM` may renumber them, which
//! would silently hide users from the search. Triggers keep the copy in step with `users`.

use sea_orm_migration::prelude::*;
use sea_orm_migration::sea_orm::{ConnectionTrait, DbBackend};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let statements = match manager.get_database_backend() {
            DbBackend::Sqlite => SQLITE_UP,
            DbBackend::Postgres => POSTGRES_UP,
            other => return Err(DbErr::Migration(format!("unsupported database {other:?}"))),
        };
        run(manager, statements).await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let statements = match manager.get_database_backend() {
            DbBackend::Sqlite => SQLITE_DOWN,
            DbBackend::Postgres => POSTGRES_DOWN,
            other => return Err(DbErr::Migration(format!("unsupported database {other:?}"))),
        };
        run(manager, statements).await
    }
}

async fn run(manager: &SchemaManager<'_>, statements: &[&str]) -> Result<(), DbErr> {
    let db = manager.get_connection();
    for statement in statements {
        db.execute_unprepared(statement).await?;
    }
    Ok(())
}

/// Removes `old`'s copy. It is found through the index by its whole key (a key always matches
/// itself) and then by id, instead of reading every row for the id, which is not indexed; a key
/// shorter than a trigram matches nothing, so such a row is looked for by id alone. The
/// condition on the key's length does not depend on the row, so SQLite checks it once.
macro_rules! delete_old_copy {
    () => {
        "DELETE FROM user_search
           WHERE user_search MATCH '\"' || replace(old.search_key, '\"', '\"\"') || '\"'
             AND user_id = old.id;
         DELETE FROM user_search WHERE length(old.search_key) < 3 AND user_id = old.id;"
    };
}

const SQLITE_UP: &[&str] = &[
    "CREATE VIRTUAL TABLE user_search USING fts5(search_key, user_id UNINDEXED, tokenize = 'trigram')",
    "INSERT INTO user_search (search_key, user_id) SELECT search_key, id FROM users",
    "CREATE TRIGGER user_search_insert AFTER INSERT ON users BEGIN
       INSERT INTO user_search (search_key, user_id) VALUES (new.search_key, new.id);
     END",
    concat!(
        "CREATE TRIGGER user_search_update AFTER UPDATE OF search_key, id ON users
           WHEN old.search_key IS NOT new.search_key OR old.id IS NOT new.id BEGIN ",
        delete_old_copy!(),
        " INSERT INTO user_search (search_key, user_id) VALUES (new.search_key, new.id);
         END"
    ),
    concat!(
        "CREATE TRIGGER user_search_delete AFTER DELETE ON users BEGIN ",
        delete_old_copy!(),
        " END"
    ),
];

const SQLITE_DOWN: &[&str] = &[
    "DROP TRIGGER IF EXISTS user_search_delete",
    "DROP TRIGGER IF EXISTS user_search_update",
    "DROP TRIGGER IF EXISTS user_search_insert",
    "DROP TABLE IF EXISTS user_search",
];

const POSTGRES_UP: &[&str] = &[
    // A trusted extension since PostgreSQL 13: a database owner may create it.
    "CREATE EXTENSION IF NOT EXISTS pg_trgm",
    // `fastupdate` would queue new entries in a list every search reads through until the next
    // vacuum (doubling a search's time after a bulk import); users are added rarely enough
    // to pay for their entries at once.
    "CREATE INDEX idx_users_search_key_trgm ON users USING gin (search_key gin_trgm_ops)
       WITH (fastupdate = off)",
    // Without statistics the planner guesses; with them it takes the index for a rare term
    // and still walks the sort order's index for a term most users match.
    "ANALYZE users",
];

/// The extension stays: it may have been there before, and other tables may use it.
const POSTGRES_DOWN: &[&str] = &["DROP INDEX IF EXISTS idx_users_search_key_trgm"];
