//! The admin's server functions: thin shims over `latch_core::admin`. Each one starts from
//! the session ([`Call::admin`]) and finds target users through the admin, so a member, or an
//! admin of another company, gets a refusal and causes nothing.

use leptos::prelude::*;

use super::types::{ActivityPage, SecurityPolicy, UserPage, UserRow};
use crate::error::AppError;
#[cfg(feature = "ssr")]
use {
    crate::paths,
    crate::server::Call,
    latch_core::accounts::NewUser,
    latch_core::admin::{self, Actor},
    latch_core::two_factor,
    latch_domain::{CompanyName, DisplayName, Email, Role, UserSort, Username},
};

/// One page of the admin's company's users.
#[server(name = ListUsers, prefix = "/api", endpoint = "admin/users")]
pub async fn list_users(
    search: String,
    sort: String,
    descending: bool,
    page: u64,
) -> Result<UserPage, AppError> {
    let call = Call::begin()?;
    let admin = call.reply(admin_for(&call, "list_users", None).await)?;
    let sort = UserSort::parse(&sort).unwrap_or_default();
    let query = admin::UserQuery::new(search, sort, descending, page);
    let found = admin::list_users(&call.services.db, &admin, &query).await;
    call.reply(found.map(|found| found.map(|row| UserRow::new(row, &call))))
}

/// One user of the admin's company (for the confirmation and management pages), with the
/// address a pending email change waits at.
#[server(name = GetUser, prefix = "/api", endpoint = "admin/user")]
pub async fn get_user(user_id: String) -> Result<UserRow, AppError> {
    let call = Call::begin()?;
    let found = async {
        let (_, target) = admin_and_target(&call, "get_user", &user_id).await?;
        let db = &call.services.db;
        let row = admin::user_row(db, &target).await?;
        let pending = admin::pending_email(db, target.user().id, call.now()).await?;
        let two_step = two_factor::has_second_factor(db, target.user().id).await?;
        Ok::<_, AppError>((row, pending, two_step))
    };
    call.reply(found.await.map(|(row, pending, two_step)| UserRow {
        pending_email: pending,
        two_step,
        ..UserRow::new(row, &call)
    }))
}

/// "Confirm your password": lets this session change emails and roles for a few minutes.
#[server(name = Reauthenticate, prefix = "/api", endpoint = "admin/reauthenticate")]
pub async fn reauthenticate(password: String, return_to: String) -> Result<(), AppError> {
    let call = Call::begin()?;
    let result = async {
        let admin = admin_for(&call, "reauthenticate", None).await?;
        let services = &call.services;
        admin::reauthenticate(services, &admin, &password, call.client_ip(), call.now()).await?;
        Ok::<_, AppError>(paths::with_notice(local(&return_to), "reauthenticated"))
    };
    call.finish(result.await)
}

/// "Reset Password" on a row: emails the user a link; the admin never sees it.
#[server(name = AdminReset, prefix = "/api", endpoint = "admin/reset_password")]
pub async fn admin_reset(user_id: String, return_to: String) -> Result<(), AppError> {
    let call = Call::begin()?;
    let result = async {
        let (admin, target) = admin_and_target(&call, "admin_reset", &user_id).await?;
        let reset = admin::AdminReset {
            policy: &call.services.admin_policy,
            actor: Actor::Admin(&admin),
            target: &target,
            client_ip: call.client_ip(),
        };
        admin::admin_reset(&call.services.db, reset, call.now()).await?;
        let notice = format!("reset-sent:{user_id}");
        Ok::<_, AppError>(paths::with_notice(local(&return_to), &notice))
    };
    call.finish(result.await)
}

/// "Deactivate user" / "Reactivate user".
#[server(name = SetActive, prefix = "/api", endpoint = "admin/set_active")]
pub async fn set_active(user_id: String, active: bool, return_to: String) -> Result<(), AppError> {
    let call = Call::begin()?;
    let result = async {
        let (admin, target) = admin_and_target(&call, "set_active", &user_id).await?;
        let (db, by, ip) = (&call.services.db, Actor::Admin(&admin), call.client_ip());
        let webhooks = &call.services.webhooks;
        admin::set_active(db, webhooks, by, &target, active, ip, call.now()).await?;
        let notice = if active { "reactivated" } else { "deactivated" };
        Ok::<_, AppError>(paths::with_notice(local(&return_to), notice))
    };
    call.finish(result.await)
}

/// "Sign out everywhere": every session of the user ends; they stay active.
#[server(name = SignOutEverywhere, prefix = "/api", endpoint = "admin/sign_out_everywhere")]
pub async fn sign_out_everywhere(user_id: String, return_to: String) -> Result<(), AppError> {
    let call = Call::begin()?;
    let result = async {
        let (admin, target) = admin_and_target(&call, "sign_out_everywhere", &user_id).await?;
        let (db, by, ip) = (&call.services.db, Actor::Admin(&admin), call.client_ip());
        let webhooks = &call.services.webhooks;
        admin::sign_out_everywhere(db, webhooks, by, &target, ip, call.now()).await?;
        let notice = "signed-out-everywhere";
        Ok::<_, AppError>(paths::with_notice(local(&return_to), notice))
    };
    call.finish(result.await)
}

