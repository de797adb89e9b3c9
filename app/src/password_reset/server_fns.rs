//! Thin shims over `latch_core::password_reset`.

use latch_domain::LinkState;
use leptos::prelude::*;

use crate::error::AppError;
use crate::new_password::PasswordRules;
#[cfg(feature = "ssr")]
use {crate::paths, crate::server::Call, latch_core::password_reset};

/// What the reset page needs to know: the link's state, how long links last, and (while the
/// link is valid) the rules its owner's new password must meet and when the link expires.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct LinkStatus {
    pub state: LinkState,
    pub valid_minutes: i64,
    pub rules: Option<PasswordRules>,
    pub expiry: Option<LinkExpiry>,
}

/// When the opened link stops working, written for its owner: in their language and time
/// zone, so it reads like the email that carried the link.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct LinkExpiry {
    /// The language of `sentence` (for its `lang` attribute).
    pub locale: latch_i18n::Locale,
    /// "This link works until 29 November 2026, 18:05 WIB."
    pub sentence: String,
}

/// "Send me reset password instructions". Answers the same for every well-formed address.
#[server(name = RequestReset, prefix = "/api", endpoint = "request_reset")]
pub async fn request_reset(email: String) -> Result<(), AppError> {
    let call = Call::begin()?;
    let result = async {
        let address = latch_domain::Email::parse(&email).map_err(|_| AppError::InvalidEmail {
            email: email.clone(),
        })?;
        password_reset::request_reset(&call.services, &address, call.client_ip(), call.now())
            .await?;
        Ok::<_, AppError>(paths::RESET_SENT.to_owned())
    };
    call.finish(result.await)
}

/// The state of the link in this browser's reset cookie (opening a link changes nothing).
#[server(name = ResetLinkStatus, prefix = "/api", endpoint = "reset_link_status")]
pub async fn reset_link_status() -> Result<LinkStatus, AppError> {
    let call = Call::begin()?;
    let (db, browser) = (&call.services.db, call.browser_locale);
    let status = password_reset::link_status(db, call.reset_token(), browser, call.now()).await;
    call.reply(status.map(|status| LinkStatus::new(status, &call)))
}

/// Sets the new password with the link in this browser's reset cookie.
#[server(name = ResetPassword, prefix = "/api", endpoint = "reset_password")]
pub async fn reset_password(password: String, confirm: String) -> Result<(), AppError> {
    let call = Call::begin()?;
    let chosen = password_reset::ChosenPassword {
        password: &password,
        confirm: &confirm,
    };
    let (token, client_ip) = (call.reset_token(), call.client_ip());
    let result =
        password_reset::complete_reset(&call.services, token, chosen, client_ip, call.now())
            .await
            .map(|()| call.clear_reset_cookie());
    call.finish(result.map(|()| paths::RESET_DONE.into()))
}

#[cfg(feature = "ssr")]
impl LinkStatus {
    fn new(status: password_reset::LinkStatus, call: &Call) -> Self {
        let policy = call.services.password_policy;
        let (rules, expiry) = match status.open {
            Some(open) => (
                Some(PasswordRules {
                    policy,
                    about: open.about,
                }),
                Some(LinkExpiry {
                    locale: open.locale,
                    sentence: open.works_until,
                }),
            ),
            None => (None, None),
        };
        Self {
            state: status.state,
            valid_minutes: call.services.reset_policy.link_valid_for.num_minutes(),
            rules,
            expiry,
        }
    }
}
