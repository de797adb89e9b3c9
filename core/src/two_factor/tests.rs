use chrono::{DateTime, Duration, Utc};
use latch_domain::Role;

use super::*;
use crate::server_key::ServerKey;
use crate::testing::{fresh_db, user_in};

fn t0() -> DateTime<Utc> {
    DateTime::from_timestamp(1_800_000_000, 0).unwrap()
}

#[tokio::test]
async fn an_app_code_is_accepted_once_even_within_its_window() {
    let db = fresh_db().await;
    let key = ServerKey::generate().unwrap();
    let ana = user_in(&db, "Acme", "ana", Role::Member, None, t0()).await;
    totp::begin(&db, &key, &ana, t0()).await.unwrap();
    let row = totp::pending_row(&db, ana.id).await.unwrap().unwrap();
    let code = totp::seed_of(&key, &row).code_at(t0());

    assert!(totp::accept(&db, &key, &row, &code, t0()).await.unwrap());
    let row = totp::pending_row(&db, ana.id).await.unwrap().unwrap();
    // The same code 10 s later, still in its step: refused.
    let later = t0() + Duration::seconds(10);
    assert!(!totp::accept(&db, &key, &row, &code, later).await.unwrap());
    // An older step's code (still within the ±1 drift): refused too.
    let earlier = totp::seed_of(&key, &row).code_at(t0() - Duration::seconds(30));
    assert!(
        !totp::accept(&db, &key, &row, &earlier, later)
            .await
            .unwrap()
    );
    // The next step's code: accepted.
    let next = t0() + Duration::seconds(30);
    let next_code = totp::seed_of(&key, &row).code_at(next);
    assert!(
        totp::accept(&db, &key, &row, &next_code, next)
            .await
            .unwrap()
    );
}

#[tokio::test]
async fn the_seed_is_stored_sealed_and_another_server_key_cannot_open_it() {
    let db = fresh_db().await;
    let key = ServerKey::generate().unwrap();
    let ana = user_in(&db, "Acme", "ana", Role::Member, None, t0()).await;
    totp::begin(&db, &key, &ana, t0()).await.unwrap();
    let row = totp::pending_row(&db, ana.id).await.unwrap().unwrap();
    let shown = totp::enrolment(&key, &row, "Latch", "ana").unwrap();
    let compact: String = shown.secret_text.split_whitespace().collect();
    assert!(!row.sealed_secret.contains(&compact));
    assert!(shown.otpauth_url.starts_with("otpauth://totp/"));
    assert!(shown.qr_svg.contains("<svg"));
    let other = ServerKey::generate().unwrap();
    assert!(totp::enrolment(&other, &row, "Latch", "ana").is_err());
}

#[tokio::test]
async fn a_recovery_code_works_once_and_a_new_batch_voids_the_old() {
    let db = fresh_db().await;
    let key = ServerKey::generate().unwrap();
    let ana = user_in(&db, "Acme", "ana", Role::Member, None, t0()).await;
    let codes = recovery::renew(&db, &key, ana.id, t0()).await.unwrap();
    assert_eq!(codes.len(), recovery::BATCH);
    assert_eq!(
        recovery::waiting(&db, &key, ana.id, t0()).await.unwrap(),
        Some(codes.clone())
    );
    assert!(
        recovery::spend(&db, ana.id, &codes[0].to_uppercase(), t0())
            .await
            .unwrap()
    );
    assert!(!recovery::spend(&db, ana.id, &codes[0], t0()).await.unwrap());
    assert_eq!(recovery::left(&db, ana.id).await.unwrap(), 9);

    recovery::dismiss(&db, ana.id).await.unwrap();
    assert_eq!(
        recovery::waiting(&db, &key, ana.id, t0()).await.unwrap(),
        None
    );
    let renewed = recovery::renew(&db, &key, ana.id, t0()).await.unwrap();
    assert!(!recovery::spend(&db, ana.id, &codes[1], t0()).await.unwrap());
    assert!(
        recovery::spend(&db, ana.id, &renewed[1], t0())
            .await
            .unwrap()
    );
}

#[test]
fn the_policy_covers_whom_it_names() {
    assert_eq!(Requirement::parse("admins"), Some(Requirement::Admins));
    assert_eq!(Requirement::parse("all"), None);
    for requirement in Requirement::ALL {
        assert_eq!(Requirement::parse(requirement.as_str()), Some(requirement));
    }
}

