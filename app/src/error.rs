//! The one error type of every server function. Each variant is something the UI can say in
//! plain words; unexpected failures are logged on the server and reach the browser only as
//! `Unexpected`.

use latch_domain::LinkState;
use leptos::server_fn::error::{FromServerFnError, ServerFnErrorErr};
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, thiserror::Error)]
pub enum AppError {
    /// Wrong password, unknown or inactive user: deliberately one answer. Carries what the
    /// user typed as identifier, so a form re-rendered without JavaScript keeps it.
    #[error("invalid credentials")]
    InvalidCredentials { identifier: String },
    #[error("too many attempts; retry in {retry_after_secs} s")]
    Throttled { retry_after_secs: u64 },
    #[error("server busy; retry in {retry_after_secs} s")]
    Busy { retry_after_secs: u64 },
    #[error("not signed in")]
    NotSignedIn,
    /// The email field holds something that is not an address (kept, to fix it in place).
    #[error("invalid email")]
    InvalidEmail { email: String },
    #[error("password refused: {problem}")]
    PasswordRejected {
        problem: latch_domain::PasswordProblem,
    },
    #[error("the two passwords differ")]
    PasswordsDiffer,
    #[error("the existing password is wrong")]
    WrongExistingPassword,
    #[error("the new password is the existing one")]
    SameAsExisting,
    #[error("only admins may do this")]
    NotAdmin,
    #[error("no such user")]
    UnknownUser,
    /// "Sign out" of a device that is not (or no longer) signed in to the account.
    #[error("no such device")]
    UnknownDevice,
    #[error("too many links sent to this user; retry in {retry_after_secs} s")]
    UserMailThrottled { retry_after_secs: u64 },
    #[error("the user is deactivated")]
    UserInactive,
    #[error("the company needs another active admin first")]
    LastAdmin,
    #[error("email address taken")]
    EmailTaken { email: String },
    #[error("username taken")]
    UsernameTaken { username: String },
    #[error("invalid username")]
    InvalidUsername,
    #[error("invalid name")]
    InvalidName,
    /// An email or role change by an admin who has not confirmed their password in the last
    /// minutes. Carries the address typed (empty for a role change), so the form keeps it.
    #[error("confirm your password first")]
    ReauthRequired { email: String },
    /// Another admin's email address: only the operator may change it.
    #[error("the user is an admin")]
    TargetIsAdmin,
    /// Too many invitations or email changes by this admin or in this company. Carries the
    /// form's fields as typed (name, value), so the form re-rendered without JavaScript keeps
    /// them.
    #[error("too many invitations or email changes; retry in {retry_after_secs} s")]
    NewAddressesThrottled {
        retry_after_secs: u64,
        kept: Vec<(String, String)>,
    },
    /// An email-change link that was used, expired, replaced or never existed.
    #[error("email change link unusable: {state:?}")]
    EmailLinkUnusable { state: LinkState },
    /// Not an IANA time zone (kept, to say which).
    #[error("unknown time zone {name:?}")]
    UnknownTimeZone { name: String },
    #[error("reset link unusable: {state:?}")]
    ResetLinkUnusable { state: LinkState },
    /// Adding or removing a sign-in method without the password confirmed recently.
    #[error("confirm your password")]
    PasswordNeeded,
    /// A code from the app (or a recovery code, `recovery`) that is wrong or spent.
    #[error("wrong code")]
    WrongCode { recovery: bool },
    /// The authenticator app setup expired or was finished elsewhere.
    #[error("setup expired")]
    SetupExpired,
    /// The only sign-in method, while the company requires one.
    #[error("required by the company")]
    RequiredByCompany,
    /// Recovery codes asked for without any second factor.
    #[error("no second factor yet")]
    NoFactorYet,
    #[error("no such sign-in method")]
    UnknownMethod,
    /// A passkey name that is empty or longer than 64 characters (said to the page's script,
    /// which keeps the field as typed).
    #[error("invalid passkey name")]
    InvalidPasskeyName,
    /// The browser's passkey answer did not verify (expired or used challenge, another
    /// origin, an authenticator registered already, or a signature from an unknown key).
    #[error("passkey refused")]
    PasskeyRefused,
    /// Latch's public URL is an IP address: passkeys need a domain name.
    #[error("passkeys unavailable")]
    PasskeysUnavailable,
    /// The second login step expired (5 minutes), was used, or never was.
    #[error("sign-in step expired")]
    StepExpired,
    #[error("unexpected server error")]
    Unexpected,
    /// The database could not be reached (503): try again shortly.
    #[error("service temporarily unavailable")]
    Unavailable,
    /// The request itself failed (network, malformed request...).
    #[error("request failed: {0}")]
    Request(String),
}

