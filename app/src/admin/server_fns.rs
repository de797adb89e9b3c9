//! The admin's server functions: thin shims over `latch_core::admin`. Each one starts from
//! the session (`require_admin`) and finds target users through the admin, so a member, or an
//! admin of another company, gets a refusal and causes nothing.

use leptos::prelude::*;

use super::types::{ActivityPage, UserPage, UserRow};
use crate::error::AppError;

/// One page of the admin's company's users.
#[server(name = ListUsers, prefix = "/api", endpoint = "admin/users")]
pub async fn list_users(
    search: String,
    sort: String,
    descending: bool,
    page: u64,
) -> Result<UserPage, AppError> {
    use crate::server::*;
    use latch_core::admin::{self, UserQuery, UserSort};

    let context = server_context()?;
    // Read before any await: the request's context is only certain until then.
    let reader = request_info();
    let admin = require_admin()?;
    let sort = match sort.as_str() {
        "username" => UserSort::Username,
        "email" => UserSort::Email,
        "role" => UserSort::Role,
        "last_login" => UserSort::LastLogin,
        _ => UserSort::Name,
    };
    let query = UserQuery {
        search,
        sort,
        descending,
        page,
        ..UserQuery::default()
    };
    let reset_hours = context.admin_policy.reset_link_valid_for.num_hours();
    let found = admin::list_users(&context.db, &admin, &query)
        .await
        .map_err(unexpected)?;
    Ok(UserPage {
        total: found.total,
        page: found.page,
        page_count: found.page_count(),
        rows: found
            .rows
            .into_iter()
            .map(|row| wire_row(row, reset_hours, &reader))
            .collect(),
    })
}

/// One user of the admin's company (for the confirmation and management pages).
#[server(name = AdminGetUser, prefix = "/api", endpoint = "admin/user")]
pub async fn get_user(user_id: String) -> Result<UserRow, AppError> {
    use crate::server::*;
    use latch_core::admin::{self, Actor};

    let context = server_context()?;
    // Read before any await: the request's context is only certain until then.
    let reader = request_info();
    let admin = require_admin()?;
    let target = find_target(&context, Actor::Admin(&admin), &user_id).await?;
    let row = admin::user_row(&context.db, &target)
        .await
        .map_err(unexpected)?;
    Ok(wire_row(
        row,
        context.admin_policy.reset_link_valid_for.num_hours(),
        &reader,
    ))
}

/// "Reset Password" on a row: emails the user a link; the admin never sees it.
#[server(name = AdminResetPassword, prefix = "/api", endpoint = "admin/reset_password")]
pub async fn admin_reset_password(user_id: String, return_to: String) -> Result<(), AppError> {
    use crate::server::*;
    use latch_core::admin::{self, Actor};

    let context = server_context()?;
    // Read before any await: the request's context is only certain until then.
    let client_ip = request_info().client_ip;
    let result = async {
        let admin = require_admin()?;
        let actor = Actor::Admin(&admin);
        let target = find_target(&context, actor, &user_id).await?;
        let now = chrono::Utc::now();
        admin::admin_reset(
            &context.db,
            admin::AdminReset {
                policy: &context.admin_policy,
                actor,
                target: &target,
                public_url: &context.public_url,
                client_ip,
            },
            now,
        )
        .await
        .map_err(|err| admin_error(err, now))
    }
    .await;
    // Without JavaScript the form was on the confirmation page: a refusal is shown there.
    let confirmation_page = format!(
        "/settings/users/{}/reset?return_to={}",
        crate::urlencode(user_id.trim()),
        crate::urlencode(latch_domain::local_path_or_home(Some(&return_to)))
    );
    finish(
        result,
        <AdminResetPassword as leptos::server_fn::ServerFn>::PATH,
        &return_to,
        Some(&confirmation_page),
        &format!("reset-sent:{user_id}"),
    )
}

/// "Deactivate user" / "Reactivate user".
#[server(name = AdminSetActive, prefix = "/api", endpoint = "admin/set_active")]
pub async fn set_active(user_id: String, active: bool, return_to: String) -> Result<(), AppError> {
    use crate::server::*;
    use latch_core::admin::{self, Actor};

    let context = server_context()?;
    // Read before any await: the request's context is only certain until then.
    let client_ip = request_info().client_ip;
    let result = async {
        let admin = require_admin()?;
        let actor = Actor::Admin(&admin);
        let target = find_target(&context, actor, &user_id).await?;
        let now = chrono::Utc::now();
        admin::set_active(&context.db, actor, &target, active, client_ip, now)
            .await
            .map_err(|err| admin_error(err, now))
    }
    .await;
    let notice = if active { "reactivated" } else { "deactivated" };
    finish(
        result,
        <AdminSetActive as leptos::server_fn::ServerFn>::PATH,
        &return_to,
        None,
        notice,
    )
}

