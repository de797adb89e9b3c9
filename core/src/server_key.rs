//! Latch's own secret, kept outside the database: it signs what Latch hands out and must
//! recognise later (the known-device cookie), and seals the secrets Latch must keep in the
//! database (the identity-token signing keys), so a database dump alone forges nothing.
//!
//! One key is current (it signs); earlier ones may still be accepted (they verify), which is
//! how the key is rotated without signing everyone's devices out at once: add the new key as
//! current, keep the old one as previous until what it signed has expired, then drop it.

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use hmac::{Hmac, Mac};
use ring::aead;
use sha2::Sha256;

type HmacSha256 = Hmac<Sha256>;

/// Key material: 32 bytes or more, never printed.
#[derive(Clone)]
struct KeyBytes(Vec<u8>);

/// The current key and the previous ones still accepted.
#[derive(Clone)]
pub struct ServerKey {
    current: KeyBytes,
    previous: Vec<KeyBytes>,
}

/// What a signature is for. Each purpose signs with its own key derived from the server key,
/// so a value signed for one use is never accepted for another.
#[derive(Debug, Clone, Copy)]
pub enum Purpose {
    KnownDevice,
    /// The `sid` claim of identity tokens: names a session without revealing its token.
    SessionClaim,
    /// Sealing an identity-token signing key for storage in the database.
    SigningKeySeal,
    /// Sealing an authenticator app's seed for storage in the database.
    TotpSeedSeal,
    /// Sealing a fresh batch of recovery codes until its user has read it.
    RecoveryCodesSeal,
}

impl Purpose {
    fn label(self) -> &'static [u8] {
        match self {
            Purpose::KnownDevice => b"latch known-device cookie v1",
            Purpose::SessionClaim => b"latch session claim v1",
            Purpose::SigningKeySeal => b"latch signing key seal v1",
            Purpose::TotpSeedSeal => b"latch totp seed seal v1",
            Purpose::RecoveryCodesSeal => b"latch recovery codes seal v1",
        }
    }
}

/// A sealed value could not be opened: it was sealed by a server key that is neither the
/// current one nor a previous one, or it was altered.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
#[error(
    "sealed with a server key that is not LATCH_SECRET_KEY nor in LATCH_PREVIOUS_SECRET_KEYS, or altered"
)]
pub struct SealBroken;

#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum KeyError {
    #[error(
        "expected at least 32 bytes of key in URL-safe base64 (`latch key generate` makes one)"
    )]
    Malformed,
}

/// The shortest key accepted, in bytes (256 bits).
const MIN_KEY_BYTES: usize = 32;

impl ServerKey {
    /// A fresh random key.
    pub fn generate() -> Result<Self, getrandom::Error> {
        let mut bytes = vec![0u8; MIN_KEY_BYTES];
        getrandom::fill(&mut bytes)?;
        Ok(Self {
            current: KeyBytes(bytes),
            previous: Vec::new(),
        })
    }

    /// Reads a key as written by [`ServerKey::to_text`] (URL-safe base64, padding optional,
    /// surrounding whitespace ignored), with earlier keys still accepted for verifying.
    pub fn from_text(current: &str, previous: &[&str]) -> Result<Self, KeyError> {
        Ok(Self {
            current: decode(current)?,
            previous: previous
                .iter()
                .map(|text| decode(text))
                .collect::<Result<_, _>>()?,
        })
    }

    /// The current key as text, to store in a file or a secret manager. Never log it.
    pub fn to_text(&self) -> String {
        URL_SAFE_NO_PAD.encode(&self.current.0)
    }

    /// The signature of `message` for `purpose`, with the current key: 32 bytes, URL-safe
    /// base64.
    pub fn sign(&self, purpose: Purpose, message: &[u8]) -> String {
        URL_SAFE_NO_PAD.encode(mac(&self.current, purpose, message).finalize().into_bytes())
    }

    /// Whether `signature` is what the current key, or a previous one, makes of `message`
    /// for `purpose` (compared in constant time).
    pub fn verify(&self, purpose: Purpose, message: &[u8], signature: &str) -> bool {
        let Ok(signature) = URL_SAFE_NO_PAD.decode(signature) else {
            return false;
        };
        std::iter::once(&self.current)
            .chain(&self.previous)
            .any(|key| mac(key, purpose, message).verify_slice(&signature).is_ok())
    }
}

impl ServerKey {
    /// `secret` encrypted and authenticated (ChaCha20-Poly1305 under the key derived for
    /// `purpose`, random nonce) with the current key, as URL-safe base64: `nonce ‖ ciphertext ‖
    /// tag`. What it seals can be stored where others may read it (the database).
    pub fn seal(&self, purpose: Purpose, secret: &[u8]) -> Result<String, getrandom::Error> {
        let mut nonce = [0u8; aead::NONCE_LEN];
        getrandom::fill(&mut nonce)?;
        let mut sealed = secret.to_vec();
        aead_key(&self.current, purpose)
            .seal_in_place_append_tag(
                aead::Nonce::assume_unique_for_key(nonce),
                aead::Aad::from(purpose.label()),
                &mut sealed,
            )
            .unwrap_or_else(|_| unreachable!("sealing fails only for gigabytes of input"));
        Ok(URL_SAFE_NO_PAD.encode([nonce.as_slice(), &sealed].concat()))
    }

