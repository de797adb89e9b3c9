//! Closed-loop load: `concurrency` workers, each sending its next request as soon as the last
//! one is answered. Only requests that finish inside the measured window count.

use std::sync::Arc;
use std::time::Duration;

use anyhow::Context;
use reqwest::StatusCode;
use tokio::time::Instant;

use crate::stats::{Report, Samples, own_cpu_seconds};

pub struct Plan {
    pub base: String,
    pub concurrency: usize,
    pub warmup: Duration,
    pub measure: Duration,
}

/// A signed-in page fetched at a steady pace while the load runs.
pub struct Probe {
    pub path: String,
    pub every: Duration,
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Outcome {
    Ok,
    /// 503: the hasher was saturated past its wait bound.
    Busy,
    Other,
}

struct Window {
    start: Instant,
    end: Instant,
}

impl Window {
    fn after(plan: &Plan) -> Self {
        let start = Instant::now() + plan.warmup;
        Self {
            start,
            end: start + plan.measure,
        }
    }

    fn counts(&self, finished: Instant) -> bool {
        finished >= self.start && finished <= self.end
    }
}

pub fn client() -> anyhow::Result<reqwest::Client> {
    reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .timeout(Duration::from_secs(30))
        .build()
        .context("building the HTTP client")
}

/// Each worker its own client address, so per-address throttling (which trusts
/// X-Forwarded-For from LATCH_TRUSTED_PROXIES only) sees many clients, as in real life.
fn client_address(worker: usize) -> String {
    format!(
        "10.{}.{}.{}",
        100 + worker / 62_500,
        (worker / 250) % 250,
        worker % 250 + 1
    )
}

async fn log_in(
    client: &reqwest::Client,
    base: &str,
    identifier: &str,
    password: &str,
    address: &str,
) -> anyhow::Result<(Outcome, Option<String>)> {
    let response = client
        .post(format!("{base}/api/login"))
        .header("x-forwarded-for", address)
        .form(&[("identifier", identifier), ("password", password)])
        .send()
        .await?;
    let cookie = response
        .headers()
        .get_all(reqwest::header::SET_COOKIE)
        .iter()
        .filter_map(|value| value.to_str().ok())
        .find(|value| value.contains("latch_session="))
        .and_then(|value| value.split(';').next())
        .map(str::to_owned);
    let status = response.status();
    let _ = response.bytes().await;
    Ok(match status {
        _ if (status.is_success() || status.is_redirection()) && cookie.is_some() => {
            (Outcome::Ok, cookie)
        }
        StatusCode::SERVICE_UNAVAILABLE => (Outcome::Busy, None),
        _ => (Outcome::Other, None),
    })
}

/// Signs in once and returns the `Cookie` header value.
pub async fn session_cookie(
    client: &reqwest::Client,
    base: &str,
    identifier: &str,
    password: &str,
) -> anyhow::Result<String> {
    match log_in(client, base, identifier, password, "10.99.0.1").await? {
        (Outcome::Ok, Some(cookie)) => Ok(cookie),
        _ => anyhow::bail!("signing in as {identifier} failed"),
    }
}

async fn get(client: &reqwest::Client, url: &str, cookie: Option<&str>) -> Outcome {
    let mut request = client.get(url);
    if let Some(cookie) = cookie {
        request = request.header(reqwest::header::COOKIE, cookie);
    }
    match request.send().await {
        Ok(response) => {
            let ok = response.status() == StatusCode::OK;
            match response.bytes().await {
                Ok(_) if ok => Outcome::Ok,
                _ => Outcome::Other,
            }
        }
        Err(_) => Outcome::Other,
    }
}

type Results = Vec<(Outcome, Duration)>;

/// Runs `concurrency` workers until the window ends; `send(worker)` makes one request.
async fn closed_loop<F, Fut>(plan: &Plan, window: &Arc<Window>, send: F) -> anyhow::Result<Results>
where
    F: Fn(usize) -> Fut + Clone + Send + 'static,
    Fut: std::future::Future<Output = Outcome> + Send + 'static,
{
    let workers: Vec<_> = (0..plan.concurrency)
        .map(|worker| {
            let (send, window) = (send.clone(), window.clone());
            tokio::spawn(async move {
                let mut results = Results::new();
                while Instant::now() < window.end {
                    let started = Instant::now();
                    let outcome = send(worker).await;
                    let finished = Instant::now();
                    if window.counts(finished) {
                        results.push((outcome, finished - started));
                    }
                }
                results
            })
        })
        .collect();
    let mut all = Results::new();
    for worker in workers {
        all.extend(worker.await.context("joining a load worker")?);
    }
    Ok(all)
}

fn summarise(report: &mut Report, plan: &Plan, results: &Results) {
    let by = |wanted: Outcome| {
        let mut samples = Samples::default();
        for (_, elapsed) in results.iter().filter(|(outcome, _)| *outcome == wanted) {
            samples.push(*elapsed);
        }
        samples
    };
    let (mut ok, mut busy, other) = (by(Outcome::Ok), by(Outcome::Busy), by(Outcome::Other));
    let seconds = plan.measure.as_secs_f64();
    report
        .put("concurrency", plan.concurrency)
        .put("seconds", format!("{seconds:.1}"))
        .put("ok_per_sec", format!("{:.1}", ok.len() as f64 / seconds))
        .latencies("ok", &mut ok)
        .latencies("busy", &mut busy)
        .put("other_n", other.len());
}

/// `loadgen login`: logins/s, latencies of accepted and of 503 answers, and the probe's.
pub async fn logins(
    plan: &Plan,
    identifier: &str,
    accounts: usize,
    password: &str,
    probe: Option<Probe>,
) -> anyhow::Result<()> {
    let client = client()?;
    let probe_cookie = match &probe {
        Some(_) => Some(session_cookie(&client, &plan.base, identifier, password).await?),
        None => None,
    };
    let window = Arc::new(Window::after(plan));
    let probe_task = probe.zip(probe_cookie).map(|(probe, cookie)| {
        let (client, window) = (client.clone(), window.clone());
        let url = format!("{}{}", plan.base, probe.path);
        tokio::spawn(async move {
            let mut results = Results::new();
            let mut tick = tokio::time::interval(probe.every);
            tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
            while Instant::now() < window.end {
                tick.tick().await;
                let started = Instant::now();
                let outcome = get(&client, &url, Some(&cookie)).await;
                if window.counts(Instant::now()) {
                    results.push((outcome, started.elapsed()));
                }
            }
            results
        })
    });

    let (base, id, pw) = (
        plan.base.clone(),
        identifier.to_owned(),
        password.to_owned(),
    );
    let results = closed_loop(plan, &window, move |worker| {
        let (client, base, id, pw) = (client.clone(), base.clone(), id.clone(), pw.clone());
        async move {
            let address = client_address(worker);
            let id = match accounts {
                0 => id,
                n => format!("{id}{}", worker % n + 1),
            };
            match log_in(&client, &base, &id, &pw, &address).await {
                Ok((outcome, _)) => outcome,
                Err(_) => Outcome::Other,
            }
        }
    })
    .await?;

    let mut report = Report::default();
    summarise(&mut report, plan, &results);
    if let Some(task) = probe_task {
        let probes = task.await.context("joining the probe")?;
        let mut fast = Samples::default();
        for (_, elapsed) in &probes {
            fast.push(*elapsed);
        }
        let failed = probes.iter().filter(|(o, _)| *o != Outcome::Ok).count();
        report
            .latencies("probe", &mut fast)
            .put("probe_failed", failed);
    }
    report.put("client_cpu_s", format!("{:.2}", own_cpu_seconds()));
    report.print();
    Ok(())
}

/// `loadgen get`: requests/s and latencies of one path.
pub async fn gets(plan: &Plan, path: &str, user: Option<(String, String)>) -> anyhow::Result<()> {
    let client = client()?;
    let cookie = match user {
        Some((id, pw)) => Some(session_cookie(&client, &plan.base, &id, &pw).await?),
        None => None,
    };
    let window = Arc::new(Window::after(plan));
    let url = format!("{}{}", plan.base, path);
    let results = closed_loop(plan, &window, move |_| {
        let (client, url, cookie) = (client.clone(), url.clone(), cookie.clone());
        async move { get(&client, &url, cookie.as_deref()).await }
    })
    .await?;
    let mut report = Report::default();
    summarise(&mut report, plan, &results);
    report.put("client_cpu_s", format!("{:.2}", own_cpu_seconds()));
    report.print();
    Ok(())
}