#[tokio::test]
async fn the_operator_sets_the_policy_without_a_password_and_an_admin_needs_one() {
    use crate::admin::{
        Actor, AdminError, AdminPolicy, SecurityPolicy, security_policy, set_security_policy,
    };
    use crate::entities::audit_event;
    use sea_orm::EntityTrait;

    let db = fresh_db().await;
    let password = Some("correct horse battery staple");
    let admin_user = user_in(&db, "Acme", "adi", Role::Admin, password, t0()).await;
    let policy = AdminPolicy::default();
    let company_id = admin_user.company_id;
    let before = security_policy(&db, company_id).await.unwrap();
    assert_eq!(
        before,
        SecurityPolicy {
            require_2fa: Requirement::Off,
            new_sign_in_alerts: true
        },
        "the defaults"
    );
    let admins = SecurityPolicy {
        require_2fa: Requirement::Admins,
        new_sign_in_alerts: false,
    };
    let by = Actor::Operator;
    set_security_policy(&db, &policy, by, company_id, admins, None, t0())
        .await
        .unwrap();
    assert_eq!(security_policy(&db, company_id).await.unwrap(), admins);
    assert!(Requirement::Admins.covers(&admin_user));
    // The same again changes nothing and records nothing.
    set_security_policy(&db, &policy, by, company_id, admins, None, t0())
        .await
        .unwrap();

    let session = crate::testing::session_of(&db, &admin_user).await;
    let admin = crate::admin::Admin::from_session(&session).unwrap();
    let by = Actor::Admin(&admin);
    let refused = set_security_policy(&db, &policy, by, company_id, before, None, t0()).await;
    assert!(matches!(refused, Err(AdminError::ReauthRequired)));
    let after = security_policy(&db, company_id).await.unwrap();
    assert_eq!(after, admins, "a refused change changes nothing");
    let events = audit_event::Entity::find().all(&db).await.unwrap();
    let outcomes: Vec<_> = events
        .iter()
        .filter(|e| e.kind == "security_policy_changed")
        .map(|e| (e.actor_user_id, e.outcome.clone()))
        .collect();
    assert_eq!(
        outcomes,
        [
            (None, "succeeded".to_owned()),
            (Some(admin_user.id), "reauth_required".to_owned())
        ]
    );
}

#[tokio::test]
async fn removing_a_users_methods_takes_the_app_and_the_codes_and_mails_them() {
    use crate::admin::{Actor, AdminPolicy};
    use crate::entities::{outbox_message, recovery_code, second_factor};
    use sea_orm::{EntityTrait, PaginatorTrait};

    let db = fresh_db().await;
    let services = crate::services::Services::for_tests(db.clone());
    let ana = user_in(&db, "Acme", "ana", Role::Member, None, t0()).await;
    totp::begin(&db, &services.server_key, &ana, t0())
        .await
        .unwrap();
    let row = totp::pending_row(&db, ana.id).await.unwrap().unwrap();
    let code = totp::seed_of(&services.server_key, &row).code_at(t0());
    let added = finish_app_setup(&services, &ana, &code, None, t0())
        .await
        .unwrap();
    assert_eq!(
        added.recovery_codes.map(|codes| codes.len()),
        Some(recovery::BATCH)
    );
    assert!(has_second_factor(&db, ana.id).await.unwrap());

    let target = Actor::Operator.find(&db, ana.id).await.unwrap();
    let policy = AdminPolicy::default();
    let removed = admin_remove_all(&db, &policy, Actor::Operator, &target, None, t0())
        .await
        .unwrap();
    assert_eq!(removed, 1);
    assert_eq!(second_factor::Entity::find().count(&db).await.unwrap(), 0);
    assert_eq!(recovery_code::Entity::find().count(&db).await.unwrap(), 0);
    assert_eq!(
        recovery::waiting(&db, &services.server_key, ana.id, t0())
            .await
            .unwrap(),
        None
    );
    let templates: Vec<String> = outbox_message::Entity::find()
        .all(&db)
        .await
        .unwrap()
        .into_iter()
        .map(|mail| mail.template)
        .collect();
    assert_eq!(
        templates,
        ["sign_in_method_added", "sign_in_method_removed"]
    );
}
