//! Passkeys as a second factor: added in Account Settings (name + password again), asked for
//! at the second login step, verified against Latch's public URL only, each answer accepted
//! once, wrong answers counted like wrong codes.
//!
//! The authenticator is software ([`SoftPasskey`]): it signs what a browser's
//! `navigator.credentials` would, with its own ES256 key. The browser suite does the same with
//! Chromium's virtual authenticator.

use latch_core::entities::{audit_event, passkey_ceremony, second_factor};
use leptos::serde_json::{self, Value};
use sea_orm::{ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter};

use crate::helpers::SoftPasskey;
use crate::helpers::{PUBLIC_URL, TestApp, TestUser, session_cookie, spawn_app, spawn_app_with};

const RP_ID: &str = "latch.example.test";

fn authenticator() -> SoftPasskey {
    SoftPasskey::new(RP_ID, PUBLIC_URL)
}

/// A ceremony's first half as the page's script reads it: the options, or the refusal (whose
/// status says what kind it is, as for every refusal).
async fn ceremony(response: reqwest::Response) -> Result<String, String> {
    let refused = !response.status().is_success();
    let body: Value = serde_json::from_str(&response.text().await.unwrap()).unwrap();
    match (body["Options"].as_str(), body["Refused"].as_str()) {
        (Some(options), None) if !refused => Ok(options.to_owned()),
        (None, Some(message)) if refused => Err(message.to_owned()),
        _ => panic!("neither options nor a refusal: {body}"),
    }
}

impl TestApp {
    /// "Add a passkey", first half: the creation options (or the refusal).
    async fn passkey_options(
        &self,
        cookie: &str,
        name: &str,
        password: &str,
    ) -> Result<String, String> {
        let form = [("passkey_name", name), ("password", password)];
        ceremony(
            self.post_form("/api/two_step/passkey", &form, &[("cookie", cookie)])
                .await,
        )
        .await
    }

    /// Signs `user` in and adds `key` as a passkey named `name`, as Account Settings does.
    async fn add_passkey(&self, user: &TestUser, key: &mut SoftPasskey, name: &str) -> String {
        let cookie = self.cookie_for(user).await;
        let options = self
            .passkey_options(&cookie, name, &user.password)
            .await
            .expect("creation options");
        let answer = key.register(&options);
        let added = self
            .two_step_post(&cookie, "passkey", &[("credential", &answer)])
            .await;
        assert_eq!(added.status(), 200, "{:?}", added.text().await);
        cookie
    }

    /// "Use your passkey", first half, for this browser's pending step.
    async fn sign_in_options(&self, step: &str) -> Result<String, String> {
        ceremony(
            self.post_form("/api/login/passkey", &[], &[("cookie", step)])
                .await,
        )
        .await
    }

    async fn passkey_events(&self, kind: &str, outcome: &str) -> Vec<audit_event::Model> {
        audit_event::Entity::find()
            .filter(audit_event::Column::Kind.eq(kind))
            .filter(audit_event::Column::Outcome.eq(outcome))
            .all(&self.db)
            .await
            .unwrap()
            .into_iter()
            .filter(|event| {
                event
                    .details
                    .as_deref()
                    .and_then(|d| serde_json::from_str::<Value>(d).ok())
                    .is_some_and(|d| d["method"] == "passkey")
            })
            .collect()
    }
}

/// Ana, with a passkey, has typed her password: the second step's challenge is in hand.
struct AtPasskeyStep {
    app: TestApp,
    user: TestUser,
    key: SoftPasskey,
    step: String,
    options: String,
}

async fn at_passkey_step() -> AtPasskeyStep {
    let app = spawn_app().await;
    let user = app.create_user("ana").await;
    let mut key = authenticator();
    app.add_passkey(&user, &mut key, "Phone").await;
    let (_, step) = app.password_step(&user).await;
    let options = app.sign_in_options(&step).await.unwrap();
    AtPasskeyStep {
        app,
        user,
        key,
        step,
        options,
    }
}

/// A refused answer: 401, the reason named, and no session.
async fn assert_refused(response: reqwest::Response) {
    assert_eq!(response.status(), 401);
    assert!(session_cookie(&response).is_none());
    assert!(response.text().await.unwrap().contains("PasskeyRefused"));
}