impl AppError {
    /// What the user typed in form field `name`, when this refusal carries it.
    pub fn kept(&self, name: &str) -> Option<String> {
        match self {
            AppError::NewAddressesThrottled { kept, .. } => kept
                .iter()
                .find(|(field, _)| field == name)
                .map(|(_, value)| value.clone()),
            AppError::ReauthRequired { email } | AppError::EmailTaken { email }
                if name == "email" && !email.is_empty() =>
            {
                Some(email.clone())
            }
            AppError::InvalidEmail { email } if name == "email" => Some(email.clone()),
            AppError::UsernameTaken { username } if name == "username" => Some(username.clone()),
            _ => None,
        }
    }
}

/// Heading and explanation for a reset link that cannot be used.
pub fn link_explained(state: LinkState, t: &latch_i18n::Messages) -> (&'static str, &'static str) {
    match state {
        LinkState::Used => (t.link_used_heading, t.link_used_body),
        LinkState::Expired => (t.link_expired_heading, t.link_expired_body),
        LinkState::Replaced => (t.link_replaced_heading, t.link_replaced_body),
        LinkState::Valid | LinkState::Unknown => (t.link_invalid_heading, t.link_invalid_body),
    }
}

impl FromServerFnError for AppError {
    type Encoder = leptos::server_fn::codec::JsonEncoding;

    fn from_server_fn_error(value: ServerFnErrorErr) -> Self {
        AppError::Request(value.to_string())
    }
}

impl AppError {
    /// The sentence the user reads.
    pub fn message(&self, t: &latch_i18n::Messages) -> String {
        match self {
            AppError::InvalidCredentials { .. } => t.login_invalid.to_owned(),
            AppError::Throttled { retry_after_secs } => {
                (t.login_throttled)(minutes_rounded_up(*retry_after_secs))
            }
            AppError::Busy { .. } => t.server_busy.to_owned(),
            AppError::NotSignedIn => t.not_signed_in.to_owned(),
            AppError::InvalidEmail { .. } => t.email_invalid.to_owned(),
            AppError::PasswordRejected { problem } => crate::new_password::explain(problem, t),
            AppError::PasswordsDiffer => t.passwords_differ.to_owned(),
            AppError::WrongExistingPassword => t.existing_password_wrong.to_owned(),
            AppError::SameAsExisting => t.password_same_as_existing.to_owned(),
            AppError::NotAdmin => t.not_admin.to_owned(),
            AppError::UnknownUser => t.unknown_user.to_owned(),
            AppError::UnknownDevice => t.device_unknown.to_owned(),
            AppError::UserMailThrottled { retry_after_secs } => {
                (t.user_mail_throttled)(minutes_rounded_up(*retry_after_secs))
            }
            AppError::UserInactive => t.user_inactive.to_owned(),
            AppError::LastAdmin => t.last_admin.to_owned(),
            AppError::EmailTaken { .. } => t.email_taken.to_owned(),
            AppError::UsernameTaken { .. } => t.username_taken.to_owned(),
            AppError::InvalidUsername => t.username_invalid.to_owned(),
            AppError::InvalidName => t.name_invalid.to_owned(),
            AppError::ReauthRequired { .. } => t.reauth_required.to_owned(),
            AppError::TargetIsAdmin => t.target_is_admin.to_owned(),
            AppError::NewAddressesThrottled {
                retry_after_secs, ..
            } => (t.new_addresses_throttled)(minutes_rounded_up(*retry_after_secs)),
            AppError::EmailLinkUnusable { .. } => t.email_link_unusable.to_owned(),
            AppError::UnknownTimeZone { name } => (t.time_zone_unknown)(name),
            AppError::ResetLinkUnusable { state } => link_explained(*state, t).0.to_owned(),
            AppError::PasswordNeeded => t.password_needed.to_owned(),
            AppError::WrongCode { recovery: false } => t.wrong_app_code.to_owned(),
            AppError::WrongCode { recovery: true } => t.wrong_recovery_code.to_owned(),
            AppError::SetupExpired => t.setup_expired.to_owned(),
            AppError::RequiredByCompany => t.required_by_company.to_owned(),
            AppError::NoFactorYet => t.no_factor_yet.to_owned(),
            AppError::UnknownMethod => t.unknown_method.to_owned(),
            AppError::InvalidPasskeyName => t.passkey_name_invalid.to_owned(),
            AppError::PasskeyRefused => t.passkey_refused.to_owned(),
            AppError::PasskeysUnavailable => t.passkeys_unavailable.to_owned(),
            AppError::StepExpired => t.step_expired.to_owned(),
            AppError::Unavailable => t.database_unavailable.to_owned(),
            AppError::Unexpected | AppError::Request(_) => t.unexpected_error.to_owned(),
        }
    }
}

