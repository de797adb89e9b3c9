//! The second factor's server functions: thin shims over `latch_core::two_factor`.

use leptos::prelude::*;
use serde::{Deserialize, Serialize};

use crate::error::AppError;
#[cfg(feature = "ssr")]
use {
    crate::paths,
    crate::server::{Call, step_refused},
    latch_core::two_factor::{self, login_step},
};

/// An authenticator app being set up: what to scan or type into it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AppSetup {
    /// The QR code, an SVG drawn by the server (no image service sees the secret).
    pub qr_svg: String,
    /// The secret in groups of four, for typing in.
    pub secret: String,
}

/// One confirmed sign-in method, as Account Settings lists it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MethodRow {
    pub id: String,
    pub name: String,
    /// In the reader's language and time zone.
    pub added_at: String,
    pub last_used_at: Option<String>,
}

/// What the "Two-step verification" card shows.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TwoStepStatus {
    pub methods: Vec<MethodRow>,
    pub recovery_codes_left: u64,
    pub setup: Option<AppSetup>,
    pub new_recovery_codes: Option<Vec<String>>,
    /// The password was confirmed in the last minutes: no password field.
    pub password_confirmed: bool,
    pub required: bool,
}

#[cfg(feature = "ssr")]
fn shown(setup: two_factor::totp::Enrolment) -> AppSetup {
    AppSetup {
        qr_svg: setup.qr_svg,
        secret: setup.secret_text,
    }
}

#[server(name = MyTwoStep, prefix = "/api", endpoint = "two_step")]
pub async fn my_two_step() -> Result<TwoStepStatus, AppError> {
    let call = Call::begin()?;
    let me = call.reply(call.user())?;
    let status = two_factor::status(&call.services, me, call.now()).await;
    let t = call.request.locale.messages();
    call.reply(status.map(|status| {
        TwoStepStatus {
            methods: status
                .factors
                .into_iter()
                .map(|factor| MethodRow {
                    id: factor.id.to_string(),
                    name: match factor.kind.as_str() {
                        two_factor::totp::KIND => t.authenticator_app.to_owned(),
                        _ => factor.name,
                    },
                    added_at: call.request.local_time(factor.created_at),
                    last_used_at: factor.last_used_at.map(|at| call.request.local_time(at)),
                })
                .collect(),
            recovery_codes_left: status.recovery_codes_left,
            setup: status.setup.map(shown),
            new_recovery_codes: status.new_recovery_codes,
            password_confirmed: status.password_confirmed,
            required: status.required,
        }
    }))
}

/// Where the card's forms come back to.
#[cfg(feature = "ssr")]
fn card(notice: Option<&str>) -> String {
    let page = format!("{}#two-step", paths::ACCOUNT_SETTINGS);
    match notice {
        Some(notice) => format!("{}?two_step={notice}#two-step", paths::ACCOUNT_SETTINGS),
        None => page,
    }
}

/// "Set up an authenticator app" (the password, unless confirmed in the last minutes).
#[server(name = StartAppSetup, prefix = "/api", endpoint = "two_step/start")]
pub async fn start_app_setup(setup_password: Option<String>) -> Result<(), AppError> {
    let call = Call::begin()?;
    let result = async {
        let me = call.user()?;
        let password = setup_password.as_deref();
        two_factor::begin_app_setup(&call.services, me, password, call.client_ip(), call.now())
            .await?;
        Ok::<_, AppError>(card(None))
    };
    call.finish(result.await)
}

/// "Turn on": the code from the app confirms the setup.
#[server(name = FinishAppSetup, prefix = "/api", endpoint = "two_step/finish")]
pub async fn finish_app_setup(code: String) -> Result<(), AppError> {
    let call = Call::begin()?;
    let result = async {
        let me = call.user()?;
        let (services, ip) = (&call.services, call.client_ip());
        two_factor::finish_app_setup(services, &me.user, &code, ip, call.now()).await?;
        Ok::<_, AppError>(card(Some("on")))
    };
    call.finish(result.await)
}

#[server(name = CancelAppSetup, prefix = "/api", endpoint = "two_step/cancel")]
pub async fn cancel_app_setup() -> Result<(), AppError> {
    let call = Call::begin()?;
    let result = async {
        two_factor::cancel_app_setup(&call.services.db, call.user()?).await?;
        Ok::<_, AppError>(card(None))
    };
    call.finish(result.await)
}

