//! Headers every answer carries, set in one place.

use axum::extract::{Request, State};
use axum::http::{HeaderValue, header};
use axum::middleware::Next;
use axum::response::Response;

use crate::state::AppState;

/// A year: browsers that once reached Latch over https never try plain http again.
const STRICT_TRANSPORT_SECURITY: HeaderValue = HeaderValue::from_static("max-age=31536000");

/// - `Cache-Control: no-store` on everything but the static files: pages and server-function
///   answers depend on who is signed in, and a shared or back-button cache must not keep them.
/// - `Strict-Transport-Security` when the public URL is https.
/// - No framing, whatever the answer (pages have a full Content-Security-Policy of their own;
///   every other answer gets `frame-ancestors 'none'` and `X-Frame-Options` for old browsers).
/// - No sniffing of content types, no `Referer` (reset links carry tokens).
pub async fn security_headers(
    State(state): State<AppState>,
    request: Request,
    next: Next,
) -> Response {
    let path = request.uri().path();
    let static_file = super::is_site_file(path);
    let mut response = next.run(request).await;
    let headers = response.headers_mut();
    if !static_file {
        headers
            .entry(header::CACHE_CONTROL)
            .or_insert(HeaderValue::from_static("no-store"));
    }
    if state.services.is_https() {
        headers.insert(header::STRICT_TRANSPORT_SECURITY, STRICT_TRANSPORT_SECURITY);
    }
    headers
        .entry(header::CONTENT_SECURITY_POLICY)
        .or_insert(HeaderValue::from_static("frame-ancestors 'none'"));
    headers
        .entry(header::X_FRAME_OPTIONS)
        .or_insert(HeaderValue::from_static("DENY"));
    headers
        .entry(header::X_CONTENT_TYPE_OPTIONS)
        .or_insert(HeaderValue::from_static("nosniff"));
    headers
        .entry(header::REFERRER_POLICY)
        .or_insert(HeaderValue::from_static("no-referrer"));
    response
}
