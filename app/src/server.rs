//! Server-only glue between server functions and `latch-core`: what the server provides to
//! every request, and helpers to reach it from a server function.

use std::net::IpAddr;

use latch_core::auth::LoginPolicy;
use latch_core::password_hash::Hasher;
use latch_core::password_reset::ResetPolicy;
use latch_core::secret_token::SecretToken;
use latch_core::sessions::SessionUser;
use leptos::prelude::*;
use leptos_axum::ResponseOptions;
use sea_orm::DatabaseConnection;

use crate::error::AppError;

/// Long-lived services, provided to every server function and page render.
#[derive(Clone)]
pub struct ServerContext {
    pub db: DatabaseConnection,
    pub hasher: Hasher,
    pub login_policy: LoginPolicy,
    pub reset_policy: ResetPolicy,
    pub password_policy: latch_domain::PasswordPolicy,
    pub admin_policy: latch_core::admin::AdminPolicy,
    /// Base of every emailed link (never the request's Host header).
    pub public_url: url::Url,
    /// Cookies get `Secure` (and the `__Host-` prefix) when the public URL is https.
    pub secure_cookies: bool,
    pub metrics: latch_core::metrics::Metrics,
}

/// What the server's middleware learned about this request before the app saw it.
#[derive(Clone, Debug, Default)]
pub struct RequestInfo {
    pub client_ip: Option<IpAddr>,
    pub session: Option<SessionUser>,
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

pub fn server_context() -> Result<ServerContext, AppError> {
    use_context::<ServerContext>()
        .ok_or_else(|| unexpected(anyhow::anyhow!("no ServerContext in context")))
}

pub fn request_info() -> RequestInfo {
    use_context::<http::request::Parts>()
        .and_then(|parts| parts.extensions.get::<RequestInfo>().cloned())
        .unwrap_or_default()
}

/// The supported language this request's browser prefers (`Accept-Language`), if any.
pub fn browser_locale() -> Option<latch_i18n::Locale> {
    use_context::<http::request::Parts>()
        .and_then(|parts| parts.headers.get(http::header::ACCEPT_LANGUAGE).cloned())
        .and_then(|value| {
            value
                .to_str()
                .ok()
                .and_then(latch_i18n::from_accept_language)
        })
}

/// Whether this request is a plain HTML form post (JavaScript off): such a request gets a
/// redirect back to its page, so it must not receive an error status instead.
pub fn is_plain_form_post() -> bool {
    use_context::<http::request::Parts>()
        .and_then(|parts| parts.headers.get(http::header::ACCEPT).cloned())
        .and_then(|accept| accept.to_str().ok().map(|a| a.contains("text/html")))
        .unwrap_or(false)
}

/// Sets the error status for script clients (a plain form post is redirected back instead).
pub fn set_error_status(status: http::StatusCode) {
    if let (false, Some(response)) = (is_plain_form_post(), use_context::<ResponseOptions>()) {
        response.set_status(status);
    }
}

/// Like [`set_error_status`], with a `Retry-After` header.
pub fn retry_later(status: http::StatusCode, retry_after_secs: u64) {
    if let (false, Some(response)) = (is_plain_form_post(), use_context::<ResponseOptions>()) {
        response.set_status(status);
        response.insert_header(
            http::header::RETRY_AFTER,
            http::HeaderValue::from(retry_after_secs),
        );
    }
}

/// Without JavaScript, a failed form post must land back on its form with the error, where
/// the page's `ServerAction` picks it up from the query. Leptos would return to the `Referer`,
/// which our `Referrer-Policy: no-referrer` withholds, so the server function names its page.
pub fn return_to_form_with_error(page: &str, server_fn_path: &str, err: &AppError) {
    use leptos::server_fn::error::ServerFnUrlError;
    if !is_plain_form_post() {
        return;
    }
    let Ok(url) = ServerFnUrlError::new(server_fn_path, err.clone())
        .to_url(&format!("http://latch.invalid{page}"))
    else {
        return;
    };
    let location = match url.query() {
        Some(query) => format!("{}?{query}", url.path()),
        None => url.path().to_owned(),
    };
    if let (Some(response), Ok(value)) = (
        use_context::<ResponseOptions>(),
        http::HeaderValue::from_str(&location),
    ) {
        response.insert_header(http::header::LOCATION, value);
    }
}

/// The signed-in admin behind this request, or the refusal to send back (401 signed out,
/// 403 not an admin).
pub fn require_admin() -> Result<latch_core::admin::Admin, AppError> {
    let Some(session) = request_info().session else {
        set_error_status(http::StatusCode::UNAUTHORIZED);
        return Err(AppError::NotSignedIn);
    };
    latch_core::admin::Admin::from_session(&session).map_err(|_| {
        set_error_status(http::StatusCode::FORBIDDEN);
        AppError::NotAdmin
    })
}

/// Logs an unexpected failure once, with its context, and hides it from the browser. When the
/// cause is that the database cannot be reached, the answer is 503 "try again shortly"
/// instead: that is not a bug, and it passes by itself.
pub fn unexpected(err: impl Into<anyhow::Error>) -> AppError {
    let err = err.into();
    if latch_core::db::is_unreachable(err.as_ref()) {
        tracing::warn!("database unreachable: {err:#}");
        retry_later(
            http::StatusCode::SERVICE_UNAVAILABLE,
            DATABASE_RETRY_AFTER_SECS,
        );
        return AppError::Unavailable;
    }
    tracing::error!("{err:#}");
    AppError::Unexpected
}

/// `Retry-After` when the database is unreachable: long enough for a restart or failover.
pub const DATABASE_RETRY_AFTER_SECS: u64 = 5;

/// Session cookie name: with `Secure`, the `__Host-` prefix also pins it to this host and `/`.
pub fn session_cookie_name(secure: bool) -> &'static str {
    if secure {
        "__Host-latch_session"
    } else {
        "latch_session"
    }
}

