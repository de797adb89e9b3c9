//! Email templates: a plain-text and an HTML part for every mail, rendered with minijinja.
//! Every sentence comes from the i18n layer in the recipient's language; the HTML template
//! escapes every value (names are user-supplied text).

use chrono::{DateTime, Duration, Utc};
use minijinja::{Environment, context};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::preferences::Preferences;

/// The kinds of mail Latch sends, with what each needs to be written. This is what the queue
/// stores, so it never holds a working link: a mail with a link names the link's row
/// (`link_id`, in `password_reset_tokens`), and the outbox mints the link's token when it
/// sends the mail (see `outbox::link_token`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum MailTemplate {
    /// "Forgot Password": a link to choose a new password.
    PasswordReset {
        username: String,
        link_id: Uuid,
        valid_minutes: i64,
        /// When the link stops working (absent in mail queued before Latch recorded it).
        #[serde(default)]
        expires_at: Option<DateTime<Utc>>,
    },
    /// Sent after a password change or reset, in case it was not the account's owner.
    PasswordChanged { username: String },
    /// A company admin's "Reset Password": a link valid for hours, not minutes.
    AdminReset {
        username: String,
        link_id: Uuid,
        valid_hours: i64,
        #[serde(default)]
        expires_at: Option<DateTime<Utc>>,
    },
    /// "Add user": a link to choose a first password.
    Invitation {
        username: String,
        company: String,
        link_id: Uuid,
        valid_hours: i64,
        #[serde(default)]
        expires_at: Option<DateTime<Utc>>,
    },
    /// To the old address, when a user's email address changed.
    EmailChanged {
        username: String,
        new_address: String,
    },
    /// To the new address of an admin's email change: the link that makes it take effect.
    EmailChangeConfirm {
        username: String,
        new_address: String,
        link_id: Uuid,
        valid_hours: i64,
        #[serde(default)]
        expires_at: Option<DateTime<Utc>>,
    },
    /// To the current address, when an admin asked for the account's address to change.
    EmailChangeRequested {
        username: String,
        new_address: String,
    },
    /// After a login from a browser that was no known device of the account.
    NewSignIn {
        username: String,
        signed_in_at: DateTime<Utc>,
        /// The browser and system as the User-Agent named them (see `DeviceKind`).
        browser: Option<String>,
        os: Option<String>,
        client_ip: Option<String>,
    },
    /// A second sign-in method was turned on (`method`: `totp`).
    SignInMethodAdded { username: String, method: String },
    /// A second sign-in method was removed (`method`: `totp`, or `all` when an admin removed
    /// every one).
    SignInMethodRemoved {
        username: String,
        method: String,
        by_admin: bool,
    },
}

