//! What each CLI command does. Expected refusals come back as [`CommandError::Refused`] with a
//! message for the operator; the process then exits with status 1.

mod keys;

use std::io::BufRead;

use anyhow::Context;
use chrono::Utc;
use latch_core::accounts::{self, AccountError, NewUser};
use latch_core::admin::{self, Actor, AdminError};
use latch_core::preferences::Preferences;
use latch_core::time_zone::TimeZone;
use latch_core::two_factor;
use latch_core::webhooks::{Event, Webhooks};
use latch_domain::{CompanyName, DisplayName, Email, NewPassword, Role, Username};

use crate::cli::{CompanySet, UserAdd};
use crate::database;
use crate::settings::Settings;

#[derive(Debug, thiserror::Error)]
pub enum CommandError {
    #[error("{0}")]
    Refused(String),
    #[error(transparent)]
    Unexpected(#[from] anyhow::Error),
}

impl From<AdminError> for CommandError {
    fn from(err: AdminError) -> Self {
        match err {
            AdminError::Unexpected(err) => CommandError::Unexpected(err),
            AdminError::UnknownUser => {
                CommandError::Refused("no user with this username".to_owned())
            }
            refused => CommandError::Refused(refused.to_string()),
        }
    }
}

impl From<AccountError> for CommandError {
    fn from(err: AccountError) -> Self {
        match err {
            AccountError::Unexpected(err) => CommandError::Unexpected(err),
            refused => CommandError::Refused(refused.to_string()),
        }
    }
}

fn refuse(flag: &str, err: impl std::fmt::Display) -> CommandError {
    CommandError::Refused(format!("{flag}: {err}"))
}

/// The operator's changes are told to the CRM like an admin's (`LATCH_WEBHOOK_URL`).
fn webhooks(settings: &Settings) -> anyhow::Result<Webhooks> {
    if settings.webhook.is_none() {
        return Ok(Webhooks::off());
    }
    Ok(settings.webhooks(&settings.server_key.load()?))
}

pub async fn migrate(settings: &Settings) -> Result<String, CommandError> {
    database::open(settings).await?;
    Ok("Database is up to date.".to_owned())
}

pub async fn add_company(
    settings: &Settings,
    name: &str,
    language: &str,
    time_zone: &str,
) -> Result<String, CommandError> {
    let name = CompanyName::parse(name).map_err(|err| refuse("NAME", err))?;
    let defaults = Preferences {
        locale: parse_language(language)?,
        time_zone: TimeZone::parse(time_zone).map_err(|err| refuse("--time-zone", err))?,
    };
    let db = database::open(settings).await?;
    let company = accounts::add_company_with(&db, &name, defaults, Utc::now()).await?;
    Ok(format!(
        "Created company {:?} ({}); default language {}, time zone {}.",
        company.name, company.id, company.default_locale, company.default_time_zone
    ))
}

/// `latch company set NAME [--language L] [--time-zone Z] [--new-sign-in-alerts on|off]
/// [--require-2fa off|admins|everyone]`.
pub async fn set_company_defaults(
    settings: &Settings,
    args: &CompanySet,
) -> Result<String, CommandError> {
    let name = CompanyName::parse(&args.name).map_err(|err| refuse("NAME", err))?;
    let locale = args.language.as_deref().map(parse_language).transpose()?;
    let time_zone = args
        .time_zone
        .as_deref()
        .map(TimeZone::parse)
        .transpose()
        .map_err(|err| refuse("--time-zone", err))?;
    let db = database::open(settings).await?;
    let mut company = None;
    if locale.is_some() || time_zone.is_some() {
        company = Some(accounts::set_company_defaults(&db, &name, locale, time_zone).await?);
    }
    if args.new_sign_in_alerts.is_some() || args.require_2fa.is_some() {
        let found = accounts::find_company(&db, &name)
            .await?
            .ok_or_else(|| refuse("NAME", format!("no company is named {:?}", name.as_str())))?;
        let current = admin::security_policy(&db, found.id).await?;
        let wanted = admin::SecurityPolicy {
            require_2fa: args.require_2fa.unwrap_or(current.require_2fa),
            new_sign_in_alerts: args
                .new_sign_in_alerts
                .unwrap_or(current.new_sign_in_alerts),
        };
        let (policy, by, now) = (settings.admin_policy(), Actor::Operator, Utc::now());
        admin::set_security_policy(&db, &policy, by, found.id, wanted, None, now).await?;
        company = accounts::find_company(&db, &name).await?;
    }
    let company = company.ok_or_else(|| refuse("--language", "nothing to change"))?;
    let alerts = if company.new_sign_in_alerts {
        "on"
    } else {
        "off"
    };
    Ok(format!(
        "Company {:?}: default language {}, time zone {}, new sign-in alerts {alerts}, two-step verification required for {}.",
        company.name,
        company.default_locale,
        company.default_time_zone,
        match company.require_2fa.as_str() {
            "off" => "nobody",
            other => other,
        }
    ))
}

/// A language Latch speaks, by its tag (`en`, `id`).
fn parse_language(tag: &str) -> Result<latch_i18n::Locale, CommandError> {
    latch_i18n::Locale::from_tag(tag).ok_or_else(|| {
        let known: Vec<String> = latch_i18n::Locale::ALL
            .iter()
            .map(|locale| format!("{} ({})", locale.tag(), locale.native_name()))
            .collect();
        refuse(
            "--language",
            format!(
                "{tag:?} is not a language Latch speaks: use {}",
                known.join(" or ")
            ),
        )
    })
}

pub async fn add_user(
    settings: &Settings,
    args: &UserAdd,
    stdin: impl BufRead,
) -> Result<String, CommandError> {
    let new_user = NewUser {
        company: CompanyName::parse(&args.company).map_err(|err| refuse("--company", err))?,
        username: Username::parse(&args.username).map_err(|err| refuse("--username", err))?,
        email: Email::parse(&args.email).map_err(|err| refuse("--email", err))?,
        display_name: DisplayName::parse(&args.name).map_err(|err| refuse("--name", err))?,
        role: if args.admin {
            Role::Admin
        } else {
            Role::Member
        },
    };
    if !args.password_stdin {
        let db = database::open(settings).await?;
        let invitation = admin::Invitation {
            policy: &settings.admin_policy(),
            actor: Actor::Operator,
            new_user,
            client_ip: None,
            webhooks: &webhooks(settings)?,
        };
        let user = admin::invite_user(&db, invitation, Utc::now())
            .await?
            .ok_or_else(|| anyhow::anyhow!("the operator's invitation was held back"))?;
        return Ok(format!(
            "Created {} {:?} ({}) in {:?}; an invitation to choose a password is on its way to {}.",
            user.role.as_str(),
            user.username,
            user.id,
            args.company.trim(),
            user.email
        ));
    }
    let password = read_password(stdin)?;
    let about = latch_domain::PersonalInfo {
        username: new_user.username.as_str().to_owned(),
        email: new_user.email.as_str().to_owned(),
        display_name: new_user.display_name.as_str().to_owned(),
        company: new_user.company.as_str().to_owned(),
    };
    let password =
        NewPassword::parse(&password, &settings.password_policy, &about).map_err(|problem| {
            let messages = latch_i18n::Locale::default().messages();
            refuse(
                "password",
                latch_app::new_password::explain(&problem, messages),
            )
        })?;

    let db = database::open(settings).await?;
    let webhooks = webhooks(settings)?;
    let (txn, now) = (
        latch_core::db::begin_write(&db)
            .await
            .context("starting to add the user")?,
        Utc::now(),
    );
    let user = accounts::add_user(&txn, new_user, Some(password), now).await?;
    webhooks
        .publish(&txn, Event::UserCreated(&user), now)
        .await?;
    txn.commit().await.context("committing the new user")?;
    Ok(format!(
        "Created {} {:?} ({}) in {:?}.",
        user.role.as_str(),
        user.username,
        user.id,
        args.company.trim()
    ))
}

/// `latch user reset USERNAME`: the same email as an admin's "Reset Password".
pub async fn admin_reset(settings: &Settings, username: &str) -> Result<String, CommandError> {
    let username = Username::parse(username).map_err(|err| refuse("USERNAME", err))?;
    let db = database::open(settings).await?;
    let target = Actor::Operator.find_by_username(&db, &username).await?;
    let reset = admin::AdminReset {
        policy: &settings.admin_policy(),
        actor: Actor::Operator,
        target: &target,
        client_ip: None,
    };
    admin::admin_reset(&db, reset, Utc::now()).await?;
    Ok(format!(
        "A reset email to {} is queued (see `latch mail status`).",
        target.user().email
    ))
}

/// `latch user remove-2fa USERNAME`: the operator removes a user's second factors (for a
/// company whose only admin lost theirs).
pub async fn remove_two_step(settings: &Settings, username: &str) -> Result<String, CommandError> {
    let username = Username::parse(username).map_err(|err| refuse("USERNAME", err))?;
    let db = database::open(settings).await?;
    let target = Actor::Operator.find_by_username(&db, &username).await?;
    let policy = settings.admin_policy();
    let removed =
        two_factor::admin_remove_all(&db, &policy, Actor::Operator, &target, None, Utc::now())
            .await?;
    Ok(match removed {
        0 => format!(
            "{:?} had no two-step verification method.",
            target.user().username
        ),
        _ => format!(
            "Two-step verification removed from {:?}; {} is told (see `latch mail status`).",
            target.user().username,
            target.user().email
        ),
    })
}

/// `latch user email USERNAME ADDRESS`: the operator's change, at once.
pub async fn change_email(
    settings: &Settings,
    username: &str,
    email: &str,
) -> Result<String, CommandError> {
    let username = Username::parse(username).map_err(|err| refuse("USERNAME", err))?;
    let email = Email::parse(email).map_err(|err| refuse("ADDRESS", err))?;
    let db = database::open(settings).await?;
    let target = Actor::Operator.find_by_username(&db, &username).await?;
    let change = admin::EmailChange {
        policy: &settings.admin_policy(),
        actor: Actor::Operator,
        target: &target,
        new_email: &email,
        client_ip: None,
        webhooks: &webhooks(settings)?,
    };
    admin::change_email(&db, change, Utc::now()).await?;
    Ok(format!(
        "{:?} now has the address {}: signed out everywhere, links voided, {} told.",
        target.user().username,
        email.as_str(),
        target.user().email
    ))
}

/// `latch user deactivate|reactivate USERNAME`.
pub async fn set_user_active(
    settings: &Settings,
    username: &str,
    active: bool,
) -> Result<String, CommandError> {
    let username = Username::parse(username).map_err(|err| refuse("USERNAME", err))?;
    let db = database::open(settings).await?;
    let target = Actor::Operator.find_by_username(&db, &username).await?;
    let webhooks = webhooks(settings)?;
    admin::set_active(
        &db,
        &webhooks,
        Actor::Operator,
        &target,
        active,
        None,
        Utc::now(),
    )
    .await?;
    Ok(if active {
        format!("{:?} can log in again.", target.user().username)
    } else {
        format!(
            "{:?} is deactivated: signed out everywhere, links voided.",
            target.user().username
        )
    })
}

/// `latch mail status [--failed]`: the 50 most recent emails and webhook events (recipient
/// `webhook`, the event type as template), newest first, with totals; then
/// the invitations and email changes held back because they named another company's
/// username or address (the admin was answered as if they had worked).
pub async fn mail_status(settings: &Settings, only_failed: bool) -> Result<String, CommandError> {
    let db = database::open(settings).await?;
    let rows = latch_core::outbox::recent(&db, only_failed, 50).await?;
    let held_back = held_back(&db).await?;
    if rows.is_empty() {
        let none = if only_failed {
            "No failed emails."
        } else {
            "No emails or webhook events yet."
        };
        return Ok(format!("{none}{held_back}"));
    }
    let mut out = format!(
        "{:<20} {:<9} {:>3}  {:<32} {:<16} {}\n",
        "CREATED (UTC)", "STATUS", "TRY", "RECIPIENT", "TEMPLATE/EVENT", "LAST ERROR / SENT"
    );
    for row in &rows {
        let detail = match (&row.last_error, row.sent_at) {
            (Some(error), _) if row.status != "sent" => error.replace('\n', " "),
            (_, Some(sent)) => format!("sent {}", sent.format("%Y-%m-%d %H:%M:%S")),
            _ => format!(
                "next try {}",
                row.next_attempt_at.format("%Y-%m-%d %H:%M:%S")
            ),
        };
        out.push_str(&format!(
            "{:<20} {:<9} {:>3}  {:<32} {:<16} {}\n",
            row.created_at.format("%Y-%m-%d %H:%M:%S"),
            row.status,
            row.attempts,
            row.recipient,
            row.template,
            detail
        ));
    }
    let count = |status: &str| rows.iter().filter(|row| row.status == status).count();
    out.push_str(&format!(
        "\n{} shown: {} sent, {} queued, {} sending, {} retrying, {} failed, {} discarded",
        rows.len(),
        count("sent"),
        count("queued"),
        count("sending"),
        count("retrying"),
        count("failed"),
        count("discarded"),
    ));
    out.push_str(&held_back);
    Ok(out)
}

/// The part of `latch mail status` about mail held back for naming another company's user
/// (empty when there is none).
async fn held_back(db: &sea_orm::DatabaseConnection) -> Result<String, CommandError> {
    let conflicts = admin::recent_conflicts(db, 50).await?;
    if conflicts.is_empty() {
        return Ok(String::new());
    }
    let mut out = format!(
        "\n\nNot sent: {} invitation(s) or email change(s) named a username or address of another company:\n{:<20} {:<13} {:<8} {:<36} {:<36} {}\n",
        conflicts.len(),
        "AT (UTC)",
        "ACT",
        "FIELD",
        "BY ADMIN OF COMPANY",
        "OTHER COMPANY",
        "ADMIN"
    );
    for conflict in conflicts {
        out.push_str(&format!(
            "{:<20} {:<13} {:<8} {:<36} {:<36} {}\n",
            conflict.at.format("%Y-%m-%d %H:%M:%S"),
            conflict.act,
            conflict.field,
            conflict.company_id,
            conflict.other_company_id,
            conflict
                .admin_id
                .map(|id| id.to_string())
                .unwrap_or_default(),
        ));
    }
    Ok(out.trim_end().to_owned())
}

/// `latch bench-hash`: argon2id verifies per second on `threads` threads (default: as many
/// as the server hashes at once).
/// `latch key generate`: a new server key, printed (for the operator to store as a secret).
pub use keys::{list as list_signing_keys, rotate as rotate_signing_keys};

pub fn generate_key() -> Result<String, CommandError> {
    let key = latch_core::server_key::ServerKey::generate()
        .map_err(|err| CommandError::Unexpected(anyhow::anyhow!("generating a key: {err}")))?;
    Ok(key.to_text())
}

pub async fn bench_hash(
    settings: &Settings,
    seconds: u64,
    threads: Option<usize>,
) -> Result<String, CommandError> {
    let threads = threads.unwrap_or(settings.hash_concurrency);
    let duration = std::time::Duration::from_secs(seconds.max(1));
    let line =
        tokio::task::spawn_blocking(move || crate::bench::hash_throughput(threads, duration))
            .await
            .map_err(anyhow::Error::from)??;
    Ok(line)
}

/// The first line of standard input, without its line ending (spaces are part of a password).
fn read_password(mut stdin: impl BufRead) -> Result<String, CommandError> {
    let mut line = String::new();
    stdin.read_line(&mut line).map_err(|err| {
        CommandError::Refused(format!("reading the password from standard input: {err}"))
    })?;
    let password = line.strip_suffix('\n').unwrap_or(&line);
    let password = password.strip_suffix('\r').unwrap_or(password);
    Ok(password.to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_the_line_ending_is_stripped_from_the_password() {
        let read = |input: &str| read_password(input.as_bytes()).unwrap();
        assert_eq!(read("  spaced out  \n"), "  spaced out  ");
        assert_eq!(read("windows\r\n"), "windows");
        assert_eq!(read("first\nsecond\n"), "first");
        assert_eq!(read("no newline"), "no newline");
    }
}
