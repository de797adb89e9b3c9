//! What a signed-in user reads about themselves, and the choices Account Settings offers them.

use anyhow::Context;
use latch_domain::Role;
use latch_i18n::Locale;
use sea_orm::{ConnectionTrait, EntityTrait};

use crate::entities::{company, user};
use crate::preferences;
use crate::time_zone::TimeZone;

/// The signed-in user as the top bar and their settings show them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Profile {
    pub display_name: String,
    pub username: String,
    pub email: String,
    pub company: String,
    pub is_admin: bool,
    /// The language the user chose (`None`: same as their browser).
    pub locale: Option<Locale>,
}

pub async fn profile(db: &impl ConnectionTrait, user: &user::Model) -> anyhow::Result<Profile> {
    let company = company_name(db, user).await?;
    Ok(Profile {
        display_name: user.display_name.clone(),
        username: user.username.clone(),
        email: user.email.clone(),
        company,
        is_admin: user.role == Role::Admin,
        locale: user.locale.as_deref().and_then(Locale::from_tag),
    })
}

/// The name of `user`'s company (empty if it is gone).
pub(crate) async fn company_name(
    db: &impl ConnectionTrait,
    user: &user::Model,
) -> anyhow::Result<String> {
    let company = company::Entity::find_by_id(user.company_id)
        .one(db)
        .await
        .context("loading the user's company")?;
    Ok(company.map(|company| company.name).unwrap_or_default())
}

/// What the "Time zone" section of Account Settings offers.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TimeZoneChoices {
    /// The user's own choice; `None`: the company's default.
    pub saved: Option<&'static str>,
    /// The company's default zone, the first choice of the list.
    pub company_default: &'static str,
    /// Every zone offered, sorted by name.
    pub zones: Vec<&'static str>,
}

pub async fn time_zone_choices(
    db: &impl ConnectionTrait,
    user: &user::Model,
) -> anyhow::Result<TimeZoneChoices> {
    let company = preferences::of_company(db, user.company_id).await?;
    let saved = TimeZone::from_stored(user.time_zone.as_deref()).map(TimeZone::name);
    let mut zones = TimeZone::choices();
    // A zone saved under an old alias (by the command line) stays selectable.
    if let Some(saved) = saved.filter(|saved| !zones.contains(saved)) {
        zones.push(saved);
        zones.sort_unstable();
    }
    Ok(TimeZoneChoices {
        saved,
        company_default: company.time_zone.name(),
        zones,
    })
}
