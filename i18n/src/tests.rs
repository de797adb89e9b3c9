//! What the compiler cannot check: every language has a real, translated value for every key,
//! sentences show the values they are given, and nothing carries markup.

use super::*;

/// One field of [`Messages`], in a form that can be compared across languages.
#[derive(Debug)]
pub(crate) enum Entry<'a> {
    /// A label or a sentence.
    Text(&'static str),
    /// Labels picked by index (the strength levels).
    Texts(&'a [&'static str]),
    /// A sentence with values, written out for sample values.
    Formatted(Vec<Sample>),
    /// A label picked by a stable key (mail kinds, mail statuses).
    ByKey(fn(&str) -> &'static str),
    /// A label for every variant of an enum, each with the variant's stored spelling.
    ByVariant(Vec<(&'static str, &'static str)>),
}

/// What a sentence with values says for some sample values, and the values it must show.
#[derive(Debug)]
pub(crate) struct Sample {
    output: String,
    values: Vec<String>,
}

/// Turns a field into an [`Entry`]. A field of a new type fails to compile in `entries` until it
/// gets an implementation here, so no field escapes the tests.
pub(crate) trait Field {
    fn entry(&self) -> Entry<'_>;
}

impl Field for &'static str {
    fn entry(&self) -> Entry<'_> {
        Entry::Text(self)
    }
}

impl<const N: usize> Field for [&'static str; N] {
    fn entry(&self) -> Entry<'_> {
        Entry::Texts(self)
    }
}

impl Field for fn(&str) -> &'static str {
    fn entry(&self) -> Entry<'_> {
        Entry::ByKey(*self)
    }
}

// Sample values: a name with a space, an address, and both 1 and a larger count (a language
// that inflects for number must get both right).
const NAME: &str = "Ana Putri";
const ADDRESS: &str = "ana.putri@example.co.id";
const COUNTS: [u64; 2] = [1, 47];

fn sample(output: String, values: &[&dyn std::fmt::Display]) -> Sample {
    Sample {
        output,
        values: values.iter().map(ToString::to_string).collect(),
    }
}

impl Field for fn(AuditKind) -> &'static str {
    fn entry(&self) -> Entry<'_> {
        Entry::ByVariant(AuditKind::ALL.map(|k| (k.as_str(), self(k))).into())
    }
}

impl Field for fn(AuditOutcome) -> &'static str {
    fn entry(&self) -> Entry<'_> {
        Entry::ByVariant(AuditOutcome::ALL.map(|o| (o.as_str(), self(o))).into())
    }
}

impl Field for fn(&str) -> String {
    fn entry(&self) -> Entry<'_> {
        Entry::Formatted(vec![sample(self(NAME), &[&NAME])])
    }
}

impl Field for fn(&str, &str) -> String {
    fn entry(&self) -> Entry<'_> {
        Entry::Formatted(vec![sample(self(NAME, ADDRESS), &[&NAME, &ADDRESS])])
    }
}

impl Field for fn(&str, &str, bool) -> String {
    fn entry(&self) -> Entry<'_> {
        Entry::Formatted(
            [true, false]
                .map(|flag| sample(self(NAME, ADDRESS, flag), &[&NAME, &ADDRESS]))
                .into(),
        )
    }
}

impl Field for fn(&str, &str, i64) -> String {
    fn entry(&self) -> Entry<'_> {
        Entry::Formatted(vec![sample(
            self(NAME, ADDRESS, 72),
            &[&NAME, &ADDRESS, &72],
        )])
    }
}

impl Field for fn(i64, &str) -> String {
    fn entry(&self) -> Entry<'_> {
        let until = (Locale::En.messages().date_time)(&november_evening());
        Entry::Formatted(
            COUNTS
                .map(|n| sample(self(n as i64, &until), &[&n, &until]))
                .into(),
        )
    }
}

/// 29 November 2026, 18:05 in Jakarta: a sample with a two-digit day, hour and a padded minute.
fn november_evening() -> LocalDateTime {
    LocalDateTime::new(2026, 11, 29, 18, 5, "WIB").unwrap()
}

impl Field for fn(&LocalDateTime) -> String {
    fn entry(&self) -> Entry<'_> {
        Entry::Formatted(vec![sample(
            self(&november_evening()),
            &[&2026, &29, &"18", &"05", &"WIB"],
        )])
    }
}

impl Field for fn(u64) -> String {
    fn entry(&self) -> Entry<'_> {
        Entry::Formatted(COUNTS.map(|n| sample(self(n), &[&n])).into())
    }
}

