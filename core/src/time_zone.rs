//! Time zones: the IANA zones a user or company may choose, and writing an instant out as a
//! wall clock there shows it, in the reader's language.
//!
//! The zone database (chrono-tz) lives here, on the server only: the browser build never
//! carries it. Pages and emails get finished text, or the plain parts of
//! [`latch_i18n::LocalDateTime`].

use std::fmt;
use std::str::FromStr;

use chrono::{DateTime, Datelike, Offset, TimeZone as _, Timelike, Utc};
use chrono_tz::{OffsetName, Tz};
use latch_i18n::{LocalDateTime, Locale};

/// An IANA time zone Latch knows, such as `Asia/Jakarta` or `UTC`. Made only by
/// [`TimeZone::parse`], so every value names a real zone.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct TimeZone(Tz);

/// A name that is not an IANA time zone.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error(
    "{0:?} is not a time zone Latch knows: use an IANA name such as Asia/Jakarta, Europe/London or UTC"
)]
pub struct UnknownTimeZone(pub String);

impl TimeZone {
    pub const UTC: TimeZone = TimeZone(Tz::UTC);

    /// The zone named `name`, in the IANA database's spelling or another capitalisation of it
    /// (`asia/jakarta` is `Asia/Jakarta`); surrounding spaces are ignored.
    pub fn parse(name: &str) -> Result<Self, UnknownTimeZone> {
        let trimmed = name.trim();
        if let Ok(zone) = Tz::from_str(trimmed) {
            return Ok(Self(zone));
        }
        chrono_tz::TZ_VARIANTS
            .iter()
            .find(|zone| zone.name().eq_ignore_ascii_case(trimmed))
            .map(|zone| Self(*zone))
            .ok_or_else(|| UnknownTimeZone(trimmed.to_owned()))
    }

    /// A choice from a form: a zone name, or nothing (blank) for "the company's default".
    pub fn parse_choice(input: &str) -> Result<Option<Self>, UnknownTimeZone> {
        match input.trim() {
            "" => Ok(None),
            name => Self::parse(name).map(Some),
        }
    }

    /// A zone name read back from the database: `None` when there is none, or when it is no
    /// longer a zone (a newer or older zone database); the caller then falls back to the next
    /// default.
    pub fn from_stored(name: Option<&str>) -> Option<Self> {
        let name = name?;
        match Self::parse(name) {
            Ok(zone) => Some(zone),
            Err(err) => {
                tracing::warn!("ignoring a stored time zone: {err}");
                None
            }
        }
    }

    /// The IANA name, as stored and as offered in the list.
    pub fn name(self) -> &'static str {
        self.0.name()
    }

    /// `at` as a wall clock in this zone shows it, with the zone's abbreviation at that moment
    /// (`WIB`, `CEST`), or its offset from UTC (`UTC+3`) where the zone has no letters.
    pub fn wall_clock(self, at: DateTime<Utc>) -> Option<LocalDateTime> {
        let local = at.with_timezone(&self.0);
        let offset = self.0.offset_from_utc_datetime(&at.naive_utc());
        let zone = offset
            .abbreviation()
            .filter(|abbreviation| abbreviation.chars().all(|c| c.is_ascii_alphabetic()))
            .map_or_else(|| utc_offset(offset.fix().local_minus_utc()), str::to_owned);
        LocalDateTime::new(
            local.year(),
            local.month(),
            local.day(),
            local.hour(),
            local.minute(),
            zone,
        )
    }

    /// `at` written out for a reader of `locale` in this zone, e.g. "29 November 2026, 18:05
    /// WIB".
    pub fn format(self, at: DateTime<Utc>, locale: Locale) -> String {
        match self.wall_clock(at) {
            Some(local) => (locale.messages().date_time)(&local),
            // Not expected: chrono only makes valid dates and the zone is never blank.
            None => at.format("%Y-%m-%d %H:%M UTC").to_string(),
        }
    }
}

impl Default for TimeZone {
    fn default() -> Self {
        Self::UTC
    }
}

impl fmt::Display for TimeZone {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

impl FromStr for TimeZone {
    type Err = UnknownTimeZone;

