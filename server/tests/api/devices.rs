//! Account Settings → "Your devices": the account's live sessions in words, "Sign out" of one
//! or all other devices, an admin's "Sign out everywhere", and the "New sign-in to your
//! account" mail for a login from a browser that is no known device of the account.

use std::time::Duration;

use latch_core::entities::{audit_event, session};
use latch_domain::Role;
use leptos::serde_json::{self, Value};
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};

use crate::admin::two_companies;
use crate::helpers::{TestApp, TestUser, device_cookie, session_cookie, spawn_app, unfolded};

const CHROME_ON_WINDOWS: &str = "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36";
const FIREFOX_ON_LINUX: &str =
    "Mozilla/5.0 (X11; Linux x86_64; rv:133.0) Gecko/20100101 Firefox/133.0";
const SAFARI_ON_IOS: &str = "Mozilla/5.0 (iPhone; CPU iPhone OS 18_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.1 Mobile/15E148 Safari/604.1";

/// One browser: its `User-Agent` and the cookies it holds.
struct Browser {
    user_agent: &'static str,
    session: String,
    device: Option<String>,
}

impl Browser {
    fn cookies(&self) -> String {
        match &self.device {
            Some(device) => format!("{}; {device}", self.session),
            None => self.session.clone(),
        }
    }
}

impl TestApp {
    /// Logs `user` in from a browser sending `user_agent`, holding `device` (a known-device
    /// cookie) or nothing.
    async fn sign_in_from(
        &self,
        user: &TestUser,
        user_agent: &'static str,
        device: Option<&str>,
    ) -> Browser {
        let mut headers = vec![("user-agent", user_agent)];
        if let Some(device) = device {
            headers.push(("cookie", device));
        }
        let response = self
            .post_form(
                "/api/login",
                &[("identifier", &user.username), ("password", &user.password)],
                &headers,
            )
            .await;
        assert_eq!(response.status(), 200, "logging in");
        Browser {
            user_agent,
            session: session_cookie(&response).unwrap(),
            device: device_cookie(&response).or_else(|| device.map(str::to_owned)),
        }
    }

    /// "Your devices" as `browser` reads it (the server function the section calls).
    async fn devices_of(&self, browser: &Browser) -> reqwest::Response {
        self.post_form(
            "/api/devices",
            &[],
            &[
                ("cookie", &browser.cookies()),
                ("user-agent", browser.user_agent),
            ],
        )
        .await
    }

    async fn device_list(&self, browser: &Browser) -> Vec<Value> {
        let response = self.devices_of(browser).await;
        assert_eq!(response.status(), 200);
        serde_json::from_str(&response.text().await.unwrap()).unwrap()
    }

    async fn browser_signed_in(&self, browser: &Browser) -> bool {
        self.devices_of(browser).await.status() == 200
    }

    async fn sign_out_device(&self, browser: &Browser, handle: &str) -> reqwest::Response {
        self.post_form(
            "/api/devices/sign_out",
            &[("handle", handle)],
            &[("cookie", &browser.cookies())],
        )
        .await
    }

    async fn new_sign_in_mails(&self) -> usize {
        self.mails_to("new_sign_in").await.len()
    }

    async fn events_of_kind(&self, kind: &str) -> Vec<audit_event::Model> {
        audit_event::Entity::find()
            .filter(audit_event::Column::Kind.eq(kind))
            .all(&self.db)
            .await
            .unwrap()
    }
}

/// The handle "Your devices" shows `browser` for the row described as `device`.
async fn handle_of(app: &TestApp, browser: &Browser, device: &str) -> String {
    let rows = app.device_list(browser).await;
    let row = rows.iter().find(|row| row["device"] == device).unwrap();
    row["handle"].as_str().unwrap().to_owned()
}