    /// What [`ServerKey::seal`] sealed for `purpose`, by the current key or a previous one.
    pub fn open(&self, purpose: Purpose, sealed: &str) -> Result<Vec<u8>, SealBroken> {
        let bytes = URL_SAFE_NO_PAD.decode(sealed).map_err(|_| SealBroken)?;
        if bytes.len() < aead::NONCE_LEN + aead::CHACHA20_POLY1305.tag_len() {
            return Err(SealBroken);
        }
        let (nonce, ciphertext) = bytes.split_at(aead::NONCE_LEN);
        std::iter::once(&self.current)
            .chain(&self.previous)
            .find_map(|key| {
                let nonce = aead::Nonce::try_assume_unique_for_key(nonce).ok()?;
                let mut buffer = ciphertext.to_vec();
                let opened = aead_key(key, purpose)
                    .open_in_place(nonce, aead::Aad::from(purpose.label()), &mut buffer)
                    .ok()?;
                Some(opened.to_vec())
            })
            .ok_or(SealBroken)
    }
}

/// The ChaCha20-Poly1305 key derived from `key` for `purpose`.
fn aead_key(key: &KeyBytes, purpose: Purpose) -> aead::LessSafeKey {
    let derived = hmac(&key.0)
        .chain_update(b"seal:")
        .chain_update(purpose.label())
        .finalize()
        .into_bytes();
    let unbound = aead::UnboundKey::new(&aead::CHACHA20_POLY1305, &derived)
        .unwrap_or_else(|_| unreachable!("an HMAC-SHA256 output is a 32-byte key"));
    aead::LessSafeKey::new(unbound)
}

impl std::fmt::Debug for ServerKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "ServerKey(redacted, {} previous)", self.previous.len())
    }
}

fn decode(text: &str) -> Result<KeyBytes, KeyError> {
    let text = text.trim().trim_end_matches('=');
    let bytes = URL_SAFE_NO_PAD
        .decode(text)
        .map_err(|_| KeyError::Malformed)?;
    if bytes.len() < MIN_KEY_BYTES {
        return Err(KeyError::Malformed);
    }
    Ok(KeyBytes(bytes))
}

/// HMAC-SHA256 under the key derived for `purpose` (itself an HMAC of the purpose's label).
fn mac(key: &KeyBytes, purpose: Purpose, message: &[u8]) -> HmacSha256 {
    let derived = hmac(&key.0).chain_update(purpose.label()).finalize();
    hmac(&derived.into_bytes()).chain_update(message)
}

fn hmac(key: &[u8]) -> HmacSha256 {
    HmacSha256::new_from_slice(key)
        .unwrap_or_else(|_| unreachable!("HMAC takes keys of any length"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_signature_verifies_only_for_its_message_under_a_known_key() {
        let key = ServerKey::generate().unwrap();
        let signature = key.sign(Purpose::KnownDevice, b"ana");
        assert!(key.verify(Purpose::KnownDevice, b"ana", &signature));
        assert!(!key.verify(Purpose::KnownDevice, b"anb", &signature));
        assert!(!key.verify(Purpose::KnownDevice, b"ana", "not base64 !"));

        let other = ServerKey::generate().unwrap();
        assert!(!other.verify(Purpose::KnownDevice, b"ana", &signature));
    }

    #[test]
    fn a_rotated_key_still_accepts_what_the_previous_one_signed() {
        let old = ServerKey::generate().unwrap();
        let signature = old.sign(Purpose::KnownDevice, b"ana");
        let new = ServerKey::generate().unwrap();
        let rotated = ServerKey::from_text(&new.to_text(), &[&old.to_text()]).unwrap();
        assert!(rotated.verify(Purpose::KnownDevice, b"ana", &signature));
        // It signs with the new one.
        assert!(new.verify(
            Purpose::KnownDevice,
            b"ana",
            &rotated.sign(Purpose::KnownDevice, b"ana")
        ));
    }

    #[test]
    fn a_sealed_secret_opens_only_for_its_purpose_under_a_known_key() {
        let key = ServerKey::generate().unwrap();
        let sealed = key.seal(Purpose::SigningKeySeal, b"seed bytes").unwrap();
        assert!(!sealed.contains("seed"));
        assert_eq!(
            key.open(Purpose::SigningKeySeal, &sealed).unwrap(),
            b"seed bytes"
        );
        assert_eq!(key.open(Purpose::KnownDevice, &sealed), Err(SealBroken));
        let other = ServerKey::generate().unwrap();
        assert_eq!(
            other.open(Purpose::SigningKeySeal, &sealed),
            Err(SealBroken)
        );
        // Two seals of one secret differ (fresh nonce), and a flipped byte is refused.
        assert_ne!(
            key.seal(Purpose::SigningKeySeal, b"seed bytes").unwrap(),
            sealed
        );
        let mut altered = URL_SAFE_NO_PAD.decode(&sealed).unwrap();
        altered[20] ^= 1;
        let altered = URL_SAFE_NO_PAD.encode(altered);
        assert_eq!(key.open(Purpose::SigningKeySeal, &altered), Err(SealBroken));
        assert_eq!(key.open(Purpose::SigningKeySeal, "AAAA"), Err(SealBroken));
        // After a rotation the previous key still opens it.
        let rotated = ServerKey::from_text(&other.to_text(), &[&key.to_text()]).unwrap();
        assert_eq!(
            rotated.open(Purpose::SigningKeySeal, &sealed).unwrap(),
            b"seed bytes"
        );
    }

    #[test]
    fn short_or_garbled_keys_are_refused_and_keys_never_print() {
        assert_eq!(
            ServerKey::from_text("c2hvcnQ", &[]).unwrap_err(),
            KeyError::Malformed
        );
        assert_eq!(
            ServerKey::from_text(&"!".repeat(43), &[]).unwrap_err(),
            KeyError::Malformed
        );
        let key = ServerKey::generate().unwrap();
        let text = key.to_text();
        assert_eq!(text.len(), 43);
        assert!(!format!("{key:?}").contains(&text));
        assert!(ServerKey::from_text(&format!(" {text}=\n"), &[]).is_ok());
    }
}
