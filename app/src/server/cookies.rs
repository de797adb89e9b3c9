//! The cookies Latch sets: the session, a reset token on its way from the emailed link to the
//! form, and the known-device note. Both: whole site, script-proof, not sent on cross-site sub-requests, and over
//! https `Secure` with the `__Host-` prefix (which also pins them to this host and `/`).

use cookie::{Cookie, SameSite, time::Duration};

const SESSION: &str = "latch_session";
/// Holds a reset token between opening the emailed link and submitting the form, so the token
/// leaves the address bar (and can never leak through history or `Referer`).
const RESET: &str = "latch_reset";
/// Says this browser has signed in to an account before (see `latch_core::known_device`): long
/// lived, signed by the server, and useless to anyone but the browser that holds it.
const DEVICE: &str = "latch_device";
/// Holds the token of a login's pending second step (see `latch_core::two_factor::login_step`)
/// between the password and the code: no session exists until the code is right.
const LOGIN_STEP: &str = "latch_login_step";
/// The second step waits five minutes; the cookie no longer.
const LOGIN_STEP_MAX_AGE: Duration = Duration::minutes(5);
/// A reset cookie outlives no link: the longest an emailed link is valid for is an hour.
const RESET_MAX_AGE: Duration = Duration::hours(1);

/// A cookie's name: `__Host-` over https (this host and `/` only), `__Secure-` over https
/// when shared with a parent `domain` (a CRM on a sibling subdomain), bare over http.
fn name(base: &'static str, secure: bool, domain: Option<&str>) -> String {
    match (secure, domain) {
        (true, None) => format!("__Host-{base}"),
        (true, Some(_)) => format!("__Secure-{base}"),
        (false, _) => base.to_owned(),
    }
}

/// The `Set-Cookie` value. `max_age`: `None` ends with the browser session, zero deletes.
fn set_cookie(base: &'static str, value: &str, max_age: Option<Duration>, secure: bool) -> String {
    set_scoped_cookie(base, value, max_age, secure, None)
}

fn set_scoped_cookie(
    base: &'static str,
    value: &str,
    max_age: Option<Duration>,
    secure: bool,
    domain: Option<&str>,
) -> String {
    let mut cookie = Cookie::build((name(base, secure, domain), value.to_owned()))
        .path("/")
        .http_only(true)
        .same_site(SameSite::Lax)
        .secure(secure);
    if let Some(max_age) = max_age {
        cookie = cookie.max_age(max_age);
    }
    if let Some(domain) = domain {
        cookie = cookie.domain(domain.to_owned());
    }
    cookie.build().to_string()
}

/// The value of cookie `base` in a request's `Cookie` headers, if any.
fn value_in(headers: &http::HeaderMap, base: &'static str, secure: bool) -> Option<String> {
    scoped_value_in(headers, base, secure, None)
}

fn scoped_value_in(
    headers: &http::HeaderMap,
    base: &'static str,
    secure: bool,
    domain: Option<&str>,
) -> Option<String> {
    let name = name(base, secure, domain);
    headers
        .get_all(http::header::COOKIE)
        .iter()
        .filter_map(|header| header.to_str().ok())
        .flat_map(Cookie::split_parse)
        .filter_map(Result::ok)
        .find(|cookie| cookie.name() == name)
        .map(|cookie| cookie.value().to_owned())
}

/// The session token presented in the request's `Cookie` header, if any. `domain`: the
/// parent domain the session cookie is shared with (`LATCH_COOKIE_DOMAIN`), if any.
pub fn session_cookie_value(
    headers: &http::HeaderMap,
    secure: bool,
    domain: Option<&str>,
) -> Option<String> {
    scoped_value_in(headers, SESSION, secure, domain)
}

pub(crate) fn device_cookie_value(headers: &http::HeaderMap, secure: bool) -> Option<String> {
    value_in(headers, DEVICE, secure)
}

/// The `Set-Cookie` value that keeps this browser known for `days`.
pub(crate) fn device_cookie(value: &str, days: i64, secure: bool) -> String {
    set_cookie(DEVICE, value, Some(Duration::days(days)), secure)
}

