//! Latch's own configuration (`LATCH_*` variables), parsed once at start into typed values.
//! A bad value stops start-up with a message naming the variable.

use std::net::IpAddr;
use std::path::PathBuf;

use latch_core::mail::{self, Mailbox};
use secrecy::SecretString;
use url::Url;

pub const DEFAULT_DATABASE_URL: &str = "sqlite://latch.db?mode=rwc";
pub const DEFAULT_PUBLIC_URL: &str = "http://127.0.0.1:3000";
pub const DEFAULT_MAIL_FROM: &str = "Latch <latch@localhost>";
pub const DEFAULT_DEV_MAILBOX_DIR: &str = "mailbox";

#[derive(Debug, Clone)]
pub struct Settings {
    /// May hold a database password, hence secret.
    pub database_url: SecretString,
    /// Base of every link in an email. Never derived from a request's Host header.
    pub public_url: Url,
    pub mail: MailSettings,
    /// Reverse proxies whose `X-Forwarded-For` is believed. Empty: the socket address is the
    /// client.
    pub trusted_proxies: Vec<IpAddr>,
    /// How long an emailed "Forgot Password" link works.
    pub reset_link_valid_for: chrono::Duration,
    /// Password hashes computed at once (each holds 19 MiB); default: the number of cores.
    pub hash_concurrency: usize,
    /// How long a login may wait for a hashing slot before getting "busy, try again" (503).
    pub hash_max_wait: std::time::Duration,
    /// How long a company admin's "Reset Password" link works.
    pub admin_reset_link_valid_for: chrono::Duration,
    /// How long an "Add user" invitation link works.
    pub invitation_valid_for: chrono::Duration,
    /// What every new password must satisfy (reset, change, CLI).
    pub password_policy: latch_domain::PasswordPolicy,
    /// How long a claimed mail stays reserved for the instance sending it; after a crash the
    /// mail is sent by any instance once this has passed.
    pub outbox_lease: chrono::Duration,
    pub log_format: LogFormat,
    /// Bearer token that lets a remote Prometheus read `/metrics`. Without it, only requests
    /// made directly from this machine may.
    pub metrics_token: Option<SecretString>,
}

/// How log lines are written (`LATCH_LOG_FORMAT`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LogFormat {
    /// One human-readable line per event.
    Text,
    /// One JSON object per line, for log collectors.
    Json,
}

impl Settings {
    /// Cookies are `Secure` when Latch is served over https.
    pub fn secure_cookies(&self) -> bool {
        self.public_url.scheme() == "https"
    }

    /// Link lifetimes for admin resets and invitations.
    pub fn admin_policy(&self) -> latch_core::admin::AdminPolicy {
        latch_core::admin::AdminPolicy {
            reset_link_valid_for: self.admin_reset_link_valid_for,
            invitation_valid_for: self.invitation_valid_for,
            ..Default::default()
        }
    }

    /// `scheme://host[:port]` of the public URL, as browsers send it in `Origin`.
    pub fn public_origin(&self) -> String {
        self.public_url.origin().ascii_serialization()
    }
}

#[derive(Debug, Clone)]
pub struct MailSettings {
    /// `None`: write mail to the dev mailbox instead of sending it.
    pub smtp_url: Option<SecretString>,
    pub from: Mailbox,
    pub dev_mailbox_dir: PathBuf,
}

#[derive(Debug, thiserror::Error, PartialEq, Eq)]
#[error("{variable}: {problem}")]
pub struct SettingsError {
    pub variable: &'static str,
    pub problem: String,
}

impl Settings {
    pub fn from_env() -> Result<Self, SettingsError> {
        Self::from_lookup(|name| std::env::var(name).ok())
    }

