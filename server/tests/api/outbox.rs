use std::collections::HashSet;
use std::time::Duration;

use chrono::Utc;
use latch_core::entities::outbox_message;
use latch_core::mail::Mailer;
use latch_core::outbox::{self, OutboxPolicy, Sender};
use sea_orm::{ActiveModelTrait, DatabaseConnection, EntityTrait, IntoActiveModel, Set};

use crate::helpers::{
    SmtpServer, TestDatabase, UNKNOWN_MAILBOX, message_id, notice_mail, spawn_app, unfolded,
};

async fn outbox_parts() -> (TestDatabase, DatabaseConnection, SmtpServer, Sender) {
    let database = TestDatabase::create().await;
    let db = latch_core::db::connect(database.url()).await.unwrap();
    latch_core::db::migrate(&db).await.unwrap();
    let smtp = SmtpServer::start().await;
    let sender = Sender {
        mailer: Mailer::smtp(&smtp.url()).unwrap(),
        from: "Latch Test <latch@example.test>".parse().unwrap(),
        message_id_domain: "latch.example.test".to_owned(),
        public_url: crate::helpers::PUBLIC_URL.parse().unwrap(),
        webhooks: None,
    };
    (database, db, smtp, sender)
}

async fn rows(db: &DatabaseConnection) -> Vec<outbox_message::Model> {
    outbox_message::Entity::find().all(db).await.unwrap()
}

#[tokio::test]
async fn a_queued_mail_is_delivered_with_both_parts_and_proper_headers() {
    let (_database, db, smtp, sender) = outbox_parts().await;
    let id = outbox::enqueue(&db, notice_mail("ana@example.co.id"), Utc::now())
        .await
        .unwrap();

    let report = outbox::deliver_due(&db, &sender, &OutboxPolicy::default(), Utc::now())
        .await
        .unwrap();

    assert_eq!(report.sent, 1);
    let mails = smtp.received();
    assert_eq!(mails.len(), 1);
    let data = &mails[0].data;
    assert_eq!(mails[0].to, ["ana@example.co.id"]);
    for header in [
        "From: \"Latch Test\" <latch@example.test>",
        "Auto-Submitted: auto-generated",
        "Date: ",
        "multipart/alternative",
        "text/plain",
        "text/html",
    ] {
        assert!(data.contains(header), "missing {header:?} in:\n{data}");
    }
    assert!(
        message_id(data).contains(&format!("<{id}@latch.example.test>")),
        "{data}"
    );
    assert!(unfolded(data).contains("ana.putri"), "{data}");

    let row = &rows(&db).await[0];
    assert_eq!(row.status, "sent");
    assert!(row.sent_at.is_some());
    assert_eq!(
        row.payload, "{}",
        "the link does not stay in the database once sent"
    );
}

#[tokio::test]
async fn mail_queued_while_smtp_is_down_all_arrives_once_it_is_back() {
    let (_database, db, smtp, sender) = outbox_parts().await;
    let policy = OutboxPolicy::default();
    smtp.stop().await;
    let t0 = Utc::now();
    for i in 0..100 {
        outbox::enqueue(&db, notice_mail(&format!("user{i}@example.com")), t0)
            .await
            .unwrap();
    }

    let mut retrying = 0;
    loop {
        let report = outbox::deliver_due(&db, &sender, &policy, t0)
            .await
            .unwrap();
        if report.claimed == 0 {
            break;
        }
        retrying += report.retrying;
    }
    assert_eq!(retrying, 100);
    assert!(rows(&db).await.iter().all(|row| row.status == "retrying"
        && row.last_error.is_some()
        && row.next_attempt_at > t0));
    assert!(smtp.received().is_empty());

    smtp.restart().await;
    let later = t0 + chrono::Duration::minutes(5);
    while outbox::deliver_due(&db, &sender, &policy, later)
        .await
        .unwrap()
        .claimed
        > 0
    {}

    let mails = smtp.received();
    assert_eq!(mails.len(), 100);
    let distinct: HashSet<_> = mails.iter().map(|mail| message_id(&mail.data)).collect();
    assert_eq!(distinct.len(), 100, "no message was sent twice");
    assert!(rows(&db).await.iter().all(|row| row.status == "sent"));
}

