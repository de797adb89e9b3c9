//! Load generator for `make bench` (see `bench/run`): real HTTP on loopback against a running
//! `latch`, with latencies split by outcome, which wrk cannot do. Each subcommand prints one line
//! of `key=value` pairs.
//!
//! One thread on purpose: it keeps the client off the server's cores as far as the pinning
//! (`taskset`) allows, and loopback rates here need no more.

mod attack;
mod load;
mod reset;
mod startup;
mod stats;

use std::time::Duration;

use clap::{Args, Parser, Subcommand};

#[derive(Debug, Parser)]
#[command(about = "Latch load generator for `make bench`")]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Concurrent logins (POST /api/login) for a while, optionally with a signed-in page probe.
    Login(LoginArgs),
    /// Concurrent GETs of one path (optionally signed in) for a while.
    Get(GetArgs),
    /// "Forgot Password" answer times, known and unknown addresses interleaved.
    Reset(reset::ResetArgs),
    /// Time from starting a command to its first 200 (or to its exit, without --url).
    Startup(startup::StartupArgs),
    /// Hostile traffic, one scenario (`make attack`).
    Attack(attack::AttackArgs),
}

#[derive(Debug, Args)]
struct Target {
    /// Base URL of the server, e.g. http://127.0.0.1:3200.
    #[arg(long)]
    base: String,
    /// Requests in flight at once.
    #[arg(long, default_value_t = 4)]
    concurrency: usize,
    /// Measured seconds.
    #[arg(long, default_value_t = 10.0)]
    seconds: f64,
    /// Unmeasured seconds first (connections, caches).
    #[arg(long, default_value_t = 1.0)]
    warmup: f64,
}

#[derive(Debug, Args)]
struct LoginArgs {
    #[command(flatten)]
    target: Target,
    #[arg(long)]
    identifier: String,
    #[arg(long)]
    password: String,
    /// Sign in as ACCOUNTS accounts, IDENTIFIER1 to IDENTIFIERn, worker w as account
    /// w mod n + 1 (the probe stays IDENTIFIER): one account's logins in flight at once meet
    /// its own throttle past its allowance, as a real account's would. 0: every worker is
    /// IDENTIFIER.
    #[arg(long, default_value_t = 0)]
    accounts: usize,
    /// Also GET this page every --probe-every-ms as a signed-in user (e.g. /settings/account).
    #[arg(long)]
    probe_path: Option<String>,
    #[arg(long, default_value_t = 50)]
    probe_every_ms: u64,
}

#[derive(Debug, Args)]
struct GetArgs {
    #[command(flatten)]
    target: Target,
    #[arg(long)]
    path: String,
    /// Sign in first as this user (`--password` too) and send the session cookie.
    #[arg(long)]
    identifier: Option<String>,
    #[arg(long)]
    password: Option<String>,
}

impl Target {
    fn plan(&self) -> load::Plan {
        load::Plan {
            base: self.base.trim_end_matches('/').to_owned(),
            concurrency: self.concurrency.max(1),
            warmup: Duration::from_secs_f64(self.warmup.max(0.0)),
            measure: Duration::from_secs_f64(self.seconds.max(0.1)),
        }
    }
}

#[tokio::main(flavor = "current_thread")]
async fn main() -> anyhow::Result<()> {
    match Cli::parse().command {
        Command::Login(args) => {
            let probe = args.probe_path.map(|path| load::Probe {
                path,
                every: Duration::from_millis(args.probe_every_ms.max(1)),
            });
            load::logins(
                &args.target.plan(),
                &args.identifier,
                args.accounts,
                &args.password,
                probe,
            )
            .await
        }
        Command::Get(args) => {
            let user = args.identifier.zip(args.password);
            load::gets(&args.target.plan(), &args.path, user).await
        }
        Command::Reset(args) => reset::run(&args).await,
        Command::Startup(args) => startup::run(&args).await,
        Command::Attack(args) => attack::run(&args).await,
    }
}
