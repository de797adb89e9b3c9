//! The login page against a hostile internet: strangers cannot lock the owner out, clients
//! are counted by network, credential stuffing is caught, and a flood of failures everywhere
//! slows strangers down (issue 16, §1). Each client address here is set by `X-Forwarded-For`
//! through a trusted proxy (the test's own loopback address).

use std::time::{Duration, Instant};

use latch_core::entities::audit_event;
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};

use crate::helpers::{
    TestApp, TestUser, device_cookie, session_cookie, set_cookie_header, spawn_app_with,
};
use crate::operations::metric_value;

const BEHIND_OUR_PROXY: (&str, &str) = ("LATCH_TRUSTED_PROXIES", "127.0.0.1");

impl TestApp {
    /// A script login from `client_ip`, presenting `cookie` (`name=value; ...`) if any.
    async fn log_in_from(
        &self,
        client_ip: &str,
        identifier: &str,
        password: &str,
        cookie: Option<&str>,
    ) -> reqwest::Response {
        let mut headers = vec![("x-forwarded-for", client_ip)];
        if let Some(cookie) = cookie {
            headers.push(("cookie", cookie));
        }
        self.post_form(
            "/api/login",
            &[("identifier", identifier), ("password", password)],
            &headers,
        )
        .await
    }

    async fn metric(&self, series: &str) -> f64 {
        let text = self.get("/metrics").await.text().await.unwrap();
        metric_value(&text, series).unwrap_or_else(|| panic!("no {series} in\n{text}"))
    }
}

/// The owner signs in once from their own browser and keeps its known-device cookie.
async fn owners_browser(app: &TestApp, owner: &TestUser, client_ip: &str) -> String {
    let first = app
        .log_in_from(client_ip, &owner.username, &owner.password, None)
        .await;
    assert_eq!(first.status(), 200);
    let device = set_cookie_header(&first, "__Host-latch_device=")
        .unwrap_or_else(|| panic!("no known-device cookie in {:?}", first.headers()));
    for attribute in [
        "HttpOnly",
        "Secure",
        "Path=/",
        "SameSite=Lax",
        "Max-Age=31536000",
    ] {
        assert!(device.contains(attribute), "{attribute}: {device}");
    }
    device_cookie(&first).unwrap()
}

#[tokio::test]
async fn the_owners_browser_signs_in_at_once_while_strangers_keep_the_account_blocked() {
    let app = spawn_app_with(&[BEHIND_OUR_PROXY]).await;
    let ana = app.create_user("ana").await;
    let device = owners_browser(&app, &ana, "198.51.100.7").await;

    // 100 failures from 50 other addresses, at both of Ana's identifiers.
    for n in 0..100 {
        let stranger = format!("203.0.113.{}", n % 50);
        let identifier = if n % 2 == 0 {
            &ana.username
        } else {
            &ana.email
        };
        let status = app
            .log_in_from(&stranger, identifier, "a guess", None)
            .await
            .status();
        assert!(status == 401 || status == 429, "{status}");
    }
    let new_device = app
        .log_in_from("192.0.2.50", &ana.username, &ana.password, None)
        .await;
    assert_eq!(new_device.status(), 429, "a new device is still blocked");
    assert!(new_device.headers().contains_key("retry-after"));

    let owner = app
        .log_in_from("198.51.100.7", &ana.username, &ana.password, Some(&device))
        .await;
    assert_eq!(owner.status(), 200, "the owner's own browser gets in");
    assert!(session_cookie(&owner).is_some());

    // The cookie is the account's, not a pass: for another account it is just a cookie.
    let budi = app.create_user("budi").await;
    for _ in 0..5 {
        app.log_in_from("203.0.113.99", &budi.username, "a guess", None)
            .await;
    }
    let borrowed = app
        .log_in_from(
            "198.51.100.7",
            &budi.username,
            &budi.password,
            Some(&device),
        )
        .await;
    assert_eq!(borrowed.status(), 429);
}

#[tokio::test]
async fn the_owners_browser_has_its_own_allowance_for_typos() {
    let app = spawn_app_with(&[BEHIND_OUR_PROXY]).await;
    let ana = app.create_user("ana").await;
    let device = owners_browser(&app, &ana, "198.51.100.7").await;

    for _ in 0..5 {
        let typo = app
            .log_in_from("198.51.100.7", &ana.username, "a typo", Some(&device))
            .await;
        assert_eq!(typo.status(), 401);
    }
    let blocked = app
        .log_in_from("198.51.100.7", &ana.username, &ana.password, Some(&device))
        .await;
    assert_eq!(blocked.status(), 429, "a known device is throttled too");
    // Its typos are its own: other browsers are judged by the account's counters.
    let elsewhere = app
        .log_in_from("192.0.2.50", &ana.username, &ana.password, None)
        .await;
    assert_eq!(elsewhere.status(), 200);
}

#[tokio::test]
async fn a_429_on_one_identifier_says_nothing_about_another() {
    let app = spawn_app_with(&[BEHIND_OUR_PROXY]).await;
    let ana = app.create_user("ana").await;

    // Ana's email and username, and an unknown address and username, fare alike.
    for (email, username) in [
        (ana.email.as_str(), ana.username.as_str()),
        ("bob@example.com", "bob"),
    ] {
        let mut answers = Vec::new();
        for _ in 0..6 {
            answers.push(
                app.log_in_from("203.0.113.1", email, "a guess", None)
                    .await
                    .status(),
            );
        }
        answers.push(
            app.log_in_from("203.0.113.2", username, "a guess", None)
                .await
                .status(),
        );
        assert_eq!(
            answers,
            [401, 401, 401, 401, 401, 429, 401],
            "{email} then {username}"
        );
    }
}

