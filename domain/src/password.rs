use secrecy::{ExposeSecret, SecretString};
use serde::{Deserialize, Serialize};
use unicode_normalization::UnicodeNormalization;

/// A password someone chose, accepted by the length policy and NFKC-normalised, so the same
/// passphrase typed on two keyboards hashes the same. Never printed: `Debug` is redacted by
/// [`SecretString`].
#[derive(Debug)]
pub struct NewPassword(SecretString);

/// A password typed at login (or as the existing password): normalised like [`NewPassword`]
/// but not judged by the policy, since old passwords may predate it. Anything longer than the
/// policy's maximum can never match, so it is refused before the expensive hash.
#[derive(Debug, Clone)]
pub struct CandidatePassword(SecretString);

impl CandidatePassword {
    pub fn parse(input: &str) -> Result<Self, PasswordError> {
        // Bound the work before normalising: NFKC can expand a string.
        if input.chars().count() > NewPassword::MAX_LEN {
            return Err(PasswordError::TooLong {
                max: NewPassword::MAX_LEN,
            });
        }
        Ok(Self(SecretString::from(input.nfkc().collect::<String>())))
    }

    pub fn expose(&self) -> &str {
        self.0.expose_secret()
    }
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error, Serialize, Deserialize)]
pub enum PasswordError {
    #[error("a password has at least {min} characters")]
    TooShort { min: usize },
    #[error("a password has at most {max} characters")]
    TooLong { max: usize },
}

impl NewPassword {
    /// NIST SP 800-63B: at least 8 characters, and allow at least 64; we allow 128.
    pub const MIN_LEN: usize = 8;
    pub const MAX_LEN: usize = 128;

    pub fn parse(input: &str) -> Result<Self, PasswordError> {
        let normalized: String = input.nfkc().collect();
        let len = normalized.chars().count();
        if len < Self::MIN_LEN {
            return Err(PasswordError::TooShort { min: Self::MIN_LEN });
        }
        if len > Self::MAX_LEN {
            return Err(PasswordError::TooLong { max: Self::MAX_LEN });
        }
        Ok(Self(SecretString::from(normalized)))
    }

    /// The normalised password, for the hasher only.
    pub fn expose(&self) -> &str {
        self.0.expose_secret()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn length_is_counted_in_characters_after_normalisation() {
        assert_eq!(
            NewPassword::parse("short").unwrap_err(),
            PasswordError::TooShort { min: 8 }
        );
        // Eight emoji are eight characters, even though they are 32 bytes.
        assert!(NewPassword::parse("🔒🔒🔒🔒🔒🔒🔒🔒").is_ok());
        assert_eq!(
            NewPassword::parse(&"a".repeat(129)).unwrap_err(),
            PasswordError::TooLong { max: 128 }
        );
    }

    #[test]
    fn compatible_forms_normalise_to_the_same_password() {
        // "ﬁ" (U+FB01 ligature) and "fi" are one password under NFKC.
        let ligature = NewPassword::parse("ﬁxed passphrase").unwrap();
        let plain = NewPassword::parse("fixed passphrase").unwrap();
        assert_eq!(ligature.expose(), plain.expose());
    }

    #[test]
    fn login_candidates_are_normalised_like_new_passwords_and_bounded() {
        let candidate = CandidatePassword::parse("ﬁxed passphrase").unwrap();
        assert_eq!(
            candidate.expose(),
            NewPassword::parse("fixed passphrase").unwrap().expose()
        );
        assert!(
            CandidatePassword::parse("").is_ok(),
            "short old passwords are still checked"
        );
        assert!(CandidatePassword::parse(&"a".repeat(129)).is_err());
    }

    #[test]
    fn debug_output_never_shows_the_password() {
        let password = NewPassword::parse("correct horse battery").unwrap();
        assert!(!format!("{password:?}").contains("horse"));
    }

    proptest! {
        #[test]
        fn normalisation_is_idempotent(input in "\\PC{8,40}") {
            if let Ok(once) = NewPassword::parse(&input) {
                let twice = NewPassword::parse(once.expose()).unwrap();
                prop_assert_eq!(once.expose(), twice.expose());
            }
        }
    }
}