pub(crate) fn reset_cookie_value(headers: &http::HeaderMap, secure: bool) -> Option<String> {
    value_in(headers, RESET, secure)
}

/// The session cookie; shared with `domain` and its subdomains when given, so the CRM's
/// proxy on a sibling host can hand it to `/auth/verify`. The other cookies stay Latch's.
pub(crate) fn session_cookie(token: &str, secure: bool, domain: Option<&str>) -> String {
    set_scoped_cookie(SESSION, token, None, secure, domain)
}

pub(crate) fn session_cookie_deleted(secure: bool, domain: Option<&str>) -> String {
    set_scoped_cookie(SESSION, "", Some(Duration::ZERO), secure, domain)
}

/// The `Set-Cookie` value that stores a reset token (an hour at most).
pub fn reset_cookie(token: &str, secure: bool) -> String {
    set_cookie(RESET, token, Some(RESET_MAX_AGE), secure)
}

pub(crate) fn reset_cookie_deleted(secure: bool) -> String {
    set_cookie(RESET, "", Some(Duration::ZERO), secure)
}

pub(crate) fn login_step_cookie_value(headers: &http::HeaderMap, secure: bool) -> Option<String> {
    value_in(headers, LOGIN_STEP, secure)
}

pub(crate) fn login_step_cookie(token: &str, secure: bool) -> String {
    set_cookie(LOGIN_STEP, token, Some(LOGIN_STEP_MAX_AGE), secure)
}

pub(crate) fn login_step_cookie_deleted(secure: bool) -> String {
    set_cookie(LOGIN_STEP, "", Some(Duration::ZERO), secure)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_session_cookie_over_https_is_secure_host_only_and_script_proof() {
        let header = session_cookie("abc", true, None);
        assert!(header.starts_with("__Host-latch_session=abc"), "{header}");
        for attribute in ["HttpOnly", "SameSite=Lax", "Secure", "Path=/"] {
            assert!(header.contains(attribute), "{attribute} missing: {header}");
        }
        assert!(!header.contains("Max-Age"), "{header}");
    }

    #[test]
    fn a_deleted_cookie_expires_at_once() {
        assert!(reset_cookie_deleted(false).contains("Max-Age=0"));
        assert!(reset_cookie("t", false).contains("Max-Age=3600"));
    }

    #[test]
    fn the_value_is_read_from_any_cookie_header() {
        let mut headers = http::HeaderMap::new();
        headers.append(
            http::header::COOKIE,
            "a=1; latch_reset=xyz".parse().unwrap(),
        );
        headers.append(http::header::COOKIE, "latch_session=tok".parse().unwrap());
        assert_eq!(
            session_cookie_value(&headers, false, None).as_deref(),
            Some("tok")
        );
        assert_eq!(reset_cookie_value(&headers, false).as_deref(), Some("xyz"));
        assert_eq!(session_cookie_value(&headers, true, None), None);
    }

    #[test]
    fn a_session_cookie_shared_with_a_parent_domain_is_secure_prefixed_and_scoped() {
        let header = session_cookie("abc", true, Some("example.com"));
        assert!(header.starts_with("__Secure-latch_session=abc"), "{header}");
        for attribute in ["Domain=example.com", "HttpOnly", "Secure", "Path=/"] {
            assert!(header.contains(attribute), "{attribute} missing: {header}");
        }
        let deleted = session_cookie_deleted(true, Some("example.com"));
        assert!(deleted.contains("Domain=example.com") && deleted.contains("Max-Age=0"));
        let mut headers = http::HeaderMap::new();
        headers.append(
            http::header::COOKIE,
            "__Secure-latch_session=tok".parse().unwrap(),
        );
        let read = |domain| session_cookie_value(&headers, true, domain);
        assert_eq!(read(Some("example.com")).as_deref(), Some("tok"));
        assert_eq!(read(None), None, "a host-only Latch reads only __Host-");
    }
}
