//! The one error type of every server function. Each variant is something the UI can say in
//! plain words; unexpected failures are logged on the server and reach the browser only as
//! `Unexpected`.

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
    #[error("unexpected server error")]
    Unexpected,
    /// The request itself failed (network, malformed request...).
    #[error("request failed: {0}")]
    Request(String),
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
            AppError::Unexpected | AppError::Request(_) => t.unexpected_error.to_owned(),
        }
    }
}

fn minutes_rounded_up(seconds: u64) -> u64 {
    seconds.div_ceil(60).max(1)
}
