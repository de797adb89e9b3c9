//! What this process counts for `/metrics` (Prometheus text format 0.0.4).
//!
//! Counters and latencies are per process (Prometheus sums them over instances); the outbox's
//! message counts are read from the shared database at scrape time, so every instance reports
//! the same, whole-system figures for them.

use std::sync::Arc;
use std::time::Duration;

use prometheus_client::encoding::EncodeLabelSet;
use prometheus_client::metrics::counter::Counter;
use prometheus_client::metrics::family::Family;
use prometheus_client::metrics::gauge::Gauge;
use prometheus_client::metrics::histogram::Histogram;
use prometheus_client::registry::Registry;

use crate::password_hash::HasherLoad;

/// `Content-Type` of [`Metrics::render`]'s output.
pub const CONTENT_TYPE: &str = prometheus_client::encoding::prometheus_text::CONTENT_TYPE;

/// How the delivery attempts of one outbox round ended. Metrics owns this shape so it depends
/// on nothing it measures; the outbox worker reports into it.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct DeliveryOutcomes {
    pub sent: usize,
    pub retrying: usize,
    pub failed: usize,
    /// Not sent: the mail's link had died before it could go out.
    pub discarded: usize,
}

/// How a login attempt ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LoginOutcome {
    Ok,
    Failed,
    Throttled,
    /// Turned away because every hashing slot stayed taken (503).
    Busy,
    Error,
}

impl LoginOutcome {
    const ALL: [LoginOutcome; 5] = [
        LoginOutcome::Ok,
        LoginOutcome::Failed,
        LoginOutcome::Throttled,
        LoginOutcome::Busy,
        LoginOutcome::Error,
    ];

    fn label(self) -> &'static str {
        match self {
            LoginOutcome::Ok => "ok",
            LoginOutcome::Failed => "failed",
            LoginOutcome::Throttled => "throttled",
            LoginOutcome::Busy => "busy",
            LoginOutcome::Error => "error",
        }
    }
}

#[derive(Debug, Clone, Hash, PartialEq, Eq, EncodeLabelSet)]
struct LoginLabels {
    outcome: &'static str,
}

#[derive(Debug, Clone, Hash, PartialEq, Eq, EncodeLabelSet)]
struct RouteLabels {
    method: String,
    /// The route pattern (`/settings/users/{id}`), never the raw path: ids would make every
    /// request a new time series.
    route: String,
}

#[derive(Debug, Clone, Hash, PartialEq, Eq, EncodeLabelSet)]
struct ResponseLabels {
    method: String,
    route: String,
    status: u16,
}

#[derive(Debug, Clone, Hash, PartialEq, Eq, EncodeLabelSet)]
struct StatusLabels {
    status: &'static str,
}

#[derive(Debug, Clone, Hash, PartialEq, Eq, EncodeLabelSet)]
struct DeliveryLabels {
    outcome: &'static str,
}

/// Cheap to clone; every clone records into the same registry.
#[derive(Clone)]
pub struct Metrics(Arc<Inner>);

struct Inner {
    registry: Registry,
    responses: Family<ResponseLabels, Counter>,
    latency: Family<RouteLabels, Histogram>,
    logins: Family<LoginLabels, Counter>,
    login_delays: Counter,
    hashes_waiting: Gauge,
    hashes_running: Gauge,
    hash_areas: Gauge,
    outbox_messages: Family<StatusLabels, Gauge>,
    webhook_events: Family<StatusLabels, Gauge>,
    deliveries: Family<DeliveryLabels, Counter>,
    policy_checks: Counter,
}

fn latency_histogram() -> Histogram {
    // 1 ms … ~16 s: a static file, an SSR page, a login (argon2), a login that queued.
    Histogram::new(prometheus_client::metrics::histogram::exponential_buckets(
        0.001, 2.0, 15,
    ))
}

impl Default for Metrics {
    fn default() -> Self {
        let mut registry = Registry::with_prefix("latch");
        let responses = Family::<ResponseLabels, Counter>::default();
        registry.register(
            "http_requests",
            "HTTP requests answered, by route and status",
            responses.clone(),
        );
        let latency = Family::<RouteLabels, Histogram>::new_with_constructor(
            latency_histogram as fn() -> Histogram,
        );
        registry.register(
            "http_request_duration_seconds",
            "Time to answer an HTTP request, by route",
            latency.clone(),
        );
        let logins = Family::<LoginLabels, Counter>::default();
        registry.register("logins", "Login attempts, by outcome", logins.clone());
        let login_delays = Counter::default();
        registry.register(
            "login_breaker_delays",
            "Logins held back because failures across all accounts tripped the circuit breaker",
            login_delays.clone(),
        );
        let hashes_waiting = Gauge::default();
        registry.register(
            "password_hash_queue_depth",
            "Password checks waiting for a hashing slot",
            hashes_waiting.clone(),
        );
        let hashes_running = Gauge::default();
        registry.register(
            "password_hashes_running",
            "Password hashes being computed now",
            hashes_running.clone(),
        );
        let hash_areas = Gauge::default();
        registry.register(
            "password_hash_areas",
            "Hashing working areas held in memory now (19 MiB each; given back once logins stop)",
            hash_areas.clone(),
        );
        let outbox_messages = Family::<StatusLabels, Gauge>::default();
        registry.register(
            "outbox_messages",
            "Mail in the outbox (all instances), by status",
            outbox_messages.clone(),
        );
        let webhook_events = Family::<StatusLabels, Gauge>::default();
        registry.register(
            "webhook_events",
            "Webhook events in the outbox (all instances), by status",
            webhook_events.clone(),
        );
        let deliveries = Family::<DeliveryLabels, Counter>::default();
        registry.register(
            "outbox_deliveries",
            "Delivery attempts (mail and webhook events) made by this instance, by outcome",
            deliveries.clone(),
        );
        let policy_checks = Counter::default();
        registry.register(
            "password_policy_checks",
            "New passwords judged by the policy (zxcvbn) in this instance",
            policy_checks.clone(),
        );
        // Every outcome appears from the start, so a rate() never misses its first increment.
        for outcome in LoginOutcome::ALL {
            let _ = logins.get_or_create(&LoginLabels {
                outcome: outcome.label(),
            });
        }
        for outcome in ["sent", "retrying", "failed", "discarded"] {
            let _ = deliveries.get_or_create(&DeliveryLabels { outcome });
        }
        Self(Arc::new(Inner {
            registry,
            responses,
            latency,
            logins,
            login_delays,
            hashes_waiting,
            hashes_running,
            hash_areas,
            outbox_messages,
            webhook_events,
            deliveries,
            policy_checks,
        }))
    }
}

