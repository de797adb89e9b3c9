//! A software WebAuthn authenticator: tests register a passkey and sign in with it without a
//! browser or a security key. It answers the server's options JSON the way a browser's
//! `navigator.credentials.create()` / `.get()` followed by `PublicKeyCredential.toJSON()` would,
//! with an ES256 (P-256) key, "none" attestation, AAGUID zero and the CTAP2 canonical CBOR that
//! `webauthn_rp` insists on.
//!
//! What it builds (WebAuthn Level 3):
//! - clientDataJSON: `{"type":…,"challenge":…,"origin":…,"crossOrigin":false}` in that order;
//! - authenticatorData: SHA-256(rp id) ‖ flags (UP|UV, plus AT on create) ‖ sign count (u32 BE)
//!   [‖ AAGUID ‖ credential id length (u16 BE) ‖ credential id ‖ COSE key, on create];
//! - attestationObject: `{"fmt":"none","attStmt":{},"authData":…}`;
//! - assertion signature: ECDSA (ASN.1 DER) over authenticatorData ‖ SHA-256(clientDataJSON).

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use ring::rand::{SecureRandom as _, SystemRandom};
use ring::signature::{ECDSA_P256_SHA256_ASN1_SIGNING, EcdsaKeyPair, KeyPair as _};
use serde_json::{Value, json};
use sha2::{Digest as _, Sha256};

// Flags: user present, user verified, attested credential data included.
const FLAG_UP: u8 = 0x01;
const FLAG_UV: u8 = 0x04;
const FLAG_AT: u8 = 0x40;
/// DER `SubjectPublicKeyInfo` of a P-256 key, up to the 65-byte uncompressed point.
const P256_SPKI_PREFIX: [u8; 26] = [
    0x30, 0x59, 0x30, 0x13, 0x06, 0x07, 0x2a, 0x86, 0x48, 0xce, 0x3d, 0x02, 0x01, 0x06, 0x08, 0x2a,
    0x86, 0x48, 0xce, 0x3d, 0x03, 0x01, 0x07, 0x03, 0x42, 0x00,
];
/// COSE algorithm ES256.
const ES256: i64 = -7;

/// A software authenticator (ES256, "none" attestation) for one relying party.
pub struct SoftPasskey {
    key: EcdsaKeyPair,
    rng: SystemRandom,
    credential_id: [u8; 32],
    rp_id: String,
    origin: String,
    sign_count: u32,
    /// The user handle (base64url) of the registration, sent back when the server asks for a
    /// discoverable credential (empty `allowCredentials`).
    user_handle: Option<String>,
}

impl SoftPasskey {
    /// `origin` e.g. "http://localhost:38211"; rp_id e.g. "localhost".
    pub fn new(rp_id: &str, origin: &str) -> Self {
        let rng = SystemRandom::new();
        let pkcs8 = EcdsaKeyPair::generate_pkcs8(&ECDSA_P256_SHA256_ASN1_SIGNING, &rng)
            .unwrap_or_else(|e| panic!("generating a P-256 key: {e}"));
        let key = EcdsaKeyPair::from_pkcs8(&ECDSA_P256_SHA256_ASN1_SIGNING, pkcs8.as_ref(), &rng)
            .unwrap_or_else(|e| panic!("loading the P-256 key: {e}"));
        let mut credential_id = [0; 32];
        rng.fill(&mut credential_id)
            .unwrap_or_else(|e| panic!("drawing a credential id: {e}"));
        Self {
            key,
            rng,
            credential_id,
            rp_id: rp_id.to_owned(),
            origin: origin.to_owned(),
            sign_count: 0,
            user_handle: None,
        }
    }

    /// The credential id, base64url without padding (as in `allowCredentials` and the answers).
    pub fn credential_id_b64(&self) -> String {
        URL_SAFE_NO_PAD.encode(self.credential_id)
    }