impl Field for fn(i64) -> String {
    fn entry(&self) -> Entry<'_> {
        Entry::Formatted(COUNTS.map(|n| sample(self(n as i64), &[&n])).into())
    }
}

impl Field for fn(usize) -> String {
    fn entry(&self) -> Entry<'_> {
        Entry::Formatted(COUNTS.map(|n| sample(self(n as usize), &[&n])).into())
    }
}

impl Field for fn(usize, usize) -> String {
    fn entry(&self) -> Entry<'_> {
        Entry::Formatted(vec![sample(self(12, 20), &[&12, &20])])
    }
}

impl Field for fn(u64, u64) -> String {
    fn entry(&self) -> Entry<'_> {
        Entry::Formatted(vec![sample(self(3, 9), &[&3, &9])])
    }
}

/// The keys each keyed field knows, as the rest of Latch stores them.
const KEYS: [(&str, &[&str]); 3] = [
    (
        "mail_kind",
        &[
            "password_reset",
            "admin_reset",
            "invitation",
            "password_changed",
            "email_changed",
            "email_change_confirm",
            "email_change_requested",
            "new_sign_in",
            "sign_in_method_added",
            "sign_in_method_removed",
        ],
    ),
    ("sign_in_method_name", &["totp", "passkey", "all"]),
    (
        "mail_status",
        &[
            "queued",
            "sending",
            "sent",
            "retrying",
            "failed",
            "discarded",
        ],
    ),
];

/// A key no field knows: its label is the field's fallback.
const UNKNOWN_KEY: &str = "no-such-key";

fn keys_of(field: &str) -> &'static [&'static str] {
    KEYS.iter()
        .find(|(name, _)| *name == field)
        .map(|(_, keys)| *keys)
        .unwrap_or_else(|| panic!("`{field}` picks a label by key: list its keys in KEYS"))
}

/// Every string `locale` shows, each with the field it comes from.
fn all_strings(locale: Locale) -> Vec<(String, String)> {
    let mut strings = Vec::new();
    for (field, entry) in locale.messages().entries() {
        match entry {
            Entry::Text(text) => strings.push((field.to_owned(), text.to_owned())),
            Entry::Texts(texts) => strings.extend(
                texts
                    .iter()
                    .enumerate()
                    .map(|(i, text)| (format!("{field}[{i}]"), (*text).to_owned())),
            ),
            Entry::Formatted(samples) => strings.extend(
                samples
                    .into_iter()
                    .map(|s| (format!("{field}({})", s.values.join(", ")), s.output)),
            ),
            Entry::ByKey(label) => strings.extend(
                keys_of(field)
                    .iter()
                    .chain([&UNKNOWN_KEY])
                    .map(|key| (format!("{field}({key})"), label(key).to_owned())),
            ),
            Entry::ByVariant(labels) => strings.extend(
                labels
                    .into_iter()
                    .map(|(key, label)| (format!("{field}({key})"), label.to_owned())),
            ),
        }
    }
    strings
}

/// Values that are right in every language: the brand, and words Indonesian borrowed as-is.
const SAME_IN_EVERY_LANGUAGE: [&str; 4] = ["Latch", "Admin", "Email", "Status"];

#[test]
fn every_language_has_the_keys_of_english_in_the_same_shape() {
    let english = all_strings(Locale::En);
    assert!(english.len() > 200, "{} strings", english.len());
    for locale in Locale::ALL {
        let keys: Vec<_> = all_strings(locale)
            .into_iter()
            .map(|(key, _)| key)
            .collect();
        let english_keys: Vec<_> = english.iter().map(|(key, _)| key.clone()).collect();
        assert_eq!(keys, english_keys, "{locale:?}");
    }
}

#[test]
fn no_message_is_empty_or_padded() {
    for locale in Locale::ALL {
        for (key, text) in all_strings(locale) {
            assert!(!text.trim().is_empty(), "{locale:?} {key} is empty");
            assert_eq!(text.trim(), text, "{locale:?} {key} has spaces around it");
            assert!(
                !text.contains("  "),
                "{locale:?} {key} has a double space: {text}"
            );
        }
    }
}

#[test]
fn every_language_but_english_is_translated_not_copied() {
    let english = all_strings(Locale::En);
    for locale in Locale::ALL.into_iter().filter(|l| *l != Locale::En) {
        let untranslated: Vec<_> = all_strings(locale)
            .into_iter()
            .zip(&english)
            .filter(|((_, text), (_, english))| {
                text == english && !SAME_IN_EVERY_LANGUAGE.contains(&text.as_str())
            })
            .map(|((key, text), _)| format!("{key}: {text:?}"))
            .collect();
        assert!(
            untranslated.is_empty(),
            "{locale:?} still has English values:\n{}",
            untranslated.join("\n")
        );
    }
}

