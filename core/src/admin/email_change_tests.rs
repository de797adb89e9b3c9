//! Email changes and password confirmations by the clock they are given.

use chrono::{DateTime, Duration, Utc};
use latch_domain::{Email, LinkState, Role};
use sea_orm::{DatabaseConnection, EntityTrait};

use super::*;
use crate::entities::outbox_message;
use crate::secret_token::SecretToken;
use crate::testing;
use crate::webhooks::Webhooks;

/// An admin of PT Maju whose session confirmed the password at `confirmed_at`.
async fn admin_confirmed_at(
    db: &DatabaseConnection,
    user: &user::Model,
    confirmed_at: Option<DateTime<Utc>>,
) -> Admin {
    let session = SessionUser {
        reauthenticated_at: confirmed_at,
        ..testing::session_of(db, user).await
    };
    Admin::from_session(&session).unwrap()
}

/// The token of the newest mail with a link.
/// The token of the last queued mail's link, minted as the outbox would when sending it at
/// `at`.
async fn last_link_token(db: &DatabaseConnection, at: DateTime<Utc>) -> SecretToken {
    let mails = outbox_message::Entity::find().all(db).await.unwrap();
    let template: crate::outbox::MailTemplate = mails
        .iter()
        .rev()
        .filter_map(|mail| {
            let payload: serde_json::Value = serde_json::from_str(&mail.payload).ok()?;
            serde_json::from_value::<crate::outbox::MailTemplate>(payload["template"].clone()).ok()
        })
        .find(|template| template.link_id().is_some())
        .expect("a mail with a link");
    let public_url = url::Url::parse("https://latch.example").unwrap();
    let link = crate::outbox::mint_link(db, template.link_id().unwrap(), &public_url, at)
        .await
        .unwrap()
        .expect("a live link");
    let token = link.split("token=").nth(1).unwrap();
    SecretToken::from_presented(token).unwrap()
}

#[tokio::test]
async fn a_password_confirmation_lasts_five_minutes_by_the_clock_it_is_given() {
    let (db, t0) = (testing::fresh_db().await, Utc::now());
    let policy = AdminPolicy::default();
    let user = testing::user_in(&db, "PT Maju", "ana", Role::Admin, None, t0).await;
    let confirmed = admin_confirmed_at(&db, &user, Some(t0)).await;
    assert!(confirmed.recently_reauthenticated(&policy, t0));
    assert!(confirmed.recently_reauthenticated(&policy, t0 + Duration::seconds(299)));
    assert!(!confirmed.recently_reauthenticated(&policy, t0 + Duration::minutes(5)));
    assert!(
        !confirmed.recently_reauthenticated(&policy, t0 - Duration::seconds(1)),
        "a confirmation from the future is none"
    );
    let unconfirmed = admin_confirmed_at(&db, &user, None).await;
    assert!(!unconfirmed.recently_reauthenticated(&policy, t0));
}

#[tokio::test]
async fn an_email_change_link_works_once_within_a_day_and_is_no_reset_link() {
    let (db, t0) = (testing::fresh_db().await, Utc::now());
    let policy = AdminPolicy::default();
    let ana = testing::user_in(&db, "PT Maju", "ana", Role::Admin, None, t0).await;
    let budi = testing::user_in(&db, "PT Maju", "budi", Role::Member, None, t0).await;
    let ana = admin_confirmed_at(&db, &ana, Some(t0)).await;
    let target = ana.find_user(&db, &budi.id.to_string()).await.unwrap();
    let request = |address: &'static str, at| {
        let new_email = Email::parse(address).unwrap();
        let (ana, target, db, policy) = (&ana, &target, &db, &policy);
        async move {
            let change = EmailChange {
                policy,
                actor: Actor::Admin(ana),
                target,
                new_email: &new_email,
                client_ip: None,
                webhooks: &Webhooks::off(),
            };
            change_email(db, change, at).await
        }
    };

    request("budi.late@example.com", t0).await.unwrap();
    let late = last_link_token(&db, t0).await;
    assert_eq!(
        pending_email(&db, budi.id, t0).await.unwrap().as_deref(),
        Some("budi.late@example.com")
    );
    assert!(
        crate::password_reset::link_owner(&db, &late, t0)
            .await
            .unwrap()
            .is_none(),
        "an email-change link sets no password"
    );
    let a_day_later = t0 + Duration::hours(24);
    let expired = confirm_email_change(&db, &Webhooks::off(), Some(&late), None, a_day_later).await;
    assert!(
        matches!(expired, Err(ConfirmError::LinkUnusable(LinkState::Expired))),
        "{expired:?}"
    );
    assert_eq!(
        pending_email(&db, budi.id, a_day_later).await.unwrap(),
        None
    );

    let t1 = t0 + Duration::minutes(1);
    request("budi.new@example.com", t1).await.unwrap();
    let token = last_link_token(&db, t1).await;
    let (state, _) = email_change_status(&db, Some(&token), t1).await.unwrap();
    assert_eq!(state, LinkState::Valid);
    let confirmed = confirm_email_change(
        &db,
        &Webhooks::off(),
        Some(&token),
        None,
        t1 + Duration::hours(1),
    )
    .await;
    assert_eq!(confirmed.unwrap(), "budi.new@example.com");
    let again = confirm_email_change(
        &db,
        &Webhooks::off(),
        Some(&token),
        None,
        t1 + Duration::hours(1),
    )
    .await;
    assert!(
        matches!(again, Err(ConfirmError::LinkUnusable(LinkState::Used))),
        "{again:?}"
    );
    let stored = user::Entity::find_by_id(budi.id).one(&db).await.unwrap();
    assert_eq!(stored.unwrap().email, "budi.new@example.com");
}
