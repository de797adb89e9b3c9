//! What every request handler and middleware can reach, in one value the router holds.

use std::ops::Deref;
use std::sync::Arc;

use axum::extract::FromRef;
use latch_core::Services;
use latch_core::mail::Mailer;
use leptos::config::LeptosOptions;

use crate::settings::Settings;

/// What every request handler and server function can reach. Each middleware layer and each
/// route holds a copy, and a request passes through many of them, so a copy is one reference
/// count, not a copy of every field. Fields are named at each use (`state.services.db`,
/// `state.settings.public_url`) so a reader sees where a value lives.
#[derive(Clone)]
pub struct AppState(Arc<Shared>);

pub struct Shared {
    pub leptos_options: LeptosOptions,
    /// Shared with every page's and server function's context (`latch_app::server::Call`).
    pub services: Arc<Services>,
    pub mailer: Mailer,
    /// Where the outbox posts webhook events (`LATCH_WEBHOOK_URL`), if anywhere.
    pub webhook_endpoint: Option<latch_core::webhooks::Endpoint>,
    pub settings: Arc<Settings>,
}

impl AppState {
    pub fn new(shared: Shared) -> Self {
        Self(Arc::new(shared))
    }
}

impl Deref for AppState {
    type Target = Shared;

    fn deref(&self) -> &Shared {
        &self.0
    }
}

/// leptos_axum's routes read the site options from the state.
impl FromRef<AppState> for LeptosOptions {
    fn from_ref(state: &AppState) -> Self {
        state.leptos_options.clone()
    }
}
