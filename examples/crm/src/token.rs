//! Checking `X-Latch-Token`: a compact JWS (EdDSA, Ed25519) Latch signs for every request it
//! lets through. The CRM believes the identity headers only when the token is signed by a key
//! in Latch's JWKS, was issued by this Latch for this CRM, has not expired, and names the same
//! user as `X-Latch-User-Id`. Done with the `jsonwebtoken` crate, not Latch's own code, so a
//! mistake in Latch's signing cannot be mirrored by the same mistake here.

use jsonwebtoken::jwk::{AlgorithmParameters, EllipticCurve, Jwk, JwkSet, KeyAlgorithm};
use jsonwebtoken::{Algorithm, DecodingKey, Validation, decode, decode_header};
use serde::Deserialize;

/// Seconds a token may be past its `exp` (clocks of two machines never agree exactly; Latch's
/// tokens live 60 s, so this stays small).
pub const LEEWAY_SECONDS: u64 = 5;

/// Who Latch says is signed in: the claims of a token that passed every check.
#[derive(Debug, Clone, Deserialize, PartialEq, Eq)]
pub struct Claims {
    pub sub: String,
    pub sid: String,
    pub company_id: String,
    pub company: String,
    pub role: String,
    pub name: String,
    pub email: String,
    pub username: String,
    pub iat: u64,
    pub exp: u64,
}

/// Why a token was refused (each is a 401 "Not signed in" to the user).
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum TokenError {
    #[error("the token is not a well-formed JWS")]
    Malformed,
    #[error("the token is not signed with EdDSA")]
    WrongAlgorithm,
    #[error("the token names no key")]
    NoKeyId,
    #[error("no key {0:?} in Latch's JWKS")]
    UnknownKey(String),
    #[error("the JWKS entry for the token's key is not an Ed25519 key")]
    NotAnEd25519Key,
    #[error("the signature does not match")]
    BadSignature,
    #[error("the token has expired")]
    Expired,
    #[error("the token was issued by someone else")]
    WrongIssuer,
    #[error("the token is meant for another application")]
    WrongAudience,
    #[error("the token's claims are incomplete: {0}")]
    BadClaims(String),
    #[error("the token is about another user than X-Latch-User-Id")]
    OtherUser,
}

/// What a token must say besides being well signed.
#[derive(Debug, Clone)]
pub struct Expectations {
    /// Latch's public URL without trailing slash (`iss`).
    pub issuer: String,
    /// This CRM's origin (`aud`).
    pub audience: String,
}

/// The key id the token's header names (to look it up in the JWKS, fetching again if unknown).
pub fn key_id(token: &str) -> Result<String, TokenError> {
    let header = decode_header(token).map_err(|_| TokenError::Malformed)?;
    if header.alg != Algorithm::EdDSA {
        return Err(TokenError::WrongAlgorithm);
    }
    header.kid.ok_or(TokenError::NoKeyId)
}

/// Checks `token` against `keys` and `expected`, and that it is about `user_id` (the
/// `X-Latch-User-Id` header the proxy passed along).
pub fn verify(
    token: &str,
    user_id: &str,
    keys: &JwkSet,
    expected: &Expectations,
) -> Result<Claims, TokenError> {
    let kid = key_id(token)?;
    let jwk = keys
        .find(&kid)
        .ok_or_else(|| TokenError::UnknownKey(kid.clone()))?;
    let key = ed25519_key(jwk)?;
    let mut validation = Validation::new(Algorithm::EdDSA);
    validation.leeway = LEEWAY_SECONDS;
    validation.set_issuer(&[&expected.issuer]);
    validation.set_audience(&[&expected.audience]);
    validation.set_required_spec_claims(&["exp", "iss", "aud", "sub"]);
    let data = decode::<Claims>(token, &key, &validation).map_err(refusal)?;
    if data.claims.sub != user_id {
        return Err(TokenError::OtherUser);
    }
    Ok(data.claims)
}

/// Only an OKP/Ed25519 key may check an EdDSA token: a JWKS entry of another kind is refused
/// rather than interpreted.
fn ed25519_key(jwk: &Jwk) -> Result<DecodingKey, TokenError> {
    let AlgorithmParameters::OctetKeyPair(params) = &jwk.algorithm else {
        return Err(TokenError::NotAnEd25519Key);
    };
    let declared_ok = jwk
        .common
        .key_algorithm
        .is_none_or(|alg| alg == KeyAlgorithm::EdDSA);
    if params.curve != EllipticCurve::Ed25519 || !declared_ok {
        return Err(TokenError::NotAnEd25519Key);
    }
    DecodingKey::from_jwk(jwk).map_err(|_| TokenError::NotAnEd25519Key)
}

