//! Failing closed: settings that are fine on a developer's machine but unsafe once other
//! machines reach Latch are refused at `latch serve`, naming the variable.

use std::net::IpAddr;

use secrecy::ExposeSecret;

use super::{Settings, SettingsError};

impl Settings {
    /// Refuses to serve an address other machines reach (`LATCH_PUBLIC_URL` not on loopback)
    /// over plain http, with mail going only to the dev mailbox, with an SMTP password sent
    /// unencrypted to another machine, or without a server key of its own (one generated on
    /// this machine would differ on every instance). `LATCH_INSECURE_DEV=1` allows it, for a test setup.
    pub fn refuse_unsafe_serving(&self) -> Result<(), SettingsError> {
        if self.insecure_dev || is_loopback(self.public_url.host_str()) {
            return Ok(());
        }
        let refuse = |variable: &str, problem: &str| SettingsError {
            variable: variable.to_owned(),
            problem: format!("{problem} (LATCH_INSECURE_DEV=1 allows it for a test setup)"),
        };
        if self.public_url.scheme() != "https" {
            return Err(refuse(
                "LATCH_PUBLIC_URL",
                "other machines reach this address, and plain http:// would carry their \
                 passwords and session cookies unencrypted: use https://",
            ));
        }
        let Some(smtp_url) = &self.mail.smtp_url else {
            return Err(refuse(
                "LATCH_SMTP_URL",
                "not set, so mail would only be written to the dev mailbox on this machine \
                 and nobody would receive a reset link: set the SMTP server",
            ));
        };
        if sends_password_in_the_clear(smtp_url.expose_secret()) {
            return Err(refuse(
                "LATCH_SMTP_URL",
                "its password would travel unencrypted to another machine: use smtps:// or \
                 add ?tls=required",
            ));
        }
        if self.server_key.is_generated_default() {
            return Err(refuse(
                "LATCH_SECRET_KEY",
                "not set: every instance must share one server key kept outside the database \
                 (`latch key generate` makes one; LATCH_SECRET_KEY_FILE may name a file \
                 holding it instead)",
            ));
        }
        Ok(())
    }
}

fn is_loopback(host: Option<&str>) -> bool {
    match host {
        Some("localhost") => true,
        Some(host) => host
            .trim_start_matches('[')
            .trim_end_matches(']')
            .parse::<IpAddr>()
            .is_ok_and(|ip| ip.is_loopback()),
        None => false,
    }
}

/// `smtp://user:password@host` to a host that is not this machine, without `tls=required`.
fn sends_password_in_the_clear(smtp_url: &str) -> bool {
    let Ok(url) = url::Url::parse(smtp_url) else {
        return false;
    };
    let tls_required = url
        .query_pairs()
        .any(|(key, value)| key == "tls" && value == "required");
    url.scheme() == "smtp"
        && url.password().is_some()
        && !tls_required
        && !is_loopback(url.host_str())
}

#[cfg(test)]
mod tests {
    use super::*;

    const TEST_KEY: &str = "dGVzdCBrZXkgb2YgdGhpcnR5LXR3byBieXRlcyBvciBtb3Jl";

    fn settings(pairs: &[(&str, &str)]) -> Settings {
        Settings::from_lookup(|name| {
            pairs
                .iter()
                .find(|(key, _)| *key == name)
                .map(|(_, value)| value.to_string())
        })
        .unwrap()
    }

    #[test]
    fn a_machine_of_its_own_may_run_on_defaults() {
        assert_eq!(settings(&[]).refuse_unsafe_serving(), Ok(()));
        let local = settings(&[("LATCH_PUBLIC_URL", "http://localhost:3000")]);
        assert_eq!(local.refuse_unsafe_serving(), Ok(()));
    }

    #[test]
    fn other_machines_need_https_and_real_mail_sent_safely() {
        let cases = [
            (
                vec![("LATCH_PUBLIC_URL", "http://latch.example.com")],
                "LATCH_PUBLIC_URL",
            ),
            (
                vec![("LATCH_PUBLIC_URL", "https://latch.example.com")],
                "LATCH_SMTP_URL",
            ),
            (
                vec![
                    ("LATCH_PUBLIC_URL", "https://latch.example.com"),
                    ("LATCH_SMTP_URL", "smtp://latch:secret@mail.example.com:587"),
                ],
                "LATCH_SMTP_URL",
            ),
        ];
        for (pairs, variable) in cases {
            let refused = settings(&pairs).refuse_unsafe_serving().unwrap_err();
            assert_eq!(refused.variable, variable, "{pairs:?}");
            assert!(
                refused.problem.contains("LATCH_INSECURE_DEV=1"),
                "{refused}"
            );
        }
        let keyless = [
            ("LATCH_PUBLIC_URL", "https://latch.example.com"),
            ("LATCH_SMTP_URL", "smtps://latch:secret@mail.example.com"),
        ];
        let refused = settings(&keyless).refuse_unsafe_serving().unwrap_err();
        assert_eq!(refused.variable, "LATCH_SECRET_KEY");
        let safe = [
            "smtps://latch:secret@mail.example.com",
            "smtp://latch:secret@mail.example.com:587?tls=required",
            "smtp://127.0.0.1:1025",
        ];
        for smtp in safe {
            let pairs = [
                ("LATCH_PUBLIC_URL", "https://latch.example.com"),
                ("LATCH_SMTP_URL", smtp),
                ("LATCH_SECRET_KEY", TEST_KEY),
            ];
            assert_eq!(settings(&pairs).refuse_unsafe_serving(), Ok(()), "{smtp}");
        }
        let test_setup = [
            ("LATCH_PUBLIC_URL", "http://latch.example.com"),
            ("LATCH_INSECURE_DEV", "1"),
        ];
        assert_eq!(settings(&test_setup).refuse_unsafe_serving(), Ok(()));
    }
}
