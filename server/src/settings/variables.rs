//! Reading the `LATCH_*` variables with clap (`env`): each variable's name, default and value
//! parser in one place, every refusal worded to follow "variable X: ".

use std::net::IpAddr;
use std::path::PathBuf;

use clap::{CommandFactory, FromArgMatches};
use latch_core::auth::LoginPolicy;
use latch_core::mail::{self, Mailbox};
use latch_core::return_targets::{AppUrl, ReturnOrigin};
use latch_core::server_key::ServerKey;
use latch_core::webhooks::WebhookSecret;
use latch_domain::PasswordPolicy;
use url::Url;

use super::{
    DEFAULT_DATABASE_URL, DEFAULT_DEV_MAILBOX_DIR, DEFAULT_MAIL_FROM, DEFAULT_PUBLIC_URL,
    LogFormat, SettingsError,
};

/// The `LATCH_*` variables as clap reads them: one field per variable, each with its default
/// and the parser that turns its text into a value or says why not, in words meant to follow
/// "variable X: ". The long names only carry values handed over by [`Variables::from_lookup`].
#[derive(clap::Parser)]
#[command(
    no_binary_name = true,
    disable_help_flag = true,
    disable_version_flag = true
)]
pub(super) struct Variables {
    #[arg(
        long,
        env = "LATCH_DATABASE_URL",
        default_value = DEFAULT_DATABASE_URL,
        value_parser = database_url
    )]
    pub(super) database_url: String,
    #[arg(
        long,
        env = "LATCH_PUBLIC_URL",
        default_value = DEFAULT_PUBLIC_URL,
        value_parser = public_url
    )]
    pub(super) public_url: Url,
    #[arg(long, env = "LATCH_APP_URL", value_parser = app_url)]
    pub(super) app_url: Option<AppUrl>,
    #[arg(long, env = "LATCH_ALLOWED_RETURN_ORIGINS", value_parser = return_origins)]
    pub(super) allowed_return_origins: Option<ReturnOrigins>,
    #[arg(long, env = "LATCH_TOKEN_AUDIENCE", value_parser = token_audience)]
    pub(super) token_audience: Option<String>,
    #[arg(
        long,
        env = "LATCH_TOKEN_KEYS_REFRESH_SECONDS",
        default_value = "30",
        value_parser = number(0, 3600)
    )]
    pub(super) token_keys_refresh_seconds: u64,
    #[arg(long, env = "LATCH_SMTP_URL", value_parser = smtp_url)]
    pub(super) smtp_url: Option<String>,
    #[arg(
        long,
        env = "LATCH_MAIL_FROM",
        default_value = DEFAULT_MAIL_FROM,
        value_parser = mail_from
    )]
    pub(super) mail_from: Mailbox,
    #[arg(long, env = "LATCH_DEV_MAILBOX_DIR", default_value = DEFAULT_DEV_MAILBOX_DIR)]
    pub(super) dev_mailbox_dir: PathBuf,
    #[arg(long, env = "LATCH_TRUSTED_PROXIES", value_parser = trusted_proxies)]
    pub(super) trusted_proxies: Option<TrustedProxies>,
    #[arg(
        long,
        env = "LATCH_RESET_LINK_MINUTES",
        default_value = "30",
        value_parser = reset_link_minutes
    )]
    pub(super) reset_link_minutes: i64,
    #[arg(
        long,
        env = "LATCH_HASH_CONCURRENCY",
        default_value_t = cores(),
        value_parser = number(1, 256)
    )]
    pub(super) hash_concurrency: u64,
    #[arg(
        long,
        env = "LATCH_HASH_MAX_WAIT_MS",
        default_value = "2000",
        value_parser = number(0, 60_000)
    )]
    pub(super) hash_max_wait_ms: u64,
    #[arg(
        long,
        env = "LATCH_PASSWORD_MIN_LENGTH",
        default_value_t = PasswordPolicy::LENGTH_FLOOR as u64,
        value_parser = number(
            PasswordPolicy::LENGTH_FLOOR as u64,
            PasswordPolicy::LENGTH_CEILING as u64,
        )
    )]
    pub(super) password_min_length: u64,
    #[arg(
        long,
        env = "LATCH_PASSWORD_MIN_SCORE",
        default_value_t = PasswordPolicy::default().min_score().into(),
        value_parser = number(0, 4)
    )]
    pub(super) password_min_score: u64,
    #[arg(
        long,
        env = "LATCH_ADMIN_RESET_LINK_HOURS",
        default_value = "24",
        value_parser = number(1, 24 * 14)
    )]
    pub(super) admin_reset_link_hours: u64,
    #[arg(
        long,
        env = "LATCH_INVITATION_LINK_HOURS",
        default_value = "72",
        value_parser = number(1, 24 * 30)
    )]
    pub(super) invitation_link_hours: u64,
    #[arg(
        long,
        env = "LATCH_OUTBOX_LEASE_SECONDS",
        default_value = "300",
        value_parser = number(1, 3600)
    )]
    pub(super) outbox_lease_seconds: u64,
    #[arg(
        long,
        env = "LATCH_LINK_RETENTION_DAYS",
        default_value = "7",
        value_parser = number(1, 3650)
    )]
    pub(super) link_retention_days: u64,
    #[arg(
        long,
        env = "LATCH_AUDIT_RETENTION_DAYS",
        default_value = "400",
        value_parser = number(1, 36500)
    )]
    pub(super) audit_retention_days: u64,
    #[arg(long, env = "LATCH_COOKIE_DOMAIN", value_parser = cookie_domain)]
    pub(super) cookie_domain: Option<String>,
    #[arg(long, env = "LATCH_SECRET_KEY", value_parser = server_key)]
    pub(super) secret_key: Option<KeyText>,
    #[arg(long, env = "LATCH_SECRET_KEY_FILE")]
    pub(super) secret_key_file: Option<PathBuf>,
    #[arg(long, env = "LATCH_PREVIOUS_SECRET_KEYS", value_parser = previous_server_keys)]
    pub(super) previous_secret_keys: Option<PreviousKeys>,
    #[arg(
        long,
        env = "LATCH_LOGIN_FREE_FAILURES",
        default_value_t = LoginPolicy::default().per_identifier.free_failures as u64,
        value_parser = number(1, 100)
    )]
    pub(super) login_free_failures: u64,
    #[arg(
        long,
        env = "LATCH_LOGIN_CLIENT_FREE_FAILURES",
        default_value_t = LoginPolicy::default().per_client.free_failures as u64,
        value_parser = number(1, 100_000)
    )]
    pub(super) login_client_free_failures: u64,
    #[arg(
        long,
        env = "LATCH_LOGIN_SPRAY_ACCOUNTS",
        default_value_t = LoginPolicy::default().spray.free_failures as u64,
        value_parser = number(1, 10_000)
    )]
    pub(super) login_spray_accounts: u64,
    #[arg(
        long,
        env = "LATCH_LOGIN_BREAKER_FAILURES_PER_MINUTE",
        default_value_t = LoginPolicy::default().breaker.failures_per_minute as u64,
        value_parser = number(1, 1_000_000)
    )]
    pub(super) login_breaker_failures_per_minute: u64,
    #[arg(
        long,
        env = "LATCH_LOGIN_BREAKER_DELAY_MS",
        default_value_t = LoginPolicy::default().breaker.delay.as_millis() as u64,
        value_parser = number(0, 10_000)
    )]
    pub(super) login_breaker_delay_ms: u64,
    #[arg(
        long,
        env = "LATCH_KNOWN_DEVICE_DAYS",
        default_value_t = LoginPolicy::default().known_device_for.num_days() as u64,
        value_parser = number(1, 3650)
    )]
    pub(super) known_device_days: u64,
    #[arg(
        long,
        env = "LATCH_REQUEST_TIMEOUT_SECONDS",
        default_value = "30",
        value_parser = number(1, 3600)
    )]
    pub(super) request_timeout_seconds: u64,
    #[arg(long, env = "LATCH_LOG_FORMAT", default_value = "text", value_parser = log_format)]
    pub(super) log_format: LogFormat,
    #[arg(long, env = "LATCH_METRICS_TOKEN", value_parser = metrics_token)]
    pub(super) metrics_token: Option<String>,
    #[arg(long, env = "LATCH_WEBHOOK_URL", value_parser = webhook_url)]
    pub(super) webhook_url: Option<Url>,
    #[arg(long, env = "LATCH_WEBHOOK_SECRET", value_parser = webhook_secret)]
    pub(super) webhook_secret: Option<WebhookSecret>,
    #[arg(long, env = "LATCH_WEBHOOK_SECRET_FILE")]
    pub(super) webhook_secret_file: Option<PathBuf>,
    #[arg(
        long,
        env = "LATCH_INSECURE_DEV",
        default_value = "0",
        value_parser = switch,
        action = clap::ArgAction::Set
    )]
    pub(super) insecure_dev: bool,
}