/// "Make admin" / "Make member".
#[server(name = SetRole, prefix = "/api", endpoint = "admin/set_role")]
pub async fn set_role(user_id: String, admin: bool, return_to: String) -> Result<(), AppError> {
    let call = Call::begin()?;
    let role = if admin { Role::Admin } else { Role::Member };
    let result = async {
        let (caller, target) = admin_and_target(&call, "set_role", &user_id).await?;
        let change = admin::RoleChange {
            policy: &call.services.admin_policy,
            actor: Actor::Admin(&caller),
            target: &target,
            role,
            client_ip: call.client_ip(),
            webhooks: &call.services.webhooks,
        };
        admin::set_role(&call.services.db, change, call.now()).await?;
        Ok::<_, AppError>(paths::with_notice(local(&return_to), "role-changed"))
    };
    call.finish(result.await)
}

/// Corrects a user's email address (e.g. after a bounced reset email): a link goes to the
/// new address, which takes effect once it is confirmed there.
#[server(name = ChangeEmail, prefix = "/api", endpoint = "admin/change_email")]
pub async fn change_email(
    user_id: String,
    email: String,
    return_to: String,
) -> Result<(), AppError> {
    let call = Call::begin()?;
    let result = async {
        let (admin, target) = admin_and_target(&call, "change_email", &user_id).await?;
        let address = Email::parse(&email).map_err(|_| AppError::InvalidEmail {
            email: email.clone(),
        })?;
        let change = admin::EmailChange {
            policy: &call.services.admin_policy,
            actor: Actor::Admin(&admin),
            target: &target,
            new_email: &address,
            client_ip: call.client_ip(),
            webhooks: &call.services.webhooks,
        };
        let changed = admin::change_email(&call.services.db, change, call.now()).await;
        changed.map_err(|err| AppError::from(err).keeping(&[("email", &email)]))?;
        Ok::<_, AppError>(paths::with_notice(
            local(&return_to),
            "email-change-pending",
        ))
    };
    call.finish(result.await)
}

/// "Add user": creates the user in the admin's company and emails an invitation.
#[server(name = InviteUser, prefix = "/api", endpoint = "admin/invite")]
pub async fn invite_user(
    name: String,
    username: String,
    email: String,
    role: String,
) -> Result<(), AppError> {
    let call = Call::begin()?;
    let result = async {
        let admin = admin_for(&call, "invite_user", None).await?;
        let company = admin.company_name(&call.services.db).await?;
        let invitation = admin::Invitation {
            policy: &call.services.admin_policy,
            actor: Actor::Admin(&admin),
            new_user: parse_new_user(company, &name, &username, email, &role)?,
            client_ip: call.client_ip(),
            webhooks: &call.services.webhooks,
        };
        // `None` (held back: another company's name or address) answers like success.
        admin::invite_user(&call.services.db, invitation, call.now()).await?;
        Ok::<_, AppError>(paths::with_notice(paths::ADD_USER, "invited"))
    };
    call.finish(result.await)
}

/// "Remove two-step verification" on a user who lost their phone and their recovery codes
/// (password confirmed first): the admin never sees or sets a method.
#[server(name = RemoveUserTwoStep, prefix = "/api", endpoint = "admin/remove_two_step")]
pub async fn remove_user_two_step(user_id: String, return_to: String) -> Result<(), AppError> {
    let call = Call::begin()?;
    let result = async {
        let (admin, target) = admin_and_target(&call, "remove_two_step", &user_id).await?;
        let (by, ip) = (Actor::Admin(&admin), call.client_ip());
        let (db, policy) = (&call.services.db, &call.services.admin_policy);
        two_factor::admin_remove_all(db, policy, by, &target, ip, call.now()).await?;
        Ok::<_, AppError>(paths::with_notice(local(&return_to), "two-step-removed"))
    };
    call.finish(result.await)
}

/// The company's "Security" page.
#[server(name = GetSecurityPolicy, prefix = "/api", endpoint = "admin/security")]
pub async fn get_security_policy() -> Result<SecurityPolicy, AppError> {
    let call = Call::begin()?;
    let found = async {
        let admin = admin_for(&call, "get_security_policy", None).await?;
        let current = admin::security_policy(&call.services.db, admin.company_id()).await?;
        let policy = &call.services.admin_policy;
        Ok::<_, AppError>(SecurityPolicy {
            require_two_step: current.require_2fa.as_str().to_owned(),
            new_sign_in_alerts: current.new_sign_in_alerts,
            password_confirmed: admin.recently_reauthenticated(policy, call.now()),
        })
    };
    call.reply(found.await)
}

