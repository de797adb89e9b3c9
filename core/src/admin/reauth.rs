//! "Confirm your password" for an admin, before an act that could hand an account to someone
//! else (a user's email address, a role): see [`crate::reauth`].

use std::net::IpAddr;

use chrono::{DateTime, Utc};
use latch_domain::AuditKind;

use super::{Admin, AdminError};
use crate::reauth::{self, ConfirmError};
use crate::services::Services;

/// Checks `password` against the admin's own and, when it matches, marks their session as
/// freshly confirmed (audited as an admin's confirmation). Returns the admin as confirmed now,
/// for an act in the same request.
pub async fn reauthenticate(
    services: &Services,
    admin: &Admin,
    password: &str,
    client_ip: Option<IpAddr>,
    now: DateTime<Utc>,
) -> Result<Admin, AdminError> {
    let kind = AuditKind::AdminReauthenticated;
    reauth::confirm_password(
        services,
        admin.user(),
        &admin.1.key,
        password,
        client_ip,
        kind,
        now,
    )
    .await
    .map_err(|err| match err {
        ConfirmError::WrongPassword => AdminError::WrongPassword,
        ConfirmError::Throttled { retry_at } => AdminError::ReauthThrottled { retry_at },
        ConfirmError::SessionEnded => AdminError::SessionEnded,
        ConfirmError::Busy => AdminError::Busy,
        ConfirmError::Unexpected(err) => AdminError::Unexpected(err),
    })?;
    let mut confirmed = admin.clone();
    confirmed.1.reauthenticated_at = Some(now);
    Ok(confirmed)
}