impl MailTemplate {
    pub fn name(&self) -> &'static str {
        match self {
            MailTemplate::PasswordReset { .. } => "password_reset",
            MailTemplate::PasswordChanged { .. } => "password_changed",
            MailTemplate::AdminReset { .. } => "admin_reset",
            MailTemplate::Invitation { .. } => "invitation",
            MailTemplate::EmailChanged { .. } => "email_changed",
            MailTemplate::EmailChangeConfirm { .. } => "email_change_confirm",
            MailTemplate::EmailChangeRequested { .. } => "email_change_requested",
            MailTemplate::NewSignIn { .. } => "new_sign_in",
            MailTemplate::SignInMethodAdded { .. } => "sign_in_method_added",
            MailTemplate::SignInMethodRemoved { .. } => "sign_in_method_removed",
        }
    }

    /// The link row whose token the mail carries, if the mail has a link.
    pub fn link_id(&self) -> Option<Uuid> {
        match self {
            MailTemplate::PasswordReset { link_id, .. }
            | MailTemplate::AdminReset { link_id, .. }
            | MailTemplate::Invitation { link_id, .. }
            | MailTemplate::EmailChangeConfirm { link_id, .. } => Some(*link_id),
            MailTemplate::PasswordChanged { .. }
            | MailTemplate::EmailChanged { .. }
            | MailTemplate::EmailChangeRequested { .. }
            | MailTemplate::NewSignIn { .. }
            | MailTemplate::SignInMethodAdded { .. }
            | MailTemplate::SignInMethodRemoved { .. } => None,
        }
    }

    /// When the mail's link stops working. A mail queued before Latch recorded the expiry
    /// had its link issued in the transaction that queued it, so it is `queued_at` plus the
    /// validity.
    pub fn link_expires_at(&self, queued_at: DateTime<Utc>) -> Option<DateTime<Utc>> {
        let (expires_at, valid_for) = match self {
            MailTemplate::PasswordReset {
                expires_at,
                valid_minutes,
                ..
            } => (expires_at, Duration::minutes(*valid_minutes)),
            MailTemplate::AdminReset {
                expires_at,
                valid_hours,
                ..
            }
            | MailTemplate::Invitation {
                expires_at,
                valid_hours,
                ..
            }
            | MailTemplate::EmailChangeConfirm {
                expires_at,
                valid_hours,
                ..
            } => (expires_at, Duration::hours(*valid_hours)),
            MailTemplate::PasswordChanged { .. }
            | MailTemplate::EmailChanged { .. }
            | MailTemplate::EmailChangeRequested { .. }
            | MailTemplate::NewSignIn { .. }
            | MailTemplate::SignInMethodAdded { .. }
            | MailTemplate::SignInMethodRemoved { .. } => {
                return None;
            }
        };
        Some(expires_at.unwrap_or(queued_at + valid_for))
    }
}

/// A mail ready for the transport.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RenderedMail {
    pub subject: String,
    pub text: String,
    pub html: String,
}

const TEXT: &str = "\
{{ greeting }}

{{ intro }}
{% if link %}
{{ action }}:
{{ link }}

{{ validity }}
{% endif %}
{{ not_you }}

{{ signature }}
{{ automatic }}
";

const HTML: &str = r#"<!DOCTYPE html>
<html lang="{{ lang }}">
<head><meta charset="utf-8"><title>{{ subject }}</title></head>
<body style="font-family: system-ui, sans-serif; line-height: 1.5; color: #1b1f24; max-width: 36rem;">
<p>{{ greeting }}</p>
<p>{{ intro }}</p>
{% if link %}<p><a href="{{ link }}" style="display: inline-block; padding: 0.5rem 1rem; background: #1d4ed8; color: #ffffff; border-radius: 0.5rem; text-decoration: none; font-weight: 600;">{{ action }}</a></p>
<p style="font-size: 0.875rem;">{{ link }}</p>
<p>{{ validity }}</p>
{% endif %}<p>{{ not_you }}</p>
<p>{{ signature }}<br><span style="color: #4d5561; font-size: 0.875rem;">{{ automatic }}</span></p>
</body>
</html>
"#;

