//! Request middleware: who is asking (client address, session), which pages need a session,
//! and refusing cross-site state changes.

use axum::extract::{ConnectInfo, Request, State};
use axum::http::{Method, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Redirect, Response};
use latch_app::server::{RequestInfo, reset_cookie, session_cookie_value};
use latch_core::preferences::{self, Preferences};
use latch_core::secret_token::SecretToken;
use latch_core::sessions::{self, SessionUser};
use latch_core::time_zone::TimeZone;
use latch_i18n::Locale;

use crate::client_ip;
use crate::state::AppState;

/// Pages that need a signed-in user; a signed-out visit goes to the login page and back.
fn needs_session(path: &str) -> bool {
    path == "/" || path == "/settings" || path.starts_with("/settings/")
}

/// Static files and the operations endpoints need neither a session lookup nor a client address.
fn is_static(path: &str) -> bool {
    path.starts_with("/pkg/") || matches!(path, "/favicon.svg" | "/health" | "/ready" | "/metrics")
}

/// Resolves the client address and session once per request and hands them to the app.
pub async fn identify(State(state): State<AppState>, mut request: Request, next: Next) -> Response {
    let path = request.uri().path().to_owned();
    if is_static(&path) {
        return next.run(request).await;
    }
    let peer = request
        .extensions()
        .get::<ConnectInfo<std::net::SocketAddr>>()
        .map(|ConnectInfo(addr)| addr.ip());
    let client_ip = peer
        .map(|peer| client_ip::resolve(peer, request.headers(), &state.settings.trusted_proxies));

    let secure = state.settings.secure_cookies();
    let token = session_cookie_value(request.headers(), secure)
        .and_then(|v| SecretToken::from_presented(&v));
    let session = match token {
        Some(token) => {
            let now = chrono::Utc::now();
            match sessions::authenticate(
                &state.services.db,
                &token,
                state.services.login_policy.session,
                now,
            )
            .await
            {
                Ok(session) => session,
                Err(err) => {
                    tracing::warn!("cannot check the session: {err:#}");
                    return service_unavailable(request.headers());
                }
            }
        }
        None => None,
    };

    let is_page_view = request.method() == Method::GET;
    if is_page_view && session.is_none() && needs_session(&path) {
        let here = request.uri().path_and_query().map_or("/", |pq| pq.as_str());
        let target = if here == "/" {
            "/login".to_owned()
        } else {
            format!("/login?next={}", latch_app::paths::encode(here))
        };
        return Redirect::to(&target).into_response();
    }
    if is_page_view && session.is_some() && path == "/login" {
        return Redirect::to("/").into_response();
    }

    let reader = match choose_reader(&state, request.headers(), session.as_ref()).await {
        Ok(reader) => reader,
        Err(err) => {
            tracing::warn!("cannot read the company's language and time zone: {err:#}");
            return service_unavailable(request.headers());
        }
    };
    request.extensions_mut().insert(RequestInfo {
        client_ip,
        session,
        locale: reader.locale,
        time_zone: reader.time_zone,
    });
    next.run(request).await
}

/// The language: the user's saved one, else the browser's preference (`Accept-Language`),
/// else the company's default (signed in), else English. The time zone: the user's saved one,
/// else the company's default (signed in), else UTC. The company is read only when needed.
async fn choose_reader(
    state: &AppState,
    headers: &header::HeaderMap,
    session: Option<&SessionUser>,
) -> anyhow::Result<Preferences> {
    let browser = browser_locale(headers);
    match session {
        Some(session) => preferences::of_user(&state.services.db, &session.user, browser).await,
        None => Ok(Preferences {
            locale: browser.unwrap_or_default(),
            time_zone: TimeZone::UTC,
        }),
    }
}

fn browser_locale(headers: &header::HeaderMap) -> Option<Locale> {
    headers
        .get(header::ACCEPT_LANGUAGE)
        .and_then(|value| value.to_str().ok())
        .and_then(latch_i18n::from_accept_language)
}

