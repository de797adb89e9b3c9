//! Start-up time: from spawning a command to its first HTTP 200 on `--url` (or, without it,
//! to the command's exit, e.g. `latch --version` as the process-start reference).

use std::process::{Command, Stdio};
use std::time::Duration;

use anyhow::Context;
use clap::Args;
use tokio::time::Instant;

use crate::stats::{Report, Samples};

#[derive(Debug, Args)]
pub struct StartupArgs {
    /// Poll this URL until it answers 200; the command is then killed.
    #[arg(long)]
    url: Option<String>,
    #[arg(long, default_value_t = 5)]
    runs: usize,
    /// Delete these files before each run (a fresh SQLite database each time).
    #[arg(long)]
    remove: Vec<std::path::PathBuf>,
    /// Give up on a run after this many seconds.
    #[arg(long, default_value_t = 30)]
    timeout: u64,
    /// The command and its arguments.
    #[arg(last = true, required = true)]
    command: Vec<String>,
}

pub async fn run(args: &StartupArgs) -> anyhow::Result<()> {
    let client = reqwest::Client::builder()
        .timeout(Duration::from_secs(2))
        .build()
        .context("building the HTTP client")?;
    let (program, rest) = args.command.split_first().context("no command to start")?;
    let mut times = Samples::default();
    for _ in 0..args.runs {
        for file in &args.remove {
            let _ = std::fs::remove_file(file);
        }
        let started = Instant::now();
        let mut child = Command::new(program)
            .args(rest)
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .with_context(|| format!("starting {program}"))?;
        let outcome = match &args.url {
            Some(url) => first_ok(&client, url, started, args.timeout).await,
            None => {
                let status = child.wait().context("waiting for the command")?;
                if status.success() {
                    Ok(())
                } else {
                    Err(anyhow::anyhow!("{program} exited with {status}"))
                }
            }
        };
        let elapsed = started.elapsed();
        let _ = child.kill();
        let _ = child.wait();
        outcome?;
        times.push(elapsed);
    }
    let mut report = Report::default();
    let min = times.percentile(0.0);
    report
        .latencies("start", &mut times)
        .ms("start_min_ms", min);
    report.print();
    Ok(())
}

async fn first_ok(
    client: &reqwest::Client,
    url: &str,
    started: Instant,
    timeout: u64,
) -> anyhow::Result<()> {
    while started.elapsed() < Duration::from_secs(timeout) {
        if let Ok(response) = client.get(url).send().await
            && response.status() == reqwest::StatusCode::OK
        {
            return Ok(());
        }
        tokio::time::sleep(Duration::from_millis(2)).await;
    }
    anyhow::bail!("{url} did not answer 200 within {timeout} s")
}
