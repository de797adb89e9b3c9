use serde::{Deserialize, Serialize};

/// A person's name as shown in the UI and in emails ("Ana Putri").
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct DisplayName(String);

/// A company's name; unique across the installation, case-insensitively.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CompanyName(String);

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error, Serialize, Deserialize)]
pub enum NameError {
    #[error("enter a name")]
    Empty,
    #[error("a name is at most {max} characters")]
    TooLong { max: usize },
    #[error("a name cannot contain control characters")]
    ControlCharacters,
}

/// Names are free text (any script, emoji) but single-line and bounded, so they fit a table
/// cell and an email header.
fn parse_name(input: &str, max: usize) -> Result<String, NameError> {
    let name = input.trim();
    if name.is_empty() {
        return Err(NameError::Empty);
    }
    if name.chars().count() > max {
        return Err(NameError::TooLong { max });
    }
    if name.chars().any(char::is_control) {
        return Err(NameError::ControlCharacters);
    }
    Ok(name.to_owned())
}

impl DisplayName {
    pub const MAX_LEN: usize = 100;

    pub fn parse(input: &str) -> Result<Self, NameError> {
        parse_name(input, Self::MAX_LEN).map(Self)
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl CompanyName {
    pub const MAX_LEN: usize = 100;

    pub fn parse(input: &str) -> Result<Self, NameError> {
        parse_name(input, Self::MAX_LEN).map(Self)
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The case-insensitive identity of the company, used for uniqueness and `--company` look-ups.
    pub fn key(&self) -> String {
        self.0.to_lowercase()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn keeps_any_script_and_trims() {
        assert_eq!(
            DisplayName::parse("  Ana Putri 🌺 ").unwrap().as_str(),
            "Ana Putri 🌺"
        );
        assert_eq!(
            CompanyName::parse("PT Maju Jaya").unwrap().key(),
            "pt maju jaya"
        );
    }

    #[test]
    fn rejects_empty_long_and_multiline_names() {
        assert_eq!(DisplayName::parse(" "), Err(NameError::Empty));
        assert_eq!(
            CompanyName::parse(&"x".repeat(101)),
            Err(NameError::TooLong { max: 100 })
        );
        assert_eq!(
            DisplayName::parse("Ana\nPutri"),
            Err(NameError::ControlCharacters)
        );
    }

    proptest! {
        #[test]
        fn accepted_names_are_trimmed_single_line_and_bounded(input in "\\PC{0,120}") {
            if let Ok(name) = DisplayName::parse(&input) {
                prop_assert_eq!(name.as_str().trim(), name.as_str());
                prop_assert!(name.as_str().chars().count() <= DisplayName::MAX_LEN);
                prop_assert!(!name.as_str().contains('\n'));
            }
        }
    }
}