#[tokio::test]
async fn your_devices_lists_this_browser_and_the_other_in_words() {
    let app = spawn_app().await;
    let ana = app.create_user("ana").await;
    let laptop = app.sign_in_from(&ana, CHROME_ON_WINDOWS, None).await;
    let _phone = app.sign_in_from(&ana, FIREFOX_ON_LINUX, None).await;

    let rows = app.device_list(&laptop).await;

    assert_eq!(rows.len(), 2, "{rows:?}");
    let this = rows.iter().find(|row| row["this_device"] == true).unwrap();
    assert_eq!(this["device"], "Chrome on Windows");
    assert!(
        this["handle"].is_null(),
        "this device is signed out with Log out"
    );
    let other = rows.iter().find(|row| row["this_device"] == false).unwrap();
    assert_eq!(other["device"], "Firefox on Linux");
    assert_eq!(other["address"], "127.0.0.1");
    assert_eq!(other["handle"].as_str().unwrap().len(), 32);

    let page = app
        .get_page("/settings/account", &laptop.cookies())
        .await
        .text()
        .await
        .unwrap();
    for expected in [
        "Your devices",
        "Firefox on Linux",
        "This device",
        "Sign out of all other devices",
    ] {
        assert!(page.contains(expected), "{expected}");
    }
    // The sessions' ids are their cookies' hashes: no page ever shows one.
    for row in session::Entity::find().all(&app.db).await.unwrap() {
        assert!(!page.contains(&row.id));
    }
}

#[tokio::test]
async fn signing_out_one_device_ends_that_session_and_keeps_this_one() {
    let app = spawn_app().await;
    let ana = app.create_user("ana").await;
    let laptop = app.sign_in_from(&ana, CHROME_ON_WINDOWS, None).await;
    let phone = app.sign_in_from(&ana, SAFARI_ON_IOS, None).await;
    let handle = handle_of(&app, &laptop, "Safari on iOS").await;

    let response = app.sign_out_device(&laptop, &handle).await;

    assert_eq!(response.status(), 200);
    assert!(
        !app.browser_signed_in(&phone).await,
        "the phone is signed out"
    );
    assert!(app.browser_signed_in(&laptop).await, "this device stays");
    assert_eq!(app.device_list(&laptop).await.len(), 1);
    let events = app.events_of_kind("device_signed_out").await;
    assert_eq!(events.len(), 1);
    assert_eq!(events[0].outcome, "succeeded");
    assert_eq!(events[0].client_ip.as_deref(), Some("127.0.0.1"));
}

#[tokio::test]
async fn without_javascript_sign_out_comes_back_to_account_settings_saying_so() {
    let app = spawn_app().await;
    let ana = app.create_user("ana").await;
    let laptop = app.sign_in_from(&ana, CHROME_ON_WINDOWS, None).await;
    let phone = app.sign_in_from(&ana, SAFARI_ON_IOS, None).await;
    let handle = handle_of(&app, &laptop, "Safari on iOS").await;

    let response = app
        .post_page(
            "/settings/account",
            "/api/devices/sign_out",
            &[("handle", &handle)],
            &[("cookie", &laptop.cookies())],
        )
        .await;

    assert_eq!(response.status(), 302);
    let next = response.headers()["location"].to_str().unwrap().to_owned();
    assert_eq!(next, "/settings/account?devices=one");
    assert!(!app.browser_signed_in(&phone).await);
    let page = app
        .get_page(&next, &laptop.cookies())
        .await
        .text()
        .await
        .unwrap();
    assert!(page.contains("The device was signed out."), "{page}");
}

#[tokio::test]
async fn sign_out_of_all_other_devices_keeps_only_this_one() {
    let app = spawn_app().await;
    let ana = app.create_user("ana").await;
    let laptop = app.sign_in_from(&ana, CHROME_ON_WINDOWS, None).await;
    let phone = app.sign_in_from(&ana, SAFARI_ON_IOS, None).await;
    let desktop = app.sign_in_from(&ana, FIREFOX_ON_LINUX, None).await;

    let response = app
        .post_form(
            "/api/devices/sign_out_others",
            &[],
            &[("cookie", &laptop.cookies())],
        )
        .await;

    assert_eq!(response.status(), 200);
    assert!(!app.browser_signed_in(&phone).await);
    assert!(!app.browser_signed_in(&desktop).await);
    assert!(app.browser_signed_in(&laptop).await);
    let events = app.events_of_kind("other_devices_signed_out").await;
    assert_eq!(events.len(), 1);
    assert!(
        events[0]
            .details
            .as_deref()
            .unwrap()
            .contains("\"sessions_ended\":2")
    );
}

