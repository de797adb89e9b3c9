//! `make attack`: hostile traffic against a running `latch`, each scenario printing one
//! `key=value` line for `bench/attack`'s table. The server must trust X-Forwarded-For from
//! loopback (LATCH_TRUSTED_PROXIES=127.0.0.1), so each request can be a different client.

use std::time::Duration;

use clap::{Args, ValueEnum};
use reqwest::{Method, StatusCode};
use tokio::time::Instant;

use crate::load::client;
use crate::stats::{Report, Samples};

#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum Scenario {
    /// 50 concurrent wrong passwords for one account: how many reached the hash (401).
    Burst,
    /// The owner's browser signs in while 100 failures from 50 addresses block the account.
    Owner,
    /// 10,000 requests with made-up HTTP methods: /metrics series and RSS before and after.
    Methods,
    /// 10,000 logins with unknown 10 KB identifiers: time and RSS.
    Identifiers,
    /// An admin adds users as fast as the server lets them: how many invitations went out.
    Invitations,
}

#[derive(Debug, Args)]
pub struct AttackArgs {
    scenario: Scenario,
    /// Base URL of the server, e.g. http://127.0.0.1:3200.
    #[arg(long)]
    base: String,
    /// The server's process id (its RSS is read from /proc).
    #[arg(long)]
    pid: u32,
    /// An account that exists (the owner in `owner`, the victim in `burst`) and its password.
    #[arg(long, default_value = "bench")]
    identifier: String,
    #[arg(long, default_value = "correct horse battery staple")]
    password: String,
    /// An admin of the company `invitations` adds users to.
    #[arg(long, default_value = "admin")]
    admin: String,
    #[arg(long, default_value_t = 16)]
    concurrency: usize,
}

pub async fn run(args: &AttackArgs) -> anyhow::Result<()> {
    let base = args.base.trim_end_matches('/').to_owned();
    let mut report = Report::default();
    match args.scenario {
        Scenario::Burst => burst(&base, args, &mut report).await?,
        Scenario::Owner => owner(&base, args, &mut report).await?,
        Scenario::Methods => methods(&base, args, &mut report).await?,
        Scenario::Identifiers => identifiers(&base, args, &mut report).await?,
        Scenario::Invitations => invitations(&base, args, &mut report).await?,
    }
    report.print();
    Ok(())
}

struct Login<'a> {
    base: &'a str,
    client_ip: String,
    identifier: &'a str,
    password: &'a str,
    cookie: Option<&'a str>,
}

/// One login: its status, the cookies it set (`name=value; ...`) and how long it took.
async fn log_in(
    client: &reqwest::Client,
    login: Login<'_>,
) -> anyhow::Result<(StatusCode, String, Duration)> {
    let started = Instant::now();
    let mut request = client
        .post(format!("{}/api/login", login.base))
        .header("x-forwarded-for", &login.client_ip)
        .form(&[
            ("identifier", login.identifier),
            ("password", login.password),
        ]);
    if let Some(cookie) = login.cookie {
        request = request.header(reqwest::header::COOKIE, cookie);
    }
    let response = request.send().await?;
    let status = response.status();
    let cookies = response
        .headers()
        .get_all(reqwest::header::SET_COOKIE)
        .iter()
        .filter_map(|value| value.to_str().ok()?.split(';').next())
        .collect::<Vec<_>>()
        .join("; ");
    response.bytes().await?;
    Ok((status, cookies, started.elapsed()))
}

async fn burst(base: &str, args: &AttackArgs, report: &mut Report) -> anyhow::Result<()> {
    let client = client()?;
    let guesses: Vec<_> = (0..50)
        .map(|n| {
            let (client, base) = (client.clone(), base.to_owned());
            let identifier = args.identifier.clone();
            tokio::spawn(async move {
                let login = Login {
                    base: &base,
                    client_ip: format!("10.50.0.{}", n + 1),
                    identifier: &identifier,
                    password: "a wrong guess",
                    cookie: None,
                };
                log_in(&client, login).await.map(|(status, ..)| status)
            })
        })
        .collect();
    let (mut checked, mut throttled, mut other) = (0, 0, 0);
    for guess in guesses {
        match guess.await?? {
            StatusCode::UNAUTHORIZED => checked += 1,
            StatusCode::TOO_MANY_REQUESTS => throttled += 1,
            _ => other += 1,
        }
    }
    report
        .put("guesses", 50)
        .put("hashed", checked)
        .put("throttled", throttled)
        .put("other", other);
    Ok(())
}

