//! Coming back to the CRM: `LATCH_APP_URL` and `LATCH_ALLOWED_RETURN_ORIGINS` decide where a
//! signed-in user goes; anything else stays on Latch (no open redirect).

use std::time::Duration;

use crate::helpers::{TestApp, TestUser, reset_link_in, session_cookie, spawn_app, spawn_app_with};

/// As Latch sends it (serialized with its `/`).
const APP_URL: &str = "https://crm.example.test/";
const OTHER_APP: &str = "https://reports.example.test";

async fn spawn_with_app_url() -> TestApp {
    spawn_app_with(&[
        ("LATCH_APP_URL", "https://crm.example.test"),
        ("LATCH_ALLOWED_RETURN_ORIGINS", OTHER_APP),
    ])
    .await
}

/// Logs in as the hydrated app does (a script request), coming back to `next`.
async fn log_in_to(app: &TestApp, user: &TestUser, next: Option<&str>) -> reqwest::Response {
    let mut form = vec![
        ("identifier", user.username.as_str()),
        ("password", user.password.as_str()),
    ];
    form.extend(next.map(|next| ("next", next)));
    app.post_form("/api/login", &form, &[]).await
}

/// Logs in as a browser without JavaScript does (a plain form post from the login page).
async fn log_in_without_javascript(
    app: &TestApp,
    user: &TestUser,
    next: Option<&str>,
) -> reqwest::Response {
    let mut form = vec![
        ("identifier", user.username.as_str()),
        ("password", user.password.as_str()),
    ];
    form.extend(next.map(|next| ("next", next)));
    app.post_page("/login", "/api/login", &form, &[]).await
}

fn location(response: &reqwest::Response) -> &str {
    response.headers()["location"].to_str().unwrap()
}

#[tokio::test]
async fn a_login_without_next_goes_to_the_app() {
    let app = spawn_with_app_url().await;
    let ana = app.create_user("ana").await;

    let scripted = log_in_to(&app, &ana, None).await;
    assert_eq!(scripted.status(), 200);
    assert_eq!(location(&scripted), APP_URL);
    assert!(session_cookie(&scripted).is_some());

    let plain = log_in_without_javascript(&app, &ana, None).await;
    assert_eq!(plain.status(), 302);
    assert_eq!(location(&plain), APP_URL);
}

#[tokio::test]
async fn next_on_the_app_or_an_allowed_origin_is_honoured() {
    let app = spawn_with_app_url().await;
    let ana = app.create_user("ana").await;

    for next in [
        "https://crm.example.test/deals/7",
        "https://crm.example.test/deals?stage=won#top",
        "https://reports.example.test/q3",
        "/settings",
    ] {
        let scripted = log_in_to(&app, &ana, Some(next)).await;
        assert_eq!(scripted.status(), 200, "{next}");
        assert_eq!(location(&scripted), next);

        let plain = log_in_without_javascript(&app, &ana, Some(next)).await;
        assert_eq!(plain.status(), 302, "{next}");
        assert_eq!(location(&plain), next);
    }
}

#[tokio::test]
async fn next_anywhere_else_never_leaves_latch_or_the_app() {
    let app = spawn_with_app_url().await;
    let ana = app.create_user("ana").await;

    for next in [
        "https://evil.example/deals/7",
        "//evil.example",
        "https://crm.example.test.evil.example/deals/7",
        "https://crm.example.test@evil.example/",
        "https://user@crm.example.test/deals/7",
        "http://crm.example.test/deals/7",
        "https://crm.example.test:8443/deals/7",
        "javascript:alert(1)",
        "/\\evil.example",
        "https:/\\evil.example",
        "",
    ] {
        for response in [
            log_in_to(&app, &ana, Some(next)).await,
            log_in_without_javascript(&app, &ana, Some(next)).await,
        ] {
            assert!(session_cookie(&response).is_some(), "{next:?}");
            // Home, which for a signed-in user is the app itself.
            assert_eq!(location(&response), APP_URL, "{next:?}");
        }
    }
}

