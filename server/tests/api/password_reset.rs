use std::time::Duration;

use latch_core::entities::{audit_event, reset_token, session, user};
use sea_orm::{ActiveModelTrait, ColumnTrait, EntityTrait, IntoActiveModel, QueryFilter, Set};

use crate::helpers::{
    PUBLIC_URL, TestApp, TestUser, reset_link_in, session_cookie, spawn_app, spawn_app_with,
};

const NEW_PASSWORD: &str = "a brand new passphrase";

impl TestApp {
    /// Waits for mail number `n` (1-based) and returns its reset link.
    async fn reset_link(&self, n: usize) -> String {
        let mails = self.smtp.wait_for(n, Duration::from_secs(10)).await;
        assert!(mails.len() >= n, "mail {n} did not arrive");
        reset_link_in(&mails[n - 1].data)
    }
}

async fn token_rows(app: &TestApp) -> Vec<reset_token::Model> {
    reset_token::Entity::find().all(&app.db).await.unwrap()
}

#[tokio::test]
async fn the_whole_flow_from_request_to_logging_in_with_the_new_password() {
    let app = spawn_app().await;
    let ana: TestUser = app.create_user("ana").await;
    let old_session = session_cookie(&app.log_in(&ana.username, &ana.password).await).unwrap();

    let requested = app.request_reset(&ana.email).await;
    assert_eq!(requested.status(), 200);
    assert_eq!(requested.headers()["location"], "/forgot-password/sent");

    let link = app.reset_link(1).await;
    let mail = &app.smtp.received()[0];
    assert!(mail.data.contains("ana"), "the mail names the username");
    let cookie = app.open_link(&link).await;
    assert!(
        token_rows(&app).await[0].used_at.is_none(),
        "opening the link uses nothing"
    );

    let page = app.get_with_cookie("/reset-password", Some(&cookie)).await;
    assert_eq!(page.status(), 200);
    assert_eq!(page.headers()["referrer-policy"], "no-referrer");
    assert!(page.text().await.unwrap().contains("New password"));

    let done = app.set_password(&cookie, NEW_PASSWORD, NEW_PASSWORD).await;
    assert_eq!(done.status(), 200);
    assert_eq!(done.headers()["location"], "/reset-password/done");
    assert!(
        session_cookie(&done).is_none(),
        "not logged in automatically"
    );

    assert_eq!(app.log_in(&ana.username, &ana.password).await.status(), 401);
    assert_eq!(app.log_in(&ana.username, NEW_PASSWORD).await.status(), 200);
    // Every session that existed before the reset has ended.
    assert_eq!(
        app.get_with_cookie("/", Some(&old_session)).await.status(),
        303
    );
    // "Your password was changed" went out (with the reset link before it, and the new
    // sign-in alert of that login from a browser with no known-device cookie).
    let mails = app.smtp.wait_for(3, Duration::from_secs(10)).await;
    assert!(
        mails[1..]
            .iter()
            .any(|mail| mail.data.contains("Subject: Your password was changed")),
        "{mails:?}"
    );
    let audited = audit_event::Entity::find()
        .filter(audit_event::Column::Kind.eq("password_reset_completed"))
        .all(&app.db)
        .await
        .unwrap();
    assert_eq!(audited.len(), 1);
}

#[tokio::test]
async fn unknown_addresses_get_the_same_answer_and_no_mail() {
    let app = spawn_app().await;
    let ana = app.create_user("ana").await;

    let known = app.request_reset(&ana.email).await;
    let unknown = app.request_reset("nobody@example.com").await;

    assert_eq!(known.status(), unknown.status());
    assert_eq!(known.headers()["location"], unknown.headers()["location"]);
    assert_eq!(known.text().await.unwrap(), unknown.text().await.unwrap());
    let mails = app.smtp.wait_for(2, Duration::from_secs(3)).await;
    assert_eq!(mails.len(), 1);
    assert_eq!(mails[0].to, [ana.email]);
}

