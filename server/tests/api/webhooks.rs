//! Webhooks: every change to a user reaches a real receiver on loopback as a signed POST,
//! through the outbox, also after the receiver was down; nothing is recorded without a URL.

use std::time::Duration;

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use chrono::{DateTime, Utc};
use hmac::{Hmac, Mac};
use latch_core::entities::outbox_message;
use latch_core::mail::Mailer;
use latch_core::outbox::{self, OutboxPolicy, Sender};
use latch_core::secret_token::SecretToken;
use latch_core::server_key::ServerKey;
use latch_core::webhooks::{Endpoint, Event, WebhookSecret, Webhooks};
use latch_server::cli::UserAdd;
use latch_server::commands;
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
use serde_json::Value;
use sha2::Sha256;

use crate::admin::two_companies;
use crate::helpers::{
    Delivery, TEST_SERVER_KEY, TestApp, TestDatabase, WebhookReceiver, create_user, reset_link_in,
    spawn_app, spawn_app_with,
};

const SECRET: &str = "the CRM's webhook secret, 32 characters or more";

async fn app_posting_to(receiver: &WebhookReceiver) -> TestApp {
    spawn_app_with(&[
        ("LATCH_WEBHOOK_URL", &receiver.url()),
        ("LATCH_WEBHOOK_SECRET", SECRET),
    ])
    .await
}

/// The event `delivery` carries, once its signature is checked as a receiver would, with an
/// HMAC computed here (not Latch's code): over `"<t>.<body>"`, `t` within 5 minutes of `at`.
fn verified(delivery: &Delivery, at: DateTime<Utc>) -> Value {
    assert_eq!(delivery.header("content-type"), "application/json");
    let signature = delivery.header("latch-signature");
    let (t, v1) = signature
        .split_once(',')
        .and_then(|(t, v1)| Some((t.strip_prefix("t=")?, v1.strip_prefix("v1=")?)))
        .unwrap_or_else(|| panic!("not t=…,v1=…: {signature}"));
    let t: i64 = t.parse().unwrap();
    assert!((at.timestamp() - t).abs() <= 300, "signed at {t}, now {at}");
    let mut mac = Hmac::<Sha256>::new_from_slice(SECRET.as_bytes()).unwrap();
    mac.update(format!("{t}.{}", delivery.body).as_bytes());
    let expected: String = mac
        .finalize()
        .into_bytes()
        .iter()
        .map(|byte| format!("{byte:02x}"))
        .collect();
    assert_eq!(v1, expected, "the signature does not verify");

    let event: Value = serde_json::from_str(&delivery.body).unwrap();
    assert_eq!(
        delivery.header("latch-event-id"),
        event["id"].as_str().unwrap()
    );
    assert_eq!(
        delivery.header("latch-event-type"),
        event["type"].as_str().unwrap()
    );
    assert!(
        DateTime::parse_from_rfc3339(event["created_at"].as_str().unwrap()).is_ok(),
        "{event}"
    );
    event
}

/// Waits until the receiver has accepted events of every type in `types` (as many of each
/// as listed), and returns all events it accepted, verified.
async fn wait_for_events(receiver: &WebhookReceiver, types: &[&str]) -> Vec<Value> {
    let deadline = tokio::time::Instant::now() + Duration::from_secs(20);
    loop {
        let events: Vec<Value> = receiver
            .wait_for_accepted(types.len())
            .await
            .iter()
            .map(|delivery| verified(delivery, Utc::now()))
            .collect();
        let all_there = types.iter().all(|kind| {
            let wanted = types.iter().filter(|t| *t == kind).count();
            events.iter().filter(|e| e["type"] == *kind).count() >= wanted
        });
        if all_there {
            return events;
        }
        assert!(
            tokio::time::Instant::now() < deadline,
            "waited for {types:?}, got {events:#?}"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

fn of_type<'a>(events: &'a [Value], kind: &str) -> Vec<&'a Value> {
    events
        .iter()
        .filter(|event| event["type"] == kind)
        .collect()
}

async fn webhook_rows(app: &TestApp) -> Vec<outbox_message::Model> {
    outbox_message::Entity::find()
        .filter(outbox_message::Column::Channel.eq("webhook"))
        .all(&app.db)
        .await
        .unwrap()
}

fn active_form<'a>(user_id: &'a str, active: &'a str) -> [(&'a str, &'a str); 3] {
    [
        ("user_id", user_id),
        ("active", active),
        ("return_to", "/settings"),
    ]
}

