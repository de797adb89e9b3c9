//! The released `latch` binary started as operators start it: from a folder with no
//! Leptos.toml, configured by environment variables only.

use std::time::Duration;

use crate::helpers::{LatchConfig, LatchProcess, TestDatabase};

#[tokio::test]
async fn serve_runs_from_any_folder_and_explains_how_to_create_the_first_admin() {
    let database = TestDatabase::create().await;

    // The dev mailbox behind an address other machines could reach: a test setup.
    let config = LatchConfig::new(database.url()).set("LATCH_INSECURE_DEV", "1");
    let latch = LatchProcess::start(&config).await;

    // stdout and stderr are read by two threads: wait until both messages are in.
    assert!(
        latch
            .wait_for_output("--password-stdin", Duration::from_secs(30))
            .await,
        "{}",
        latch.output()
    );
    let output = latch.output();
    assert!(output.contains("has no company yet"), "{output}");
    assert!(output.contains("company add"), "{output}");
    let home = latch.get("/").await;
    assert_eq!(home.headers()["location"], "/login");
    let html = latch.get("/login").await.text().await.unwrap();
    assert!(
        html.contains("Log in</h1>") && html.contains("/pkg/latch.js"),
        "{html}"
    );
}
