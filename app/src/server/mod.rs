//! Server-only glue between server functions and `latch-core`: what the server's middleware
//! learned about a request ([`RequestInfo`]), the one place a server function starts and ends
//! ([`Call`]), how core's refusals become [`AppError`](crate::error::AppError)s, and the
//! cookies Latch sets.

mod call;
mod content_security_policy;
mod cookies;
mod errors;
mod request_info;

pub use call::Call;
pub(crate) use content_security_policy::set_content_security_policy;
pub use cookies::{reset_cookie, session_cookie_value};
pub(crate) use errors::step_refused;
pub use errors::{DATABASE_RETRY_AFTER_SECS, unexpected};
pub use request_info::{RequestInfo, request_info};