#[tokio::test]
async fn an_admins_invitation_role_change_and_deactivation_each_reach_the_crm_signed() {
    let receiver = WebhookReceiver::start().await;
    let app = app_posting_to(&receiver).await;
    let (admin, member, _) = two_companies(&app).await;
    let cookie = app.reauthenticated_cookie(&admin).await;
    let member_id = app.user_id(&member.username).await;
    let _member_signed_in = app.cookie_for(&member).await;

    let invite = [
        ("name", "Dewi Lestari"),
        ("username", "dewi"),
        ("email", "dewi@example.co.id"),
        ("role", "member"),
    ];
    assert_eq!(
        app.admin_post(&cookie, "invite", &invite).await.status(),
        200
    );
    let promote = [
        ("user_id", member_id.as_str()),
        ("admin", "true"),
        ("return_to", "/settings"),
    ];
    assert_eq!(
        app.admin_post(&cookie, "set_role", &promote).await.status(),
        200
    );
    let off = active_form(&member_id, "false");
    assert_eq!(
        app.admin_post(&cookie, "set_active", &off).await.status(),
        200
    );
    let on = active_form(&member_id, "true");
    assert_eq!(
        app.admin_post(&cookie, "set_active", &on).await.status(),
        200
    );

    let events = wait_for_events(
        &receiver,
        &[
            "user.created",
            "user.updated",
            "user.deactivated",
            "session.ended",
            "user.reactivated",
        ],
    )
    .await;
    let created = &of_type(&events, "user.created")[0]["data"];
    assert_eq!(created["username"], "dewi");
    assert_eq!(created["email"], "dewi@example.co.id");
    assert_eq!(created["name"], "Dewi Lestari");
    assert_eq!(created["role"], "member");
    let member_row = app.user_row(&member.username).await;
    assert_eq!(created["company_id"], member_row.company_id.to_string());
    let updated = &of_type(&events, "user.updated")[0]["data"];
    assert_eq!(updated["user_id"], member_id);
    assert_eq!(updated["role"], "admin");
    assert_eq!(updated["changed"], serde_json::json!(["role"]));
    assert_eq!(updated["previous"]["role"], "member");
    let deactivated = &of_type(&events, "user.deactivated")[0]["data"];
    assert_eq!(deactivated["user_id"], member_id);
    assert_eq!(deactivated["active"], false);
    let ended = &of_type(&events, "session.ended")[0]["data"];
    assert_eq!(ended["user_id"], member_id);
    assert_eq!(ended["reason"], "deactivated");
    assert_eq!(
        of_type(&events, "user.reactivated")[0]["data"]["active"],
        true
    );
    let ids: std::collections::HashSet<_> = events.iter().map(|e| e["id"].clone()).collect();
    assert_eq!(ids.len(), events.len(), "every event has its own id");
}

#[tokio::test]
async fn logging_out_tells_the_crm_which_session_ended_by_its_sid_never_its_token() {
    let receiver = WebhookReceiver::start().await;
    let app = app_posting_to(&receiver).await;
    let ana = app.create_user("ana").await;
    let cookie = app.cookie_for(&ana).await;
    let verify = app.get_with_cookie("/auth/verify", Some(&cookie)).await;
    let token = verify.headers()["x-latch-token"].to_str().unwrap();
    let claims = token.split('.').nth(1).unwrap();
    let claims: Value = serde_json::from_slice(&URL_SAFE_NO_PAD.decode(claims).unwrap()).unwrap();

    let logout = app
        .post_form("/api/logout", &[], &[("cookie", &cookie)])
        .await;
    assert!(logout.status().is_success() || logout.status().is_redirection());

    let events = wait_for_events(&receiver, &["session.ended"]).await;
    let ended = &of_type(&events, "session.ended")[0]["data"];
    assert_eq!(ended["reason"], "logout");
    assert_eq!(ended["username"], "ana");
    assert_eq!(
        ended["sid"], claims["sid"],
        "the sid of the session's identity tokens"
    );
    let token = cookie.split_once('=').unwrap().1;
    let storage_key = SecretToken::from_presented(token).unwrap().storage_key();
    let server_key = ServerKey::from_text(TEST_SERVER_KEY, &[]).unwrap();
    assert_eq!(
        ended["sid"],
        latch_core::identity_token::session_claim(&server_key, &storage_key),
        "the same sid as the identity token's"
    );
    for delivery in receiver.received() {
        assert!(!delivery.body.contains(token), "the session token leaked");
        assert!(
            !delivery.body.contains(&storage_key),
            "the session key leaked"
        );
    }
}

