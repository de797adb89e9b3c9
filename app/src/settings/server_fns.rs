//! Thin shims over `latch_core::password_change`.

use leptos::prelude::*;

use crate::error::AppError;
use crate::new_password::PasswordRules;

/// The rules the signed-in user's new password must meet (for the strength meter).
#[server(name = PasswordRulesForMe, prefix = "/api", endpoint = "password_rules")]
pub async fn password_rules() -> Result<PasswordRules, AppError> {
    use crate::server::*;

    let context = server_context()?;
    let Some(session) = request_info().session else {
        set_error_status(http::StatusCode::UNAUTHORIZED);
        return Err(AppError::NotSignedIn);
    };
    let about = latch_core::password_policy::personal_info(&context.db, &session.user)
        .await
        .map_err(unexpected)?;
    Ok(PasswordRules {
        policy: context.password_policy,
        about,
    })
}

/// "Update" in Account Settings. `sign_out_others` is the checkbox: present when ticked.
#[server(name = ChangePassword, prefix = "/api", endpoint = "change_password")]
pub async fn change_password(
    existing: String,
    password: String,
    confirm: String,
    sign_out_others: Option<String>,
) -> Result<(), AppError> {
    use crate::server::*;
    use http::StatusCode;
    use latch_core::password_change::{self, ChangeError, PasswordChange};

    let context = server_context()?;
    let info = request_info();
    let now = chrono::Utc::now();
    let sign_out_other_devices = sign_out_others.is_some();
    let outcome = match &info.session {
        None => Err(AppError::NotSignedIn),
        Some(_) if password != confirm => Err(AppError::PasswordsDiffer),
        Some(session) => {
            let change = PasswordChange {
                session,
                existing: &existing,
                new: &password,
                sign_out_other_devices,
                client_ip: info.client_ip,
            };
            password_change::change_password(
                &context.db,
                &context.hasher,
                &context.login_policy,
                context.password_policy,
                change,
                now,
            )
            .await
            .map_err(|err| match err {
                ChangeError::Throttled { retry_at } => AppError::Throttled {
                    retry_after_secs: (retry_at - now).num_seconds().max(1) as u64,
                },
                ChangeError::WrongExistingPassword => AppError::WrongExistingPassword,
                ChangeError::Rejected(problem) => AppError::PasswordRejected { problem },
                ChangeError::SameAsExisting => AppError::SameAsExisting,
                ChangeError::Busy => AppError::Busy {
                    retry_after_secs: 2,
                },
                ChangeError::Unexpected(err) => unexpected(err),
            })
        }
    };
    match outcome {
        Ok(session_token) => {
            set_session_cookie(session_token.expose(), context.secure_cookies);
            let changed = if sign_out_other_devices {
                "signed-out"
            } else {
                "kept"
            };
            leptos_axum::redirect(&format!("/settings/account?changed={changed}"));
            Ok(())
        }
        Err(err) => {
            match &err {
                AppError::Throttled { retry_after_secs } => {
                    retry_later(StatusCode::TOO_MANY_REQUESTS, *retry_after_secs);
                }
                AppError::Busy { retry_after_secs } => {
                    retry_later(StatusCode::SERVICE_UNAVAILABLE, *retry_after_secs);
                }
                AppError::NotSignedIn => set_error_status(StatusCode::UNAUTHORIZED),
                AppError::WrongExistingPassword => set_error_status(StatusCode::FORBIDDEN),
                AppError::Unexpected => set_error_status(StatusCode::INTERNAL_SERVER_ERROR),
                // `unexpected()` already answered 503 with Retry-After.
                AppError::Unavailable => {}
                _ => set_error_status(StatusCode::UNPROCESSABLE_ENTITY),
            }
            return_to_form_with_error(
                "/settings/account",
                <ChangePassword as leptos::server_fn::ServerFn>::PATH,
                &err,
            );
            Err(err)
        }
    }
}

/// "Save language" in Account Settings. `locale` is a language tag, or empty for "Same as my
/// browser".
#[server(name = SetLanguage, prefix = "/api", endpoint = "language")]
pub async fn set_language(locale: String) -> Result<(), AppError> {
    use crate::server::*;

    let context = server_context()?;
    let Some(session) = request_info().session else {
        set_error_status(http::StatusCode::UNAUTHORIZED);
        return Err(AppError::NotSignedIn);
    };
    // An unknown tag is not worth an error message: no form offers one.
    let locale = latch_i18n::Locale::from_tag(&locale);
    latch_core::accounts::set_locale(&context.db, session.user.id, locale, chrono::Utc::now())
        .await
        .map_err(unexpected)?;
    leptos_axum::redirect("/settings/account?language=saved");
    Ok(())
}

/// What the "Time zone" section of Account Settings offers. The list comes from the server:
/// the browser build carries no time zone database.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct TimeZoneChoices {
    /// The user's own choice (an IANA name); `None`: the company's default.
    pub saved: Option<String>,
    /// The company's default zone, the first choice of the list.
    pub company_default: String,
    /// Every zone offered, sorted by name.
    pub zones: Vec<String>,
}

/// The zones to choose from, the company's default and the signed-in user's choice.
#[server(name = TimeZoneOptions, prefix = "/api", endpoint = "time_zones")]
pub async fn time_zone_choices() -> Result<TimeZoneChoices, AppError> {
    use crate::server::*;
    use latch_core::time_zone::TimeZone;

    let context = server_context()?;
    let Some(session) = request_info().session else {
        set_error_status(http::StatusCode::UNAUTHORIZED);
        return Err(AppError::NotSignedIn);
    };
    let company = latch_core::preferences::of_company(&context.db, session.user.company_id)
        .await
        .map_err(unexpected)?;
    let saved = TimeZone::from_stored(session.user.time_zone.as_deref()).map(TimeZone::name);
    let mut zones = TimeZone::choices();
    // A zone saved under an old alias (by the command line) stays selectable.
    if let Some(saved) = saved.filter(|saved| !zones.contains(saved)) {
        zones.push(saved);
        zones.sort_unstable();
    }
    Ok(TimeZoneChoices {
        saved: saved.map(str::to_owned),
        company_default: company.time_zone.name().to_owned(),
        zones: zones.into_iter().map(str::to_owned).collect(),
    })
}

/// "Save time zone" in Account Settings. `time_zone` is an IANA name, or empty for the
/// company's default.
#[server(name = SetTimeZone, prefix = "/api", endpoint = "time_zone")]
pub async fn set_time_zone(time_zone: String) -> Result<(), AppError> {
    use crate::server::*;
    use latch_core::time_zone::TimeZone;

    let context = server_context()?;
    let Some(session) = request_info().session else {
        set_error_status(http::StatusCode::UNAUTHORIZED);
        return Err(AppError::NotSignedIn);
    };
    let chosen = match time_zone.trim() {
        "" => None,
        name => match TimeZone::parse(name) {
            Ok(zone) => Some(zone),
            Err(unknown) => {
                let err = AppError::UnknownTimeZone { name: unknown.0 };
                set_error_status(http::StatusCode::UNPROCESSABLE_ENTITY);
                return_to_form_with_error(
                    "/settings/account",
                    <SetTimeZone as leptos::server_fn::ServerFn>::PATH,
                    &err,
                );
                return Err(err);
            }
        },
    };
    latch_core::accounts::set_time_zone(&context.db, session.user.id, chosen, chrono::Utc::now())
        .await
        .map_err(unexpected)?;
    leptos_axum::redirect("/settings/account?time_zone=saved");
    Ok(())
}
