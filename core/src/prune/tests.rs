use latch_domain::{AuditKind, AuditOutcome, Role};
use sea_orm::{ActiveModelTrait, DatabaseConnection, PaginatorTrait, Set};
use uuid::Uuid;

use super::*;
use crate::audit::{self, AuditEvent};
use crate::secret_token::SecretToken;
use crate::sessions::{self, SessionLifetime};
use crate::testing;
use crate::throttle::{self, Limit, ThrottleKey};

async fn fresh_db_with_user(now: DateTime<Utc>) -> (DatabaseConnection, Uuid) {
    let db = testing::fresh_db().await;
    let user = testing::user_in(&db, "PT Maju", "ana", Role::Member, None, now).await;
    (db, user.id)
}

async fn link(db: &DatabaseConnection, user_id: Uuid, at: DateTime<Utc>, used: bool) {
    let token = SecretToken::generate().unwrap();
    reset_token::ActiveModel {
        id: Set(Uuid::new_v4()),
        user_id: Set(user_id),
        token_hash: Set(token.storage_key()),
        purpose: Set(crate::password_reset::LinkPurpose::ForgotPassword),
        created_by: Set(None),
        created_at: Set(at),
        expires_at: Set(at + Duration::minutes(30)),
        used_at: Set(used.then_some(at + Duration::minutes(1))),
        revoked_at: Set(None),
        new_email: Set(None),
    }
    .insert(db)
    .await
    .unwrap();
}

async fn event(db: &DatabaseConnection, at: DateTime<Utc>) {
    let event = AuditEvent {
        company_id: None,
        actor_user_id: None,
        target_user_id: None,
        kind: AuditKind::Login,
        outcome: AuditOutcome::Succeeded,
        client_ip: None,
        details: None,
    };
    audit::record(db, event, at).await.unwrap();
}

async fn passkey_challenge(db: &DatabaseConnection, user_id: Uuid, expires_at: DateTime<Utc>) {
    passkey_ceremony::ActiveModel {
        challenge: Set(Uuid::new_v4().as_u128().to_string()),
        user_id: Set(user_id),
        purpose: Set("sign_in".to_owned()),
        name: Set(None),
        state: Set(String::new()),
        expires_at: Set(expires_at),
    }
    .insert(db)
    .await
    .unwrap();
}

#[tokio::test]
async fn only_what_is_dead_by_the_given_clock_goes() {
    let now = Utc::now();
    let long_ago = now - Duration::days(500);
    let (db, ana) = fresh_db_with_user(long_ago).await;
    let lifetime = SessionLifetime::default();
    // An ended session and a live one.
    sessions::start(
        &db,
        ana,
        lifetime,
        Default::default(),
        now - Duration::days(1),
    )
    .await
    .unwrap();
    sessions::start(&db, ana, lifetime, Default::default(), now)
        .await
        .unwrap();
    // A link used a month ago, one expired a month ago, one still valid.
    link(&db, ana, now - Duration::days(30), true).await;
    link(&db, ana, now - Duration::days(30), false).await;
    link(&db, ana, now, false).await;
    // A finished counter, and a counter blocking right now.
    let quick = Limit {
        free_failures: 0,
        window: Duration::hours(1),
        first_block: Duration::hours(2),
        max_block: Duration::hours(2),
    };
    throttle::record_failure(
        &db,
        &ThrottleKey::login_identifier("old"),
        quick,
        now - Duration::days(2),
    )
    .await
    .unwrap();
    throttle::record_failure(&db, &ThrottleKey::login_identifier("new"), quick, now)
        .await
        .unwrap();
    // An unanswered passkey challenge, and one still waiting.
    passkey_challenge(&db, ana, now - Duration::minutes(1)).await;
    passkey_challenge(&db, ana, now + Duration::minutes(4)).await;
    // An audit event past its retention, and a recent one.
    event(&db, long_ago).await;
    event(&db, now - Duration::days(1)).await;

    let pruned = prune(&db, Retention::default(), now).await.unwrap();

    assert_eq!(
        pruned,
        Pruned {
            sessions: 1,
            rate_limits: 1,
            links: 2,
            pending_steps: 1,
            audit_events: 1,
        }
    );
    assert_eq!(
        passkey_ceremony::Entity::find().count(&db).await.unwrap(),
        1
    );
    assert_eq!(session::Entity::find().count(&db).await.unwrap(), 1);
    assert_eq!(reset_token::Entity::find().count(&db).await.unwrap(), 1);
    assert_eq!(rate_limit::Entity::find().count(&db).await.unwrap(), 1);
    assert_eq!(audit_event::Entity::find().count(&db).await.unwrap(), 1);

    let again = prune(&db, Retention::default(), now).await.unwrap();
    assert_eq!(
        again,
        Pruned::default(),
        "a second round (another instance) finds nothing"
    );
}

#[tokio::test]
async fn a_blocking_counter_stays_however_old_its_last_failure() {
    let now = Utc::now();
    let (db, _) = fresh_db_with_user(now).await;
    let long_block = Limit {
        free_failures: 0,
        window: Duration::hours(1),
        first_block: Duration::days(3),
        max_block: Duration::days(3),
    };
    let key = ThrottleKey::login_identifier("guesser");
    throttle::record_failure(&db, &key, long_block, now - Duration::days(2))
        .await
        .unwrap();

    let pruned = prune(&db, Retention::default(), now).await.unwrap();

    assert_eq!(pruned.rate_limits, 0);
    assert!(
        throttle::blocked_until(&db, &key, now)
            .await
            .unwrap()
            .is_some()
    );
}
