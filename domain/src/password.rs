use secrecy::{ExposeSecret, SecretString};

use crate::password_policy::{PasswordPolicy, PasswordProblem};

/// A password someone chose, accepted by the [`PasswordPolicy`] and NFKC-normalised, so the same
/// passphrase typed on two keyboards hashes the same. Never printed: `Debug` is redacted by
/// [`SecretString`].
#[derive(Debug)]
pub struct NewPassword(SecretString);

/// A password typed at login (or as the existing password): normalised like [`NewPassword`]
/// but not judged by the policy, since old passwords may predate it. Anything longer than the
/// policy's maximum (by the same rule as a new password) can never match, so it is refused
/// before the expensive hash.
#[derive(Debug, Clone)]
pub struct CandidatePassword(SecretString);

impl CandidatePassword {
    pub fn parse(input: &str) -> Result<Self, PasswordProblem> {
        PasswordPolicy::normalized_within_limit(input).map(|password| Self(password.into()))
    }

    pub fn expose(&self) -> &str {
        self.0.expose_secret()
    }
}

impl NewPassword {
    /// Accepts `input` only if the policy does (see [`PasswordPolicy::check`]), reporting the
    /// most fundamental problem otherwise.
    #[cfg(feature = "strength")]
    pub fn parse(
        input: &str,
        policy: &PasswordPolicy,
        about: &crate::PersonalInfo,
    ) -> Result<Self, PasswordProblem> {
        let check = policy.check(input, about);
        if let Some(problem) = check.problems.first() {
            return Err(*problem);
        }
        Ok(Self(SecretString::from(
            unicode_normalization::UnicodeNormalization::nfkc(input).collect::<String>(),
        )))
    }

    /// The normalised password, for the hasher only.
    pub fn expose(&self) -> &str {
        self.0.expose_secret()
    }
}

#[cfg(all(test, feature = "strength"))]
mod tests {
    use super::*;
    use crate::PersonalInfo;
    use proptest::prelude::*;

    fn parse(input: &str) -> Result<NewPassword, PasswordProblem> {
        NewPassword::parse(input, &PasswordPolicy::default(), &PersonalInfo::default())
    }

    #[test]
    fn only_what_the_policy_accepts_becomes_a_new_password() {
        assert_eq!(
            parse("short").unwrap_err(),
            PasswordProblem::TooShort { min: 8 }
        );
        assert_eq!(parse("password").unwrap_err(), PasswordProblem::Common);
        assert!(parse("plum tractor whistle").is_ok());
    }

    #[test]
    fn compatible_forms_normalise_to_the_same_password() {
        // "ﬁ" (U+FB01 ligature) and "fi" are one password under NFKC.
        let ligature = parse("ﬁxed passphrase").unwrap();
        let plain = parse("fixed passphrase").unwrap();
        assert_eq!(ligature.expose(), plain.expose());
    }

    #[test]
    fn login_candidates_are_normalised_like_new_passwords_and_bounded() {
        let candidate = CandidatePassword::parse("ﬁxed passphrase").unwrap();
        assert_eq!(
            candidate.expose(),
            parse("fixed passphrase").unwrap().expose()
        );
        assert!(
            CandidatePassword::parse("").is_ok(),
            "short old passwords are still checked"
        );
        assert!(CandidatePassword::parse(&"a".repeat(129)).is_err());
    }

    #[test]
    fn every_password_that_can_be_set_can_be_typed_at_login() {
        // 128 accented vowels typed as letter + combining mark (as some keyboards send them):
        // 256 characters as typed, 128 once composed.
        let marks = ['\u{300}', '\u{301}', '\u{302}', '\u{308}'];
        let accented: String = (0..128_usize)
            .flat_map(|i| ["aeiou".as_bytes()[i * 7 % 5] as char, marks[i * 3 % 4]])
            .collect();
        assert!(accented.chars().count() > PasswordPolicy::MAX_LENGTH);
        let chosen = NewPassword::parse(&accented, &PasswordPolicy::default(), &Default::default())
            .expect("128 letters are within the limit");
        let typed = CandidatePassword::parse(&accented).expect("what was set can be typed");
        assert_eq!(typed.expose(), chosen.expose());

        // One letter more is refused the same way on both paths.
        let too_long = accented + "e\u{301}";
        assert!(parse(&too_long).is_err());
        assert!(CandidatePassword::parse(&too_long).is_err());
    }

    #[test]
    fn debug_output_never_shows_the_password() {
        let password = parse("correct horse battery").unwrap();
        assert!(!format!("{password:?}").contains("horse"));
    }

    proptest! {
        #[test]
        fn normalisation_is_idempotent(input in "\\PC{8,40}") {
            if let Ok(once) = parse(&input) {
                let twice = parse(once.expose()).unwrap();
                prop_assert_eq!(once.expose(), twice.expose());
            }
        }
    }
}
