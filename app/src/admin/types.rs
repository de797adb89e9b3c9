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

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct UserPage {
    pub rows: Vec<UserRow>,
    pub total: u64,
    pub page: u64,
    pub page_count: u64,
}

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

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ActivityPage {
    pub rows: Vec<ActivityRow>,
    pub total: u64,
    pub page: u64,
    pub page_count: u64,
}

/// The list's columns that can be sorted, as they appear in the address (`?sort=`).
pub const SORT_KEYS: [&str; 5] = ["name", "username", "email", "role", "last_login"];