/// The methods a browser or HTTP client sends; anything else counts as `other`. Labels come
/// from fixed sets, so no request, however made up, adds a series (each one is kept for ever).
fn method_label(method: &str) -> &'static str {
    const KNOWN: [&str; 7] = ["GET", "HEAD", "POST", "PUT", "DELETE", "PATCH", "OPTIONS"];
    KNOWN
        .into_iter()
        .find(|known| *known == method)
        .unwrap_or("other")
}

impl Metrics {
    pub fn record_request(&self, method: &str, route: &str, status: u16, elapsed: Duration) {
        let (method, route) = (method_label(method).to_owned(), route.to_owned());
        self.0
            .latency
            .get_or_create(&RouteLabels {
                method: method.clone(),
                route: route.clone(),
            })
            .observe(elapsed.as_secs_f64());
        self.0
            .responses
            .get_or_create(&ResponseLabels {
                method,
                route,
                status,
            })
            .inc();
    }

    pub fn record_login(&self, outcome: LoginOutcome) {
        let outcome = outcome.label();
        self.0.logins.get_or_create(&LoginLabels { outcome }).inc();
    }

    /// A login held back by the circuit breaker.
    pub fn record_login_delay(&self) {
        self.0.login_delays.inc();
    }

    /// One new password judged by the policy.
    pub fn record_policy_check(&self) {
        self.0.policy_checks.inc();
    }

    /// New passwords judged so far by this instance.
    pub fn policy_checks(&self) -> u64 {
        self.0.policy_checks.get()
    }

    pub fn record_deliveries(&self, outcomes: DeliveryOutcomes) {
        for (outcome, count) in [
            ("sent", outcomes.sent),
            ("retrying", outcomes.retrying),
            ("failed", outcomes.failed),
            ("discarded", outcomes.discarded),
        ] {
            self.0
                .deliveries
                .get_or_create(&DeliveryLabels { outcome })
                .inc_by(count as u64);
        }
    }

    /// The text a Prometheus server scrapes, with the gauges read now: the hasher's load and
    /// the outbox's mail and webhook events by status.
    pub fn render(
        &self,
        hasher: HasherLoad,
        mail: &[(&'static str, u64)],
        webhook_events: &[(&'static str, u64)],
    ) -> String {
        self.0.hashes_waiting.set(hasher.waiting as i64);
        self.0.hashes_running.set(hasher.running as i64);
        self.0.hash_areas.set(hasher.areas_held as i64);
        for (family, counts) in [
            (&self.0.outbox_messages, mail),
            (&self.0.webhook_events, webhook_events),
        ] {
            for (status, count) in counts {
                family
                    .get_or_create(&StatusLabels { status })
                    .set(*count as i64);
            }
        }
        let mut text = String::new();
        // Writing into a String cannot fail.
        let _ = prometheus_client::encoding::prometheus_text::encode(&mut text, &self.0.registry);
        text
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn renders_every_family_in_prometheus_text_format() {
        let metrics = Metrics::default();
        metrics.record_request("GET", "/login", 200, Duration::from_millis(3));
        metrics.record_login(LoginOutcome::Failed);
        metrics.record_deliveries(DeliveryOutcomes {
            sent: 2,
            ..Default::default()
        });

        let text = metrics.render(
            HasherLoad {
                waiting: 3,
                running: 2,
                areas_held: 1,
            },
            &[("queued", 5), ("failed", 1)],
            &[("retrying", 2)],
        );

        for line in [
            "# TYPE latch_http_requests_total counter",
            r#"latch_http_requests_total{method="GET",route="/login",status="200"} 1"#,
            r#"latch_http_request_duration_seconds_bucket{method="GET",route="/login",le="0.004"} 1"#,
            r#"latch_logins_total{outcome="failed"} 1"#,
            r#"latch_logins_total{outcome="ok"} 0"#,
            "latch_password_hash_queue_depth 3",
            "latch_password_hashes_running 2",
            "latch_password_hash_areas 1",
            r#"latch_outbox_messages{status="queued"} 5"#,
            r#"latch_webhook_events{status="retrying"} 2"#,
            r#"latch_outbox_deliveries_total{outcome="sent"} 2"#,
        ] {
            assert!(
                text.lines().any(|l| l == line),
                "missing {line:?} in\n{text}"
            );
        }
    }
}
