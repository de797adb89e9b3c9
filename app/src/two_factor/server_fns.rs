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
                        two_factor::passkey::KIND => {
                            format!("{}: {}", t.passkey_label, factor.name)
                        }
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
    match notice {
        Some(notice) => format!("{}?two_step={notice}#two-step", paths::ACCOUNT_SETTINGS),
        None => format!("{}#two-step", paths::ACCOUNT_SETTINGS),
    }
}

/// A passkey ceremony's first half, for the page's passkey script: the options to hand to
/// `navigator.credentials` (JSON), or why not, in the reader's language.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(
    not(feature = "ssr"),
    allow(
        dead_code,
        reason = "in the browser, public/passkeys.js calls these, not Rust"
    )
)]
pub enum PasskeyCeremony {
    Options(String),
    Refused(String),
}

#[cfg(feature = "ssr")]
fn ceremony(call: &Call, options: Result<String, AppError>) -> PasskeyCeremony {
    match call.reply(options) {
        Ok(json) => PasskeyCeremony::Options(json),
        Err(err) => PasskeyCeremony::Refused(err.message(call.request.locale.messages())),
    }
}

/// "Add a passkey", first half: checks the name and the password, and returns the challenge.
/// The second half is `change_two_step`'s `passkey`, posted by the script with the answer.
#[server(name = StartPasskeySetup, prefix = "/api", endpoint = "two_step/passkey")]
pub async fn start_passkey_setup(
    passkey_name: String,
    password: Option<String>,
) -> Result<PasskeyCeremony, AppError> {
    let call = Call::begin()?;
    let options = async {
        let me = call.user()?;
        let (ip, now) = (call.client_ip(), call.now());
        two_factor::passkey::begin_registration(
            &call.services,
            me,
            &passkey_name,
            password.as_deref(),
            ip,
            now,
        )
        .await
        .map_err(AppError::from)
    };
    Ok(ceremony(&call, options.await))
}

/// Every form of the card, one server function (one is less code in the browser's bundle than
/// six): `act` names the button.
/// - `start`: "Set up an authenticator app" (`password`, unless confirmed in the last minutes);
/// - `finish`: "Turn on" with the app's `code`;
/// - `cancel`: the setup's "Cancel";
/// - `remove`: "Remove" on the method `id` (`password`);
/// - `renew`: "Make new recovery codes" (`password`);
/// - `saved`: "I have saved these codes";
/// - `passkey`: "Add a passkey" with the browser's new `credential` (posted by the script).
#[server(name = ChangeTwoStep, prefix = "/api", endpoint = "two_step/change")]
pub async fn change_two_step(
    act: String,
    code: Option<String>,
    id: Option<String>,
    password: Option<String>,
    credential: Option<String>,
) -> Result<(), AppError> {
    let call = Call::begin()?;
    let result = async {
        let me = call.user()?;
        let (services, ip, now) = (&call.services, call.client_ip(), call.now());
        let password = password.as_deref();
        let notice = match act.as_str() {
            "start" => {
                two_factor::begin_app_setup(services, me, password, ip, now).await?;
                None
            }
            "finish" => {
                let code = code.as_deref().unwrap_or_default();
                two_factor::finish_app_setup(services, &me.user, code, ip, now).await?;
                Some("on")
            }
            "cancel" => {
                two_factor::cancel_app_setup(&services.db, me).await?;
                None
            }
            "remove" => {
                let id = id.as_deref().unwrap_or_default();
                two_factor::remove_factor(services, me, id, password, ip, now).await?;
                Some("removed")
            }
            "renew" => {
                two_factor::renew_recovery_codes(services, me, password, ip, now).await?;
                None
            }
            "saved" => {
                two_factor::dismiss_recovery_codes(&services.db, me).await?;
                None
            }
            "passkey" => {
                let credential = credential.as_deref().unwrap_or_default();
                let added =
                    two_factor::passkey::finish_registration(services, me, credential, ip, now)
                        .await?;
                // A first method comes with recovery codes, which the "on" notice points to.
                Some(if added.recovery_codes.is_some() {
                    "on"
                } else {
                    "passkey"
                })
            }
            other => return Err(AppError::Request(format!("unknown act {other:?}"))),
        };
        Ok::<_, AppError>(card(notice))
    };
    call.finish(result.await)
}

/// The second login step of this browser, as its page shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum LoginStep {
    /// No pending step: log in again.
    Expired,
    /// A code from the app, a passkey (`passkey`: the account has one), or a recovery code.
    Verify { passkey: bool, app: bool },
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
            None => LoginStep::Verify {
                passkey: step.has_passkey,
                app: step.has_app,
            },
        },
    }))
}

/// "Use your passkey", first half: the challenge for this browser's pending step. The answer
/// goes to `verify_login_step` with `with` = `passkey`.
#[server(name = StartPasskeyStep, prefix = "/api", endpoint = "login/passkey")]
pub async fn start_passkey_step() -> Result<PasskeyCeremony, AppError> {
    let call = Call::begin()?;
    let options = async {
        let token = call.login_step_token().ok_or(AppError::StepExpired)?;
        login_step::passkey_challenge(&call.services, token, call.now())
            .await
            .map_err(|err| step_refused(err, login_step::StepMethod::Passkey))
    };
    Ok(ceremony(&call, options.await))
}

/// "Verify": the code from the app (`with` = `app`), a recovery code (`recovery-code`) or a
/// passkey's answer (`passkey`, posted by the page's script); when it is right the session
/// starts and the login goes on to where it was going.
#[server(name = VerifyLoginStep, prefix = "/api", endpoint = "login/verify")]
pub async fn verify_login_step(code: String, with: Option<String>) -> Result<(), AppError> {
    let call = Call::begin()?;
    let method = match with.as_deref() {
        Some("recovery-code") => login_step::StepMethod::RecoveryCode,
        Some("passkey") => login_step::StepMethod::Passkey,
        _ => login_step::StepMethod::AppCode,
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
            .map_err(|err| step_refused(err, method))?;
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
