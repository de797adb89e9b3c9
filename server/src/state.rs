//! What every request handler and middleware can reach, in one value the router holds.

use std::sync::Arc;

use latch_core::Services;
use latch_core::mail::Mailer;
use leptos::config::LeptosOptions;

use crate::settings::Settings;

/// What every request handler and server function can reach. Fields are named at each use
/// (`state.services.db`, `state.settings.public_url`) so a reader sees where a value lives.
#[derive(Clone, axum::extract::FromRef)]
pub struct AppState {
    pub leptos_options: LeptosOptions,
    pub services: Services,
    pub mailer: Mailer,
    /// Where the outbox posts webhook events (`LATCH_WEBHOOK_URL`), if anywhere.
    pub webhook_endpoint: Option<latch_core::webhooks::Endpoint>,
    pub settings: Arc<Settings>,
}
