//! One layer for every user-facing string, pages and emails alike.
//!
//! Each language is one file holding a [`Messages`] value: English in `en.rs`, Bahasa Indonesia
//! in `id.rs`. Because `Messages` is a plain struct, a language that lacks a key does not
//! compile; the tests catch what the compiler cannot (an empty or untranslated value, a value
//! missing from a sentence, markup).

use latch_domain::{AuditKind, AuditOutcome};
use serde::{Deserialize, Serialize};

mod audit;
mod en;
mod id;
mod negotiate;
#[cfg(test)]
mod tests;

pub use negotiate::from_accept_language;

/// A date and time as a wall clock shows them in some time zone, for
/// [`Messages::date_time`]. The server converts instants into it: this crate is compiled for
/// the browser too, so it carries no time zone database.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LocalDateTime {
    year: i32,
    month: u8,
    day: u8,
    hour: u8,
    minute: u8,
    zone: String,
}

impl LocalDateTime {
    /// `month` 1–12, `day` 1–31, `hour` 0–23, `minute` 0–59 and the zone's abbreviation as
    /// people there write it (`WIB`, `UTC`, `CEST`, `UTC+3`); `None` when a part is out of
    /// range or the abbreviation is blank.
    pub fn new(
        year: i32,
        month: u32,
        day: u32,
        hour: u32,
        minute: u32,
        zone: impl Into<String>,
    ) -> Option<Self> {
        let zone = zone.into();
        let in_range = (1..=12).contains(&month)
            && (1..=31).contains(&day)
            && hour < 24
            && minute < 60
            && !zone.trim().is_empty();
        in_range.then(|| Self {
            year,
            month: month as u8,
            day: day as u8,
            hour: hour as u8,
            minute: minute as u8,
            zone: zone.trim().to_owned(),
        })
    }

    pub fn year(&self) -> i32 {
        self.year
    }

    /// 1 (January) to 12.
    pub fn month(&self) -> u8 {
        self.month
    }

    /// The month's name out of a language's twelve, January first.
    pub fn month_name(&self, names: &[&'static str; 12]) -> &'static str {
        names[usize::from(self.month - 1)]
    }

    pub fn day(&self) -> u8 {
        self.day
    }

    pub fn hour(&self) -> u8 {
        self.hour
    }

    pub fn minute(&self) -> u8 {
        self.minute
    }

    /// The time zone's abbreviation at that moment (`WIB`, `CEST`...).
    pub fn zone(&self) -> &str {
        &self.zone
    }
}

/// A language Latch speaks.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Locale {
    #[default]
    En,
    /// Bahasa Indonesia.
    Id,
}

impl Locale {
    pub const ALL: [Locale; 2] = [Locale::En, Locale::Id];

    /// BCP 47 tag, for `<html lang>` and stored preferences.
    pub fn tag(self) -> &'static str {
        match self {
            Locale::En => "en",
            Locale::Id => "id",
        }
    }

    /// The language's name in that language, for a language picker: each reader finds their
    /// own language whatever the page's language is.
    pub fn native_name(self) -> &'static str {
        match self {
            Locale::En => "English",
            Locale::Id => "Bahasa Indonesia",
        }
    }

    /// The locale for a BCP 47 tag (`en`, `en-GB`, `id-ID`...), by its primary language subtag,
    /// ignoring case; `None` for a language Latch does not speak.
    pub fn from_tag(tag: &str) -> Option<Self> {
        let primary = tag.trim().split(['-', '_']).next().unwrap_or_default();
        // "in" is Indonesian's code before 1989; older Java and Android systems still send it.
        let primary = if primary.eq_ignore_ascii_case("in") {
            "id"
        } else {
            primary
        };
        Self::ALL
            .into_iter()
            .find(|locale| locale.tag().eq_ignore_ascii_case(primary))
    }

    pub fn messages(self) -> &'static Messages {
        match self {
            Locale::En => &en::MESSAGES,
            Locale::Id => &id::MESSAGES,
        }
    }
}