/// `LATCH_SECRET_KEY`, checked to be a key but kept as text (it prints as redacted).
#[derive(Clone)]
pub(super) struct KeyText(pub(super) secrecy::SecretString);

/// `LATCH_PREVIOUS_SECRET_KEYS`: keys still accepted, each checked.
#[derive(Clone)]
pub(super) struct PreviousKeys(pub(super) Vec<secrecy::SecretString>);

/// The identity token's `aud`: any short printable text (an origin, a URN, a name).
fn token_audience(value: &str) -> Result<String, String> {
    let value = value.trim();
    if value.is_empty() || value.len() > 200 || value.chars().any(char::is_control) {
        return Err("expected the CRM's name for itself, 1 to 200 printable characters (for example https://crm.example.com)".to_owned());
    }
    Ok(value.to_owned())
}

/// A domain name (`example.com`; a leading dot is dropped), lowercased.
fn cookie_domain(value: &str) -> Result<String, String> {
    let domain = value.trim().trim_start_matches('.').to_ascii_lowercase();
    let label_ok = |label: &str| {
        !label.is_empty()
            && label.len() <= 63
            && label
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'-')
            && !label.starts_with('-')
            && !label.ends_with('-')
    };
    if domain.contains('.') && domain.split('.').all(label_ok) {
        Ok(domain)
    } else {
        Err("expected a domain name such as example.com".to_owned())
    }
}

