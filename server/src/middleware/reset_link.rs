//! Taking the token of an emailed reset link out of the address bar.

use axum::extract::{Request, State};
use axum::http::{Method, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Redirect, Response};
use latch_app::server::reset_cookie;
use latch_core::secret_token::SecretToken;

use crate::state::AppState;

/// Opening an emailed reset link (`/reset-password?token=…`) only moves the token into a
/// short-lived cookie and redirects to `/reset-password`: the token leaves the address bar and
/// history, and nothing is used up by merely opening the link (mail scanners open links).
/// An email-change link (`/confirm-email?token=…`) goes the same way to `/confirm-email`;
/// each page accepts only its own kind of link.
pub async fn move_reset_token_out_of_url(
    State(state): State<AppState>,
    request: Request,
    next: Next,
) -> Response {
    let page = match request.uri().path() {
        "/reset-password" => "/reset-password",
        "/confirm-email" => "/confirm-email",
        _ => return next.run(request).await,
    };
    let token = (request.method() == Method::GET)
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
    let cookie = reset_cookie(value, state.services.is_https());
    let mut response = Redirect::to(page).into_response();
    if let Ok(value) = header::HeaderValue::from_str(&cookie) {
        response.headers_mut().insert(header::SET_COOKIE, value);
    }
    response
}
