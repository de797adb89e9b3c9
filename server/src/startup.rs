//! Building the running application: database, mailer, router, listener.

use std::sync::{Arc, OnceLock};

use anyhow::Context;
use axum::middleware::{from_fn, from_fn_with_state};
use axum::{Router, routing::get};
use latch_app::{App, shell};
use latch_core::identity_token::{SigningKeys, TokenIssuer};
use latch_core::metrics::Metrics;
use latch_core::outbox::{self, OutboxPolicy};
use latch_core::password_hash::Hasher;
use latch_core::password_policy::PolicyChecks;
use latch_core::password_reset::ResetPolicy;
use latch_core::{Services, mail::Mailer};
use leptos::config::LeptosOptions;
use leptos::prelude::provide_context;
use leptos_axum::{AxumRouteListing, LeptosRoutes, generate_route_list};
use secrecy::ExposeSecret;
use tokio::net::TcpListener;
use tokio::sync::watch;
use tower_http::limit::RequestBodyLimitLayer;

use crate::settings::{Settings, WebhookSettings};
use crate::state::{AppState, Shared};
use crate::{database, forward_auth, middleware, operations};

/// Largest request body accepted. Forms here carry a few short fields; a 1 MB "password" is
/// refused before anything reads it, let alone hashes it.
const MAX_BODY_BYTES: usize = 64 * 1024;

/// A bound, ready-to-serve Latch.
pub struct Application {
    listener: TcpListener,
    router: Router,
    pub state: AppState,
}

impl Application {
    /// Connects, migrates and binds to `leptos_options.site_addr` (port 0 picks a free port).
    pub async fn build(settings: Settings, leptos_options: LeptosOptions) -> anyhow::Result<Self> {
        let db = database::open(&settings).await?;
        let mailer = build_mailer(&settings)?;
        let listener = TcpListener::bind(leptos_options.site_addr)
            .await
            .with_context(|| format!("binding {}", leptos_options.site_addr))?;
        let (concurrency, max_wait) = (settings.hash_concurrency, settings.hash_max_wait);
        let hasher = tokio::task::spawn_blocking(move || Hasher::new(concurrency, max_wait))
            .await
            .context("starting the password hasher")??;
        let server_key = settings.server_key.load()?;
        let webhook_endpoint = settings
            .webhook
            .as_ref()
            .map(WebhookSettings::endpoint)
            .transpose()?;
        let services = Services {
            db,
            hasher,
            login_policy: settings.login_policy,
            reset_policy: ResetPolicy {
                link_valid_for: settings.reset_link_valid_for,
                ..ResetPolicy::default()
            },
            password_policy: settings.password_policy,
            // Judging a new password is CPU work like hashing: as many at once, as long a wait.
            policy_checks: PolicyChecks::new(concurrency, max_wait),
            admin_policy: settings.admin_policy(),
            public_url: settings.public_url.clone(),
            metrics: Metrics::default(),
            webhooks: settings.webhooks(&server_key),
            server_key: server_key.clone(),
            session_cookie_domain: settings.cookie_domain.clone(),
            return_targets: settings.return_targets.clone(),
            identity_tokens: TokenIssuer {
                issuer: settings.token_issuer(),
                audience: settings.token_audience.clone(),
                keys: SigningKeys::new(server_key, settings.token_keys_refresh),
            },
        };
        // A server key that cannot open the stored signing keys stops Latch here, with the
        // fix in the message, rather than at the first sign-in.
        services
            .identity_tokens
            .keys
            .load(&services.db, chrono::Utc::now())
            .await?;
        let state = AppState::new(Shared {
            leptos_options,
            services: Arc::new(services),
            mailer,
            webhook_endpoint,
            settings: Arc::new(settings),
        });
        Ok(Self {
            listener,
            router: router(state.clone()),
            state,
        })
    }

    pub fn local_addr(&self) -> std::io::Result<std::net::SocketAddr> {
        self.listener.local_addr()
    }

