//! Latch's one integration-test binary: each test starts a real Latch (HTTP on 127.0.0.1:0,
//! its own fresh database, a real SMTP server on loopback) via [`helpers::spawn_app`].
//!
//! SQLite by default; set `TEST_DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres` to run
//! the same tests on PostgreSQL (each test creates its own database and drops it).

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod admin;
mod admin_search;
mod admin_takeover;
mod binary;
mod change_password;
mod cli;
mod devices;
mod forward_auth;
mod helpers;
mod identity_token;
mod languages;
mod limits;
mod links_at_rest;
mod login;
mod login_attacks;
mod mail;
mod operations;
mod outbox;
mod pages;
mod passkeys;
mod password_reset;
mod resilience;
mod return_to_app;
mod schema;
mod time_zones;
mod two_factor;
mod webhooks;