    /// Parses from any variable source, so tests need not touch the process environment.
    pub fn from_lookup(lookup: impl Fn(&str) -> Option<String>) -> Result<Self, SettingsError> {
        let get = |name: &str, default: &str| {
            lookup(name)
                .filter(|value| !value.trim().is_empty())
                .unwrap_or_else(|| default.to_owned())
        };

        let database_url = get("LATCH_DATABASE_URL", DEFAULT_DATABASE_URL);
        if !(database_url.starts_with("sqlite:")
            || database_url.starts_with("postgres://")
            || database_url.starts_with("postgresql://"))
        {
            return Err(SettingsError {
                variable: "LATCH_DATABASE_URL",
                problem: "expected a sqlite:// or postgres:// URL".to_owned(),
            });
        }

        let public_url = parse_public_url(&get("LATCH_PUBLIC_URL", DEFAULT_PUBLIC_URL))?;

        let smtp_url = lookup("LATCH_SMTP_URL").filter(|value| !value.trim().is_empty());
        if let Some(url) = &smtp_url {
            // lettre's message can echo the URL; it may hold a password, so keep only the gist.
            mail::validate_smtp_url(url).map_err(|_| SettingsError {
                variable: "LATCH_SMTP_URL",
                problem: "expected smtp://host:port, smtp://host?tls=required or smtps://user:password@host".to_owned(),
            })?;
        }

        let from = get("LATCH_MAIL_FROM", DEFAULT_MAIL_FROM)
            .parse::<Mailbox>()
            .map_err(|err| SettingsError {
                variable: "LATCH_MAIL_FROM",
                problem: format!(
                    "expected an address like \"Latch <no-reply@example.com>\" ({err})"
                ),
            })?;

        let trusted_proxies = lookup("LATCH_TRUSTED_PROXIES")
            .unwrap_or_default()
            .split(',')
            .map(str::trim)
            .filter(|entry| !entry.is_empty())
            .map(|entry| {
                entry.parse::<IpAddr>().map_err(|_| SettingsError {
                    variable: "LATCH_TRUSTED_PROXIES",
                    problem: format!(
                        "{entry:?} is not an IP address (expected e.g. 10.0.0.5,10.0.0.6)"
                    ),
                })
            })
            .collect::<Result<Vec<_>, _>>()?;

        let reset_minutes = get("LATCH_RESET_LINK_MINUTES", "30");
        let reset_link_valid_for = reset_minutes
            .trim()
            .parse::<i64>()
            .ok()
            .filter(|minutes| (5..=24 * 60).contains(minutes))
            .map(chrono::Duration::minutes)
            .ok_or_else(|| SettingsError {
                variable: "LATCH_RESET_LINK_MINUTES",
                problem: format!("{reset_minutes:?} is not a number of minutes from 5 to 1440"),
            })?;

        let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
        let hash_concurrency = parse_number(
            &get("LATCH_HASH_CONCURRENCY", &cores.to_string()),
            "LATCH_HASH_CONCURRENCY",
            1,
            256,
        )?;
        let hash_max_wait_ms = parse_number(
            &get("LATCH_HASH_MAX_WAIT_MS", "2000"),
            "LATCH_HASH_MAX_WAIT_MS",
            0,
            60_000,
        )?;

        use latch_domain::PasswordPolicy;
        let min_length = parse_number(
            &get(
                "LATCH_PASSWORD_MIN_LENGTH",
                &PasswordPolicy::LENGTH_FLOOR.to_string(),
            ),
            "LATCH_PASSWORD_MIN_LENGTH",
            PasswordPolicy::LENGTH_FLOOR as u64,
            PasswordPolicy::LENGTH_CEILING as u64,
        )?;
        let min_score = parse_number(
            &get(
                "LATCH_PASSWORD_MIN_SCORE",
                &PasswordPolicy::default().min_score().to_string(),
            ),
            "LATCH_PASSWORD_MIN_SCORE",
            0,
            4,
        )?;
        // Both numbers are within the policy's bounds, checked just above.
        let password_policy =
            PasswordPolicy::new(min_length as usize, min_score as u8).map_err(|err| {
                SettingsError {
                    variable: "LATCH_PASSWORD_MIN_LENGTH",
                    problem: err.to_string(),
                }
            })?;

        let admin_reset_hours = parse_number(
            &get("LATCH_ADMIN_RESET_LINK_HOURS", "24"),
            "LATCH_ADMIN_RESET_LINK_HOURS",
            1,
            24 * 14,
        )?;
        let invitation_hours = parse_number(
            &get("LATCH_INVITATION_LINK_HOURS", "72"),
            "LATCH_INVITATION_LINK_HOURS",
            1,
            24 * 30,
        )?;

        let outbox_lease_seconds = parse_number(
            &get("LATCH_OUTBOX_LEASE_SECONDS", "300"),
            "LATCH_OUTBOX_LEASE_SECONDS",
            1,
            3600,
        )?;

        let log_format = match get("LATCH_LOG_FORMAT", "text").trim() {
            "text" => LogFormat::Text,
            "json" => LogFormat::Json,
            other => {
                return Err(SettingsError {
                    variable: "LATCH_LOG_FORMAT",
                    problem: format!("{other:?} is neither \"text\" nor \"json\""),
                });
            }
        };

        let metrics_token = lookup("LATCH_METRICS_TOKEN")
            .map(|token| token.trim().to_owned())
            .filter(|token| !token.is_empty());
        if metrics_token.as_ref().is_some_and(|token| token.len() < 16) {
            return Err(SettingsError {
                variable: "LATCH_METRICS_TOKEN",
                problem: "too short to be secret: use at least 16 random characters".to_owned(),
            });
        }

        Ok(Settings {
            outbox_lease: chrono::Duration::seconds(outbox_lease_seconds as i64),
            log_format,
            metrics_token: metrics_token.map(SecretString::from),
            admin_reset_link_valid_for: chrono::Duration::hours(admin_reset_hours as i64),
            invitation_valid_for: chrono::Duration::hours(invitation_hours as i64),
            password_policy,
            hash_concurrency: hash_concurrency as usize,
            hash_max_wait: std::time::Duration::from_millis(hash_max_wait_ms),
            trusted_proxies,
            reset_link_valid_for,
            database_url: SecretString::from(database_url),
            public_url,
            mail: MailSettings {
                smtp_url: smtp_url.map(SecretString::from),
                from,
                dev_mailbox_dir: PathBuf::from(get(
                    "LATCH_DEV_MAILBOX_DIR",
                    DEFAULT_DEV_MAILBOX_DIR,
                )),
            },
        })
    }
}