#[tokio::test]
async fn ipv6_clients_are_counted_by_their_slash_64() {
    let app = spawn_app_with(&[BEHIND_OUR_PROXY, ("LATCH_LOGIN_CLIENT_FREE_FAILURES", "3")]).await;

    // Three addresses of one /64: one client, whose allowance is 3.
    for (n, address) in ["2001:db8:1:2::1", "2001:db8:1:2::2", "2001:db8:1:2:ffff::3"]
        .into_iter()
        .enumerate()
    {
        let status = app
            .log_in_from(address, &format!("nobody{n}"), "a guess", None)
            .await
            .status();
        assert_eq!(status, 401, "{address}");
    }
    let same_network = app
        .log_in_from("2001:db8:1:2:abcd::4", "someone", "a guess", None)
        .await;
    assert_eq!(same_network.status(), 429);
    let next_network = app
        .log_in_from("2001:db8:1:3::1", "someone", "a guess", None)
        .await;
    assert_eq!(next_network.status(), 401);
}

#[tokio::test]
async fn a_client_failing_at_more_than_20_accounts_is_blocked() {
    let app = spawn_app_with(&[BEHIND_OUR_PROXY]).await;
    let ana = app.create_user("ana").await;
    let device = owners_browser(&app, &ana, "198.51.100.7").await;

    // Credential stuffing: one client, many accounts, one guess each.
    for n in 1..=21 {
        let status = app
            .log_in_from(
                "198.51.100.7",
                &format!("user{n}@example.com"),
                "a guess",
                None,
            )
            .await
            .status();
        assert_eq!(status, 401, "account {n}");
    }
    let next = app
        .log_in_from("198.51.100.7", "user22@example.com", "a guess", None)
        .await;
    assert_eq!(
        next.status(),
        429,
        "the 22nd account: the client is blocked"
    );
    assert!(next.headers().contains_key("retry-after"));
    let new_account_same_client = app
        .log_in_from("198.51.100.7", &ana.username, &ana.password, None)
        .await;
    assert_eq!(new_account_same_client.status(), 429);

    // Ana's own browser there is not a stranger; other clients are not affected.
    let owner = app
        .log_in_from("198.51.100.7", &ana.username, &ana.password, Some(&device))
        .await;
    assert_eq!(owner.status(), 200);
    let other_client = app
        .log_in_from("192.0.2.50", "user22@example.com", "a guess", None)
        .await;
    assert_eq!(other_client.status(), 401);

    let recorded = audit_event::Entity::find()
        .filter(audit_event::Column::Kind.eq("login"))
        .filter(audit_event::Column::Outcome.eq("throttled"))
        .all(&app.db)
        .await
        .unwrap();
    assert!(
        recorded.iter().any(|event| event
            .details
            .as_deref()
            .is_some_and(|details| details.contains("many_accounts_from_client"))),
        "{recorded:?}"
    );
}

#[tokio::test]
async fn a_flood_of_failures_everywhere_slows_strangers_but_not_known_devices() {
    let app = spawn_app_with(&[
        BEHIND_OUR_PROXY,
        ("LATCH_LOGIN_BREAKER_FAILURES_PER_MINUTE", "3"),
        ("LATCH_LOGIN_BREAKER_DELAY_MS", "1500"),
    ])
    .await;
    let ana = app.create_user("ana").await;
    let device = owners_browser(&app, &ana, "198.51.100.7").await;
    let delays = r#"latch_login_breaker_delays_total"#;
    assert_eq!(app.metric(delays).await, 0.0);

    // Four failures from four clients at four accounts: over the breaker's 3 a minute.
    for n in 1..=4 {
        app.log_in_from(
            &format!("203.0.113.{n}"),
            &format!("user{n}"),
            "a guess",
            None,
        )
        .await;
    }
    assert_eq!(
        app.metric(delays).await,
        0.0,
        "failures themselves trip it, not delay"
    );

    let started = Instant::now();
    let stranger = app
        .log_in_from("192.0.2.50", &ana.username, &ana.password, None)
        .await;
    assert_eq!(stranger.status(), 200, "slowed, not refused");
    assert!(
        started.elapsed() >= Duration::from_millis(1500),
        "{:?}",
        started.elapsed()
    );
    assert_eq!(app.metric(delays).await, 1.0);

    let owner = app
        .log_in_from("198.51.100.7", &ana.username, &ana.password, Some(&device))
        .await;
    assert_eq!(owner.status(), 200);
    assert_eq!(
        app.metric(delays).await,
        1.0,
        "the owner's browser was not held back"
    );
}

#[tokio::test]
async fn a_counter_cleared_while_attempts_are_reserved_on_it_never_fails_them() {
    use latch_core::throttle::{self, Limit, ThrottleKey};
    // A successful password change (or login) deletes its counter while other requests
    // reserve attempts on the same one: a reservation that found the row gone was a 500.
    let app = spawn_app_with(&[]).await;
    let key = ThrottleKey::login_identifier("ana");
    let limit = Limit {
        free_failures: 1_000_000,
        window: chrono::Duration::hours(1),
        first_block: chrono::Duration::seconds(30),
        max_block: chrono::Duration::minutes(15),
    };
    let tasks: Vec<_> = (0..200)
        .map(|n| {
            let (db, key) = (app.db.clone(), key.clone());
            tokio::spawn(async move {
                let now = chrono::Utc::now();
                if n % 2 == 0 {
                    throttle::clear(&db, &key).await.map(|_| ())
                } else {
                    throttle::reserve(&db, &key, limit, now).await.map(|_| ())
                }
            })
        })
        .collect();
    for task in tasks {
        task.await
            .unwrap()
            .expect("no reservation fails for a counter cleared meanwhile");
    }
}
