//! A deadline on every request, so a client that sends its body slowly, or not at all, cannot
//! hold a connection and its task for ever (`LATCH_REQUEST_TIMEOUT_SECONDS`).

use axum::extract::{Request, State};
use axum::http::{StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use latch_i18n::Locale;

use crate::state::AppState;

/// Answers 408 when the request (reading its body, the work, writing the answer's head) is
/// not done within the deadline. The task working on it is dropped, and with it whatever
/// it held; the connection is closed, since the rest of a stalled body never comes.
///
/// Nothing Latch serves is long-lived (no streams, no websockets), so one deadline fits every
/// route. It sits outside the session lookup, so the answer names no reader: it says it in
/// both languages.
pub async fn time_limit(State(state): State<AppState>, request: Request, next: Next) -> Response {
    let deadline = state.settings.request_timeout;
    match tokio::time::timeout(deadline, next.run(request)).await {
        Ok(response) => response,
        Err(_) => {
            tracing::info!(seconds = deadline.as_secs(), "request timed out");
            let body = format!(
                "{}\n{}\n",
                Locale::En.messages().request_timeout,
                Locale::Id.messages().request_timeout
            );
            (
                StatusCode::REQUEST_TIMEOUT,
                [
                    (header::CONTENT_TYPE, "text/plain; charset=utf-8"),
                    (header::CONNECTION, "close"),
                ],
                body,
            )
                .into_response()
        }
    }
}
