use latch_core::entities::{audit_event, rate_limit, session};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, EntityTrait, IntoActiveModel, PaginatorTrait, QueryFilter, Set,
};

use crate::helpers::{session_cookie, spawn_app};

#[tokio::test]
async fn logging_in_by_username_or_email_starts_a_session_that_shows_the_user() {
    let app = spawn_app().await;
    let ana = app.create_user("ana").await;

    for identifier in [ana.username.as_str(), &ana.email.to_uppercase()] {
        let response = app.log_in(identifier, &ana.password).await;

        assert_eq!(response.status(), 200, "{identifier}");
        assert_eq!(response.headers()["location"], "/");
        let cookie_header = response.headers()["set-cookie"]
            .to_str()
            .unwrap()
            .to_owned();
        assert!(cookie_header.contains("HttpOnly"), "{cookie_header}");
        assert!(cookie_header.contains("SameSite=Lax"), "{cookie_header}");
        assert!(cookie_header.contains("Path=/"), "{cookie_header}");
        // The public URL is https: Secure, and the __Host- prefix pins it to this host.
        assert!(
            cookie_header.starts_with("__Host-latch_session="),
            "{cookie_header}"
        );
        assert!(cookie_header.contains("; Secure"), "{cookie_header}");
        let cookie = session_cookie(&response).unwrap();
        // 256 bits, URL-safe base64.
        assert_eq!(cookie.len(), "__Host-latch_session=".len() + 43);

        let home = app.get_with_cookie("/", Some(&cookie)).await;
        assert_eq!(home.status(), 200);
        assert!(home.text().await.unwrap().contains("Welcome, ANA Putri"));
    }
}

#[tokio::test]
async fn wrong_password_and_unknown_user_get_the_same_answer() {
    let app = spawn_app().await;
    let ana = app.create_user("ana").await;

    let wrong_password = app.log_in(&ana.username, "not the password").await;
    let unknown_user = app.log_in("nobody", "not the password").await;

    assert_eq!(wrong_password.status(), 401);
    assert_eq!(unknown_user.status(), 401);
    assert!(session_cookie(&wrong_password).is_none());
    let wrong = wrong_password
        .text()
        .await
        .unwrap()
        .replace(&ana.username, "X");
    let unknown = unknown_user.text().await.unwrap().replace("nobody", "X");
    assert_eq!(wrong, unknown);
    assert!(wrong.contains("InvalidCredentials"), "{wrong}");
}

#[tokio::test]
async fn repeated_failures_throttle_the_account_until_the_block_lifts() {
    let app = spawn_app().await;
    let ana = app.create_user("ana").await;

    // The free allowance: five checks, the fifth starting the block.
    for _ in 0..5 {
        assert_eq!(app.log_in(&ana.username, "wrong guess").await.status(), 401);
    }
    // Now blocked: even the right password is refused, with a time to try again.
    let blocked = app.log_in(&ana.username, &ana.password).await;
    assert_eq!(blocked.status(), 429);
    let retry_after: u64 = blocked.headers()["retry-after"]
        .to_str()
        .unwrap()
        .parse()
        .unwrap();
    assert!((1..=60).contains(&retry_after), "{retry_after}");
    assert!(blocked.text().await.unwrap().contains("Throttled"));

    // Let the block expire (as if the time had passed).
    for row in rate_limit::Entity::find().all(&app.db).await.unwrap() {
        let mut row = row.into_active_model();
        row.blocked_until = Set(Some(chrono::Utc::now() - chrono::Duration::seconds(1)));
        row.update(&app.db).await.unwrap();
    }
    let after = app.log_in(&ana.username, &ana.password).await;
    assert_eq!(after.status(), 200);
    assert!(session_cookie(&after).is_some());
}

#[tokio::test]
async fn unknown_identifiers_are_throttled_like_real_accounts() {
    let app = spawn_app().await;

    // The free allowance: five checks, the fifth starting the block.
    for _ in 0..5 {
        assert_eq!(app.log_in("nobody", "wrong guess").await.status(), 401);
    }

    assert_eq!(app.log_in("nobody", "wrong guess").await.status(), 429);
}

