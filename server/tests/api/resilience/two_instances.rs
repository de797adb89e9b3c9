//! Two `latch` processes on one PostgreSQL database, as behind a load balancer: what one
//! instance starts the other can finish, and what they share they count once.

use std::collections::HashSet;
use std::time::Duration;

use sea_orm::DatabaseConnection;

use super::{delivered_ids, outbox_rows, postgres_database, wait_until_all_rows};
use crate::helpers::{
    LatchConfig, LatchProcess, SmtpServer, TestDatabase, connect_migrated, create_user,
    device_cookie, reset_link_in, session_cookie,
};

/// Instances A and B, and the database and SMTP server they share.
struct TwoInstances {
    a: LatchProcess,
    b: LatchProcess,
    db: DatabaseConnection,
    smtp: SmtpServer,
    _database: TestDatabase,
}

async fn two_instances() -> TwoInstances {
    let database = postgres_database().await;
    // Migrated here first, so both instances start on a current schema at the same time.
    let db = connect_migrated(database.url()).await;
    let smtp = SmtpServer::start().await;
    let config = LatchConfig::new(database.url()).smtp(&smtp);
    let (a, b) = tokio::join!(LatchProcess::start(&config), LatchProcess::start(&config));
    TwoInstances {
        a,
        b,
        db,
        smtp,
        _database: database,
    }
}

const NEW_PASSWORD: &str = "a brand new passphrase";

#[tokio::test]
#[ignore = "needs PostgreSQL: make soak"]
async fn a_reset_requested_on_one_instance_is_completed_on_the_other() {
    let latch = two_instances().await;
    let ana = create_user(&latch.db, "ana").await;

    assert_eq!(latch.a.request_reset(&ana.email).await.status(), 200);
    let mails = latch.smtp.wait_for(1, Duration::from_secs(15)).await;
    assert_eq!(mails.len(), 1, "the reset mail did not arrive");
    let cookie = latch.b.open_link(&reset_link_in(&mails[0].data)).await;
    let done = latch
        .b
        .set_password(&cookie, NEW_PASSWORD, NEW_PASSWORD)
        .await;

    assert_eq!(done.status(), 200);
    assert_eq!(done.headers()["location"], "/reset-password/done");
    assert_eq!(
        latch.a.log_in(&ana.username, NEW_PASSWORD).await.status(),
        200
    );
    assert_eq!(
        latch.a.log_in(&ana.username, &ana.password).await.status(),
        401
    );
}

#[tokio::test]
#[ignore = "needs PostgreSQL: make soak"]
async fn a_session_started_on_one_instance_works_and_ends_on_the_other() {
    let latch = two_instances().await;
    let ana = create_user(&latch.db, "ana").await;

    let cookie = session_cookie(&latch.a.log_in(&ana.username, &ana.password).await).unwrap();
    let on_b = latch
        .b
        .get_with_cookie("/settings/account", Some(&cookie))
        .await;
    let logout_on_b = latch
        .b
        .post_form("/api/logout", &[], &[("cookie", &cookie)])
        .await;
    let on_a_afterwards = latch
        .a
        .get_with_cookie("/settings/account", Some(&cookie))
        .await;

    assert_eq!(on_b.status(), 200);
    assert_eq!(logout_on_b.status(), 200);
    assert_eq!(on_a_afterwards.status(), 303, "signed out on A too");
    let location = on_a_afterwards.headers()["location"].to_str().unwrap();
    assert!(location.starts_with("/login"), "{location}");
}

#[tokio::test]
#[ignore = "needs PostgreSQL: make soak"]
async fn login_failures_on_both_instances_count_toward_one_throttle() {
    let latch = two_instances().await;
    let ana = create_user(&latch.db, "ana").await;

    // Five failures, alternating: neither instance alone sees more than three.
    for attempt in 0..5 {
        let instance = if attempt % 2 == 0 { &latch.a } else { &latch.b };
        let failed = instance.log_in(&ana.username, "wrong guess").await;
        assert_eq!(failed.status(), 401, "failure {}", attempt + 1);
    }
    let on_a = latch.a.log_in(&ana.username, &ana.password).await;
    let on_b = latch.b.log_in(&ana.username, &ana.password).await;

    // Five checks an hour, the fifth wrong one blocks the account: on both instances.
    assert_eq!(on_a.status(), 429);
    assert_eq!(on_b.status(), 429);
    assert!(on_b.headers().contains_key("retry-after"));
}

#[tokio::test]
#[ignore = "needs PostgreSQL: make soak"]
async fn a_browser_known_to_one_instance_is_known_to_the_other() {
    let latch = two_instances().await;
    let ana = create_user(&latch.db, "ana").await;
    let first = latch.a.log_in(&ana.username, &ana.password).await;
    let device = device_cookie(&first).expect("a known-device cookie");

    // Strangers block the account through instance B.
    for _ in 0..5 {
        latch.b.log_in(&ana.username, "wrong guess").await;
    }
    assert_eq!(
        latch.b.log_in(&ana.username, &ana.password).await.status(),
        429
    );

    // Both instances share the server key: B recognises what A signed.
    let owner = latch
        .b
        .post_form(
            "/api/login",
            &[("identifier", &ana.username), ("password", &ana.password)],
            &[("cookie", &device)],
        )
        .await;
    assert_eq!(owner.status(), 200);
}

#[tokio::test]
#[ignore = "needs PostgreSQL: make soak"]
async fn two_instances_send_each_queued_mail_exactly_once() {
    let latch = two_instances().await;
    // Each send takes a moment, so both workers have claims open at the same time.
    latch.smtp.set_delay(Duration::from_millis(100));
    let mut users = Vec::new();
    for n in 0..40 {
        users.push(create_user(&latch.db, &format!("user{n}")).await);
    }

    // 40 requests, one per user (a second one would replace the first's link, and a mail
    // whose link died before it went out is not sent), alternating instances: more than one
    // worker's batch of 20.
    for (n, user) in users.iter().enumerate() {
        let instance = if n % 2 == 0 { &latch.a } else { &latch.b };
        assert_eq!(instance.request_reset(&user.email).await.status(), 200);
    }
    let queued: HashSet<_> = outbox_rows(&latch.db)
        .await
        .iter()
        .map(|row| row.id)
        .collect();
    assert_eq!(queued.len(), 40);
    let mails = latch.smtp.wait_for(40, Duration::from_secs(30)).await;
    assert_eq!(mails.len(), 40, "not every mail arrived in 30 s");
    // Two more polling rounds of both workers: time for a duplicate to show up, if any.
    tokio::time::sleep(Duration::from_millis(2500)).await;

    let delivered = delivered_ids(&latch.smtp);
    assert_eq!(delivered.len(), 40, "a mail was sent twice");
    assert_eq!(delivered.into_iter().collect::<HashSet<_>>(), queued);
    assert!(wait_until_all_rows(&latch.db, "sent", Duration::from_secs(5)).await);
}
