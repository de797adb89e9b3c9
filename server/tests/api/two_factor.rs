//! Two-step verification: an authenticator app (TOTP) set up in Account Settings, the second
//! login step it brings (its own page, cookie, five-minute single-use state and counters),
//! recovery codes, a reset that never skips it, an admin who can remove it but never see it,
//! and the company policy that makes people set it up.
//!
//! The codes are computed here from the secret the page shows, as a phone would.

use chrono::{Duration as Span, Utc};
use latch_core::entities::{audit_event, second_factor, session};
use latch_core::two_factor::totp::code_for_secret_text;
use latch_domain::Role;
use leptos::serde_json::{self, Value};
use sea_orm::{ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter};

use crate::admin::two_companies;
use crate::helpers::{
    TestApp, TestUser, reset_link_in, session_cookie, set_cookie_header, spawn_app,
};

/// What a user who turned two-step verification on holds.
struct WithApp {
    secret: String,
    recovery_codes: Vec<String>,
}

/// `name=value` of the login-step cookie a response sets.
fn step_cookie(response: &reqwest::Response) -> Option<String> {
    set_cookie_header(response, "__Host-latch_login_step=")
        .filter(|value| !value.contains("Max-Age=0"))
        .map(|value| value.split(';').next().unwrap().to_owned())
}

/// The app's code `offset_steps` steps from now (a later step is a fresh code).
fn code(secret: &str, offset_steps: i64) -> String {
    code_for_secret_text(secret, Utc::now() + Span::seconds(30 * offset_steps)).unwrap()
}

impl TestApp {
    /// The card's status (`act` empty), or one of its forms (`act`: start, finish, remove...).
    pub(crate) async fn two_step_post(
        &self,
        cookie: &str,
        act: &str,
        form: &[(&str, &str)],
    ) -> reqwest::Response {
        let (path, mut fields) = match act {
            "" => ("/api/two_step", vec![]),
            act => ("/api/two_step/change", vec![("act", act)]),
        };
        fields.extend_from_slice(form);
        self.post_form(path, &fields, &[("cookie", cookie)]).await
    }

    /// The "Two-step verification" card's data, as `cookie` reads it.
    pub(crate) async fn two_step_status(&self, cookie: &str) -> Value {
        let response = self.two_step_post(cookie, "", &[]).await;
        assert_eq!(response.status(), 200);
        serde_json::from_str(&response.text().await.unwrap()).unwrap()
    }

    /// Signs `user` in and turns an authenticator app on, as Account Settings does.
    async fn turn_on_app(&self, user: &TestUser) -> (String, WithApp) {
        let cookie = self.cookie_for(user).await;
        let started = self
            .two_step_post(&cookie, "start", &[("password", &user.password)])
            .await;
        assert_eq!(started.status(), 200, "{:?}", started.text().await);
        let status = self.two_step_status(&cookie).await;
        let secret = status["setup"]["secret"].as_str().unwrap().to_owned();
        assert!(
            status["setup"]["qr_svg"]
                .as_str()
                .unwrap()
                .starts_with("<svg")
        );
        let finished = self
            .two_step_post(&cookie, "finish", &[("code", &code(&secret, 0))])
            .await;
        assert_eq!(finished.status(), 200, "{:?}", finished.text().await);
        let status = self.two_step_status(&cookie).await;
        let recovery_codes = status["new_recovery_codes"]
            .as_array()
            .unwrap()
            .iter()
            .map(|code| code.as_str().unwrap().to_owned())
            .collect();
        (
            cookie,
            WithApp {
                secret,
                recovery_codes,
            },
        )
    }

    /// The password step: its answer and the login-step cookie (no session yet).
    pub(crate) async fn password_step(&self, user: &TestUser) -> (reqwest::Response, String) {
        let response = self.log_in(&user.username, &user.password).await;
        assert_eq!(response.status(), 200);
        let step = step_cookie(&response).expect("a login-step cookie");
        (response, step)
    }