    /// Like navigator.credentials.create(): takes the creation options JSON exactly as the server
    /// sends it (`PublicKeyCredentialCreationOptionsJSON`, optionally wrapped in `{"publicKey":…}`)
    /// and returns the `RegistrationResponseJSON` a browser's `PublicKeyCredential.toJSON()` gives.
    pub fn register(&mut self, creation_options_json: &str) -> String {
        let options = parse_options(creation_options_json);
        let rp_id = options["rp"]["id"].as_str().unwrap_or(&self.rp_id);
        assert_eq!(
            rp_id, self.rp_id,
            "the options are for another relying party"
        );
        let algorithms = options["pubKeyCredParams"]
            .as_array()
            .cloned()
            .unwrap_or_default();
        assert!(
            algorithms.iter().any(|p| p["alg"].as_i64() == Some(ES256)),
            "the server does not accept ES256: {algorithms:?}"
        );
        let own_id = self.credential_id_b64();
        let excluded = options["excludeCredentials"]
            .as_array()
            .cloned()
            .unwrap_or_default();
        assert!(
            !excluded
                .iter()
                .any(|c| c["id"].as_str() == Some(own_id.as_str())),
            "this passkey is already registered (it is in excludeCredentials)"
        );
        self.user_handle = options["user"]["id"].as_str().map(str::to_owned);

        let client_data = client_data_json("webauthn.create", challenge(&options), &self.origin);
        let point = self.key.public_key().as_ref(); // 0x04 ‖ x ‖ y
        let mut cose_key = vec![0xa5, 0x01, 0x02, 0x03, 0x26, 0x20, 0x01, 0x21, 0x58, 0x20];
        cose_key.extend_from_slice(&point[1..33]);
        cose_key.extend_from_slice(&[0x22, 0x58, 0x20]);
        cose_key.extend_from_slice(&point[33..65]);

        let mut auth_data = self.authenticator_data(FLAG_UP | FLAG_UV | FLAG_AT);
        auth_data.extend_from_slice(&[0; 16]); // AAGUID
        auth_data.extend_from_slice(&[0, 32]); // credential id length
        auth_data.extend_from_slice(&self.credential_id);
        auth_data.extend_from_slice(&cose_key);

        let mut attestation_object = vec![0xa3];
        cbor_text(&mut attestation_object, "fmt");
        cbor_text(&mut attestation_object, "none");
        cbor_text(&mut attestation_object, "attStmt");
        attestation_object.push(0xa0);
        cbor_text(&mut attestation_object, "authData");
        cbor_head(&mut attestation_object, 0x40, auth_data.len());
        attestation_object.extend_from_slice(&auth_data);

        let public_key = [P256_SPKI_PREFIX.as_slice(), point].concat();
        // Sending credProps unasked is an error for webauthn_rp; so is omitting it when required.
        let extensions = if options["extensions"]["credProps"].as_bool() == Some(true) {
            let resident_key = options["authenticatorSelection"]["residentKey"].as_str();
            json!({ "credProps": { "rk": resident_key.is_some_and(|rk| rk != "discouraged") } })
        } else {
            json!({})
        };
        json!({
            "id": own_id,
            "rawId": own_id,
            "response": {
                "clientDataJSON": URL_SAFE_NO_PAD.encode(client_data),
                "attestationObject": URL_SAFE_NO_PAD.encode(&attestation_object),
                "transports": ["internal"],
                "publicKeyAlgorithm": ES256,
                "publicKey": URL_SAFE_NO_PAD.encode(public_key),
                "authenticatorData": URL_SAFE_NO_PAD.encode(&auth_data),
            },
            "authenticatorAttachment": "platform",
            "clientExtensionResults": extensions,
            "type": "public-key",
        })
        .to_string()
    }

    /// Like navigator.credentials.get(): takes the request options JSON (challenge, rpId,
    /// allowCredentials…) and returns the `AuthenticationResponseJSON` signed by this key.
    /// Increments the sign counter.
    pub fn sign_in(&mut self, request_options_json: &str) -> String {
        let origin = self.origin.clone();
        self.sign_in_from_origin(request_options_json, &origin)
    }

