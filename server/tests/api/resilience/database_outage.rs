//! PostgreSQL goes away for a while and comes back. Latch answers in plain words meanwhile,
//! never hangs, needs no restart afterwards, and loses no mail. The outage is real: a private
//! PostgreSQL cluster is stopped and started (the machine's shared server is never touched).

use std::collections::HashSet;
use std::time::Duration;

use chrono::Utc;
use latch_core::outbox;
use tokio::time::Instant;

use super::{bounded, wait_until_delivered};
use crate::helpers::{
    LatchConfig, LatchProcess, PostgresCluster, SmtpServer, connect_migrated, create_user,
    notice_mail, session_cookie,
};

#[tokio::test]
#[ignore = "needs the PostgreSQL server binaries: make soak"]
async fn while_its_database_is_down_latch_answers_503_and_afterwards_recovers_by_itself() {
    let cluster = PostgresCluster::start().await;
    let db = connect_migrated(&cluster.url()).await;
    let ana = create_user(&db, "ana").await;
    let smtp = SmtpServer::start().await;
    let latch = LatchProcess::start(&LatchConfig::new(&cluster.url()).smtp(&smtp)).await;
    let cookie = session_cookie(&latch.log_in(&ana.username, &ana.password).await).unwrap();
    // Due in 3 s: still waiting in the queue when the database goes away a moment later.
    let due_during_outage = outbox::enqueue(
        &db,
        notice_mail("budi@example.co.id"),
        Utc::now() + chrono::Duration::seconds(3),
    )
    .await
    .unwrap();
    assert_eq!(latch.request_reset(&ana.email).await.status(), 200);

    cluster.stop().await;

    // Concurrently: each request is bounded on its own, and the outage need not last longer.
    let (login, page, ready, health) = tokio::join!(
        bounded("login", latch.log_in(&ana.username, &ana.password)),
        bounded(
            "a signed-in page",
            latch.get_page("/settings/account", &cookie)
        ),
        bounded("/ready", latch.get("/ready")),
        bounded("/health", latch.get("/health")),
    );
    assert_eq!(login.status(), 503);
    assert_eq!(login.headers()["retry-after"], "5");
    assert!(login.text().await.unwrap().contains("Unavailable"));
    assert_eq!(page.status(), 503);
    assert_eq!(page.headers()["retry-after"], "5");
    let html = page.text().await.unwrap();
    assert!(html.contains("cannot reach its database"), "{html}");
    assert_eq!(ready.status(), 503);
    assert_eq!(health.status(), 200);

    cluster.start_again().await;

    let recovery = Instant::now();
    while bounded("/ready", latch.get("/ready")).await.status() != 200 {
        assert!(
            recovery.elapsed() < Duration::from_secs(30),
            "latch did not become ready within 30 s of the database's return"
        );
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    let login = bounded("login", latch.log_in(&ana.username, &ana.password)).await;
    assert_eq!(login.status(), 200);
    let page = bounded("page", latch.get_page("/settings/account", &cookie)).await;
    assert_eq!(page.status(), 200);
    // Both mails arrive: the one due during the outage and the reset requested before it.
    let expected = HashSet::from([due_during_outage]);
    let delivered = wait_until_delivered(&smtp, &expected, Duration::from_secs(20)).await;
    assert!(delivered.contains(&due_during_outage));
    let mails = smtp.wait_for(2, Duration::from_secs(10)).await;
    assert!(
        mails.iter().any(|mail| mail.to == [ana.email.clone()]),
        "the reset requested before the outage is delivered"
    );
}
