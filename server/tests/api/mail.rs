use std::time::Duration;

use latch_core::mail::{Mailer, Message};
use secrecy::ExposeSecret;

use crate::helpers::{TestDatabase, spawn_app};

fn message_to(recipient: &str) -> Message {
    Message::builder()
        .from("Latch Test <latch@example.test>".parse().unwrap())
        .to(recipient.parse().unwrap())
        .subject("Hello from Latch")
        .body("It works.".to_owned())
        .unwrap()
}

#[tokio::test]
async fn configured_smtp_server_receives_the_message() {
    let app = spawn_app().await;
    let mailer =
        Mailer::smtp(app.settings.mail.smtp_url.as_ref().unwrap().expose_secret()).unwrap();

    mailer.send(message_to("ana@example.com")).await.unwrap();

    let mails = app.smtp.wait_for(1, Duration::from_secs(5)).await;
    assert_eq!(mails.len(), 1);
    assert_eq!(mails[0].from, "latch@example.test");
    assert_eq!(mails[0].to, vec!["ana@example.com".to_owned()]);
    assert!(
        mails[0].data.contains("Subject: Hello from Latch"),
        "{}",
        mails[0].data
    );
}

#[tokio::test]
async fn unreachable_smtp_server_is_a_temporary_failure() {
    // Port 9 (discard) on loopback: nothing listens there in a test environment.
    let mailer = Mailer::smtp("smtp://127.0.0.1:9").unwrap();

    let result = mailer.send(message_to("ana@example.com")).await;

    assert!(
        matches!(result, Err(latch_core::mail::MailError::Temporary(_))),
        "{result:?}"
    );
}

#[tokio::test]
async fn dev_mailbox_writes_each_message_as_an_eml_file() {
    let database = TestDatabase::create().await;
    let dir = database.scratch_dir().join("mailbox");
    let mailer = Mailer::dev_mailbox(&dir).unwrap();

    mailer.send(message_to("ana@example.com")).await.unwrap();

    let files: Vec<_> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    assert_eq!(files.len(), 1, "{files:?}");
    assert_eq!(files[0].extension().unwrap(), "eml");
    let content = std::fs::read_to_string(&files[0]).unwrap();
    assert!(content.contains("Subject: Hello from Latch"), "{content}");
}