#[tokio::test]
async fn a_completed_reset_and_a_password_change_each_tell_the_crm_and_end_sessions() {
    let receiver = WebhookReceiver::start().await;
    let app = app_posting_to(&receiver).await;
    let ana = app.create_user("ana").await;
    let _elsewhere = app.cookie_for(&ana).await;

    app.request_reset(&ana.email).await;
    let mails = app.smtp.wait_for(1, Duration::from_secs(10)).await;
    let reset_cookie = app.open_link(&reset_link_in(&mails[0].data)).await;
    let new_password = "plum tractor whistle cobalt";
    let reset = app
        .set_password(&reset_cookie, new_password, new_password)
        .await;
    assert!(reset.status().is_success(), "{:?}", reset.text().await);
    let events = wait_for_events(&receiver, &["user.password_changed", "session.ended"]).await;
    assert_eq!(
        of_type(&events, "session.ended")[0]["data"]["reason"],
        "password_reset"
    );

    let laptop =
        crate::helpers::session_cookie(&app.log_in(&ana.username, new_password).await).unwrap();
    let _phone =
        crate::helpers::session_cookie(&app.log_in(&ana.username, new_password).await).unwrap();
    let form = [
        ("existing", new_password),
        ("password", "cobalt river lantern dusk"),
        ("confirm", "cobalt river lantern dusk"),
        ("sign_out_others", "on"),
    ];
    let changed = app
        .post_form("/api/change_password", &form, &[("cookie", &laptop)])
        .await;
    assert!(changed.status().is_success(), "{:?}", changed.text().await);

    let events = wait_for_events(
        &receiver,
        &[
            "user.password_changed",
            "user.password_changed",
            "session.ended",
            "session.ended",
            "session.ended",
        ],
    )
    .await;
    let by_change: Vec<_> = of_type(&events, "session.ended")
        .into_iter()
        .filter(|event| event["data"]["reason"] == "password_changed")
        .collect();
    // The phone, signed out; and the laptop's old session id (it goes on under a new one).
    assert_eq!(by_change.len(), 2, "{events:#?}");
}

#[tokio::test]
async fn the_operators_changes_at_the_command_line_reach_the_crm_too() {
    let receiver = WebhookReceiver::start().await;
    let app = app_posting_to(&receiver).await;
    let ana = app.create_user("ana").await;
    let _signed_in = app.cookie_for(&ana).await;

    let add = UserAdd {
        company: "PT Maju Jaya".to_owned(),
        email: "eko@example.co.id".to_owned(),
        name: "Eko Prasetyo".to_owned(),
        username: "eko".to_owned(),
        admin: false,
        password_stdin: true,
    };
    let password = "violet harbor thunder moss\n".as_bytes();
    commands::add_user(&app.settings, &add, password)
        .await
        .unwrap();
    commands::change_email(&app.settings, "ana", "ana.baru@example.co.id")
        .await
        .unwrap();
    commands::set_user_active(&app.settings, "ana", false)
        .await
        .unwrap();

    let events = wait_for_events(
        &receiver,
        &[
            "user.created",
            "user.updated",
            "session.ended",
            "user.deactivated",
        ],
    )
    .await;
    assert_eq!(
        of_type(&events, "user.created")[0]["data"]["username"],
        "eko"
    );
    let updated = &of_type(&events, "user.updated")[0]["data"];
    assert_eq!(updated["email"], "ana.baru@example.co.id");
    assert_eq!(updated["changed"], serde_json::json!(["email"]));
    assert_eq!(updated["previous"]["email"], ana.email);
    assert_eq!(
        of_type(&events, "session.ended")[0]["data"]["reason"],
        "email_changed"
    );
}