#[test]
fn sentences_show_every_value_they_are_given() {
    for locale in Locale::ALL {
        for (field, entry) in locale.messages().entries() {
            let Entry::Formatted(samples) = entry else {
                continue;
            };
            for Sample { output, values } in samples {
                for value in values {
                    assert!(
                        output.contains(&value),
                        "{locale:?} {field} leaves out {value:?}: {output}"
                    );
                }
            }
        }
    }
}

#[test]
fn keyed_labels_have_a_label_of_their_own_for_every_key() {
    for locale in Locale::ALL {
        for (field, entry) in locale.messages().entries() {
            let Entry::ByKey(label) = entry else {
                continue;
            };
            let fallback = label(UNKNOWN_KEY);
            for key in keys_of(field) {
                assert_ne!(
                    label(key),
                    fallback,
                    "{locale:?} {field}({key}) falls back to the label for unknown keys"
                );
            }
        }
    }
}

#[test]
fn no_placeholder_is_left_unfilled() {
    // A `{name}` typed into a plain string (or a `format!` that lost its argument) would reach
    // the reader as is.
    for locale in Locale::ALL {
        for (key, text) in all_strings(locale) {
            assert!(
                !text.contains(['{', '}']),
                "{locale:?} {key} has a placeholder: {text}"
            );
        }
    }
}

#[test]
fn no_message_carries_markup() {
    // Messages are text: the pages and the HTML mail escape them, but the database-outage page
    // (server/src/guards.rs) pastes them into HTML as they are. No exception is needed today;
    // a message that really needs markup should be split into text around a component instead.
    for locale in Locale::ALL {
        for (key, text) in all_strings(locale) {
            assert!(
                !text.contains(['<', '>', '&']),
                "{locale:?} {key} has an HTML-significant character: {text}"
            );
        }
    }
}

#[test]
fn sentences_that_name_a_button_use_its_label() {
    // The reader looks for the words the sentence quotes; a translation must quote the
    // translated label, not a paraphrase of it.
    for locale in Locale::ALL {
        let t = locale.messages();
        let quotes = [
            ((t.users_intro)(NAME), t.reset_password_button),
            (
                (t.event_kind)(AuditKind::AdminReset).to_owned(),
                t.reset_password_button,
            ),
            (
                (t.mail_kind)("admin_reset").to_owned(),
                t.reset_password_button,
            ),
            (
                (t.event_kind)(AuditKind::PasswordResetRequested).to_owned(),
                t.forgot_password,
            ),
            (
                (t.mail_kind)("password_reset").to_owned(),
                t.forgot_password,
            ),
            (t.reauth_required.to_owned(), t.reauth_heading),
        ];
        for (sentence, label) in quotes {
            assert!(
                sentence.contains(label),
                "{locale:?}: {sentence:?} does not quote {label:?}"
            );
        }
    }
}

#[test]
fn every_locale_round_trips_through_its_tag() {
    for locale in Locale::ALL {
        assert_eq!(Locale::from_tag(locale.tag()), Some(locale));
    }
}

#[test]
fn tags_are_read_by_their_primary_language_ignoring_case() {
    let cases = [
        ("en", Some(Locale::En)),
        ("EN", Some(Locale::En)),
        ("en-GB", Some(Locale::En)),
        ("en_US", Some(Locale::En)),
        ("id", Some(Locale::Id)),
        ("ID", Some(Locale::Id)),
        ("id-ID", Some(Locale::Id)),
        ("id_id", Some(Locale::Id)),
        (" id-ID ", Some(Locale::Id)),
        // The code Indonesian had before 1989, still sent by older Java and Android.
        ("in", Some(Locale::Id)),
        ("IN", Some(Locale::Id)),
        ("in-ID", Some(Locale::Id)),
        ("xx", None),
        ("", None),
        ("*", None),
        ("ind", None),
        ("i", None),
        ("indonesian", None),
        ("ms-MY", None),
    ];
    for (tag, expected) in cases {
        assert_eq!(Locale::from_tag(tag), expected, "{tag:?}");
    }
}

#[test]
fn english_is_the_default() {
    assert_eq!(Locale::default(), Locale::En);
    assert_eq!(Locale::ALL[0], Locale::default());
}

#[test]
fn each_language_is_named_in_itself() {
    assert_eq!(Locale::En.native_name(), "English");
    assert_eq!(Locale::Id.native_name(), "Bahasa Indonesia");
    let mut names: Vec<_> = Locale::ALL.map(Locale::native_name).into();
    names.sort_unstable();
    names.dedup();
    assert_eq!(names.len(), Locale::ALL.len());
}

