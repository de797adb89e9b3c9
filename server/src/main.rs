//! `latch`: the server binary and its operator CLI.

use std::io::IsTerminal;
use std::process::ExitCode;

use clap::Parser;
use latch_core::db;
use latch_server::cli::{
    Cli, Command, CompanyCommand, KeyCommand, KeysCommand, MailCommand, UserCommand,
};
use latch_server::commands::{self, CommandError};
use latch_server::settings::Settings;
use latch_server::startup::Application;
use latch_server::{site, telemetry};

/// jemalloc instead of glibc's allocator: after a login flood glibc kept the freed memory in
/// its per-thread heaps (60 MiB of anonymous memory 30 s after the flood; jemalloc: 15 MiB);
/// jemalloc's background thread returns pages unused for a second (see `.cargo/config.toml`).
#[cfg(unix)]
#[global_allocator]
static ALLOCATOR: tikv_jemallocator::Jemalloc = tikv_jemallocator::Jemalloc;

fn main() -> ExitCode {
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(runtime) => runtime,
        Err(err) => {
            eprintln!("latch: cannot start the async runtime: {err}");
            return ExitCode::FAILURE;
        }
    };
    let code = runtime.block_on(run());
    // Everything worth waiting for (a command's work, the server's graceful shutdown) is done
    // by now. A background task that does not stop (seen: sqlx's pool maintenance spinning
    // while a CLI command's pool was dropped) must not keep the process alive forever.
    runtime.shutdown_timeout(std::time::Duration::from_secs(2));
    code
}

async fn run() -> ExitCode {
    let cli = Cli::parse();
    let settings = match Settings::from_env() {
        Ok(settings) => settings,
        Err(err) => {
            eprintln!("latch: configuration error: {err}");
            return ExitCode::from(2);
        }
    };
    telemetry::init(settings.log_format);

    let outcome = match cli.command.unwrap_or(Command::Serve) {
        Command::Serve => return serve(settings).await,
        Command::Migrate => commands::migrate(&settings).await,
        Command::Company(CompanyCommand::Add {
            name,
            language,
            time_zone,
        }) => commands::add_company(&settings, &name, &language, &time_zone).await,
        Command::Company(CompanyCommand::Set(args)) => {
            commands::set_company_defaults(&settings, &args).await
        }
        Command::Mail(MailCommand::Status { failed }) => {
            commands::mail_status(&settings, failed).await
        }
        Command::Key(KeyCommand::Generate) => commands::generate_key(),
        Command::Keys(KeysCommand::Rotate { grace_hours }) => {
            commands::rotate_signing_keys(&settings, grace_hours).await
        }
        Command::Keys(KeysCommand::List) => commands::list_signing_keys(&settings).await,
        Command::BenchHash { seconds, threads } => {
            commands::bench_hash(&settings, seconds, threads).await
        }
        Command::User(UserCommand::Add(args)) => {
            if args.password_stdin && std::io::stdin().is_terminal() {
                eprintln!("Password (then Enter):");
            }
            commands::add_user(&settings, &args, std::io::stdin().lock()).await
        }
        Command::User(UserCommand::Reset { username }) => {
            commands::admin_reset(&settings, &username).await
        }
        Command::User(UserCommand::RemoveTwoStep { username }) => {
            commands::remove_two_step(&settings, &username).await
        }
        Command::User(UserCommand::Deactivate { username }) => {
            commands::set_user_active(&settings, &username, false).await
        }
        Command::User(UserCommand::Reactivate { username }) => {
            commands::set_user_active(&settings, &username, true).await
        }
        Command::User(UserCommand::Email { username, email }) => {
            commands::change_email(&settings, &username, &email).await
        }
    };
    match outcome {
        Ok(message) => {
            println!("{message}");
            ExitCode::SUCCESS
        }
        Err(CommandError::Refused(message)) => {
            eprintln!("latch: {message}");
            ExitCode::FAILURE
        }
        Err(CommandError::Unexpected(err)) => {
            eprintln!("latch: {err:#}");
            ExitCode::FAILURE
        }
    }
}

async fn serve(settings: Settings) -> ExitCode {
    if let Err(err) = settings.refuse_unsafe_serving() {
        eprintln!("latch: configuration error: {err}");
        return ExitCode::from(2);
    }
    let result = async {
        let leptos_options = site::leptos_options()?;
        let app = Application::build(settings, leptos_options).await?;
        if db::is_empty(&app.state.services.db).await? {
            print_first_run_help();
        }
        tracing::info!(
            address = %app.local_addr()?,
            public_url = %app.state.settings.public_url,
            mail = %app.state.mailer.describe(),
            "Latch is listening"
        );
        app.run_until_stopped().await?;
        anyhow::Ok(())
    }
    .await;
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(err) => {
            tracing::error!("{err:#}");
            eprintln!("latch: {err:#}");
            ExitCode::FAILURE
        }
    }
}

/// An empty database cannot be logged into: say exactly how to create the first admin.
fn print_first_run_help() {
    let exe = std::env::current_exe()
        .ok()
        .and_then(|exe| {
            let cwd = std::env::current_dir().ok()?;
            exe.strip_prefix(cwd).ok().map(|p| p.display().to_string())
        })
        .unwrap_or_else(|| "latch".to_owned());
    println!(
        "\nThis Latch has no company yet. Create the first company and its admin:\n\n  \
         {exe} company add \"Example Ltd\"\n  \
         {exe} user add --company \"Example Ltd\" --email admin@example.com \\\n      \
         --name \"Ada Admin\" --username admin --admin --password-stdin\n\n\
         (type the password, then Enter). Use the same LATCH_DATABASE_URL as the server.\n"
    );
}
