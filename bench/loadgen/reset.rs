//! "Forgot Password" answer times: one request at a time, a known address then an unknown one,
//! each from its own client address and used once, so throttling never kicks in.

use clap::Args;
use tokio::time::Instant;

use crate::load::client;
use crate::stats::{Report, Samples};

#[derive(Debug, Args)]
pub struct ResetArgs {
    #[arg(long)]
    base: String,
    /// Known addresses are `<prefix><n>@example.com` for n in from..from+count.
    #[arg(long, default_value = "known")]
    known_prefix: String,
    #[arg(long, default_value_t = 1)]
    from: usize,
    #[arg(long, default_value_t = 55)]
    count: usize,
    /// The first pairs are not measured (connections, caches).
    #[arg(long, default_value_t = 5)]
    warmup: usize,
}

pub async fn run(args: &ResetArgs) -> anyhow::Result<()> {
    let client = client()?;
    let url = format!("{}/api/request_reset", args.base.trim_end_matches('/'));
    let request = |email: String, client_no: usize| {
        let (client, url) = (client.clone(), url.clone());
        async move {
            let address = format!("10.200.{}.{}", client_no / 250, client_no % 250 + 1);
            let started = Instant::now();
            let response = client
                .post(&url)
                .header("x-forwarded-for", address)
                .form(&[("email", email.as_str())])
                .send()
                .await?;
            let status = response.status();
            let location = response
                .headers()
                .get(reqwest::header::LOCATION)
                .and_then(|value| value.to_str().ok())
                .map(str::to_owned);
            response.bytes().await?;
            let elapsed = started.elapsed();
            let answered_sent = location
                .as_deref()
                .is_none_or(|to| to == "/forgot-password/sent");
            if !(status.is_success() || status.is_redirection()) || !answered_sent {
                anyhow::bail!("{email}: HTTP {status}, location {location:?}");
            }
            anyhow::Ok(elapsed)
        }
    };
    let (mut known, mut unknown) = (Samples::default(), Samples::default());
    for n in args.from..args.from + args.count {
        let k = request(format!("{}{n}@example.com", args.known_prefix), 2 * n).await?;
        let u = request(format!("nobody{n}@example.com"), 2 * n + 1).await?;
        if n >= args.from + args.warmup {
            known.push(k);
            unknown.push(u);
        }
    }
    let mut report = Report::default();
    let (known_p50, unknown_p50) = (known.percentile(50.0), unknown.percentile(50.0));
    report
        .latencies("known", &mut known)
        .latencies("unknown", &mut unknown)
        .ms("gap_ms", known_p50 - unknown_p50);
    report.print();
    Ok(())
}