#[test]
fn dates_and_times_read_as_each_language_writes_them() {
    let at = november_evening();
    assert_eq!(
        (Locale::En.messages().date_time)(&at),
        "29 November 2026, 18:05 WIB"
    );
    assert_eq!(
        (Locale::Id.messages().date_time)(&at),
        "29 November 2026 pukul 18.05 WIB"
    );

    let new_year = LocalDateTime::new(2027, 1, 1, 0, 0, "UTC").unwrap();
    assert_eq!(
        (Locale::En.messages().date_time)(&new_year),
        "1 January 2027, 00:00 UTC"
    );
    assert_eq!(
        (Locale::Id.messages().date_time)(&new_year),
        "1 Januari 2027 pukul 00.00 UTC"
    );
}

#[test]
fn every_month_has_its_name_in_each_language() {
    let names = |locale: Locale| -> Vec<String> {
        (1..=12)
            .map(|month| {
                let at = LocalDateTime::new(2026, month, 2, 9, 30, "WITA").unwrap();
                let written = (locale.messages().date_time)(&at);
                written
                    .split(' ')
                    .nth(1)
                    .unwrap_or_default()
                    .trim_end_matches(',')
                    .to_owned()
            })
            .collect()
    };
    assert_eq!(
        names(Locale::Id),
        [
            "Januari",
            "Februari",
            "Maret",
            "April",
            "Mei",
            "Juni",
            "Juli",
            "Agustus",
            "September",
            "Oktober",
            "November",
            "Desember"
        ]
    );
    assert_eq!(
        names(Locale::En),
        [
            "January",
            "February",
            "March",
            "April",
            "May",
            "June",
            "July",
            "August",
            "September",
            "October",
            "November",
            "December"
        ]
    );
}

#[test]
fn a_local_date_time_refuses_parts_out_of_range() {
    assert!(LocalDateTime::new(2026, 0, 1, 0, 0, "UTC").is_none());
    assert!(LocalDateTime::new(2026, 13, 1, 0, 0, "UTC").is_none());
    assert!(LocalDateTime::new(2026, 1, 0, 0, 0, "UTC").is_none());
    assert!(LocalDateTime::new(2026, 1, 32, 0, 0, "UTC").is_none());
    assert!(LocalDateTime::new(2026, 1, 1, 24, 0, "UTC").is_none());
    assert!(LocalDateTime::new(2026, 1, 1, 0, 60, "UTC").is_none());
    assert!(LocalDateTime::new(2026, 1, 1, 0, 0, " ").is_none());
    let last = LocalDateTime::new(2026, 12, 31, 23, 59, " UTC+3 ").unwrap();
    assert_eq!(last.zone(), "UTC+3");
    assert_eq!(
        (Locale::En.messages().date_time)(&last),
        "31 December 2026, 23:59 UTC+3"
    );
}

#[test]
fn every_audit_kind_and_outcome_has_a_label_of_its_own_in_every_language() {
    // The Activity page tells events apart only by these labels.
    for locale in Locale::ALL {
        let t = locale.messages();
        let kinds: Vec<_> = AuditKind::ALL.map(t.event_kind).into();
        let outcomes: Vec<_> = AuditOutcome::ALL.map(t.event_outcome).into();
        for labels in [kinds, outcomes] {
            let distinct: std::collections::HashSet<_> = labels.iter().collect();
            assert_eq!(
                distinct.len(),
                labels.len(),
                "{locale:?} repeats a label: {labels:?}"
            );
            assert!(
                !labels.contains(&t.event_unknown),
                "{locale:?} labels a known event like an unknown one: {labels:?}"
            );
        }
    }
}

#[test]
fn stored_events_are_labelled_by_their_spelling_and_unknown_ones_as_other() {
    for locale in Locale::ALL {
        let t = locale.messages();
        for kind in AuditKind::ALL {
            assert_eq!(t.stored_event_kind(kind.as_str()), (t.event_kind)(kind));
        }
        for outcome in AuditOutcome::ALL {
            assert_eq!(
                t.stored_event_outcome(outcome.as_str()),
                (t.event_outcome)(outcome)
            );
        }
        assert_eq!(t.stored_event_kind("imported_from_ldap"), t.event_unknown);
        assert_eq!(t.stored_event_outcome("postponed"), t.event_unknown);
    }
    assert_eq!(Locale::En.messages().stored_event_kind("login"), "Log in");
    assert_eq!(
        Locale::Id.messages().stored_event_outcome("failed"),
        "Gagal"
    );
}