#[tokio::test]
async fn without_a_webhook_url_nothing_is_recorded() {
    let app = spawn_app().await;
    let (admin, member, _) = two_companies(&app).await;
    let cookie = app.cookie_for(&admin).await;
    let member_cookie = app.cookie_for(&member).await;
    app.post_form("/api/logout", &[], &[("cookie", &member_cookie)])
        .await;
    let member_id = app.user_id(&member.username).await;
    let off = active_form(&member_id, "false");
    assert_eq!(
        app.admin_post(&cookie, "set_active", &off).await.status(),
        200
    );
    commands::change_email(&app.settings, &member.username, "budi.baru@example.co.id")
        .await
        .unwrap();

    assert!(webhook_rows(&app).await.is_empty());
    assert!(
        !app.mails_to("email_changed").await.is_empty(),
        "the changes themselves happened"
    );
}

/// A migrated database with one user, a receiver, and what the outbox worker posts with.
async fn outbox_posting() -> (
    TestDatabase,
    sea_orm::DatabaseConnection,
    WebhookReceiver,
    Sender,
    latch_core::entities::user::Model,
) {
    let database = TestDatabase::create().await;
    let db = crate::helpers::connect_migrated(database.url()).await;
    let receiver = WebhookReceiver::start().await;
    let sender = Sender {
        // No mail is queued here.
        mailer: Mailer::smtp("smtp://127.0.0.1:9").unwrap(),
        from: "Latch Test <latch@example.test>".parse().unwrap(),
        message_id_domain: "latch.example.test".to_owned(),
        public_url: crate::helpers::PUBLIC_URL.parse().unwrap(),
        webhooks: Some(
            Endpoint::new(
                receiver.url().parse().unwrap(),
                WebhookSecret::parse(SECRET).unwrap(),
            )
            .unwrap(),
        ),
    };
    create_user(&db, "ana").await;
    let ana = latch_core::entities::user::Entity::find()
        .one(&db)
        .await
        .unwrap()
        .unwrap();
    (database, db, receiver, sender, ana)
}

#[tokio::test]
async fn an_event_the_receiver_refused_or_missed_arrives_once_it_is_back_with_the_same_id() {
    let (_database, db, receiver, sender, ana) = outbox_posting().await;
    let (policy, t0) = (OutboxPolicy::default(), Utc::now());
    let webhooks = Webhooks::on(ServerKey::from_text(TEST_SERVER_KEY, &[]).unwrap());
    let id = webhooks
        .publish(&db, Event::UserDeactivated(&ana), t0)
        .await
        .unwrap()
        .unwrap();
    let row = || {
        let db = &db;
        async move {
            let found = outbox_message::Entity::find_by_id(id).one(db).await;
            found.unwrap().unwrap()
        }
    };
    let attempt_at = |hours: i64| {
        let at = t0 + chrono::Duration::hours(hours);
        let (db, sender, policy) = (&db, &sender, &policy);
        async move {
            (
                at,
                outbox::deliver_due(db, sender, policy, at).await.unwrap(),
            )
        }
    };

    // Down (503), misconfigured (400: retried too, it may be fixed), redirecting elsewhere
    // (never followed), then not listening at all.
    receiver.answer(503);
    let (_, report) = attempt_at(0).await;
    assert_eq!(report.retrying, 1);
    assert!(row().await.last_error.unwrap().contains("503"));
    receiver.answer(400);
    assert_eq!(attempt_at(1).await.1.retrying, 1);
    receiver.answer(307);
    assert_eq!(attempt_at(2).await.1.retrying, 1);
    assert!(row().await.last_error.unwrap().contains("not followed"));
    receiver.stop().await;
    assert_eq!(attempt_at(3).await.1.retrying, 1);
    let down = row().await;
    assert_eq!(down.status, "retrying");
    assert!(down.last_error.unwrap().contains("could not reach"));

    receiver.restart().await;
    receiver.answer(200);
    let (back_at, report) = attempt_at(4).await;
    assert_eq!(report.sent, 1);
    assert_eq!(row().await.status, "sent");
    assert_eq!(
        attempt_at(5).await.1.claimed,
        0,
        "delivered, so never again"
    );

    let received = receiver.received();
    let answers: Vec<u16> = received.iter().map(|d| d.answered).collect();
    assert_eq!(answers, [503, 400, 307, 200]);
    for delivery in &received {
        assert_eq!(delivery.header("latch-event-id"), id.to_string());
        assert_eq!(delivery.body, received[0].body, "the same event every time");
    }
    // Signed afresh at each attempt: the last one verifies at the time it was sent.
    let event = verified(received.last().unwrap(), back_at);
    assert_eq!(event["id"], id.to_string());
    assert_eq!(event["type"], "user.deactivated");
    assert_eq!(event["data"]["username"], "ana");
}