#[tokio::test]
async fn inactive_users_get_no_mail_and_the_same_answer() {
    let app = spawn_app().await;
    let ana = app.create_user("ana").await;
    let row = user::Entity::find().one(&app.db).await.unwrap().unwrap();
    let mut row = row.into_active_model();
    row.active = Set(false);
    row.update(&app.db).await.unwrap();

    let response = app.request_reset(&ana.email).await;

    assert_eq!(response.headers()["location"], "/forgot-password/sent");
    assert!(
        app.smtp
            .wait_for(1, Duration::from_secs(3))
            .await
            .is_empty()
    );
}

#[tokio::test]
async fn a_link_works_once_even_when_submitted_fifty_times_at_once() {
    // Each submission hashes its password first; on a busy machine 50 hashes queue longer
    // than the default 2 s, and a 503 "busy" would hide what this test is about: the token.
    let app = spawn_app_with(&[("LATCH_HASH_MAX_WAIT_MS", "60000")]).await;
    let ana = app.create_user("ana").await;
    app.request_reset(&ana.email).await;
    let cookie = app.open_link(&app.reset_link(1).await).await;

    let attempts: Vec<_> = (0..50)
        .map(|_| {
            let request = app
                .client
                .post(format!("{}/api/reset_password", app.address))
                .header("cookie", cookie.clone())
                .form(&[("password", NEW_PASSWORD), ("confirm", NEW_PASSWORD)]);
            tokio::spawn(async move { request.send().await.unwrap().status().as_u16() })
        })
        .collect();
    let mut statuses = Vec::new();
    for attempt in attempts {
        statuses.push(attempt.await.unwrap());
    }

    assert_eq!(
        statuses.iter().filter(|s| **s == 200).count(),
        1,
        "{statuses:?}"
    );
    assert!(
        statuses.iter().all(|s| *s == 200 || *s == 410),
        "{statuses:?}"
    );
    let again = app
        .set_password(&cookie, "yet another passphrase", "yet another passphrase")
        .await;
    assert_eq!(again.status(), 410);
    assert!(again.text().await.unwrap().contains("Used"));
}

#[tokio::test]
async fn expired_and_replaced_links_say_so() {
    let app = spawn_app().await;
    let ana = app.create_user("ana").await;
    app.request_reset(&ana.email).await;
    let first = app.open_link(&app.reset_link(1).await).await;
    app.request_reset(&ana.email).await;
    let second = app.open_link(&app.reset_link(2).await).await;

    let replaced = app.set_password(&first, NEW_PASSWORD, NEW_PASSWORD).await;
    assert_eq!(replaced.status(), 410);
    assert!(replaced.text().await.unwrap().contains("Replaced"));
    let page = app
        .get_with_cookie("/reset-password", Some(&first))
        .await
        .text()
        .await
        .unwrap();
    assert!(
        page.contains("replaced by a newer one") && page.contains("Send me a new link"),
        "{page}"
    );

    for row in token_rows(&app)
        .await
        .into_iter()
        .filter(|row| row.revoked_at.is_none())
    {
        let mut row = row.into_active_model();
        row.expires_at = Set(chrono::Utc::now() - chrono::Duration::seconds(1));
        row.update(&app.db).await.unwrap();
    }
    let expired = app.set_password(&second, NEW_PASSWORD, NEW_PASSWORD).await;
    assert_eq!(expired.status(), 410);
    assert!(expired.text().await.unwrap().contains("Expired"));
    let page = app
        .get_with_cookie("/reset-password", Some(&second))
        .await
        .text()
        .await
        .unwrap();
    assert!(page.contains("This link has expired"), "{page}");
}

