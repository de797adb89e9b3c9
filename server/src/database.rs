//! Opening the database the server and every CLI command work on.

use anyhow::Context;
use latch_core::db;
use sea_orm::DatabaseConnection;
use secrecy::ExposeSecret;

use crate::settings::Settings;

/// Connects to `LATCH_DATABASE_URL` and applies pending migrations, so every caller sees the
/// schema this binary expects.
pub async fn open(settings: &Settings) -> anyhow::Result<DatabaseConnection> {
    let db = db::connect(settings.database_url.expose_secret())
        .await
        .context("connecting to LATCH_DATABASE_URL")?;
    db::migrate(&db)
        .await
        .context("applying database migrations")?;
    Ok(db)
}
