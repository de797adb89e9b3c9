//! Schema migrations. The same migrations run on SQLite and PostgreSQL; never edit one that has
//! shipped, add a new one.

use sea_orm_migration::prelude::*;

mod m20261129_000001_create_schema;
mod m20261129_000002_admin_user_list;
mod m20261129_000003_time_zones;
mod m20261201_000004_drop_session_data;
mod m20261201_000005_admin_reauth_and_email_change;
mod m20261202_000006_outbox_mints_links;
mod m20261202_000007_signing_keys;
mod m20261202_000008_webhook_events;
mod m20261202_000009_session_devices;
mod m20261202_000010_second_factor;
mod m20261202_000011_passkeys;
mod m20261203_000012_user_search_index;

pub struct Migrator;

#[async_trait::async_trait]
impl MigratorTrait for Migrator {
    fn migrations() -> Vec<Box<dyn MigrationTrait>> {
        vec![
            Box::new(m20261129_000001_create_schema::Migration),
            Box::new(m20261129_000002_admin_user_list::Migration),
            Box::new(m20261129_000003_time_zones::Migration),
            Box::new(m20261201_000004_drop_session_data::Migration),
            Box::new(m20261201_000005_admin_reauth_and_email_change::Migration),
            Box::new(m20261202_000006_outbox_mints_links::Migration),
            Box::new(m20261202_000007_signing_keys::Migration),
            Box::new(m20261202_000008_webhook_events::Migration),
            Box::new(m20261202_000009_session_devices::Migration),
            Box::new(m20261202_000010_second_factor::Migration),
            Box::new(m20261202_000011_passkeys::Migration),
            Box::new(m20261203_000012_user_search_index::Migration),
        ]
    }
}
