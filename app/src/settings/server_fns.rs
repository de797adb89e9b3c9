//! Account Settings' server functions: thin shims over `latch_core`.

use leptos::prelude::*;

use crate::error::AppError;
use crate::new_password::PasswordRules;
#[cfg(feature = "ssr")]
use {
    crate::paths,
    crate::server::Call,
    latch_core::{accounts, password_change, time_zone::TimeZone},
};

/// The rules the signed-in user's new password must meet (for the strength meter).
#[server(name = MyPasswordRules, prefix = "/api", endpoint = "password_rules")]
pub async fn my_password_rules() -> Result<PasswordRules, AppError> {
    let call = Call::begin()?;
    let session = call.reply(call.user())?;
    let about = latch_core::password_policy::personal_info_of(session);
    let policy = call.services.password_policy;
    Ok(PasswordRules { policy, about })
}

/// "Update" in Account Settings. `sign_out_others` is the checkbox: present when ticked.
#[server(name = ChangePassword, prefix = "/api", endpoint = "change_password")]
pub async fn change_password(
    existing: String,
    password: String,
    confirm: String,
    sign_out_others: Option<String>,
) -> Result<(), AppError> {
    let call = Call::begin()?;
    let sign_out_other_devices = sign_out_others.is_some();
    let result = async {
        let change = password_change::PasswordChange {
            session: call.user()?,
            existing: &existing,
            new: &password,
            confirm: &confirm,
            sign_out_other_devices,
            client_ip: call.client_ip(),
        };
        let token = password_change::change_password(&call.services, change, call.now()).await?;
        call.set_session_cookie(&token);
        Ok::<_, AppError>(paths::password_changed(sign_out_other_devices))
    };
    call.finish(result.await)
}

/// "Save language" in Account Settings. `locale` is a language tag, or empty for "Same as my
/// browser".
#[server(name = SetLanguage, prefix = "/api", endpoint = "language")]
pub async fn set_language(locale: String) -> Result<(), AppError> {
    let call = Call::begin()?;
    let user_id = call.reply(call.user())?.user.id;
    // An unknown tag is not worth an error message: no form offers one.
    let locale = latch_i18n::Locale::from_tag(&locale);
    let saved = accounts::set_locale(&call.services.db, user_id, locale, call.now()).await;
    let next = paths::saved(paths::ACCOUNT_SETTINGS, "language");
    call.finish(saved.map(|()| next))
}

/// What the "Time zone" section of Account Settings needs from the server. The list of zones
/// is not sent: both sides have it ([`latch_domain::time_zones_offered`]), so it is not
/// repeated in every page's hydration data.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct TimeZoneChoices {
    /// The user's own choice (an IANA name); `None`: the company's default.
    pub saved: Option<String>,
    /// The company's default zone, the first choice of the list.
    pub company_default: String,
}

/// The company's default zone and the signed-in user's choice.
#[server(name = TimeZoneOptions, prefix = "/api", endpoint = "time_zones")]
pub async fn time_zone_options() -> Result<TimeZoneChoices, AppError> {
    let call = Call::begin()?;
    let session = call.reply(call.user())?;
    let choices = latch_core::profile::time_zone_choices(session);
    Ok(TimeZoneChoices {
        saved: choices.saved.map(str::to_owned),
        company_default: choices.company_default.to_owned(),
    })
}

/// "Save time zone" in Account Settings. `time_zone` is an IANA name, or empty for the
/// company's default.
#[server(name = SetTimeZone, prefix = "/api", endpoint = "time_zone")]
pub async fn set_time_zone(time_zone: String) -> Result<(), AppError> {
    let call = Call::begin()?;
    let result = async {
        let user_id = call.user()?.user.id;
        let chosen = TimeZone::parse_choice(&time_zone)?;
        accounts::set_time_zone(&call.services.db, user_id, chosen, call.now()).await?;
        Ok::<_, AppError>(paths::saved(paths::ACCOUNT_SETTINGS, "time_zone"))
    };
    call.finish(result.await)
}
