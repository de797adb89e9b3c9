//! What operators and their tools see: liveness, readiness, metrics, behaviour while the
//! database is away, and mail handed back on shutdown.

use std::time::Duration;

use chrono::Utc;
use latch_core::entities::outbox_message;
use latch_core::mail::Mailer;
use latch_core::outbox::{self, OutboxPolicy, Sender};
use sea_orm::EntityTrait;

use crate::helpers::{TestDatabase, notice_mail, session_cookie, spawn_app, spawn_app_with};

#[tokio::test]
async fn health_and_ready_answer_when_the_database_is_reachable() {
    let app = spawn_app().await;

    let health = app.get("/health").await;
    let ready = app.get("/ready").await;

    assert_eq!(health.status(), 200);
    assert_eq!(health.text().await.unwrap(), "ok");
    assert_eq!(ready.status(), 200);
    assert_eq!(ready.text().await.unwrap(), "ready");
}

pub fn metric_value(text: &str, series: &str) -> Option<f64> {
    text.lines()
        .find_map(|line| line.strip_prefix(series)?.strip_prefix(' ')?.parse().ok())
}

#[tokio::test]
async fn metrics_count_logins_by_outcome_requests_by_route_and_mail_by_status() {
    let app = spawn_app().await;
    let user = app.create_user("ana").await;
    app.log_in("ana", "wrong password").await;
    app.log_in(&user.username, &user.password).await;
    app.post_form("/api/request_reset", &[("email", &user.email)], &[])
        .await;

    let response = app.get("/metrics").await;

    assert_eq!(response.status(), 200);
    assert!(
        response.headers()["content-type"]
            .to_str()
            .unwrap()
            .starts_with("text/plain; version=0.0.4")
    );
    let text = response.text().await.unwrap();
    let value = |series: &str| {
        metric_value(&text, series).unwrap_or_else(|| panic!("no {series} in\n{text}"))
    };
    assert_eq!(value(r#"latch_logins_total{outcome="ok"}"#), 1.0);
    assert_eq!(value(r#"latch_logins_total{outcome="failed"}"#), 1.0);
    assert_eq!(value(r#"latch_logins_total{outcome="throttled"}"#), 0.0);
    assert_eq!(
        value(r#"latch_http_requests_total{method="POST",route="/api/login",status="401"}"#),
        1.0
    );
    assert_eq!(
        value(r#"latch_http_request_duration_seconds_count{method="POST",route="/api/login"}"#),
        2.0
    );
    assert_eq!(value("latch_password_hash_queue_depth"), 0.0);
    // The reset mail: queued, or already sent by the worker.
    let mail = value(r#"latch_outbox_messages{status="queued"}"#)
        + value(r#"latch_outbox_messages{status="sending"}"#)
        + value(r#"latch_outbox_messages{status="sent"}"#);
    assert_eq!(mail, 1.0);
}

#[tokio::test]
async fn metrics_are_not_shown_to_clients_behind_a_proxy_or_without_the_token() {
    let open = spawn_app().await;
    let token = "s3cret-scrape-token-0123456789";
    let guarded = spawn_app_with(&[("LATCH_METRICS_TOKEN", token)]).await;
    let get = |app: &crate::helpers::TestApp, headers: Vec<(&'static str, String)>| {
        let mut request = app.client.get(format!("{}/metrics", app.address));
        for (name, value) in headers {
            request = request.header(name, value);
        }
        request.send()
    };

    let proxied = get(&open, vec![("x-forwarded-for", "203.0.113.9".to_owned())])
        .await
        .unwrap();
    let without_token = get(&guarded, vec![]).await.unwrap();
    let wrong_token = get(&guarded, vec![("authorization", "Bearer nope".to_owned())])
        .await
        .unwrap();
    let with_token = get(&guarded, vec![("authorization", format!("Bearer {token}"))])
        .await
        .unwrap();

    assert_eq!(proxied.status(), 403);
    assert_eq!(without_token.status(), 403);
    assert_eq!(wrong_token.status(), 403);
    assert_eq!(with_token.status(), 200);
}

#[tokio::test]
async fn without_its_database_latch_answers_503_in_plain_words_and_stays_alive() {
    let app = spawn_app().await;
    let user = app.create_user("ana").await;
    let cookie = session_cookie(&app.log_in(&user.username, &user.password).await).unwrap();

    app.db.close_by_ref().await.unwrap();

    let login = app.log_in(&user.username, &user.password).await;
    assert_eq!(login.status(), 503);
    assert_eq!(login.headers()["retry-after"], "5");
    assert!(
        login.text().await.unwrap().contains("Unavailable"),
        "the error is AppError::Unavailable"
    );
    let page = app.get_page("/settings/account", &cookie).await;
    assert_eq!(page.status(), 503);
    assert_eq!(page.headers()["retry-after"], "5");
    let html = page.text().await.unwrap();
    assert!(html.contains("cannot reach its database"), "{html}");
    assert!(html.contains("contact your company"), "{html}");
    assert_eq!(app.get("/ready").await.status(), 503);
    assert_eq!(app.get("/health").await.status(), 200);
    // A page that needs no database still renders.
    assert_eq!(app.get("/login").await.status(), 200);
}

#[tokio::test]
async fn on_shutdown_mail_still_being_sent_is_handed_back_to_the_queue() {
    let database = TestDatabase::create().await;
    let db = latch_core::db::connect(database.url()).await.unwrap();
    latch_core::db::migrate(&db).await.unwrap();
    let smtp = crate::helpers::SmtpServer::start().await;
    smtp.set_delay(Duration::from_secs(60));
    let sender = Sender {
        mailer: Mailer::smtp(&smtp.url()).unwrap(),
        from: "Latch Test <latch@example.test>".parse().unwrap(),
        message_id_domain: "latch.example.test".to_owned(),
        public_url: crate::helpers::PUBLIC_URL.parse().unwrap(),
        webhooks: None,
    };
    let id = outbox::enqueue(&db, notice_mail("ana@example.co.id"), Utc::now())
        .await
        .unwrap();
    let policy = OutboxPolicy {
        shutdown_grace: Duration::from_millis(300),
        poll_interval: Duration::from_millis(50),
        ..OutboxPolicy::default()
    };
    let (stop, stopped) = tokio::sync::watch::channel(false);
    let worker = tokio::spawn(outbox::run_worker(
        db.clone(),
        sender,
        policy,
        latch_core::metrics::Metrics::default(),
        stopped,
    ));
    let claimed = async {
        loop {
            let row = outbox_message::Entity::find_by_id(id).one(&db).await;
            if row.unwrap().unwrap().status == "sending" {
                break;
            }
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    };
    tokio::time::timeout(Duration::from_secs(10), claimed)
        .await
        .expect("the worker claims the mail");

    stop.send(true).unwrap();
    tokio::time::timeout(Duration::from_secs(5), worker)
        .await
        .expect("the worker stops within its grace period")
        .unwrap();

    let row = outbox_message::Entity::find_by_id(id)
        .one(&db)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(row.status, "queued");
    assert_eq!(
        row.attempts, 0,
        "an interrupted send is not a failed attempt"
    );
    assert!(row.claimed_until.is_none());
    assert!(row.next_attempt_at <= Utc::now());
}

#[tokio::test]
async fn made_up_http_methods_cannot_grow_the_metrics() {
    let app = spawn_app().await;
    let series = |text: &str| {
        text.lines()
            .filter(|line| line.starts_with("latch_http_requests_total{"))
            .count()
    };
    let before = series(&app.get("/metrics").await.text().await.unwrap());

    for n in 0..300 {
        let method = reqwest::Method::from_bytes(format!("PROBE{n}").as_bytes()).unwrap();
        app.client
            .request(method, format!("{}/login", app.address))
            .send()
            .await
            .unwrap();
    }

    let text = app.get("/metrics").await.text().await.unwrap();
    assert!(
        series(&text) <= before + 2,
        "one series for every made-up method, and one for the metrics page itself:\n{text}"
    );
    assert!(text.contains(r#"method="other""#), "{text}");
}

#[tokio::test]
async fn pruning_deletes_dead_rows_and_keeps_live_ones_on_this_database() {
    use latch_core::entities::session;
    use latch_core::prune::{Retention, prune};
    use sea_orm::PaginatorTrait;

    let app = spawn_app().await;
    let ana = app.create_user("ana").await;
    app.log_in(&ana.username, &ana.password).await;
    app.log_in("nobody", "wrong guess").await;
    let now = chrono::Utc::now();

    let today = prune(&app.db, Retention::default(), now).await.unwrap();
    assert_eq!(
        (today.sessions, today.rate_limits),
        (0, 0),
        "nothing is dead yet"
    );

    // Two days on: the session's idle time is over and the counter's window long gone.
    let later = prune(
        &app.db,
        Retention::default(),
        now + chrono::Duration::days(2),
    )
    .await
    .unwrap();
    // The failed login's counters: the identifier's, its stand-in account's, the client's,
    // the breaker's, and the client's distinct-accounts count with its one member.
    assert_eq!((later.sessions, later.rate_limits), (1, 6));
    assert_eq!(session::Entity::find().count(&app.db).await.unwrap(), 0);
    assert_eq!(
        later.audit_events, 0,
        "the audit trail is kept for 400 days"
    );
}
