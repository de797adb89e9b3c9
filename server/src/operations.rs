//! For the people and machines that run Latch: liveness, readiness, metrics, and the
//! per-request measurements behind them.

use std::net::SocketAddr;
use std::time::Instant;

use axum::extract::{ConnectInfo, MatchedPath, Request, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use latch_core::{db, metrics, outbox};
use secrecy::ExposeSecret;

use crate::state::AppState;

/// Liveness: the process answers. Deliberately touches nothing else, so a database outage
/// never gets healthy instances restarted.
pub async fn health() -> &'static str {
    "ok"
}

/// Readiness: the database answers and its schema is the one this binary expects. A load
/// balancer sends traffic only to ready instances.
pub async fn ready(State(state): State<AppState>) -> (StatusCode, String) {
    let unreachable = || {
        (
            StatusCode::SERVICE_UNAVAILABLE,
            "database unreachable".to_owned(),
        )
    };
    // Probes time out after a second or so: answer before they do, instead of waiting the
    // pool's full 5 s for a connection.
    let checked = tokio::time::timeout(READY_TIMEOUT, async {
        state.services.db.ping().await?;
        db::pending_migrations(&state.services.db).await
    })
    .await;
    match checked {
        Ok(Ok(0)) => (StatusCode::OK, "ready".to_owned()),
        Ok(Ok(pending)) => (
            StatusCode::SERVICE_UNAVAILABLE,
            format!("{pending} database migration(s) not applied yet"),
        ),
        Ok(Err(err)) => {
            tracing::warn!(error = %err, "not ready: database unreachable");
            unreachable()
        }
        Err(_) => {
            tracing::warn!("not ready: the database did not answer within {READY_TIMEOUT:?}");
            unreachable()
        }
    }
}

const READY_TIMEOUT: std::time::Duration = std::time::Duration::from_millis(800);

/// Prometheus scrape endpoint. Readable with `Authorization: Bearer $LATCH_METRICS_TOKEN`, or
/// without a token by a client on this machine talking to Latch directly (not through a
/// proxy, which would make every visitor look local).
pub async fn metrics(
    State(state): State<AppState>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    headers: HeaderMap,
) -> Response {
    if !may_read_metrics(&state, peer, &headers) {
        return (StatusCode::FORBIDDEN, "forbidden").into_response();
    }
    let db = &state.services.db;
    let count = |channel| async move {
        outbox::count_by_status(db, channel)
            .await
            .unwrap_or_else(|err| {
                // The process's own figures are still worth scraping while the database is away.
                tracing::warn!("metrics: {err:#}");
                Vec::new()
            })
    };
    let mail = count(outbox::Channel::Mail).await;
    let webhooks = count(outbox::Channel::Webhook).await;
    let text = state
        .services
        .metrics
        .render(state.services.hasher.load(), &mail, &webhooks);
    ([(header::CONTENT_TYPE, metrics::CONTENT_TYPE)], text).into_response()
}

fn may_read_metrics(state: &AppState, peer: SocketAddr, headers: &HeaderMap) -> bool {
    match &state.settings.metrics_token {
        Some(token) => headers
            .get(header::AUTHORIZATION)
            .and_then(|value| value.to_str().ok())
            .and_then(|value| value.strip_prefix("Bearer "))
            .is_some_and(|presented| constant_time_eq(presented, token.expose_secret())),
        None => {
            let proxied = ["forwarded", "x-forwarded-for", "x-real-ip"]
                .iter()
                .any(|name| headers.contains_key(*name));
            peer.ip().is_loopback() && !proxied
        }
    }
}

fn constant_time_eq(a: &str, b: &str) -> bool {
    a.len() == b.len()
        && a.bytes()
            .zip(b.bytes())
            .fold(0u8, |diff, (x, y)| diff | (x ^ y))
            == 0
}

/// The route pattern a request matched, handed from inside the router to [`record_request`].
#[derive(Clone)]
struct MatchedRoute(MatchedPath);

/// Inner half (a `route_layer`, where the matched route is known): labels the response.
pub async fn label_route(request: Request, next: Next) -> Response {
    let matched = request.extensions().get::<MatchedPath>().cloned();
    let mut response = next.run(request).await;
    if let Some(matched) = matched {
        response.extensions_mut().insert(MatchedRoute(matched));
    }
    response
}

/// Outer half: times every request, static files and unknown paths included.
pub async fn record_request(
    State(state): State<AppState>,
    request: Request,
    next: Next,
) -> Response {
    let started = Instant::now();
    let method = request.method().clone();
    let static_file = request.uri().path().starts_with("/pkg/");
    let response = next.run(request).await;
    let route = match response.extensions().get::<MatchedRoute>() {
        Some(MatchedRoute(matched)) => matched.as_str(),
        None if static_file => "/pkg/*",
        None => "(unmatched)",
    };
    state.services.metrics.record_request(
        method.as_str(),
        route,
        response.status().as_u16(),
        started.elapsed(),
    );
    response
}