    pub(crate) async fn verify_step(
        &self,
        step: &str,
        code: &str,
        with: &str,
    ) -> reqwest::Response {
        self.post_form(
            "/api/login/verify",
            &[("code", code), ("with", with)],
            &[("cookie", step)],
        )
        .await
    }

    /// The Security page's "Save" by `user` (signed in now), with their password.
    async fn require_two_step(&self, user: &TestUser, who: &str) -> reqwest::Response {
        let cookie = self.cookie_for(user).await;
        let form = [
            ("require_two_step", who),
            ("new_sign_in_alerts", "on"),
            ("policy_password", user.password.as_str()),
        ];
        self.admin_post(&cookie, "set_security", &form).await
    }

    pub(crate) async fn sessions_of(&self, username: &str) -> u64 {
        let user = self.user_row(username).await;
        session::Entity::find()
            .filter(session::Column::UserId.eq(user.id))
            .count(&self.db)
            .await
            .unwrap()
    }

    pub(crate) async fn audited(&self, kind: &str, outcome: &str) -> usize {
        audit_event::Entity::find()
            .filter(audit_event::Column::Kind.eq(kind))
            .filter(audit_event::Column::Outcome.eq(outcome))
            .count(&self.db)
            .await
            .unwrap() as usize
    }
}

#[tokio::test]
async fn turning_the_app_on_then_logging_in_asks_for_its_code_and_creates_no_session_before() {
    let app = spawn_app().await;
    let user = app.create_user("ana").await;
    let (cookie, with_app) = app.turn_on_app(&user).await;
    assert_eq!(with_app.recovery_codes.len(), 10);
    let status = app.two_step_status(&cookie).await;
    assert_eq!(status["methods"].as_array().unwrap().len(), 1);
    assert_eq!(status["recovery_codes_left"], 10);
    let rows = second_factor::Entity::find().all(&app.db).await.unwrap();
    let compact: String = with_app.secret.split_whitespace().collect();
    assert!(
        !rows[0].sealed_secret.contains(&compact),
        "the seed is stored sealed"
    );
    assert_eq!(app.mails_to("sign_in_method_added").await.len(), 1);
    let sessions_before = app.sessions_of("ana").await;

    let (answer, step) = app.password_step(&user).await;
    assert_eq!(answer.headers()["location"], "/login/verify");
    assert!(
        session_cookie(&answer).is_none(),
        "no session after the password alone"
    );
    assert_eq!(app.sessions_of("ana").await, sessions_before);
    let settings = app.get_with_cookie("/settings", Some(&step)).await;
    assert_eq!(
        settings.headers()["location"],
        "/login?next=/settings",
        "the step cookie is no session"
    );
    let page = app
        .get_page("/login/verify", &step)
        .await
        .text()
        .await
        .unwrap();
    assert!(
        page.contains("Enter the 6-digit code from your authenticator app"),
        "{page}"
    );
    assert!(page.contains("Use a recovery code"));

    let verified = app
        .verify_step(&step, &code(&with_app.secret, 1), "app")
        .await;
    assert_eq!(verified.status(), 200, "{:?}", verified.text().await);
    assert_eq!(verified.headers()["location"], "/");
    let session = session_cookie(&verified).expect("a session after the code");
    let home = app.get_with_cookie("/settings", Some(&session)).await;
    assert_eq!(home.status(), 200);
    assert_eq!(app.audited("second_step", "succeeded").await, 1);
    assert_eq!(app.audited("login", "second_step_required").await, 1);

    // The step served once.
    let again = app
        .verify_step(&step, &code(&with_app.secret, 1), "app")
        .await;
    assert_eq!(again.status(), 401);
    assert!(again.text().await.unwrap().contains("StepExpired"));
}