#[tokio::test]
async fn each_login_gets_a_new_session_id_never_the_one_presented() {
    let app = spawn_app().await;
    let ana = app.create_user("ana").await;
    let planted = format!("__Host-latch_session={}", "A".repeat(43));

    let first = app
        .post_form(
            "/api/login",
            &[("identifier", &ana.username), ("password", &ana.password)],
            &[("cookie", &planted)],
        )
        .await;
    let second = app.log_in(&ana.username, &ana.password).await;

    let (first, second) = (
        session_cookie(&first).unwrap(),
        session_cookie(&second).unwrap(),
    );
    assert_ne!(first, planted);
    assert_ne!(first, second);
    assert_eq!(session::Entity::find().all(&app.db).await.unwrap().len(), 2);
}

#[tokio::test]
async fn logging_out_ends_the_session_on_the_server() {
    let app = spawn_app().await;
    let ana = app.create_user("ana").await;
    let cookie = session_cookie(&app.log_in(&ana.username, &ana.password).await).unwrap();

    let logout = app
        .post_form("/api/logout", &[], &[("cookie", &cookie)])
        .await;

    assert_eq!(logout.status(), 200);
    assert_eq!(logout.headers()["location"], "/login");
    assert!(
        logout.headers()["set-cookie"]
            .to_str()
            .unwrap()
            .contains("Max-Age=0")
    );
    assert!(
        session::Entity::find()
            .all(&app.db)
            .await
            .unwrap()
            .is_empty()
    );
    let home = app.get_with_cookie("/", Some(&cookie)).await;
    assert_eq!(home.status(), 303);
    assert_eq!(home.headers()["location"], "/login");
}

#[tokio::test]
async fn an_expired_session_is_rejected_and_removed() {
    let app = spawn_app().await;
    let ana = app.create_user("ana").await;
    let cookie = session_cookie(&app.log_in(&ana.username, &ana.password).await).unwrap();
    let row = session::Entity::find().one(&app.db).await.unwrap().unwrap();
    let mut row = row.into_active_model();
    row.expires_at = Set(chrono::Utc::now() - chrono::Duration::seconds(1));
    row.update(&app.db).await.unwrap();

    let settings = app.get_with_cookie("/settings", Some(&cookie)).await;

    assert_eq!(settings.status(), 303);
    assert_eq!(settings.headers()["location"], "/login?next=/settings");
    assert!(
        session::Entity::find()
            .all(&app.db)
            .await
            .unwrap()
            .is_empty()
    );
}

#[tokio::test]
async fn pages_needing_a_session_send_visitors_to_login_and_back() {
    let app = spawn_app().await;
    let ana = app.create_user("ana").await;

    let visit = app.get("/settings?tab=1").await;
    assert_eq!(visit.status(), 303);
    assert_eq!(
        visit.headers()["location"],
        "/login?next=/settings%3Ftab%3D1"
    );

    let login = app
        .post_form(
            "/api/login",
            &[
                ("identifier", &ana.username),
                ("password", &ana.password),
                ("next", "/settings?tab=1"),
            ],
            &[],
        )
        .await;
    assert_eq!(login.headers()["location"], "/settings?tab=1");
}

#[tokio::test]
async fn login_never_redirects_to_another_site() {
    let app = spawn_app().await;
    let ana = app.create_user("ana").await;

    for evil in ["https://evil.example/", "//evil.example", "/\\evil.example"] {
        let login = app
            .post_form(
                "/api/login",
                &[
                    ("identifier", &ana.username),
                    ("password", &ana.password),
                    ("next", evil),
                ],
                &[],
            )
            .await;
        assert_eq!(login.headers()["location"], "/", "{evil}");
    }
}

/// Every header of `response` and its URL-bearing ones, for "never in a header or URL".
fn headers_text(response: &reqwest::Response) -> String {
    response
        .headers()
        .iter()
        .map(|(name, value)| format!("{name}: {}\n", value.to_str().unwrap_or_default()))
        .collect()
}