#[tokio::test]
async fn a_forged_host_header_never_reaches_the_link() {
    let app = spawn_app().await;
    let ana = app.create_user("ana").await;

    app.post_form(
        "/api/request_reset",
        &[("email", &ana.email)],
        &[("host", "evil.example")],
    )
    .await;

    let link = app.reset_link(1).await;
    assert!(
        link.starts_with(&format!("{PUBLIC_URL}/reset-password?token=")),
        "{link}"
    );
    assert!(!app.smtp.received()[0].data.contains("evil.example"));
}

#[tokio::test]
async fn requests_are_throttled_per_address_whether_or_not_it_exists() {
    let app = spawn_app().await;
    let ana = app.create_user("ana").await;

    for email in [ana.email.as_str(), "nobody@example.com"] {
        for _ in 0..3 {
            assert_eq!(app.request_reset(email).await.status(), 200, "{email}");
        }
        let blocked = app.request_reset(email).await;
        assert_eq!(blocked.status(), 429, "{email}");
        assert!(blocked.headers().contains_key("retry-after"));
    }
}

#[tokio::test]
async fn bad_input_is_refused_clearly_and_the_link_survives() {
    let app = spawn_app().await;
    let ana = app.create_user("ana").await;

    let bad_email = app.request_reset("not an email").await;
    assert_eq!(bad_email.status(), 422);
    assert!(bad_email.text().await.unwrap().contains("InvalidEmail"));

    app.request_reset(&ana.email).await;
    let cookie = app.open_link(&app.reset_link(1).await).await;
    let short = app.set_password(&cookie, "short", "short").await;
    assert_eq!(short.status(), 422);
    assert!(short.text().await.unwrap().contains("TooShort"));
    // The same policy as Account Settings, judged for the link's owner.
    let common = app.set_password(&cookie, "iloveyou", "iloveyou").await;
    assert_eq!(common.status(), 422);
    assert!(common.text().await.unwrap().contains("Common"));
    let personal = app
        .set_password(&cookie, "putri jaya plums", "putri jaya plums")
        .await;
    assert_eq!(personal.status(), 422);
    assert!(
        personal
            .text()
            .await
            .unwrap()
            .contains("ContainsPersonalInfo")
    );
    let differ = app
        .set_password(&cookie, NEW_PASSWORD, "something else entirely")
        .await;
    assert!(differ.text().await.unwrap().contains("PasswordsDiffer"));

    assert!(token_rows(&app).await[0].used_at.is_none());
    assert_eq!(
        app.set_password(&cookie, NEW_PASSWORD, NEW_PASSWORD)
            .await
            .status(),
        200
    );
}

#[tokio::test]
async fn a_reset_ends_every_session_of_the_user() {
    let app = spawn_app().await;
    let ana = app.create_user("ana").await;
    // Two tabs of one browser (its known-device cookie: no new sign-in mail before the reset's).
    let first = app.log_in(&ana.username, &ana.password).await;
    let device = crate::helpers::device_cookie(&first).unwrap();
    let credentials = [("identifier", &*ana.username), ("password", &*ana.password)];
    app.post_form("/api/login", &credentials, &[("cookie", &device)])
        .await;
    assert_eq!(session::Entity::find().all(&app.db).await.unwrap().len(), 2);

    app.request_reset(&ana.email).await;
    let cookie = app.open_link(&app.reset_link(1).await).await;
    app.set_password(&cookie, NEW_PASSWORD, NEW_PASSWORD).await;

    assert!(
        session::Entity::find()
            .all(&app.db)
            .await
            .unwrap()
            .is_empty()
    );
}