#[tokio::test]
async fn a_code_is_accepted_once() {
    let app = spawn_app().await;
    let user = app.create_user("ana").await;
    let (_, with_app) = app.turn_on_app(&user).await;
    // The setup used this step's code: at the login, the same code is refused.
    let (_, step) = app.password_step(&user).await;
    let replayed = app
        .verify_step(&step, &code(&with_app.secret, 0), "app")
        .await;
    assert_eq!(replayed.status(), 401);
    assert!(replayed.text().await.unwrap().contains("WrongCode"));
    // An older one too; the next step's code works, once.
    let older = app
        .verify_step(&step, &code(&with_app.secret, -1), "app")
        .await;
    assert_eq!(older.status(), 401);
    let next = code(&with_app.secret, 1);
    assert_eq!(app.verify_step(&step, &next, "app").await.status(), 200);
    let (_, step) = app.password_step(&user).await;
    assert_eq!(app.verify_step(&step, &next, "app").await.status(), 401);
    assert_eq!(app.audited("second_step", "failed").await, 3);
}

#[tokio::test]
async fn wrong_codes_are_throttled_per_account_like_passwords() {
    let app = spawn_app().await;
    let user = app.create_user("ana").await;
    let (_, with_app) = app.turn_on_app(&user).await;
    let (_, step) = app.password_step(&user).await;
    for _ in 0..5 {
        assert_eq!(app.verify_step(&step, "000000", "app").await.status(), 401);
    }
    let blocked = app
        .verify_step(&step, &code(&with_app.secret, 1), "app")
        .await;
    assert_eq!(
        blocked.status(),
        429,
        "even the right code waits out the block"
    );
    assert!(blocked.headers().contains_key("retry-after"));
    // A fresh password step is the same account: still blocked.
    let (_, fresh) = app.password_step(&user).await;
    assert_eq!(
        app.verify_step(&fresh, &code(&with_app.secret, 1), "app")
            .await
            .status(),
        429
    );
    assert!(app.audited("second_step", "throttled").await >= 2);
}

#[tokio::test]
async fn a_recovery_code_works_once_and_says_how_many_are_left() {
    let app = spawn_app().await;
    let user = app.create_user("ana").await;
    let (_, with_app) = app.turn_on_app(&user).await;
    let spare = &with_app.recovery_codes[3];

    let (_, step) = app.password_step(&user).await;
    let used = app.verify_step(&step, spare, "recovery-code").await;
    assert_eq!(used.status(), 200, "{:?}", used.text().await);
    assert_eq!(
        used.headers()["location"],
        "/settings/account?two_step=recovery-used-9#two-step"
    );
    let session = session_cookie(&used).unwrap();
    let page = app
        .get_page("/settings/account?two_step=recovery-used-9", &session)
        .await
        .text()
        .await
        .unwrap();
    assert!(
        page.contains("You logged in with a recovery code. You have 9 left."),
        "{page}"
    );

    let (_, step) = app.password_step(&user).await;
    let reused = app.verify_step(&step, spare, "recovery-code").await;
    assert_eq!(reused.status(), 401);
    assert!(reused.text().await.unwrap().contains("\"recovery\":true"));
}

#[tokio::test]
async fn a_completed_password_reset_still_asks_for_the_second_step() {
    let app = spawn_app().await;
    let user = app.create_user("ana").await;
    let (_, with_app) = app.turn_on_app(&user).await;
    let mails_before = app
        .smtp
        .wait_for(1, std::time::Duration::from_secs(10))
        .await
        .len();

    assert_eq!(app.request_reset(&user.email).await.status(), 200);
    let mails = app
        .smtp
        .wait_for(mails_before + 1, std::time::Duration::from_secs(10))
        .await;
    let link = reset_link_in(&mails.last().unwrap().data);
    let reset_cookie = app.open_link(&link).await;
    let new_password = "a brand new passphrase";
    let set = app
        .set_password(&reset_cookie, new_password, new_password)
        .await;
    assert_eq!(set.status(), 200, "{:?}", set.text().await);
    assert!(session_cookie(&set).is_none(), "a reset starts no session");

    let after_reset = TestUser {
        password: new_password.to_owned(),
        ..user
    };
    let (answer, step) = app.password_step(&after_reset).await;
    assert!(
        session_cookie(&answer).is_none(),
        "whoever read the mail still needs the code"
    );
    assert_eq!(
        app.verify_step(&step, &code(&with_app.secret, 1), "app")
            .await
            .status(),
        200
    );
}

