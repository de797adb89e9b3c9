//! Some addresses only the server (or the proxy in front of it) can answer. Behind a proxy
//! that shares Latch's host with the CRM (Latch's paths to Latch, the rest to the CRM), `/` and
//! any path Latch does not know may be the CRM's: a login's `next=/deals/7`, or the
//! `LATCH_APP_URL` it returns to. The hydrated app reaches them by navigating in the browser
//! (a server function's redirect to the same origin does that), where Latch's router would
//! show its own page instead; a real page load lets the proxy decide.

use std::sync::OnceLock;

use leptos::prelude::*;

/// The address the document was loaded at (later navigation changes `location`, not this).
static LOADED_AT: OnceLock<String> = OnceLock::new();

/// Remembers the address the document was loaded at; called as the app hydrates, before any
/// navigation in the browser.
pub(crate) fn remember_loaded_address() {
    if cfg!(feature = "hydrate") {
        let _ = LOADED_AT.get_or_init(|| window().location().href().unwrap_or_default());
    }
}

/// On a page reached by navigating in the browser, loads the address from the server instead.
/// A page the server itself sent (the address the document was loaded at) stays.
pub(crate) fn load_from_server_when_navigated() {
    let location = leptos_router::hooks::use_location();
    Effect::new(move || {
        let _ = (location.pathname.get(), location.search.get());
        let browser = window().location();
        let Ok(here) = browser.href() else { return };
        if LOADED_AT.get().is_some_and(|loaded| *loaded != here) {
            let _ = browser.reload();
        }
    });
}