/// "Make admin" / "Make member".
#[server(name = AdminSetRole, prefix = "/api", endpoint = "admin/set_role")]
pub async fn set_role(user_id: String, admin: bool, return_to: String) -> Result<(), AppError> {
    use crate::server::*;
    use latch_core::admin::{self, Actor};
    use latch_domain::Role;

    let context = server_context()?;
    // Read before any await: the request's context is only certain until then.
    let client_ip = request_info().client_ip;
    let result = async {
        let caller = require_admin()?;
        let actor = Actor::Admin(&caller);
        let target = find_target(&context, actor, &user_id).await?;
        let role = if admin { Role::Admin } else { Role::Member };
        let now = chrono::Utc::now();
        admin::set_role(&context.db, actor, &target, role, client_ip, now)
            .await
            .map_err(|err| admin_error(err, now))
    }
    .await;
    finish(
        result,
        <AdminSetRole as leptos::server_fn::ServerFn>::PATH,
        &return_to,
        None,
        "role-changed",
    )
}

/// Corrects a user's email address (e.g. after a bounced reset email).
#[server(name = AdminChangeEmail, prefix = "/api", endpoint = "admin/change_email")]
pub async fn change_email(
    user_id: String,
    email: String,
    return_to: String,
) -> Result<(), AppError> {
    use crate::server::*;
    use latch_core::admin::{self, Actor};

    let context = server_context()?;
    // Read before any await: the request's context is only certain until then.
    let client_ip = request_info().client_ip;
    let result = async {
        let admin = require_admin()?;
        let actor = Actor::Admin(&admin);
        let target = find_target(&context, actor, &user_id).await?;
        let address = latch_domain::Email::parse(&email).map_err(|_| AppError::InvalidEmail {
            email: email.clone(),
        })?;
        let now = chrono::Utc::now();
        admin::change_email(&context.db, actor, &target, &address, client_ip, now)
            .await
            .map_err(|err| admin_error(err, now))
    }
    .await;
    finish(
        result,
        <AdminChangeEmail as leptos::server_fn::ServerFn>::PATH,
        &return_to,
        None,
        "email-changed",
    )
}

/// "Add user": creates the user in the admin's company and emails an invitation.
#[server(name = AdminInviteUser, prefix = "/api", endpoint = "admin/invite")]
pub async fn invite_user(
    name: String,
    username: String,
    email: String,
    role: String,
) -> Result<(), AppError> {
    use crate::server::*;
    use latch_core::accounts::NewUser;
    use latch_core::admin::{self, Actor};
    use latch_core::entities::company;
    use latch_domain::{CompanyName, DisplayName, Email, Role, Username};
    use sea_orm::EntityTrait;

    let context = server_context()?;
    // Read before any await: the request's context is only certain until then.
    let client_ip = request_info().client_ip;
    let result = async {
        let admin = require_admin()?;
        let company = company::Entity::find_by_id(admin.company_id())
            .one(&context.db)
            .await
            .map_err(unexpected)?
            .ok_or_else(|| unexpected(anyhow::anyhow!("the admin's company is gone")))?;
        let new_user = NewUser {
            company: CompanyName::parse(&company.name).map_err(unexpected)?,
            display_name: DisplayName::parse(&name).map_err(|_| AppError::InvalidName)?,
            username: Username::parse(&username).map_err(|_| AppError::InvalidUsername)?,
            email: Email::parse(&email).map_err(|_| AppError::InvalidEmail {
                email: email.clone(),
            })?,
            role: Role::parse(&role).unwrap_or(Role::Member),
        };
        let now = chrono::Utc::now();
        admin::invite_user(
            &context.db,
            &context.admin_policy,
            Actor::Admin(&admin),
            new_user,
            &context.public_url,
            client_ip,
            now,
        )
        .await
        .map(|_| ())
        .map_err(|err| admin_error(err, now))
    }
    .await;
    finish(
        result,
        <AdminInviteUser as leptos::server_fn::ServerFn>::PATH,
        "/settings/users/new",
        None,
        "invited",
    )
}

/// One page of the company's audit trail.
#[server(name = ListActivity, prefix = "/api", endpoint = "admin/activity")]
pub async fn list_activity(kind: String, page: u64) -> Result<ActivityPage, AppError> {
    use crate::server::*;
    use latch_core::admin::{self, ActivityQuery};

    let context = server_context()?;
    // Read before any await: the request's context is only certain until then.
    let reader = request_info();
    let admin = require_admin()?;
    let query = ActivityQuery {
        kind: Some(kind).filter(|k| !k.is_empty()),
        page,
        ..ActivityQuery::default()
    };
    let found = admin::list_activity(&context.db, &admin, &query)
        .await
        .map_err(unexpected)?;
    Ok(ActivityPage {
        page_count: Ord::max(found.total.div_ceil(found.per_page), 1),
        total: found.total,
        page: found.page,
        rows: found
            .rows
            .into_iter()
            .map(|row| super::types::ActivityRow {
                at: reader.local_time(row.at),
                kind: row.kind,
                outcome: row.outcome,
                actor: row.actor,
                target: row.target,
                client_ip: row.client_ip,
            })
            .collect(),
    })
}

