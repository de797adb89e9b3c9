//! Every page's address, and the query strings Latch builds: one place to change a route.

use percent_encoding::{AsciiSet, NON_ALPHANUMERIC, utf8_percent_encode};

pub const HOME: &str = "/";
pub const LOGIN: &str = "/login";
/// The second login step (a code from the authenticator app, or a recovery code).
pub const LOGIN_STEP: &str = "/login/verify";
/// The second login step, with a recovery code instead of the app's.
pub const LOGIN_STEP_RECOVERY: &str = "/login/verify?with=recovery-code";
pub const FORGOT_PASSWORD: &str = "/forgot-password";
pub const RESET_SENT: &str = "/forgot-password/sent";
pub const RESET_PASSWORD: &str = "/reset-password";
pub const RESET_DONE: &str = "/reset-password/done";
/// The page an email-change link opens (the token moved into a cookie).
pub const CONFIRM_EMAIL: &str = "/confirm-email";
pub const EMAIL_CONFIRMED: &str = "/confirm-email/done";
/// "Profile Settings" (for admins also the user list).
pub const PROFILE_SETTINGS: &str = "/settings";
pub const ACCOUNT_SETTINGS: &str = "/settings/account";
pub const ACTIVITY: &str = "/settings/activity";
pub const ADD_USER: &str = "/settings/users/new";
/// The company's security policy (admins).
pub const SECURITY: &str = "/settings/security";

/// Everything but unreserved characters and `/`: a local path stays readable as a value
/// (`?next=/settings`).
const QUERY_VALUE: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'_')
    .remove(b'.')
    .remove(b'~')
    .remove(b'/');

/// Percent-encodes a query value.
pub fn encode(value: &str) -> String {
    utf8_percent_encode(value, QUERY_VALUE).to_string()
}

/// The login page, coming back to `next` (a local path) afterwards.
pub fn login(next: &str) -> String {
    match next {
        HOME => LOGIN.to_owned(),
        next => format!("{LOGIN}?next={}", encode(next)),
    }
}

/// An admin's page about one user.
pub fn user(id: &str) -> String {
    format!("/settings/users/{}", encode(id))
}

/// The "Reset Password" confirmation for one user, returning to `return_to` afterwards.
pub fn reset_confirmation(id: &str, return_to: &str) -> String {
    format!("{}/reset?return_to={}", user(id.trim()), encode(return_to))
}

/// After "Confirm email address": the page naming the new address.
pub fn email_confirmed(address: &str) -> String {
    format!("{EMAIL_CONFIRMED}?email={}", encode(address))
}

/// Account Settings after "Update": whether the other devices were signed out.
pub fn password_changed(signed_out_others: bool) -> String {
    let changed = if signed_out_others {
        "signed-out"
    } else {
        "kept"
    };
    format!("{ACCOUNT_SETTINGS}?changed={changed}")
}

/// Account Settings after a sign-out in "Your devices" (`what`: `one` or `others`).
pub fn devices_signed_out(what: &str) -> String {
    format!("{ACCOUNT_SETTINGS}?devices={what}")
}

/// `page` confirming that its `section` (`language`, `time_zone`) was saved.
pub fn saved(page: &str, section: &str) -> String {
    format!("{page}?{section}=saved")
}

/// `page` (a local path, perhaps with a query) with `notice` to show once.
pub fn with_notice(page: &str, notice: &str) -> String {
    let page = without_notice(page);
    let separator = if page.contains('?') { '&' } else { '?' };
    format!("{page}{separator}notice={}", encode(notice))
}

/// `page` without an earlier `notice=`, so notices never pile up.
pub fn without_notice(page: &str) -> String {
    let Some((path, query)) = page.split_once('?') else {
        return page.to_owned();
    };
    let kept: Vec<String> = form_urlencoded::parse(query.as_bytes())
        .filter(|(key, _)| key != "notice")
        .map(|(key, value)| format!("{}={}", encode(&key), encode(&value)))
        .collect();
    if kept.is_empty() {
        path.to_owned()
    } else {
        format!("{path}?{}", kept.join("&"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_local_path_stays_readable_in_a_query_value() {
        assert_eq!(login("/settings"), "/login?next=/settings");
        assert_eq!(login("/settings?tab=1"), "/login?next=/settings%3Ftab%3D1");
        assert_eq!(login("/"), "/login");
    }

    #[test]
    fn a_new_notice_replaces_the_old_one_and_keeps_the_rest() {
        assert_eq!(
            with_notice("/settings?q=budi&notice=invited", "reset-sent:1"),
            "/settings?q=budi&notice=reset-sent%3A1"
        );
        assert_eq!(
            with_notice("/settings", "invited"),
            "/settings?notice=invited"
        );
        assert_eq!(without_notice("/settings?notice=x"), "/settings");
    }
}