#[tokio::test]
async fn a_passkey_added_in_account_settings_is_the_second_step_of_the_next_login() {
    let app = spawn_app().await;
    let user = app.create_user("ana").await;
    let mut key = authenticator();
    let cookie = app.add_passkey(&user, &mut key, "Work laptop").await;

    let status = app.two_step_status(&cookie).await;
    let methods = status["methods"].as_array().unwrap();
    assert_eq!(methods.len(), 1);
    assert_eq!(methods[0]["name"], "Passkey: Work laptop");
    assert_eq!(
        status["new_recovery_codes"].as_array().unwrap().len(),
        10,
        "a first method comes with recovery codes"
    );
    assert_eq!(app.mails_to("sign_in_method_added").await.len(), 1);
    assert_eq!(
        app.passkey_events("second_factor_added", "succeeded")
            .await
            .len(),
        1
    );
    let row = &second_factor::Entity::find().all(&app.db).await.unwrap()[0];
    assert_eq!(row.kind, "passkey");
    assert_eq!(
        row.credential_id.as_deref(),
        Some(key.credential_id_b64().as_str())
    );

    let (answer, step) = app.password_step(&user).await;
    assert!(
        session_cookie(&answer).is_none(),
        "no session after the password alone"
    );
    let page = app
        .get_page("/login/verify", &step)
        .await
        .text()
        .await
        .unwrap();
    assert!(page.contains("Use your passkey"), "{page}");
    assert!(page.contains("Passkeys need JavaScript"), "{page}");
    assert!(page.contains("Use a recovery code"));
    assert!(
        !page.contains("Enter the 6-digit code"),
        "no app, no code field"
    );

    let options = app.sign_in_options(&step).await.expect("request options");
    let signed = key.sign_in(&options);
    let verified = app.verify_step(&step, &signed, "passkey").await;
    assert_eq!(verified.status(), 200, "{:?}", verified.text().await);
    assert_eq!(verified.headers()["location"], "/");
    let session = session_cookie(&verified).expect("a session after the passkey");
    assert_eq!(
        app.get_with_cookie("/settings", Some(&session))
            .await
            .status(),
        200
    );
    assert_eq!(
        app.passkey_events("second_step", "succeeded").await.len(),
        1
    );
    let row = &second_factor::Entity::find().all(&app.db).await.unwrap()[0];
    assert!(row.last_used_at.is_some());
    assert_eq!(
        passkey_ceremony::Entity::find()
            .count(&app.db)
            .await
            .unwrap(),
        0,
        "each challenge served once"
    );

    // The next login signs again (the counter grows) and is accepted.
    let (_, step) = app.password_step(&user).await;
    let options = app.sign_in_options(&step).await.unwrap();
    let verified = app
        .verify_step(&step, &key.sign_in(&options), "passkey")
        .await;
    assert_eq!(verified.status(), 200);
}

#[tokio::test]
async fn a_signature_made_for_another_site_is_refused() {
    // A phishing page relays Latch's challenge, the user's authenticator signs it there: the
    // browser writes that page's origin into what is signed.
    let AtPasskeyStep {
        app,
        mut key,
        step,
        options,
        ..
    } = at_passkey_step().await;
    let phished = key.sign_in_from_origin(&options, "https://latch-example-test.login.example");

    let refused = app.verify_step(&step, &phished, "passkey").await;

    assert_refused(refused).await;
    assert_eq!(app.passkey_events("second_step", "failed").await.len(), 1);
}

#[tokio::test]
async fn a_passkey_answer_is_accepted_once() {
    let AtPasskeyStep {
        app,
        user,
        mut key,
        step,
        options,
    } = at_passkey_step().await;
    let signed = key.sign_in(&options);
    let first = app.verify_step(&step, &signed, "passkey").await;
    assert_eq!(first.status(), 200);

    // Someone who captured the answer replays it in a login of their own.
    let (_, step) = app.password_step(&user).await;
    let replayed = app.verify_step(&step, &signed, "passkey").await;

    assert_refused(replayed).await;
}

#[tokio::test]
async fn another_accounts_passkey_does_not_answer_for_this_one() {
    let app = spawn_app().await;
    let ana = app.create_user("ana").await;
    let budi = app.create_user("budi").await;
    let mut anas_key = authenticator();
    let mut budis_key = authenticator();
    app.add_passkey(&ana, &mut anas_key, "Phone").await;
    app.add_passkey(&budi, &mut budis_key, "Phone").await;

    // Budi knows Ana's password and signs Ana's challenge with his own passkey.
    let (_, step) = app.password_step(&ana).await;
    let options = app.sign_in_options(&step).await.unwrap();
    let refused = app
        .verify_step(&step, &budis_key.sign_in(&options), "passkey")
        .await;

    assert_eq!(refused.status(), 401);
    assert!(session_cookie(&refused).is_none());
    assert_eq!(
        app.sessions_of("ana").await,
        1,
        "only the session that added the passkey"
    );
}

