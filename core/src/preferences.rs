//! What a person reads Latch in: a language and a time zone, each their own choice, else their
//! company's default (else English and UTC).

use anyhow::Context;
use latch_i18n::Locale;
use sea_orm::{ConnectionTrait, EntityTrait};
use uuid::Uuid;

use crate::entities::{company, user};
use crate::time_zone::TimeZone;

/// The language and time zone pages and emails are written in for one reader.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Preferences {
    pub locale: Locale,
    pub time_zone: TimeZone,
}

impl Preferences {
    /// A company's defaults, for its users who chose neither.
    pub fn of_company(company: &company::Model) -> Self {
        Self {
            locale: Locale::from_tag(&company.default_locale).unwrap_or_default(),
            time_zone: TimeZone::from_stored(Some(&company.default_time_zone)).unwrap_or_default(),
        }
    }

    /// What `user` of `company` reads: their saved language, else `browser` (the language
    /// their browser asks for), else the company's; their saved time zone, else the company's.
    pub fn of_reader(
        user: &user::Model,
        company: &company::Model,
        browser: Option<Locale>,
    ) -> Self {
        let (locale, time_zone) = saved(user);
        let defaults = Self::of_company(company);
        Self {
            locale: locale.or(browser).unwrap_or(defaults.locale),
            time_zone: time_zone.unwrap_or(defaults.time_zone),
        }
    }

    /// `at` written out for this reader, e.g. "29 November 2026, 18:05 WIB".
    pub fn format(&self, at: chrono::DateTime<chrono::Utc>) -> String {
        self.time_zone.format(at, self.locale)
    }
}

/// `user`'s own choices, as stored: `None` where they chose nothing.
pub fn saved(user: &user::Model) -> (Option<Locale>, Option<TimeZone>) {
    (
        user.locale.as_deref().and_then(Locale::from_tag),
        TimeZone::from_stored(user.time_zone.as_deref()),
    )
}

/// What `user` reads: their saved language, else `browser` (the language their browser asks
/// for, on a page; `None` for an email), else their company's; their saved time zone, else
/// their company's. The company is read only when a choice is missing.
pub async fn of_user(
    db: &impl ConnectionTrait,
    user: &user::Model,
    browser: Option<Locale>,
) -> anyhow::Result<Preferences> {
    let (locale, time_zone) = saved(user);
    fill_in(db, user.id, locale.or(browser), time_zone).await
}

/// Completes a reader's choices with the defaults of the company of `user_id`.
pub async fn fill_in(
    db: &impl ConnectionTrait,
    user_id: Uuid,
    locale: Option<Locale>,
    time_zone: Option<TimeZone>,
) -> anyhow::Result<Preferences> {
    if let (Some(locale), Some(time_zone)) = (locale, time_zone) {
        return Ok(Preferences { locale, time_zone });
    }
    let company = user::Entity::find_by_id(user_id)
        .find_also_related(company::Entity)
        .one(db)
        .await
        .context("reading the user's company defaults")?
        .and_then(|(_, company)| company);
    let defaults = company
        .as_ref()
        .map(Preferences::of_company)
        .unwrap_or_default();
    Ok(Preferences {
        locale: locale.unwrap_or(defaults.locale),
        time_zone: time_zone.unwrap_or(defaults.time_zone),
    })
}
