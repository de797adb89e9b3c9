//! "Forgot Password": ask for a link, get it by email, choose a new password.

mod pages;
mod server_fns;

pub use pages::{ForgotPasswordPage, ResetDonePage, ResetPasswordPage, ResetSentPage};
pub use server_fns::{RequestReset, ResetLinkStatus, ResetPassword, reset_link_status};