#[tokio::test]
async fn without_an_app_url_full_urls_fall_back_to_the_start_page() {
    let app = spawn_app_with(&[("LATCH_ALLOWED_RETURN_ORIGINS", OTHER_APP)]).await;
    let ana = app.create_user("ana").await;

    for (next, expected) in [
        (None, "/"),
        (Some("https://crm.example.test/deals/7"), "/"),
        (Some("https://evil.example/"), "/"),
        (
            Some("https://reports.example.test/q3"),
            "https://reports.example.test/q3",
        ),
    ] {
        let response = log_in_to(&app, &ana, next).await;
        assert_eq!(location(&response), expected, "{next:?}");
        let plain = log_in_without_javascript(&app, &ana, next).await;
        assert_eq!(plain.status(), 302, "{next:?}");
        assert_eq!(location(&plain), expected, "{next:?}");
    }
}

#[tokio::test]
async fn a_signed_in_visit_to_the_start_page_goes_to_the_app() {
    let app = spawn_with_app_url().await;
    let ana = app.create_user("ana").await;
    let cookie = app.cookie_for(&ana).await;

    let home = app.get_page("/", &cookie).await;
    assert_eq!(home.status(), 303);
    assert_eq!(location(&home), APP_URL);

    // Signed out, `/` still asks for a login first.
    let signed_out = app.get("/").await;
    assert_eq!(signed_out.status(), 303);
    assert_eq!(location(&signed_out), "/login");
    // Latch's own pages stay reachable.
    assert_eq!(app.get_page("/settings", &cookie).await.status(), 200);
}

#[tokio::test]
async fn a_signed_in_visit_to_the_login_page_goes_where_next_says() {
    let app = spawn_with_app_url().await;
    let ana = app.create_user("ana").await;
    let cookie = app.cookie_for(&ana).await;

    let deal = app
        .get_page(
            "/login?next=https%3A%2F%2Fcrm.example.test%2Fdeals%2F7",
            &cookie,
        )
        .await;
    assert_eq!(deal.status(), 303);
    assert_eq!(location(&deal), "https://crm.example.test/deals/7");

    let evil = app
        .get_page("/login?next=https%3A%2F%2Fevil.example%2F", &cookie)
        .await;
    assert_eq!(evil.status(), 303);
    assert_eq!(location(&evil), APP_URL);
}

#[tokio::test]
async fn without_an_app_url_the_start_page_is_the_welcome_page() {
    let app = spawn_app().await;
    let ana = app.create_user("ana").await;
    let cookie = app.cookie_for(&ana).await;

    let home = app.get_page("/", &cookie).await;
    assert_eq!(home.status(), 200);
    assert!(home.text().await.unwrap().contains("Welcome, ANA Putri"));
}

#[tokio::test]
async fn logging_in_again_after_a_reset_goes_back_to_the_app() {
    let app = spawn_with_app_url().await;
    let mut ana = app.create_user("ana").await;
    app.request_reset(&ana.email).await;
    let mails = app.smtp.wait_for(1, Duration::from_secs(10)).await;
    let cookie = app.open_link(&reset_link_in(&mails[0].data)).await;
    let new_password = "a brand new passphrase";
    let done = app.set_password(&cookie, new_password, new_password).await;
    assert_eq!(location(&done), "/reset-password/done");

    // "Log in" on the done page opens the login page, which comes back to the app.
    let page = app.get("/reset-password/done").await.text().await.unwrap();
    assert!(page.contains(r#"href="/login""#), "{page}");
    ana.password = new_password.to_owned();
    let scripted = log_in_to(&app, &ana, None).await;
    assert_eq!(location(&scripted), APP_URL);
    let plain = log_in_without_javascript(&app, &ana, None).await;
    assert_eq!(plain.status(), 302);
    assert_eq!(location(&plain), APP_URL);
}