#[tokio::test]
async fn an_unknown_mailbox_fails_the_message_with_the_servers_reason() {
    let (_database, db, smtp, sender) = outbox_parts().await;
    outbox::enqueue(
        &db,
        notice_mail(&format!("{UNKNOWN_MAILBOX}@example.com")),
        Utc::now(),
    )
    .await
    .unwrap();

    let report = outbox::deliver_due(&db, &sender, &OutboxPolicy::default(), Utc::now())
        .await
        .unwrap();

    assert_eq!(report.failed, 1);
    let row = &rows(&db).await[0];
    assert_eq!(row.status, "failed");
    let reason = row.last_error.as_deref().unwrap();
    assert!(
        reason.contains("550") || reason.contains("No such user"),
        "{reason}"
    );
    assert!(smtp.received().is_empty());
    // A permanent failure is not retried.
    let later = Utc::now() + chrono::Duration::hours(2);
    assert_eq!(
        outbox::deliver_due(&db, &sender, &OutboxPolicy::default(), later)
            .await
            .unwrap()
            .claimed,
        0
    );
}

#[tokio::test]
async fn temporary_failures_give_up_only_after_a_day() {
    let (_database, db, smtp, sender) = outbox_parts().await;
    let policy = OutboxPolicy::default();
    smtp.stop().await;
    let t0 = Utc::now();
    outbox::enqueue(&db, notice_mail("ana@example.com"), t0)
        .await
        .unwrap();

    let mut now = t0;
    while now - t0 < chrono::Duration::hours(23) {
        outbox::deliver_due(&db, &sender, &policy, now)
            .await
            .unwrap();
        assert_eq!(rows(&db).await[0].status, "retrying");
        now = rows(&db).await[0].next_attempt_at;
    }
    let report = outbox::deliver_due(&db, &sender, &policy, t0 + chrono::Duration::hours(25))
        .await
        .unwrap();

    assert_eq!(report.failed, 1);
    let row = &rows(&db).await[0];
    assert_eq!(row.status, "failed");
    assert!(
        row.last_error
            .as_deref()
            .unwrap()
            .contains("after 24 hours")
    );
    assert!(
        row.attempts > 10,
        "retried all along: {} attempts",
        row.attempts
    );
}

#[tokio::test]
async fn a_mail_whose_sender_died_mid_send_is_sent_after_its_lease() {
    let (_database, db, smtp, sender) = outbox_parts().await;
    outbox::enqueue(&db, notice_mail("ana@example.com"), Utc::now())
        .await
        .unwrap();
    // As if a worker had claimed it and then been killed.
    let mut row = rows(&db).await[0].clone().into_active_model();
    row.status = Set("sending".to_owned());
    row.claimed_until = Set(Some(Utc::now() + chrono::Duration::minutes(5)));
    row.update(&db).await.unwrap();

    let policy = OutboxPolicy::default();
    assert_eq!(
        outbox::deliver_due(&db, &sender, &policy, Utc::now())
            .await
            .unwrap()
            .claimed,
        0
    );
    let after_lease = Utc::now() + chrono::Duration::minutes(6);
    assert_eq!(
        outbox::deliver_due(&db, &sender, &policy, after_lease)
            .await
            .unwrap()
            .sent,
        1
    );
    assert_eq!(smtp.received().len(), 1);
}

#[tokio::test]
async fn two_workers_on_one_database_never_send_the_same_mail() {
    let (_database, db, smtp, sender) = outbox_parts().await;
    for i in 0..60 {
        outbox::enqueue(
            &db,
            notice_mail(&format!("user{i}@example.com")),
            Utc::now(),
        )
        .await
        .unwrap();
    }
    let policy = OutboxPolicy {
        batch: 5,
        ..OutboxPolicy::default()
    };
    let worker = |db: DatabaseConnection, sender: Sender| async move {
        let mut sent = 0;
        loop {
            let report = outbox::deliver_due(&db, &sender, &policy, Utc::now())
                .await
                .unwrap();
            if report.claimed == 0 {
                return sent;
            }
            sent += report.sent;
        }
    };
    let other_db = latch_core::db::connect(_database.url()).await.unwrap();

    let (a, b) = tokio::join!(worker(db.clone(), sender.clone()), worker(other_db, sender));

    assert_eq!(a + b, 60);
    let mails = smtp.wait_for(60, Duration::from_secs(5)).await;
    assert_eq!(mails.len(), 60);
    let distinct: HashSet<_> = mails.iter().map(|mail| message_id(&mail.data)).collect();
    assert_eq!(distinct.len(), 60);
}

