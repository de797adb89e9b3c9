//! What a signed-in user reads about themselves, and the choices Account Settings offers them.

use anyhow::Context;
use latch_domain::Role;
use latch_i18n::Locale;
use sea_orm::{ConnectionTrait, EntityTrait};

use crate::entities::{company, user};
use crate::preferences::Preferences;
use crate::sessions::SessionUser;
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

pub fn profile(session: &SessionUser) -> Profile {
    let user = &session.user;
    Profile {
        display_name: user.display_name.clone(),
        username: user.username.clone(),
        email: user.email.clone(),
        company: session.company.name.clone(),
        is_admin: user.role == Role::Admin,
        locale: user.locale.as_deref().and_then(Locale::from_tag),
    }
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

/// What the "Time zone" section of Account Settings offers (the list itself is
/// [`latch_domain::time_zones_offered`], the same in the browser).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TimeZoneChoices {
    /// The user's own choice; `None`: the company's default.
    pub saved: Option<&'static str>,
    /// The company's default zone, the first choice of the list.
    pub company_default: &'static str,
}

pub fn time_zone_choices(session: &SessionUser) -> TimeZoneChoices {
    let company = Preferences::of_company(&session.company);
    TimeZoneChoices {
        saved: TimeZone::from_stored(session.user.time_zone.as_deref()).map(TimeZone::name),
        company_default: company.time_zone.name(),
    }
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
        let defaults = Preferences {
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
        let profile = profile(&testing::session_of(&db, &user).await);
        assert_eq!(profile.company, "PT Maju");
        assert!(profile.is_admin);
        assert_eq!(profile.locale, None, "no language chosen yet");
    }

    #[tokio::test]
    async fn the_company_default_comes_first_and_an_old_alias_is_the_saved_choice() {
        let (db, user) = company_with_admin().await;
        let choices = time_zone_choices(&testing::session_of(&db, &user).await);
        assert_eq!(choices.company_default, "Asia/Jakarta");
        assert_eq!(choices.saved, None);

        // The command line may save a zone under an alias the list does not offer.
        let mut saved: user::ActiveModel = user.clone().into();
        saved.time_zone = Set(Some("US/Eastern".to_owned()));
        let user = saved.update(&db).await.unwrap();
        let choices = time_zone_choices(&testing::session_of(&db, &user).await);
        assert_eq!(choices.saved, Some("US/Eastern"));
    }
}
