//! `spawn_app()` and the real parts it wires together.

mod database;
mod http;
mod postgres_cluster;
mod process;
mod smtp;
mod soft_passkey;
mod webhook_receiver;

use latch_core::entities::{company, user};
use latch_server::settings::Settings;
use latch_server::site;
use latch_server::startup::Application;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, DatabaseConnection, EntityTrait, IntoActiveModel, QueryFilter,
    Set,
};

pub use database::TestDatabase;
pub use http::Endpoint;
pub use postgres_cluster::PostgresCluster;
pub use process::{LatchConfig, LatchProcess};
pub use smtp::{SmtpServer, UNKNOWN_MAILBOX};
pub use soft_passkey::SoftPasskey;
pub use webhook_receiver::{Delivery, WebhookReceiver};

/// A running Latch and handles to what it talks to. Its HTTP requests (`app.get(…)`,
/// `app.log_in(…)`, `app.address`…) are those of its [`Endpoint`].
pub struct TestApp {
    pub http: Endpoint,
    pub db: DatabaseConnection,
    pub smtp: SmtpServer,
    /// Kept alive for the test's duration; dropping it deletes the database.
    _database: TestDatabase,
    pub settings: Settings,
}

/// What emailed links must be built from, whatever Host header a request carries.
pub const PUBLIC_URL: &str = "https://latch.example.test";

/// The server key of every Latch a test starts (instances of one deployment share it).
pub const TEST_SERVER_KEY: &str = "bGF0Y2ggdGVzdCBzZXJ2ZXIga2V5OiBub3QgYSBzZWNyZXQgYXQgYWxs";

pub async fn spawn_app() -> TestApp {
    spawn_app_with(&[]).await
}

/// `spawn_app` with some settings overridden (`LATCH_*` name, value; and `LEPTOS_SITE_ROOT`,
/// the folder the site's files are served from).
pub async fn spawn_app_with(overrides: &[(&str, &str)]) -> TestApp {
    let database = TestDatabase::create().await;
    let smtp = SmtpServer::start().await;
    let settings = test_settings(&database, &smtp, overrides);

    let mut leptos_options = site::leptos_options().expect("site options");
    leptos_options.site_addr = "127.0.0.1:0".parse().unwrap();
    if let Some((_, root)) = overrides.iter().find(|(key, _)| *key == "LEPTOS_SITE_ROOT") {
        leptos_options.site_root = (*root).into();
    }
    let app = Application::build(settings.clone(), leptos_options)
        .await
        .expect("building the app");
    let address = format!("http://{}", app.local_addr().unwrap());
    let db = app.state.services.db.clone();
    tokio::spawn(app.run_until_stopped());

    TestApp {
        http: Endpoint::new(address),
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
            "LATCH_SECRET_KEY" => Some(TEST_SERVER_KEY.to_owned()),
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

impl std::ops::Deref for TestApp {
    type Target = Endpoint;

    fn deref(&self) -> &Endpoint {
        &self.http
    }
}

impl TestApp {
    /// Creates a company (once) and a member with a known password.
    pub async fn create_user(&self, username: &str) -> TestUser {
        create_user(&self.db, username).await
    }

    /// Creates `company` (once) and a user of it with a known password.
    pub async fn create_user_in(
        &self,
        company: &str,
        username: &str,
        role: latch_domain::Role,
    ) -> TestUser {
        create_user_in(&self.db, company, username, role).await
    }
}

/// Creates a company (once) and a member with a known password, directly in `db`.
pub async fn create_user(db: &DatabaseConnection, username: &str) -> TestUser {
    create_user_in(db, "PT Maju Jaya", username, latch_domain::Role::Member).await
}

/// Creates `company` (once) and a user of it with a known password, directly in `db`.
pub async fn create_user_in(
    db: &DatabaseConnection,
    company: &str,
    username: &str,
    role: latch_domain::Role,
) -> TestUser {
    use latch_core::accounts::{self, NewUser};
    use latch_domain::{CompanyName, DisplayName, Email, NewPassword, Username};

    let company = CompanyName::parse(company).unwrap();
    let _ = accounts::add_company(db, &company, chrono::Utc::now()).await;
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
    accounts::add_user(db, new_user, Some(password), chrono::Utc::now())
        .await
        .unwrap();
    user
}

/// The whole `Set-Cookie` value a response sets for the cookie starting `name=` (prefix
/// included: `__Host-latch_device=`).
pub fn set_cookie_header<'a>(response: &'a reqwest::Response, name: &str) -> Option<&'a str> {
    response
        .headers()
        .get_all("set-cookie")
        .iter()
        .filter_map(|value| value.to_str().ok())
        .find(|value| value.starts_with(name))
}

