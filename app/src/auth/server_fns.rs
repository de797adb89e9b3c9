//! The sign-in server functions: thin shims over `latch_core::auth`.

use leptos::prelude::*;
use serde::{Deserialize, Serialize};

use crate::error::AppError;

/// What the UI may know about the signed-in user.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct UserSummary {
    pub display_name: String,
    pub username: String,
    pub email: String,
    pub company: String,
    pub is_admin: bool,
    /// The language the user chose (`None`: same as their browser).
    pub locale: Option<latch_i18n::Locale>,
}

/// Logs in with a username or email and a password, then goes to `next` (a local path).
#[server(name = LogIn, prefix = "/api", endpoint = "login")]
pub async fn log_in(
    identifier: String,
    password: String,
    next: Option<String>,
) -> Result<(), AppError> {
    use crate::server::*;
    use latch_core::auth::{self, LoginAttempt, LoginError};
    use latch_core::metrics::LoginOutcome;

    let context = server_context()?;
    let attempt = LoginAttempt {
        identifier: &identifier,
        password: &password,
        client_ip: request_info().client_ip,
    };
    let now = chrono::Utc::now();
    let outcome = auth::log_in(
        &context.db,
        &context.hasher,
        &context.login_policy,
        attempt,
        now,
    )
    .await;
    context.metrics.record_login(match &outcome {
        Ok(_) => LoginOutcome::Ok,
        Err(LoginError::InvalidCredentials) => LoginOutcome::Failed,
        Err(LoginError::Throttled { .. }) => LoginOutcome::Throttled,
        Err(LoginError::Busy) => LoginOutcome::Busy,
        Err(LoginError::Unexpected(_)) => LoginOutcome::Error,
    });
    let next = latch_domain::local_path_or_home(next.as_deref());
    let err = match outcome {
        Ok(logged_in) => {
            set_session_cookie(logged_in.session_token.expose(), context.secure_cookies);
            leptos_axum::redirect(next);
            return Ok(());
        }
        Err(LoginError::InvalidCredentials) => {
            set_error_status(http::StatusCode::UNAUTHORIZED);
            AppError::InvalidCredentials { identifier }
        }
        Err(LoginError::Throttled { retry_at }) => {
            let retry_after_secs = (retry_at - now).num_seconds().max(1) as u64;
            retry_later(http::StatusCode::TOO_MANY_REQUESTS, retry_after_secs);
            AppError::Throttled { retry_after_secs }
        }
        Err(LoginError::Busy) => {
            retry_later(http::StatusCode::SERVICE_UNAVAILABLE, 2);
            AppError::Busy {
                retry_after_secs: 2,
            }
        }
        Err(LoginError::Unexpected(err)) => unexpected(err),
    };
    let page = match next {
        "/" => "/login".to_owned(),
        next => format!("/login?next={}", crate::urlencode(next)),
    };
    return_to_form_with_error(&page, <LogIn as leptos::server_fn::ServerFn>::PATH, &err);
    Err(err)
}

/// Ends this session and goes to the login page.
#[server(name = LogOut, prefix = "/api", endpoint = "logout")]
pub async fn log_out() -> Result<(), AppError> {
    use crate::server::*;
    use latch_core::{audit, sessions};

    let context = server_context()?;
    let info = request_info();
    if let Some(session) = info.session {
        let now = chrono::Utc::now();
        sessions::end(&context.db, &session.session_key)
            .await
            .map_err(unexpected)?;
        let event = audit::AuditEvent {
            company_id: Some(session.user.company_id),
            actor_user_id: Some(session.user.id),
            target_user_id: Some(session.user.id),
            kind: latch_domain::AuditKind::Logout,
            outcome: latch_domain::AuditOutcome::Succeeded,
            client_ip: info.client_ip.map(|ip| ip.to_string()),
            details: None,
        };
        audit::record(&context.db, event, now)
            .await
            .map_err(unexpected)?;
    }
    clear_session_cookie(context.secure_cookies);
    leptos_axum::redirect("/login");
    Ok(())
}

/// The signed-in user, or `None`.
#[server(name = CurrentUser, prefix = "/api", endpoint = "current_user")]
pub async fn current_user() -> Result<Option<UserSummary>, AppError> {
    use crate::server::*;
    use latch_core::entities::company;
    use sea_orm::EntityTrait;

    let Some(session) = request_info().session else {
        return Ok(None);
    };
    let context = server_context()?;
    let user = session.user;
    let company = company::Entity::find_by_id(user.company_id)
        .one(&context.db)
        .await
        .map_err(unexpected)?
        .map(|company| company.name)
        .unwrap_or_default();
    Ok(Some(UserSummary {
        display_name: user.display_name,
        username: user.username,
        email: user.email,
        company,
        is_admin: user.role == latch_domain::Role::Admin,
        locale: user
            .locale
            .as_deref()
            .and_then(latch_i18n::Locale::from_tag),
    }))
}
