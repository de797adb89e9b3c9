//! Latch's own configuration (`LATCH_*` variables), parsed once at start into typed values.
//! A bad value stops start-up with a message naming the variable. clap reads and parses each
//! variable (`variables.rs`); this module turns them into the settings the server uses.

use std::net::IpAddr;
use std::path::PathBuf;

use latch_core::mail::Mailbox;
use latch_domain::PasswordPolicy;
use secrecy::SecretString;
use url::Url;

pub use server_key::{DEFAULT_KEY_FILE, KeySource};
use variables::{KeyText, PreviousKeys, ReturnOrigins, TrustedProxies, Variables};

mod server_key;
mod serving;
mod variables;
mod webhooks;

pub use webhooks::WebhookSettings;

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
    /// The CRM signed-in users go back to, and the origins a login's `next` may name.
    pub return_targets: latch_core::return_targets::ReturnTargets,
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
    /// How long dead links and audit events are kept before the hourly pruning deletes them.
    pub retention: latch_core::prune::Retention,
    /// How long a request may take, from its headers to its answer's head (a stalled upload
    /// included), before it is answered 408.
    pub request_timeout: std::time::Duration,
    pub log_format: LogFormat,
    /// Bearer token that lets a remote Prometheus read `/metrics`. Without it, only requests
    /// made directly from this machine may.
    pub metrics_token: Option<SecretString>,
    /// Serve an address other machines reach without https or real mail (a test setup).
    pub insecure_dev: bool,
    /// The parent domain the session cookie is shared with, so a CRM on a sibling subdomain
    /// receives it (`LATCH_COOKIE_DOMAIN`); `None`: Latch's host only.
    pub cookie_domain: Option<String>,
    /// Where the server key (signing the known-device cookies) comes from.
    pub server_key: KeySource,
    /// Login throttling and the known-device lifetime.
    pub login_policy: latch_core::auth::LoginPolicy,
    /// Where webhook events go (`LATCH_WEBHOOK_URL`); `None`: no events are recorded.
    pub webhook: Option<WebhookSettings>,
    /// The identity token's `aud` (`LATCH_TOKEN_AUDIENCE`; default: the app URL's origin,
    /// else Latch's own).
    pub token_audience: String,
    /// How long each instance trusts the signing keys it read: a `latch keys rotate` reaches
    /// every instance within this.
    pub token_keys_refresh: std::time::Duration,
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
    /// Link lifetimes for admin resets and invitations.
    pub fn admin_policy(&self) -> latch_core::admin::AdminPolicy {
        latch_core::admin::AdminPolicy {
            reset_link_valid_for: self.admin_reset_link_valid_for,
            invitation_valid_for: self.invitation_valid_for,
            ..Default::default()
        }
    }

    /// The identity token's `iss`: the public URL without its trailing slash.
    pub fn token_issuer(&self) -> String {
        self.public_url.as_str().trim_end_matches('/').to_owned()
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

/// A variable Latch cannot start with, shown as "LATCH_X: why"; `latch` then exits with 2.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
#[error("{variable}: {problem}")]
pub struct SettingsError {
    pub variable: String,
    pub problem: String,
}

impl Settings {
    /// Reads the process's `LATCH_*` variables.
    pub fn from_env() -> Result<Self, SettingsError> {
        Self::from_variables(Variables::from_env()?)
    }

    /// Parses from any variable source, so tests need not touch the process environment.
    pub fn from_lookup(lookup: impl Fn(&str) -> Option<String>) -> Result<Self, SettingsError> {
        Self::from_variables(Variables::from_lookup(lookup)?)
    }

    fn from_variables(variables: Variables) -> Result<Self, SettingsError> {
        // Each number is within its own bounds (checked by its parser); together they must
        // still make a policy.
        let password_policy = PasswordPolicy::new(
            variables.password_min_length as usize,
            variables.password_min_score as u8,
        )
        .map_err(|err| SettingsError {
            variable: "LATCH_PASSWORD_MIN_LENGTH".to_owned(),
            problem: err.to_string(),
        })?;

        let login_policy = login_policy(&variables);
        let webhook = webhooks::from_variables(
            variables.webhook_url.clone(),
            variables.webhook_secret.clone(),
            variables.webhook_secret_file.as_deref(),
        )?;
        // The browser would drop a cookie for a domain the page is not on.
        if let (Some(domain), Some(host)) =
            (&variables.cookie_domain, variables.public_url.host_str())
            && !(host == domain || host.ends_with(&format!(".{domain}")))
        {
            return Err(SettingsError {
                variable: "LATCH_COOKIE_DOMAIN".to_owned(),
                problem: format!("{domain} does not contain LATCH_PUBLIC_URL's host {host}"),
            });
        }
        let token_audience = variables.token_audience.clone().unwrap_or_else(|| {
            let app_origin = variables
                .app_url
                .as_ref()
                .and_then(|app| Url::parse(app.as_str()).ok())
                .map(|app| app.origin().ascii_serialization());
            app_origin.unwrap_or_else(|| variables.public_url.origin().ascii_serialization())
        });
        Ok(Settings {
            token_audience,
            token_keys_refresh: std::time::Duration::from_secs(
                variables.token_keys_refresh_seconds,
            ),
            database_url: SecretString::from(variables.database_url),
            public_url: variables.public_url,
            return_targets: latch_core::return_targets::ReturnTargets::new(
                variables.app_url,
                variables
                    .allowed_return_origins
                    .map(|ReturnOrigins(origins)| origins)
                    .unwrap_or_default(),
            ),
            mail: MailSettings {
                smtp_url: variables.smtp_url.map(SecretString::from),
                from: variables.mail_from,
                dev_mailbox_dir: variables.dev_mailbox_dir,
            },
            trusted_proxies: variables
                .trusted_proxies
                .map(|TrustedProxies(proxies)| proxies)
                .unwrap_or_default(),
            reset_link_valid_for: chrono::Duration::minutes(variables.reset_link_minutes),
            hash_concurrency: variables.hash_concurrency as usize,
            hash_max_wait: std::time::Duration::from_millis(variables.hash_max_wait_ms),
            admin_reset_link_valid_for: chrono::Duration::hours(
                variables.admin_reset_link_hours as i64,
            ),
            invitation_valid_for: chrono::Duration::hours(variables.invitation_link_hours as i64),
            password_policy,
            outbox_lease: chrono::Duration::seconds(variables.outbox_lease_seconds as i64),
            retention: latch_core::prune::Retention {
                links: chrono::Duration::days(variables.link_retention_days as i64),
                audit_events: chrono::Duration::days(variables.audit_retention_days as i64),
            },
            request_timeout: std::time::Duration::from_secs(variables.request_timeout_seconds),
            log_format: variables.log_format,
            metrics_token: variables.metrics_token.map(SecretString::from),
            insecure_dev: variables.insecure_dev,
            server_key: key_source(
                variables.secret_key,
                variables.secret_key_file,
                variables.previous_secret_keys,
            )?,
            login_policy,
            cookie_domain: variables.cookie_domain,
            webhook,
        })
    }
}

fn key_source(
    key: Option<KeyText>,
    file: Option<PathBuf>,
    previous: Option<PreviousKeys>,
) -> Result<KeySource, SettingsError> {
    use secrecy::ExposeSecret;
    let previous = previous.map(|PreviousKeys(keys)| keys).unwrap_or_default();
    match (key, file) {
        (Some(_), Some(_)) => Err(SettingsError {
            variable: "LATCH_SECRET_KEY_FILE".to_owned(),
            problem: "set together with LATCH_SECRET_KEY: set one of them".to_owned(),
        }),
        (Some(KeyText(key)), None) => {
            let previous: Vec<&str> = previous.iter().map(|key| key.expose_secret()).collect();
            // Both were checked by their parsers; together they still make a key.
            latch_core::server_key::ServerKey::from_text(key.expose_secret(), &previous)
                .map(KeySource::Given)
                .map_err(|err| SettingsError {
                    variable: "LATCH_SECRET_KEY".to_owned(),
                    problem: err.to_string(),
                })
        }
        (None, Some(path)) => Ok(KeySource::File {
            path,
            create: false,
            previous,
        }),
        (None, None) => Ok(KeySource::File {
            path: PathBuf::from(DEFAULT_KEY_FILE),
            create: true,
            previous,
        }),
    }
}

fn login_policy(variables: &Variables) -> latch_core::auth::LoginPolicy {
    let mut policy = latch_core::auth::LoginPolicy::with_allowances(
        variables.login_free_failures as i32,
        variables.login_client_free_failures as i32,
        variables.login_spray_accounts as i32,
    );
    policy.breaker.failures_per_minute = variables.login_breaker_failures_per_minute as i32;
    policy.breaker.delay = std::time::Duration::from_millis(variables.login_breaker_delay_ms);
    policy.known_device_for = chrono::Duration::days(variables.known_device_days as i64);
    policy
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
        assert_eq!(settings.request_timeout, std::time::Duration::from_secs(30));
        assert_eq!(settings.log_format, LogFormat::Text);
        assert!(settings.metrics_token.is_none());
    }

    #[test]
    fn operations_settings_are_read() {
        let settings = parse(&[
            ("LATCH_LOG_FORMAT", "json"),
            ("LATCH_OUTBOX_LEASE_SECONDS", "30"),
            ("LATCH_REQUEST_TIMEOUT_SECONDS", "5"),
            ("LATCH_METRICS_TOKEN", "0123456789abcdef0123"),
        ])
        .unwrap();
        assert_eq!(settings.log_format, LogFormat::Json);
        assert_eq!(settings.outbox_lease, chrono::Duration::seconds(30));
        assert_eq!(settings.request_timeout, std::time::Duration::from_secs(5));
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
            ("LATCH_REQUEST_TIMEOUT_SECONDS", "0"),
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
            ("LATCH_APP_URL", "crm.example.com"),
            ("LATCH_APP_URL", "javascript:alert(1)"),
            ("LATCH_APP_URL", "https://crm.example.com/?x=1"),
            ("LATCH_ALLOWED_RETURN_ORIGINS", "https://a.example, reports"),
            ("LATCH_ALLOWED_RETURN_ORIGINS", "https://a.example/path"),
            ("LATCH_WEBHOOK_URL", "ftp://crm.example.com/events"),
            ("LATCH_WEBHOOK_SECRET", "too short to sign anything"),
        ];
        for (variable, value) in cases {
            let err = parse(&[(variable, value)]).unwrap_err();
            assert_eq!(err.variable, variable, "{value}: {err}");
        }
    }

    #[test]
    fn a_webhook_url_needs_a_secret_of_32_characters_which_never_prints() {
        let url = ("LATCH_WEBHOOK_URL", "https://crm.example.com/latch-events");
        let secret = "0123456789abcdef0123456789abcdef";
        let missing = parse(&[url]).unwrap_err();
        assert_eq!(missing.variable, "LATCH_WEBHOOK_SECRET");

        let settings = parse(&[url, ("LATCH_WEBHOOK_SECRET", secret)]).unwrap();
        let webhook = settings.webhook.as_ref().unwrap();
        assert_eq!(webhook.url.as_str(), url.1);
        assert!(!format!("{settings:?}").contains(secret));
        assert!(parse(&[]).unwrap().webhook.is_none());

        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("webhook-secret");
        std::fs::write(&file, format!("{secret}\n")).unwrap();
        let file = file.display().to_string();
        let from_file = parse(&[url, ("LATCH_WEBHOOK_SECRET_FILE", &file)]).unwrap();
        assert!(from_file.webhook.is_some());
        let both = parse(&[
            url,
            ("LATCH_WEBHOOK_SECRET", secret),
            ("LATCH_WEBHOOK_SECRET_FILE", &file),
        ])
        .unwrap_err();
        assert_eq!(both.variable, "LATCH_WEBHOOK_SECRET_FILE");
    }

    #[test]
    fn the_cookie_domain_must_contain_the_public_urls_host() {
        let shared = parse(&[
            ("LATCH_PUBLIC_URL", "https://login.example.com"),
            ("LATCH_COOKIE_DOMAIN", ".Example.com"),
        ])
        .unwrap();
        assert_eq!(shared.cookie_domain.as_deref(), Some("example.com"));
        let elsewhere = parse(&[
            ("LATCH_PUBLIC_URL", "https://login.example.com"),
            ("LATCH_COOKIE_DOMAIN", "ample.com"),
        ])
        .unwrap_err();
        assert_eq!(elsewhere.variable, "LATCH_COOKIE_DOMAIN");
    }

    #[test]
    fn a_bad_value_is_explained_after_the_variable_name() {
        let err = parse(&[("LATCH_PUBLIC_URL", "ftp://example.com")]).unwrap_err();
        assert_eq!(
            err.to_string(),
            "LATCH_PUBLIC_URL: expected an http:// or https:// URL"
        );
        let err = parse(&[("LATCH_HASH_MAX_WAIT_MS", " soon ")]).unwrap_err();
        assert_eq!(
            err.to_string(),
            "LATCH_HASH_MAX_WAIT_MS: \" soon \" is not a whole number from 0 to 60000"
        );
    }

    #[test]
    fn blank_values_mean_the_default_and_spaces_around_numbers_are_fine() {
        let settings = parse(&[
            ("LATCH_SMTP_URL", ""),
            ("LATCH_LOG_FORMAT", "  "),
            ("LATCH_METRICS_TOKEN", " "),
            ("LATCH_TRUSTED_PROXIES", " , 10.0.0.5 ,"),
            ("LATCH_OUTBOX_LEASE_SECONDS", " 30 "),
        ])
        .unwrap();
        assert!(settings.mail.smtp_url.is_none());
        assert_eq!(settings.log_format, LogFormat::Text);
        assert!(settings.metrics_token.is_none());
        assert_eq!(
            settings.trusted_proxies,
            vec!["10.0.0.5".parse::<IpAddr>().unwrap()]
        );
        assert_eq!(settings.outbox_lease, chrono::Duration::seconds(30));
    }

    #[test]
    fn the_token_audience_is_the_app_s_origin_unless_given() {
        let with_app = parse(&[
            ("LATCH_PUBLIC_URL", "https://login.example.com/"),
            ("LATCH_APP_URL", "https://crm.example.com/home"),
        ])
        .unwrap();
        assert_eq!(with_app.token_audience, "https://crm.example.com");
        assert_eq!(with_app.token_issuer(), "https://login.example.com");
        let alone = parse(&[("LATCH_PUBLIC_URL", "https://login.example.com")]).unwrap();
        assert_eq!(alone.token_audience, "https://login.example.com");
        let given = parse(&[("LATCH_TOKEN_AUDIENCE", " urn:example:crm ")]).unwrap();
        assert_eq!(given.token_audience, "urn:example:crm");
        let err = parse(&[("LATCH_TOKEN_AUDIENCE", "a\u{7}b")]).unwrap_err();
        assert_eq!(err.variable, "LATCH_TOKEN_AUDIENCE");
        assert_eq!(given.token_keys_refresh, std::time::Duration::from_secs(30));
    }

    #[test]
    fn the_app_url_and_return_origins_are_read() {
        let settings = parse(&[
            ("LATCH_APP_URL", "https://crm.example.com"),
            (
                "LATCH_ALLOWED_RETURN_ORIGINS",
                "https://reports.example.com, http://localhost:8080/",
            ),
        ])
        .unwrap();
        let targets = &settings.return_targets;
        assert_eq!(targets.app_url(), Some("https://crm.example.com/"));
        for next in [
            "https://crm.example.com/deals/7",
            "https://reports.example.com/q3",
            "http://localhost:8080/x",
        ] {
            assert_eq!(targets.after_login(Some(next)), next);
        }
        assert_eq!(
            targets.after_login(Some("https://evil.example/")),
            "https://crm.example.com/"
        );
        assert_eq!(parse(&[]).unwrap().return_targets.app_url(), None);
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
