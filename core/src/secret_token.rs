//! Random bearer secrets (session cookies, reset links) and how they are stored.

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use secrecy::{ExposeSecret, SecretString};
use sha2::{Digest, Sha256};

/// 256 bits from the operating system's generator, URL-safe base64 (43 characters).
/// Only its SHA-256 ([`SecretToken::storage_key`]) is ever written to the database.
#[derive(Debug, Clone)]
pub struct SecretToken(SecretString);

impl SecretToken {
    pub fn generate() -> Result<Self, getrandom::Error> {
        let mut bytes = [0u8; 32];
        getrandom::fill(&mut bytes)?;
        Ok(Self(SecretString::from(URL_SAFE_NO_PAD.encode(bytes))))
    }

    /// Accepts a token presented by a client. Anything that is not exactly the shape we issue
    /// is refused before touching the database.
    pub fn from_presented(value: &str) -> Option<Self> {
        let well_formed = value.len() == 43
            && value
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_');
        well_formed.then(|| Self(SecretString::from(value.to_owned())))
    }

    /// The value to hand to the client (cookie, link). Never log it.
    pub fn expose(&self) -> &str {
        self.0.expose_secret()
    }

    /// Hex SHA-256: what the database stores and looks up. A leaked table hands out nothing
    /// usable; a fast hash is enough because the token has 256 bits of entropy.
    pub fn storage_key(&self) -> String {
        sha256_hex(self.0.expose_secret())
    }
}

/// Hex SHA-256 of `text`: how Latch stores what must be found again but never read back.
pub(crate) fn sha256_hex(text: &str) -> String {
    Sha256::digest(text.as_bytes())
        .iter()
        .map(|byte| format!("{byte:02x}"))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_are_unique_url_safe_and_round_trip() {
        let a = SecretToken::generate().unwrap();
        let b = SecretToken::generate().unwrap();
        assert_ne!(a.expose(), b.expose());
        assert_eq!(a.expose().len(), 43);
        let presented = SecretToken::from_presented(a.expose()).unwrap();
        assert_eq!(presented.storage_key(), a.storage_key());
        assert_eq!(a.storage_key().len(), 64);
    }

    #[test]
    fn malformed_tokens_are_refused() {
        for bad in [
            "",
            "short",
            &"a".repeat(44),
            &format!("{}=", "a".repeat(42)),
        ] {
            assert!(SecretToken::from_presented(bad).is_none(), "{bad}");
        }
    }

    #[test]
    fn debug_output_never_shows_the_token() {
        let token = SecretToken::generate().unwrap();
        assert!(!format!("{token:?}").contains(token.expose()));
    }
}