#[tokio::test]
async fn adding_a_method_needs_the_password_again() {
    let app = spawn_app().await;
    let user = app.create_user("ana").await;
    let cookie = app.cookie_for(&user).await;
    let bare = app.two_step_post(&cookie, "start", &[]).await;
    assert_eq!(bare.status(), 403);
    assert!(bare.text().await.unwrap().contains("PasswordNeeded"));
    let wrong = app
        .two_step_post(&cookie, "start", &[("password", "not my password")])
        .await;
    assert_eq!(wrong.status(), 403);
    assert!(
        wrong
            .text()
            .await
            .unwrap()
            .contains("WrongExistingPassword")
    );
    assert_eq!(app.audited("password_confirmed", "failed").await, 1);
    assert!(app.two_step_status(&cookie).await["setup"].is_null());
}

#[tokio::test]
async fn an_admin_removes_a_users_methods_after_confirming_but_others_cannot() {
    let app = spawn_app().await;
    let (admin, member, stranger) = two_companies(&app).await;
    let (_, _) = app.turn_on_app(&member).await;
    let id = app.user_row(&member.username).await.id.to_string();
    let form = [("user_id", id.as_str()), ("return_to", "/settings")];

    // Another company's admin and a member of the company: refused, nothing removed.
    let stranger_cookie = app.reauthenticated_cookie(&stranger).await;
    let refused = app
        .admin_post(&stranger_cookie, "remove_two_step", &form)
        .await;
    assert_eq!(refused.status(), 404);
    let colleague = app.create_user("dewi").await;
    let colleague_cookie = app.cookie_for(&colleague).await;
    let refused = app
        .admin_post(&colleague_cookie, "remove_two_step", &form)
        .await;
    assert_eq!(refused.status(), 403);
    // The admin, before confirming their password: refused and audited.
    let admin_cookie = app.cookie_for(&admin).await;
    let unconfirmed = app
        .admin_post(&admin_cookie, "remove_two_step", &form)
        .await;
    assert_eq!(unconfirmed.status(), 403);
    assert_eq!(
        app.audited("second_factor_removed", "reauth_required")
            .await,
        1
    );
    assert_eq!(
        second_factor::Entity::find().count(&app.db).await.unwrap(),
        1
    );

    let confirmed = app.reauthenticate(&admin_cookie, &admin.password).await;
    assert_eq!(confirmed.status(), 200);
    let removed = app
        .admin_post(&admin_cookie, "remove_two_step", &form)
        .await;
    assert_eq!(removed.status(), 200, "{:?}", removed.text().await);
    assert_eq!(
        second_factor::Entity::find().count(&app.db).await.unwrap(),
        0
    );
    assert_eq!(app.mails_to("sign_in_method_removed").await.len(), 1);
    assert_eq!(app.audited("second_factor_removed", "succeeded").await, 1);
    // The user now logs in with the password alone.
    let login = app.log_in(&member.username, &member.password).await;
    assert!(session_cookie(&login).is_some());
}

#[tokio::test]
async fn a_company_policy_makes_a_user_without_a_method_set_one_up_right_after_the_password() {
    let app = spawn_app().await;
    let (admin, member, _) = two_companies(&app).await;
    let set = app.require_two_step(&admin, "everyone").await;
    assert_eq!(set.status(), 200, "{:?}", set.text().await);
    assert_eq!(app.audited("security_policy_changed", "succeeded").await, 1);

    let (answer, step) = app.password_step(&member).await;
    assert_eq!(answer.headers()["location"], "/login/verify");
    let current = app
        .post_form("/api/login/step", &[], &[("cookie", &step)])
        .await;
    let current: Value = serde_json::from_str(&current.text().await.unwrap()).unwrap();
    let secret = current["Enrol"]["secret"]
        .as_str()
        .expect("a setup to scan")
        .to_owned();
    let page = app
        .get_page("/login/verify", &step)
        .await
        .text()
        .await
        .unwrap();
    assert!(
        page.contains("Your company requires two-step verification"),
        "{page}"
    );

    assert_eq!(app.verify_step(&step, "000000", "app").await.status(), 401);
    let enrolled = app.verify_step(&step, &code(&secret, 0), "app").await;
    assert_eq!(enrolled.status(), 200, "{:?}", enrolled.text().await);
    assert_eq!(
        enrolled.headers()["location"],
        "/settings/account?two_step=on#two-step"
    );
    let session = session_cookie(&enrolled).unwrap();
    let status = app.two_step_status(&session).await;
    assert_eq!(status["methods"].as_array().unwrap().len(), 1);
    assert_eq!(status["new_recovery_codes"].as_array().unwrap().len(), 10);
    assert_eq!(status["required"], true);

    // Covered by the policy, the only method cannot be removed.
    let id = status["methods"][0]["id"].as_str().unwrap().to_owned();
    let removal = app
        .two_step_post(
            &session,
            "remove",
            &[("id", &id), ("password", &member.password)],
        )
        .await;
    assert_eq!(removal.status(), 403);
    assert!(removal.text().await.unwrap().contains("RequiredByCompany"));
    // And the next login asks for the code.
    let (_, step) = app.password_step(&member).await;
    assert_eq!(
        app.verify_step(&step, &code(&secret, 1), "app")
            .await
            .status(),
        200
    );
}

