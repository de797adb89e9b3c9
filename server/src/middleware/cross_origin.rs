//! Refusing state-changing requests made by another site (cross-site request forgery).

use axum::extract::{Request, State};
use axum::http::{Method, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

use crate::state::AppState;

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
