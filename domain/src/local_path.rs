//! Where to send a user after login: only ever a path on this site (no open redirect).

/// True for `/settings?tab=x`, false for `https://evil.example`, `//evil.example`,
/// `/\evil.example` and anything with control characters (browsers strip or reinterpret them).
pub fn is_local_path(path: &str) -> bool {
    path.starts_with('/')
        && !path.starts_with("//")
        && !path.contains('\\')
        && !path.chars().any(char::is_control)
        && path.len() <= 2048
}

/// `next` when it is a local path, otherwise the start page.
pub fn local_path_or_home(next: Option<&str>) -> &str {
    next.filter(|path| is_local_path(path)).unwrap_or("/")
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn keeps_local_paths_and_refuses_everything_else() {
        for good in ["/", "/settings", "/settings/account?x=1#top"] {
            assert_eq!(local_path_or_home(Some(good)), good);
        }
        for bad in [
            "https://evil.example",
            "//evil.example",
            "/\\evil.example",
            "\\\\evil",
            "evil",
            "/\tevil",
            "javascript:alert(1)",
            "",
        ] {
            assert_eq!(local_path_or_home(Some(bad)), "/", "{bad:?}");
        }
        assert_eq!(local_path_or_home(None), "/");
    }

    proptest! {
        #[test]
        fn an_accepted_path_never_names_another_host(input in "\\PC{0,40}") {
            let path = local_path_or_home(Some(&input));
            let resolved = format!("https://latch.example{path}");
            prop_assert!(resolved.starts_with("https://latch.example/"));
            prop_assert!(!path.starts_with("//"));
        }
    }
}
