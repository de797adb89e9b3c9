//! The `latch` binary's pieces, as a library so the integration tests can start a real server.

pub mod bench;
pub mod cli;
pub mod client_ip;
pub mod commands;
pub mod database;
pub mod forward_auth;
pub mod middleware;
pub mod operations;
pub mod settings;
pub mod site;
pub mod startup;
pub mod state;
pub mod telemetry;
