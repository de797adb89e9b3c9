//! What the admin pages and their server functions exchange (shared with the browser).

use serde::{Deserialize, Serialize};

/// One row of the user list. Never a password hash, never a link.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct UserRow {
    pub id: String,
    pub display_name: String,
    pub username: String,
    pub email: String,
    pub is_admin: bool,
    pub active: bool,
    /// `false` while an invited user has not chosen a password.
    pub has_password: bool,
    /// In the viewer's language and time zone.
    pub last_login_at: Option<String>,
    pub last_mail: Option<LastMail>,
    /// How long a reset link sent now would stay valid (for the confirmation).
    pub reset_link_hours: i64,
    /// The address an email change waits to be confirmed at (on the user's page only).
    pub pending_email: Option<String>,
    /// How long "Confirm your password" lasts, in minutes (for the user's page).
    pub reauth_minutes: i64,
    /// Whether the user has two-step verification (on the user's page only).
    #[serde(default)]
    pub two_step: bool,
}

/// The company's security policy, as its "Security" page shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SecurityPolicy {
    /// `off`, `admins` or `everyone`.
    pub require_two_step: String,
    /// Whether a login from a browser new to the account mails its user.
    pub new_sign_in_alerts: bool,
    /// The admin confirmed their password in the last minutes: no password field.
    pub password_confirmed: bool,
}

/// The newest email to a user: what it was and how its delivery went.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LastMail {
    pub template: String,
    /// `queued`, `sending`, `sent`, `retrying` or `failed`.
    pub status: String,
    pub last_error: Option<String>,
    /// This and `sent_at` in the viewer's language and time zone.
    pub queued_at: String,
    pub sent_at: Option<String>,
}

/// A page of the user list.
pub type UserPage = latch_domain::Page<UserRow>;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ActivityRow {
    /// In the viewer's language and time zone.
    pub at: String,
    pub kind: String,
    pub outcome: String,
    pub actor: Option<String>,
    pub target: Option<String>,
    pub client_ip: Option<String>,
}

/// A page of the company's audit trail.
pub type ActivityPage = latch_domain::Page<ActivityRow>;

#[cfg(feature = "ssr")]
impl UserRow {
    /// `row` for the browser, its times written for this request's reader.
    pub(crate) fn new(row: latch_core::admin::UserRow, call: &crate::server::Call) -> Self {
        let reader = &call.request;
        UserRow {
            reset_link_hours: call.services.admin_policy.reset_link_valid_for.num_hours(),
            pending_email: None,
            two_step: false,
            reauth_minutes: call.services.admin_policy.reauth_valid_for.num_minutes(),
            id: row.id.to_string(),
            display_name: row.display_name,
            username: row.username,
            email: row.email,
            is_admin: row.role == latch_domain::Role::Admin,
            active: row.active,
            has_password: row.has_password,
            last_login_at: row.last_login_at.map(|at| reader.local_time(at)),
            last_mail: row.last_mail.map(|mail| LastMail {
                template: mail.template,
                status: mail.status,
                last_error: mail.last_error,
                queued_at: reader.local_time(mail.queued_at),
                sent_at: mail.sent_at.map(|at| reader.local_time(at)),
            }),
        }
    }
}

#[cfg(feature = "ssr")]
impl ActivityRow {
    pub(crate) fn new(row: latch_core::admin::ActivityRow, call: &crate::server::Call) -> Self {
        ActivityRow {
            at: call.request.local_time(row.at),
            kind: row.kind,
            outcome: row.outcome,
            actor: row.actor,
            target: row.target,
            client_ip: row.client_ip,
        }
    }
}
