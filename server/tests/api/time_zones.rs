//! Dates and times in the reader's language and time zone: their own choice (Account Settings),
//! else their company's default, else UTC; on pages, in emails and on the reset page.

use std::time::Duration;

use latch_core::entities::{audit_event, reset_token};
use latch_core::time_zone::TimeZone;
use latch_domain::Role;
use latch_i18n::Locale;
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QueryOrder};

use crate::helpers::{TestApp, reset_link_in, spawn_app, unfolded};

fn zone(name: &str) -> TimeZone {
    TimeZone::parse(name).unwrap()
}

impl TestApp {
    /// A page as a browser asking for `languages` loads it.
    async fn page_in(&self, path: &str, cookie: &str, languages: Option<&str>) -> String {
        let mut request = self
            .client
            .get(format!("{}{path}", self.address))
            .header("cookie", cookie)
            .header("accept", "text/html");
        if let Some(languages) = languages {
            request = request.header("accept-language", languages);
        }
        let response = request.send().await.unwrap();
        assert_eq!(response.status(), 200, "{path}");
        response.text().await.unwrap()
    }

    /// When the newest audit event happened.
    async fn newest_event_at(&self) -> chrono::DateTime<chrono::Utc> {
        audit_event::Entity::find()
            .order_by_desc(audit_event::Column::CreatedAt)
            .one(&self.db)
            .await
            .unwrap()
            .unwrap()
            .created_at
    }

    /// When `username`'s newest link expires.
    async fn link_expiry(&self, username: &str) -> chrono::DateTime<chrono::Utc> {
        let owner = self.user_row(username).await;
        reset_token::Entity::find()
            .filter(reset_token::Column::UserId.eq(owner.id))
            .order_by_desc(reset_token::Column::CreatedAt)
            .one(&self.db)
            .await
            .unwrap()
            .unwrap()
            .expires_at
    }
}

