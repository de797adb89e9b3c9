//! `GET /auth/verify`: forward authentication for the reverse proxy in front of the CRM
//! (nginx `auth_request`, Traefik `ForwardAuth`, Caddy `forward_auth`), issue 18.

use latch_core::entities::{session, user};
use sea_orm::{ActiveModelTrait, EntityTrait, IntoActiveModel, Set};

use crate::helpers::{PUBLIC_URL, TestApp, session_cookie, spawn_app};

impl TestApp {
    async fn verify(&self, headers: &[(&str, &str)]) -> reqwest::Response {
        let mut request = self.client.get(format!("{}/auth/verify", self.address));
        for (name, value) in headers {
            request = request.header(*name, *value);
        }
        request.send().await.expect("request failed")
    }
}

fn header<'a>(response: &'a reqwest::Response, name: &str) -> &'a str {
    response
        .headers()
        .get(name)
        .unwrap_or_else(|| panic!("no {name} in {:?}", response.headers()))
        .to_str()
        .unwrap()
}

#[tokio::test]
async fn a_live_session_is_answered_200_with_who_is_signed_in() {
    let app = spawn_app().await;
    let ana = app.create_user("ana").await;
    let mut row = app.user_row("ana").await.into_active_model();
    row.display_name = Set("Ana Putri Ñandú".to_owned());
    let row: user::Model = row.update(&app.db).await.unwrap();
    let cookie = session_cookie(&app.log_in(&ana.username, &ana.password).await).unwrap();

    let verified = app.verify(&[("cookie", &cookie)]).await;

    assert_eq!(verified.status(), 200);
    assert_eq!(header(&verified, "x-latch-user-id"), row.id.to_string());
    assert_eq!(header(&verified, "x-latch-username"), "ana");
    assert_eq!(header(&verified, "x-latch-email"), ana.email);
    // Not ASCII: RFC 8187's extended value (UTF-8, percent-encoded).
    assert_eq!(
        header(&verified, "x-latch-name"),
        "UTF-8''Ana%20Putri%20%C3%91and%C3%BA"
    );
    assert_eq!(
        header(&verified, "x-latch-company-id"),
        row.company_id.to_string()
    );
    assert!(!header(&verified, "x-latch-company").is_empty());
    assert_eq!(header(&verified, "x-latch-role"), "member");
    assert_eq!(header(&verified, "x-latch-locale"), "en");
    assert_eq!(header(&verified, "x-latch-time-zone"), "UTC");
    // Never cached: a refusal must apply to the very next request.
    assert_eq!(header(&verified, "cache-control"), "no-store");
    assert!(
        verified.text().await.unwrap().is_empty(),
        "no page rendered"
    );
}

#[tokio::test]
async fn without_a_session_nginx_gets_401_and_a_browser_behind_traefik_or_caddy_goes_to_login() {
    let app = spawn_app().await;

    let nginx = app.verify(&[]).await;
    assert_eq!(nginx.status(), 401);
    assert!(nginx.headers().get("x-latch-user-id").is_none());

    // Traefik and Caddy pass the original request along; a page view is sent to log in and
    // come back.
    let browser = [
        ("accept", "text/html,application/xhtml+xml"),
        ("x-forwarded-method", "GET"),
        ("x-forwarded-proto", "https"),
        ("x-forwarded-host", "crm.example.test"),
        ("x-forwarded-uri", "/deals/7?tab=notes"),
    ];
    let redirected = app.verify(&browser).await;
    assert_eq!(redirected.status(), 302);
    assert_eq!(
        header(&redirected, "location"),
        format!("{PUBLIC_URL}/login?next=https%3A//crm.example.test/deals/7%3Ftab%3Dnotes")
    );
    // Latch's own address comes back as a local path.
    let own = app
        .verify(&[
            ("accept", "text/html"),
            ("x-original-url", &format!("{PUBLIC_URL}/settings?tab=1")),
        ])
        .await;
    assert_eq!(own.status(), 302);
    assert_eq!(
        header(&own, "location"),
        format!("{PUBLIC_URL}/login?next=/settings%3Ftab%3D1")
    );

    // A form post or a script call is not a page view: 401, nothing to follow.
    let mut posted = browser.to_vec();
    posted[1] = ("x-forwarded-method", "POST");
    assert_eq!(app.verify(&posted).await.status(), 401);
    assert_eq!(
        app.verify(&browser[1..]).await.status(),
        401,
        "no Accept: text/html"
    );
}

