//! Creating companies and users: the rules behind `latch company add` and `latch user add`
//! (and, later, the admin's "Add user").

use anyhow::Context;
use chrono::{DateTime, Utc};
use latch_domain::{CompanyName, DisplayName, Email, NewPassword, Role, Username};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, Condition, ConnectionTrait, DatabaseConnection, EntityTrait,
    QueryFilter, Set,
};
use uuid::Uuid;

use crate::entities::{company, user};
use crate::password_hash;
use crate::preferences::Preferences;
use crate::time_zone::TimeZone;

/// Expected refusals, worded for the operator; anything else is `Unexpected`.
#[derive(Debug, thiserror::Error)]
pub enum AccountError {
    #[error("a company named {0:?} already exists")]
    CompanyExists(String),
    #[error("no company named {0:?}; create it first with `latch company add`")]
    UnknownCompany(String),
    #[error("the username {0:?} is already taken")]
    UsernameTaken(String),
    #[error("the email address {0:?} already belongs to a user")]
    EmailTaken(String),
    #[error(transparent)]
    Unexpected(#[from] anyhow::Error),
}

/// Everything needed to create a user, already parsed.
#[derive(Debug, Clone)]
pub struct NewUser {
    pub company: CompanyName,
    pub username: Username,
    pub email: Email,
    pub display_name: DisplayName,
    pub role: Role,
}

/// Creates a company whose users read English and UTC until they or an operator choose
/// otherwise.
pub async fn add_company(
    db: &DatabaseConnection,
    name: &CompanyName,
    now: DateTime<Utc>,
) -> Result<company::Model, AccountError> {
    add_company_with(db, name, Preferences::default(), now).await
}

/// Creates a company with the language and time zone its users read unless they choose their
/// own.
pub async fn add_company_with(
    db: &DatabaseConnection,
    name: &CompanyName,
    defaults: Preferences,
    now: DateTime<Utc>,
) -> Result<company::Model, AccountError> {
    if find_company(db, name).await?.is_some() {
        return Err(AccountError::CompanyExists(name.as_str().to_owned()));
    }
    let company = company::ActiveModel {
        id: Set(Uuid::new_v4()),
        name: Set(name.as_str().to_owned()),
        name_key: Set(name.key()),
        default_locale: Set(defaults.locale.tag().to_owned()),
        default_time_zone: Set(defaults.time_zone.name().to_owned()),
        new_sign_in_alerts: Set(true),
        require_2fa: Set("off".to_owned()),
        created_at: Set(now),
    };
    company.insert(db).await.map_err(|err| {
        // Lost a race with a concurrent `company add` of the same name.
        if is_unique_violation(&err) {
            AccountError::CompanyExists(name.as_str().to_owned())
        } else {
            AccountError::Unexpected(anyhow::Error::new(err).context("inserting company"))
        }
    })
}

/// Creates an active user with the given password, or with none yet (an invited user chooses
/// it through the emailed link).
pub async fn add_user(
    db: &impl ConnectionTrait,
    new_user: NewUser,
    password: Option<NewPassword>,
    now: DateTime<Utc>,
) -> Result<user::Model, AccountError> {
    let company = find_company(db, &new_user.company)
        .await?
        .ok_or_else(|| AccountError::UnknownCompany(new_user.company.as_str().to_owned()))?;
    ensure_identity_free(db, &new_user.username, &new_user.email).await?;

    let hash = match password {
        Some(password) => Some(
            tokio::task::spawn_blocking(move || password_hash::hash(password.expose()))
                .await
                .context("joining the hashing thread")??
                .as_phc()
                .to_owned(),
        ),
        None => None,
    };

    let user = user::ActiveModel {
        id: Set(Uuid::new_v4()),
        company_id: Set(company.id),
        username: Set(new_user.username.as_str().to_owned()),
        username_key: Set(new_user.username.key()),
        email: Set(new_user.email.as_str().to_owned()),
        email_key: Set(new_user.email.key()),
        display_name: Set(new_user.display_name.as_str().to_owned()),
        search_key: Set(user::search_key(
            new_user.display_name.as_str(),
            &new_user.username.key(),
            &new_user.email.key(),
        )),
        role: Set(new_user.role),
        password_hash: Set(hash),
        active: Set(true),
        locale: Set(None),
        time_zone: Set(None),
        last_login_at: Set(None),
        created_at: Set(now),
        updated_at: Set(now),
    };
    match user.insert(db).await {
        Ok(user) => Ok(user),
        // A concurrent insert won between our check and our write: say which field clashed.
        Err(err) if is_unique_violation(&err) => {
            ensure_identity_free(db, &new_user.username, &new_user.email).await?;
            Err(AccountError::Unexpected(
                anyhow::Error::new(err).context("inserting user"),
            ))
        }
        Err(err) => Err(AccountError::Unexpected(
            anyhow::Error::new(err).context("inserting user"),
        )),
    }
}

pub async fn find_company(
    db: &impl ConnectionTrait,
    name: &CompanyName,
) -> Result<Option<company::Model>, AccountError> {
    Ok(company::Entity::find()
        .filter(company::Column::NameKey.eq(name.key()))
        .one(db)
        .await
        .context("looking up company")?)
}

async fn ensure_identity_free(
    db: &impl ConnectionTrait,
    username: &Username,
    email: &Email,
) -> Result<(), AccountError> {
    let clashes = user::Entity::find()
        .filter(
            Condition::any()
                .add(user::Column::UsernameKey.eq(username.key()))
                .add(user::Column::EmailKey.eq(email.key())),
        )
        .all(db)
        .await
        .context("checking username and email are free")?;
    if clashes.iter().any(|u| u.username_key == username.key()) {
        return Err(AccountError::UsernameTaken(username.as_str().to_owned()));
    }
    if !clashes.is_empty() {
        return Err(AccountError::EmailTaken(email.as_str().to_owned()));
    }
    Ok(())
}

fn is_unique_violation(err: &sea_orm::DbErr) -> bool {
    matches!(
        err.sql_err(),
        Some(sea_orm::SqlErr::UniqueConstraintViolation(_))
    )
}

/// Saves the language `user_id` chose for pages and emails; `None` goes back to "same as my
/// browser" (emails then use the company's default).
pub async fn set_locale(
    db: &impl ConnectionTrait,
    user_id: Uuid,
    locale: Option<latch_i18n::Locale>,
    now: DateTime<Utc>,
) -> anyhow::Result<()> {
    user::ActiveModel {
        id: Set(user_id),
        locale: Set(locale.map(|locale| locale.tag().to_owned())),
        updated_at: Set(now),
        ..Default::default()
    }
    .update(db)
    .await
    .context("saving the user's language")?;
    Ok(())
}

/// Saves the time zone `user_id` chose for the times on pages and in emails; `None` goes back
/// to the company's default.
pub async fn set_time_zone(
    db: &impl ConnectionTrait,
    user_id: Uuid,
    time_zone: Option<TimeZone>,
    now: DateTime<Utc>,
) -> anyhow::Result<()> {
    user::ActiveModel {
        id: Set(user_id),
        time_zone: Set(time_zone.map(|zone| zone.name().to_owned())),
        updated_at: Set(now),
        ..Default::default()
    }
    .update(db)
    .await
    .context("saving the user's time zone")?;
    Ok(())
}

/// Changes what a company's users read unless they chose their own: its default language,
/// its default time zone, or both (`None` keeps the current one).
pub async fn set_company_defaults(
    db: &impl ConnectionTrait,
    name: &CompanyName,
    locale: Option<latch_i18n::Locale>,
    time_zone: Option<TimeZone>,
) -> Result<company::Model, AccountError> {
    let company = find_company(db, name)
        .await?
        .ok_or_else(|| AccountError::UnknownCompany(name.as_str().to_owned()))?;
    let mut changed: company::ActiveModel = company.into();
    if let Some(locale) = locale {
        changed.default_locale = Set(locale.tag().to_owned());
    }
    if let Some(time_zone) = time_zone {
        changed.default_time_zone = Set(time_zone.name().to_owned());
    }
    Ok(changed
        .update(db)
        .await
        .context("saving the company's defaults")?)
}

#[cfg(test)]
mod tests;
