//! The few lines of JWS (RFC 7515 compact serialisation) Latch needs: sign one fixed header
//! and a payload with Ed25519, and describe the public key as a JWK (RFC 8037).

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use ring::signature::{Ed25519KeyPair, KeyPair};
use serde::Serialize;
use sha2::{Digest, Sha256};

/// An Ed25519 key pair with its key id, ready to sign.
pub(super) struct Signer {
    pair: Ed25519KeyPair,
    /// `base64url(header)` — the same for every token of this key.
    encoded_header: String,
}

/// A public key as published in the JWKS.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct Jwk {
    pub kty: &'static str,
    pub crv: &'static str,
    pub x: String,
    pub kid: String,
    pub alg: &'static str,
    #[serde(rename = "use")]
    pub use_: &'static str,
}

impl Jwk {
    pub(super) fn ed25519(public_key: &str) -> Self {
        Self {
            kty: "OKP",
            crv: "Ed25519",
            x: public_key.to_owned(),
            kid: thumbprint(public_key),
            alg: "EdDSA",
            use_: "sig",
        }
    }
}

/// The RFC 7638 thumbprint of an Ed25519 public key (URL-safe base64 of its 32 raw bytes):
/// the key's id, the same wherever it is computed.
pub(super) fn thumbprint(public_key: &str) -> String {
    // Members in lexicographic order, no whitespace, as RFC 7638 requires.
    let canonical = format!(r#"{{"crv":"Ed25519","kty":"OKP","x":"{public_key}"}}"#);
    URL_SAFE_NO_PAD.encode(Sha256::digest(canonical.as_bytes()))
}

impl Signer {
    /// The key pair of a 32-byte seed.
    pub(super) fn from_seed(seed: &[u8]) -> Option<Self> {
        let pair = Ed25519KeyPair::from_seed_unchecked(seed).ok()?;
        let kid = thumbprint(&URL_SAFE_NO_PAD.encode(pair.public_key().as_ref()));
        let header = format!(r#"{{"alg":"EdDSA","typ":"JWT","kid":"{kid}"}}"#);
        Some(Self {
            pair,
            encoded_header: URL_SAFE_NO_PAD.encode(header),
        })
    }

    /// The public key, URL-safe base64 (a JWK's `x`).
    pub(super) fn public_key(&self) -> String {
        URL_SAFE_NO_PAD.encode(self.pair.public_key().as_ref())
    }

    /// `header.payload.signature`, each part URL-safe base64 without padding.
    pub(super) fn sign(&self, payload: &[u8]) -> String {
        let signing_input = format!(
            "{}.{}",
            self.encoded_header,
            URL_SAFE_NO_PAD.encode(payload)
        );
        let signature = self.pair.sign(signing_input.as_bytes());
        format!(
            "{signing_input}.{}",
            URL_SAFE_NO_PAD.encode(signature.as_ref())
        )
    }
}