#[tokio::test]
async fn adding_a_passkey_needs_the_password_and_a_name() {
    let app = spawn_app().await;
    let user = app.create_user("ana").await;
    let cookie = app.cookie_for(&user).await;

    let no_password = app.passkey_options(&cookie, "Phone", "").await;
    assert_eq!(
        no_password.unwrap_err(),
        "Type your current password to confirm it is you."
    );
    let wrong = app
        .passkey_options(&cookie, "Phone", "not the password")
        .await;
    assert!(wrong.is_err(), "a wrong password gets no challenge");
    let nameless = app.passkey_options(&cookie, "   ", &user.password).await;
    assert_eq!(
        nameless.unwrap_err(),
        "Give the passkey a name of 1 to 64 characters."
    );
    let too_long = app
        .passkey_options(&cookie, &"k".repeat(65), &user.password)
        .await;
    assert!(too_long.is_err());
    assert_eq!(
        passkey_ceremony::Entity::find()
            .count(&app.db)
            .await
            .unwrap(),
        0,
        "no challenge was handed out"
    );

    // Without a session there is no account to add it to.
    let anonymous = app
        .post_form(
            "/api/two_step/passkey",
            &[("passkey_name", "Phone"), ("password", &user.password)],
            &[],
        )
        .await;
    assert!(ceremony(anonymous).await.is_err());
}

#[tokio::test]
async fn a_registration_answer_is_bound_to_the_account_that_asked() {
    let app = spawn_app().await;
    let ana = app.create_user("ana").await;
    let budi = app.create_user("budi").await;
    let anas_cookie = app.cookie_for(&ana).await;
    let budis_cookie = app.cookie_for(&budi).await;
    let options = app
        .passkey_options(&anas_cookie, "Phone", &ana.password)
        .await
        .unwrap();
    // Budi (whose password was confirmed) posts the answer to Ana's challenge as his own.
    app.passkey_options(&budis_cookie, "Mine", &budi.password)
        .await
        .unwrap();
    let answer = authenticator().register(&options);

    let refused = app
        .two_step_post(&budis_cookie, "passkey", &[("credential", &answer)])
        .await;

    assert_eq!(refused.status(), 401);
    assert!(refused.text().await.unwrap().contains("PasskeyRefused"));
    assert_eq!(
        second_factor::Entity::find().count(&app.db).await.unwrap(),
        0
    );
    assert_eq!(
        app.passkey_events("second_factor_added", "failed")
            .await
            .len(),
        1
    );
    // Ana's own answer still works: the wrong use did not spend her challenge.
    let added = app
        .two_step_post(&anas_cookie, "passkey", &[("credential", &answer)])
        .await;
    assert_eq!(added.status(), 200, "{:?}", added.text().await);
}

#[tokio::test]
async fn wrong_passkey_answers_are_throttled_like_wrong_codes() {
    let AtPasskeyStep {
        app,
        mut key,
        step,
        mut options,
        ..
    } = at_passkey_step().await;
    for _ in 0..5 {
        let forged = key.sign_in_from_origin(&options, "https://elsewhere.example");
        let refused = app.verify_step(&step, &forged, "passkey").await;
        assert_eq!(refused.status(), 401);
        options = app.sign_in_options(&step).await.unwrap();
    }

    let blocked = app
        .verify_step(&step, &key.sign_in(&options), "passkey")
        .await;

    assert_eq!(
        blocked.status(),
        429,
        "even the right passkey waits out the block"
    );
    assert!(blocked.headers().contains_key("retry-after"));
}

#[tokio::test]
async fn passkeys_are_refused_plainly_when_latch_has_no_domain_name() {
    let app = spawn_app_with(&[("LATCH_PUBLIC_URL", "http://127.0.0.1:3000")]).await;
    let user = app.create_user("ana").await;
    let cookie = app.cookie_for(&user).await;

    let refused = app.passkey_options(&cookie, "Phone", &user.password).await;

    assert!(
        refused.unwrap_err().contains("domain name"),
        "the page says why"
    );
}
