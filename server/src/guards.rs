//! Request middleware: who is asking (client address, session), which pages need a session,
//! and refusing cross-site state changes.

use axum::extract::{ConnectInfo, Request, State};
use axum::http::{Method, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Redirect, Response};
use latch_app::server::{RequestInfo, session_cookie_value};
use latch_core::secret_token::SecretToken;
use latch_core::sessions;

use crate::client_ip;
use crate::startup::AppState;

/// Pages that need a signed-in user; a signed-out visit goes to the login page and back.
fn needs_session(path: &str) -> bool {
    path == "/" || path == "/settings" || path.starts_with("/settings/")
}

/// Static files need neither a session lookup nor a client address.
fn is_static(path: &str) -> bool {
    path.starts_with("/pkg/") || path == "/favicon.svg" || path == "/healthz"
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
    let token =
        session_cookie_value(request.headers(), secure).and_then(SecretToken::from_presented);
    let session = match token {
        Some(token) => {
            let now = chrono::Utc::now();
            match sessions::authenticate(
                &state.server.db,
                &token,
                state.server.login_policy.session,
                now,
            )
            .await
            {
                Ok(session) => session,
                Err(err) => {
                    tracing::error!("{err:#}");
                    return service_unavailable();
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
            format!("/login?next={}", latch_app::urlencode(here))
        };
        return Redirect::to(&target).into_response();
    }
    if is_page_view && session.is_some() && path == "/login" {
        return Redirect::to("/").into_response();
    }

    request
        .extensions_mut()
        .insert(RequestInfo { client_ip, session });
    next.run(request).await
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

fn service_unavailable() -> Response {
    (
        StatusCode::SERVICE_UNAVAILABLE,
        [(header::RETRY_AFTER, "5")],
        latch_i18n::Locale::default()
            .messages()
            .database_unavailable,
    )
        .into_response()
}
