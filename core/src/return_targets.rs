//! Where a signed-in user goes back to: the CRM (`LATCH_APP_URL`) and the other origins a login's
//! `next` may name (`LATCH_ALLOWED_RETURN_ORIGINS`). Everything else stays on Latch, so `next`
//! never becomes an open redirect.

use latch_domain::is_local_path;
use url::{Origin, Url};

/// Latch's start page, where a refused or missing `next` leads when no app is configured.
const HOME: &str = "/";

/// The longest `next` worth reading (the same bound as a local path).
const MAX_NEXT_LEN: usize = 2048;

/// The app (CRM) users come back to, and every origin a `next` URL may point at. Built only
/// from parsed values, so holding one means the origins are real http(s) origins.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ReturnTargets {
    app_url: Option<AppUrl>,
    allowed: Vec<Origin>,
}

/// `LATCH_APP_URL`: an http(s) URL with a host, no credentials, query or fragment.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AppUrl(Url);

/// An entry of `LATCH_ALLOWED_RETURN_ORIGINS`: `scheme://host[:port]` and nothing more.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReturnOrigin(Origin);

impl AppUrl {
    /// Parses the CRM's address, or says why it cannot be one.
    pub fn parse(value: &str) -> Result<Self, String> {
        let url = http_url(value.trim())?;
        if url.query().is_some() || url.fragment().is_some() {
            return Err("expected an address without ?query or #fragment".to_owned());
        }
        Ok(Self(url))
    }

    pub fn as_str(&self) -> &str {
        self.0.as_str()
    }
}

impl ReturnOrigin {
    /// Parses `https://reports.example.com` (a trailing `/` is fine; a path is not).
    pub fn parse(value: &str) -> Result<Self, String> {
        let url = http_url(value.trim())?;
        if url.path() != "/" || url.query().is_some() || url.fragment().is_some() {
            return Err(format!(
                "{:?} is not an origin (expected scheme://host[:port], e.g. https://crm.example.com)",
                value.trim()
            ));
        }
        Ok(Self(url.origin()))
    }

    /// A comma-separated list; blank entries are skipped.
    pub fn parse_list(value: &str) -> Result<Vec<Self>, String> {
        value
            .split(',')
            .map(str::trim)
            .filter(|entry| !entry.is_empty())
            .map(Self::parse)
            .collect()
    }
}

/// An absolute http(s) URL with a host and no `user:password@`.
fn http_url(value: &str) -> Result<Url, String> {
    let url = Url::parse(value).map_err(|err| format!("{value:?} is not a URL ({err})"))?;
    if !matches!(url.scheme(), "http" | "https") || url.host().is_none() {
        return Err(format!("{value:?} is not an http:// or https:// URL"));
    }
    if !url.username().is_empty() || url.password().is_some() {
        return Err(format!("{value:?} must not hold a user name or password"));
    }
    Ok(url)
}

impl ReturnTargets {
    /// The app's origin is always allowed; `others` add to it.
    pub fn new(app_url: Option<AppUrl>, others: Vec<ReturnOrigin>) -> Self {
        let mut allowed: Vec<Origin> = app_url.iter().map(|AppUrl(url)| url.origin()).collect();
        for ReturnOrigin(origin) in others {
            if !allowed.contains(&origin) {
                allowed.push(origin);
            }
        }
        Self { app_url, allowed }
    }

    /// The app's address, when one is configured.
    pub fn app_url(&self) -> Option<&str> {
        self.app_url.as_ref().map(AppUrl::as_str)
    }

    /// Where "home" is for a signed-in user: the app when configured, else Latch's start page.
    pub fn home(&self) -> &str {
        self.app_url().unwrap_or(HOME)
    }

