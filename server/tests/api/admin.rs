//! Company admins: the user list, "Reset Password", invitations, access, email fixes, activity
//! — and that nobody else can do any of it.

use std::time::Duration;

use latch_core::entities::{audit_event, outbox_message, reset_token, user};
use latch_core::password_reset::LinkPurpose;
use latch_domain::Role;
use sea_orm::{ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter};

use crate::helpers::{TestApp, TestUser, link_in, reset_link_in, spawn_app, unfolded};

impl TestApp {
    pub(crate) async fn user_id(&self, username: &str) -> String {
        self.user_row(username).await.id.to_string()
    }

    pub(crate) async fn admin_post(
        &self,
        cookie: &str,
        endpoint: &str,
        form: &[(&str, &str)],
    ) -> reqwest::Response {
        self.post_form(
            &format!("/api/admin/{endpoint}"),
            form,
            &[("cookie", cookie)],
        )
        .await
    }

    pub(crate) async fn mails_to(&self, template: &str) -> Vec<outbox_message::Model> {
        outbox_message::Entity::find()
            .filter(outbox_message::Column::Template.eq(template))
            .all(&self.db)
            .await
            .unwrap()
    }
}

/// An admin and a member of PT Maju Jaya, and an admin of another company.
pub(crate) async fn two_companies(app: &TestApp) -> (TestUser, TestUser, TestUser) {
    let admin = app.create_user_in("PT Maju Jaya", "adi", Role::Admin).await;
    let member = app.create_user("budi").await;
    let stranger = app.create_user_in("CV Lain", "citra", Role::Admin).await;
    (admin, member, stranger)
}

#[tokio::test]
async fn the_admin_sees_only_their_company_in_profile_settings() {
    let app = spawn_app().await;
    let (admin, member, stranger) = two_companies(&app).await;

    let page = app
        .get_with_cookie("/settings", Some(&app.cookie_for(&admin).await))
        .await
        .text()
        .await
        .unwrap();
    assert!(page.contains("Users"), "{page}");
    assert!(page.contains(&member.email));
    assert!(page.contains("Reset Password"));
    assert!(
        !page.contains(&stranger.email),
        "another company's user is listed"
    );

    let member_page = app
        .get_with_cookie("/settings", Some(&app.cookie_for(&member).await))
        .await
        .text()
        .await
        .unwrap();
    assert!(
        !member_page.contains("Reset Password"),
        "a member sees no user list"
    );
    assert!(!member_page.contains(&admin.email));
}

