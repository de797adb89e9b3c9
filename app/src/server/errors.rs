//! How core's outcomes become the [`AppError`] the browser is told: one `From` per core error,
//! and one place where an unexpected failure is logged.

use chrono::{DateTime, Utc};
use latch_core::admin::{AdminError, ConfirmError};
use latch_core::auth::LoginError;
use latch_core::password_change::ChangeError;
use latch_core::password_hash::HashError;
use latch_core::password_reset::ResetError;
use latch_core::time_zone::UnknownTimeZone;
use latch_core::two_factor::TwoFactorError;
use latch_core::two_factor::login_step::{StepError, StepMethod};
use latch_domain::{NameError, UsernameError};

use crate::error::AppError;
pub use crate::error::DATABASE_RETRY_AFTER_SECS;

/// `Retry-After` when every password hashing slot is taken: a queue that long empties quickly.
pub(crate) const BUSY_RETRY_AFTER_SECS: u64 = 2;

/// Logs an unexpected failure once, with its context, and hides it from the browser. When the
/// cause is that the database cannot be reached, the answer is "try again shortly" instead:
/// that is not a bug, and it passes by itself.
pub fn unexpected(err: impl Into<anyhow::Error>) -> AppError {
    let err = err.into();
    if latch_core::db::is_unreachable(err.as_ref()) {
        tracing::warn!("database unreachable: {err:#}");
        return AppError::Unavailable;
    }
    tracing::error!("{err:#}");
    AppError::Unexpected
}

/// Whole seconds until `retry_at`, at least one (a `Retry-After` of 0 invites a busy loop).
fn seconds_until(retry_at: DateTime<Utc>) -> u64 {
    (retry_at - Utc::now()).num_seconds().max(1) as u64
}

fn busy() -> AppError {
    AppError::Busy {
        retry_after_secs: BUSY_RETRY_AFTER_SECS,
    }
}

impl From<HashError> for AppError {
    fn from(err: HashError) -> Self {
        match err {
            HashError::Busy => busy(),
            HashError::Unexpected(err) => unexpected(err),
        }
    }
}

impl From<LoginError> for AppError {
    /// `InvalidCredentials` comes without the identifier: see [`AppError::for_identifier`].
    fn from(err: LoginError) -> Self {
        match err {
            LoginError::InvalidCredentials => AppError::InvalidCredentials {
                identifier: String::new(),
            },
            LoginError::Throttled { retry_at } => AppError::Throttled {
                retry_after_secs: seconds_until(retry_at),
            },
            LoginError::Busy => busy(),
            LoginError::Unexpected(err) => unexpected(err),
        }
    }
}

impl From<ResetError> for AppError {
    fn from(err: ResetError) -> Self {
        match err {
            ResetError::Throttled { retry_at } => AppError::Throttled {
                retry_after_secs: seconds_until(retry_at),
            },
            ResetError::LinkUnusable(state) => AppError::ResetLinkUnusable { state },
            ResetError::PasswordsDiffer => AppError::PasswordsDiffer,
            ResetError::PasswordRejected(problem) => AppError::PasswordRejected { problem },
            ResetError::Busy => busy(),
            ResetError::Unexpected(err) => unexpected(err),
        }
    }
}

impl From<ChangeError> for AppError {
    fn from(err: ChangeError) -> Self {
        match err {
            ChangeError::Throttled { retry_at } => AppError::Throttled {
                retry_after_secs: seconds_until(retry_at),
            },
            ChangeError::PasswordsDiffer => AppError::PasswordsDiffer,
            ChangeError::WrongExistingPassword => AppError::WrongExistingPassword,
            ChangeError::SessionEnded => AppError::NotSignedIn,
            ChangeError::Rejected(problem) => AppError::PasswordRejected { problem },
            ChangeError::SameAsExisting => AppError::SameAsExisting,
            ChangeError::Busy => busy(),
            ChangeError::Unexpected(err) => unexpected(err),
        }
    }
}

impl From<latch_core::devices::DeviceError> for AppError {
    fn from(err: latch_core::devices::DeviceError) -> Self {
        match err {
            latch_core::devices::DeviceError::UnknownDevice => AppError::UnknownDevice,
            latch_core::devices::DeviceError::Unexpected(err) => unexpected(err),
        }
    }
}

