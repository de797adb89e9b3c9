//! Thin shims over `latch_core::password_reset`.

use leptos::prelude::*;

use crate::error::{AppError, ResetLinkState};
use crate::new_password::PasswordRules;

/// What the reset page needs to know: the link's state, how long links last, and (while the
/// link is valid) the rules its owner's new password must meet and when the link expires.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct LinkStatus {
    pub state: ResetLinkState,
    pub valid_minutes: i64,
    pub rules: Option<PasswordRules>,
    pub expiry: Option<LinkExpiry>,
}

/// When the opened link stops working, written for its owner: in their language and time
/// zone, chosen as a page of theirs would be (their choice, else this browser's language, else
/// their company's default), so it reads like the email that carried the link.
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
    use crate::server::*;
    use latch_core::password_reset::{self, ResetError};

    let context = server_context()?;
    let now = chrono::Utc::now();
    let err = match latch_domain::Email::parse(&email) {
        Err(_) => {
            set_error_status(http::StatusCode::UNPROCESSABLE_ENTITY);
            AppError::InvalidEmail { email }
        }
        Ok(address) => {
            let client_ip = request_info().client_ip;
            let policy = &context.reset_policy;
            match password_reset::request_reset(
                &context.db,
                policy,
                &address,
                client_ip,
                &context.public_url,
                now,
            )
            .await
            {
                Ok(()) => {
                    leptos_axum::redirect("/forgot-password/sent");
                    return Ok(());
                }
                Err(ResetError::Throttled { retry_at }) => {
                    let retry_after_secs = (retry_at - now).num_seconds().max(1) as u64;
                    retry_later(http::StatusCode::TOO_MANY_REQUESTS, retry_after_secs);
                    AppError::Throttled { retry_after_secs }
                }
                Err(err) => unexpected(err),
            }
        }
    };
    return_to_form_with_error(
        "/forgot-password",
        <RequestReset as leptos::server_fn::ServerFn>::PATH,
        &err,
    );
    Err(err)
}

/// The state of the link in this browser's reset cookie (opening a link changes nothing).
#[server(name = ResetLinkStatus, prefix = "/api", endpoint = "reset_link_status")]
pub async fn reset_link_status() -> Result<LinkStatus, AppError> {
    use crate::server::*;

    use latch_core::{password_policy, password_reset, preferences};

    let context = server_context()?;
    let valid_minutes = context.reset_policy.link_valid_for.num_minutes();
    // Read before any await: the request's context is only certain until then.
    let browser = browser_locale();
    let Some(token) = reset_token_from_cookie(context.secure_cookies) else {
        return Ok(LinkStatus {
            state: ResetLinkState::Invalid,
            valid_minutes,
            rules: None,
            expiry: None,
        });
    };
    let now = chrono::Utc::now();
    let state = password_reset::link_state(&context.db, &token, now)
        .await
        .map_err(unexpected)?;
    let link = password_reset::valid_link(&context.db, &token, now)
        .await
        .map_err(unexpected)?;
    let (rules, expiry) = match link {
        Some(link) => {
            let about = password_policy::personal_info(&context.db, &link.owner)
                .await
                .map_err(unexpected)?;
            let reader = preferences::of_user(&context.db, &link.owner, browser)
                .await
                .map_err(unexpected)?;
            let expiry = LinkExpiry {
                locale: reader.locale,
                sentence: (reader.locale.messages().reset_link_expires)(
                    &reader.format(link.expires_at),
                ),
            };
            let rules = PasswordRules {
                policy: context.password_policy,
                about,
            };
            (Some(rules), Some(expiry))
        }
        None => (None, None),
    };
    Ok(LinkStatus {
        state: wire_state(state),
        valid_minutes,
        rules,
        expiry,
    })
}

/// Sets the new password with the link in this browser's reset cookie.
#[server(name = ResetPassword, prefix = "/api", endpoint = "reset_password")]
pub async fn reset_password(password: String, confirm: String) -> Result<(), AppError> {
    use crate::server::*;
    use latch_core::password_reset::{self, ResetError};

    let context = server_context()?;
    let result = async {
        let token =
            reset_token_from_cookie(context.secure_cookies).ok_or(AppError::ResetLinkUnusable {
                state: ResetLinkState::Invalid,
            })?;
        if password != confirm {
            return Err(AppError::PasswordsDiffer);
        }
        let client_ip = request_info().client_ip;
        let now = chrono::Utc::now();
        password_reset::complete_reset(
            &context.db,
            &context.hasher,
            context.password_policy,
            &token,
            &password,
            client_ip,
            now,
        )
        .await
        .map_err(|err| match err {
            ResetError::LinkUnusable(state) => AppError::ResetLinkUnusable {
                state: wire_state(state),
            },
            ResetError::PasswordRejected(problem) => AppError::PasswordRejected { problem },
            ResetError::Busy => AppError::Busy {
                retry_after_secs: 2,
            },
            ResetError::Throttled { .. } | ResetError::Unexpected(_) => unexpected(err),
        })
    }
    .await;
    match result {
        Ok(()) => {
            clear_reset_cookie(context.secure_cookies);
            leptos_axum::redirect("/reset-password/done");
            Ok(())
        }
        Err(err) => {
            let status = match &err {
                AppError::Busy { .. } => http::StatusCode::SERVICE_UNAVAILABLE,
                AppError::ResetLinkUnusable { .. } => http::StatusCode::GONE,
                AppError::Unexpected => http::StatusCode::INTERNAL_SERVER_ERROR,
                AppError::Unavailable => http::StatusCode::SERVICE_UNAVAILABLE,
                _ => http::StatusCode::UNPROCESSABLE_ENTITY,
            };
            set_error_status(status);
            return_to_form_with_error(
                "/reset-password",
                <ResetPassword as leptos::server_fn::ServerFn>::PATH,
                &err,
            );
            Err(err)
        }
    }
}

#[cfg(feature = "ssr")]
fn wire_state(state: latch_core::password_reset::LinkState) -> ResetLinkState {
    use latch_core::password_reset::LinkState;
    match state {
        LinkState::Valid => ResetLinkState::Valid,
        LinkState::Used => ResetLinkState::Used,
        LinkState::Expired => ResetLinkState::Expired,
        LinkState::Replaced => ResetLinkState::Replaced,
        LinkState::Unknown => ResetLinkState::Invalid,
    }
}
