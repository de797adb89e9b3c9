use serde::{Deserialize, Serialize};

/// A login name: 3–32 characters of letters, digits, `.`, `_` and `-`, starting with a letter or
/// digit. Kept as typed for display; [`Username::key`] decides uniqueness case-insensitively.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Username(String);

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error, Serialize, Deserialize)]
pub enum UsernameError {
    #[error("a username has at least 3 characters")]
    TooShort,
    #[error("a username has at most 32 characters")]
    TooLong,
    #[error(
        "a username uses only letters, digits, '.', '_' and '-', and starts with a letter or digit"
    )]
    BadCharacters,
}

impl Username {
    pub const MIN_LEN: usize = 3;
    pub const MAX_LEN: usize = 32;

    pub fn parse(input: &str) -> Result<Self, UsernameError> {
        let name = input.trim();
        let len = name.chars().count();
        if len < Self::MIN_LEN {
            return Err(UsernameError::TooShort);
        }
        if len > Self::MAX_LEN {
            return Err(UsernameError::TooLong);
        }
        let allowed = |c: char| c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-');
        let starts_well = name.starts_with(|c: char| c.is_ascii_alphanumeric());
        if !starts_well || !name.chars().all(allowed) {
            return Err(UsernameError::BadCharacters);
        }
        Ok(Self(name.to_owned()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The case-insensitive identity of the name, used for uniqueness and look-ups.
    pub fn key(&self) -> String {
        self.0.to_ascii_lowercase()
    }
}

impl std::fmt::Display for Username {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn accepts_usual_login_names() {
        for good in ["ana", "Ana.Putri", "budi_s", "user-01", "007"] {
            assert_eq!(Username::parse(good).unwrap().as_str(), good);
        }
        assert_eq!(Username::parse("Ana.Putri").unwrap().key(), "ana.putri");
    }

    #[test]
    fn rejects_short_long_and_odd_names() {
        assert_eq!(Username::parse("ab"), Err(UsernameError::TooShort));
        assert_eq!(
            Username::parse(&"a".repeat(33)),
            Err(UsernameError::TooLong)
        );
        for bad in [".ana", "ana putri", "ana@x", "añá"] {
            assert_eq!(
                Username::parse(bad),
                Err(UsernameError::BadCharacters),
                "{bad}"
            );
        }
    }

    proptest! {
        #[test]
        fn parsing_never_panics_and_accepted_values_reparse_identically(input in "\\PC{0,40}") {
            if let Ok(name) = Username::parse(&input) {
                prop_assert_eq!(Username::parse(name.as_str()), Ok(name.clone()));
                prop_assert!(name.as_str().is_ascii());
            }
        }
    }
}
