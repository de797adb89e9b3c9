use serde::{Deserialize, Serialize};

/// An email address as the user typed it (trimmed), checked for a plausible shape.
///
/// Deliverability is the mail server's business; this only rejects what can never be an
/// address. Uniqueness is decided on [`Email::key`], so `Ana@Example.com` and `ana@example.com`
/// are the same account.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Email(String);

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error, Serialize, Deserialize)]
pub enum EmailError {
    #[error("enter an email address")]
    Empty,
    #[error("an email address is at most 254 characters")]
    TooLong,
    #[error("an email address looks like name@example.com")]
    BadShape,
}

impl Email {
    /// RFC 5321 limits a forward path to 254 characters.
    pub const MAX_LEN: usize = 254;

    pub fn parse(input: &str) -> Result<Self, EmailError> {
        let email = input.trim();
        if email.is_empty() {
            return Err(EmailError::Empty);
        }
        if email.chars().count() > Self::MAX_LEN {
            return Err(EmailError::TooLong);
        }
        let Some((local, domain)) = email.rsplit_once('@') else {
            return Err(EmailError::BadShape);
        };
        let domain_ok = !domain.is_empty()
            && !domain.starts_with(['.', '-'])
            && !domain.ends_with(['.', '-'])
            && !domain.contains("..");
        let no_odd_chars = !email
            .chars()
            .any(|c| c.is_whitespace() || c.is_control() || matches!(c, '<' | '>' | ',' | ';'));
        if local.is_empty() || local.contains('@') || !domain_ok || !no_odd_chars {
            return Err(EmailError::BadShape);
        }
        Ok(Self(email.to_owned()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The case-insensitive identity of the address, used for uniqueness and look-ups.
    pub fn key(&self) -> String {
        self.0.to_lowercase()
    }

    /// The part before the `@` (the password policy refuses passwords containing it).
    pub fn local_part(&self) -> &str {
        self.0
            .rsplit_once('@')
            .map_or(self.0.as_str(), |(local, _)| local)
    }
}

impl std::fmt::Display for Email {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

/// `address` with all but the first character of its local part hidden (`a•••@example.com`):
/// enough for its owner to recognise it, too little for anyone else to learn it.
pub fn masked_email(address: &str) -> String {
    match address.rsplit_once('@') {
        Some((local, domain)) => {
            let first: String = local.chars().take(1).collect();
            format!("{first}•••@{domain}")
        }
        None => "•••".to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_masked_address_keeps_its_first_letter_and_its_domain() {
        assert_eq!(
            masked_email("ana.putri@example.co.id"),
            "a•••@example.co.id"
        );
        assert_eq!(masked_email("ñ@b.c"), "ñ•••@b.c");
        assert_eq!(masked_email("not an address"), "•••");
    }
    use proptest::prelude::*;

    #[test]
    fn accepts_ordinary_addresses_and_trims_them() {
        let email = Email::parse("  Ana.Putri@Example.co.id ").unwrap();
        assert_eq!(email.as_str(), "Ana.Putri@Example.co.id");
        assert_eq!(email.key(), "ana.putri@example.co.id");
        assert_eq!(email.local_part(), "Ana.Putri");
    }

    #[test]
    fn rejects_what_can_never_be_an_address() {
        assert_eq!(Email::parse("   "), Err(EmailError::Empty));
        for bad in [
            "ana",
            "@example.com",
            "ana@",
            "ana@.com",
            "ana@example..com",
            "a b@c.d",
            "<a@b.c>",
        ] {
            assert_eq!(Email::parse(bad), Err(EmailError::BadShape), "{bad}");
        }
        let long = format!("{}@example.com", "a".repeat(250));
        assert_eq!(Email::parse(&long), Err(EmailError::TooLong));
    }

    proptest! {
        #[test]
        fn parsing_never_panics_and_accepted_values_reparse_identically(input in "\\PC{0,80}") {
            if let Ok(email) = Email::parse(&input) {
                prop_assert_eq!(Email::parse(email.as_str()), Ok(email.clone()));
                prop_assert!(email.as_str().contains('@'));
            }
        }

        #[test]
        fn key_is_case_insensitive(local in "[a-zA-Z0-9._]{1,20}", domain in "[a-zA-Z]{1,10}\\.[a-z]{2,4}") {
            let lower = Email::parse(&format!("{local}@{domain}").to_lowercase()).unwrap();
            let upper = Email::parse(&format!("{local}@{domain}").to_uppercase()).unwrap();
            prop_assert_eq!(lower.key(), upper.key());
        }
    }
}
