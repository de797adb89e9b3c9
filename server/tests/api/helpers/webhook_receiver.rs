//! A webhook receiver on loopback, as a CRM runs one: it records every request it gets and
//! answers what the test tells it to (200 by default), or stops listening altogether.

use std::sync::atomic::{AtomicU16, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::http::{HeaderMap, StatusCode};
use tokio::net::TcpListener;

/// One request the receiver got, and what it answered.
#[derive(Debug, Clone)]
pub struct Delivery {
    pub headers: HeaderMap,
    pub body: String,
    pub answered: u16,
}

impl Delivery {
    pub fn header(&self, name: &str) -> &str {
        self.headers
            .get(name)
            .unwrap_or_else(|| panic!("no {name} header"))
            .to_str()
            .unwrap()
    }
}

pub struct WebhookReceiver {
    port: u16,
    received: Arc<Mutex<Vec<Delivery>>>,
    status: Arc<AtomicU16>,
    running: Mutex<Option<tokio::task::JoinHandle<()>>>,
}

impl WebhookReceiver {
    pub async fn start() -> Self {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let receiver = Self {
            port: listener.local_addr().unwrap().port(),
            received: Arc::default(),
            status: Arc::new(AtomicU16::new(200)),
            running: Mutex::new(None),
        };
        receiver.serve(listener);
        receiver
    }

    fn serve(&self, listener: TcpListener) {
        let (received, status) = (self.received.clone(), self.status.clone());
        let record = move |headers: HeaderMap, body: String| async move {
            let answered = status.load(Ordering::Relaxed);
            received.lock().unwrap().push(Delivery {
                headers,
                body,
                answered,
            });
            let status = StatusCode::from_u16(answered).unwrap();
            // A redirect names where to go; Latch must not follow it.
            (status, [("location", "http://127.0.0.1:9/elsewhere")])
        };
        let router = axum::Router::new().route("/latch-events", axum::routing::post(record));
        let task = tokio::spawn(async move {
            let _ = axum::serve(listener, router).await;
        });
        *self.running.lock().unwrap() = Some(task);
    }

    pub fn url(&self) -> String {
        format!("http://127.0.0.1:{}/latch-events", self.port)
    }

    /// From now on every request is answered `status`.
    pub fn answer(&self, status: u16) {
        self.status.store(status, Ordering::Relaxed);
    }

    /// The receiver goes away: its port refuses connections.
    pub async fn stop(&self) {
        if let Some(task) = self.running.lock().unwrap().take() {
            task.abort();
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }

    /// The receiver comes back on the same port.
    pub async fn restart(&self) {
        let listener = TcpListener::bind(("127.0.0.1", self.port)).await.unwrap();
        self.serve(listener);
    }

    pub fn received(&self) -> Vec<Delivery> {
        self.received.lock().unwrap().clone()
    }

    /// Waits up to 15 s for at least `count` requests answered 2xx, and returns those.
    pub async fn wait_for_accepted(&self, count: usize) -> Vec<Delivery> {
        let deadline = tokio::time::Instant::now() + Duration::from_secs(15);
        loop {
            let accepted: Vec<Delivery> = self
                .received()
                .into_iter()
                .filter(|delivery| (200..300).contains(&delivery.answered))
                .collect();
            if accepted.len() >= count || tokio::time::Instant::now() >= deadline {
                return accepted;
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }
}
