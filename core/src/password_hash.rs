//! argon2id password hashing with OWASP's parameters (19 MiB, 2 passes, 1 lane).

use argon2::password_hash::{PasswordHasher, SaltString, rand_core::OsRng};
use argon2::{Algorithm, Argon2, Params, Version};
use latch_domain::NewPassword;

/// A PHC-format argon2id hash. Not `Serialize` and redacted in `Debug`: it never leaves the
/// server, and never appears in a log.
#[derive(Clone, PartialEq, Eq)]
pub struct PasswordHash(String);

impl PasswordHash {
    pub fn as_phc(&self) -> &str {
        &self.0
    }
}

impl std::fmt::Debug for PasswordHash {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("PasswordHash(<redacted>)")
    }
}

/// OWASP Password Storage Cheat Sheet, argon2id option 2: m = 19 MiB, t = 2, p = 1.
pub fn argon2() -> Argon2<'static> {
    let params = Params::new(19 * 1024, 2, 1, None).unwrap_or_default();
    Argon2::new(Algorithm::Argon2id, Version::V0x13, params)
}

/// Hashes with a fresh random salt. CPU-heavy (tens of milliseconds): call it from a blocking
/// thread, never directly on the async runtime.
pub fn hash(password: &NewPassword) -> Result<PasswordHash, argon2::password_hash::Error> {
    let salt = SaltString::generate(&mut OsRng);
    let phc = argon2().hash_password(password.expose().as_bytes(), &salt)?;
    Ok(PasswordHash(phc.to_string()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use argon2::PasswordVerifier;

    #[test]
    fn hashes_are_salted_argon2id_with_owasp_parameters() {
        let password = NewPassword::parse("correct horse battery staple").unwrap();
        let first = hash(&password).unwrap();
        let second = hash(&password).unwrap();
        assert_ne!(first, second, "each hash gets its own salt");
        assert!(
            first
                .as_phc()
                .starts_with("$argon2id$v=19$m=19456,t=2,p=1$"),
            "{}",
            first.as_phc()
        );

        let parsed = argon2::PasswordHash::new(first.as_phc()).unwrap();
        assert!(
            argon2()
                .verify_password(b"correct horse battery staple", &parsed)
                .is_ok()
        );
        assert!(argon2().verify_password(b"wrong", &parsed).is_err());
    }

    #[test]
    fn debug_output_never_shows_the_hash() {
        let password = NewPassword::parse("correct horse battery staple").unwrap();
        assert_eq!(
            format!("{:?}", hash(&password).unwrap()),
            "PasswordHash(<redacted>)"
        );
    }
}
