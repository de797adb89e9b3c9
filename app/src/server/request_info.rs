use std::net::IpAddr;
use std::sync::Arc;

use latch_core::sessions::SessionUser;
use leptos::prelude::with_context;

/// What the server's middleware learned about this request before the app saw it.
#[derive(Clone, Debug, Default)]
pub struct RequestInfo {
    pub client_ip: Option<IpAddr>,
    /// Shared: every server function a page calls holds a copy of this.
    pub session: Option<Arc<SessionUser>>,
    /// The language this request is answered in.
    pub locale: latch_i18n::Locale,
    /// The time zone times are shown in: the user's choice, else their company's default,
    /// else UTC.
    pub time_zone: latch_core::time_zone::TimeZone,
}

impl RequestInfo {
    /// `at` as this request's reader reads it, in their language and time zone (e.g. "29
    /// November 2026, 18:05 WIB").
    pub fn local_time(&self, at: chrono::DateTime<chrono::Utc>) -> String {
        self.time_zone.format(at, self.locale)
    }
}

/// This request's [`RequestInfo`] (the default outside a request, e.g. in unit tests).
pub fn request_info() -> RequestInfo {
    with_context(|parts: &http::request::Parts| parts.extensions.get::<RequestInfo>().cloned())
        .flatten()
        .unwrap_or_default()
}