#[tokio::test]
async fn a_completed_reset_lifts_the_login_block_that_strangers_caused() {
    let app = spawn_app().await;
    let ana = app.create_user("ana").await;
    // The free allowance: five checks, the fifth starting the block.
    for _ in 0..5 {
        assert_eq!(
            app.log_in(&ana.username, "a stranger's guess")
                .await
                .status(),
            401
        );
    }
    assert_eq!(app.log_in(&ana.username, &ana.password).await.status(), 429);

    app.request_reset(&ana.email).await;
    let cookie = app.open_link(&app.reset_link(1).await).await;
    let done = app.set_password(&cookie, NEW_PASSWORD, NEW_PASSWORD).await;
    assert_eq!(done.headers()["location"], "/reset-password/done");

    let logged_in = app.log_in(&ana.username, NEW_PASSWORD).await;
    assert_eq!(logged_in.status(), 200, "the owner proved who they are");
    assert!(session_cookie(&logged_in).is_some());
}

#[tokio::test]
async fn the_reset_page_names_the_account_it_will_change() {
    let app = spawn_app().await;
    let ana = app.create_user("ana").await;
    app.request_reset(&ana.email).await;
    let cookie = app.open_link(&app.reset_link(1).await).await;

    let page = app.get_with_cookie("/reset-password", Some(&cookie)).await;
    let page = page.text().await.unwrap();

    // A link planted by someone else would name their account: recognisable before use.
    let (local, domain) = ana.email.split_once('@').unwrap();
    let masked = format!("{}•••@{domain}", &local[..1]);
    assert!(
        page.contains(&format!(
            "This link sets a new password for {} ({masked}).",
            ana.username
        )),
        "{page}"
    );
    let visible = page.split("<script").next().unwrap();
    assert!(
        !visible.contains(&format!(">{}<", ana.email)),
        "never the whole address as text"
    );
}

#[tokio::test]
async fn throttled_forgot_password_requests_are_audited() {
    let app = spawn_app().await;
    for _ in 0..4 {
        app.request_reset("someone@example.com").await;
    }

    let throttled = audit_event::Entity::find()
        .filter(audit_event::Column::Kind.eq("password_reset_requested"))
        .filter(audit_event::Column::Outcome.eq("throttled"))
        .all(&app.db)
        .await
        .unwrap();
    assert_eq!(throttled.len(), 1, "{throttled:?}");
    assert_eq!(throttled[0].client_ip.as_deref(), Some("127.0.0.1"));
}

#[tokio::test]
async fn without_javascript_an_invalid_email_answers_422_with_the_form_and_what_was_typed() {
    let app = spawn_app().await;

    for (language, words) in [
        ("en", "Enter an email address like name@example.com."),
        ("id", "Masukkan alamat email seperti nama@example.com."),
    ] {
        let refused = app
            .post_page(
                "/forgot-password",
                "/api/request_reset",
                &[("email", "ana-at-example")],
                &[("accept-language", language)],
            )
            .await;

        assert_eq!(refused.status(), 422, "{language}");
        assert!(refused.headers().get("location").is_none());
        let page = refused.text().await.unwrap();
        assert!(page.contains(words), "{language}: {page}");
        assert!(page.contains(r#"role="alert""#), "{page}");
        assert!(page.contains(r#"value="ana-at-example""#), "{page}");
    }
}

#[tokio::test]
async fn without_javascript_a_throttled_forgot_password_answers_429_with_retry_after() {
    let app = spawn_app().await;
    let mut status = 0;
    for _ in 0..10 {
        status = app
            .post_page(
                "/forgot-password",
                "/api/request_reset",
                &[("email", "someone@example.com")],
                &[("accept-language", "en")],
            )
            .await
            .status()
            .as_u16();
        if status == 429 {
            break;
        }
        assert_eq!(status, 302, "sent to \"Check your inbox\" until throttled");
    }
    assert_eq!(status, 429);

    let refused = app
        .post_page(
            "/forgot-password",
            "/api/request_reset",
            &[("email", "someone@example.com")],
            &[("accept-language", "en")],
        )
        .await;
    assert_eq!(refused.status(), 429);
    assert!(refused.headers().get("retry-after").is_some());
    let page = refused.text().await.unwrap();
    assert!(page.contains("try again in"), "{page}");
    assert!(page.contains(r#"value="someone@example.com""#), "{page}");
}