    /// Where a login (or a signed-in visit to the login page) goes: `next` when it is a local
    /// path or a URL on an allowed origin, otherwise [`ReturnTargets::home`].
    pub fn after_login(&self, next: Option<&str>) -> String {
        let Some(next) = next.filter(|next| !next.is_empty() && next.len() <= MAX_NEXT_LEN) else {
            return self.home().to_owned();
        };
        if next == HOME {
            return self.home().to_owned();
        }
        if is_local_path(next) {
            return next.to_owned();
        }
        self.allowed_url(next)
            .unwrap_or_else(|| self.home().to_owned())
    }

    /// `next` as a URL on an allowed origin (serialized as parsed, so the browser goes exactly
    /// where the check looked).
    fn allowed_url(&self, next: &str) -> Option<String> {
        // Browsers drop or reinterpret these; the URL parser does too, differently.
        if next
            .chars()
            .any(|c| c.is_control() || c.is_whitespace() || c == '\\')
        {
            return None;
        }
        let url = http_url(next).ok()?;
        self.allowed
            .contains(&url.origin())
            .then(|| url.as_str().to_owned())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn crm() -> ReturnTargets {
        ReturnTargets::new(
            Some(AppUrl::parse("https://crm.example.test").unwrap()),
            ReturnOrigin::parse_list("https://reports.example.test, ").unwrap(),
        )
    }

    #[test]
    fn next_on_an_allowed_origin_or_a_local_path_is_kept() {
        let targets = crm();
        for next in [
            "https://crm.example.test/deals/7",
            "https://crm.example.test:443/deals/7",
            "https://reports.example.test/q3?x=1#top",
            "/settings",
        ] {
            let expected = next.replace(":443", "");
            assert_eq!(targets.after_login(Some(next)), expected, "{next}");
        }
        assert_eq!(
            targets.after_login(Some("https://crm.example.test:443/deals/7")),
            "https://crm.example.test/deals/7"
        );
    }

    #[test]
    fn anything_else_goes_home_which_is_the_app() {
        let targets = crm();
        for next in [
            None,
            Some(""),
            Some("/"),
            Some("https://evil.example/deals/7"),
            Some("//evil.example"),
            Some("https://crm.example.test.evil.example/"),
            Some("https://crm.example.test@evil.example/"),
            Some("https://user@crm.example.test/"),
            Some("http://crm.example.test/"),
            Some("https://crm.example.test:8443/"),
            Some("javascript:alert(1)"),
            Some("data:text/html,hi"),
            Some("https:/\\evil.example"),
            Some("https://crm.example.test/\tx"),
            Some(" https://crm.example.test/"),
        ] {
            assert_eq!(
                targets.after_login(next),
                "https://crm.example.test/",
                "{next:?}"
            );
        }
    }

    #[test]
    fn without_an_app_url_home_is_the_start_page() {
        let targets = ReturnTargets::default();
        assert_eq!(targets.home(), "/");
        assert_eq!(targets.after_login(Some("https://crm.example.test/")), "/");
        assert_eq!(targets.after_login(Some("/settings")), "/settings");
    }

    #[test]
    fn settings_values_that_are_not_targets_are_refused() {
        for bad in [
            "crm.example.test",
            "ftp://crm.example.test",
            "https://user:pw@crm.example.test",
            "https://crm.example.test/?x=1",
        ] {
            assert!(AppUrl::parse(bad).is_err(), "{bad}");
        }
        for bad in ["https://crm.example.test/deals", "javascript:x", "*"] {
            assert!(ReturnOrigin::parse(bad).is_err(), "{bad}");
        }
        assert!(ReturnOrigin::parse_list("https://a.example, nope").is_err());
    }

    proptest! {
        #[test]
        fn a_return_url_is_always_local_or_on_an_allowed_origin(input in "\\PC{0,60}") {
            let target = crm().after_login(Some(&input));
            let resolved = Url::parse("https://latch.example").unwrap().join(&target).unwrap();
            let allowed = ["https://latch.example", "https://crm.example.test", "https://reports.example.test"];
            prop_assert!(allowed.contains(&resolved.origin().ascii_serialization().as_str()), "{target}");
        }
    }
}