#[tokio::test]
async fn a_saved_time_zone_changes_the_times_on_the_activity_page_and_the_user_list() {
    let app = spawn_app().await;
    let admin = app.create_user_in("PT Maju Jaya", "adi", Role::Admin).await;
    let cookie = app.cookie_for(&admin).await;
    let login_at = app.newest_event_at().await;
    let last_login = app.user_row("adi").await.last_login_at.unwrap();

    let before = app.page_in("/settings/activity", &cookie, Some("en")).await;
    let saved = app
        .post_form(
            "/api/time_zone",
            &[("time_zone", "Asia/Jakarta")],
            &[("cookie", &cookie), ("accept", "text/html")],
        )
        .await;
    let activity = app.page_in("/settings/activity", &cookie, Some("en")).await;
    let users = app.page_in("/settings", &cookie, Some("en")).await;
    let settings = app
        .page_in("/settings/account?time_zone=saved", &cookie, Some("en"))
        .await;

    assert!(
        before.contains(&TimeZone::UTC.format(login_at, Locale::En)),
        "UTC while the company's default is UTC: {before}"
    );
    assert_eq!(saved.status(), 302);
    assert_eq!(
        saved.headers()["location"],
        "/settings/account?time_zone=saved"
    );
    let jakarta = zone("Asia/Jakarta");
    let expected = jakarta.format(login_at, Locale::En);
    assert!(expected.ends_with(" WIB"), "{expected}");
    assert!(activity.contains(&expected), "{expected} in {activity}");
    assert!(
        users.contains(&jakarta.format(last_login, Locale::En)),
        "the last login in WIB: {users}"
    );
    assert!(
        activity.contains("<td>Succeeded</td>"),
        "the outcome is a translated label: {activity}"
    );
    assert!(
        settings.contains("Your time zone has been saved."),
        "{settings}"
    );
    assert!(
        settings.contains(r#"<option selected>Asia/Jakarta</option>"#),
        "{settings}"
    );
    assert!(settings.contains("Company default (UTC)"), "{settings}");
}

#[tokio::test]
async fn the_company_default_applies_to_users_who_chose_no_time_zone() {
    let app = spawn_app().await;
    let admin = app.create_user_in("PT Maju Jaya", "adi", Role::Admin).await;
    app.company_defaults("id", "Asia/Makassar").await;
    let cookie = app.cookie_for(&admin).await;
    let login_at = app.newest_event_at().await;

    // A browser asking for no language we speak: the company's language too.
    let activity = app
        .page_in("/settings/activity", &cookie, Some("fr-FR"))
        .await;
    let settings = app
        .page_in("/settings/account", &cookie, Some("fr-FR"))
        .await;
    app.post_form(
        "/api/admin/invite",
        &[
            ("name", "Budi Santoso"),
            ("username", "budi"),
            ("email", "budi@example.co.id"),
            ("role", "member"),
        ],
        &[("cookie", &cookie)],
    )
    .await;
    let mails = app.smtp.wait_for(1, Duration::from_secs(10)).await;
    let invitation = unfolded(&mails[0].data);
    let invitation_expiry = app.link_expiry("budi").await;

    let makassar = zone("Asia/Makassar");
    let expected = makassar.format(login_at, Locale::Id);
    assert!(expected.contains(" pukul ") && expected.ends_with(" WITA"));
    assert!(activity.contains(&expected), "{expected} in {activity}");
    assert!(
        settings.contains("Bawaan perusahaan (Asia/Makassar)"),
        "{settings}"
    );
    let until = format!(
        "berlaku selama 72 jam, sampai {}.",
        makassar.format(invitation_expiry, Locale::Id)
    );
    assert_eq!(
        invitation.matches(&until).count(),
        2,
        "text and HTML parts: {until} in {invitation}"
    );
}

#[tokio::test]
async fn the_reset_email_says_until_when_in_the_recipients_language_and_time_zone() {
    let app = spawn_app().await;
    let ana = app.create_user("ana").await;
    app.user_choices("ana", Some("id"), Some("Asia/Jayapura"))
        .await;

    app.request_reset(&ana.email).await;
    let mails = app.smtp.wait_for(1, Duration::from_secs(10)).await;
    let mail = unfolded(&mails[0].data);
    let expires_at = app.link_expiry("ana").await;

    let until = zone("Asia/Jayapura").format(expires_at, Locale::Id);
    assert!(until.ends_with(" WIT"), "{until}");
    let sentence = format!("berlaku selama 30 menit, sampai {until}.");
    assert_eq!(
        mail.matches(&sentence).count(),
        2,
        "text and HTML parts: {sentence} in {mail}"
    );
    assert!(mail.contains("ana"), "the mail names the username");
}

#[tokio::test]
async fn an_unknown_time_zone_is_refused_with_a_clear_error_and_changes_nothing() {
    let app = spawn_app().await;
    let ana = app.create_user("ana").await;
    let cookie = app.cookie_for(&ana).await;

    let script = app
        .post_form(
            "/api/time_zone",
            &[("time_zone", "Mars/Olympus_Mons")],
            &[("cookie", &cookie)],
        )
        .await;
    let status = script.status();
    let body = script.text().await.unwrap();
    let form = app
        .post_page(
            "/settings/account",
            "/api/time_zone",
            &[("time_zone", "Mars/Olympus_Mons")],
            &[("cookie", &cookie), ("accept-language", "en")],
        )
        .await;
    let form_status = form.status();
    let page = form.text().await.unwrap();

    assert_eq!(status, 422);
    assert!(body.contains("UnknownTimeZone"), "{body}");
    assert!(body.contains("Mars/Olympus_Mons"), "{body}");
    assert_eq!(form_status, 422, "without JavaScript too");
    assert!(
        page.contains("is not a time zone Latch knows. Choose one from the list."),
        "{page}"
    );
    assert!(
        page.contains(r#"role="alert" id="time-zone-error""#),
        "{page}"
    );
    assert!(
        page.contains(r#"aria-describedby="time-zone-error time-zone-hint""#),
        "{page}"
    );
    assert_eq!(app.user_row("ana").await.time_zone, None);
}

#[tokio::test]
async fn the_reset_page_says_when_the_link_expires_for_its_owner() {
    let app = spawn_app().await;
    let ana = app.create_user("ana").await;
    app.company_defaults("id", "UTC").await;
    app.user_choices("ana", None, Some("Asia/Jakarta")).await;

    app.request_reset(&ana.email).await;
    let mails = app.smtp.wait_for(1, Duration::from_secs(10)).await;
    let reset_cookie = app.open_link(&reset_link_in(&mails[0].data)).await;
    let expires_at = app.link_expiry("ana").await;
    let english = app
        .page_in("/reset-password", &reset_cookie, Some("en-US"))
        .await;
    let company_language = app.page_in("/reset-password", &reset_cookie, None).await;

    let jakarta = zone("Asia/Jakarta");
    let in_english = format!(
        "This link works until {}.",
        jakarta.format(expires_at, Locale::En)
    );
    let in_indonesian = format!(
        "Tautan ini berlaku sampai {}.",
        jakarta.format(expires_at, Locale::Id)
    );
    assert!(english.contains(&in_english), "{in_english} in {english}");
    assert!(
        company_language.contains(&in_indonesian),
        "{in_indonesian} in {company_language}"
    );
}

#[tokio::test]
async fn without_javascript_choosing_the_company_default_again_clears_the_choice() {
    let app = spawn_app().await;
    let ana = app.create_user("ana").await;
    app.user_choices("ana", None, Some("Europe/London")).await;
    let cookie = app.cookie_for(&ana).await;

    let saved = app
        .post_form(
            "/api/time_zone",
            &[("time_zone", "")],
            &[("cookie", &cookie), ("accept", "text/html")],
        )
        .await;

    assert_eq!(saved.status(), 302);
    assert_eq!(app.user_row("ana").await.time_zone, None);
}
