//! Latch's public keys (`GET /.well-known/jwks.json`), cached: fetched again after a few
//! minutes, or at once when a token names a key the cache does not have (Latch has rotated),
//! but at most every few seconds, so tokens naming made-up keys cannot turn the CRM into a
//! flood of requests to Latch.

use std::time::{Duration, Instant};

use anyhow::Context;
use jsonwebtoken::jwk::JwkSet;
use tokio::sync::Mutex;

/// How long a fetched JWKS is used before it is fetched again.
pub const FRESH_FOR: Duration = Duration::from_secs(300);
/// The shortest time between two fetches (an unknown key does not refetch sooner).
pub const MIN_REFETCH_INTERVAL: Duration = Duration::from_secs(10);

pub struct Jwks {
    url: String,
    client: reqwest::Client,
    cache: Mutex<Cache>,
}

#[derive(Default)]
struct Cache {
    keys: Option<JwkSet>,
    fetched_at: Option<Instant>,
}

impl Jwks {
    pub fn new(url: String) -> anyhow::Result<Self> {
        let client = reqwest::Client::builder()
            .timeout(Duration::from_secs(5))
            .build()
            .context("building the HTTP client")?;
        Ok(Self {
            url,
            client,
            cache: Mutex::default(),
        })
    }

    /// The key set to check a token with key id `kid` against: the cached one while it is
    /// fresh and has `kid`, else a newly fetched one (when allowed; else the cached one,
    /// which then refuses the token).
    pub async fn for_key(&self, kid: &str) -> anyhow::Result<JwkSet> {
        let mut cache = self.cache.lock().await;
        let age = cache.fetched_at.map(|at| at.elapsed());
        let fresh = age.is_some_and(|age| age < FRESH_FOR);
        let has_kid = cache
            .keys
            .as_ref()
            .is_some_and(|keys| keys.find(kid).is_some());
        let may_refetch = age.is_none_or(|age| age >= MIN_REFETCH_INTERVAL);
        if (!fresh || !has_kid) && may_refetch {
            match self.fetch().await {
                Ok(keys) => {
                    cache.keys = Some(keys);
                    cache.fetched_at = Some(Instant::now());
                }
                // Keys already known keep working while Latch cannot be reached.
                Err(err) if cache.keys.is_some() => {
                    tracing::warn!("cannot refresh Latch's JWKS, using the cached one: {err:#}");
                }
                Err(err) => return Err(err),
            }
        }
        cache.keys.clone().context("no JWKS fetched yet")
    }

    async fn fetch(&self) -> anyhow::Result<JwkSet> {
        tracing::info!(url = %self.url, "fetching Latch's JWKS");
        let response = self
            .client
            .get(&self.url)
            .send()
            .await
            .and_then(reqwest::Response::error_for_status)
            .with_context(|| format!("GET {}", self.url))?;
        response
            .json::<JwkSet>()
            .await
            .with_context(|| format!("reading the JWKS at {}", self.url))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::token::tests::TestKey;
    use axum::Json;
    use axum::routing::get;
    use serde_json::{Value, json};
    use std::sync::atomic::{AtomicUsize, Ordering};
    use std::sync::{Arc, RwLock};

    /// A stand-in for Latch's JWKS endpoint whose keys the test changes, counting requests.
    struct Published {
        keys: RwLock<Vec<Value>>,
        fetches: AtomicUsize,
    }

    async fn serve(published: Arc<Published>) -> String {
        let app = axum::Router::new().route(
            "/.well-known/jwks.json",
            get(move || {
                let published = published.clone();
                async move {
                    published.fetches.fetch_add(1, Ordering::SeqCst);
                    Json(json!({ "keys": *published.keys.read().unwrap() }))
                }
            }),
        );
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
        format!("http://{addr}/.well-known/jwks.json")
    }

    #[tokio::test]
    async fn keys_are_fetched_once_then_served_from_the_cache() {
        let key = TestKey::new("k1");
        let published = Arc::new(Published {
            keys: RwLock::new(vec![key.jwk()]),
            fetches: AtomicUsize::new(0),
        });
        let jwks = Jwks::new(serve(published.clone()).await).unwrap();

        for _ in 0..5 {
            let keys = jwks.for_key("k1").await.unwrap();
            assert!(keys.find("k1").is_some());
        }

        assert_eq!(published.fetches.load(Ordering::SeqCst), 1);
    }

    #[tokio::test]
    async fn unknown_keys_do_not_refetch_more_than_once_per_interval() {
        let key = TestKey::new("k1");
        let published = Arc::new(Published {
            keys: RwLock::new(vec![key.jwk()]),
            fetches: AtomicUsize::new(0),
        });
        let jwks = Jwks::new(serve(published.clone()).await).unwrap();
        jwks.for_key("k1").await.unwrap();

        for attempt in 0..20 {
            let keys = jwks.for_key(&format!("made-up-{attempt}")).await.unwrap();
            assert!(keys.find(&format!("made-up-{attempt}")).is_none());
        }

        assert_eq!(published.fetches.load(Ordering::SeqCst), 1);
    }

    #[tokio::test]
    async fn a_key_latch_rotated_in_is_found_by_fetching_again() {
        let (old, new) = (TestKey::new("old"), TestKey::new("new"));
        let published = Arc::new(Published {
            keys: RwLock::new(vec![old.jwk()]),
            fetches: AtomicUsize::new(0),
        });
        let jwks = Jwks::new(serve(published.clone()).await).unwrap();
        jwks.for_key("old").await.unwrap();
        // Latch rotates: the new key first, the old one in its grace period.
        *published.keys.write().unwrap() = vec![new.jwk(), old.jwk()];
        // As if the interval had passed since the last fetch.
        jwks.cache.lock().await.fetched_at = Some(Instant::now() - MIN_REFETCH_INTERVAL);

        let keys = jwks.for_key("new").await.unwrap();

        assert!(keys.find("new").is_some());
        assert!(keys.find("old").is_some());
        assert_eq!(published.fetches.load(Ordering::SeqCst), 2);
    }
}
