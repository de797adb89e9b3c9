//! The real `latch` binary as a child process, started the way operators start it: from a
//! folder with no Leptos.toml, configured by environment variables only. For tests that run
//! several instances, kill them, stop them with SIGTERM and start them again.

use std::io::{BufRead, BufReader, Read};
use std::process::{Child, Command, ExitStatus, Stdio};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use tokio::time::Instant;

use super::{Endpoint, PUBLIC_URL, SmtpServer, TEST_SERVER_KEY};

/// The environment a `latch serve` starts with. Clone it to start several instances (or the
/// same one again) with the same settings.
#[derive(Clone)]
pub struct LatchConfig {
    vars: Vec<(String, String)>,
}

impl LatchConfig {
    /// Serves `database_url`; mail goes to the dev mailbox until [`LatchConfig::smtp`].
    pub fn new(database_url: &str) -> Self {
        Self { vars: Vec::new() }
            .set("LATCH_DATABASE_URL", database_url)
            .set("LATCH_PUBLIC_URL", PUBLIC_URL)
            .set("LATCH_SECRET_KEY", TEST_SERVER_KEY)
            .set("LATCH_MAIL_FROM", "Latch Test <latch@example.test>")
            .set("LEPTOS_SITE_ADDR", "127.0.0.1:0")
    }

    pub fn smtp(self, smtp: &SmtpServer) -> Self {
        self.set("LATCH_SMTP_URL", &smtp.url())
    }

    /// Sets (or replaces) one variable.
    pub fn set(mut self, name: &str, value: &str) -> Self {
        self.vars.retain(|(key, _)| key != name);
        self.vars.push((name.to_owned(), value.to_owned()));
        self
    }
}

/// A running `latch serve`, killed when dropped. Its HTTP requests are those of its
/// [`Endpoint`] (`instance.log_in(…)`, `instance.get(…)`…).
pub struct LatchProcess {
    child: Child,
    http: Endpoint,
    /// Every line written to stdout and stderr so far, for assertions and failure reports.
    output: Arc<Mutex<String>>,
    /// Working directory and site root; deleted with the process.
    _folder: tempfile::TempDir,
}

/// How long a `latch serve` may take to migrate and listen, on a busy CI machine.
const START_TIMEOUT: Duration = Duration::from_secs(30);

impl LatchProcess {
    /// Starts `latch serve` and waits until it logs the address it listens on.
    pub async fn start(config: &LatchConfig) -> Self {
        let folder = tempfile::tempdir().unwrap();
        let mut command = Command::new(env!("CARGO_BIN_EXE_latch"));
        command.arg("serve").current_dir(folder.path());
        // Only the settings of `config`: nothing from the developer's shell leaks in.
        for (name, _) in std::env::vars() {
            if name.starts_with("LATCH_") || name.starts_with("LEPTOS_") || name == "RUST_LOG" {
                command.env_remove(name);
            }
        }
        command
            .env("LEPTOS_SITE_ROOT", folder.path().join("site"))
            .envs(config.vars.iter().map(|(name, value)| (name, value)));
        let mut child = command
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("starting target/debug/latch");
        let output = Arc::new(Mutex::new(String::new()));
        for stream in [
            Box::new(child.stdout.take().unwrap()) as Box<dyn Read + Send>,
            Box::new(child.stderr.take().unwrap()),
        ] {
            let output = output.clone();
            // Plain threads: the pipes are read even while the test's runtime is busy.
            std::thread::spawn(move || {
                for line in BufReader::new(stream).lines().map_while(Result::ok) {
                    let mut output = output.lock().unwrap();
                    output.push_str(&line);
                    output.push('\n');
                }
            });
        }
        let mut process = Self {
            child,
            http: Endpoint::new(String::new()),
            output,
            _folder: folder,
        };
        let address = process.wait_for_address().await;
        process.http = Endpoint::new(format!("http://{address}"));
        process
    }

    async fn wait_for_address(&mut self) -> String {
        let deadline = Instant::now() + START_TIMEOUT;
        loop {
            let address = self.output().lines().find_map(|line| {
                let rest = line.split("address=").nth(1)?;
                rest.split_whitespace().next().map(str::to_owned)
            });
            if let Some(address) = address {
                return address;
            }
            if let Ok(Some(status)) = self.child.try_wait() {
                panic!(
                    "latch exited ({status}) before listening:\n{}",
                    self.output()
                );
            }
            assert!(
                Instant::now() < deadline,
                "latch did not listen within {START_TIMEOUT:?}:\n{}",
                self.output()
            );
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    }

    /// What the process wrote so far (stdout and stderr, interleaved by line).
    pub fn output(&self) -> String {
        self.output.lock().unwrap().clone()
    }

    /// Waits up to `timeout` for `needle` to appear in the output; true when it did.
    pub async fn wait_for_output(&self, needle: &str, timeout: Duration) -> bool {
        let deadline = Instant::now() + timeout;
        while !self.output().contains(needle) {
            if Instant::now() >= deadline {
                return false;
            }
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
        true
    }

    /// `kill -9`: the process dies at once, in the middle of whatever it was doing.
    pub fn kill(&mut self) {
        self.child.kill().expect("SIGKILL");
        self.child.wait().expect("reaping the killed latch");
    }

    /// `kill -TERM`, as a service manager or Kubernetes stops a process.
    pub fn terminate(&self) {
        let sent = Command::new("kill")
            .args(["-TERM", &self.child.id().to_string()])
            .status()
            .expect("running kill");
        assert!(sent.success(), "kill -TERM failed");
    }

    /// Waits up to `timeout` for the process to exit; `None` if it is still running.
    pub async fn wait_for_exit(&mut self, timeout: Duration) -> Option<ExitStatus> {
        let deadline = Instant::now() + timeout;
        loop {
            if let Some(status) = self.child.try_wait().expect("checking on latch") {
                return Some(status);
            }
            if Instant::now() >= deadline {
                return None;
            }
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    }
}

impl std::ops::Deref for LatchProcess {
    type Target = Endpoint;

    fn deref(&self) -> &Endpoint {
        &self.http
    }
}

impl Drop for LatchProcess {
    fn drop(&mut self) {
        if matches!(self.child.try_wait(), Ok(None)) {
            let _ = self.child.kill();
            let _ = self.child.wait();
        }
        // A failing test shows what the server said (the harness prints captured output).
        if std::thread::panicking() {
            eprintln!(
                "--- output of latch (pid {}) ---\n{}",
                self.child.id(),
                self.output()
            );
        }
    }
}
