//! A fresh database per test: a SQLite file in a temporary folder, or a PostgreSQL database
//! created on the server named by `TEST_DATABASE_URL` and dropped afterwards.

use std::path::Path;

use sea_orm::{ConnectionTrait, Database};

pub struct TestDatabase {
    url: String,
    scratch: tempfile::TempDir,
    /// (server URL to reconnect to, database name) for PostgreSQL, to drop it afterwards.
    postgres: Option<(String, String)>,
}

impl TestDatabase {
    pub async fn create() -> Self {
        let scratch = tempfile::tempdir().expect("temporary folder");
        match std::env::var("TEST_DATABASE_URL")
            .ok()
            .filter(|url| !url.is_empty())
        {
            Some(server_url) if server_url.starts_with("postgres") => {
                let name = format!("latch_test_{}", uuid::Uuid::new_v4().simple());
                let admin = Database::connect(&server_url)
                    .await
                    .expect("TEST_DATABASE_URL: cannot connect to PostgreSQL");
                admin
                    .execute_unprepared(&format!("CREATE DATABASE {name}"))
                    .await
                    .expect("creating the test database");
                let mut url = url::Url::parse(&server_url).expect("TEST_DATABASE_URL is a URL");
                url.set_path(&name);
                Self {
                    url: url.to_string(),
                    scratch,
                    postgres: Some((server_url, name)),
                }
            }
            Some(other) => panic!("TEST_DATABASE_URL must be a postgres:// URL, got {other:?}"),
            None => Self {
                url: format!(
                    "sqlite://{}?mode=rwc",
                    scratch.path().join("latch.db").display()
                ),
                scratch,
                postgres: None,
            },
        }
    }

    pub fn url(&self) -> &str {
        &self.url
    }

    /// A private folder for this test's files (dev mailbox, ...), deleted afterwards.
    pub fn scratch_dir(&self) -> &Path {
        self.scratch.path()
    }
}

impl Drop for TestDatabase {
    fn drop(&mut self) {
        let Some((server_url, name)) = self.postgres.take() else {
            return;
        };
        // Drop runs outside async code: use a runtime of our own on a plain thread.
        let dropped = std::thread::spawn(move || {
            let runtime = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()?;
            runtime.block_on(async {
                let admin = Database::connect(&server_url).await?;
                admin
                    .execute_unprepared(&format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
                    .await?;
                anyhow::Ok(())
            })?;
            anyhow::Ok(())
        })
        .join();
        if !matches!(dropped, Ok(Ok(()))) {
            eprintln!("warning: could not drop a test database: {dropped:?}");
        }
    }
}