#[tokio::test]
async fn webhook_deliveries_show_in_mail_status_and_metrics() {
    let receiver = WebhookReceiver::start().await;
    receiver.answer(503);
    let app = app_posting_to(&receiver).await;
    let ana = app.create_user("ana").await;
    let cookie = app.cookie_for(&ana).await;
    app.post_form("/api/logout", &[], &[("cookie", &cookie)])
        .await;

    let deadline = tokio::time::Instant::now() + Duration::from_secs(15);
    while !webhook_rows(&app)
        .await
        .iter()
        .any(|row| row.status == "retrying")
    {
        assert!(tokio::time::Instant::now() < deadline, "never tried");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }

    let status = commands::mail_status(&app.settings, false).await.unwrap();
    let line = status
        .lines()
        .find(|line| line.contains("session.ended"))
        .unwrap_or_else(|| panic!("{status}"));
    assert!(
        line.contains("webhook") && line.contains("retrying"),
        "{line}"
    );
    assert!(line.contains("503"), "{line}");
    let metrics = app.get("/metrics").await.text().await.unwrap();
    assert!(
        metrics
            .lines()
            .any(|l| l == r#"latch_webhook_events{status="retrying"} 1"#),
        "{metrics}"
    );
}

#[tokio::test]
async fn an_event_still_refused_after_a_day_fails_with_the_last_answer() {
    let (_database, db, receiver, sender, ana) = outbox_posting().await;
    let (policy, t0) = (OutboxPolicy::default(), Utc::now());
    let webhooks = Webhooks::on(ServerKey::from_text(TEST_SERVER_KEY, &[]).unwrap());
    let deactivated = Event::UserDeactivated(&ana);
    let id = webhooks
        .publish(&db, deactivated, t0)
        .await
        .unwrap()
        .unwrap();
    receiver.answer(500);

    let first = outbox::deliver_due(&db, &sender, &policy, t0)
        .await
        .unwrap();
    let a_day_later = t0 + policy.give_up_after;
    let last = outbox::deliver_due(&db, &sender, &policy, a_day_later)
        .await
        .unwrap();

    assert_eq!((first.retrying, last.failed), (1, 1));
    let row = outbox_message::Entity::find_by_id(id)
        .one(&db)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(row.status, "failed");
    let reason = row.last_error.unwrap();
    assert!(
        reason.contains("still failing after 24 hours") && reason.contains("500"),
        "{reason}"
    );
}

#[tokio::test]
async fn signing_out_other_devices_tells_the_crm_which_sessions_ended() {
    let receiver = WebhookReceiver::start().await;
    let app = app_posting_to(&receiver).await;
    let ana = app.create_user("ana").await;
    let here = app.cookie_for(&ana).await;
    let elsewhere = app.cookie_for(&ana).await;
    let verify = app.get_with_cookie("/auth/verify", Some(&elsewhere)).await;
    let token = verify.headers()["x-latch-token"].to_str().unwrap();
    let claims = token.split('.').nth(1).unwrap();
    let claims: Value = serde_json::from_slice(&URL_SAFE_NO_PAD.decode(claims).unwrap()).unwrap();

    let signed_out = app
        .post_form("/api/devices/sign_out_others", &[], &[("cookie", &here)])
        .await;
    assert!(signed_out.status().is_success() || signed_out.status().is_redirection());

    let events = wait_for_events(&receiver, &["session.ended"]).await;
    let ended = of_type(&events, "session.ended");
    assert_eq!(ended.len(), 1, "{ended:?}");
    assert_eq!(ended[0]["data"]["reason"], "signed_out_by_user");
    assert_eq!(ended[0]["data"]["sid"], claims["sid"]);
}