#[tokio::test]
async fn the_dev_mailbox_receives_the_mail() {
    let (database, db, _smtp, mut sender) = outbox_parts().await;
    let dir = database.scratch_dir().join("mailbox");
    sender.mailer = Mailer::dev_mailbox(&dir).unwrap();
    outbox::enqueue(&db, notice_mail("ana@example.com"), Utc::now())
        .await
        .unwrap();

    outbox::deliver_due(&db, &sender, &OutboxPolicy::default(), Utc::now())
        .await
        .unwrap();

    let files: Vec<_> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    assert_eq!(files.len(), 1);
    let content = std::fs::read_to_string(&files[0]).unwrap();
    assert!(unfolded(&content).contains("ana.putri"), "{content}");
}

#[tokio::test]
async fn the_running_server_sends_queued_mail_in_the_background() {
    let app = spawn_app().await;

    outbox::enqueue(&app.db, notice_mail("ana@example.com"), Utc::now())
        .await
        .unwrap();

    let mails = app.smtp.wait_for(1, Duration::from_secs(10)).await;
    assert_eq!(mails.len(), 1);
}

#[tokio::test]
async fn a_mail_queued_in_a_transaction_that_rolls_back_is_never_sent() {
    use sea_orm::TransactionTrait;
    let (_database, db, smtp, sender) = outbox_parts().await;

    let txn = db.begin().await.unwrap();
    outbox::enqueue(&txn, notice_mail("ana@example.com"), Utc::now())
        .await
        .unwrap();
    txn.rollback().await.unwrap();

    assert!(rows(&db).await.is_empty());
    outbox::deliver_due(&db, &sender, &OutboxPolicy::default(), Utc::now())
        .await
        .unwrap();
    assert!(smtp.received().is_empty());
}

#[tokio::test]
async fn operators_see_recent_mail_and_failures_from_the_cli() {
    let (database, db, _smtp, sender) = outbox_parts().await;
    outbox::enqueue(&db, notice_mail("ana@example.com"), Utc::now())
        .await
        .unwrap();
    outbox::enqueue(
        &db,
        notice_mail(&format!("{UNKNOWN_MAILBOX}@example.com")),
        Utc::now(),
    )
    .await
    .unwrap();
    outbox::deliver_due(&db, &sender, &OutboxPolicy::default(), Utc::now())
        .await
        .unwrap();

    let run = |args: &[&str]| {
        let output = std::process::Command::new(env!("CARGO_BIN_EXE_latch"))
            .args(args)
            .env("LATCH_DATABASE_URL", database.url())
            .env("RUST_LOG", "warn")
            .output()
            .unwrap();
        assert!(output.status.success());
        String::from_utf8(output.stdout).unwrap()
    };
    let all = run(&["mail", "status"]);
    let failed = run(&["mail", "status", "--failed"]);

    assert!(
        all.contains("ana@example.com") && all.contains("sent"),
        "{all}"
    );
    assert!(all.contains("1 sent") && all.contains("1 failed"), "{all}");
    assert!(
        failed.contains(UNKNOWN_MAILBOX) && !failed.contains("ana@example.com"),
        "{failed}"
    );
    assert!(
        failed.contains("550") || failed.contains("No such user"),
        "{failed}"
    );
}

/// Delivery throughput to a local SMTP server. A measurement, not a check:
/// `cargo test --release -p latch-server --test api outbox_throughput -- --ignored --nocapture`
#[tokio::test]
#[ignore = "benchmark; run on demand"]
async fn outbox_throughput() {
    let (_database, db, smtp, sender) = outbox_parts().await;
    let count = 1000;
    for i in 0..count {
        outbox::enqueue(
            &db,
            notice_mail(&format!("user{i}@example.com")),
            Utc::now(),
        )
        .await
        .unwrap();
    }
    let policy = OutboxPolicy {
        batch: 50,
        ..OutboxPolicy::default()
    };

    let started = std::time::Instant::now();
    while outbox::deliver_due(&db, &sender, &policy, Utc::now())
        .await
        .unwrap()
        .claimed
        > 0
    {}
    let elapsed = started.elapsed();

    assert_eq!(
        smtp.wait_for(count, Duration::from_secs(5)).await.len(),
        count
    );
    println!(
        "outbox throughput: {count} mails in {:.2} s = {:.0} mails/s (one worker, pooled SMTP on loopback)",
        elapsed.as_secs_f64(),
        count as f64 / elapsed.as_secs_f64()
    );
}
