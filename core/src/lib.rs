//! Latch's server-side services. Everything here runs on the server only; the browser never
//! compiles this crate (it pulls in sea-orm, argon2 and lettre).

pub mod accounts;
pub mod admin;
pub mod audit;
pub mod auth;
pub mod db;
pub mod devices;
pub mod entities;
pub mod forward_auth;
mod hashing_threads;
pub mod identity_token;
pub mod known_device;
pub mod mail;
pub mod metrics;
pub mod migration;
pub mod outbox;
pub mod password_change;
pub mod password_hash;
pub mod password_policy;
pub mod password_reset;
pub mod policies;
pub mod preferences;
pub mod profile;
pub mod prune;
pub mod reauth;
pub mod return_targets;
pub mod secret_token;
pub mod server_key;
pub mod services;
pub mod sessions;
#[cfg(test)]
mod testing;
pub mod throttle;
pub mod time_zone;
pub mod two_factor;
pub mod webhooks;

pub use services::Services;
