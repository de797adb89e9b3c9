//! The one way a server function starts and ends.
//!
//! A server function also runs inside a page render (a resource calls it directly), where the
//! request's context is certain only until the first `.await`. So [`Call::begin`] reads
//! everything the function may need at once, and every answer afterwards goes through what it
//! captured.

use std::sync::Arc;

use chrono::{DateTime, Utc};
use latch_core::Services;
use latch_core::secret_token::SecretToken;
use latch_core::sessions::SessionUser;
use leptos::prelude::{use_context, with_context};
use leptos_axum::ResponseOptions;

use super::cookies;
use super::errors::unexpected;
use super::request_info::RequestInfo;
use crate::error::AppError;

pub struct Call {
    pub services: Arc<Services>,
    pub request: RequestInfo,
    /// The supported language this browser prefers (`Accept-Language`), if any.
    pub browser_locale: Option<latch_i18n::Locale>,
    reset_token: Option<SecretToken>,
    login_step_token: Option<SecretToken>,
    device_cookie: Option<String>,
    user_agent: Option<String>,
    response: Option<ResponseOptions>,
    /// A plain HTML form post (JavaScript off): success is a real redirect to the next page.
    plain_form_post: bool,
    /// Called by a page being rendered for a browser (a resource), not posted to: a refusal
    /// there is shown on the page, which keeps its own status.
    in_page_render: bool,
}

impl Call {
    /// Everything this request offers a server function, read before anything awaits.
    pub fn begin() -> Result<Self, AppError> {
        let services = use_context::<Arc<Services>>()
            .ok_or_else(|| unexpected(anyhow::anyhow!("no Services in context")))?;
        // Read before `with_context`, never inside it: `with_context` holds a read lock on the
        // owner's contexts while its closure runs, and a second read of them there waits behind
        // any writer queued in between (a render cleaning up on the other worker thread), which
        // waits for the first read: both workers stuck, the server silent.
        let response = use_context::<ResponseOptions>();
        // Read in place: a page calls several server functions, and a copy of the request's
        // parts (every header, every extension) per call was most of their allocations.
        Ok(with_context(|parts: &http::request::Parts| {
            Self::read(Some(parts), services.clone(), response.clone())
        })
        .unwrap_or_else(|| Self::read(None, services, response)))
    }

    /// Runs inside `with_context`'s lock (see [`Call::begin`]): it must not read the context.
    fn read(
        parts: Option<&http::request::Parts>,
        services: Arc<Services>,
        response: Option<ResponseOptions>,
    ) -> Self {
        let headers = parts.map(|parts| &parts.headers);
        let header = |name| headers.and_then(|h| h.get(name)?.to_str().ok());
        let reset_token = headers
            .and_then(|headers| cookies::reset_cookie_value(headers, services.is_https()))
            .and_then(|value| SecretToken::from_presented(&value));
        let login_step_token = headers
            .and_then(|headers| cookies::login_step_cookie_value(headers, services.is_https()))
            .and_then(|value| SecretToken::from_presented(&value));
        let device_cookie =
            headers.and_then(|headers| cookies::device_cookie_value(headers, services.is_https()));
        let accepts_html = header(http::header::ACCEPT).is_some_and(|a| a.contains("text/html"));
        let server_fn_call = parts.is_some_and(|parts| parts.uri.path().starts_with("/api/"));
        Self {
            device_cookie,
            user_agent: header(http::header::USER_AGENT).map(str::to_owned),
            browser_locale: header(http::header::ACCEPT_LANGUAGE)
                .and_then(latch_i18n::from_accept_language),
            plain_form_post: accepts_html,
            in_page_render: accepts_html && !server_fn_call,
            request: parts
                .and_then(|parts| parts.extensions.get::<RequestInfo>().cloned())
                .unwrap_or_default(),
            response,
            reset_token,
            login_step_token,
            services,
        }
    }

    pub fn now(&self) -> DateTime<Utc> {
        Utc::now()
    }

    pub fn client_ip(&self) -> Option<std::net::IpAddr> {
        self.request.client_ip
    }

    /// The signed-in user, or the refusal for a signed-out visitor.
    pub fn user(&self) -> Result<&SessionUser, AppError> {
        self.request.session.as_deref().ok_or(AppError::NotSignedIn)
    }

