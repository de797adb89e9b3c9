//! The released `latch` binary started as operators start it: from a folder with no
//! Leptos.toml, configured by environment variables only.

use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;
use std::time::Duration;

use crate::helpers::TestDatabase;

struct Running(Child);

impl Drop for Running {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

#[tokio::test]
async fn serve_runs_from_any_folder_and_explains_how_to_create_the_first_admin() {
    let database = TestDatabase::create().await;
    let elsewhere = tempfile::tempdir().unwrap();
    let mut child = Command::new(env!("CARGO_BIN_EXE_latch"))
        .arg("serve")
        .current_dir(elsewhere.path())
        .env("LATCH_DATABASE_URL", database.url())
        .env("LEPTOS_SITE_ADDR", "127.0.0.1:0")
        .env("LEPTOS_SITE_ROOT", elsewhere.path().join("site"))
        .env("RUST_LOG", "info")
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let (lines_tx, lines) = mpsc::channel();
    for stream in [
        Box::new(child.stdout.take().unwrap()) as Box<dyn std::io::Read + Send>,
        Box::new(child.stderr.take().unwrap()),
    ] {
        let tx = lines_tx.clone();
        std::thread::spawn(move || {
            for line in BufReader::new(stream).lines().map_while(Result::ok) {
                let _ = tx.send(line);
            }
        });
    }
    let _running = Running(child);

    // stdout and stderr arrive on two threads: read until both messages are in.
    let mut output = String::new();
    let mut address = None;
    while address.is_none() || !output.contains("--password-stdin") {
        let line = lines
            .recv_timeout(Duration::from_secs(30))
            .unwrap_or_else(|_| panic!("latch did not start as expected; output:\n{output}"));
        if let Some(rest) = line.split("address=").nth(1) {
            address = rest.split_whitespace().next().map(str::to_owned);
        }
        output.push_str(&line);
        output.push('\n');
    }
    let address = address.unwrap();

    assert!(output.contains("has no company yet"), "{output}");
    assert!(output.contains("company add"), "{output}");
    let html = reqwest::get(format!("http://{address}/"))
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(
        html.contains("Log in</h1>") && html.contains("/pkg/latch.js"),
        "{html}"
    );
}
