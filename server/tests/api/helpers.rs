//! `spawn_app()` and the real parts it wires together.

mod database;
mod smtp;

use latch_server::settings::Settings;
use latch_server::site;
use latch_server::startup::Application;
use sea_orm::DatabaseConnection;

pub use database::TestDatabase;
pub use smtp::SmtpServer;

/// A running Latch and handles to what it talks to.
pub struct TestApp {
    pub address: String,
    pub client: reqwest::Client,
    pub db: DatabaseConnection,
    pub smtp: SmtpServer,
    /// Kept alive for the test's duration; dropping it deletes the database.
    _database: TestDatabase,
    pub settings: Settings,
}

/// What emailed links must be built from, whatever Host header a request carries.
pub const PUBLIC_URL: &str = "https://latch.example.test";

pub async fn spawn_app() -> TestApp {
    let database = TestDatabase::create().await;
    let smtp = SmtpServer::start().await;
    let settings = test_settings(&database, &smtp);

    let mut leptos_options = site::leptos_options().expect("site options");
    leptos_options.site_addr = "127.0.0.1:0".parse().unwrap();
    let app = Application::build(settings.clone(), leptos_options)
        .await
        .expect("building the app");
    let address = format!("http://{}", app.local_addr().unwrap());
    let db = app.state.db.clone();
    tokio::spawn(app.run_until_stopped());

    TestApp {
        address,
        client: reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .unwrap(),
        db,
        smtp,
        _database: database,
        settings,
    }
}

pub fn test_settings(database: &TestDatabase, smtp: &SmtpServer) -> Settings {
    let mailbox_dir = database.scratch_dir().join("mailbox");
    Settings::from_lookup(|name| match name {
        "LATCH_DATABASE_URL" => Some(database.url().to_owned()),
        "LATCH_PUBLIC_URL" => Some(PUBLIC_URL.to_owned()),
        "LATCH_SMTP_URL" => Some(smtp.url()),
        "LATCH_MAIL_FROM" => Some("Latch Test <latch@example.test>".to_owned()),
        "LATCH_DEV_MAILBOX_DIR" => Some(mailbox_dir.display().to_string()),
        _ => None,
    })
    .expect("test settings are valid")
}

impl TestApp {
    pub async fn get(&self, path: &str) -> reqwest::Response {
        self.client
            .get(format!("{}{path}", self.address))
            .send()
            .await
            .expect("request failed")
    }
}
