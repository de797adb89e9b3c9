//! Who is asking: the client's address, their session and the language and time zone to
//! answer in, resolved once per request; and sending signed-out visitors of private pages to
//! the login page.

use std::sync::Arc;

use axum::extract::{ConnectInfo, Request, State};
use axum::http::{Method, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Redirect, Response};
use latch_app::server::{RequestInfo, session_cookie_value};
use latch_core::preferences::Preferences;
use latch_core::secret_token::SecretToken;
use latch_core::sessions::{self, SessionUser};
use latch_core::time_zone::TimeZone;
use latch_i18n::Locale;

use super::database_unavailable::database_unavailable;
use crate::client_ip;
use crate::state::AppState;

/// Pages that need a signed-in user; a signed-out visit goes to the login page and back.
fn needs_session(path: &str) -> bool {
    path == "/" || path == "/settings" || path.starts_with("/settings/")
}

/// Static files and the operations endpoints need neither a session lookup nor a client
/// address; `/auth/verify` reads the session itself (and nothing else).
fn is_static(path: &str) -> bool {
    super::is_site_file(path)
        || matches!(
            path,
            "/health" | "/ready" | "/metrics" | "/auth/verify" | "/.well-known/jwks.json"
        )
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

    let secure = state.services.is_https();
    let domain = state.services.session_cookie_domain.as_deref();
    let token = session_cookie_value(request.headers(), secure, domain)
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
                    return database_unavailable(request.headers());
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
    if is_page_view && session.is_some() {
        let targets = &state.services.return_targets;
        // Already signed in: the login page sends on at once, as a login would.
        if path == "/login" {
            return Redirect::to(&targets.after_login(next_in(request.uri()).as_deref()))
                .into_response();
        }
        // With an app configured, the app is the signed-in user's home, not Latch's welcome.
        if let ("/", Some(app_url)) = (path.as_str(), targets.app_url()) {
            return Redirect::to(app_url).into_response();
        }
    }

    let reader = choose_reader(request.headers(), session.as_ref());
    request.extensions_mut().insert(RequestInfo {
        client_ip,
        session: session.map(Arc::new),
        locale: reader.locale,
        time_zone: reader.time_zone,
    });
    next.run(request).await
}

/// The `next` query value of `uri`, decoded.
fn next_in(uri: &axum::http::Uri) -> Option<String> {
    url::form_urlencoded::parse(uri.query()?.as_bytes())
        .find(|(key, _)| key == "next")
        .map(|(_, value)| value.into_owned())
}

/// The language: the user's saved one, else the browser's preference (`Accept-Language`),
/// else the company's default (signed in), else English. The time zone: the user's saved one,
/// else the company's default (signed in), else UTC. (The session lookup read the company.)
fn choose_reader(headers: &header::HeaderMap, session: Option<&SessionUser>) -> Preferences {
    let browser = browser_locale(headers);
    match session {
        Some(session) => Preferences::of_reader(&session.user, &session.company, browser),
        None => Preferences {
            locale: browser.unwrap_or_default(),
            time_zone: TimeZone::UTC,
        },
    }
}

fn browser_locale(headers: &header::HeaderMap) -> Option<Locale> {
    headers
        .get(header::ACCEPT_LANGUAGE)
        .and_then(|value| value.to_str().ok())
        .and_then(latch_i18n::from_accept_language)
}