#[tokio::test]
async fn no_handle_ends_another_users_session_or_this_one() {
    let app = spawn_app().await;
    let ana = app.create_user("ana").await;
    let budi = app.create_user("budi").await;
    let anas = app.sign_in_from(&ana, CHROME_ON_WINDOWS, None).await;
    let budis = app.sign_in_from(&budi, FIREFOX_ON_LINUX, None).await;
    let _budis_phone = app.sign_in_from(&budi, SAFARI_ON_IOS, None).await;
    let budis_handle = handle_of(&app, &budis, "Safari on iOS").await;
    let anas_own = session::Entity::find()
        .all(&app.db)
        .await
        .unwrap()
        .into_iter()
        .find(|row| row.user_agent.as_deref() == Some(CHROME_ON_WINDOWS))
        .unwrap()
        .handle
        .unwrap();

    for handle in [
        budis_handle.as_str(),
        anas_own.as_str(),
        "0123456789abcdef0123456789abcdef",
        "",
        "' OR 1=1 --",
    ] {
        let response = app.sign_out_device(&anas, handle).await;
        assert_eq!(response.status(), 404, "{handle:?}");
    }

    assert_eq!(
        app.device_list(&budis).await.len(),
        2,
        "Budi's devices all stay"
    );
    assert!(app.browser_signed_in(&anas).await);
    let events = app.events_of_kind("device_signed_out").await;
    assert_eq!(events.len(), 5);
    assert!(events.iter().all(|event| event.outcome == "failed"));
}

#[tokio::test]
async fn an_admin_signs_a_user_out_everywhere_without_deactivating_them() {
    let app = spawn_app().await;
    let (admin, member, _) = two_companies(&app).await;
    let admins = app.sign_in_from(&admin, CHROME_ON_WINDOWS, None).await;
    let laptop = app.sign_in_from(&member, FIREFOX_ON_LINUX, None).await;
    let phone = app.sign_in_from(&member, SAFARI_ON_IOS, None).await;
    let member_id = app.user_id(&member.username).await;

    let response = app
        .admin_post(
            &admins.cookies(),
            "sign_out_everywhere",
            &[
                ("user_id", &member_id),
                ("return_to", &format!("/settings/users/{member_id}")),
            ],
        )
        .await;

    assert_eq!(response.status(), 200);
    assert!(!app.browser_signed_in(&laptop).await);
    assert!(!app.browser_signed_in(&phone).await);
    assert!(
        app.browser_signed_in(&admins).await,
        "the admin's own session stays"
    );
    assert!(app.user_row(&member.username).await.active);
    assert_eq!(
        app.log_in(&member.username, &member.password)
            .await
            .status(),
        200
    );
    let events = app.events_of_kind("signed_out_everywhere").await;
    assert_eq!(events.len(), 1);
    let admin_id = app.user_row(&admin.username).await.id;
    assert_eq!(events[0].actor_user_id, Some(admin_id));
    assert_eq!(
        events[0].target_user_id.map(|id| id.to_string()),
        Some(member_id)
    );
    // And the company's Activity page lists it.
    let activity = app
        .admin_post(
            &admins.cookies(),
            "activity",
            &[("kind", "signed_out_everywhere"), ("page", "1")],
        )
        .await
        .text()
        .await
        .unwrap();
    assert!(
        activity.contains("\"kind\":\"signed_out_everywhere\""),
        "{activity}"
    );
}