    /// Same, but with clientDataJSON's origin replaced (to test a phishing origin is refused).
    pub fn sign_in_from_origin(&mut self, request_options_json: &str, origin: &str) -> String {
        let options = parse_options(request_options_json);
        let rp_id = options["rpId"].as_str().unwrap_or(&self.rp_id);
        assert_eq!(
            rp_id, self.rp_id,
            "the options are for another relying party"
        );
        let own_id = self.credential_id_b64();
        // A browser would not offer a passkey outside `allowCredentials`; an attacker's client
        // signs anyway, so this one does too: refusing it is the server's job.
        let allowed = options["allowCredentials"]
            .as_array()
            .cloned()
            .unwrap_or_default();

        self.sign_count += 1;
        let client_data = client_data_json("webauthn.get", challenge(&options), origin);
        let auth_data = self.authenticator_data(FLAG_UP | FLAG_UV);
        let signed = [
            auth_data.as_slice(),
            Sha256::digest(&client_data).as_slice(),
        ]
        .concat();
        let signature = self
            .key
            .sign(&self.rng, &signed)
            .unwrap_or_else(|e| panic!("signing the assertion: {e}"));

        let mut response = json!({
            "clientDataJSON": URL_SAFE_NO_PAD.encode(&client_data),
            "authenticatorData": URL_SAFE_NO_PAD.encode(&auth_data),
            "signature": URL_SAFE_NO_PAD.encode(signature.as_ref()),
        });
        // A discoverable request gets the user handle; a second-factor one does not need it.
        if let (true, Some(user_handle)) = (allowed.is_empty(), &self.user_handle) {
            response["userHandle"] = json!(user_handle);
        }
        json!({
            "id": own_id,
            "rawId": own_id,
            "response": response,
            "authenticatorAttachment": "platform",
            "clientExtensionResults": {},
            "type": "public-key",
        })
        .to_string()
    }

    /// SHA-256(rp id) ‖ flags ‖ sign count.
    fn authenticator_data(&self, flags: u8) -> Vec<u8> {
        let mut data = Sha256::digest(self.rp_id.as_bytes()).to_vec();
        data.push(flags);
        data.extend_from_slice(&self.sign_count.to_be_bytes());
        data
    }
}

/// The options object, whether the server sent it bare or as `{"publicKey": …}`.
fn parse_options(json: &str) -> Value {
    let mut value: Value =
        serde_json::from_str(json).unwrap_or_else(|e| panic!("options are not JSON: {e}: {json}"));
    match value.get_mut("publicKey") {
        Some(inner) => inner.take(),
        None => value,
    }
}

fn challenge(options: &Value) -> &str {
    options["challenge"]
        .as_str()
        .unwrap_or_else(|| panic!("options without a challenge: {options}"))
}

/// The JSON-compatible serialisation of CollectedClientData (fixed key order).
fn client_data_json(kind: &str, challenge: &str, origin: &str) -> Vec<u8> {
    format!(
        r#"{{"type":"{kind}","challenge":{},"origin":{},"crossOrigin":false}}"#,
        Value::from(challenge),
        Value::from(origin),
    )
    .into_bytes()
}

/// A CBOR head (major type in the top 3 bits of `major`) with the shortest length encoding.
fn cbor_head(out: &mut Vec<u8>, major: u8, len: usize) {
    match u8::try_from(len) {
        Ok(small) if small < 24 => out.push(major | small),
        Ok(byte) => out.extend_from_slice(&[major | 24, byte]),
        Err(_) => {
            let two = u16::try_from(len).unwrap_or_else(|e| panic!("CBOR item too long: {e}"));
            out.push(major | 25);
            out.extend_from_slice(&two.to_be_bytes());
        }
    }
}

fn cbor_text(out: &mut Vec<u8>, text: &str) {
    cbor_head(out, 0x60, text.len());
    out.extend_from_slice(text.as_bytes());
}