async fn owner(base: &str, args: &AttackArgs, report: &mut Report) -> anyhow::Result<()> {
    let client = client()?;
    let login = |client_ip: String, guess: Option<&'static str>| Login {
        base,
        client_ip,
        identifier: &args.identifier,
        password: guess.unwrap_or(&args.password),
        cookie: None,
    };
    let (status, owners_cookies, _) = log_in(&client, login("10.60.0.1".into(), None)).await?;
    anyhow::ensure!(status.is_success(), "the owner's first login: {status}");
    let device = owners_cookies
        .split("; ")
        .find(|cookie| cookie.contains("latch_device="))
        .ok_or_else(|| anyhow::anyhow!("no known-device cookie in {owners_cookies}"))?
        .to_owned();
    for n in 0..100 {
        let stranger = format!("10.61.0.{}", n % 50 + 1);
        log_in(&client, login(stranger, Some("a guess"))).await?;
    }
    let (new_device, _, _) = log_in(&client, login("10.62.0.1".into(), None)).await?;
    let owners_browser = Login {
        cookie: Some(&device),
        ..login("10.60.0.1".into(), None)
    };
    let (owner, _, took) = log_in(&client, owners_browser).await?;
    report
        .put("stranger_failures", 100)
        .put("new_device_status", new_device.as_u16())
        .put("owner_status", owner.as_u16())
        .ms("owner_ms", took.as_secs_f64() * 1000.0);
    Ok(())
}

/// Resident memory of `pid` in MiB.
fn rss_mib(pid: u32) -> f64 {
    std::fs::read_to_string(format!("/proc/{pid}/status"))
        .ok()
        .and_then(|status| {
            let line = status.lines().find(|line| line.starts_with("VmRSS:"))?;
            line.split_whitespace().nth(1)?.parse::<f64>().ok()
        })
        .map_or(f64::NAN, |kib| kib / 1024.0)
}

/// Lines of `/metrics` that are series (not comments).
async fn series(client: &reqwest::Client, base: &str) -> anyhow::Result<usize> {
    let text = client
        .get(format!("{base}/metrics"))
        .send()
        .await?
        .text()
        .await?;
    Ok(text.lines().filter(|line| !line.starts_with('#')).count())
}

/// Sends `total` requests made by `make(n)`, `concurrency` at a time; returns their statuses
/// and latencies.
async fn flood<F>(
    concurrency: usize,
    total: usize,
    make: F,
) -> anyhow::Result<(Vec<StatusCode>, Samples, Duration)>
where
    F: Fn(usize) -> reqwest::RequestBuilder + Send + Sync + 'static,
{
    let make = std::sync::Arc::new(make);
    let next = std::sync::Arc::new(std::sync::atomic::AtomicUsize::new(0));
    let started = Instant::now();
    let workers: Vec<_> = (0..concurrency.max(1))
        .map(|_| {
            let (make, next) = (make.clone(), next.clone());
            tokio::spawn(async move {
                let mut answers = Vec::new();
                loop {
                    let n = next.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                    if n >= total {
                        break;
                    }
                    let sent = Instant::now();
                    let response = make(n).send().await?;
                    let status = response.status();
                    response.bytes().await?;
                    answers.push((status, sent.elapsed()));
                }
                anyhow::Ok(answers)
            })
        })
        .collect();
    let (mut statuses, mut samples) = (Vec::new(), Samples::default());
    for worker in workers {
        for (status, elapsed) in worker.await?? {
            statuses.push(status);
            samples.push(elapsed);
        }
    }
    Ok((statuses, samples, started.elapsed()))
}

