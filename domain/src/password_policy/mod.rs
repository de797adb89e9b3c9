//! The password policy (NIST SP 800-63B §3.1.1.2): a length range, no composition rules, and a
//! refusal of passwords an attacker would try early — common ones, ones built from the user's
//! own name or company, and ones zxcvbn estimates as very guessable.
//!
//! One implementation for every flow (reset, change, CLI, invitation) and for the strength meter
//! in the browser, so what the meter says is exactly what the server decides.

use serde::{Deserialize, Serialize};
use unicode_normalization::UnicodeNormalization;
#[cfg(feature = "strength")]
use zxcvbn::{feedback::Warning, matching::patterns::MatchPattern};

/// The configurable part of the policy. The defaults refuse the two lowest zxcvbn scores:
/// a password guessed in under a million tries falls to a patient online attacker even with
/// our login throttle.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct PasswordPolicy {
    min_length: usize,
    min_score: u8,
}

/// Why the policy settings themselves are unusable (reported at start-up).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PolicySettingsError {
    #[error("the minimum length must be between {floor} and {ceiling} characters")]
    MinLength { floor: usize, ceiling: usize },
    #[error("the minimum score must be between 0 and 4")]
    MinScore,
}

impl Default for PasswordPolicy {
    fn default() -> Self {
        Self {
            min_length: Self::LENGTH_FLOOR,
            min_score: 2,
        }
    }
}

impl PasswordPolicy {
    /// NIST's floor: no deployment may accept fewer than 8 characters.
    pub const LENGTH_FLOOR: usize = 8;
    /// NIST asks to allow at least 64; we allow 128.
    pub const MAX_LENGTH: usize = 128;
    /// What the hint recommends.
    pub const RECOMMENDED_LENGTH: usize = 15;
    /// The highest configurable minimum length (it must leave room below the maximum).
    pub const LENGTH_CEILING: usize = 64;

    pub fn new(min_length: usize, min_score: u8) -> Result<Self, PolicySettingsError> {
        if !(Self::LENGTH_FLOOR..=Self::LENGTH_CEILING).contains(&min_length) {
            return Err(PolicySettingsError::MinLength {
                floor: Self::LENGTH_FLOOR,
                ceiling: Self::LENGTH_CEILING,
            });
        }
        if min_score > 4 {
            return Err(PolicySettingsError::MinScore);
        }
        Ok(Self {
            min_length,
            min_score,
        })
    }

    pub fn min_length(&self) -> usize {
        self.min_length
    }

    pub fn min_score(&self) -> u8 {
        self.min_score
    }

    /// `password` normalised (NFKC), if it is at most [`Self::MAX_LENGTH`] characters once
    /// normalised. The one length rule of every path (choosing, changing, logging in), so a
    /// password that could be set can always be typed again, whichever form the keyboard sends
    /// (a letter and its combining accent are two characters as typed, one composed). Twice
    /// the limit as typed is refused first, to bound the work: NFKC can expand a string, and
    /// zxcvbn is superlinear.
    pub fn normalized_within_limit(password: &str) -> Result<String, PasswordProblem> {
        let too_long = PasswordProblem::TooLong {
            max: Self::MAX_LENGTH,
        };
        if password.chars().count() > Self::MAX_LENGTH * 2 {
            return Err(too_long);
        }
        let normalized = normalize(password);
        if normalized.chars().count() > Self::MAX_LENGTH {
            return Err(too_long);
        }
        Ok(normalized)
    }

    /// Judges `password` (as typed; it is normalised here) for the person described by
    /// `about`. Every problem is listed, most fundamental first. Server only (the `strength`
    /// feature): the browser's strength meter asks the server rather than download zxcvbn.
    #[cfg(feature = "strength")]
    pub fn check(&self, password: &str, about: &PersonalInfo) -> PasswordCheck {
        let normalized = match Self::normalized_within_limit(password) {
            Ok(normalized) => normalized,
            Err(too_long) => {
                return PasswordCheck {
                    score: 0,
                    problems: vec![too_long],
                };
            }
        };
        let length = normalized.chars().count();
        let mut problems = Vec::new();
        if length < self.min_length {
            problems.push(PasswordProblem::TooShort {
                min: self.min_length,
            });
        }
        if normalized.is_empty() {
            return PasswordCheck { score: 0, problems };
        }

        let lowered = normalized.to_lowercase();
        let terms = about.terms();
        if let Some(term) = terms
            .iter()
            .find(|term| lowered.contains(term.text.as_str()))
        {
            problems.push(PasswordProblem::ContainsPersonalInfo { what: term.field });
        }

        let user_inputs: Vec<&str> = terms.iter().map(|term| term.text.as_str()).collect();
        let estimate = zxcvbn::zxcvbn(&normalized, &user_inputs);
        let score = u8::from(estimate.score());
        if is_on_common_list(estimate.sequence(), normalized.chars().count()) {
            problems.push(PasswordProblem::Common);
        } else if score < self.min_score
            && !problems
                .iter()
                .any(|p| matches!(p, PasswordProblem::ContainsPersonalInfo { .. }))
        {
            let why = estimate
                .feedback()
                .and_then(|feedback| feedback.warning())
                .and_then(Weakness::from_warning);
            problems.push(PasswordProblem::TooGuessable { why });
        }
        PasswordCheck { score, problems }
    }
}