#[tokio::test]
async fn a_member_cannot_set_the_company_policy() {
    let app = spawn_app().await;
    let (_, member, _) = two_companies(&app).await;
    let refused = app.require_two_step(&member, "off").await;
    assert_eq!(refused.status(), 403);
}

#[tokio::test]
async fn without_javascript_the_second_step_is_a_page_with_a_form() {
    let app = spawn_app().await;
    let user = app
        .create_user_in("PT Maju Jaya", "ana", Role::Member)
        .await;
    let (_, with_app) = app.turn_on_app(&user).await;

    let login = app
        .post_page(
            "/login",
            "/api/login",
            &[
                ("identifier", &user.username),
                ("password", &user.password),
                ("next", "/settings"),
            ],
            &[],
        )
        .await;
    assert_eq!(login.status(), 302);
    assert_eq!(login.headers()["location"], "/login/verify");
    let step = step_cookie(&login).unwrap();

    let wrong = app
        .post_page(
            "/login/verify",
            "/api/login/verify",
            &[("code", "123456"), ("with", "app")],
            &[("cookie", &step)],
        )
        .await;
    assert_eq!(wrong.status(), 401);
    let page = wrong.text().await.unwrap();
    assert!(page.contains("That code is not right"), "{page}");
    assert!(page.contains("name=\"code\""));

    let right = app
        .post_page(
            "/login/verify",
            "/api/login/verify",
            &[("code", &code(&with_app.secret, 1)), ("with", "app")],
            &[("cookie", &step)],
        )
        .await;
    assert_eq!(right.status(), 302);
    assert_eq!(
        right.headers()["location"],
        "/settings",
        "back to where the login was going"
    );
    assert!(session_cookie(&right).is_some());
    let cleared = set_cookie_header(&right, "__Host-latch_login_step=").unwrap();
    assert!(cleared.contains("Max-Age=0"), "{cleared}");
}

#[tokio::test]
async fn an_expired_step_asks_for_the_password_again() {
    let app = spawn_app().await;
    let user = app.create_user("ana").await;
    let (_, with_app) = app.turn_on_app(&user).await;
    let (_, step) = app.password_step(&user).await;
    // Five minutes pass.
    use sea_orm::{ActiveModelTrait, IntoActiveModel, Set};
    let row = latch_core::entities::login_step::Entity::find()
        .one(&app.db)
        .await
        .unwrap()
        .unwrap();
    let mut row = row.into_active_model();
    row.expires_at = Set(Utc::now() - Span::seconds(1));
    row.update(&app.db).await.unwrap();

    let late = app
        .verify_step(&step, &code(&with_app.secret, 1), "app")
        .await;
    assert_eq!(late.status(), 401);
    assert!(late.text().await.unwrap().contains("StepExpired"));
    let page = app
        .get_page("/login/verify", &step)
        .await
        .text()
        .await
        .unwrap();
    assert!(page.contains("took longer than 5 minutes"), "{page}");
}