/// Refuses state-changing requests made by another site (cross-site request forgery), the way
/// Go's `http.CrossOriginProtection` does: trust `Sec-Fetch-Site` when the browser sends it,
/// else compare `Origin` with our public origin; requests with neither come from non-browser
/// clients and pass.
pub async fn refuse_cross_origin(
    State(state): State<AppState>,
    request: Request,
    next: Next,
) -> Response {
    if matches!(
        *request.method(),
        Method::GET | Method::HEAD | Method::OPTIONS
    ) {
        return next.run(request).await;
    }
    let headers = request.headers();
    let allowed = match headers.get("sec-fetch-site").and_then(|v| v.to_str().ok()) {
        Some(site) => site == "same-origin" || site == "none",
        None => match headers.get(header::ORIGIN).and_then(|v| v.to_str().ok()) {
            Some(origin) => origin == state.settings.public_origin(),
            None => true,
        },
    };
    if !allowed {
        tracing::warn!(path = %request.uri().path(), "refused a cross-origin request");
        let message = latch_i18n::Locale::default()
            .messages()
            .cross_origin_refused;
        return (StatusCode::FORBIDDEN, message).into_response();
    }
    next.run(request).await
}

/// The database is unreachable: say so in plain words, and that it is worth trying again.
/// Browsers get a small page that retries by itself; other clients get the sentence.
fn service_unavailable(headers: &header::HeaderMap) -> Response {
    let locale = headers
        .get(header::ACCEPT_LANGUAGE)
        .and_then(|value| value.to_str().ok())
        .and_then(latch_i18n::from_accept_language)
        .unwrap_or_default();
    let t = locale.messages();
    let retry_after = latch_app::server::DATABASE_RETRY_AFTER_SECS.to_string();
    let wants_html = headers
        .get(header::ACCEPT)
        .and_then(|accept| accept.to_str().ok())
        .is_some_and(|accept| accept.contains("text/html"));
    if !wants_html {
        return (
            StatusCode::SERVICE_UNAVAILABLE,
            [(header::RETRY_AFTER, retry_after)],
            t.database_unavailable,
        )
            .into_response();
    }
    let page = format!(
        r#"<!DOCTYPE html>
<html lang="{lang}"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="refresh" content="{retry_after}"><title>{title} · Latch</title>
<style>body{{font:16px/1.5 system-ui,sans-serif;max-width:34rem;margin:4rem auto;padding:0 1rem;color:#1f2937}}h1{{font-size:1.5rem}}</style>
</head><body><main><h1>{title}</h1><p role="alert">{body}</p><p>{retrying}</p><p><a href="">{again}</a></p></main></body></html>"#,
        lang = locale.tag(),
        title = t.unavailable_title,
        body = t.database_unavailable,
        retrying = t.unavailable_retrying,
        again = t.try_again,
    );
    (
        StatusCode::SERVICE_UNAVAILABLE,
        [
            (header::RETRY_AFTER, retry_after),
            (header::CONTENT_TYPE, "text/html; charset=utf-8".to_owned()),
            (header::CACHE_CONTROL, "no-store".to_owned()),
            (
                header::CONTENT_SECURITY_POLICY,
                "default-src 'none'; style-src 'unsafe-inline'; frame-ancestors 'none'".to_owned(),
            ),
        ],
        page,
    )
        .into_response()
}

/// Opening an emailed reset link (`/reset-password?token=…`) only moves the token into a
/// short-lived cookie and redirects to `/reset-password`: the token leaves the address bar and
/// history, and nothing is used up by merely opening the link (mail scanners open links).
pub async fn move_reset_token_out_of_url(
    State(state): State<AppState>,
    request: Request,
    next: Next,
) -> Response {
    let is_reset_link =
        request.method() == Method::GET && request.uri().path() == "/reset-password";
    let token = is_reset_link
        .then(|| request.uri().query())
        .flatten()
        .and_then(|query| {
            query
                .split('&')
                .find_map(|pair| pair.strip_prefix("token="))
                .map(str::to_owned)
        });
    let Some(token) = token else {
        return next.run(request).await;
    };
    // A malformed token (never copied into the header as is) still replaces any older one, so
    // the page reports the link as invalid.
    let token = SecretToken::from_presented(&token);
    let value = token.as_ref().map_or("invalid", |token| token.expose());
    let cookie = reset_cookie(value, state.settings.secure_cookies());
    let mut response = Redirect::to("/reset-password").into_response();
    if let Ok(value) = header::HeaderValue::from_str(&cookie) {
        response.headers_mut().insert(header::SET_COOKIE, value);
    }
    response
}