/// The Security page's "Save": "Require two-step verification" (off, for admins, or for
/// everyone) and the new sign-in alert (`on` when the box is ticked; an unticked box sends
/// nothing). The admin's password again, unless confirmed in the last minutes.
#[server(name = SetSecurityPolicy, prefix = "/api", endpoint = "admin/set_security")]
pub async fn set_security_policy(
    require_two_step: String,
    new_sign_in_alerts: Option<String>,
    policy_password: Option<String>,
) -> Result<(), AppError> {
    let call = Call::begin()?;
    let result = async {
        let mut admin = admin_for(&call, "set_security_policy", None).await?;
        let services = &call.services;
        let (ip, now) = (call.client_ip(), call.now());
        let requirement = two_factor::Requirement::parse(&require_two_step)
            .ok_or(AppError::Request("unknown policy".to_owned()))?;
        let confirmed = admin.recently_reauthenticated(&services.admin_policy, now);
        if let (false, Some(password)) = (confirmed, policy_password.filter(|p| !p.is_empty())) {
            admin = admin::reauthenticate(services, &admin, &password, ip, now).await?;
        }
        let wanted = admin::SecurityPolicy {
            require_2fa: requirement,
            new_sign_in_alerts: new_sign_in_alerts.as_deref() == Some("on"),
        };
        let (db, policy, by) = (&services.db, &services.admin_policy, Actor::Admin(&admin));
        admin::set_security_policy(db, policy, by, admin.company_id(), wanted, ip, now).await?;
        Ok::<_, AppError>(paths::with_notice(paths::SECURITY, "saved"))
    };
    call.finish(result.await)
}

/// One page of the company's audit trail.
#[server(name = ListActivity, prefix = "/api", endpoint = "admin/activity")]
pub async fn list_activity(kind: String, page: u64) -> Result<ActivityPage, AppError> {
    let call = Call::begin()?;
    let admin = call.reply(admin_for(&call, "list_activity", None).await)?;
    let query = admin::ActivityQuery::new(kind, page);
    let found = admin::list_activity(&call.services.db, &admin, &query).await;
    call.reply(found.map(|found| found.map(|row| super::types::ActivityRow::new(row, &call))))
}

/// The "Add user" form, parsed; the new user joins `company`. A role other than "admin" is
/// a member: the form offers no third.
#[cfg(feature = "ssr")]
fn parse_new_user(
    company: CompanyName,
    name: &str,
    username: &str,
    email: String,
    role: &str,
) -> Result<NewUser, AppError> {
    Ok(NewUser {
        company,
        display_name: DisplayName::parse(name)?,
        username: Username::parse(username)?,
        email: Email::parse(&email).map_err(|_| AppError::InvalidEmail { email })?,
        role: Role::parse(role).unwrap_or(Role::Member),
    })
}

/// The signed-in admin. A signed-in user who is none is refused, and the refusal is recorded
/// for their company's admins to see (`act`: this server function's name).
#[cfg(feature = "ssr")]
async fn admin_for(
    call: &Call,
    act: &'static str,
    requested_user: Option<&str>,
) -> Result<admin::Admin, AppError> {
    let session = call.user()?;
    match admin::Admin::from_session(session) {
        Ok(admin) => Ok(admin),
        Err(error) => Err(refused(call, session, act, requested_user, error).await),
    }
}

/// The signed-in admin and the user of their company that `user_id` names; naming anyone
/// else is refused and recorded like [`admin_for`]'s refusals.
#[cfg(feature = "ssr")]
async fn admin_and_target(
    call: &Call,
    act: &'static str,
    user_id: &str,
) -> Result<(admin::Admin, admin::Target), AppError> {
    let admin = admin_for(call, act, Some(user_id)).await?;
    match admin.find_user(&call.services.db, user_id).await {
        Ok(target) => Ok((admin, target)),
        Err(error) => Err(refused(call, call.user()?, act, Some(user_id), error).await),
    }
}

#[cfg(feature = "ssr")]
async fn refused(
    call: &Call,
    session: &latch_core::sessions::SessionUser,
    act: &'static str,
    requested_user: Option<&str>,
    error: admin::AdminError,
) -> AppError {
    let refusal = admin::Refusal {
        session,
        act,
        requested_user,
        client_ip: call.client_ip(),
    };
    match admin::record_refusal(&call.services.db, refusal, &error, call.now()).await {
        Ok(()) => error.into(),
        Err(unrecorded) => crate::server::unexpected(unrecorded),
    }
}

/// A form's return address, if it is a local path (anything else goes home).
#[cfg(feature = "ssr")]
fn local(return_to: &str) -> &str {
    latch_domain::local_path_or_home(Some(return_to))
}
