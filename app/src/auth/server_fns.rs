//! The sign-in server functions: thin shims over `latch_core::auth`.

use leptos::prelude::*;
use serde::{Deserialize, Serialize};

use crate::error::AppError;
#[cfg(feature = "ssr")]
use {crate::server::Call, latch_core::auth};

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

/// Logs in with a username or email and a password, then goes to `next` (a local path, or a URL
/// on the app's or another allowed origin), else home (the app when `LATCH_APP_URL` is set).
#[server(name = LogIn, prefix = "/api", endpoint = "login")]
pub async fn log_in(
    identifier: String,
    password: String,
    next: Option<String>,
) -> Result<(), AppError> {
    let call = Call::begin()?;
    let next = call.services.return_targets.after_login(next.as_deref());
    let attempt = auth::LoginAttempt {
        identifier: &identifier,
        password: &password,
        client_ip: call.client_ip(),
        replacing: call.user().ok(),
        device_cookie: call.device_cookie(),
        user_agent: call.user_agent(),
        next: Some(&next),
    };
    let result = auth::log_in(&call.services, attempt, call.now()).await;
    let result = match result {
        Ok(auth::LoginResult::SignedIn(logged_in)) => {
            call.set_session_cookie(&logged_in.session_token);
            call.set_device_cookie(&logged_in.device_cookie);
            Ok(next)
        }
        // No session yet: the second step has its own page and cookie.
        Ok(auth::LoginResult::SecondStep(pending)) => {
            call.set_login_step_cookie(&pending.token);
            Ok(crate::paths::LOGIN_STEP.to_owned())
        }
        Err(err) => Err(AppError::from(err).for_identifier(identifier)),
    };
    call.finish(result)
}

/// Ends this session and goes to the login page.
#[server(name = LogOut, prefix = "/api", endpoint = "logout")]
pub async fn log_out() -> Result<(), AppError> {
    let call = Call::begin()?;
    if let Ok(session) = call.user() {
        let (db, webhooks) = (&call.services.db, &call.services.webhooks);
        let ended = auth::log_out(db, webhooks, session, call.client_ip(), call.now()).await;
        call.reply(ended)?;
    }
    call.clear_session_cookie();
    call.clear_site_data();
    call.redirect(crate::paths::LOGIN);
    Ok(())
}

/// The signed-in user, or `None`.
#[server(name = CurrentUser, prefix = "/api", endpoint = "current_user")]
pub async fn current_user() -> Result<Option<UserSummary>, AppError> {
    let call = Call::begin()?;
    let Ok(session) = call.user() else {
        return Ok(None);
    };
    Ok(Some(latch_core::profile::profile(session).into()))
}

#[cfg(feature = "ssr")]
impl From<latch_core::profile::Profile> for UserSummary {
    fn from(profile: latch_core::profile::Profile) -> Self {
        Self {
            display_name: profile.display_name,
            username: profile.username,
            email: profile.email,
            company: profile.company,
            is_admin: profile.is_admin,
            locale: profile.locale,
        }
    }
}