async fn methods(base: &str, args: &AttackArgs, report: &mut Report) -> anyhow::Result<()> {
    let client = client()?;
    // One made-up method and one scrape first: the series they create (`method="other"`, the
    // scrape's own) exist before the count starts, so the flood shows what it adds itself.
    let probe = Method::from_bytes(b"MADEUP").unwrap_or(Method::PATCH);
    client
        .request(probe, format!("{base}/login"))
        .send()
        .await?;
    series(&client, base).await?;
    let (series_before, rss_before) = (series(&client, base).await?, rss_mib(args.pid));
    let (flood_client, url) = (client.clone(), format!("{base}/login"));
    let (statuses, _, took) = flood(args.concurrency, 10_000, move |n| {
        let method = Method::from_bytes(format!("MADEUP{n}").as_bytes()).unwrap_or(Method::PATCH);
        flood_client.request(method, &url)
    })
    .await?;
    let series_after = series(&client, base).await?;
    report
        .put("requests", statuses.len())
        .put("series_added", series_after as i64 - series_before as i64)
        .put("rss_before_mib", format!("{rss_before:.1}"))
        .put("rss_after_mib", format!("{:.1}", rss_mib(args.pid)))
        .put("seconds", format!("{:.1}", took.as_secs_f64()));
    Ok(())
}

async fn identifiers(base: &str, args: &AttackArgs, report: &mut Report) -> anyhow::Result<()> {
    let client = client()?;
    let rss_before = rss_mib(args.pid);
    let (flood_client, url) = (client.clone(), format!("{base}/api/login"));
    let (statuses, mut samples, took) = flood(args.concurrency, 10_000, move |n| {
        let identifier = format!("{n:08}{}", "x".repeat(10 * 1024 - 8));
        flood_client
            .post(&url)
            .header(
                "x-forwarded-for",
                format!("10.70.{}.{}", n / 250, n % 250 + 1),
            )
            .form(&[("identifier", identifier.as_str()), ("password", "a guess")])
    })
    .await?;
    let refused = statuses
        .iter()
        .filter(|status| **status == StatusCode::UNAUTHORIZED)
        .count();
    report
        .put("requests", statuses.len())
        .put("answered_401", refused)
        .put("seconds", format!("{:.1}", took.as_secs_f64()))
        .latencies("login", &mut samples)
        .put("rss_before_mib", format!("{rss_before:.1}"))
        .put("rss_after_mib", format!("{:.1}", rss_mib(args.pid)));
    Ok(())
}

async fn invitations(base: &str, args: &AttackArgs, report: &mut Report) -> anyhow::Result<()> {
    let client = client()?;
    let admin = Login {
        base,
        client_ip: "10.80.0.1".to_owned(),
        identifier: &args.admin,
        password: &args.password,
        cookie: None,
    };
    let (status, cookies, _) = log_in(&client, admin).await?;
    anyhow::ensure!(status.is_success(), "the admin's login: {status}");
    let session = cookies
        .split("; ")
        .find(|cookie| cookie.contains("latch_session="))
        .ok_or_else(|| anyhow::anyhow!("no session cookie in {cookies}"))?
        .to_owned();
    let (flood_client, url) = (client.clone(), format!("{base}/api/admin/invite"));
    let (statuses, _, took) = flood(4, 200, move |n| {
        flood_client
            .post(&url)
            .header(reqwest::header::COOKIE, &session)
            .header("sec-fetch-site", "same-origin")
            .form(&[
                ("name", format!("Flood {n}")),
                ("username", format!("flood{n}")),
                ("email", format!("flood{n}@example.com")),
                ("role", "member".to_owned()),
            ])
    })
    .await?;
    let count = |wanted: fn(&StatusCode) -> bool| statuses.iter().filter(|s| wanted(s)).count();
    report
        .put("attempts", statuses.len())
        .put("invited", count(|s| s.is_success() || s.is_redirection()))
        .put("throttled", count(|s| *s == StatusCode::TOO_MANY_REQUESTS))
        .put(
            "other",
            count(|s| {
                !(s.is_success() || s.is_redirection() || *s == StatusCode::TOO_MANY_REQUESTS)
            }),
        )
        .put("seconds", format!("{:.1}", took.as_secs_f64()));
    Ok(())
}