#[cfg(feature = "ssr")]
async fn find_target(
    context: &crate::server::ServerContext,
    actor: latch_core::admin::Actor<'_>,
    user_id: &str,
) -> Result<latch_core::admin::Target, AppError> {
    use crate::server::*;
    use latch_core::admin::AdminError;

    let Ok(id) = uuid_from(user_id) else {
        set_error_status(http::StatusCode::NOT_FOUND);
        return Err(AppError::UnknownUser);
    };
    actor.find(&context.db, id).await.map_err(|err| match err {
        AdminError::UnknownUser => {
            set_error_status(http::StatusCode::NOT_FOUND);
            AppError::UnknownUser
        }
        other => unexpected(other),
    })
}

#[cfg(feature = "ssr")]
fn uuid_from(value: &str) -> Result<sea_orm::prelude::Uuid, ()> {
    sea_orm::prelude::Uuid::parse_str(value.trim()).map_err(|_| ())
}

/// Maps a refusal to its status and message.
#[cfg(feature = "ssr")]
fn admin_error(err: latch_core::admin::AdminError, now: chrono::DateTime<chrono::Utc>) -> AppError {
    use crate::server::*;
    use http::StatusCode;
    use latch_core::admin::AdminError;

    match err {
        AdminError::NotAdmin => {
            set_error_status(StatusCode::FORBIDDEN);
            AppError::NotAdmin
        }
        AdminError::UnknownUser => {
            set_error_status(StatusCode::NOT_FOUND);
            AppError::UnknownUser
        }
        AdminError::Throttled { retry_at } => {
            let retry_after_secs = (retry_at - now).num_seconds().max(1) as u64;
            retry_later(StatusCode::TOO_MANY_REQUESTS, retry_after_secs);
            AppError::UserMailThrottled { retry_after_secs }
        }
        AdminError::Inactive => {
            set_error_status(StatusCode::CONFLICT);
            AppError::UserInactive
        }
        AdminError::LastAdmin => {
            set_error_status(StatusCode::CONFLICT);
            AppError::LastAdmin
        }
        AdminError::EmailTaken(email) => {
            set_error_status(StatusCode::CONFLICT);
            AppError::EmailTaken { email }
        }
        AdminError::UsernameTaken(username) => {
            set_error_status(StatusCode::CONFLICT);
            AppError::UsernameTaken { username }
        }
        AdminError::Unexpected(err) => {
            set_error_status(StatusCode::INTERNAL_SERVER_ERROR);
            unexpected(err)
        }
    }
}

/// Success goes back to `return_to` (a local path) with a notice; a failure goes back to the
/// form with the error (without JavaScript) and answers with its status.
#[cfg(feature = "ssr")]
fn finish(
    result: Result<(), AppError>,
    server_fn_path: &str,
    return_to: &str,
    // Where the form was, if not at `return_to` (a failed plain form post goes back there).
    error_page: Option<&str>,
    notice: &str,
) -> Result<(), AppError> {
    use crate::server::*;

    let page = latch_domain::local_path_or_home(Some(return_to));
    match result {
        Ok(()) => {
            let without_notice = strip_notice(page);
            let separator = if without_notice.contains('?') {
                '&'
            } else {
                '?'
            };
            leptos_axum::redirect(&format!(
                "{without_notice}{separator}notice={}",
                crate::urlencode(notice)
            ));
            Ok(())
        }
        Err(err) => {
            if matches!(
                err,
                AppError::InvalidEmail { .. } | AppError::InvalidName | AppError::InvalidUsername
            ) {
                set_error_status(http::StatusCode::UNPROCESSABLE_ENTITY);
            }
            let form_page = error_page.map_or_else(|| strip_notice(page), str::to_owned);
            return_to_form_with_error(&form_page, server_fn_path, &err);
            Err(err)
        }
    }
}

/// Drops an earlier `notice=` from a return address, so notices do not pile up.
#[cfg(feature = "ssr")]
fn strip_notice(page: &str) -> String {
    match page.split_once('?') {
        None => page.to_owned(),
        Some((path, query)) => {
            let kept: Vec<&str> = query
                .split('&')
                .filter(|pair| !pair.starts_with("notice="))
                .collect();
            if kept.is_empty() {
                path.to_owned()
            } else {
                format!("{path}?{}", kept.join("&"))
            }
        }
    }
}

/// `row` for the browser, its times written for `reader` (language and time zone).
#[cfg(feature = "ssr")]
fn wire_row(
    row: latch_core::admin::UserRow,
    reset_link_hours: i64,
    reader: &crate::server::RequestInfo,
) -> UserRow {
    UserRow {
        reset_link_hours,
        id: row.id.to_string(),
        display_name: row.display_name,
        username: row.username,
        email: row.email,
        is_admin: row.role == latch_domain::Role::Admin,
        active: row.active,
        has_password: row.has_password,
        last_login_at: row.last_login_at.map(|at| reader.local_time(at)),
        last_mail: row.last_mail.map(|mail| super::types::LastMail {
            template: mail.template,
            status: mail.status,
            last_error: mail.last_error,
            queued_at: reader.local_time(mail.queued_at),
            sent_at: mail.sent_at.map(|at| reader.local_time(at)),
        }),
    }
}
