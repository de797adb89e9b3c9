//! Queued mail holds no working link: a copy of the database taken while mail waits (an SMTP
//! outage) opens nothing, and the link in the mail once delivered works.

use std::collections::BTreeSet;
use std::time::Duration;

use latch_core::entities::outbox_message;
use latch_domain::Role;
use sea_orm::{ConnectionTrait, DatabaseConnection, DbBackend, EntityTrait, Statement};

use crate::helpers::{TestApp, reset_link_in, spawn_app};

/// Every text value of every table, as a dump of the database would show them.
async fn every_text_value(db: &DatabaseConnection) -> Vec<String> {
    let backend = db.get_database_backend();
    let tables_sql = match backend {
        DbBackend::Sqlite => "SELECT name FROM sqlite_master WHERE type = 'table'",
        _ => {
            "SELECT table_name AS name FROM information_schema.tables WHERE table_schema = 'public'"
        }
    };
    let tables = db
        .query_all_raw(Statement::from_string(backend, tables_sql))
        .await
        .unwrap();
    let mut values = Vec::new();
    for table in tables {
        let name: String = table.try_get("", "name").unwrap();
        let rows = db
            .query_all_raw(Statement::from_string(
                backend,
                format!(r#"SELECT * FROM "{name}""#),
            ))
            .await
            .unwrap();
        for row in rows {
            for column in row.column_names() {
                // Columns of other types (times, numbers, booleans) do not read as text.
                if let Ok(Some(text)) = row.try_get::<Option<String>>("", &column) {
                    values.push(text);
                }
            }
        }
    }
    values
}

/// What an attacker holding `values` would try as a link's token: each whole value, each run
/// of the characters a token is made of, and every 43-character stretch of such a run.
fn token_candidates(values: &[String]) -> BTreeSet<String> {
    let mut candidates = BTreeSet::new();
    for value in values {
        candidates.insert(value.clone());
        let runs = value.split(|c: char| !(c.is_ascii_alphanumeric() || c == '-' || c == '_'));
        for run in runs.filter(|run| run.len() >= 16) {
            candidates.insert(run.to_owned());
            for start in 0..=run.len().saturating_sub(43) {
                if let Some(window) = run.get(start..start + 43) {
                    candidates.insert(window.to_owned());
                }
            }
        }
    }
    candidates
}

/// Tries `candidate` as a reset token through the real endpoints: opens the link, then sets a
/// password with it. True when a password was set.
async fn works_as_a_token(app: &TestApp, candidate: &str) -> bool {
    let query: String = url::form_urlencoded::byte_serialize(candidate.as_bytes()).collect();
    let opened = app.get(&format!("/reset-password?token={query}")).await;
    let Some(cookie) = opened.headers().get("set-cookie") else {
        return false;
    };
    let cookie = cookie
        .to_str()
        .unwrap()
        .split(';')
        .next()
        .unwrap()
        .to_owned();
    let set = app
        .set_password(&cookie, "stolen link password", "stolen link password")
        .await;
    set.status().is_success()
}

/// Waits until the worker has tried to send each of the `count` mails at least once.
async fn wait_until_every_mail_was_tried(db: &DatabaseConnection, count: usize) {
    for _ in 0..200 {
        let rows = outbox_message::Entity::find().all(db).await.unwrap();
        let tried = |row: &outbox_message::Model| {
            row.attempts >= 1 && row.status != "queued" && row.status != "sending"
        };
        if rows.len() == count && rows.iter().all(tried) {
            return;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    panic!("the worker never tried the queued mail");
}

#[tokio::test]
async fn a_database_dump_taken_while_smtp_is_down_yields_no_working_link() {
    // Arrange: an admin, a member, someone who forgot their password; SMTP goes down.
    let app = spawn_app().await;
    let admin = app.create_user_in("PT Maju Jaya", "adi", Role::Admin).await;
    let member = app.create_user("budi").await;
    let forgetful = app.create_user("citra").await;
    let admin_cookie = app.cookie_for(&admin).await;
    let member_id = app.user_row(&member.username).await.id.to_string();
    app.smtp.stop().await;

    // Forgot Password, an admin's Reset Password and an invitation queue three links.
    assert_eq!(app.request_reset(&forgetful.email).await.status(), 200);
    let reset = app
        .post_form(
            "/api/admin/reset_password",
            &[("user_id", &member_id), ("return_to", "/settings")],
            &[("cookie", &admin_cookie)],
        )
        .await;
    assert_eq!(reset.status(), 200);
    let invited = app
        .post_form(
            "/api/admin/invite",
            &[
                ("name", "Dewi Lestari"),
                ("username", "dewi"),
                ("email", "dewi@example.co.id"),
                ("role", "member"),
            ],
            &[("cookie", &admin_cookie)],
        )
        .await;
    assert_eq!(invited.status(), 200);
    wait_until_every_mail_was_tried(&app.db, 3).await;
    let rows = outbox_message::Entity::find().all(&app.db).await.unwrap();
    assert!(rows.iter().all(|row| row.status == "retrying"), "{rows:?}");

    // Act: whoever holds a copy of the database tries everything in it as a token.
    let candidates = token_candidates(&every_text_value(&app.db).await);
    assert!(
        candidates.len() > 20,
        "the dump is not empty: {candidates:?}"
    );
    for candidate in &candidates {
        assert!(
            !works_as_a_token(&app, candidate).await,
            "a value from the database works as a link's token: {candidate}"
        );
    }

    // Assert: SMTP comes back; the three mails go out, and each one's link works.
    app.smtp.restart().await;
    let mails = app.smtp.wait_for(3, Duration::from_secs(30)).await;
    assert_eq!(mails.len(), 3);
    for mail in &mails {
        let recipient = mail.to[0].as_str();
        let (username, password) = match recipient {
            to if to == forgetful.email => ("citra", "lantern orchard pebble"),
            to if to == member.email => ("budi", "violet harbour compass"),
            "dewi@example.co.id" => ("dewi", "marble kettle sunrise"),
            other => panic!("a mail to {other}"),
        };
        let cookie = app.open_link(&reset_link_in(&mail.data)).await;
        let set = app.set_password(&cookie, password, password).await;
        assert_eq!(set.status(), 200, "the delivered link to {recipient} works");
        assert_eq!(app.log_in(username, password).await.status(), 200);
    }
}

#[tokio::test]
async fn a_queued_mail_whose_link_died_meanwhile_is_not_sent_and_says_so() {
    let app = spawn_app().await;
    let forgetful = app.create_user("citra").await;
    app.smtp.stop().await;

    // Two requests while SMTP is down: the second link replaces the first.
    assert_eq!(app.request_reset(&forgetful.email).await.status(), 200);
    assert_eq!(app.request_reset(&forgetful.email).await.status(), 200);
    wait_until_every_mail_was_tried(&app.db, 2).await;
    app.smtp.restart().await;

    let mut statuses = BTreeSet::new();
    for _ in 0..300 {
        statuses = outbox_message::Entity::find()
            .all(&app.db)
            .await
            .unwrap()
            .into_iter()
            .map(|row| row.status)
            .collect();
        if statuses.contains("sent") && statuses.iter().all(|s| s == "sent" || s == "discarded") {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert_eq!(
        statuses,
        BTreeSet::from(["discarded".to_owned(), "sent".to_owned()]),
        "the replaced link's mail is not sent"
    );
    let mails = app.smtp.received();
    assert_eq!(mails.len(), 1, "one mail, with the working link");
    let cookie = app.open_link(&reset_link_in(&mails[0].data)).await;
    let set = app
        .set_password(&cookie, "a fresh passphrase", "a fresh passphrase")
        .await;
    assert_eq!(set.status(), 200, "the newer link, delivered, works");

    let output = std::process::Command::new(env!("CARGO_BIN_EXE_latch"))
        .args(["mail", "status"])
        .env(
            "LATCH_DATABASE_URL",
            secrecy::ExposeSecret::expose_secret(&app.settings.database_url),
        )
        .env("RUST_LOG", "warn")
        .output()
        .unwrap();
    let listed = String::from_utf8(output.stdout).unwrap();
    assert!(
        listed.contains("discarded") && listed.contains("replaced or expired"),
        "{listed}"
    );
}
