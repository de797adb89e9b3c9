use chrono::{TimeZone, Utc};
use latch_domain::Role;
use sea_orm::{EntityTrait, PaginatorTrait};

use super::*;
use crate::entities::outbox_message;
use crate::testing;

fn secret() -> WebhookSecret {
    WebhookSecret::parse("a webhook secret of at least 32 chars").unwrap()
}

#[test]
fn the_signature_is_the_hmac_of_the_time_a_dot_and_the_body() {
    let at = Utc.timestamp_opt(1_700_000_000, 0).unwrap();
    // `printf '%s' '1700000000.{"id":"x"}' | openssl dgst -sha256 -hmac '<secret>'`
    assert_eq!(
        sign(&secret(), at, br#"{"id":"x"}"#),
        "t=1700000000,v1=80ef7da9e551686165b8ccd15e60bc1565839d9c61d3ca500bbdedc1ade8866d"
    );
}

#[test]
fn a_short_secret_is_refused_and_a_secret_never_prints() {
    assert_eq!(
        WebhookSecret::parse("  only thirty-one characters...  ").unwrap_err(),
        SecretTooShort
    );
    assert!(!format!("{:?}", secret()).contains("webhook secret"));
}

async fn ana() -> (sea_orm::DatabaseConnection, crate::entities::user::Model) {
    let db = testing::fresh_db().await;
    let ana = testing::user_in(&db, "PT Maju", "ana", Role::Member, None, Utc::now()).await;
    (db, ana)
}

async fn queued_bodies(db: &sea_orm::DatabaseConnection) -> Vec<serde_json::Value> {
    outbox_message::Entity::find()
        .all(db)
        .await
        .unwrap()
        .into_iter()
        .filter(|row| row.channel == "webhook")
        .map(|row| serde_json::from_str(&row.payload).unwrap())
        .collect()
}

#[tokio::test]
async fn nothing_is_queued_while_webhooks_are_off() {
    let (db, ana) = ana().await;
    let queued = Webhooks::off()
        .publish(&db, Event::UserDeactivated(&ana), Utc::now())
        .await
        .unwrap();
    assert_eq!(queued, None);
    assert_eq!(outbox_message::Entity::find().count(&db).await.unwrap(), 0);
}

#[tokio::test]
async fn an_event_body_names_the_user_its_type_and_its_own_id() {
    let (db, ana) = ana().await;
    let webhooks = Webhooks::on(ServerKey::generate().unwrap());
    let id = webhooks
        .publish(&db, Event::UserCreated(&ana), Utc::now())
        .await
        .unwrap()
        .unwrap();

    let body = &queued_bodies(&db).await[0];
    assert_eq!(body["id"], id.to_string());
    assert_eq!(body["type"], "user.created");
    assert!(
        body["created_at"].as_str().unwrap().ends_with('Z'),
        "{body}"
    );
    let data = &body["data"];
    assert_eq!(data["user_id"], ana.id.to_string());
    assert_eq!(data["username"], "ana");
    assert_eq!(data["email"], "ana@example.com");
    assert_eq!(data["name"], "ana");
    assert_eq!(data["company_id"], ana.company_id.to_string());
    assert_eq!(data["role"], "member");
}

#[tokio::test]
async fn an_update_says_what_changed_and_an_update_of_nothing_visible_is_no_event() {
    let (db, before) = ana().await;
    let webhooks = Webhooks::on(ServerKey::generate().unwrap());
    let after = crate::entities::user::Model {
        role: Role::Admin,
        email: "ana.new@example.com".to_owned(),
        locale: Some("id".to_owned()),
        ..before.clone()
    };
    let only_language = crate::entities::user::Model {
        locale: Some("id".to_owned()),
        ..before.clone()
    };

    let updated = Event::UserUpdated {
        before: &before,
        after: &after,
    };
    webhooks.publish(&db, updated, Utc::now()).await.unwrap();
    let unseen = Event::UserUpdated {
        before: &before,
        after: &only_language,
    };
    let none = webhooks.publish(&db, unseen, Utc::now()).await.unwrap();

    assert_eq!(none, None);
    let bodies = queued_bodies(&db).await;
    assert_eq!(bodies.len(), 1);
    let data = &bodies[0]["data"];
    assert_eq!(data["changed"], serde_json::json!(["email", "role"]));
    assert_eq!(data["previous"]["email"], "ana@example.com");
    assert_eq!(data["previous"]["role"], "member");
    assert_eq!(data["email"], "ana.new@example.com");
}

#[tokio::test]
async fn an_ended_session_is_named_by_its_sid_never_by_its_token_or_storage_key() {
    let (db, ana) = ana().await;
    let key = ServerKey::generate().unwrap();
    let token = crate::sessions::start(
        &db,
        ana.id,
        Default::default(),
        Default::default(),
        Utc::now(),
    )
    .await
    .unwrap();
    let storage_key = token.storage_key();
    let ended = Event::SessionEnded {
        user: &ana,
        session_key: &storage_key,
        reason: SessionEndReason::Logout,
    };

    Webhooks::on(key.clone())
        .publish(&db, ended, Utc::now())
        .await
        .unwrap();

    let row = outbox_message::Entity::find()
        .one(&db)
        .await
        .unwrap()
        .unwrap();
    let body: serde_json::Value = serde_json::from_str(&row.payload).unwrap();
    assert_eq!(body["type"], "session.ended");
    assert_eq!(body["data"]["reason"], "logout");
    assert_eq!(
        body["data"]["sid"],
        crate::identity_token::session_claim(&key, &storage_key)
    );
    assert!(!row.payload.contains(&storage_key), "{}", row.payload);
    assert!(!row.payload.contains(token.expose()), "{}", row.payload);
}

#[tokio::test]
async fn an_event_about_a_user_is_no_email_in_the_admins_list() {
    let (db, ana) = ana().await;
    let t0 = Utc::now();
    let mail = crate::outbox::NewMail::for_user(
        &ana,
        crate::outbox::MailTemplate::PasswordChanged {
            username: ana.username.clone(),
        },
    );
    crate::outbox::enqueue(&db, mail, t0).await.unwrap();
    let later = t0 + chrono::Duration::minutes(1);
    Webhooks::on(ServerKey::generate().unwrap())
        .publish(&db, Event::PasswordChanged(&ana), later)
        .await
        .unwrap();

    let target = crate::admin::Actor::Operator
        .find(&db, ana.id)
        .await
        .unwrap();
    let row = crate::admin::user_row(&db, &target).await.unwrap();
    let last_mail = row.last_mail.expect("the mail is listed");
    assert_eq!(last_mail.template, "password_changed");
    assert_eq!(last_mail.queued_at, t0);
}