/// `Retry-After` when the database is unreachable: long enough for a restart or failover.
pub const DATABASE_RETRY_AFTER_SECS: u64 = 5;

#[cfg(feature = "ssr")]
impl AppError {
    /// The HTTP status of this answer (script clients see it; a plain form post is redirected).
    pub fn status(&self) -> http::StatusCode {
        use http::StatusCode;
        match self {
            AppError::InvalidCredentials { .. }
            | AppError::NotSignedIn
            | AppError::WrongCode { .. }
            | AppError::PasskeyRefused
            | AppError::StepExpired => StatusCode::UNAUTHORIZED,
            AppError::PasskeysUnavailable => StatusCode::CONFLICT,
            AppError::PasswordNeeded | AppError::RequiredByCompany => StatusCode::FORBIDDEN,
            AppError::SetupExpired => StatusCode::GONE,
            AppError::NoFactorYet => StatusCode::CONFLICT,
            AppError::UnknownMethod => StatusCode::NOT_FOUND,
            AppError::WrongExistingPassword
            | AppError::NotAdmin
            | AppError::ReauthRequired { .. }
            | AppError::TargetIsAdmin => StatusCode::FORBIDDEN,
            AppError::UnknownUser | AppError::UnknownDevice => StatusCode::NOT_FOUND,
            AppError::Throttled { .. }
            | AppError::UserMailThrottled { .. }
            | AppError::NewAddressesThrottled { .. } => StatusCode::TOO_MANY_REQUESTS,
            AppError::UserInactive
            | AppError::LastAdmin
            | AppError::EmailTaken { .. }
            | AppError::UsernameTaken { .. } => StatusCode::CONFLICT,
            AppError::ResetLinkUnusable { .. } | AppError::EmailLinkUnusable { .. } => {
                StatusCode::GONE
            }
            AppError::InvalidEmail { .. }
            | AppError::PasswordRejected { .. }
            | AppError::PasswordsDiffer
            | AppError::SameAsExisting
            | AppError::InvalidUsername
            | AppError::InvalidName
            | AppError::InvalidPasskeyName
            | AppError::UnknownTimeZone { .. } => StatusCode::UNPROCESSABLE_ENTITY,
            AppError::Busy { .. } | AppError::Unavailable => StatusCode::SERVICE_UNAVAILABLE,
            AppError::Request(_) => StatusCode::BAD_REQUEST,
            AppError::Unexpected => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    /// Seconds after which trying again can succeed (`Retry-After`), for refusals that pass.
    pub fn retry_after(&self) -> Option<u64> {
        match self {
            AppError::Throttled { retry_after_secs }
            | AppError::UserMailThrottled { retry_after_secs }
            | AppError::NewAddressesThrottled {
                retry_after_secs, ..
            }
            | AppError::Busy { retry_after_secs } => Some(*retry_after_secs),
            AppError::Unavailable => Some(DATABASE_RETRY_AFTER_SECS),
            _ => None,
        }
    }

    /// A refused admin form keeps what the admin typed (`fields`: name, value), so the form
    /// re-rendered without JavaScript shows it again.
    pub fn keeping(self, fields: &[(&str, &str)]) -> Self {
        let typed = |name: &str| {
            fields
                .iter()
                .find(|(field, _)| *field == name)
                .map(|(_, value)| (*value).to_owned())
        };
        match self {
            AppError::ReauthRequired { email } => AppError::ReauthRequired {
                email: typed("email").unwrap_or(email),
            },
            AppError::EmailTaken { email } => AppError::EmailTaken {
                email: typed("email").unwrap_or(email),
            },
            AppError::NewAddressesThrottled {
                retry_after_secs, ..
            } => AppError::NewAddressesThrottled {
                retry_after_secs,
                kept: fields
                    .iter()
                    .map(|(name, value)| ((*name).to_owned(), (*value).to_owned()))
                    .collect(),
            },
            other => other,
        }
    }

    /// A failed login keeps what the user typed as identifier, so a form re-rendered
    /// without JavaScript shows it again.
    pub fn for_identifier(self, identifier: String) -> Self {
        match self {
            AppError::InvalidCredentials { .. } => AppError::InvalidCredentials { identifier },
            other => other,
        }
    }
}

fn minutes_rounded_up(seconds: u64) -> u64 {
    seconds.div_ceil(60).max(1)
}