    fn from_str(name: &str) -> Result<Self, Self::Err> {
        Self::parse(name)
    }
}

/// `UTC+3`, `UTC-3:30`, `UTC+5:45`: how the tz database's numeric abbreviations (`+03`) are
/// read aloud.
fn utc_offset(seconds: i32) -> String {
    if seconds == 0 {
        return "UTC".to_owned();
    }
    let sign = if seconds < 0 { '-' } else { '+' };
    let minutes = seconds.unsigned_abs() / 60;
    match (minutes / 60, minutes % 60) {
        (hours, 0) => format!("UTC{sign}{hours}"),
        (hours, minutes) => format!("UTC{sign}{hours}:{minutes:02}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(year: i32, month: u32, day: u32, hour: u32, minute: u32) -> DateTime<Utc> {
        Utc.with_ymd_and_hms(year, month, day, hour, minute, 0)
            .unwrap()
    }

    #[test]
    fn a_blank_choice_is_the_company_default_and_a_bad_one_is_refused() {
        assert_eq!(TimeZone::parse_choice("  "), Ok(None));
        assert_eq!(
            TimeZone::parse_choice("asia/jakarta").map(|zone| zone.map(TimeZone::name)),
            Ok(Some("Asia/Jakarta"))
        );
        assert_eq!(
            TimeZone::parse_choice("Mars/Olympus"),
            Err(UnknownTimeZone("Mars/Olympus".to_owned()))
        );
    }

    #[test]
    fn iana_names_parse_and_anything_else_is_refused_by_name() {
        assert_eq!(
            TimeZone::parse("Asia/Jakarta").unwrap().name(),
            "Asia/Jakarta"
        );
        assert_eq!(TimeZone::parse(" UTC ").unwrap(), TimeZone::UTC);
        assert_eq!(
            TimeZone::parse("asia/JAKARTA").unwrap().name(),
            "Asia/Jakarta"
        );
        for bad in ["", "Mars/Olympus_Mons", "WIB", "+07:00", "Asia/Jakarta/x"] {
            let err = TimeZone::parse(bad).unwrap_err();
            assert_eq!(err, UnknownTimeZone(bad.to_owned()));
            assert!(err.to_string().contains("Asia/Jakarta"), "{err}");
        }
    }

    #[test]
    fn jakarta_is_seven_hours_ahead_and_called_wib() {
        let jakarta = TimeZone::parse("Asia/Jakarta").unwrap();
        let evening = at(2026, 11, 29, 11, 5);

        assert_eq!(
            jakarta.format(evening, Locale::En),
            "29 November 2026, 18:05 WIB"
        );
        assert_eq!(
            jakarta.format(evening, Locale::Id),
            "29 November 2026 pukul 18.05 WIB"
        );
        assert_eq!(
            TimeZone::UTC.format(evening, Locale::En),
            "29 November 2026, 11:05 UTC"
        );
    }

    #[test]
    fn the_date_moves_with_the_zone_and_summer_time_is_followed() {
        let jayapura = TimeZone::parse("Asia/Jayapura").unwrap();
        let london = TimeZone::parse("Europe/London").unwrap();

        assert_eq!(
            jayapura.format(at(2026, 12, 31, 20, 30), Locale::En),
            "1 January 2027, 05:30 WIT"
        );
        assert_eq!(
            london.format(at(2026, 7, 1, 12, 0), Locale::En),
            "1 July 2026, 13:00 BST"
        );
        assert_eq!(
            london.format(at(2026, 1, 1, 12, 0), Locale::En),
            "1 January 2026, 12:00 GMT"
        );
    }

    #[test]
    fn zones_without_letters_show_their_offset() {
        let istanbul = TimeZone::parse("Europe/Istanbul").unwrap();
        let kathmandu = TimeZone::parse("Asia/Kathmandu").unwrap();
        let newfoundland = TimeZone::parse("America/St_Johns").unwrap();

        assert_eq!(
            istanbul.wall_clock(at(2026, 5, 1, 9, 0)).unwrap().zone(),
            "UTC+3"
        );
        assert_eq!(
            kathmandu.wall_clock(at(2026, 5, 1, 9, 0)).unwrap().zone(),
            "UTC+5:45"
        );
        assert_eq!(utc_offset(-(3 * 3600 + 1800)), "UTC-3:30");
        assert_eq!(
            newfoundland
                .wall_clock(at(2026, 1, 1, 9, 0))
                .unwrap()
                .zone(),
            "NST"
        );
    }

    /// `UTC` and every `Area/Place` zone of the inhabited regions: the browser's copy of the
    /// list must name exactly these zones of the database the server parses with.
    #[test]
    fn the_choices_are_the_inhabited_areas_of_the_zone_database() {
        const AREAS: [&str; 10] = [
            "Africa/",
            "America/",
            "Antarctica/",
            "Arctic/",
            "Asia/",
            "Atlantic/",
            "Australia/",
            "Europe/",
            "Indian/",
            "Pacific/",
        ];
        let mut in_database: Vec<&str> = chrono_tz::TZ_VARIANTS
            .iter()
            .map(|zone| zone.name())
            .filter(|name| *name == "UTC" || AREAS.iter().any(|area| name.starts_with(area)))
            .collect();
        in_database.sort_unstable();
        assert_eq!(
            latch_domain::TIME_ZONE_CHOICES,
            in_database,
            "latch_domain::TIME_ZONE_CHOICES no longer matches chrono-tz's zones"
        );
    }

    #[test]
    fn the_choices_are_sorted_real_zones_with_utc_and_jakarta() {
        let choices = latch_domain::TIME_ZONE_CHOICES;
        assert!(choices.contains(&"UTC"));
        assert!(choices.contains(&"Asia/Jakarta"));
        assert!(!choices.contains(&"US/Eastern"), "aliases are not offered");
        assert!(choices.windows(2).all(|pair| pair[0] < pair[1]));
        assert!(choices.len() > 300, "{}", choices.len());
        for name in choices {
            assert_eq!(TimeZone::parse(name).unwrap().name(), *name);
        }
    }

    #[test]
    fn a_stored_name_that_is_no_longer_a_zone_falls_back() {
        assert_eq!(TimeZone::from_stored(None), None);
        assert_eq!(TimeZone::from_stored(Some("Nowhere/Atlantis")), None);
        assert_eq!(
            TimeZone::from_stored(Some("Asia/Makassar")).map(TimeZone::name),
            Some("Asia/Makassar")
        );
    }
}
