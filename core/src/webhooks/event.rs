//! What an event says: its type and the JSON body the receiver gets,
//! `{"id", "type", "created_at", "data"}`.

use chrono::{DateTime, SecondsFormat, Utc};
use serde_json::{Map, Value, json};
use uuid::Uuid;

use crate::entities::user;
use crate::server_key::ServerKey;

/// Something that happened to a user, as the CRM hears of it.
#[derive(Debug, Clone, Copy)]
pub enum Event<'a> {
    /// Added by an admin ("Add user") or the operator (`latch user add`).
    UserCreated(&'a user::Model),
    /// Their name, email address or role changed (`before` and `after` the change); other
    /// changes (language, last login...) are not the CRM's concern and make no event.
    UserUpdated {
        before: &'a user::Model,
        after: &'a user::Model,
    },
    UserDeactivated(&'a user::Model),
    UserReactivated(&'a user::Model),
    /// Changed in Account Settings or through a completed reset.
    PasswordChanged(&'a user::Model),
    /// One session of `user` ended (the storage key of the session, never its token).
    SessionEnded {
        user: &'a user::Model,
        session_key: &'a str,
        reason: SessionEndReason,
    },
}

/// Why a session ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SessionEndReason {
    /// "Log out".
    Logout,
    /// Someone signed in on the same browser, which ends the session it had.
    SignedInAgain,
    /// The user changed their password (their other sessions, if they asked, and this one,
    /// which continues under a new id).
    PasswordChanged,
    /// A reset link was used: every session of the user ends.
    PasswordReset,
    /// The email address changed (the operator's change, or a confirmed admin's change).
    EmailChanged,
    /// An admin or the operator deactivated the user.
    Deactivated,
    /// The user signed this device out from "Your devices" (one, or all their others).
    SignedOutByUser,
    /// An admin's "Sign out everywhere".
    AdminSignOut,
}

impl SessionEndReason {
    pub fn as_str(self) -> &'static str {
        match self {
            SessionEndReason::Logout => "logout",
            SessionEndReason::SignedInAgain => "signed_in_again",
            SessionEndReason::PasswordChanged => "password_changed",
            SessionEndReason::PasswordReset => "password_reset",
            SessionEndReason::EmailChanged => "email_changed",
            SessionEndReason::Deactivated => "deactivated",
            SessionEndReason::SignedOutByUser => "signed_out_by_user",
            SessionEndReason::AdminSignOut => "admin_sign_out",
        }
    }
}

impl<'a> Event<'a> {
    /// The event's `type`.
    pub fn kind(&self) -> &'static str {
        match self {
            Event::UserCreated(_) => "user.created",
            Event::UserUpdated { .. } => "user.updated",
            Event::UserDeactivated(_) => "user.deactivated",
            Event::UserReactivated(_) => "user.reactivated",
            Event::PasswordChanged(_) => "user.password_changed",
            Event::SessionEnded { .. } => "session.ended",
        }
    }

    /// The user the event is about (as they are after it).
    pub fn user(&self) -> &'a user::Model {
        match *self {
            Event::UserCreated(user)
            | Event::UserDeactivated(user)
            | Event::UserReactivated(user)
            | Event::PasswordChanged(user)
            | Event::SessionEnded { user, .. } => user,
            Event::UserUpdated { after, .. } => after,
        }
    }

    /// The JSON body sent for this event, or `None` for an update that changed nothing the
    /// CRM sees.
    pub(super) fn body(
        &self,
        id: Uuid,
        server_key: &ServerKey,
        now: DateTime<Utc>,
    ) -> Option<String> {
        let mut data = user_data(self.user());
        match *self {
            Event::UserUpdated { before, after } => {
                let fields = [
                    ("name", &before.display_name, &after.display_name),
                    ("email", &before.email, &after.email),
                ];
                let mut changed: Vec<&str> = Vec::new();
                let mut previous = Map::new();
                for (field, old, new) in fields {
                    if old != new {
                        changed.push(field);
                        previous.insert(field.to_owned(), json!(old));
                    }
                }
                if before.role != after.role {
                    changed.push("role");
                    previous.insert("role".to_owned(), json!(before.role.as_str()));
                }
                if changed.is_empty() {
                    return None;
                }
                data.insert("changed".to_owned(), json!(changed));
                data.insert("previous".to_owned(), Value::Object(previous));
            }
            Event::SessionEnded {
                session_key,
                reason,
                ..
            } => {
                let sid = crate::identity_token::session_claim(server_key, session_key);
                data.insert("sid".to_owned(), json!(sid));
                data.insert("reason".to_owned(), json!(reason.as_str()));
            }
            _ => {}
        }
        let body = json!({
            "id": id,
            "type": self.kind(),
            "created_at": now.to_rfc3339_opts(SecondsFormat::Millis, true),
            "data": data,
        });
        Some(body.to_string())
    }
}

/// Who the event is about, as the identity token names them.
fn user_data(user: &user::Model) -> Map<String, Value> {
    let data = json!({
        "user_id": user.id,
        "username": user.username,
        "email": user.email,
        "name": user.display_name,
        "company_id": user.company_id,
        "role": user.role.as_str(),
        "active": user.active,
    });
    match data {
        Value::Object(map) => map,
        _ => Map::new(),
    }
}