#[tokio::test]
async fn members_and_other_companies_admins_cannot_sign_anyone_out() {
    let app = spawn_app().await;
    let (admin, member, stranger) = two_companies(&app).await;
    let admins = app.sign_in_from(&admin, CHROME_ON_WINDOWS, None).await;
    let members = app.sign_in_from(&member, FIREFOX_ON_LINUX, None).await;
    let strangers = app.sign_in_from(&stranger, SAFARI_ON_IOS, None).await;
    let (admin_id, member_id) = (
        app.user_id(&admin.username).await,
        app.user_id(&member.username).await,
    );

    let by_member = app
        .admin_post(
            &members.cookies(),
            "sign_out_everywhere",
            &[("user_id", &admin_id), ("return_to", "/settings")],
        )
        .await;
    let by_stranger = app
        .admin_post(
            &strangers.cookies(),
            "sign_out_everywhere",
            &[("user_id", &member_id), ("return_to", "/settings")],
        )
        .await;

    assert_eq!(by_member.status(), 403);
    assert_eq!(by_stranger.status(), 404);
    assert!(app.browser_signed_in(&admins).await);
    assert!(app.browser_signed_in(&members).await);
    assert!(app.events_of_kind("signed_out_everywhere").await.is_empty());
    assert_eq!(app.events_of_kind("admin_refused").await.len(), 2);
}

#[tokio::test]
async fn a_login_from_a_new_browser_is_mailed_and_one_from_a_known_browser_is_not() {
    let app = spawn_app().await;
    let ana = app.create_user("ana").await;
    // The account's very first login: every browser is new then; no alert.
    let laptop = app.sign_in_from(&ana, CHROME_ON_WINDOWS, None).await;
    assert_eq!(app.new_sign_in_mails().await, 0, "not for the first login");

    // The same browser again, carrying its known-device cookie.
    app.sign_in_from(&ana, CHROME_ON_WINDOWS, laptop.device.as_deref())
        .await;
    assert_eq!(app.new_sign_in_mails().await, 0, "a known device");

    // Another browser, which has never signed in to this account.
    app.sign_in_from(&ana, FIREFOX_ON_LINUX, None).await;
    let mails = app.mails_to("new_sign_in").await;
    assert_eq!(mails.len(), 1);
    assert_eq!(mails[0].recipient, ana.email);

    let sent = app.smtp.wait_for(1, Duration::from_secs(10)).await;
    let alert = unfolded(&sent.last().unwrap().data);
    for expected in [
        "Subject: New sign-in to your account",
        "Firefox on Linux",
        "127.0.0.1",
        "UTC",
        "change your password",
    ] {
        assert!(alert.contains(expected), "{expected} in {alert}");
    }
}

#[tokio::test]
async fn a_company_can_turn_the_new_sign_in_alert_off() {
    let app = spawn_app().await;
    let ana = app.create_user("ana").await;
    // An admin of the company, on the Security page: the box unticked.
    let admin = app.create_user_in("PT Maju Jaya", "adi", Role::Admin).await;
    let admin_cookie = app.cookie_for(&admin).await;
    let saved = app
        .admin_post(
            &admin_cookie,
            "set_security",
            &[
                ("require_two_step", "off"),
                ("policy_password", &admin.password),
            ],
        )
        .await;
    assert_eq!(saved.status(), 200, "{:?}", saved.text().await);
    let changed = app.events_of_kind("security_policy_changed").await;
    assert_eq!(changed.len(), 1);

    app.sign_in_from(&ana, CHROME_ON_WINDOWS, None).await;
    app.sign_in_from(&ana, FIREFOX_ON_LINUX, None).await;
    app.sign_in_from(&ana, SAFARI_ON_IOS, None).await;

    assert_eq!(app.new_sign_in_mails().await, 0);
    // Another company keeps its alerts.
    let citra = app.create_user_in("CV Lain", "citra", Role::Member).await;
    app.sign_in_from(&citra, CHROME_ON_WINDOWS, None).await;
    app.sign_in_from(&citra, FIREFOX_ON_LINUX, None).await;
    assert_eq!(app.new_sign_in_mails().await, 1);
}