    /// Serves requests and sends queued mail until SIGTERM or Ctrl-C. Then it stops accepting
    /// connections, finishes the requests in flight, gives mail being sent a few seconds, and
    /// hands the rest back to the queue for the next start or another instance.
    pub async fn run_until_stopped(self) -> std::io::Result<()> {
        let policy = outbox_policy(&self.state.settings);
        let (stop, stopped) = watch::channel(false);
        let worker = tokio::spawn(outbox::run_worker(
            self.state.services.db.clone(),
            mail_sender(&self.state),
            policy,
            self.state.services.metrics.clone(),
            stopped.clone(),
        ));
        // Sessions, counters, links and old audit events that are dead go, once an hour.
        let pruner = tokio::spawn(latch_core::prune::run_pruner(
            self.state.services.db.clone(),
            self.state.settings.retention,
            PRUNE_EVERY,
            stopped,
        ));
        let signal = async move {
            shutdown_signal().await;
            tracing::info!("shutting down: finishing requests and mail in flight");
            let _ = stop.send(true);
        };
        let service = self
            .router
            .into_make_service_with_connect_info::<std::net::SocketAddr>();
        axum::serve(self.listener, service)
            .with_graceful_shutdown(signal)
            .await?;
        // The worker's own grace bounds this; the margin only covers releasing its claims.
        let bound = policy.shutdown_grace + std::time::Duration::from_secs(5);
        if tokio::time::timeout(bound, worker).await.is_err() {
            tracing::warn!("outbox worker did not stop in time; its claims expire by lease");
        }
        // A round in progress finishes (or gives up on the pool's 5 s) quickly.
        if tokio::time::timeout(std::time::Duration::from_secs(10), pruner)
            .await
            .is_err()
        {
            tracing::warn!("pruning did not stop in time");
        }
        tracing::info!("stopped");
        Ok(())
    }
}

/// How often each instance prunes dead rows (deleting only what is dead, so instances never
/// get in each other's way).
const PRUNE_EVERY: std::time::Duration = std::time::Duration::from_secs(3600);

pub fn outbox_policy(settings: &Settings) -> OutboxPolicy {
    OutboxPolicy {
        lease: settings.outbox_lease,
        ..OutboxPolicy::default()
    }
}

/// What the outbox worker sends with.
pub fn mail_sender(state: &AppState) -> outbox::Sender {
    outbox::Sender {
        mailer: state.mailer.clone(),
        from: state.settings.mail.from.clone(),
        message_id_domain: state
            .settings
            .public_url
            .host_str()
            .unwrap_or("localhost")
            .to_owned(),
        public_url: state.settings.public_url.clone(),
        webhooks: state.webhook_endpoint.clone(),
    }
}

fn build_mailer(settings: &Settings) -> anyhow::Result<Mailer> {
    Ok(match &settings.mail.smtp_url {
        Some(url) => Mailer::smtp(url.expose_secret())?,
        None => Mailer::dev_mailbox(&settings.mail.dev_mailbox_dir)
            .context("creating LATCH_DEV_MAILBOX_DIR")?,
    })
}

/// The app's routes, listed once per process. To list them Leptos renders the app with
/// resource loading switched off, and that switch is process-wide (leptos_server 0.8's
/// `SuppressResourceLoad`): a page that another `Application` was rendering meanwhile (a second
/// instance in one process, as every integration test starts one) waited for its data for ever.
fn app_routes() -> Vec<AxumRouteListing> {
    static ROUTES: OnceLock<Vec<AxumRouteListing>> = OnceLock::new();
    ROUTES.get_or_init(|| generate_route_list(App)).clone()
}

fn router(state: AppState) -> Router {
    let routes = app_routes();
    let context_state = state.clone();
    let provide_state = move || {
        provide_context(context_state.services.clone());
        // A fresh nonce per page for the Content-Security-Policy (see `latch_app::shell`).
        leptos::nonce::provide_nonce();
    };
    let shell_options = state.leptos_options.clone();

    let app = Router::new()
        .route("/health", get(operations::health))
        .route("/ready", get(operations::ready))
        .route("/metrics", get(operations::metrics))
        .route("/auth/verify", get(forward_auth::verify))
        .route("/.well-known/jwks.json", get(forward_auth::jwks))
        .leptos_routes_with_context(&state, routes, provide_state.clone(), move || {
            shell(shell_options.clone())
        })
        .fallback(leptos_axum::file_and_error_handler_with_context::<
            AppState,
            _,
        >(provide_state, shell))
        .route_layer(from_fn(operations::label_route))
        .with_state(state.clone());
    // Below who is asking and the cross-origin check (they run once per form post), above
    // the routes it calls twice: the server function, then the page again on a refusal.
    app.clone()
        .layer(from_fn_with_state(app, middleware::plain_form_posts))
        .layer(from_fn_with_state(state.clone(), middleware::identify))
        .layer(from_fn_with_state(
            state.clone(),
            middleware::move_reset_token_out_of_url,
        ))
        .layer(from_fn_with_state(
            state.clone(),
            middleware::refuse_cross_origin,
        ))
        .layer(RequestBodyLimitLayer::new(MAX_BODY_BYTES))
        .layer(from_fn(middleware::site_file_validators))
        .layer(from_fn_with_state(state.clone(), middleware::time_limit))
        .layer(from_fn_with_state(
            state.clone(),
            operations::record_request,
        ))
        .layer(from_fn_with_state(
            state.clone(),
            middleware::security_headers,
        ))
}

async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let terminate = async {
        if let Ok(mut signal) =
            tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate())
        {
            signal.recv().await;
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => {},
        () = terminate => {},
    }
}
