//! Profile Settings → Account Settings: changing one's own password.

use std::time::Duration;

use latch_core::entities::{audit_event, reset_token, session};
use sea_orm::{ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter};

use crate::helpers::{TestApp, TestUser, session_cookie, spawn_app, spawn_app_with};

const NEW_PASSWORD: &str = "plum tractor whistle cobalt";

impl TestApp {
    async fn change_password(
        &self,
        cookie: &str,
        existing: &str,
        new: &str,
        confirm: &str,
        sign_out_others: bool,
    ) -> reqwest::Response {
        let mut form = vec![
            ("existing", existing),
            ("password", new),
            ("confirm", confirm),
        ];
        if sign_out_others {
            form.push(("sign_out_others", "on"));
        }
        self.post_form("/api/change_password", &form, &[("cookie", cookie)])
            .await
    }

    async fn signed_in(&self, user: &TestUser) -> String {
        session_cookie(&self.log_in(&user.username, &user.password).await).unwrap()
    }

    async fn is_signed_in(&self, cookie: &str) -> bool {
        self.get_with_cookie("/settings/account", Some(cookie))
            .await
            .status()
            == 200
    }
}

#[tokio::test]
async fn account_settings_shows_the_form_to_signed_in_users_only() {
    let app = spawn_app().await;
    let ana = app.create_user("ana").await;

    let anonymous = app.get("/settings/account").await;
    assert_eq!(anonymous.status(), 303);
    assert_eq!(
        anonymous.headers()["location"],
        "/login?next=/settings/account"
    );

    let cookie = app.signed_in(&ana).await;
    let page = app
        .get_with_cookie("/settings/account", Some(&cookie))
        .await
        .text()
        .await
        .unwrap();
    for label in [
        "Account Settings",
        "Existing password",
        "New password",
        "Confirm new password",
        "Sign out of other devices",
        "Update",
    ] {
        assert!(page.contains(label), "{label} missing");
    }
    assert!(
        page.contains(r#"href="/settings/account" aria-current="page""#),
        "the left navigation marks the open section"
    );
}

#[tokio::test]
async fn a_change_keeps_this_device_signed_in_with_a_fresh_session_and_ends_the_others() {
    let app = spawn_app().await;
    let ana = app.create_user("ana").await;
    let here = app.signed_in(&ana).await;
    let elsewhere = app.signed_in(&ana).await;
    app.post_form("/api/request_reset", &[("email", &ana.email)], &[])
        .await;

    let response = app
        .change_password(&here, &ana.password, NEW_PASSWORD, NEW_PASSWORD, true)
        .await;

    assert_eq!(response.status(), 200);
    assert_eq!(
        response.headers()["location"],
        "/settings/account?changed=signed-out"
    );
    let fresh = session_cookie(&response).expect("a new session cookie");
    assert_ne!(fresh, here, "a fresh session id");
    assert!(app.is_signed_in(&fresh).await);
    assert!(!app.is_signed_in(&here).await, "the old id is dead");
    assert!(
        !app.is_signed_in(&elsewhere).await,
        "other devices signed out"
    );
    assert_eq!(session::Entity::find().count(&app.db).await.unwrap(), 1);

    assert_eq!(app.log_in(&ana.username, &ana.password).await.status(), 401);
    assert_eq!(app.log_in(&ana.username, NEW_PASSWORD).await.status(), 200);

    let tokens = reset_token::Entity::find().all(&app.db).await.unwrap();
    assert!(
        tokens.iter().all(|t| t.revoked_at.is_some()),
        "older reset links die"
    );
    let mails = app.smtp.wait_for(2, Duration::from_secs(10)).await;
    assert!(
        mails
            .iter()
            .any(|m| m.data.contains("Subject: Your password was changed")),
        "the notification went out"
    );
    let events = audit_event::Entity::find()
        .filter(audit_event::Column::Kind.eq("password_changed"))
        .all(&app.db)
        .await
        .unwrap();
    assert_eq!(events.len(), 1);
    assert_eq!(events[0].outcome, "succeeded");
    assert!(
        events[0]
            .details
            .as_deref()
            .unwrap()
            .contains(r#""signed_out_other_devices":true"#)
    );
    assert!(!events[0].details.as_deref().unwrap().contains(NEW_PASSWORD));
}

#[tokio::test]
async fn unticking_the_box_keeps_other_devices_signed_in() {
    let app = spawn_app().await;
    let ana = app.create_user("ana").await;
    let here = app.signed_in(&ana).await;
    let elsewhere = app.signed_in(&ana).await;

    let response = app
        .change_password(&here, &ana.password, NEW_PASSWORD, NEW_PASSWORD, false)
        .await;

    assert_eq!(response.status(), 200);
    assert_eq!(
        response.headers()["location"],
        "/settings/account?changed=kept"
    );
    let fresh = session_cookie(&response).unwrap();
    assert!(app.is_signed_in(&fresh).await);
    assert!(
        !app.is_signed_in(&here).await,
        "this device still gets a fresh id"
    );
    assert!(app.is_signed_in(&elsewhere).await);
}

#[tokio::test]
async fn each_error_is_refused_with_its_reason_and_changes_nothing() {
    let app = spawn_app().await;
    let ana = app.create_user("ana").await;
    let cookie = app.signed_in(&ana).await;

    let cases = [
        (
            "wrong existing",
            "not my password",
            NEW_PASSWORD,
            NEW_PASSWORD,
            403,
            "WrongExistingPassword",
        ),
        (
            "confirmation differs",
            &ana.password,
            NEW_PASSWORD,
            "plum tractor whistle",
            422,
            "PasswordsDiffer",
        ),
        (
            "too short",
            &ana.password,
            "short",
            "short",
            422,
            "TooShort",
        ),
        (
            "common",
            &ana.password,
            "iloveyou",
            "iloveyou",
            422,
            "Common",
        ),
        (
            "contains the username",
            &ana.password,
            "ana loves plums 77",
            "ana loves plums 77",
            422,
            "ContainsPersonalInfo",
        ),
        (
            "contains the company",
            &ana.password,
            "maju jaya forever!",
            "maju jaya forever!",
            422,
            "ContainsPersonalInfo",
        ),
        (
            "very guessable",
            &ana.password,
            "aaaaaaaaaaaa",
            "aaaaaaaaaaaa",
            422,
            "TooGuessable",
        ),
        (
            "same as existing",
            &ana.password,
            &ana.password,
            &ana.password,
            422,
            "SameAsExisting",
        ),
    ];
    for (case, existing, new, confirm, status, reason) in cases {
        let response = app
            .change_password(&cookie, existing, new, confirm, true)
            .await;
        assert_eq!(response.status(), status, "{case}");
        assert!(session_cookie(&response).is_none(), "{case}");
        let body = response.text().await.unwrap();
        assert!(body.contains(reason), "{case}: {body}");
    }

    assert!(app.is_signed_in(&cookie).await, "still signed in");
    assert_eq!(app.log_in(&ana.username, &ana.password).await.status(), 200);
    // (That login, from a browser with no known-device cookie, is mailed as a new sign-in.)
    let mails = app.smtp.wait_for(2, Duration::from_secs(1)).await;
    assert!(
        mails
            .iter()
            .all(|mail| !mail.data.contains("Subject: Your password was changed")),
        "no password was changed"
    );
}

#[tokio::test]
async fn signed_out_requests_are_refused() {
    let app = spawn_app().await;
    let response = app
        .change_password("", "anything", NEW_PASSWORD, NEW_PASSWORD, true)
        .await;
    assert_eq!(response.status(), 401);
    assert!(response.text().await.unwrap().contains("NotSignedIn"));
}

#[tokio::test]
async fn wrong_existing_passwords_are_throttled_like_logins() {
    let app = spawn_app().await;
    let ana = app.create_user("ana").await;
    let cookie = app.signed_in(&ana).await;

    // Five checks an hour, the fifth starting the block, exactly like a login: this form is
    // no better for guessing than the login page.
    for attempt in 1..=5 {
        let response = app
            .change_password(&cookie, "guess", NEW_PASSWORD, NEW_PASSWORD, true)
            .await;
        assert_eq!(response.status(), 403, "attempt {attempt}");
    }
    let blocked = app
        .change_password(&cookie, &ana.password, NEW_PASSWORD, NEW_PASSWORD, true)
        .await;
    assert_eq!(blocked.status(), 429, "even the right password waits");
    assert!(blocked.headers().contains_key("retry-after"));
    let throttled = audit_event::Entity::find()
        .filter(audit_event::Column::Kind.eq("password_changed"))
        .filter(audit_event::Column::Outcome.eq("throttled"))
        .count(&app.db)
        .await
        .unwrap();
    assert_eq!(throttled, 1);
}

#[tokio::test]
async fn strangers_failing_at_the_login_page_cannot_block_the_owners_account_settings() {
    let app = spawn_app().await;
    let ana = app.create_user("ana").await;
    let cookie = app.signed_in(&ana).await;

    for _ in 0..10 {
        app.log_in(&ana.username, "guess").await;
        app.log_in(&ana.email, "guess").await;
    }
    assert_eq!(app.log_in(&ana.username, &ana.password).await.status(), 429);

    let changed = app
        .change_password(&cookie, &ana.password, NEW_PASSWORD, NEW_PASSWORD, false)
        .await;
    assert_eq!(changed.status(), 200);
}

#[tokio::test]
async fn the_policy_is_configurable() {
    let app = spawn_app_with(&[
        ("LATCH_PASSWORD_MIN_LENGTH", "30"),
        ("LATCH_PASSWORD_MIN_SCORE", "4"),
    ])
    .await;
    let ana = app.create_user("ana").await;
    let cookie = app.signed_in(&ana).await;

    let refused = app
        .change_password(&cookie, &ana.password, NEW_PASSWORD, NEW_PASSWORD, true)
        .await;
    assert_eq!(refused.status(), 422);
    assert!(refused.text().await.unwrap().contains("TooShort"));

    let rules = app
        .post_form("/api/password_rules", &[], &[("cookie", &cookie)])
        .await;
    let rules = rules.text().await.unwrap();
    assert!(rules.contains(r#""min_length":30"#), "{rules}");
    assert!(rules.contains(r#""min_score":4"#), "{rules}");
    assert!(rules.contains(r#""username":"ana""#), "{rules}");
}

#[tokio::test]
async fn without_javascript_a_wrong_existing_password_answers_with_the_form_and_the_error() {
    let app = spawn_app().await;
    let ana = app.create_user("ana").await;
    let cookie = app.signed_in(&ana).await;
    let form = [
        ("existing", "Wr0ng-Existing-Passw0rd"),
        ("password", NEW_PASSWORD),
        ("confirm", NEW_PASSWORD),
        ("sign_out_others", "on"),
    ];

    for (language, words) in [
        ("en", "The existing password is not right"),
        ("id", "Kata sandi saat ini salah."),
    ] {
        let response = app
            .post_page(
                "/settings/account",
                "/api/change_password",
                &form,
                &[("cookie", &cookie), ("accept-language", language)],
            )
            .await;

        assert_eq!(response.status(), 403, "the script path's status");
        assert!(response.headers().get("location").is_none());
        let page = response.text().await.unwrap();
        assert!(page.contains(words), "{language}: {page}");
        assert!(page.contains(r#"role="alert""#), "{page}");
        assert!(!page.contains(NEW_PASSWORD), "no password in the page");
        assert!(!page.contains("Wr0ng-Existing"), "no password in the page");
    }
    assert!(app.is_signed_in(&cookie).await);

    // The box as it was sent: unticked stays unticked.
    let unticked = app
        .post_page(
            "/settings/account",
            "/api/change_password",
            &form[..3],
            &[("cookie", &cookie)],
        )
        .await
        .text()
        .await
        .unwrap();
    let checkbox = |page: &str| {
        let start = page.find(r#"id="sign_out_others""#).unwrap();
        let tag_start = page[..start].rfind('<').unwrap();
        let tag_end = start + page[start..].find('>').unwrap();
        page[tag_start..tag_end].to_owned()
    };
    assert!(
        !checkbox(&unticked).contains("checked"),
        "{}",
        checkbox(&unticked)
    );
    let fresh = app
        .get_page("/settings/account", &cookie)
        .await
        .text()
        .await
        .unwrap();
    assert!(checkbox(&fresh).contains("checked"), "{}", checkbox(&fresh));
}

#[tokio::test]
async fn of_concurrent_changes_from_several_devices_exactly_one_wins() {
    // Each change verifies and hashes; queued hashes must not turn into 503 "busy" here.
    let app = spawn_app_with(&[("LATCH_HASH_MAX_WAIT_MS", "60000")]).await;
    let ana = app.create_user("ana").await;
    // Every device signs in before any change starts (a change would end the old password).
    let mut devices = Vec::new();
    for _ in 0..4 {
        devices.push(app.signed_in(&ana).await);
    }
    let mut changes = Vec::new();
    for (n, cookie) in devices.into_iter().enumerate() {
        let new = format!("{NEW_PASSWORD} number {n}");
        let request = app
            .client
            .post(format!("{}/api/change_password", app.address))
            .header("cookie", cookie)
            .form(&[
                ("existing", ana.password.as_str()),
                ("password", &new),
                ("confirm", &new),
            ]);
        let change = tokio::spawn(async move { request.send().await.unwrap().status() });
        changes.push((new, change));
    }
    let mut winners = Vec::new();
    let mut statuses = Vec::new();
    for (new, change) in changes {
        let status = change.await.unwrap();
        statuses.push(status.as_u16());
        if status == 200 {
            winners.push(new);
        }
    }

    assert_eq!(
        winners.len(),
        1,
        "all were checked against one old password: {statuses:?}"
    );
    assert_eq!(
        statuses.iter().filter(|s| **s == 403).count(),
        3,
        "the others are told their existing password is wrong: {statuses:?}"
    );
    assert_eq!(app.log_in(&ana.username, &winners[0]).await.status(), 200);
}

/// The strength meter's question answers exactly as submitting would: the server's policy (not
/// the page's copy of it) with the person's own details, and the browser never needs zxcvbn.
#[tokio::test]
async fn the_strength_meter_asks_the_server_which_judges_like_submitting() {
    let app = spawn_app_with(&[("LATCH_PASSWORD_MIN_LENGTH", "20")]).await;
    let judge = |password: &'static str| {
        let app = &app;
        async move {
            let answer = app
                .post_form(
                    "/api/password_strength",
                    &[
                        ("password", password),
                        ("about[username]", "ana"),
                        ("about[email]", "ana.wijaya@example.co.id"),
                        ("about[display_name]", "Ana Wijaya"),
                        ("about[company]", "PT Maju"),
                    ],
                    &[],
                )
                .await;
            assert_eq!(answer.status(), 200);
            answer.text().await.unwrap()
        }
    };

    let common = judge("password").await;
    assert!(common.contains("Common"), "{common}");
    assert!(
        common.contains("TooShort"),
        "the server's minimum of 20: {common}"
    );
    let personal = judge("wijaya-ana-wijaya-ana-2026").await;
    assert!(personal.contains("ContainsPersonalInfo"), "{personal}");
    let strong = judge("plum tractor whistle cobalt harbour").await;
    assert!(strong.contains(r#""problems":[]"#), "{strong}");
    assert!(strong.contains(r#""score":4"#), "{strong}");
}