    /// The reset token this browser's cookie holds (put there when the emailed link opened).
    pub fn reset_token(&self) -> Option<&SecretToken> {
        self.reset_token.as_ref()
    }

    /// The token of this browser's pending second login step, if any.
    pub fn login_step_token(&self) -> Option<&SecretToken> {
        self.login_step_token.as_ref()
    }

    pub fn set_login_step_cookie(&self, token: &SecretToken) {
        self.set_cookie(&cookies::login_step_cookie(
            token.expose(),
            self.services.is_https(),
        ));
    }

    pub fn clear_login_step_cookie(&self) {
        self.set_cookie(&cookies::login_step_cookie_deleted(
            self.services.is_https(),
        ));
    }

    /// The known-device cookie this browser presented, if any.
    pub fn device_cookie(&self) -> Option<&str> {
        self.device_cookie.as_deref()
    }

    /// The browser's `User-Agent`, if it sent one.
    pub fn user_agent(&self) -> Option<&str> {
        self.user_agent.as_deref()
    }

    /// Keeps this browser known (its new known-device cookie value) for the policy's lifetime.
    pub fn set_device_cookie(&self, value: &str) {
        let days = self.services.login_policy.known_device_for.num_days();
        self.set_cookie(&cookies::device_cookie(
            value,
            days,
            self.services.is_https(),
        ));
    }

    /// Answers a server function: a refusal gets its status (and `Retry-After`), for script
    /// clients and plain form posts alike (the server's `plain_form_posts` middleware turns the
    /// latter's refusal into the form's page, with this status).
    pub fn reply<T, E: Into<AppError>>(&self, result: Result<T, E>) -> Result<T, AppError> {
        let result = result.map_err(Into::into);
        if let (Err(err), false, Some(response)) = (&result, self.in_page_render, &self.response) {
            response.set_status(err.status());
            if let Some(secs) = err.retry_after() {
                response.insert_header(http::header::RETRY_AFTER, http::HeaderValue::from(secs));
            }
        }
        result
    }

    /// Answers a form's server function: success goes to the page it names; a refusal is
    /// answered as by [`Call::reply`].
    pub fn finish(&self, result: Result<String, impl Into<AppError>>) -> Result<(), AppError> {
        let next = self.reply(result)?;
        self.redirect(&next);
        Ok(())
    }

    /// Sends the browser to `path`: a real redirect for a plain form post, the server-function
    /// client's redirect header for script clients (a 302 would hide the answer from it).
    pub fn redirect(&self, path: &str) {
        let (Some(response), Ok(location)) = (&self.response, http::HeaderValue::from_str(path))
        else {
            return;
        };
        response.insert_header(http::header::LOCATION, location);
        if self.plain_form_post {
            response.set_status(http::StatusCode::FOUND);
        } else {
            response.insert_header(
                http::HeaderName::from_static(leptos::server_fn::redirect::REDIRECT_HEADER),
                http::HeaderValue::from_static(""),
            );
        }
    }

    pub fn set_session_cookie(&self, token: &SecretToken) {
        self.set_cookie(&cookies::session_cookie(
            token.expose(),
            self.services.is_https(),
            self.services.session_cookie_domain.as_deref(),
        ));
    }

    pub fn clear_session_cookie(&self) {
        self.set_cookie(&cookies::session_cookie_deleted(
            self.services.is_https(),
            self.services.session_cookie_domain.as_deref(),
        ));
    }

    /// Asks the browser to drop what it cached or stored for this site (after logging out).
    pub fn clear_site_data(&self) {
        if let Some(response) = &self.response {
            response.insert_header(
                http::HeaderName::from_static("clear-site-data"),
                http::HeaderValue::from_static(r#""cache", "storage""#),
            );
        }
    }

    pub fn clear_reset_cookie(&self) {
        self.set_cookie(&cookies::reset_cookie_deleted(self.services.is_https()));
    }

    fn set_cookie(&self, cookie: &str) {
        if let (Some(response), Ok(value)) = (&self.response, http::HeaderValue::from_str(cookie)) {
            response.append_header(http::header::SET_COOKIE, value);
        }
    }
}