#[tokio::test]
async fn a_session_ended_anywhere_is_refused_on_the_next_request() {
    let app = spawn_app().await;
    let ana = app.create_user("ana").await;

    // Logged out.
    let cookie = session_cookie(&app.log_in(&ana.username, &ana.password).await).unwrap();
    assert_eq!(app.verify(&[("cookie", &cookie)]).await.status(), 200);
    app.post_form("/api/logout", &[], &[("cookie", &cookie)])
        .await;
    assert_eq!(app.verify(&[("cookie", &cookie)]).await.status(), 401);

    // Deactivated (by an admin or the operator).
    let cookie = session_cookie(&app.log_in(&ana.username, &ana.password).await).unwrap();
    let mut row = app.user_row("ana").await.into_active_model();
    row.active = Set(false);
    row.update(&app.db).await.unwrap();
    assert_eq!(app.verify(&[("cookie", &cookie)]).await.status(), 401);

    // A forged cookie is nobody.
    let forged = format!("__Host-latch_session={}", "A".repeat(43));
    assert_eq!(app.verify(&[("cookie", &forged)]).await.status(), 401);
}

#[tokio::test]
async fn crm_traffic_keeps_the_session_alive_like_latch_pages() {
    let app = spawn_app().await;
    let ana = app.create_user("ana").await;
    let cookie = session_cookie(&app.log_in(&ana.username, &ana.password).await).unwrap();
    // As if the user had been away a while: the idle deadline is near.
    let now = chrono::Utc::now();
    let row = session::Entity::find().one(&app.db).await.unwrap().unwrap();
    let mut row = row.into_active_model();
    row.last_seen_at = Set(now - chrono::Duration::minutes(110));
    row.expires_at = Set(now + chrono::Duration::minutes(10));
    row.update(&app.db).await.unwrap();

    assert_eq!(app.verify(&[("cookie", &cookie)]).await.status(), 200);

    let row = session::Entity::find().one(&app.db).await.unwrap().unwrap();
    assert!(
        row.expires_at > now + chrono::Duration::minutes(100),
        "the idle deadline moved on: {}",
        row.expires_at
    );
}

#[tokio::test]
async fn a_crm_on_a_sibling_subdomain_gets_the_session_cookie_through_its_parent_domain() {
    // Latch at latch.example.test, the CRM at crm.example.test.
    let app = crate::helpers::spawn_app_with(&[("LATCH_COOKIE_DOMAIN", "example.test")]).await;
    let ana = app.create_user("ana").await;

    let login = app.log_in(&ana.username, &ana.password).await;
    let set_cookie = login.headers()["set-cookie"].to_str().unwrap().to_owned();
    assert!(
        set_cookie.starts_with("__Secure-latch_session="),
        "{set_cookie}"
    );
    for attribute in ["Domain=example.test", "Secure", "HttpOnly", "Path=/"] {
        assert!(set_cookie.contains(attribute), "{attribute}: {set_cookie}");
    }
    let cookie = session_cookie(&login).unwrap();
    assert_eq!(app.verify(&[("cookie", &cookie)]).await.status(), 200);
    assert_eq!(app.get_with_cookie("/", Some(&cookie)).await.status(), 200);

    let logout = app
        .post_form("/api/logout", &[], &[("cookie", &cookie)])
        .await;
    let deleted = logout.headers()["set-cookie"].to_str().unwrap();
    assert!(
        deleted.contains("Domain=example.test") && deleted.contains("Max-Age=0"),
        "the deletion must name the same domain, or the browser keeps the cookie: {deleted}"
    );
    assert_eq!(app.verify(&[("cookie", &cookie)]).await.status(), 401);
}

#[tokio::test]
async fn for_nginx_a_refusal_is_401_with_the_login_address_and_the_whole_page_to_come_back_to() {
    let app = spawn_app().await;
    let original = format!("{PUBLIC_URL}/deals/7?tab=notes&page=2");
    let answer = app
        .client
        .get(format!("{}/auth/verify?login=header", app.address))
        .header("accept", "text/html")
        .header("x-original-url", &original)
        .send()
        .await
        .unwrap();

    // auth_request cannot pass a 302 on: 401, and nginx redirects to what Latch names.
    assert_eq!(answer.status(), 401);
    assert_eq!(
        header(&answer, "x-latch-login"),
        format!("{PUBLIC_URL}/login?next=/deals/7%3Ftab%3Dnotes%26page%3D2")
    );
    // Without the original request there is nothing to come back to.
    let bare = app
        .client
        .get(format!("{}/auth/verify?login=header", app.address))
        .send()
        .await
        .unwrap();
    assert_eq!(bare.status(), 401);
    assert!(bare.headers().get("x-latch-login").is_none());
}