/// Renders `template` for `recipient_name` in their language and time zone (`reader`).
/// `queued_at`: when the mail was queued (for [`MailTemplate::link_expires_at`]); `link`: the
/// URL just minted for the template's link (required when it has one, ignored otherwise).
pub fn render(
    template: &MailTemplate,
    recipient_name: &str,
    reader: Preferences,
    queued_at: DateTime<Utc>,
    link: Option<&str>,
) -> anyhow::Result<RenderedMail> {
    let link = match template.link_id() {
        Some(_) => Some(link.ok_or_else(|| anyhow::anyhow!("a mail with a link needs its URL"))?),
        None => None,
    };
    let locale = reader.locale;
    let t = locale.messages();
    let until = template
        .link_expires_at(queued_at)
        .map(|at| reader.format(at))
        .unwrap_or_default();
    let (subject, intro, action, link, validity, not_you) = match template {
        MailTemplate::PasswordReset {
            username,
            valid_minutes,
            ..
        } => (
            t.reset_mail_subject,
            (t.reset_mail_intro)(username),
            t.reset_mail_action,
            link,
            (t.reset_mail_validity)(*valid_minutes, &until),
            t.reset_mail_not_you,
        ),
        MailTemplate::PasswordChanged { username } => (
            t.changed_mail_subject,
            (t.changed_mail_intro)(username),
            "",
            None,
            String::new(),
            t.changed_mail_not_you,
        ),
        MailTemplate::AdminReset {
            username,
            valid_hours,
            ..
        } => (
            t.reset_mail_subject,
            (t.admin_reset_mail_intro)(username),
            t.reset_mail_action,
            link,
            (t.link_validity_hours)(*valid_hours, &until),
            t.admin_reset_mail_not_you,
        ),
        MailTemplate::Invitation {
            username,
            company,
            valid_hours,
            ..
        } => (
            t.invitation_mail_subject,
            (t.invitation_mail_intro)(company, username),
            t.invitation_mail_action,
            link,
            (t.link_validity_hours)(*valid_hours, &until),
            t.invitation_mail_not_you,
        ),
        MailTemplate::EmailChanged {
            username,
            new_address,
        } => (
            t.email_changed_mail_subject,
            (t.email_changed_mail_intro)(username, new_address),
            "",
            None,
            String::new(),
            t.changed_mail_not_you,
        ),
        MailTemplate::EmailChangeConfirm {
            username,
            new_address,
            valid_hours,
            ..
        } => (
            t.email_change_confirm_mail_subject,
            (t.email_change_confirm_mail_intro)(username, new_address),
            t.confirm_email_button,
            link,
            (t.link_validity_hours)(*valid_hours, &until),
            t.email_change_confirm_mail_not_you,
        ),
        MailTemplate::EmailChangeRequested {
            username,
            new_address,
        } => (
            t.email_change_requested_mail_subject,
            (t.email_change_requested_mail_intro)(username, new_address),
            "",
            None,
            String::new(),
            t.email_change_requested_mail_not_you,
        ),
        MailTemplate::NewSignIn {
            username,
            signed_in_at,
            browser,
            os,
            client_ip,
        } => {
            let device = (t.device_words)(
                browser.as_deref().unwrap_or(t.unknown_browser),
                os.as_deref().unwrap_or(t.unknown_system),
            );
            let address = client_ip.as_deref().unwrap_or(t.unknown_address);
            let intro = format!(
                "{} {}",
                (t.new_sign_in_mail_intro)(username, &reader.format(*signed_in_at)),
                (t.new_sign_in_mail_device)(&device, address)
            );
            (
                t.new_sign_in_mail_subject,
                intro,
                "",
                None,
                String::new(),
                t.new_sign_in_mail_not_you,
            )
        }
        MailTemplate::SignInMethodAdded { username, method } => (
            t.method_added_mail_subject,
            (t.method_added_mail_intro)(username, (t.sign_in_method_name)(method)),
            "",
            None,
            String::new(),
            t.method_mail_not_you,
        ),
        MailTemplate::SignInMethodRemoved {
            username,
            method,
            by_admin,
        } => (
            t.method_removed_mail_subject,
            (t.method_removed_mail_intro)(username, (t.sign_in_method_name)(method), *by_admin),
            "",
            None,
            String::new(),
            t.method_mail_not_you,
        ),
    };
    let values = context! {
        lang => locale.tag(),
        subject => subject,
        greeting => (t.mail_greeting)(recipient_name),
        intro => intro,
        action => action,
        link => link,
        validity => validity,
        not_you => not_you,
        signature => t.mail_signature,
        automatic => t.mail_automatic,
    };
    // The file extension of the template name turns HTML escaping on.
    let mut env = Environment::new();
    env.add_template("mail.txt", TEXT)?;
    env.add_template("mail.html", HTML)?;
    Ok(RenderedMail {
        text: env.get_template("mail.txt")?.render(&values)?,
        html: env.get_template("mail.html")?.render(&values)?,
        subject: subject.to_owned(),
    })
}

#[cfg(test)]
mod tests;