#[tokio::test]
async fn reset_password_queues_a_mail_with_a_working_link_the_admin_never_sees() {
    let app = spawn_app().await;
    let (admin, member, _) = two_companies(&app).await;
    let cookie = app.cookie_for(&admin).await;
    let member_id = app.user_id(&member.username).await;

    let response = app
        .admin_post(
            &cookie,
            "reset_password",
            &[("user_id", &member_id), ("return_to", "/settings?q=budi")],
        )
        .await;
    assert_eq!(response.status(), 200);
    let location = response.headers()["location"].to_str().unwrap().to_owned();
    assert_eq!(
        location,
        format!("/settings?q=budi&notice=reset-sent%3A{member_id}")
    );
    let body = response.text().await.unwrap();
    assert!(
        !body.contains("token"),
        "the admin never sees the link: {body}"
    );

    let mails = app.smtp.wait_for(1, Duration::from_secs(10)).await;
    assert_eq!(mails[0].to, std::slice::from_ref(&member.email));
    // The list shows what was sent and how its delivery went (never the link).
    let mut listed = String::new();
    for _ in 0..50 {
        listed = app
            .get_with_cookie("/settings", Some(&cookie))
            .await
            .text()
            .await
            .unwrap();
        if listed.contains("delivered") {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert!(listed.contains("Reset Password link"), "{listed}");
    assert!(listed.contains("delivered"));
    assert!(!listed.contains("token="));
    let text = unfolded(&mails[0].data);
    assert!(
        text.contains(&member.username),
        "the mail names the username"
    );
    assert!(text.contains("24 hours"), "{text}");
    let link = reset_link_in(&mails[0].data);

    // The member opens it and sets a password.
    let reset_cookie = app.open_link(&link).await;
    let set = app
        .set_password(
            &reset_cookie,
            "plum tractor whistle",
            "plum tractor whistle",
        )
        .await;
    assert_eq!(set.status(), 200);
    assert_eq!(
        app.log_in(&member.username, "plum tractor whistle")
            .await
            .status(),
        200
    );

    let token = reset_token::Entity::find()
        .one(&app.db)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(token.purpose, LinkPurpose::AdminReset);
    let audited = audit_event::Entity::find()
        .filter(audit_event::Column::Kind.eq("admin_password_reset"))
        .one(&app.db)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(
        audited.actor_user_id.unwrap().to_string(),
        app.user_id(&admin.username).await
    );
    assert_eq!(audited.target_user_id.unwrap().to_string(), member_id);
    assert_eq!(
        audited.client_ip.as_deref(),
        Some("127.0.0.1"),
        "from which address"
    );
}

#[tokio::test]
async fn members_and_other_companies_admins_are_refused_with_no_side_effect() {
    let app = spawn_app().await;
    let (admin, member, stranger) = two_companies(&app).await;
    let admin_id = app.user_id(&admin.username).await;
    let member_id = app.user_id(&member.username).await;
    let member_cookie = app.cookie_for(&member).await;
    let stranger_cookie = app.cookie_for(&stranger).await;

    for (cookie, status) in [(&member_cookie, 403), (&stranger_cookie, 404)] {
        for (endpoint, form) in [
            (
                "reset_password",
                vec![("user_id", admin_id.as_str()), ("return_to", "/settings")],
            ),
            (
                "set_active",
                vec![
                    ("user_id", member_id.as_str()),
                    ("active", "false"),
                    ("return_to", "/settings"),
                ],
            ),
            (
                "set_role",
                vec![
                    ("user_id", member_id.as_str()),
                    ("admin", "true"),
                    ("return_to", "/settings"),
                ],
            ),
            (
                "change_email",
                vec![
                    ("user_id", member_id.as_str()),
                    ("email", "evil@example.com"),
                    ("return_to", "/settings"),
                ],
            ),
            ("user", vec![("user_id", member_id.as_str())]),
        ] {
            let response = app.admin_post(cookie, endpoint, &form).await;
            assert_eq!(response.status(), status, "{endpoint}");
        }
    }
    let listed = app
        .admin_post(
            &member_cookie,
            "users",
            &[
                ("search", ""),
                ("sort", "name"),
                ("descending", "false"),
                ("page", "1"),
            ],
        )
        .await;
    assert_eq!(listed.status(), 403);
    let invited = app
        .admin_post(
            &member_cookie,
            "invite",
            &[
                ("name", "X"),
                ("username", "xx1"),
                ("email", "x@example.com"),
                ("role", "admin"),
            ],
        )
        .await;
    assert_eq!(invited.status(), 403);
    let signed_out = app
        .post_form(
            "/api/admin/users",
            &[
                ("search", ""),
                ("sort", "name"),
                ("descending", "false"),
                ("page", "1"),
            ],
            &[],
        )
        .await;
    assert_eq!(signed_out.status(), 401);

    // Nothing happened.
    assert_eq!(
        outbox_message::Entity::find().count(&app.db).await.unwrap(),
        0
    );
    let budi = user::Entity::find()
        .filter(user::Column::Username.eq("budi"))
        .one(&app.db)
        .await
        .unwrap()
        .unwrap();
    assert!(budi.active);
    assert_eq!(budi.role, Role::Member);
    assert_eq!(budi.email, member.email);
    assert_eq!(user::Entity::find().count(&app.db).await.unwrap(), 3);
    // A made-up id is simply unknown.
    let made_up = app
        .admin_post(
            &app.cookie_for(&admin).await,
            "reset_password",
            &[("user_id", "not-a-uuid"), ("return_to", "/settings")],
        )
        .await;
    assert_eq!(made_up.status(), 404);
}

#[tokio::test]
async fn admin_resets_are_throttled_per_user() {
    let app = spawn_app().await;
    let (admin, member, _) = two_companies(&app).await;
    let cookie = app.cookie_for(&admin).await;
    let member_id = app.user_id(&member.username).await;
    for _ in 0..3 {
        let ok = app
            .admin_post(
                &cookie,
                "reset_password",
                &[("user_id", &member_id), ("return_to", "/settings")],
            )
            .await;
        assert_eq!(ok.status(), 200);
    }
    let blocked = app
        .admin_post(
            &cookie,
            "reset_password",
            &[("user_id", &member_id), ("return_to", "/settings")],
        )
        .await;
    assert_eq!(blocked.status(), 429);
    assert!(blocked.text().await.unwrap().contains("UserMailThrottled"));
    assert_eq!(app.mails_to("admin_reset").await.len(), 3);
}

#[tokio::test]
async fn invitations_create_a_user_who_chooses_their_own_password() {
    let app = spawn_app().await;
    let (admin, _, _) = two_companies(&app).await;
    let cookie = app.cookie_for(&admin).await;

    let response = app
        .admin_post(
            &cookie,
            "invite",
            &[
                ("name", "Dewi Lestari"),
                ("username", "dewi"),
                ("email", "dewi@example.co.id"),
                ("role", "member"),
            ],
        )
        .await;
    assert_eq!(response.status(), 200);
    assert_eq!(
        response.headers()["location"],
        "/settings/users/new?notice=invited"
    );
    let dewi = user::Entity::find()
        .filter(user::Column::Username.eq("dewi"))
        .one(&app.db)
        .await
        .unwrap()
        .unwrap();
    assert!(dewi.password_hash.is_none());
    assert_eq!(
        dewi.company_id.to_string(),
        user::Entity::find()
            .filter(user::Column::Username.eq("adi"))
            .one(&app.db)
            .await
            .unwrap()
            .unwrap()
            .company_id
            .to_string()
    );

    let mails = app.smtp.wait_for(1, Duration::from_secs(10)).await;
    let text = unfolded(&mails[0].data);
    assert!(text.contains("You have been invited"), "{text}");
    assert!(text.contains("72 hours"), "{text}");
    assert_eq!(app.log_in("dewi", "anything at all").await.status(), 401);

    let taken = app
        .admin_post(
            &cookie,
            "invite",
            &[
                ("name", "Dewi Dua"),
                ("username", "dewi"),
                ("email", "other@example.co.id"),
                ("role", "member"),
            ],
        )
        .await;
    assert_eq!(taken.status(), 409);
    assert!(taken.text().await.unwrap().contains("UsernameTaken"));
    let bad = app
        .admin_post(
            &cookie,
            "invite",
            &[
                ("name", "Eko"),
                ("username", "e"),
                ("email", "eko@example.co.id"),
                ("role", "member"),
            ],
        )
        .await;
    assert_eq!(bad.status(), 422);
}

#[tokio::test]
async fn without_javascript_a_refused_invitation_shows_add_user_again_as_typed() {
    let app = spawn_app().await;
    let (admin, member, _) = two_companies(&app).await;
    let cookie = app.cookie_for(&admin).await;

    let taken = app
        .post_page(
            "/settings/users/new",
            "/api/admin/invite",
            &[
                ("name", "Budi Kedua"),
                ("username", &member.username),
                ("email", "budi.kedua@example.co.id"),
                ("role", "admin"),
            ],
            &[("cookie", &cookie), ("accept-language", "en")],
        )
        .await;

    assert_eq!(taken.status(), 409);
    assert!(taken.headers().get("location").is_none());
    let page = taken.text().await.unwrap();
    assert!(page.contains(r#"role="alert""#), "{page}");
    assert!(page.contains(r#"value="Budi Kedua""#), "{page}");
    assert!(
        page.contains(&format!(r#"value="{}""#, member.username)),
        "{page}"
    );
    assert!(
        page.contains(r#"value="budi.kedua@example.co.id""#),
        "{page}"
    );
    assert!(page.contains(r#"<option value="admin" selected"#), "{page}");
}

#[tokio::test]
async fn a_page_showing_a_refusal_to_a_browser_keeps_its_own_status() {
    // Only a post's refusal sets the answer's status; a page's own data refused (a member on
    // Activity) is a sentence on a page that loaded fine.
    let app = spawn_app().await;
    let (_, member, _) = two_companies(&app).await;
    let cookie = app.cookie_for(&member).await;

    let page = app.get_page("/settings/activity", &cookie).await;

    assert_eq!(page.status(), 200);
    let page = page.text().await.unwrap();
    assert!(page.contains("Only your company"), "{page}");
}

#[tokio::test]
async fn deactivation_ends_sessions_and_blocks_login_and_reset_mail() {
    let app = spawn_app().await;
    let (admin, member, _) = two_companies(&app).await;
    let cookie = app.cookie_for(&admin).await;
    let member_cookie = app.cookie_for(&member).await;
    let member_id = app.user_id(&member.username).await;

    let off = app
        .admin_post(
            &cookie,
            "set_active",
            &[
                ("user_id", &member_id),
                ("active", "false"),
                ("return_to", "/settings"),
            ],
        )
        .await;
    assert_eq!(off.status(), 200);
    assert_eq!(
        app.get_with_cookie("/settings", Some(&member_cookie))
            .await
            .status(),
        303,
        "signed out"
    );
    assert_eq!(
        app.log_in(&member.username, &member.password)
            .await
            .status(),
        401
    );
    app.post_form("/api/request_reset", &[("email", &member.email)], &[])
        .await;
    let reset = app
        .admin_post(
            &cookie,
            "reset_password",
            &[("user_id", &member_id), ("return_to", "/settings")],
        )
        .await;
    assert_eq!(reset.status(), 409);
    assert!(
        app.smtp
            .wait_for(1, Duration::from_secs(2))
            .await
            .is_empty(),
        "no mail to a deactivated user"
    );

    let on = app
        .admin_post(
            &cookie,
            "set_active",
            &[
                ("user_id", &member_id),
                ("active", "true"),
                ("return_to", "/settings"),
            ],
        )
        .await;
    assert_eq!(on.status(), 200);
    assert_eq!(
        app.log_in(&member.username, &member.password)
            .await
            .status(),
        200
    );
}

#[tokio::test]
async fn the_last_admin_cannot_deactivate_or_demote_themself() {
    let app = spawn_app().await;
    let (admin, member, _) = two_companies(&app).await;
    let cookie = app.reauthenticated_cookie(&admin).await;
    let admin_id = app.user_id(&admin.username).await;

    for (endpoint, field, value) in [
        ("set_active", "active", "false"),
        ("set_role", "admin", "false"),
    ] {
        let refused = app
            .admin_post(
                &cookie,
                endpoint,
                &[
                    ("user_id", &admin_id),
                    (field, value),
                    ("return_to", "/settings"),
                ],
            )
            .await;
        assert_eq!(refused.status(), 409, "{endpoint}");
        assert!(refused.text().await.unwrap().contains("LastAdmin"));
    }
    // With a second admin, stepping down is fine.
    let member_id = app.user_id(&member.username).await;
    app.admin_post(
        &cookie,
        "set_role",
        &[
            ("user_id", &member_id),
            ("admin", "true"),
            ("return_to", "/settings"),
        ],
    )
    .await;
    let demoted = app
        .admin_post(
            &cookie,
            "set_role",
            &[
                ("user_id", &admin_id),
                ("admin", "false"),
                ("return_to", "/settings"),
            ],
        )
        .await;
    assert_eq!(demoted.status(), 200);
}

#[tokio::test]
async fn fixing_an_email_kills_old_links_once_confirmed_and_tells_the_old_address() {
    let app = spawn_app().await;
    let (admin, member, _) = two_companies(&app).await;
    let cookie = app.reauthenticated_cookie(&admin).await;
    let member_id = app.user_id(&member.username).await;
    app.admin_post(
        &cookie,
        "reset_password",
        &[("user_id", &member_id), ("return_to", "/settings")],
    )
    .await;
    let change = |email: &str| {
        let form = [
            ("user_id", member_id.clone()),
            ("email", email.to_owned()),
            ("return_to", format!("/settings/users/{member_id}")),
        ];
        let request = app
            .client
            .post(format!("{}/api/admin/change_email", app.address))
            .header("cookie", &cookie)
            .form(&form);
        async move { request.send().await.unwrap() }
    };

    // An address of the admin's own company is taken, and says so.
    assert_eq!(change(&admin.email).await.status(), 409);
    assert_eq!(change("not an email").await.status(), 422);

    let requested = change("budi.new@example.co.id").await;
    assert_eq!(requested.status(), 200);
    assert!(
        reset_token::Entity::find()
            .filter(reset_token::Column::Purpose.eq(LinkPurpose::AdminReset))
            .all(&app.db)
            .await
            .unwrap()
            .iter()
            .all(|t| t.revoked_at.is_none()),
        "nothing changes before the new address confirms"
    );
    let mails = app.smtp.wait_for(3, Duration::from_secs(10)).await;
    let confirmation = mails
        .iter()
        .find(|m| m.to == ["budi.new@example.co.id".to_owned()])
        .expect("a confirmation to the new address");
    let link = link_in(&confirmation.data, "confirm-email");
    let link_cookie = app.open_link_to(&link, "/confirm-email").await;
    let confirmed = app
        .post_form("/api/confirm_email", &[], &[("cookie", &link_cookie)])
        .await;
    assert_eq!(confirmed.status(), 200);

    assert!(
        reset_token::Entity::find()
            .all(&app.db)
            .await
            .unwrap()
            .iter()
            .all(|t| t.revoked_at.is_some() || t.used_at.is_some()),
        "older links die"
    );
    let notice = app.mails_to("email_changed").await;
    assert_eq!(notice.len(), 1);
    assert_eq!(notice[0].recipient, member.email, "the old address is told");
    assert_eq!(
        audit_event::Entity::find()
            .filter(audit_event::Column::Kind.eq("email_changed"))
            .count(&app.db)
            .await
            .unwrap(),
        1
    );
}

#[tokio::test]
async fn search_sort_and_pages_are_done_by_the_database() {
    let app = spawn_app().await;
    let admin = app.create_user_in("PT Maju Jaya", "adi", Role::Admin).await;
    for n in 0..30 {
        app.create_user(&format!("staff{n:02}")).await;
    }
    let cookie = app.cookie_for(&admin).await;
    let list =
        |search: &'static str, sort: &'static str, descending: &'static str, page: &'static str| {
            let cookie = cookie.clone();
            let app = &app;
            async move {
                app.admin_post(
                    &cookie,
                    "users",
                    &[
                        ("search", search),
                        ("sort", sort),
                        ("descending", descending),
                        ("page", page),
                    ],
                )
                .await
                .text()
                .await
                .unwrap()
            }
        };
    let first = list("", "username", "false", "1").await;
    assert!(first.contains(r#""total":31"#), "{first}");
    assert!(first.contains(r#""page_count":2"#));
    assert!(first.contains("adi@") && first.contains("staff00@") && !first.contains("staff29@"));
    let second = list("", "username", "false", "2").await;
    assert!(second.contains("staff29@") && !second.contains("staff00@"));
    let descending = list("", "username", "true", "1").await;
    assert!(descending.find("staff29@").unwrap() < descending.find("staff28@").unwrap());
    let search = list("STAFF1", "name", "false", "1").await;
    assert!(search.contains(r#""total":10"#), "{search}");
    let wildcard = list("%", "name", "false", "1").await;
    assert!(
        wildcard.contains(r#""total":0"#),
        "% matches itself only: {wildcard}"
    );
}

#[tokio::test]
async fn a_failed_delivery_shows_its_reason_in_the_list_and_can_be_fixed() {
    use crate::helpers::UNKNOWN_MAILBOX;
    use latch_core::accounts::{self, NewUser};
    use latch_domain::{CompanyName, DisplayName, Email, Username};

    let app = spawn_app().await;
    let admin = app.create_user_in("PT Maju Jaya", "adi", Role::Admin).await;
    let bouncing = NewUser {
        company: CompanyName::parse("PT Maju Jaya").unwrap(),
        username: Username::parse("eko").unwrap(),
        email: Email::parse(&format!("{UNKNOWN_MAILBOX}@example.co.id")).unwrap(),
        display_name: DisplayName::parse("Eko Prasetyo").unwrap(),
        role: Role::Member,
    };
    accounts::add_user(&app.db, bouncing, None, chrono::Utc::now())
        .await
        .unwrap();
    let cookie = app.reauthenticated_cookie(&admin).await;
    let eko_id = app.user_id("eko").await;

    app.admin_post(
        &cookie,
        "reset_password",
        &[("user_id", &eko_id), ("return_to", "/settings")],
    )
    .await;
    let mut row = String::new();
    for _ in 0..50 {
        row = app
            .get_with_cookie(&format!("/settings/users/{eko_id}"), Some(&cookie))
            .await
            .text()
            .await
            .unwrap();
        if row.contains("failed") {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert!(row.contains("Reset Password link"), "{row}");
    assert!(row.contains("550"), "the server's reason is shown: {row}");
    assert!(row.contains("Check the address"), "and what to do: {row}");

    // Correct the address: the confirmation link to the new one is delivered.
    let corrected = app
        .admin_post(
            &cookie,
            "change_email",
            &[
                ("user_id", &eko_id),
                ("email", "eko@example.co.id"),
                ("return_to", "/settings"),
            ],
        )
        .await;
    assert_eq!(corrected.status(), 200);
    let mails = app.smtp.wait_for(1, Duration::from_secs(10)).await;
    assert!(
        mails
            .iter()
            .any(|m| m.to == ["eko@example.co.id".to_owned()]),
        "{mails:?}"
    );
}

#[tokio::test]
async fn without_javascript_a_refused_reset_answers_429_on_its_confirmation_page() {
    let app = spawn_app().await;
    let (admin, member, _) = two_companies(&app).await;
    let cookie = app.cookie_for(&admin).await;
    let member_id = app.user_id(&member.username).await;
    let confirmation = format!("/settings/users/{member_id}/reset?return_to=/settings%3Fq%3Dbudi");
    let form = [
        ("user_id", member_id.as_str()),
        ("return_to", "/settings?q=budi"),
    ];
    let headers = [("cookie", cookie.as_str()), ("accept-language", "en")];
    let plain_post = || app.post_page(&confirmation, "/api/admin/reset_password", &form, &headers);
    for _ in 0..3 {
        let sent = plain_post().await;
        assert_eq!(sent.status(), 302);
        assert!(
            sent.headers()["location"]
                .to_str()
                .unwrap()
                .starts_with("/settings?q=budi&notice=")
        );
    }

    let refused = plain_post().await;

    assert_eq!(refused.status(), 429);
    assert!(refused.headers().get("retry-after").is_some());
    assert!(refused.headers().get("location").is_none());
    let page = refused.text().await.unwrap();
    assert!(page.contains("sent several emails recently"), "{page}");
    assert!(page.contains(r#"role="alert""#), "{page}");
}

#[tokio::test]
async fn two_admins_demoting_each_other_at_once_leave_one_admin() {
    let app = spawn_app().await;
    let adi = app.create_user_in("PT Maju Jaya", "adi", Role::Admin).await;
    let dewi = app
        .create_user_in("PT Maju Jaya", "dewi", Role::Admin)
        .await;
    let (adi_id, dewi_id) = (app.user_id("adi").await, app.user_id("dewi").await);
    let cookies = [
        app.reauthenticated_cookie(&adi).await,
        app.reauthenticated_cookie(&dewi).await,
    ];
    let demote = |cookie: &str, target: &str| {
        app.client
            .post(format!("{}/api/admin/set_role", app.address))
            .header("cookie", cookie)
            .form(&[
                ("user_id", target),
                ("admin", "false"),
                ("return_to", "/settings"),
            ])
    };

    for round in 0..5 {
        let (by_adi, by_dewi) = (demote(&cookies[0], &dewi_id), demote(&cookies[1], &adi_id));
        let (a, d) = tokio::join!(by_adi.send(), by_dewi.send());
        let mut statuses = [a.unwrap().status().as_u16(), d.unwrap().status().as_u16()];
        statuses.sort_unstable();

        let admins = user::Entity::find()
            .filter(user::Column::Role.eq(Role::Admin))
            .filter(user::Column::Username.is_in(["adi", "dewi"]))
            .all(&app.db)
            .await
            .unwrap();
        assert_eq!(admins.len(), 1, "round {round}: {statuses:?}");
        // The other is refused: "LastAdmin" when both ran at once, or "NotAdmin" when the
        // winner's change landed before the other request was even authorized.
        assert!(
            statuses == [200, 409] || statuses == [200, 403],
            "round {round}: one wins, the other is refused: {statuses:?}"
        );

        // The one left promotes the other again for the next round.
        let (left, other) = if admins[0].username == "adi" {
            (&cookies[0], &dewi_id)
        } else {
            (&cookies[1], &adi_id)
        };
        let promoted = app
            .admin_post(
                left,
                "set_role",
                &[
                    ("user_id", other),
                    ("admin", "true"),
                    ("return_to", "/settings"),
                ],
            )
            .await;
        assert_eq!(promoted.status(), 200);
    }
}

#[tokio::test]
async fn refused_admin_calls_leave_a_trace_for_the_askers_company() {
    let app = spawn_app().await;
    let (admin, member, stranger) = two_companies(&app).await;
    let admin_id = app.user_id(&admin.username).await;
    let form = [("user_id", admin_id.as_str()), ("return_to", "/settings")];

    let by_member = app
        .admin_post(&app.cookie_for(&member).await, "reset_password", &form)
        .await;
    let by_stranger = app
        .admin_post(&app.cookie_for(&stranger).await, "reset_password", &form)
        .await;
    assert_eq!(
        (by_member.status().as_u16(), by_stranger.status().as_u16()),
        (403, 404)
    );

    let refusals = audit_event::Entity::find()
        .filter(audit_event::Column::Kind.eq("admin_refused"))
        .all(&app.db)
        .await
        .unwrap();
    assert_eq!(refusals.len(), 2, "{refusals:?}");
    let member_row = app.user_row(&member.username).await;
    let stranger_row = app.user_row(&stranger.username).await;
    for (who, outcome) in [(&member_row, "not_admin"), (&stranger_row, "unknown_user")] {
        let event = refusals
            .iter()
            .find(|event| event.actor_user_id == Some(who.id))
            .unwrap_or_else(|| panic!("no refusal by {}: {refusals:?}", who.username));
        assert_eq!(event.outcome, outcome);
        assert_eq!(
            event.company_id,
            Some(who.company_id),
            "in the asker's own trail"
        );
        assert_eq!(
            event.target_user_id, None,
            "nothing about the other company's user"
        );
        let details = event.details.as_deref().unwrap_or_default();
        assert!(
            details.contains(&admin_id) && details.contains("admin_reset"),
            "{details}"
        );
    }
}