/// The session token presented in the request's `Cookie` header, if any.
pub fn session_cookie_value(headers: &http::HeaderMap, secure: bool) -> Option<&str> {
    cookie_value(headers, session_cookie_name(secure))
}

/// Holds a reset token between opening the emailed link and submitting the form, so the token
/// leaves the address bar (and can never leak through history or `Referer`).
pub fn reset_cookie_name(secure: bool) -> &'static str {
    if secure {
        "__Host-latch_reset"
    } else {
        "latch_reset"
    }
}

pub fn reset_token_from_cookie(secure: bool) -> Option<SecretToken> {
    let parts = use_context::<http::request::Parts>()?;
    cookie_value(&parts.headers, reset_cookie_name(secure)).and_then(SecretToken::from_presented)
}

/// The `Set-Cookie` value that stores a reset token for an hour at most.
pub fn reset_cookie(token: &str, secure: bool) -> String {
    cookie(reset_cookie_name(secure), token, Some(3600), secure)
}

pub fn clear_reset_cookie(secure: bool) {
    append_cookie(&cookie(reset_cookie_name(secure), "", Some(0), secure));
}

fn cookie_value<'a>(headers: &'a http::HeaderMap, name: &str) -> Option<&'a str> {
    headers
        .get_all(http::header::COOKIE)
        .iter()
        .filter_map(|value| value.to_str().ok())
        .flat_map(|value| value.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(key, _)| *key == name)
        .map(|(_, value)| value)
}

pub fn set_session_cookie(token: &str, secure: bool) {
    append_cookie(&cookie(session_cookie_name(secure), token, None, secure));
}

pub fn clear_session_cookie(secure: bool) {
    append_cookie(&cookie(session_cookie_name(secure), "", Some(0), secure));
}

/// Every cookie Latch sets: whole site, script-proof, not sent on cross-site sub-requests,
/// `Secure` over https. `max_age`: `None` ends with the browser session, `Some(0)` deletes.
fn cookie(name: &str, value: &str, max_age: Option<u32>, secure: bool) -> String {
    let max_age = max_age
        .map(|secs| format!("; Max-Age={secs}"))
        .unwrap_or_default();
    let secure = if secure { "; Secure" } else { "" };
    format!("{name}={value}; Path=/; HttpOnly; SameSite=Lax{max_age}{secure}")
}

fn append_cookie(cookie: &str) {
    if let (Some(response), Ok(value)) = (
        use_context::<ResponseOptions>(),
        http::HeaderValue::from_str(cookie),
    ) {
        response.append_header(http::header::SET_COOKIE, value);
    }
}