/// Declares [`Messages`] and, for the tests, the list of its fields from the same field list,
/// so a new field cannot be forgotten in the list.
macro_rules! messages {
    ($( $(#[$attr:meta])* pub $field:ident: $ty:ty, )*) => {
        /// Every string of the UI and the emails, in one language.
        #[derive(Debug)]
        pub struct Messages {
            $( $(#[$attr])* pub $field: $ty, )*
        }

        #[cfg(test)]
        impl Messages {
            /// Every field by name, in a form the tests can compare across languages.
            fn entries(&self) -> Vec<(&'static str, tests::Entry<'_>)> {
                vec![$( (stringify!($field), tests::Field::entry(&self.$field)), )*]
            }
        }
    };
}

messages! {
    pub app_name: &'static str,
    pub tagline: &'static str,
    pub skip_to_content: &'static str,
    pub home_title: &'static str,
    pub home_heading: fn(name: &str) -> String,
    pub home_body: &'static str,
    pub not_found_title: &'static str,
    pub not_found_body: &'static str,
    pub back_home: &'static str,
    /// A date and time in the reader's time zone, e.g. "29 November 2026, 18:05 WIB".
    pub date_time: fn(at: &LocalDateTime) -> String,

    // Sign-in
    pub login_title: &'static str,
    pub login_heading: &'static str,
    pub identifier_label: &'static str,
    pub password_label: &'static str,
    pub log_in_button: &'static str,
    pub logging_in: &'static str,
    pub forgot_password: &'static str,
    pub forgot_username_hint: &'static str,
    pub login_invalid: &'static str,
    pub login_throttled: fn(minutes: u64) -> String,
    pub server_busy: &'static str,
    pub request_timeout: &'static str,
    pub not_signed_in: &'static str,
    pub unexpected_error: &'static str,
    pub database_unavailable: &'static str,
    pub unavailable_title: &'static str,
    pub unavailable_retrying: &'static str,
    pub try_again: &'static str,
    pub cross_origin_refused: &'static str,

    // Signed-in shell
    pub profile_settings: &'static str,
    pub log_out: &'static str,
    pub name_label: &'static str,
    pub username_label: &'static str,
    pub email_label: &'static str,
    pub company_label: &'static str,
    pub role_label: &'static str,
    pub role_admin: &'static str,
    pub role_member: &'static str,

    // Forgot Password
    pub forgot_title: &'static str,
    pub forgot_intro: &'static str,
    pub email_field_label: &'static str,
    pub send_reset_button: &'static str,
    pub sending: &'static str,
    pub back_to_login: &'static str,
    pub email_invalid: &'static str,
    pub reset_throttled: fn(minutes: u64) -> String,
    pub sent_title: &'static str,
    pub sent_body: fn(minutes: i64) -> String,
    pub sent_nothing_arrived: &'static str,
    pub sent_try_again: &'static str,
    pub reset_title: &'static str,
    pub reset_intro: &'static str,
    /// When the opened link stops working (`until`: a [`Messages::date_time`]).
    pub reset_link_expires: fn(until: &str) -> String,
    /// Whose password the opened link changes (`email` already masked), so a link someone
    /// else requested is recognised before it is used.
    pub reset_for_account: fn(username: &str, email: &str) -> String,
    pub new_password_label: &'static str,
    pub confirm_password_label: &'static str,
    pub set_password_button: &'static str,
    pub saving: &'static str,
    pub passwords_differ: &'static str,
    pub link_used_heading: &'static str,
    pub link_used_body: &'static str,
    pub link_expired_heading: &'static str,
    pub link_expired_body: &'static str,
    pub link_replaced_heading: &'static str,
    pub link_replaced_body: &'static str,
    pub link_invalid_heading: &'static str,
    pub link_invalid_body: &'static str,
    pub request_new_link: &'static str,
    pub reset_done_title: &'static str,
    pub reset_done_body: &'static str,
    pub log_in_link: &'static str,

    // The password policy and the strength meter
    pub password_hint: fn(min: usize, recommended: usize) -> String,
    pub password_too_short: fn(min: usize) -> String,
    pub password_too_long: fn(max: usize) -> String,
    pub password_common: &'static str,
    pub password_contains_username: &'static str,
    pub password_contains_email: &'static str,
    pub password_contains_name: &'static str,
    pub password_contains_company: &'static str,
    pub password_too_guessable: &'static str,
    pub weakness_keyboard_pattern: &'static str,
    pub weakness_repetition: &'static str,
    pub weakness_sequence: &'static str,
    pub weakness_recent_year: &'static str,
    pub weakness_date: &'static str,
    pub weakness_single_word: &'static str,
    pub weakness_names: &'static str,
    pub weakness_similar_to_common: &'static str,
    pub strength_label: &'static str,
    /// By zxcvbn score, 0 to 4.
    pub strength_levels: [&'static str; 5],
    pub strength_acceptable: &'static str,

    // Profile Settings → Account Settings
    pub settings_sections: &'static str,
    pub profile_overview: &'static str,
    pub account_settings: &'static str,
    pub change_password_heading: &'static str,
    pub language_heading: &'static str,
    pub language_intro: &'static str,
    pub language_label: &'static str,
    pub language_automatic: &'static str,
    pub language_save: &'static str,
    pub language_saved: &'static str,
    pub time_zone_heading: &'static str,
    pub time_zone_intro: &'static str,
    pub time_zone_label: &'static str,
    /// The first choice of the time zone list: no choice of one's own (`zone`: the IANA name
    /// of the company's default).
    pub time_zone_company_default: fn(zone: &str) -> String,
    pub time_zone_save: &'static str,
    pub time_zone_saved: &'static str,
    pub time_zone_unknown: fn(name: &str) -> String,
    pub change_password_intro: &'static str,
    pub existing_password_label: &'static str,
    pub sign_out_other_devices: &'static str,
    pub sign_out_other_devices_hint: &'static str,
    pub update_button: &'static str,
    pub existing_password_wrong: &'static str,
    pub password_same_as_existing: &'static str,
    pub password_changed_signed_out_others: &'static str,
    pub password_changed_kept_others: &'static str,
    pub devices_heading: &'static str,
    pub devices_intro: &'static str,
    pub column_device: &'static str,
    pub column_signed_in: &'static str,
    pub column_last_active: &'static str,
    /// A device, e.g. "Chrome on Windows" (`browser`, `os`: names, or the unknown ones).
    pub device_words: fn(browser: &str, os: &str) -> String,
    pub unknown_browser: &'static str,
    pub unknown_system: &'static str,
    pub unknown_address: &'static str,
    pub this_device: &'static str,
    pub sign_out_button: &'static str,
    pub sign_out_all_others_button: &'static str,
    pub sign_out_all_others_hint: &'static str,
    pub device_signed_out_notice: &'static str,
    pub other_devices_signed_out_notice: &'static str,
    pub no_other_devices: &'static str,
    pub device_unknown: &'static str,

    // Company admins
    pub users_heading: &'static str,
    pub users_intro: fn(company: &str) -> String,
    pub users_search_label: &'static str,
    pub users_search_button: &'static str,
    pub users_count: fn(total: u64) -> String,
    pub users_none: &'static str,
    pub column_last_login: &'static str,
    pub column_status: &'static str,
    pub column_last_email: &'static str,
    pub column_actions: &'static str,
    pub status_active: &'static str,
    pub status_deactivated: &'static str,
    pub status_invited: &'static str,
    pub never: &'static str,
    pub sorted_ascending: &'static str,
    pub sorted_descending: &'static str,
    pub page_of: fn(page: u64, pages: u64) -> String,
    pub previous_page: &'static str,
    pub next_page: &'static str,
    pub mail_kind: fn(template: &str) -> &'static str,
    pub mail_status: fn(status: &str) -> &'static str,
    pub reset_password_button: &'static str,
    pub manage_user: fn(name: &str) -> String,
    pub reset_confirm_heading: &'static str,
    pub reset_confirm_body: fn(name: &str, email: &str, hours: i64) -> String,
    pub reset_confirm_button: &'static str,
    pub cancel: &'static str,
    pub reset_queued: fn(name: &str, email: &str) -> String,
    pub mail_failed_help: &'static str,
    pub add_user: &'static str,
    pub add_user_intro: &'static str,
    pub role_field_label: &'static str,
    pub invite_button: &'static str,
    pub user_invited: &'static str,
    pub edit_email_heading: &'static str,
    pub save_email_button: &'static str,
    pub email_changed_notice: fn(email: &str) -> String,
    pub access_heading: &'static str,
    pub deactivate_button: &'static str,
    pub reactivate_button: &'static str,
    pub deactivate_hint: &'static str,
    pub user_deactivated_notice: &'static str,
    pub user_reactivated_notice: &'static str,
    pub make_admin_button: &'static str,
    pub make_member_button: &'static str,
    pub role_changed_notice: &'static str,
    pub sign_out_everywhere_button: &'static str,
    pub sign_out_everywhere_hint: &'static str,
    pub signed_out_everywhere_notice: &'static str,
    pub back_to_users: &'static str,
    pub activity: &'static str,
    pub activity_intro: &'static str,
    pub activity_filter_label: &'static str,
    pub activity_all_kinds: &'static str,
    pub activity_filter_button: &'static str,
    pub activity_none: &'static str,
    pub column_when: &'static str,
    pub column_event: &'static str,
    pub column_outcome: &'static str,
    pub column_by: &'static str,
    pub column_for: &'static str,
    pub column_address: &'static str,
    pub event_kind: fn(kind: AuditKind) -> &'static str,
    pub event_outcome: fn(outcome: AuditOutcome) -> &'static str,
    /// An event kind or outcome that another version of Latch stored
    /// ([`Messages::stored_event_kind`]).
    pub event_unknown: &'static str,
    pub operator: &'static str,
    pub users_nav: &'static str,
    pub not_admin: &'static str,
    pub unknown_user: &'static str,
    pub user_mail_throttled: fn(minutes: u64) -> String,
    pub user_inactive: &'static str,
    pub last_admin: &'static str,
    pub email_taken: &'static str,
    pub username_taken: &'static str,
    pub username_invalid: &'static str,
    pub name_invalid: &'static str,
    pub reauth_heading: &'static str,
    pub reauth_intro: fn(minutes: u64) -> String,
    pub reauth_password_label: &'static str,
    pub reauth_button: &'static str,
    pub reauth_done_notice: fn(minutes: u64) -> String,
    pub reauth_required: &'static str,
    pub target_is_admin: &'static str,
    pub new_addresses_throttled: fn(minutes: u64) -> String,
    pub email_change_pending_notice: fn(email: &str) -> String,
    pub pending_email: fn(email: &str) -> String,
    pub confirm_email_title: &'static str,
    pub confirm_email_body: fn(username: &str, email: &str) -> String,
    pub confirm_email_button: &'static str,
    pub email_confirmed_heading: &'static str,
    pub email_confirmed_body: fn(email: &str) -> String,
    pub email_link_unusable: &'static str,

    // Emails: the server's only (the `mail` feature), so the browser's bundle carries none.
    #[cfg(feature = "mail")]
    pub mail_greeting: fn(name: &str) -> String,
    #[cfg(feature = "mail")]
    pub mail_signature: &'static str,
    #[cfg(feature = "mail")]
    pub mail_automatic: &'static str,
    #[cfg(feature = "mail")]
    pub reset_mail_subject: &'static str,
    #[cfg(feature = "mail")]
    pub reset_mail_intro: fn(username: &str) -> String,
    #[cfg(feature = "mail")]
    pub reset_mail_action: &'static str,
    /// `until`: the link's expiry as a [`Messages::date_time`] in the recipient's time zone.
    #[cfg(feature = "mail")]
    pub reset_mail_validity: fn(minutes: i64, until: &str) -> String,
    #[cfg(feature = "mail")]
    pub reset_mail_not_you: &'static str,
    #[cfg(feature = "mail")]
    pub changed_mail_subject: &'static str,
    #[cfg(feature = "mail")]
    pub changed_mail_intro: fn(username: &str) -> String,
    #[cfg(feature = "mail")]
    pub changed_mail_not_you: &'static str,
    #[cfg(feature = "mail")]
    pub admin_reset_mail_intro: fn(username: &str) -> String,
    #[cfg(feature = "mail")]
    pub admin_reset_mail_not_you: &'static str,
    #[cfg(feature = "mail")]
    pub link_validity_hours: fn(hours: i64, until: &str) -> String,
    #[cfg(feature = "mail")]
    pub invitation_mail_subject: &'static str,
    #[cfg(feature = "mail")]
    pub invitation_mail_intro: fn(company: &str, username: &str) -> String,
    #[cfg(feature = "mail")]
    pub invitation_mail_action: &'static str,
    #[cfg(feature = "mail")]
    pub invitation_mail_not_you: &'static str,
    #[cfg(feature = "mail")]
    pub email_changed_mail_subject: &'static str,
    #[cfg(feature = "mail")]
    pub email_changed_mail_intro: fn(username: &str, new_address: &str) -> String,
    #[cfg(feature = "mail")]
    pub email_change_confirm_mail_subject: &'static str,
    #[cfg(feature = "mail")]
    pub email_change_confirm_mail_intro: fn(username: &str, new_address: &str) -> String,
    #[cfg(feature = "mail")]
    pub email_change_confirm_mail_not_you: &'static str,
    #[cfg(feature = "mail")]
    pub email_change_requested_mail_subject: &'static str,
    #[cfg(feature = "mail")]
    pub email_change_requested_mail_intro: fn(username: &str, new_address: &str) -> String,
    #[cfg(feature = "mail")]
    pub email_change_requested_mail_not_you: &'static str,
    #[cfg(feature = "mail")]
    pub new_sign_in_mail_subject: &'static str,
    /// `when`: a [`Messages::date_time`] in the recipient's time zone.
    #[cfg(feature = "mail")]
    pub new_sign_in_mail_intro: fn(username: &str, when: &str) -> String,
    /// `device`: a [`Messages::device_words`]; `address`: the client's IP address.
    #[cfg(feature = "mail")]
    pub new_sign_in_mail_device: fn(device: &str, address: &str) -> String,
    #[cfg(feature = "mail")]
    pub new_sign_in_mail_not_you: &'static str,
    #[cfg(feature = "mail")]
    pub sign_in_method_name: fn(method: &str) -> &'static str,
    #[cfg(feature = "mail")]
    pub method_added_mail_subject: &'static str,
    #[cfg(feature = "mail")]
    pub method_added_mail_intro: fn(username: &str, method: &str) -> String,
    #[cfg(feature = "mail")]
    pub method_removed_mail_subject: &'static str,
    #[cfg(feature = "mail")]
    pub method_removed_mail_intro: fn(username: &str, method: &str, by_admin: bool) -> String,
    #[cfg(feature = "mail")]
    pub method_mail_not_you: &'static str,
    pub two_step_heading: &'static str,
    pub two_step_intro: &'static str,
    pub two_step_is_off: &'static str,
    pub two_step_is_on: &'static str,
    pub two_step_required: &'static str,
    pub authenticator_app: &'static str,
    pub set_up_app_button: &'static str,
    pub current_password_label: &'static str,
    pub current_password_hint: &'static str,
    pub setup_scan: &'static str,
    pub qr_code_alt: &'static str,
    pub setup_secret_label: &'static str,
    pub app_code_label: &'static str,
    pub turn_on_button: &'static str,
    pub factor_added_at: fn(when: &str) -> String,
    pub factor_last_used: fn(when: &str) -> String,
    pub remove_method_button: &'static str,
    pub remove_method_label: fn(name: &str) -> String,
    pub recovery_codes_heading: &'static str,
    pub recovery_codes_left: fn(left: u64) -> String,
    pub renew_codes_button: &'static str,
    pub renew_codes_hint: &'static str,
    pub new_codes_heading: &'static str,
    pub new_codes_intro: &'static str,
    pub codes_saved_button: &'static str,
    pub two_step_on_notice: &'static str,
    pub method_removed_notice: &'static str,
    pub password_needed: &'static str,
    pub wrong_app_code: &'static str,
    pub wrong_recovery_code: &'static str,
    pub setup_expired: &'static str,
    pub required_by_company: &'static str,
    pub no_factor_yet: &'static str,
    pub unknown_method: &'static str,
    pub step_expired: &'static str,
    pub second_step_title: &'static str,
    pub enter_app_code: &'static str,
    pub verify_button: &'static str,
    pub verifying: &'static str,
    pub use_recovery_code: &'static str,
    pub use_app_code: &'static str,
    pub recovery_code_label: &'static str,
    pub recovery_code_hint: &'static str,
    pub lost_everything_hint: &'static str,
    pub passkey_label: &'static str,
    pub passkeys_heading: &'static str,
    pub passkeys_intro: &'static str,
    pub passkey_name_label: &'static str,
    pub passkey_name_hint: &'static str,
    pub add_passkey_button: &'static str,
    pub passkey_added_notice: &'static str,
    pub passkeys_need_javascript: &'static str,
    pub passkey_waiting: &'static str,
    pub passkey_cancelled: &'static str,
    pub passkey_unsupported: &'static str,
    pub passkey_name_invalid: &'static str,
    pub passkey_refused: &'static str,
    pub passkeys_unavailable: &'static str,
    pub use_passkey_button: &'static str,
    pub passkey_step_intro: &'static str,
    pub enrol_heading: &'static str,
    pub enrol_intro: &'static str,
    pub recovery_code_used_notice: fn(left: u64) -> String,
    pub admin_two_step_on: &'static str,
    pub admin_two_step_off: &'static str,
    pub remove_two_step_button: &'static str,
    pub remove_two_step_hint: &'static str,
    pub two_step_removed_notice: &'static str,
    pub security_nav: &'static str,
    pub security_title: &'static str,
    pub require_two_step_legend: &'static str,
    pub require_two_step_off: &'static str,
    pub require_two_step_admins: &'static str,
    pub require_two_step_everyone: &'static str,
    pub require_two_step_hint: &'static str,
    pub save_policy_button: &'static str,
    pub policy_saved_notice: &'static str,
    pub sign_in_alerts_label: &'static str,
    pub sign_in_alerts_hint: &'static str,
}