fn server_key(value: &str) -> Result<KeyText, String> {
    ServerKey::from_text(value, &[]).map_err(|err| err.to_string())?;
    Ok(KeyText(value.trim().to_owned().into()))
}

fn previous_server_keys(value: &str) -> Result<PreviousKeys, String> {
    let keys = value
        .split(',')
        .map(str::trim)
        .filter(|key| !key.is_empty())
        .map(|key| server_key(key).map(|KeyText(key)| key))
        .collect::<Result<_, _>>()
        .map_err(|err| format!("a comma-separated list of keys: {err}"))?;
    Ok(PreviousKeys(keys))
}

/// `LATCH_ALLOWED_RETURN_ORIGINS`: one value holding a list (a newtype for clap, as below).
#[derive(Debug, Clone)]
pub(super) struct ReturnOrigins(pub(super) Vec<ReturnOrigin>);

/// `LATCH_TRUSTED_PROXIES` is one value holding a list; a newtype keeps clap from reading
/// a `Vec` field as a repeatable flag.
#[derive(Debug, Clone)]
pub(super) struct TrustedProxies(pub(super) Vec<IpAddr>);

impl Variables {
    pub(super) fn from_env() -> Result<Self, SettingsError> {
        // clap reads each variable; a blank one means "unset" (take the default), as an env
        // file's `LATCH_SMTP_URL=` line does, so clap is told to forget it. So is a value that
        // is not Unicode, which reading by hand ignored too.
        let command = Variables::command().mut_args(|arg| {
            let unset = arg.get_env().is_some_and(|name| {
                std::env::var(name).map_or(true, |value| value.trim().is_empty())
            });
            if unset { arg.env(None) } else { arg }
        });
        Self::parse(command, Vec::new())
    }

    /// Parses from any variable source, so tests need not touch the process environment:
    /// each variable `lookup` knows is handed to the same parsers as `--long-name=value`.
    pub(super) fn from_lookup(
        lookup: impl Fn(&str) -> Option<String>,
    ) -> Result<Self, SettingsError> {
        let mut args = Vec::new();
        let command = Variables::command().mut_args(|arg| {
            let name = arg.get_env().and_then(|name| name.to_str());
            let value = name
                .and_then(&lookup)
                .filter(|value| !value.trim().is_empty());
            if let (Some(long), Some(value)) = (arg.get_long(), value) {
                args.push(format!("--{long}={value}"));
            }
            // Only `lookup` speaks; never this process's own environment.
            arg.env(None)
        });
        Self::parse(command, args)
    }

    fn parse(command: clap::Command, args: Vec<String>) -> Result<Self, SettingsError> {
        command
            .try_get_matches_from(args)
            .and_then(|matches| Variables::from_arg_matches(&matches))
            .map_err(|err| settings_error(&err))
    }
}

/// "variable X: why", from the failing argument clap names (`--public-url <PUBLIC_URL>`) and
/// the words its parser gave.
fn settings_error(err: &clap::Error) -> SettingsError {
    use clap::error::{ContextKind, ContextValue};
    let flag = match err.get(ContextKind::InvalidArg) {
        Some(ContextValue::String(arg)) => arg.split_whitespace().next().map(str::to_owned),
        _ => None,
    };
    let variable = Variables::command()
        .get_arguments()
        .find(|arg| {
            arg.get_long()
                .is_some_and(|long| flag.as_deref() == Some(&format!("--{long}")))
        })
        .and_then(|arg| arg.get_env())
        // Only a value parser's refusal names an argument; nothing else can fail on values
        // this module hands over, but the message must still say where to look.
        .map_or_else(
            || "LATCH_*".to_owned(),
            |name| name.to_string_lossy().into_owned(),
        );
    let problem =
        std::error::Error::source(err).map_or_else(|| err.kind().to_string(), ToString::to_string);
    SettingsError { variable, problem }
}