impl From<AdminError> for AppError {
    fn from(err: AdminError) -> Self {
        match err {
            AdminError::NotAdmin => AppError::NotAdmin,
            AdminError::UnknownUser => AppError::UnknownUser,
            AdminError::Throttled { retry_at } => AppError::UserMailThrottled {
                retry_after_secs: seconds_until(retry_at),
            },
            AdminError::Inactive => AppError::UserInactive,
            AdminError::LastAdmin => AppError::LastAdmin,
            AdminError::EmailTaken(email) => AppError::EmailTaken { email },
            AdminError::UsernameTaken(username) => AppError::UsernameTaken { username },
            AdminError::ReauthRequired => AppError::ReauthRequired {
                email: String::new(),
            },
            AdminError::WrongPassword => AppError::WrongExistingPassword,
            AdminError::ReauthThrottled { retry_at } => AppError::Throttled {
                retry_after_secs: seconds_until(retry_at),
            },
            AdminError::TargetIsAdmin => AppError::TargetIsAdmin,
            AdminError::NewAddressesThrottled { retry_at } => AppError::NewAddressesThrottled {
                retry_after_secs: seconds_until(retry_at),
                kept: Vec::new(),
            },
            AdminError::SessionEnded => AppError::NotSignedIn,
            AdminError::Busy => busy(),
            AdminError::Unexpected(err) => unexpected(err),
        }
    }
}

impl From<ConfirmError> for AppError {
    fn from(err: ConfirmError) -> Self {
        match err {
            ConfirmError::LinkUnusable(state) => AppError::EmailLinkUnusable { state },
            ConfirmError::EmailTaken(email) => AppError::EmailTaken { email },
            ConfirmError::Unexpected(err) => unexpected(err),
        }
    }
}

impl From<latch_core::reauth::ConfirmError> for AppError {
    fn from(err: latch_core::reauth::ConfirmError) -> Self {
        use latch_core::reauth::ConfirmError;
        match err {
            ConfirmError::WrongPassword => AppError::WrongExistingPassword,
            ConfirmError::Throttled { retry_at } => AppError::Throttled {
                retry_after_secs: seconds_until(retry_at),
            },
            ConfirmError::SessionEnded => AppError::NotSignedIn,
            ConfirmError::Busy => busy(),
            ConfirmError::Unexpected(err) => unexpected(err),
        }
    }
}

impl From<TwoFactorError> for AppError {
    fn from(err: TwoFactorError) -> Self {
        match err {
            TwoFactorError::PasswordNeeded => AppError::PasswordNeeded,
            TwoFactorError::Confirm(err) => err.into(),
            TwoFactorError::WrongCode => AppError::WrongCode { recovery: false },
            TwoFactorError::NoSetup => AppError::SetupExpired,
            TwoFactorError::RequiredByCompany => AppError::RequiredByCompany,
            TwoFactorError::UnknownFactor => AppError::UnknownMethod,
            TwoFactorError::NoFactor => AppError::NoFactorYet,
            TwoFactorError::InvalidPasskeyName => AppError::InvalidPasskeyName,
            TwoFactorError::PasskeyRefused => AppError::PasskeyRefused,
            TwoFactorError::PasskeysUnavailable => AppError::PasskeysUnavailable,
            TwoFactorError::Unexpected(err) => unexpected(err),
        }
    }
}

/// A refused second login step; `recovery`: a recovery code was typed (the message names it).
pub(crate) fn step_refused(err: StepError, method: StepMethod) -> AppError {
    match err {
        StepError::Expired => AppError::StepExpired,
        StepError::WrongCode if method == StepMethod::Passkey => AppError::PasskeyRefused,
        StepError::WrongCode => AppError::WrongCode {
            recovery: method == StepMethod::RecoveryCode,
        },
        StepError::PasskeysUnavailable => AppError::PasskeysUnavailable,
        StepError::Throttled { retry_at } => AppError::Throttled {
            retry_after_secs: seconds_until(retry_at),
        },
        StepError::Unexpected(err) => unexpected(err),
    }
}

impl From<UnknownTimeZone> for AppError {
    fn from(UnknownTimeZone(name): UnknownTimeZone) -> Self {
        AppError::UnknownTimeZone { name }
    }
}

impl From<NameError> for AppError {
    fn from(_: NameError) -> Self {
        AppError::InvalidName
    }
}

impl From<UsernameError> for AppError {
    fn from(_: UsernameError) -> Self {
        AppError::InvalidUsername
    }
}

impl From<anyhow::Error> for AppError {
    fn from(err: anyhow::Error) -> Self {
        unexpected(err)
    }
}