/// `name=value` of the known-device cookie a response sets, ready for a `Cookie` header.
pub fn device_cookie(response: &reqwest::Response) -> Option<String> {
    set_cookie_header(response, "__Host-latch_device=")
        .map(|value| value.split(';').next().unwrap().to_owned())
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

/// The "Forgot Password" link in a mail's data.
pub fn reset_link_in(data: &str) -> String {
    link_in(data, "reset-password")
}

/// The link to `page` (`reset-password`, `confirm-email`) in a mail's data.
pub fn link_in(data: &str, page: &str) -> String {
    let body = unfolded(data);
    let start = body
        .find(&format!("{PUBLIC_URL}/{page}?token="))
        .unwrap_or_else(|| panic!("a link to {page}"));
    body[start..]
        .split(|c: char| c.is_whitespace() || c == '"' || c == '<')
        .next()
        .unwrap()
        .to_owned()
}

/// The `Message-ID` header line of a mail's data (empty when there is none).
pub fn message_id(data: &str) -> String {
    data.lines()
        .find(|line| line.to_ascii_lowercase().starts_with("message-id:"))
        .unwrap_or_default()
        .to_owned()
}

/// A "Your password was changed" notice to `to`, ready for `latch_core::outbox::enqueue`. (A
/// mail with a link needs a link row to mint its token from: see `links_at_rest.rs`.)
pub fn notice_mail(to: &str) -> latch_core::outbox::NewMail {
    use latch_core::outbox::{MailTemplate, NewMail};
    NewMail {
        user_id: None,
        to_address: to.to_owned(),
        to_name: "Ana Putri".to_owned(),
        locale: Some(latch_i18n::Locale::En),
        time_zone: None,
        template: MailTemplate::PasswordChanged {
            username: "ana.putri".to_owned(),
        },
    }
}

/// A connection to the database at `url`, its schema brought up to date.
pub async fn connect_migrated(url: &str) -> DatabaseConnection {
    let db = latch_core::db::connect(url).await.unwrap();
    latch_core::db::migrate(&db).await.unwrap();
    db
}

/// Shortcuts: a signed-in cookie, a user's row, and preferences set straight in the database.
impl TestApp {
    /// The session cookie of `user`, logged in with their password.
    pub async fn cookie_for(&self, user: &TestUser) -> String {
        session_cookie(&self.log_in(&user.username, &user.password).await).unwrap()
    }

    /// `username`'s row.
    pub async fn user_row(&self, username: &str) -> user::Model {
        user::Entity::find()
            .filter(user::Column::Username.eq(username))
            .one(&self.db)
            .await
            .unwrap()
            .unwrap()
    }

    /// Sets the only company's defaults directly in the database.
    pub async fn company_defaults(&self, locale: &str, time_zone: &str) {
        let mut company = company::Entity::find()
            .one(&self.db)
            .await
            .unwrap()
            .unwrap()
            .into_active_model();
        company.default_locale = Set(locale.to_owned());
        company.default_time_zone = Set(time_zone.to_owned());
        company.update(&self.db).await.unwrap();
    }

    /// Saves `user`'s own choices directly in the database.
    pub async fn user_choices(
        &self,
        username: &str,
        locale: Option<&str>,
        time_zone: Option<&str>,
    ) {
        let mut row = self.user_row(username).await.into_active_model();
        row.locale = Set(locale.map(str::to_owned));
        row.time_zone = Set(time_zone.map(str::to_owned));
        row.update(&self.db).await.unwrap();
    }
}
