//! The CRM's routes: every path is a page behind Latch, except the webhook receiver (and, in
//! the end-to-end test, its inspection and outage switches).

use std::sync::Arc;
use std::time::{SystemTime, UNIX_EPOCH};

use axum::Json;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode, Uri};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};

use crate::Config;
use crate::jwks::Jwks;
use crate::pages;
use crate::token::{self, Claims, TokenError};
use crate::webhooks::{self, Event, Inbox};

pub struct Crm {
    config: Config,
    jwks: Jwks,
    inbox: Inbox,
}

type Shared = State<Arc<Crm>>;

pub fn router(config: Config) -> anyhow::Result<axum::Router> {
    let test_endpoints = config.test_endpoints;
    let crm = Arc::new(Crm {
        jwks: Jwks::new(config.jwks_url.clone())?,
        config,
        inbox: Inbox::default(),
    });
    let mut router = axum::Router::new().route("/webhooks", post(receive_webhook));
    if test_endpoints {
        router = router
            .route("/webhooks/received", get(received))
            .route("/webhooks/down", post(go_down))
            .route("/webhooks/up", post(come_up));
    }
    Ok(router.fallback(page).with_state(crm))
}

/// Any page: who is signed in, or 401 "Not signed in".
async fn page(State(crm): Shared, uri: Uri, headers: HeaderMap) -> Response {
    match signed_in(&crm, &headers).await {
        Ok(claims) => pages::hello(&claims, uri.path()).into_response(),
        Err(refusal) => {
            tracing::info!(path = uri.path(), "refused: {refusal}");
            pages::not_signed_in().into_response()
        }
    }
}

#[derive(Debug, thiserror::Error)]
enum Refusal {
    #[error("no X-Latch-User-Id or X-Latch-Token header")]
    MissingHeaders,
    #[error("{0}")]
    Token(#[from] TokenError),
    #[error("cannot get Latch's keys: {0:#}")]
    NoKeys(anyhow::Error),
}

async fn signed_in(crm: &Crm, headers: &HeaderMap) -> Result<Claims, Refusal> {
    let header = |name| headers.get(name).and_then(|value| value.to_str().ok());
    let (Some(user_id), Some(token)) = (header("x-latch-user-id"), header("x-latch-token")) else {
        return Err(Refusal::MissingHeaders);
    };
    let kid = token::key_id(token)?;
    let keys = crm.jwks.for_key(&kid).await.map_err(Refusal::NoKeys)?;
    Ok(token::verify(token, user_id, &keys, &crm.config.expected)?)
}

async fn receive_webhook(State(crm): Shared, headers: HeaderMap, body: Bytes) -> Response {
    let Some(secret) = &crm.config.webhook_secret else {
        return StatusCode::NOT_FOUND.into_response();
    };
    if crm.inbox.turns_away() {
        return (StatusCode::SERVICE_UNAVAILABLE, "down for the test").into_response();
    }
    let header = |name| headers.get(name).and_then(|value| value.to_str().ok());
    let now = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |elapsed| elapsed.as_secs() as i64);
    if let Err(err) = webhooks::verify_signature(secret, header("latch-signature"), &body, now) {
        tracing::warn!("webhook refused: {err}");
        return (StatusCode::UNAUTHORIZED, err.to_string()).into_response();
    }
    let event: Event = match serde_json::from_slice(&body) {
        Ok(event) => event,
        Err(err) => return (StatusCode::BAD_REQUEST, err.to_string()).into_response(),
    };
    let headers_agree = header("latch-event-id").is_none_or(|id| id == event.id)
        && header("latch-event-type").is_none_or(|kind| kind == event.kind);
    if !headers_agree {
        return (StatusCode::BAD_REQUEST, "headers and body disagree").into_response();
    }
    let (id, kind) = (event.id.clone(), event.kind.clone());
    if crm.inbox.receive(event) {
        tracing::info!(%id, %kind, "webhook received");
    } else {
        tracing::info!(%id, %kind, "webhook received again (already handled)");
    }
    StatusCode::NO_CONTENT.into_response()
}

async fn received(State(crm): Shared) -> Json<serde_json::Value> {
    Json(serde_json::json!({
        "events": crm.inbox.events(),
        "refused_while_down": crm.inbox.refused_while_down(),
    }))
}

async fn go_down(State(crm): Shared) -> StatusCode {
    crm.inbox.set_down(true);
    tracing::info!("webhook receiver down (503) until POST /webhooks/up");
    StatusCode::NO_CONTENT
}

async fn come_up(State(crm): Shared) -> StatusCode {
    crm.inbox.set_down(false);
    tracing::info!("webhook receiver up again");
    StatusCode::NO_CONTENT
}