fn refusal(err: jsonwebtoken::errors::Error) -> TokenError {
    use jsonwebtoken::errors::ErrorKind;
    match err.kind() {
        ErrorKind::InvalidSignature => TokenError::BadSignature,
        ErrorKind::ExpiredSignature => TokenError::Expired,
        ErrorKind::InvalidIssuer => TokenError::WrongIssuer,
        ErrorKind::InvalidAudience => TokenError::WrongAudience,
        ErrorKind::InvalidAlgorithm => TokenError::WrongAlgorithm,
        ErrorKind::MissingRequiredClaim(claim) => TokenError::BadClaims(claim.clone()),
        ErrorKind::Json(err) => TokenError::BadClaims(err.to_string()),
        _ => TokenError::Malformed,
    }
}

#[cfg(test)]
pub mod tests {
    use super::*;
    use base64::Engine;
    use base64::engine::general_purpose::URL_SAFE_NO_PAD;
    use jsonwebtoken::{EncodingKey, Header, encode};
    use ring::signature::{Ed25519KeyPair, KeyPair};
    use serde_json::{Value, json};
    use std::time::{SystemTime, UNIX_EPOCH};

    pub const ISSUER: &str = "http://127.0.0.1:3100";
    pub const AUDIENCE: &str = "http://127.0.0.1:8080";
    pub const USER: &str = "0b5c6f3e-2b8f-4a53-9f0e-3f7f3f0d8a11";

    /// A signing key like one of Latch's: its private half and its JWKS entry.
    pub struct TestKey {
        pub kid: String,
        pkcs8: Vec<u8>,
        pub public: Vec<u8>,
    }

    impl TestKey {
        pub fn new(kid: &str) -> Self {
            let rng = ring::rand::SystemRandom::new();
            let pkcs8 = Ed25519KeyPair::generate_pkcs8(&rng)
                .unwrap()
                .as_ref()
                .to_vec();
            let public = Ed25519KeyPair::from_pkcs8(&pkcs8)
                .unwrap()
                .public_key()
                .as_ref()
                .to_vec();
            Self {
                kid: kid.to_owned(),
                pkcs8,
                public,
            }
        }

        pub fn jwk(&self) -> Value {
            json!({"kty": "OKP", "crv": "Ed25519", "x": URL_SAFE_NO_PAD.encode(&self.public),
                   "kid": self.kid, "alg": "EdDSA", "use": "sig"})
        }

        pub fn sign(&self, claims: &Value) -> String {
            let mut header = Header::new(Algorithm::EdDSA);
            header.kid = Some(self.kid.clone());
            encode(&header, claims, &EncodingKey::from_ed_der(&self.pkcs8)).unwrap()
        }
    }

    pub fn jwks(keys: &[&TestKey]) -> JwkSet {
        let keys: Vec<Value> = keys.iter().map(|key| key.jwk()).collect();
        serde_json::from_value(json!({ "keys": keys })).unwrap()
    }

    pub fn now() -> u64 {
        SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .unwrap()
            .as_secs()
    }

    /// The claims Latch puts in a token issued `age` seconds ago.
    pub fn claims_issued(age: u64) -> Value {
        let iat = now() - age;
        json!({
            "iss": ISSUER, "aud": AUDIENCE, "sub": USER, "sid": "c2Vzc2lvbg",
            "company_id": "5d1f2a7e-9c3b-4e8f-a1d2-6b7c8d9e0f10", "company": "PT Maju Jaya",
            "role": "member", "name": "Ana Putri", "email": "ana@example.co.id",
            "username": "ana", "iat": iat, "exp": iat + 60, "jti": "bm9uY2U",
        })
    }

    fn expected() -> Expectations {
        Expectations {
            issuer: ISSUER.to_owned(),
            audience: AUDIENCE.to_owned(),
        }
    }

    #[test]
    fn a_fresh_token_signed_by_a_published_key_names_the_user() {
        let key = TestKey::new("k1");
        let token = key.sign(&claims_issued(0));

        let claims = verify(&token, USER, &jwks(&[&key]), &expected()).unwrap();

        assert_eq!(claims.name, "Ana Putri");
        assert_eq!(claims.company, "PT Maju Jaya");
        assert_eq!(claims.role, "member");
    }

    #[test]
    fn a_token_signed_by_a_retired_key_still_in_the_jwks_is_accepted() {
        let (current, retired) = (TestKey::new("new"), TestKey::new("old"));
        let token = retired.sign(&claims_issued(0));

        let claims = verify(&token, USER, &jwks(&[&current, &retired]), &expected());

        assert!(claims.is_ok(), "{claims:?}");
    }