/// "Remove" one method.
#[server(name = RemoveMethod, prefix = "/api", endpoint = "two_step/remove")]
pub async fn remove_method(id: String, remove_password: Option<String>) -> Result<(), AppError> {
    let call = Call::begin()?;
    let result = async {
        let me = call.user()?;
        let password = remove_password.as_deref();
        let (services, ip) = (&call.services, call.client_ip());
        two_factor::remove_factor(services, me, &id, password, ip, call.now()).await?;
        Ok::<_, AppError>(card(Some("removed")))
    };
    call.finish(result.await)
}

/// "Make new recovery codes".
#[server(name = RenewRecoveryCodes, prefix = "/api", endpoint = "two_step/recovery_codes")]
pub async fn renew_recovery_codes(renew_password: Option<String>) -> Result<(), AppError> {
    let call = Call::begin()?;
    let result = async {
        let me = call.user()?;
        let password = renew_password.as_deref();
        let (services, ip) = (&call.services, call.client_ip());
        two_factor::renew_recovery_codes(services, me, password, ip, call.now()).await?;
        Ok::<_, AppError>(card(None))
    };
    call.finish(result.await)
}

/// "I have saved these codes".
#[server(name = SavedRecoveryCodes, prefix = "/api", endpoint = "two_step/recovery_codes_saved")]
pub async fn saved_recovery_codes() -> Result<(), AppError> {
    let call = Call::begin()?;
    let result = async {
        two_factor::dismiss_recovery_codes(&call.services.db, call.user()?).await?;
        Ok::<_, AppError>(card(None))
    };
    call.finish(result.await)
}

/// The second login step of this browser, as its page shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum LoginStep {
    /// No pending step: log in again.
    Expired,
    /// A code from the app, or a recovery code.
    Verify,
    /// The company requires a method the account lacks: set one up now.
    Enrol(AppSetup),
}

#[server(name = CurrentLoginStep, prefix = "/api", endpoint = "login/step")]
pub async fn current_login_step() -> Result<LoginStep, AppError> {
    let call = Call::begin()?;
    let Some(token) = call.login_step_token() else {
        return Ok(LoginStep::Expired);
    };
    let pending = login_step::pending(&call.services, token, call.now()).await;
    call.reply(pending.map(|pending| match pending {
        None => LoginStep::Expired,
        Some(step) => match step.setup {
            Some(setup) => LoginStep::Enrol(shown(setup)),
            None => LoginStep::Verify,
        },
    }))
}

/// "Verify": the code from the app (`with` = `app`) or a recovery code (`recovery-code`);
/// when it is right the session starts and the login goes on to where it was going.
#[server(name = VerifyLoginStep, prefix = "/api", endpoint = "login/verify")]
pub async fn verify_login_step(code: String, with: Option<String>) -> Result<(), AppError> {
    let call = Call::begin()?;
    let recovery = with.as_deref() == Some("recovery-code");
    let method = if recovery {
        login_step::StepMethod::RecoveryCode
    } else {
        login_step::StepMethod::AppCode
    };
    let result = async {
        let token = call.login_step_token().ok_or(AppError::StepExpired)?;
        let attempt = login_step::StepAttempt {
            token,
            method,
            code: &code,
            start: latch_core::auth::SessionStart {
                client_ip: call.client_ip(),
                user_agent: call.user_agent(),
                replacing: call.user().ok(),
                device_cookie: call.device_cookie(),
            },
        };
        let done = login_step::complete(&call.services, attempt, call.now())
            .await
            .map_err(|err| step_refused(err, recovery))?;
        call.clear_login_step_cookie();
        call.set_session_cookie(&done.logged_in.session_token);
        call.set_device_cookie(&done.logged_in.device_cookie);
        // After a setup its recovery codes wait on Account Settings; after a recovery code,
        // so does how many are left (and the way to a new app): both before the app.
        let next = match (done.enrolled, done.recovery_codes_left) {
            (true, _) => card(Some("on")),
            (false, Some(left)) => card(Some(&format!("recovery-used-{left}"))),
            (false, None) => done.next.unwrap_or_else(|| paths::HOME.to_owned()),
        };
        Ok::<_, AppError>(next)
    };
    call.finish(result.await)
}