fn cores() -> u64 {
    std::thread::available_parallelism().map_or(1, |n| n.get() as u64)
}

fn database_url(value: &str) -> Result<String, String> {
    if value.starts_with("sqlite:")
        || value.starts_with("postgres://")
        || value.starts_with("postgresql://")
    {
        Ok(value.to_owned())
    } else {
        Err("expected a sqlite:// or postgres:// URL".to_owned())
    }
}

fn public_url(value: &str) -> Result<Url, String> {
    let url = Url::parse(value).map_err(|err| format!("not a URL ({err})"))?;
    if !matches!(url.scheme(), "http" | "https") {
        return Err("expected an http:// or https:// URL".to_owned());
    }
    if url.host().is_none() || url.query().is_some() || url.fragment().is_some() {
        return Err("expected a base URL such as https://latch.example.com".to_owned());
    }
    Ok(url)
}

fn app_url(value: &str) -> Result<AppUrl, String> {
    AppUrl::parse(value)
}

fn return_origins(value: &str) -> Result<ReturnOrigins, String> {
    ReturnOrigin::parse_list(value).map(ReturnOrigins)
}

fn smtp_url(value: &str) -> Result<String, String> {
    // lettre's message can echo the URL; it may hold a password, so keep only the gist.
    mail::validate_smtp_url(value).map_err(|_| {
        "expected smtp://host:port, smtp://host?tls=required or smtps://user:password@host"
            .to_owned()
    })?;
    Ok(value.to_owned())
}

fn mail_from(value: &str) -> Result<Mailbox, String> {
    value
        .parse::<Mailbox>()
        .map_err(|err| format!("expected an address like \"Latch <no-reply@example.com>\" ({err})"))
}

fn trusted_proxies(value: &str) -> Result<TrustedProxies, String> {
    value
        .split(',')
        .map(str::trim)
        .filter(|entry| !entry.is_empty())
        .map(|entry| {
            entry.parse::<IpAddr>().map_err(|_| {
                format!("{entry:?} is not an IP address (expected e.g. 10.0.0.5,10.0.0.6)")
            })
        })
        .collect::<Result<Vec<_>, _>>()
        .map(TrustedProxies)
}

fn reset_link_minutes(value: &str) -> Result<i64, String> {
    value
        .trim()
        .parse::<i64>()
        .ok()
        .filter(|minutes| (5..=24 * 60).contains(minutes))
        .ok_or_else(|| format!("{value:?} is not a number of minutes from 5 to 1440"))
}

/// A whole number from `min` to `max`, surrounding spaces allowed.
fn number(min: u64, max: u64) -> impl Fn(&str) -> Result<u64, String> + Clone + Send + Sync {
    move |value: &str| {
        value
            .trim()
            .parse::<u64>()
            .ok()
            .filter(|n| (min..=max).contains(n))
            .ok_or_else(|| format!("{value:?} is not a whole number from {min} to {max}"))
    }
}

fn switch(value: &str) -> Result<bool, String> {
    match value.trim() {
        "1" | "true" => Ok(true),
        "0" | "false" => Ok(false),
        other => Err(format!("{other:?} is neither 1 nor 0")),
    }
}

fn log_format(value: &str) -> Result<LogFormat, String> {
    match value.trim() {
        "text" => Ok(LogFormat::Text),
        "json" => Ok(LogFormat::Json),
        other => Err(format!("{other:?} is neither \"text\" nor \"json\"")),
    }
}

fn webhook_url(value: &str) -> Result<Url, String> {
    let url = Url::parse(value.trim()).map_err(|err| format!("not a URL ({err})"))?;
    if !matches!(url.scheme(), "http" | "https") || url.host().is_none() {
        return Err(
            "expected an http:// or https:// URL such as https://crm.example.com/latch-events"
                .to_owned(),
        );
    }
    Ok(url)
}

pub(super) fn webhook_secret(value: &str) -> Result<WebhookSecret, String> {
    WebhookSecret::parse(value).map_err(|err| err.to_string())
}

fn metrics_token(value: &str) -> Result<String, String> {
    let token = value.trim();
    if token.len() < 16 {
        return Err("too short to be secret: use at least 16 random characters".to_owned());
    }
    Ok(token.to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_variable_is_documented_in_the_readme_configuration_table() {
        let readme = include_str!("../../../README.md");
        for arg in Variables::command().get_arguments() {
            let name = arg.get_env().unwrap().to_string_lossy();
            assert!(readme.contains(&format!("| `{name}` |")), "{name}");
        }
    }
}
