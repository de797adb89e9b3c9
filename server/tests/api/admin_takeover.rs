//! A company admin's powers cannot be turned into an account takeover: email and role changes
//! need the admin's password again, an email change waits for the new address to confirm, an
//! admin's own address is out of other admins' reach, nothing says whether another company
//! uses a name or address, and invitations and email changes are throttled.

use std::time::Duration;

use latch_core::entities::{audit_event, outbox_message, user};
use latch_domain::Role;
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, PaginatorTrait, QueryFilter, Statement};

use crate::admin::two_companies;
use crate::helpers::{TestApp, TestUser, link_in, spawn_app};

impl TestApp {
    /// "Confirm your password" on a user's page, as the admin behind `cookie`.
    pub(crate) async fn reauthenticate(&self, cookie: &str, password: &str) -> reqwest::Response {
        self.admin_post(
            cookie,
            "reauthenticate",
            &[("password", password), ("return_to", "/settings")],
        )
        .await
    }

    /// Signs `admin` in and confirms their password, ready for email and role changes.
    pub(crate) async fn reauthenticated_cookie(&self, admin: &TestUser) -> String {
        let cookie = self.cookie_for(admin).await;
        let confirmed = self.reauthenticate(&cookie, &admin.password).await;
        assert_eq!(confirmed.status(), 200, "{:?}", confirmed.text().await);
        cookie
    }

    async fn request_email_change(
        &self,
        cookie: &str,
        user_id: &str,
        email: &str,
    ) -> reqwest::Response {
        self.admin_post(
            cookie,
            "change_email",
            &[
                ("user_id", user_id),
                ("email", email),
                ("return_to", &format!("/settings/users/{user_id}")),
            ],
        )
        .await
    }

    async fn invite(&self, cookie: &str, username: &str, email: &str) -> reqwest::Response {
        self.admin_post(
            cookie,
            "invite",
            &[
                ("name", "New Person"),
                ("username", username),
                ("email", email),
                ("role", "member"),
            ],
        )
        .await
    }

    async fn mails_to_address(&self, address: &str) -> u64 {
        outbox_message::Entity::find()
            .filter(outbox_message::Column::Recipient.eq(address))
            .count(&self.db)
            .await
            .unwrap()
    }

    async fn events(&self, kind: &str, outcome: &str) -> Vec<audit_event::Model> {
        audit_event::Entity::find()
            .filter(audit_event::Column::Kind.eq(kind))
            .filter(audit_event::Column::Outcome.eq(outcome))
            .all(&self.db)
            .await
            .unwrap()
    }

    /// Whether `cookie` still opens a signed-in page.
    async fn still_signed_in(&self, cookie: &str) -> bool {
        let page = self.get_page("/settings/account", cookie).await;
        page.status() == 200
    }
}

/// The email-change confirmation link in a mail's data.
fn confirm_link_in(data: &str) -> String {
    link_in(data, "confirm-email")
}