/// The result of [`PasswordPolicy::check`]: a strength score for the meter and the reasons, if
/// any, the password is refused.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PasswordCheck {
    /// zxcvbn's score, 0 (guessed in under a thousand tries) to 4 (over 10¹⁰).
    pub score: u8,
    pub problems: Vec<PasswordProblem>,
}

impl PasswordCheck {
    pub fn is_acceptable(&self) -> bool {
        self.problems.is_empty()
    }
}

/// One reason a password is refused, in terms the UI can put into plain words.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error, Serialize, Deserialize)]
pub enum PasswordProblem {
    #[error("a password has at least {min} characters")]
    TooShort { min: usize },
    #[error("a password has at most {max} characters")]
    TooLong { max: usize },
    #[error("the password contains the user's {what:?}")]
    ContainsPersonalInfo { what: PersonalField },
    #[error("the password is on the list of common passwords")]
    Common,
    #[error("the password is too easy to guess ({why:?})")]
    TooGuessable { why: Option<Weakness> },
}

/// Which of the user's own details a password contains.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum PersonalField {
    Username,
    Email,
    Name,
    Company,
}

/// The pattern that makes a password guessable, when zxcvbn can name one.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Weakness {
    KeyboardPattern,
    Repetition,
    Sequence,
    RecentYear,
    Date,
    SingleWord,
    Names,
    SimilarToCommon,
}

#[cfg(feature = "strength")]
impl Weakness {
    fn from_warning(warning: Warning) -> Option<Self> {
        Some(match warning {
            Warning::StraightRowsOfKeysAreEasyToGuess
            | Warning::ShortKeyboardPatternsAreEasyToGuess => Weakness::KeyboardPattern,
            Warning::RepeatsLikeAaaAreEasyToGuess
            | Warning::RepeatsLikeAbcAbcAreOnlySlightlyHarderToGuess => Weakness::Repetition,
            Warning::SequencesLikeAbcAreEasyToGuess => Weakness::Sequence,
            Warning::RecentYearsAreEasyToGuess => Weakness::RecentYear,
            Warning::DatesAreOftenEasyToGuess => Weakness::Date,
            Warning::AWordByItselfIsEasyToGuess => Weakness::SingleWord,
            Warning::NamesAndSurnamesByThemselvesAreEasyToGuess
            | Warning::CommonNamesAndSurnamesAreEasyToGuess => Weakness::Names,
            Warning::ThisIsATop10Password
            | Warning::ThisIsATop100Password
            | Warning::ThisIsACommonPassword
            | Warning::ThisIsSimilarToACommonlyUsedPassword => Weakness::SimilarToCommon,
            // zxcvbn may add warnings; an unnamed weakness still refuses the password.
            #[allow(unreachable_patterns)]
            _ => return None,
        })
    }
}

/// What the policy knows about the person choosing the password. Empty fields are skipped.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct PersonalInfo {
    pub username: String,
    pub email: String,
    pub display_name: String,
    pub company: String,
}

#[cfg(feature = "strength")]
struct Term {
    text: String,
    field: PersonalField,
}

#[cfg(feature = "strength")]
impl PersonalInfo {
    /// Whole values of 3+ characters, and the words of 4+ characters within names and the
    /// email's local part. Shorter pieces ("Li", "Co") would refuse too many good passwords.
    fn terms(&self) -> Vec<Term> {
        let email_local = self.email.split('@').next().unwrap_or_default();
        let mut terms = Vec::new();
        let mut add = |text: String, field: PersonalField, min: usize| {
            if text.chars().count() >= min && !terms.iter().any(|t: &Term| t.text == text) {
                terms.push(Term { text, field });
            }
        };
        for (value, field) in [
            (self.username.as_str(), PersonalField::Username),
            (email_local, PersonalField::Email),
            (self.display_name.as_str(), PersonalField::Name),
            (self.company.as_str(), PersonalField::Company),
        ] {
            let value = normalize(value).to_lowercase();
            add(value.clone(), field, 3);
            add(value.split_whitespace().collect(), field, 3);
            for word in value.split(|c: char| !c.is_alphanumeric()) {
                add(word.to_owned(), field, 4);
            }
        }
        terms
    }
}

fn normalize(input: &str) -> String {
    input.nfkc().collect()
}

#[cfg(feature = "strength")]
/// The whole password is one entry of zxcvbn's list of 30,000 common passwords (possibly with
/// case changes, reversed, or with l33t substitutions such as "p@ssw0rd").
fn is_on_common_list(sequence: &[zxcvbn::Match], length: usize) -> bool {
    match sequence {
        [only] => {
            only.i == 0
                && only.j + 1 == length
                && matches!(
                    &only.pattern,
                    // zxcvbn does not export its dictionary type, but its default is the
                    // passwords list (the test of common passwords guards this).
                    MatchPattern::Dictionary(pattern)
                        if pattern.dictionary_name == Default::default()
                )
        }
        _ => false,
    }
}

#[cfg(all(test, feature = "strength"))]
mod tests;
