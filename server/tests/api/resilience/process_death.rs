//! A `latch` process that dies (`kill -9`) or is stopped (SIGTERM) while it sends mail. Runs
//! on SQLite and on PostgreSQL: one instance, restarted, is enough to lose or keep mail.

use std::collections::HashSet;
use std::time::Duration;

use chrono::Utc;
use latch_core::outbox;
use sea_orm::EntityTrait;

use super::{
    delivered_ids, ids_in, outbox_rows, wait_until_all_rows, wait_until_delivered,
    wait_until_sending,
};
use crate::helpers::{
    LatchConfig, LatchProcess, SmtpServer, TestDatabase, connect_migrated, notice_mail,
};

#[tokio::test]
async fn mail_being_sent_when_latch_is_killed_is_all_delivered_after_a_restart() {
    let database = TestDatabase::create().await;
    let db = connect_migrated(database.url()).await;
    let smtp = SmtpServer::start().await;
    // Slow enough that the first batch is still in flight when the process dies.
    smtp.set_delay(Duration::from_secs(2));
    // A claim of a dead process is taken over 3 s after it was made (default: 5 minutes).
    let config = LatchConfig::new(database.url())
        .smtp(&smtp)
        .set("LATCH_OUTBOX_LEASE_SECONDS", "3");
    let mut latch = LatchProcess::start(&config).await;
    let mut queued = HashSet::new();
    // More than one batch (20): some mail is claimed and in flight, some still waits.
    for n in 0..30 {
        let mail = notice_mail(&format!("user{n}@example.co.id"));
        queued.insert(outbox::enqueue(&db, mail, Utc::now()).await.unwrap());
    }
    assert!(
        smtp.wait_until_accepting(Duration::from_secs(10)).await,
        "no mail reached the SMTP server"
    );
    let in_flight = ids_in(&db, "sending").await;

    latch.kill();
    smtp.set_delay(Duration::from_millis(50));
    let _restarted = LatchProcess::start(&config).await;

    assert!(
        wait_until_all_rows(&db, "sent", Duration::from_secs(30)).await,
        "{:?}",
        outbox_rows(&db).await
    );
    // Every row is recorded as sent only after the SMTP server took it: all have arrived.
    let delivered = delivered_ids(&smtp);
    let distinct: HashSet<_> = delivered.iter().copied().collect();
    assert_eq!(distinct, queued, "every queued mail arrives, none lost");
    // At least once, never zero times: a mail the dead process was sending may have reached
    // the SMTP server before it died, and is sent again (same Message-ID). Only those.
    let mut seen = HashSet::new();
    let twice: HashSet<_> = delivered
        .into_iter()
        .filter(|id| !seen.insert(*id))
        .collect();
    assert!(twice.is_subset(&in_flight), "{twice:?} vs {in_flight:?}");
}

#[tokio::test]
async fn on_sigterm_latch_hands_unsent_mail_back_and_exits_cleanly() {
    let database = TestDatabase::create().await;
    let db = connect_migrated(database.url()).await;
    let smtp = SmtpServer::start().await;
    // Far longer than the 10 s the stopping process gives its sends.
    smtp.set_delay(Duration::from_secs(60));
    // The default lease (5 minutes): handing back, not the lease, makes the mail due again.
    let config = LatchConfig::new(database.url()).smtp(&smtp);
    let mut latch = LatchProcess::start(&config).await;
    let id = outbox::enqueue(&db, notice_mail("ana@example.co.id"), Utc::now())
        .await
        .unwrap();
    wait_until_sending(&db, Duration::from_secs(10)).await;

    latch.terminate();
    let exit = latch.wait_for_exit(Duration::from_secs(20)).await;

    let status = exit.unwrap_or_else(|| panic!("latch still running 20 s after SIGTERM"));
    assert!(status.success(), "{status}\n{}", latch.output());
    let row = latch_core::entities::outbox_message::Entity::find_by_id(id)
        .one(&db)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(row.status, "queued", "not stuck in sending");
    assert!(row.claimed_until.is_none());
    assert_eq!(
        row.attempts, 0,
        "an interrupted send is not a failed attempt"
    );
    assert!(latch.output().contains("handed back"), "{}", latch.output());

    // The next start sends it at once, without waiting out the lease.
    smtp.set_delay(Duration::ZERO);
    let _restarted = LatchProcess::start(&config).await;
    let ids = HashSet::from([id]);
    let delivered = wait_until_delivered(&smtp, &ids, Duration::from_secs(15)).await;
    assert_eq!(delivered, [id]);
}
