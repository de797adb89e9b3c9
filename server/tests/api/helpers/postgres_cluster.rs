//! A private, throw-away PostgreSQL server for tests that stop and start the database. The
//! machine's shared server is never touched: other tests use it at the same time.

use std::path::PathBuf;
use std::process::Command;

/// A PostgreSQL cluster in a temporary folder, on its own loopback port, trusting local
/// connections. Stopped and deleted when dropped, whatever the test did.
pub struct PostgresCluster {
    bin: PathBuf,
    folder: tempfile::TempDir,
    port: u16,
}

impl PostgresCluster {
    /// Creates the cluster (`initdb`) and starts it. Takes a few seconds.
    pub async fn start() -> Self {
        let bin = server_binaries();
        let folder = tempfile::tempdir().unwrap();
        if running_as_root() {
            // initdb and postgres refuse to run as root: the cluster belongs to `postgres`.
            run(Command::new("chown").arg("postgres:").arg(folder.path()));
        }
        let port = free_port();
        let cluster = Self { bin, folder, port };
        let initdb = cluster.command("initdb", |initdb| {
            initdb
                .arg("--pgdata")
                .arg(cluster.data_dir())
                .args(["--auth=trust", "--username=postgres", "--no-sync"])
                .args(["--encoding=UTF8", "--locale=C"]);
        });
        blocking(initdb).await;
        cluster.start_again().await;
        cluster
    }

    /// `postgres://` URL of the cluster's default database.
    pub fn url(&self) -> String {
        format!("postgres://postgres@127.0.0.1:{}/postgres", self.port)
    }

    /// `pg_ctl stop -m fast`: open sessions are cut, new connections refused.
    pub async fn stop(&self) {
        blocking(self.pg_ctl(&["stop", "-m", "fast", "-w", "-t", "30"])).await;
    }

    /// Starts the stopped cluster again on the same port, once it accepts connections.
    pub async fn start_again(&self) {
        let options = format!(
            "-c listen_addresses=127.0.0.1 -p {} -k {} -c fsync=off",
            self.port,
            self.folder.path().display()
        );
        let log = self.folder.path().join("postgres.log");
        let mut start = self.pg_ctl(&["start", "-w", "-t", "30"]);
        start.arg("-l").arg(log).arg("-o").arg(options);
        blocking(start).await;
    }

    fn data_dir(&self) -> PathBuf {
        self.folder.path().join("data")
    }

    fn pg_ctl(&self, args: &[&str]) -> Command {
        self.command("pg_ctl", |pg_ctl| {
            pg_ctl.arg("-D").arg(self.data_dir()).args(args);
        })
    }

    /// `program` of this PostgreSQL version, run as `postgres` when the tests run as root.
    fn command(&self, program: &str, configure: impl FnOnce(&mut Command)) -> Command {
        let program = self.bin.join(program);
        let mut command = if running_as_root() {
            let mut runuser = Command::new("runuser");
            runuser.args(["-u", "postgres", "--"]).arg(program);
            runuser
        } else {
            Command::new(program)
        };
        command.current_dir(self.folder.path());
        configure(&mut command);
        command
    }
}

impl Drop for PostgresCluster {
    fn drop(&mut self) {
        // Immediate: nothing in a throw-away cluster is worth a checkpoint.
        let _ = self
            .pg_ctl(&["stop", "-m", "immediate", "-w", "-t", "30"])
            .output();
    }
}

/// The newest installed server's `bin` folder (Debian: /usr/lib/postgresql/<version>/bin).
fn server_binaries() -> PathBuf {
    let versions = std::fs::read_dir("/usr/lib/postgresql")
        .into_iter()
        .flatten();
    let mut candidates: Vec<(u32, PathBuf)> = versions
        .filter_map(Result::ok)
        .filter_map(|entry| {
            let version = entry.file_name().to_str()?.parse().ok()?;
            let bin = entry.path().join("bin");
            bin.join("initdb").exists().then_some((version, bin))
        })
        .collect();
    candidates.sort();
    candidates.pop().map(|(_, bin)| bin).unwrap_or_else(|| {
        panic!("this test needs the PostgreSQL server binaries (initdb, pg_ctl) in /usr/lib/postgresql/<version>/bin: apt-get install postgresql")
    })
}

fn running_as_root() -> bool {
    let id = Command::new("id")
        .arg("-u")
        .output()
        .expect("running id -u");
    String::from_utf8_lossy(&id.stdout).trim() == "0"
}

/// A loopback port nobody listens on right now.
fn free_port() -> u16 {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    listener.local_addr().unwrap().port()
}

/// Runs `command` off the async runtime (the test's SMTP server keeps serving meanwhile) and
/// fails the test with its output if it fails.
async fn blocking(mut command: Command) {
    tokio::task::spawn_blocking(move || run(&mut command))
        .await
        .unwrap();
}

fn run(command: &mut Command) {
    let output = command
        .output()
        .unwrap_or_else(|err| panic!("{command:?}: {err}"));
    assert!(
        output.status.success(),
        "{command:?} failed ({}):\n{}{}",
        output.status,
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
}
