//! Which language a page is in: the user's saved choice, else the browser's, else the
//! company's default.

use crate::helpers::{TestApp, session_cookie, spawn_app};

async fn page(app: &TestApp, path: &str, cookie: Option<&str>, languages: &str) -> String {
    let mut request = app
        .client
        .get(format!("{}{path}", app.address))
        .header("accept-language", languages);
    if let Some(cookie) = cookie {
        request = request.header("cookie", cookie);
    }
    let response = request.send().await.unwrap();
    assert_eq!(response.status(), 200);
    response.text().await.unwrap()
}

#[tokio::test]
async fn the_login_page_speaks_the_browsers_language() {
    let app = spawn_app().await;

    let indonesian = page(&app, "/login", None, "id-ID,id;q=0.9,en;q=0.8").await;
    let english = page(&app, "/login", None, "en-GB,en;q=0.9").await;
    let unknown = page(&app, "/login", None, "fr-FR").await;

    assert!(indonesian.contains(r#"<html lang="id""#), "{indonesian}");
    assert!(indonesian.contains("Lupa Kata Sandi"));
    assert!(english.contains(r#"<html lang="en""#));
    assert!(english.contains("Forgot Password"));
    assert!(unknown.contains("Forgot Password"), "English by default");
}

#[tokio::test]
async fn a_saved_choice_beats_the_browser_and_the_company_default_fills_in() {
    let app = spawn_app().await;
    let user = app.create_user("ana").await;
    let cookie = session_cookie(&app.log_in(&user.username, &user.password).await).unwrap();
    app.company_defaults("id", "UTC").await;

    let company_default = page(&app, "/settings/account", Some(&cookie), "fr-FR").await;
    let browser = page(&app, "/settings/account", Some(&cookie), "en-US").await;
    app.user_choices(&user.username, Some("id"), None).await;
    let chosen = page(&app, "/settings/account", Some(&cookie), "en-US").await;

    assert!(
        company_default.contains("Pengaturan Akun"),
        "{company_default}"
    );
    assert!(browser.contains("Account Settings"));
    assert!(chosen.contains("Pengaturan Akun"));
}

#[tokio::test]
async fn a_user_chooses_indonesian_and_pages_and_mail_follow() {
    let app = spawn_app().await;
    let user = app.create_user("ana").await;
    let cookie = session_cookie(&app.log_in(&user.username, &user.password).await).unwrap();

    let saved = app
        .client
        .post(format!("{}/api/language", app.address))
        .header("cookie", &cookie)
        .header("accept", "text/html")
        .form(&[("locale", "id")])
        .send()
        .await
        .unwrap();
    assert_eq!(saved.status(), 302);
    assert_eq!(
        saved.headers()["location"],
        "/settings/account?language=saved"
    );
    let settings = page(
        &app,
        "/settings/account?language=saved",
        Some(&cookie),
        "en-US",
    )
    .await;
    app.request_reset(&user.email).await;
    let mails = app
        .smtp
        .wait_for(1, std::time::Duration::from_secs(10))
        .await;

    assert!(
        settings.contains("Bahasa Anda telah disimpan."),
        "{settings}"
    );
    assert!(
        settings.contains(r#"<option value="id" lang="id" selected"#),
        "{settings}"
    );
    assert!(mails[0].data.contains("Halo"), "{}", mails[0].data);
}

#[tokio::test]
async fn without_a_choice_mail_is_in_the_companys_language() {
    let app = spawn_app().await;
    let user = app.create_user("ana").await;
    app.company_defaults("id", "UTC").await;

    app.request_reset(&user.email).await;
    let mails = app
        .smtp
        .wait_for(1, std::time::Duration::from_secs(10))
        .await;

    assert!(mails[0].data.contains("Halo"), "{}", mails[0].data);
}