fn parse_number(
    value: &str,
    variable: &'static str,
    min: u64,
    max: u64,
) -> Result<u64, SettingsError> {
    value
        .trim()
        .parse::<u64>()
        .ok()
        .filter(|n| (min..=max).contains(n))
        .ok_or_else(|| SettingsError {
            variable,
            problem: format!("{value:?} is not a whole number from {min} to {max}"),
        })
}

fn parse_public_url(value: &str) -> Result<Url, SettingsError> {
    let problem = |problem: &str| SettingsError {
        variable: "LATCH_PUBLIC_URL",
        problem: problem.to_owned(),
    };
    let url = Url::parse(value).map_err(|err| problem(&format!("not a URL ({err})")))?;
    if !matches!(url.scheme(), "http" | "https") {
        return Err(problem("expected an http:// or https:// URL"));
    }
    if url.host().is_none() || url.query().is_some() || url.fragment().is_some() {
        return Err(problem(
            "expected a base URL such as https://latch.example.com",
        ));
    }
    Ok(url)
}

#[cfg(test)]
mod tests {
    use super::*;
    use secrecy::ExposeSecret;
    use std::collections::HashMap;

    fn parse(vars: &[(&str, &str)]) -> Result<Settings, SettingsError> {
        let vars: HashMap<String, String> = vars
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        Settings::from_lookup(|name| vars.get(name).cloned())
    }

    #[test]
    fn defaults_run_embedded_with_sqlite_and_the_dev_mailbox() {
        let settings = parse(&[]).unwrap();
        assert_eq!(settings.database_url.expose_secret(), DEFAULT_DATABASE_URL);
        assert_eq!(settings.public_url.as_str(), "http://127.0.0.1:3000/");
        assert!(settings.mail.smtp_url.is_none());
        assert_eq!(settings.mail.from.email.to_string(), "latch@localhost");
        assert_eq!(
            settings.password_policy,
            latch_domain::PasswordPolicy::default()
        );
        assert_eq!(
            settings.admin_reset_link_valid_for,
            chrono::Duration::hours(24)
        );
        assert_eq!(settings.invitation_valid_for, chrono::Duration::hours(72));
        assert_eq!(settings.outbox_lease, chrono::Duration::minutes(5));
        assert_eq!(settings.log_format, LogFormat::Text);
        assert!(settings.metrics_token.is_none());
    }

    #[test]
    fn operations_settings_are_read() {
        let settings = parse(&[
            ("LATCH_LOG_FORMAT", "json"),
            ("LATCH_OUTBOX_LEASE_SECONDS", "30"),
            ("LATCH_METRICS_TOKEN", "0123456789abcdef0123"),
        ])
        .unwrap();
        assert_eq!(settings.log_format, LogFormat::Json);
        assert_eq!(settings.outbox_lease, chrono::Duration::seconds(30));
        assert!(!format!("{settings:?}").contains("0123456789abcdef"));
    }

    #[test]
    fn bad_values_name_the_variable() {
        let cases = [
            ("LATCH_DATABASE_URL", "mysql://x"),
            ("LATCH_PUBLIC_URL", "not a url"),
            ("LATCH_PUBLIC_URL", "ftp://example.com"),
            ("LATCH_SMTP_URL", "http://mail.example.com"),
            ("LATCH_MAIL_FROM", "nobody"),
            ("LATCH_TRUSTED_PROXIES", "10.0.0.1, proxy.example"),
            ("LATCH_RESET_LINK_MINUTES", "0"),
            ("LATCH_RESET_LINK_MINUTES", "half an hour"),
            ("LATCH_HASH_CONCURRENCY", "0"),
            ("LATCH_HASH_MAX_WAIT_MS", "soon"),
            ("LATCH_PASSWORD_MIN_LENGTH", "7"),
            ("LATCH_PASSWORD_MIN_LENGTH", "65"),
            ("LATCH_PASSWORD_MIN_SCORE", "5"),
            ("LATCH_ADMIN_RESET_LINK_HOURS", "0"),
            ("LATCH_INVITATION_LINK_HOURS", "a week"),
            ("LATCH_OUTBOX_LEASE_SECONDS", "0"),
            ("LATCH_LOG_FORMAT", "xml"),
            ("LATCH_METRICS_TOKEN", "short"),
        ];
        for (variable, value) in cases {
            let err = parse(&[(variable, value)]).unwrap_err();
            assert_eq!(err.variable, variable, "{value}: {err}");
        }
    }

    #[test]
    fn an_smtp_password_never_appears_in_debug_output() {
        let settings = parse(&[(
            "LATCH_SMTP_URL",
            "smtps://latch:hunter2secret@mail.example.com",
        )])
        .unwrap();
        assert!(!format!("{settings:?}").contains("hunter2secret"));
    }
}
