//! `spawn_app()` and the real parts it wires together.

mod database;
mod smtp;

use latch_server::settings::Settings;
use latch_server::site;
use latch_server::startup::Application;
use sea_orm::DatabaseConnection;

pub use database::TestDatabase;
pub use smtp::{SmtpServer, UNKNOWN_MAILBOX};

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
    spawn_app_with(&[]).await
}

/// `spawn_app` with some settings overridden (`LATCH_*` name, value).
pub async fn spawn_app_with(overrides: &[(&str, &str)]) -> TestApp {
    let database = TestDatabase::create().await;
    let smtp = SmtpServer::start().await;
    let settings = test_settings(&database, &smtp, overrides);

    let mut leptos_options = site::leptos_options().expect("site options");
    leptos_options.site_addr = "127.0.0.1:0".parse().unwrap();
    let app = Application::build(settings.clone(), leptos_options)
        .await
        .expect("building the app");
    let address = format!("http://{}", app.local_addr().unwrap());
    let db = app.state.server.db.clone();
    tokio::spawn(app.run_until_stopped());

    TestApp {
        address,
        client: reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            // A request that hangs fails its test with a location instead of stalling CI.
            .timeout(std::time::Duration::from_secs(30))
            .build()
            .unwrap(),
        db,
        smtp,
        _database: database,
        settings,
    }
}

pub fn test_settings(
    database: &TestDatabase,
    smtp: &SmtpServer,
    overrides: &[(&str, &str)],
) -> Settings {
    let mailbox_dir = database.scratch_dir().join("mailbox");
    let overridden = |name: &str| {
        overrides
            .iter()
            .find(|(key, _)| *key == name)
            .map(|(_, value)| value.to_string())
    };
    Settings::from_lookup(|name| {
        overridden(name).or_else(|| match name {
            "LATCH_DATABASE_URL" => Some(database.url().to_owned()),
            "LATCH_PUBLIC_URL" => Some(PUBLIC_URL.to_owned()),
            "LATCH_SMTP_URL" => Some(smtp.url()),
            "LATCH_MAIL_FROM" => Some("Latch Test <latch@example.test>".to_owned()),
            "LATCH_DEV_MAILBOX_DIR" => Some(mailbox_dir.display().to_string()),
            _ => None,
        })
    })
    .expect("test settings are valid")
}

/// A user created directly in the database, with the password in clear for the test.
pub struct TestUser {
    pub username: String,
    pub email: String,
    pub display_name: String,
    pub password: String,
}

impl TestApp {
    pub async fn get(&self, path: &str) -> reqwest::Response {
        self.get_with_cookie(path, None).await
    }

    pub async fn get_with_cookie(&self, path: &str, cookie: Option<&str>) -> reqwest::Response {
        let mut request = self.client.get(format!("{}{path}", self.address));
        if let Some(cookie) = cookie {
            request = request.header("cookie", cookie);
        }
        request.send().await.expect("request failed")
    }

    /// Creates a company (once) and a member with a known password.
    pub async fn create_user(&self, username: &str) -> TestUser {
        self.create_user_in("PT Maju Jaya", username, latch_domain::Role::Member)
            .await
    }

    /// Creates `company` (once) and a user of it with a known password.
    pub async fn create_user_in(
        &self,
        company: &str,
        username: &str,
        role: latch_domain::Role,
    ) -> TestUser {
        use latch_core::accounts::{self, NewUser};
        use latch_domain::{CompanyName, DisplayName, Email, NewPassword, Username};

        let company = CompanyName::parse(company).unwrap();
        let _ = accounts::add_company(&self.db, &company, chrono::Utc::now()).await;
        let user = TestUser {
            username: username.to_owned(),
            email: format!("{username}@example.co.id"),
            display_name: format!("{} Putri", username.to_uppercase()),
            password: "correct horse battery staple".to_owned(),
        };
        let new_user = NewUser {
            company,
            username: Username::parse(&user.username).unwrap(),
            email: Email::parse(&user.email).unwrap(),
            display_name: DisplayName::parse(&user.display_name).unwrap(),
            role,
        };
        let password = NewPassword::parse(
            &user.password,
            &latch_domain::PasswordPolicy::default(),
            &latch_domain::PersonalInfo::default(),
        )
        .unwrap();
        accounts::add_user(&self.db, new_user, Some(password), chrono::Utc::now())
            .await
            .unwrap();
        user
    }

    /// Posts the login form as the hydrated app does (a script request, not a page load).
    pub async fn log_in(&self, identifier: &str, password: &str) -> reqwest::Response {
        self.post_form(
            "/api/login",
            &[("identifier", identifier), ("password", password)],
            &[],
        )
        .await
    }

    pub async fn post_form(
        &self,
        path: &str,
        form: &[(&str, &str)],
        headers: &[(&str, &str)],
    ) -> reqwest::Response {
        let mut request = self
            .client
            .post(format!("{}{path}", self.address))
            .form(form);
        for (name, value) in headers {
            request = request.header(*name, *value);
        }
        request.send().await.expect("request failed")
    }
}

/// `name=value` of the session cookie a response sets, ready for a `Cookie` header.
pub fn session_cookie(response: &reqwest::Response) -> Option<String> {
    response
        .headers()
        .get_all("set-cookie")
        .iter()
        .filter_map(|value| value.to_str().ok())
        // `__Host-latch_session` when the public URL is https (as in these tests).
        .filter(|value| value.contains("latch_session=") && !value.contains("Max-Age=0"))
        .map(|value| value.split(';').next().unwrap().to_owned())
        .next()
}

/// Undoes quoted-printable soft line breaks and `=3D`, enough to search a mail for a link.
pub fn unfolded(data: &str) -> String {
    data.replace("=\r\n", "")
        .replace("=\n", "")
        .replace("=3D", "=")
}