    #[test]
    fn a_token_whose_claims_were_changed_after_signing_is_refused() {
        let key = TestKey::new("k1");
        let token = key.sign(&claims_issued(0));
        let mut forged = claims_issued(0);
        forged["role"] = json!("admin");
        let forged_payload = URL_SAFE_NO_PAD.encode(forged.to_string());
        let parts: Vec<&str> = token.split('.').collect();
        let forged_token = format!("{}.{forged_payload}.{}", parts[0], parts[2]);

        let refused = verify(&forged_token, USER, &jwks(&[&key]), &expected());

        assert_eq!(refused, Err(TokenError::BadSignature));
    }

    #[test]
    fn a_token_signed_by_another_key_under_a_published_kid_is_refused() {
        let published = TestKey::new("k1");
        let mut attacker = TestKey::new("k1");
        attacker.kid = published.kid.clone();
        let token = attacker.sign(&claims_issued(0));

        let refused = verify(&token, USER, &jwks(&[&published]), &expected());

        assert_eq!(refused, Err(TokenError::BadSignature));
    }

    #[test]
    fn a_token_naming_a_key_latch_does_not_publish_is_refused() {
        let published = TestKey::new("k1");
        let attacker = TestKey::new("attacker");
        let token = attacker.sign(&claims_issued(0));

        let refused = verify(&token, USER, &jwks(&[&published]), &expected());

        assert_eq!(refused, Err(TokenError::UnknownKey("attacker".to_owned())));
    }

    #[test]
    fn an_expired_token_is_refused_once_the_leeway_has_passed() {
        let key = TestKey::new("k1");
        let just_expired = key.sign(&claims_issued(60 + LEEWAY_SECONDS + 2));
        let within_leeway = key.sign(&claims_issued(61));

        let keys = jwks(&[&key]);
        assert_eq!(
            verify(&just_expired, USER, &keys, &expected()),
            Err(TokenError::Expired)
        );
        assert!(verify(&within_leeway, USER, &keys, &expected()).is_ok());
    }

    #[test]
    fn a_token_for_another_application_is_refused() {
        let key = TestKey::new("k1");
        let mut claims = claims_issued(0);
        claims["aud"] = json!("https://reports.example.com");
        let token = key.sign(&claims);

        let refused = verify(&token, USER, &jwks(&[&key]), &expected());

        assert_eq!(refused, Err(TokenError::WrongAudience));
    }

    #[test]
    fn a_token_from_another_issuer_is_refused() {
        let key = TestKey::new("k1");
        let mut claims = claims_issued(0);
        claims["iss"] = json!("https://login.evil.example");
        let token = key.sign(&claims);

        let refused = verify(&token, USER, &jwks(&[&key]), &expected());

        assert_eq!(refused, Err(TokenError::WrongIssuer));
    }

    #[test]
    fn a_token_about_another_user_than_the_header_is_refused() {
        let key = TestKey::new("k1");
        let token = key.sign(&claims_issued(0));
        let other = "9a1b2c3d-0000-4000-8000-000000000000";

        let refused = verify(&token, other, &jwks(&[&key]), &expected());

        assert_eq!(refused, Err(TokenError::OtherUser));
    }

    #[test]
    fn an_unsigned_or_hmac_token_is_refused_before_any_key_is_used() {
        let header =
            |alg: &str| URL_SAFE_NO_PAD.encode(json!({"alg": alg, "kid": "k1"}).to_string());
        let payload = URL_SAFE_NO_PAD.encode(claims_issued(0).to_string());
        let key = TestKey::new("k1");

        for alg in ["none", "HS256"] {
            let token = format!("{}.{payload}.", header(alg));
            let refused = verify(&token, USER, &jwks(&[&key]), &expected());
            assert!(
                matches!(
                    refused,
                    Err(TokenError::WrongAlgorithm | TokenError::Malformed)
                ),
                "{alg}: {refused:?}"
            );
        }
    }

    #[test]
    fn a_jwks_entry_that_is_not_an_ed25519_key_is_not_used() {
        let key = TestKey::new("k1");
        let token = key.sign(&claims_issued(0));
        let keys: JwkSet = serde_json::from_value(json!({"keys": [
            {"kty": "oct", "k": URL_SAFE_NO_PAD.encode(&key.public), "kid": "k1"}
        ]}))
        .unwrap();

        let refused = verify(&token, USER, &keys, &expected());

        assert_eq!(refused, Err(TokenError::NotAnEd25519Key));
    }

    #[test]
    fn garbage_is_malformed() {
        let key = TestKey::new("k1");
        for token in ["", "abc", "a.b.c", "....."] {
            let refused = verify(token, USER, &jwks(&[&key]), &expected());
            assert_eq!(refused, Err(TokenError::Malformed), "{token:?}");
        }
    }
}
