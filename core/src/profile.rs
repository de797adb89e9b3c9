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
    let mut zones = TimeZone::choices().to_vec();
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

#[cfg(test)]
mod tests {
    use chrono::Utc;
    use latch_domain::CompanyName;
    use sea_orm::{ActiveModelTrait, DatabaseConnection, Set};

    use super::*;
    use crate::{accounts, testing};

    async fn company_with_admin() -> (DatabaseConnection, user::Model) {
        let (db, now) = (testing::fresh_db().await, Utc::now());
        let defaults = preferences::Preferences {
            locale: Locale::Id,
            time_zone: TimeZone::parse("Asia/Jakarta").unwrap(),
        };
        let company = CompanyName::parse("PT Maju").unwrap();
        accounts::add_company_with(&db, &company, defaults, now)
            .await
            .unwrap();
        let user = testing::user_in(&db, "PT Maju", "ana", Role::Admin, None, now).await;
        (db, user)
    }

    #[tokio::test]
    async fn the_profile_names_the_company_and_says_who_is_an_admin() {
        let (db, user) = company_with_admin().await;
        let profile = profile(&db, &user).await.unwrap();
        assert_eq!(profile.company, "PT Maju");
        assert!(profile.is_admin);
        assert_eq!(profile.locale, None, "no language chosen yet");
    }

    #[tokio::test]
    async fn the_company_default_comes_first_and_an_old_alias_stays_selectable() {
        let (db, user) = company_with_admin().await;
        let choices = time_zone_choices(&db, &user).await.unwrap();
        assert_eq!(choices.company_default, "Asia/Jakarta");
        assert_eq!(choices.saved, None);
        assert!(!choices.zones.contains(&"US/Eastern"));

        // The command line may save a zone under an alias the list does not offer.
        let mut saved: user::ActiveModel = user.clone().into();
        saved.time_zone = Set(Some("US/Eastern".to_owned()));
        let user = saved.update(&db).await.unwrap();
        let choices = time_zone_choices(&db, &user).await.unwrap();
        assert_eq!(choices.saved, Some("US/Eastern"));
        assert!(choices.zones.contains(&"US/Eastern"));
        assert!(choices.zones.is_sorted(), "the alias is filed in order");
    }
}