#[tokio::test]
async fn without_javascript_a_wrong_password_answers_401_with_the_form_and_what_was_typed() {
    let app = spawn_app().await;
    let ana = app.create_user("ana").await;
    let form = [
        ("identifier", ana.email.as_str()),
        ("password", "Wr0ng-Passw0rd"),
        ("next", "/settings"),
    ];

    for (language, words) in [
        ("en", "The username, email or password is not right."),
        ("id", "Nama pengguna, email, atau kata sandi salah."),
    ] {
        let failed = app
            .post_page(
                "/login?next=/settings",
                "/api/login",
                &form,
                &[("accept-language", language)],
            )
            .await;
        assert_eq!(failed.status(), 401, "{language}");
        let headers = headers_text(&failed);
        assert!(!headers.contains("location"), "{headers}");
        assert!(!headers.contains(&ana.email), "{headers}");
        assert!(!headers.contains("__err"), "{headers}");
        let page = failed.text().await.unwrap();
        assert!(page.contains(words), "{language}: {page}");
        assert!(page.contains(r#"role="alert""#), "{page}");
        assert!(
            page.contains(&format!(r#"value="{}""#, ana.email)),
            "the identifier is typed in again: {page}"
        );
        assert!(
            !page.contains("Wr0ng-Passw0rd"),
            "never the password: {page}"
        );
        assert!(!page.contains("__err"), "{page}");
    }

    let ok = app
        .post_page(
            "/login?next=/settings",
            "/api/login",
            &[
                ("identifier", &ana.username),
                ("password", &ana.password),
                ("next", "/settings"),
            ],
            &[],
        )
        .await;
    assert_eq!(ok.status(), 302);
    assert_eq!(ok.headers()["location"], "/settings");
    assert!(session_cookie(&ok).is_some());
}

#[tokio::test]
async fn without_javascript_a_throttled_login_answers_429_with_retry_after() {
    let app = spawn_app().await;
    let ana = app.create_user("ana").await;
    let mut throttled = false;
    for _ in 0..10 {
        if app.log_in(&ana.username, "nope").await.status() == 429 {
            throttled = true;
            break;
        }
    }
    assert!(throttled, "the script path is throttled first");

    let refused = app
        .post_page(
            "/login",
            "/api/login",
            &[("identifier", &ana.username), ("password", &ana.password)],
            &[("accept-language", "en")],
        )
        .await;

    assert_eq!(refused.status(), 429);
    let retry_after: u64 = refused.headers()["retry-after"]
        .to_str()
        .unwrap()
        .parse()
        .unwrap();
    assert!(retry_after > 0);
    assert!(session_cookie(&refused).is_none());
    let page = refused.text().await.unwrap();
    assert!(page.contains("Too many failed attempts."), "{page}");
    assert!(page.contains(r#"value="ana""#), "what was typed: {page}");
    assert!(page.contains(r#"role="alert""#), "{page}");
}

#[tokio::test]
async fn an_error_in_a_crafted_url_is_never_rendered() {
    use base64::Engine;
    let app = spawn_app().await;
    let encode = |error: &str| base64::engine::general_purpose::URL_SAFE.encode(error);
    let crafted = [
        encode(r#"{"UnknownTimeZone":{"name":"Call +62 800 123 to unlock your account"}}"#),
        encode(
            r#"{"InvalidCredentials":{"identifier":"Call +62 800 123 to unlock your account"}}"#,
        ),
    ];

    for err in crafted {
        let url = format!("/login?next=/settings&__path=/api/login&__err={err}");
        let response = app.get_page(&url, "").await;
        let location = response
            .headers()
            .get("location")
            .map(|l| l.to_str().unwrap().to_owned());
        let page = response.text().await.unwrap();
        assert!(!page.contains("Call +62 800"), "{page}");
        let location = location.expect("sent to the address without the error");
        assert!(!location.contains("__err") && !location.contains("__path"));
        assert!(location.starts_with("/login?next="), "{location}");
        let page = app.get_page(&location, "").await.text().await.unwrap();
        assert!(!page.contains("Call +62 800"), "{page}");
    }
}

#[tokio::test]
async fn cross_origin_posts_are_refused() {
    let app = spawn_app().await;
    let ana = app.create_user("ana").await;
    let form = [
        ("identifier", ana.username.as_str()),
        ("password", ana.password.as_str()),
    ];

    let cross_site = app
        .post_form("/api/login", &form, &[("sec-fetch-site", "cross-site")])
        .await;
    let other_origin = app
        .post_form("/api/login", &form, &[("origin", "https://evil.example")])
        .await;
    let same_origin = app
        .post_form("/api/login", &form, &[("sec-fetch-site", "same-origin")])
        .await;
    let our_origin = app
        .post_form(
            "/api/login",
            &form,
            &[("origin", crate::helpers::PUBLIC_URL)],
        )
        .await;

    assert_eq!(cross_site.status(), 403);
    assert_eq!(other_origin.status(), 403);
    assert_eq!(same_origin.status(), 200);
    assert_eq!(our_origin.status(), 200);
}

#[tokio::test]
async fn a_one_megabyte_password_is_refused_before_it_is_read() {
    let app = spawn_app().await;
    let ana = app.create_user("ana").await;
    let huge = "x".repeat(1024 * 1024);

    let response = app.log_in(&ana.username, &huge).await;

    assert_eq!(response.status(), 413);
    let audited = audit_event::Entity::find().all(&app.db).await.unwrap();
    assert!(audited.is_empty(), "nothing was processed: {audited:?}");
}

#[tokio::test]
async fn logins_are_recorded_in_the_audit_trail_without_passwords() {
    let app = spawn_app().await;
    let ana = app.create_user("ana").await;

    app.log_in(&ana.username, "wrong guess").await;
    app.log_in(&ana.username, &ana.password).await;

    let events = audit_event::Entity::find()
        .filter(audit_event::Column::Kind.eq("login"))
        .all(&app.db)
        .await
        .unwrap();
    let outcomes: Vec<_> = events.iter().map(|e| e.outcome.as_str()).collect();
    assert_eq!(outcomes, ["failed", "succeeded"]);
    assert!(
        events
            .iter()
            .all(|e| e.client_ip.as_deref() == Some("127.0.0.1"))
    );
    assert!(events.iter().all(|e| e.target_user_id.is_some()));
    let dump = format!("{events:?}");
    assert!(!dump.contains("wrong guess") && !dump.contains(&ana.password));
}

#[tokio::test]
async fn all_sessions_of_a_user_can_be_revoked_at_once() {
    let app = spawn_app().await;
    let ana = app.create_user("ana").await;
    let laptop = session_cookie(&app.log_in(&ana.username, &ana.password).await).unwrap();
    let phone = session_cookie(&app.log_in(&ana.username, &ana.password).await).unwrap();
    let user_id = session::Entity::find()
        .one(&app.db)
        .await
        .unwrap()
        .unwrap()
        .user_id
        .unwrap();

    let ended = latch_core::sessions::end_all_for_user(&app.db, user_id, None)
        .await
        .unwrap();

    assert_eq!(ended.len(), 2);
    for cookie in [laptop, phone] {
        assert_eq!(app.get_with_cookie("/", Some(&cookie)).await.status(), 303);
    }
}

#[tokio::test]
async fn a_flood_of_logins_beyond_the_hashing_capacity_gets_busy_try_again() {
    // One hash at a time, and no waiting for a turn: concurrent logins must be turned away.
    let app = crate::helpers::spawn_app_with(&[
        ("LATCH_HASH_CONCURRENCY", "1"),
        ("LATCH_HASH_MAX_WAIT_MS", "0"),
    ])
    .await;
    // Twenty people at once (one account's own burst would meet its throttle instead).
    let mut people = Vec::new();
    for n in 0..20 {
        people.push(app.create_user(&format!("user{n:02}")).await);
    }

    let attempts: Vec<_> = people
        .iter()
        .map(|person| {
            let request = app
                .client
                .post(format!("{}/api/login", app.address))
                .form(&[
                    ("identifier", person.username.as_str()),
                    ("password", person.password.as_str()),
                ]);
            tokio::spawn(async move {
                let response = request.send().await.unwrap();
                let retry_after = response.headers().get("retry-after").cloned();
                (
                    response.status().as_u16(),
                    retry_after,
                    response.text().await.unwrap(),
                )
            })
        })
        .collect();
    let mut outcomes = Vec::new();
    for attempt in attempts {
        outcomes.push(attempt.await.unwrap());
    }

    let busy: Vec<_> = outcomes
        .iter()
        .filter(|(status, ..)| *status == 503)
        .collect();
    assert!(!busy.is_empty(), "{outcomes:?}");
    assert!(
        busy.iter()
            .all(|(_, retry_after, body)| retry_after.is_some() && body.contains("Busy"))
    );
    assert!(
        outcomes.iter().any(|(status, ..)| *status == 200),
        "some logins still got through"
    );
    assert!(
        outcomes
            .iter()
            .all(|(status, ..)| *status == 200 || *status == 503),
        "{outcomes:?}"
    );
    // Turned away before any query: nothing was counted against (or given back to) the busy
    // ones' accounts, while each login let in cleared its own counter by succeeding.
    let counted = rate_limit::Entity::find()
        .filter(rate_limit::Column::Key.starts_with("login:account:"))
        .all(&app.db)
        .await
        .unwrap();
    assert!(counted.is_empty(), "{counted:?}");
}

#[tokio::test]
async fn an_identifier_no_account_can_have_is_refused_without_any_work() {
    let app = spawn_app().await;
    let ana = app.create_user("ana").await;
    app.log_in(&ana.username, "wrong guess").await;
    rate_limit::Entity::delete_many()
        .exec(&app.db)
        .await
        .unwrap();
    audit_event::Entity::delete_many()
        .exec(&app.db)
        .await
        .unwrap();

    for junk in [
        "a".repeat(255),
        "ana\u{0}".to_owned(),
        "ana\u{7}x".to_owned(),
    ] {
        let response = app.log_in(&junk, "wrong guess").await;
        assert_eq!(response.status(), 401, "{junk:?}");
        let body = response.text().await.unwrap();
        assert!(
            body.starts_with(r#"{"InvalidCredentials""#),
            "{junk:?}: {body}"
        );
    }
    // Neither counted, nor recorded, nor looked up: junk costs the server nothing.
    assert!(
        rate_limit::Entity::find()
            .all(&app.db)
            .await
            .unwrap()
            .is_empty()
    );
    assert!(
        audit_event::Entity::find()
            .all(&app.db)
            .await
            .unwrap()
            .is_empty()
    );
}

#[tokio::test]
async fn throttle_counters_never_hold_what_was_typed() {
    let app = spawn_app().await;

    app.log_in("Nobody@Example.com", "wrong guess").await;
    app.request_reset("nobody@example.com").await;

    let keys: Vec<String> = rate_limit::Entity::find()
        .all(&app.db)
        .await
        .unwrap()
        .into_iter()
        .map(|row| row.key)
        .collect();
    assert!(!keys.is_empty());
    assert!(
        keys.iter()
            .all(|key| !key.to_lowercase().contains("nobody")),
        "{keys:?}"
    );
}

#[tokio::test]
async fn logging_in_over_another_users_session_ends_that_session() {
    let app = spawn_app().await;
    let ana = app.create_user("ana").await;
    let budi = app.create_user("budi").await;
    let anas = session_cookie(&app.log_in(&ana.username, &ana.password).await).unwrap();

    // Someone at Ana's browser signs in as Budi.
    let budis = app
        .post_form(
            "/api/login",
            &[("identifier", &budi.username), ("password", &budi.password)],
            &[("cookie", &anas)],
        )
        .await;
    assert_eq!(budis.status(), 200);

    assert_eq!(
        app.get_with_cookie("/", Some(&anas)).await.status(),
        303,
        "Ana's session ended: it can no longer be used by whoever holds its cookie"
    );
    let budis = session_cookie(&budis).unwrap();
    assert_eq!(app.get_with_cookie("/", Some(&budis)).await.status(), 200);
    assert_eq!(session::Entity::find().all(&app.db).await.unwrap().len(), 1);
}

#[tokio::test]
async fn a_burst_of_wrong_passwords_reaches_the_hash_only_the_free_allowance_of_times() {
    // Queued hashes must not turn into 503 "busy": this is about the throttle.
    let app = crate::helpers::spawn_app_with(&[("LATCH_HASH_MAX_WAIT_MS", "60000")]).await;
    let ana = app.create_user("ana").await;

    let attempts: Vec<_> = (0..50)
        .map(|_| {
            let request = app
                .client
                .post(format!("{}/api/login", app.address))
                .form(&[
                    ("identifier", ana.username.as_str()),
                    ("password", "a guess"),
                ]);
            tokio::spawn(async move {
                let response = request.send().await.unwrap();
                (
                    response.status().as_u16(),
                    response.headers().contains_key("retry-after"),
                )
            })
        })
        .collect();
    let mut answers = Vec::new();
    for attempt in attempts {
        answers.push(attempt.await.unwrap());
    }

    let checked = answers.iter().filter(|(status, _)| *status == 401).count();
    assert_eq!(
        checked, 5,
        "only the free allowance was checked: {answers:?}"
    );
    assert!(
        answers
            .iter()
            .filter(|(status, _)| *status != 401)
            .all(|answer| *answer == (429, true)),
        "the rest were refused with a time to try again: {answers:?}"
    );
    let failed = audit_event::Entity::find()
        .filter(audit_event::Column::Outcome.eq("failed"))
        .count(&app.db)
        .await
        .unwrap();
    assert_eq!(failed, 5, "five passwords were compared, no more");
}
