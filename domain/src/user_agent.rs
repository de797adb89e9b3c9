//! A browser and its operating system, read from a `User-Agent` header well enough to tell
//! one's own devices apart ("Chrome on Windows"). A few substring checks in a careful order,
//! not a full parser: the names are shown to people, never used to decide anything.

use serde::{Deserialize, Serialize};

/// What a `User-Agent` says about the browser and its system; `None` where it says nothing
/// Latch recognises.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct DeviceKind {
    pub browser: Option<String>,
    pub os: Option<String>,
}

/// Browsers by a token only they send, most specific first: Edge, Opera and Samsung Internet
/// also say "Chrome" and "Safari", Chrome also says "Safari".
const BROWSERS: &[(&str, &[&str])] = &[
    ("Edge", &["Edg/", "Edge/", "EdgA/", "EdgiOS/"]),
    ("Opera", &["OPR/", "Opera"]),
    ("Samsung Internet", &["SamsungBrowser/"]),
    ("Vivaldi", &["Vivaldi/"]),
    ("Firefox", &["Firefox/", "FxiOS/"]),
    ("Chromium", &["Chromium/"]),
    ("Chrome", &["Chrome/", "CriOS/"]),
    ("Safari", &["Safari/"]),
    ("curl", &["curl/"]),
];

/// Systems likewise: Android also says "Linux", iPhones say "like Mac OS X".
const SYSTEMS: &[(&str, &[&str])] = &[
    ("Windows", &["Windows"]),
    ("Android", &["Android"]),
    ("iOS", &["iPhone", "iPad", "iPod"]),
    ("ChromeOS", &["CrOS"]),
    ("macOS", &["Macintosh", "Mac OS X"]),
    ("Linux", &["Linux", "X11"]),
];

impl DeviceKind {
    /// The browser and system `user_agent` names (`None`: no header was sent).
    pub fn from_user_agent(user_agent: Option<&str>) -> Self {
        let user_agent = user_agent.unwrap_or_default();
        let first = |table: &[(&'static str, &[&str])]| {
            table
                .iter()
                .find(|(_, tokens)| tokens.iter().any(|token| user_agent.contains(token)))
                .map(|(name, _)| (*name).to_owned())
        };
        Self {
            browser: first(BROWSERS),
            os: first(SYSTEMS),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn words(user_agent: &str) -> (Option<String>, Option<String>) {
        let kind = DeviceKind::from_user_agent(Some(user_agent));
        (kind.browser, kind.os)
    }

    fn named(browser: &str, os: &str) -> (Option<String>, Option<String>) {
        (Some(browser.to_owned()), Some(os.to_owned()))
    }

    #[test]
    fn common_browsers_are_named_with_their_system() {
        let cases = [
            (
                "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36",
                named("Chrome", "Windows"),
            ),
            (
                "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36 Edg/131.0.0.0",
                named("Edge", "Windows"),
            ),
            (
                "Mozilla/5.0 (Macintosh; Intel Mac OS X 14_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.1 Safari/605.1.15",
                named("Safari", "macOS"),
            ),
            (
                "Mozilla/5.0 (iPhone; CPU iPhone OS 18_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.1 Mobile/15E148 Safari/604.1",
                named("Safari", "iOS"),
            ),
            (
                "Mozilla/5.0 (iPhone; CPU iPhone OS 18_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) CriOS/131.0.6778.73 Mobile/15E148 Safari/604.1",
                named("Chrome", "iOS"),
            ),
            (
                "Mozilla/5.0 (Linux; Android 14; SM-S918B) AppleWebKit/537.36 (KHTML, like Gecko) SamsungBrowser/26.0 Chrome/122.0.0.0 Mobile Safari/537.36",
                named("Samsung Internet", "Android"),
            ),
            (
                "Mozilla/5.0 (X11; Linux x86_64; rv:133.0) Gecko/20100101 Firefox/133.0",
                named("Firefox", "Linux"),
            ),
            (
                "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36 OPR/115.0.0.0",
                named("Opera", "Linux"),
            ),
            (
                "Mozilla/5.0 (X11; CrOS x86_64 14541.0.0) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36",
                named("Chrome", "ChromeOS"),
            ),
            (
                "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) HeadlessChrome/131.0.0.0 Safari/537.36",
                named("Chrome", "Linux"),
            ),
        ];
        for (user_agent, expected) in cases {
            assert_eq!(words(user_agent), expected, "{user_agent}");
        }
    }

    #[test]
    fn what_is_not_recognised_is_left_unnamed() {
        assert_eq!(words("curl/8.5.0"), (Some("curl".to_owned()), None));
        assert_eq!(words("something odd"), (None, None));
        assert_eq!(DeviceKind::from_user_agent(None), DeviceKind::default());
    }
}
