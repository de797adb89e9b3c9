//! Bounds on what one client can make the server do: a deadline on every request, and new
//! passwords the policy refuses counted like wrong ones.

use std::time::{Duration, Instant};

use latch_core::entities::audit_event;
use sea_orm::{ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter};
use tokio::io::{AsyncReadExt, AsyncWriteExt};

use crate::helpers::{TestApp, reset_link_in, session_cookie, spawn_app, spawn_app_with};

/// Refused by the policy (one of the most common passwords), quickly judged.
const WEAK: &str = "password";

/// How many passwords the policy has judged in this server (`/metrics`).
async fn policy_checks(app: &TestApp) -> u64 {
    let metrics = app.get("/metrics").await.text().await.unwrap();
    metrics
        .lines()
        .find_map(|line| line.strip_prefix("latch_password_policy_checks_total "))
        .unwrap_or_else(|| panic!("no policy check counter in:\n{metrics}"))
        .parse()
        .unwrap()
}

/// Posts until the answer is not `refused_status`; returns that answer and how many were.
async fn until_not(
    refused_status: u16,
    mut post: impl AsyncFnMut() -> reqwest::Response,
) -> (reqwest::Response, u64) {
    let mut refused = 0;
    loop {
        let response = post().await;
        if response.status() != refused_status {
            return (response, refused);
        }
        refused += 1;
        assert!(refused <= 150, "never throttled");
    }
}

#[tokio::test]
async fn a_request_whose_body_never_arrives_is_answered_408_within_seconds() {
    let app = spawn_app_with(&[("LATCH_REQUEST_TIMEOUT_SECONDS", "1")]).await;
    let address = app.address.strip_prefix("http://").unwrap();
    let mut connection = tokio::net::TcpStream::connect(address).await.unwrap();

    // Headers promising 1000 bytes, then 14 of them, then nothing.
    let started = Instant::now();
    connection
        .write_all(
            b"POST /api/login HTTP/1.1\r\nHost: latch.example.test\r\n\
              Sec-Fetch-Site: same-origin\r\n\
              Content-Type: application/x-www-form-urlencoded\r\n\
              Content-Length: 1000\r\n\r\nidentifier=ana",
        )
        .await
        .unwrap();
    let mut answer = Vec::new();
    tokio::time::timeout(Duration::from_secs(10), connection.read_to_end(&mut answer))
        .await
        .expect("the server answers and closes the connection")
        .unwrap();

    assert!(
        started.elapsed() < Duration::from_secs(5),
        "{:?}",
        started.elapsed()
    );
    let answer = String::from_utf8_lossy(&answer);
    assert!(answer.starts_with("HTTP/1.1 408"), "{answer}");
    assert!(answer.contains("took too long"), "{answer}");
    assert!(
        answer.contains("terlalu lama"),
        "in both languages: {answer}"
    );
    // Requests that finish in time are served as always.
    assert_eq!(app.get("/health").await.status(), 200);
}

#[tokio::test]
async fn weak_passwords_sent_with_a_reset_link_meet_the_login_throttle_unchecked() {
    let app = spawn_app().await;
    let ana = app.create_user("ana").await;
    assert_eq!(app.request_reset(&ana.email).await.status(), 200);
    let mails = app.smtp.wait_for(1, Duration::from_secs(10)).await;
    let cookie = app.open_link(&reset_link_in(&mails[0].data)).await;
    let checks_before = policy_checks(&app).await;

    let (throttled, refused) =
        until_not(422, async || app.set_password(&cookie, WEAK, WEAK).await).await;

    assert_eq!(throttled.status(), 429);
    assert!(throttled.headers().contains_key("retry-after"));
    assert_eq!(
        policy_checks(&app).await - checks_before,
        refused,
        "only the refused ones within the allowance were judged"
    );
    let checks = policy_checks(&app).await;
    let strong = app
        .set_password(&cookie, "violet harbour compass", "violet harbour compass")
        .await;
    assert_eq!(
        strong.status(),
        429,
        "the client is throttled, whatever it sends"
    );
    assert_eq!(policy_checks(&app).await, checks, "refused without a check");
    // The client that sent them is held like a password guesser: its logins wait too.
    assert_eq!(app.log_in(&ana.username, &ana.password).await.status(), 429);
    let audited = audit_event::Entity::find()
        .filter(audit_event::Column::Kind.eq("password_reset_completed"))
        .filter(audit_event::Column::Outcome.eq("throttled"))
        .count(&app.db)
        .await
        .unwrap();
    assert_eq!(audited, 2, "each throttled submission is an audit event");
}

#[tokio::test]
async fn weak_new_passwords_in_account_settings_meet_the_login_throttle_unchecked() {
    let app = spawn_app().await;
    let ana = app.create_user("ana").await;
    let cookie = session_cookie(&app.log_in(&ana.username, &ana.password).await).unwrap();
    let checks_before = policy_checks(&app).await;
    let change = |new: &'static str| {
        let form = [
            ("existing", ana.password.clone()),
            ("password", new.to_owned()),
            ("confirm", new.to_owned()),
        ];
        let cookie = cookie.clone();
        let app = &app;
        async move {
            let form: Vec<(&str, &str)> = form.iter().map(|(k, v)| (*k, v.as_str())).collect();
            app.post_form("/api/change_password", &form, &[("cookie", &cookie)])
                .await
        }
    };

    let (throttled, refused) = until_not(422, async || change(WEAK).await).await;

    assert_eq!(throttled.status(), 429);
    assert_eq!(policy_checks(&app).await - checks_before, refused);
    let checks = policy_checks(&app).await;
    assert_eq!(change("violet harbour compass").await.status(), 429);
    assert_eq!(policy_checks(&app).await, checks, "refused without a check");
}