#[tokio::test]
async fn an_email_change_without_a_fresh_password_confirmation_is_refused() {
    let app = spawn_app().await;
    let (admin, member, _) = two_companies(&app).await;
    let cookie = app.cookie_for(&admin).await;
    let member_id = app.user_id(&member.username).await;

    let refused = app
        .request_email_change(&cookie, &member_id, "attacker@example.com")
        .await;

    assert_eq!(refused.status(), 403);
    let body = refused.text().await.unwrap();
    assert!(body.contains("ReauthRequired"), "{body}");
    assert!(
        body.contains("attacker@example.com"),
        "the form keeps the address: {body}"
    );
    assert_eq!(app.user_row("budi").await.email, member.email);
    assert_eq!(
        outbox_message::Entity::find().count(&app.db).await.unwrap(),
        0
    );
    let audited = app
        .events("email_change_requested", "reauth_required")
        .await;
    assert_eq!(audited.len(), 1, "{audited:?}");

    // Without JavaScript: the user's page again, with its status, the message and the typed
    // address.
    let user_page = format!("/settings/users/{member_id}");
    let plain = app
        .post_page(
            &user_page,
            "/api/admin/change_email",
            &[
                ("user_id", member_id.as_str()),
                ("email", "typed@example.co.id"),
                ("return_to", &user_page),
            ],
            &[("cookie", &cookie), ("accept-language", "en")],
        )
        .await;
    assert_eq!(plain.status(), 403);
    let page = plain.text().await.unwrap();
    assert!(page.contains("Confirm your password first"), "{page}");
    assert!(page.contains(r#"value="typed@example.co.id""#), "{page}");
    assert!(page.contains(r#"role="alert""#));

    // A confirmation older than five minutes is no confirmation.
    let cookie = app.reauthenticated_cookie(&admin).await;
    let stale = chrono::Utc::now() - chrono::Duration::minutes(6);
    app.db
        .execute_raw(Statement::from_sql_and_values(
            app.db.get_database_backend(),
            "UPDATE sessions SET reauthenticated_at = $1",
            [stale.into()],
        ))
        .await
        .unwrap();
    let late = app
        .request_email_change(&cookie, &member_id, "attacker@example.com")
        .await;
    assert_eq!(late.status(), 403);
    assert_eq!(app.user_row("budi").await.email, member.email);
}

#[tokio::test]
async fn an_email_change_takes_effect_only_when_the_new_address_confirms() {
    let app = spawn_app().await;
    let (admin, member, _) = two_companies(&app).await;
    let cookie = app.reauthenticated_cookie(&admin).await;
    let member_cookie = app.cookie_for(&member).await;
    let member_id = app.user_id(&member.username).await;

    let requested = app
        .request_email_change(&cookie, &member_id, "budi.new@example.co.id")
        .await;
    assert_eq!(requested.status(), 200, "{:?}", requested.text().await);

    // Nothing changed yet: the old address still holds the account, the user is signed in.
    assert_eq!(app.user_row("budi").await.email, member.email);
    assert!(app.still_signed_in(&member_cookie).await);
    let page = app
        .get_page(&format!("/settings/users/{member_id}"), &cookie)
        .await
        .text()
        .await
        .unwrap();
    assert!(
        page.contains("Waiting for confirmation at budi.new@example.co.id"),
        "the pending address is shown: {page}"
    );
    let told = app.mails_to("email_change_requested").await;
    assert_eq!(told.len(), 1);
    assert_eq!(told[0].recipient, member.email, "the old address is told");
    let confirm = app.mails_to("email_change_confirm").await;
    assert_eq!(confirm.len(), 1);
    assert_eq!(confirm[0].recipient, "budi.new@example.co.id");

    let mails = app.smtp.wait_for(2, Duration::from_secs(10)).await;
    let to_new = mails
        .iter()
        .find(|mail| mail.to == ["budi.new@example.co.id".to_owned()])
        .expect("a mail to the new address");
    let link = confirm_link_in(&to_new.data);

    // Opening the link changes nothing (mail scanners open links).
    let link_cookie = app.open_link_to(&link, "/confirm-email").await;
    assert_eq!(app.user_row("budi").await.email, member.email);
    let confirm_page = app
        .get_page("/confirm-email", &link_cookie)
        .await
        .text()
        .await
        .unwrap();
    assert!(
        confirm_page.contains("budi.new@example.co.id"),
        "{confirm_page}"
    );

    // The same link is no password reset link.
    let as_reset = app
        .set_password(&link_cookie, "plum tractor whistle", "plum tractor whistle")
        .await;
    assert_eq!(as_reset.status(), 410);

    let confirmed = app
        .post_form("/api/confirm_email", &[], &[("cookie", &link_cookie)])
        .await;
    assert_eq!(confirmed.status(), 200, "{:?}", confirmed.text().await);
    assert_eq!(app.user_row("budi").await.email, "budi.new@example.co.id");
    assert!(
        !app.still_signed_in(&member_cookie).await,
        "the user's sessions end"
    );
    let effect = app.mails_to("email_changed").await;
    assert_eq!(effect.len(), 1);
    assert_eq!(
        effect[0].recipient, member.email,
        "the old address is told again"
    );
    assert_eq!(app.events("email_changed", "succeeded").await.len(), 1);

    let again = app
        .post_form("/api/confirm_email", &[], &[("cookie", &link_cookie)])
        .await;
    assert_eq!(again.status(), 410, "single use");
}

#[tokio::test]
async fn a_wrong_password_confirmation_is_throttled_like_a_login_and_audited() {
    let app = spawn_app().await;
    let (admin, _, _) = two_companies(&app).await;
    let cookie = app.cookie_for(&admin).await;

    for attempt in 1..=5 {
        let wrong = app.reauthenticate(&cookie, "not my password").await;
        assert_eq!(wrong.status(), 403, "attempt {attempt}");
        assert!(
            wrong
                .text()
                .await
                .unwrap()
                .contains("WrongExistingPassword")
        );
    }
    let throttled = app.reauthenticate(&cookie, &admin.password).await;
    assert_eq!(throttled.status(), 429);
    assert!(throttled.headers().contains_key("retry-after"));
    // The same counter as Account Settings' Existing password (a signed-in user's own):
    // strangers failing at the login page cannot fill it, nor can this form block the login
    // page for everyone else.
    assert_eq!(
        app.log_in(&admin.username, &admin.password).await.status(),
        200
    );
    assert_eq!(app.events("admin_reauthenticated", "failed").await.len(), 5);
    assert_eq!(
        app.events("admin_reauthenticated", "throttled").await.len(),
        1
    );
}

#[tokio::test]
async fn an_admin_cannot_change_another_admins_email() {
    let app = spawn_app().await;
    let (admin, _, _) = two_companies(&app).await;
    let other = app
        .create_user_in("PT Maju Jaya", "dewi", Role::Admin)
        .await;
    let cookie = app.reauthenticated_cookie(&admin).await;
    let other_id = app.user_id(&other.username).await;

    let refused = app
        .request_email_change(&cookie, &other_id, "attacker@example.com")
        .await;

    assert_eq!(refused.status(), 403);
    assert!(refused.text().await.unwrap().contains("TargetIsAdmin"));
    assert_eq!(app.user_row("dewi").await.email, other.email);
    assert_eq!(
        outbox_message::Entity::find().count(&app.db).await.unwrap(),
        0
    );
    assert_eq!(
        app.events("email_change_requested", "target_is_admin")
            .await
            .len(),
        1
    );
}

#[tokio::test]
async fn a_role_change_without_a_fresh_password_confirmation_is_refused() {
    let app = spawn_app().await;
    let (admin, member, _) = two_companies(&app).await;
    let member_id = app.user_id(&member.username).await;
    let promote = [
        ("user_id", member_id.as_str()),
        ("admin", "true"),
        ("return_to", "/settings"),
    ];

    let cookie = app.cookie_for(&admin).await;
    let refused = app.admin_post(&cookie, "set_role", &promote).await;
    assert_eq!(refused.status(), 403);
    assert!(refused.text().await.unwrap().contains("ReauthRequired"));
    assert_eq!(app.user_row("budi").await.role, Role::Member);
    assert_eq!(app.events("role_changed", "reauth_required").await.len(), 1);

    let confirmed = app.reauthenticate(&cookie, &admin.password).await;
    assert_eq!(confirmed.status(), 200);
    let promoted = app.admin_post(&cookie, "set_role", &promote).await;
    assert_eq!(promoted.status(), 200);
    assert_eq!(app.user_row("budi").await.role, Role::Admin);
}

#[tokio::test]
async fn an_invitation_naming_another_companys_user_answers_like_success_and_sends_nothing() {
    let app = spawn_app().await;
    let (admin, member, stranger) = two_companies(&app).await;
    let cookie = app.cookie_for(&admin).await;

    let genuine = app.invite(&cookie, "eko", "eko@example.co.id").await;
    let by_username = app
        .invite(&cookie, &stranger.username, "fresh@example.co.id")
        .await;
    let by_email = app.invite(&cookie, "fajar", &stranger.email).await;

    let answer = |response: &reqwest::Response| {
        (
            response.status().as_u16(),
            response.headers().get("location").cloned(),
        )
    };
    assert_eq!(answer(&genuine).0, 200);
    assert_eq!(answer(&by_username), answer(&genuine), "same as success");
    assert_eq!(answer(&by_email), answer(&genuine), "same as success");
    assert_eq!(app.mails_to_address(&stranger.email).await, 0);
    assert_eq!(app.mails_to_address("fresh@example.co.id").await, 0);
    assert_eq!(
        app.mails_to("invitation").await.len(),
        1,
        "only the genuine one"
    );

    let stranger_company = app
        .user_row(&stranger.username)
        .await
        .company_id
        .to_string();
    let admin_company = app.user_row(&admin.username).await.company_id.to_string();
    let conflicts = app.events("account_conflict", "succeeded").await;
    assert_eq!(conflicts.len(), 2, "{conflicts:?}");
    for conflict in &conflicts {
        assert_eq!(
            conflict.company_id, None,
            "for the operator, not a company's trail"
        );
        let details = conflict.details.as_deref().unwrap_or_default();
        assert!(
            details.contains(&stranger_company) && details.contains(&admin_company),
            "{details}"
        );
    }
    let status = latch_server::commands::mail_status(&app.settings, false)
        .await
        .unwrap();
    assert!(
        status.contains("another company"),
        "the operator sees it: {status}"
    );

    // In the admin's own company, a taken username still says so.
    let own = app
        .invite(&cookie, &member.username, "other@example.co.id")
        .await;
    assert_eq!(own.status(), 409);
    assert!(own.text().await.unwrap().contains("UsernameTaken"));
}

#[tokio::test]
async fn an_email_change_to_another_companys_address_answers_like_success_and_sends_nothing() {
    let app = spawn_app().await;
    let (admin, member, stranger) = two_companies(&app).await;
    let cookie = app.reauthenticated_cookie(&admin).await;
    let member_id = app.user_id(&member.username).await;

    let answered = app
        .request_email_change(&cookie, &member_id, &stranger.email)
        .await;

    assert_eq!(answered.status(), 200);
    assert_eq!(
        answered.headers()["location"],
        format!("/settings/users/{member_id}?notice=email-change-pending")
    );
    assert_eq!(app.mails_to_address(&stranger.email).await, 0);
    assert_eq!(app.user_row("budi").await.email, member.email);
    assert_eq!(app.events("account_conflict", "succeeded").await.len(), 1);
    let page = app
        .get_page(&format!("/settings/users/{member_id}"), &cookie)
        .await
        .text()
        .await
        .unwrap();
    assert!(
        page.contains(&format!("Waiting for confirmation at {}", stranger.email)),
        "shown exactly as a genuine request: {page}"
    );
}

#[tokio::test]
async fn invitations_and_email_changes_are_throttled_per_admin() {
    let app = spawn_app().await;
    let (admin, member, _) = two_companies(&app).await;
    let cookie = app.reauthenticated_cookie(&admin).await;
    let member_id = app.user_id(&member.username).await;

    // 20 an hour per admin, invitations and email changes together.
    for n in 0..19 {
        let invited = app
            .invite(
                &cookie,
                &format!("staff{n:02}"),
                &format!("staff{n:02}@example.co.id"),
            )
            .await;
        assert_eq!(invited.status(), 200, "invitation {n}");
    }
    let changed = app
        .request_email_change(&cookie, &member_id, "budi.new@example.co.id")
        .await;
    assert_eq!(changed.status(), 200, "the 20th");

    let refused = app
        .invite(&cookie, "staff99", "staff99@example.co.id")
        .await;
    assert_eq!(refused.status(), 429);
    assert!(refused.headers().contains_key("retry-after"));
    assert!(
        refused
            .text()
            .await
            .unwrap()
            .contains("NewAddressesThrottled")
    );
    let refused_change = app
        .request_email_change(&cookie, &member_id, "budi.other@example.co.id")
        .await;
    assert_eq!(refused_change.status(), 429);

    // Without JavaScript the refusal is the form again, with its status and what was typed.
    let plain = app
        .post_page(
            "/settings/users/new",
            "/api/admin/invite",
            &[
                ("name", "Sari Dewi"),
                ("username", "sari"),
                ("email", "sari@example.co.id"),
                ("role", "admin"),
            ],
            &[("cookie", &cookie), ("accept-language", "en")],
        )
        .await;
    assert_eq!(plain.status(), 429);
    assert!(plain.headers().contains_key("retry-after"));
    let form = plain.text().await.unwrap();
    assert!(
        form.contains("You sent many invitations or email changes recently"),
        "{form}"
    );
    for typed in ["Sari Dewi", "sari@example.co.id", r#"value="sari""#] {
        assert!(form.contains(typed), "{typed} is kept: {form}");
    }
    assert_eq!(app.mails_to("invitation").await.len(), 19);
    assert_eq!(app.events("user_invited", "throttled").await.len(), 2);
    assert!(
        user::Entity::find()
            .filter(user::Column::Username.eq("staff99"))
            .one(&app.db)
            .await
            .unwrap()
            .is_none()
    );
}

#[tokio::test]
async fn invitations_are_throttled_per_company() {
    let app = spawn_app().await;
    let admins = [
        app.create_user_in("PT Maju Jaya", "adi", Role::Admin).await,
        app.create_user_in("PT Maju Jaya", "dewi", Role::Admin)
            .await,
        app.create_user_in("PT Maju Jaya", "gita", Role::Admin)
            .await,
    ];
    let mut cookies = Vec::new();
    for admin in &admins {
        cookies.push(app.cookie_for(admin).await);
    }
    // 50 an hour per company: 20 + 20 + 10.
    let mut n = 0;
    for (cookie, count) in cookies.iter().zip([20, 20, 10]) {
        for _ in 0..count {
            let invited = app
                .invite(
                    cookie,
                    &format!("staff{n:02}"),
                    &format!("staff{n:02}@example.co.id"),
                )
                .await;
            assert_eq!(invited.status(), 200, "invitation {n}");
            n += 1;
        }
    }
    let refused = app
        .invite(&cookies[2], "staff99", "staff99@example.co.id")
        .await;
    assert_eq!(refused.status(), 429);
    assert_eq!(app.mails_to("invitation").await.len(), 50);
}
