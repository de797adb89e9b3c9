//! `POST /webhooks`: Latch tells the CRM what happened (a user deactivated, a company renamed...).
//! A delivery counts only when `Latch-Signature` (`t=<unix>,v1=<hex HMAC-SHA256(secret,
//! "<t>.<body>")>`) is right and recent, so nobody else can make the CRM believe an event, nor
//! replay an old delivery later. Deliveries are at least once: an event seen before is
//! acknowledged again and kept once.

use std::sync::Mutex;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};

use hmac::{Hmac, Mac};
use secrecy::{ExposeSecret, SecretString};
use serde::{Deserialize, Serialize};
use sha2::Sha256;

/// How far a delivery's timestamp may be from the CRM's clock (either way).
pub const TOLERANCE_SECONDS: i64 = 300;

/// Why a delivery was refused.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum SignatureError {
    #[error("no Latch-Signature header")]
    Missing,
    #[error("Latch-Signature is not t=<unix>,v1=<hex>")]
    Malformed,
    #[error("the signature's timestamp is more than five minutes away")]
    Stale,
    #[error("no v1 signature matches")]
    Mismatch,
}

/// Checks `header` (the `Latch-Signature` value) for `body` with `secret` at unix time `now`.
/// Several `v1` may be present (Latch signing with an old and a new secret): one matching is
/// enough.
pub fn verify_signature(
    secret: &SecretString,
    header: Option<&str>,
    body: &[u8],
    now: i64,
) -> Result<(), SignatureError> {
    let header = header.ok_or(SignatureError::Missing)?;
    let mut timestamp = None;
    let mut signatures = Vec::new();
    for part in header.split(',') {
        let (key, value) = part
            .trim()
            .split_once('=')
            .ok_or(SignatureError::Malformed)?;
        match key {
            "t" if timestamp.is_none() => {
                timestamp = Some(
                    value
                        .parse::<i64>()
                        .map_err(|_| SignatureError::Malformed)?,
                );
            }
            "t" => return Err(SignatureError::Malformed),
            "v1" => signatures.push(hex::decode(value).map_err(|_| SignatureError::Malformed)?),
            // Later schemes (v2...) are ignored, as Stripe's verifiers do.
            _ => {}
        }
    }
    let timestamp = timestamp.ok_or(SignatureError::Malformed)?;
    if signatures.is_empty() {
        return Err(SignatureError::Malformed);
    }
    if (now - timestamp).abs() > TOLERANCE_SECONDS {
        return Err(SignatureError::Stale);
    }
    let matches = signatures.iter().any(|signature| {
        let mut mac = mac(secret);
        mac.update(timestamp.to_string().as_bytes());
        mac.update(b".");
        mac.update(body);
        // `verify_slice` compares in constant time.
        mac.verify_slice(signature).is_ok()
    });
    if matches {
        Ok(())
    } else {
        Err(SignatureError::Mismatch)
    }
}

fn mac(secret: &SecretString) -> Hmac<Sha256> {
    // HMAC takes a key of any length; this never fails.
    <Hmac<Sha256> as Mac>::new_from_slice(secret.expose_secret().as_bytes())
        .unwrap_or_else(|_| unreachable!("HMAC accepts any key length"))
}

/// One event as Latch sends it.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct Event {
    pub id: String,
    #[serde(rename = "type")]
    pub kind: String,
    pub created_at: String,
    pub data: serde_json::Value,
}

/// The events received so far (for `GET /webhooks/received`), and the outage switch with the
/// number of deliveries it turned away.
#[derive(Default)]
pub struct Inbox {
    events: Mutex<Vec<Event>>,
    down: AtomicBool,
    refused_while_down: AtomicUsize,
}

impl Inbox {
    /// Keeps `event` unless it was received before; says whether it is new.
    pub fn receive(&self, event: Event) -> bool {
        let mut events = self
            .events
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        if events.iter().any(|seen| seen.id == event.id) {
            return false;
        }
        events.push(event);
        true
    }

    pub fn events(&self) -> Vec<Event> {
        self.events
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
            .clone()
    }

    /// Whether a delivery arriving now is turned away (and counted).
    pub fn turns_away(&self) -> bool {
        let down = self.down.load(Ordering::SeqCst);
        if down {
            self.refused_while_down.fetch_add(1, Ordering::SeqCst);
        }
        down
    }

    pub fn refused_while_down(&self) -> usize {
        self.refused_while_down.load(Ordering::SeqCst)
    }

    pub fn set_down(&self, down: bool) {
        self.down.store(down, Ordering::SeqCst);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const NOW: i64 = 1_780_000_000;
    const BODY: &[u8] =
        br#"{"id":"e1","type":"user.deactivated","created_at":"2026-06-01T00:00:00Z","data":{}}"#;

    fn secret() -> SecretString {
        SecretString::from("whsec_test_secret_not_a_real_one")
    }

    fn sign(secret: &str, t: i64, body: &[u8]) -> String {
        let mut mac = <Hmac<Sha256> as Mac>::new_from_slice(secret.as_bytes()).unwrap();
        mac.update(format!("{t}.").as_bytes());
        mac.update(body);
        hex::encode(mac.finalize().into_bytes())
    }

    #[test]
    fn a_delivery_signed_with_the_shared_secret_is_accepted() {
        let header = format!(
            "t={NOW},v1={}",
            sign("whsec_test_secret_not_a_real_one", NOW, BODY)
        );

        assert_eq!(
            verify_signature(&secret(), Some(&header), BODY, NOW + 10),
            Ok(())
        );
    }

    #[test]
    fn a_delivery_signed_with_another_secret_is_refused() {
        let header = format!("t={NOW},v1={}", sign("an attacker's guess", NOW, BODY));

        assert_eq!(
            verify_signature(&secret(), Some(&header), BODY, NOW),
            Err(SignatureError::Mismatch)
        );
    }

    #[test]
    fn a_body_changed_after_signing_is_refused() {
        let header = format!(
            "t={NOW},v1={}",
            sign("whsec_test_secret_not_a_real_one", NOW, BODY)
        );
        let changed = BODY
            .to_vec()
            .into_iter()
            .map(|b| if b == b'1' { b'2' } else { b })
            .collect::<Vec<_>>();

        assert_eq!(
            verify_signature(&secret(), Some(&header), &changed, NOW),
            Err(SignatureError::Mismatch)
        );
    }

    #[test]
    fn a_signature_moved_to_another_timestamp_is_refused() {
        let signature = sign("whsec_test_secret_not_a_real_one", NOW, BODY);
        let header = format!("t={},v1={signature}", NOW + 60);

        assert_eq!(
            verify_signature(&secret(), Some(&header), BODY, NOW + 60),
            Err(SignatureError::Mismatch)
        );
    }

    #[test]
    fn a_replay_after_five_minutes_is_refused() {
        let header = format!(
            "t={NOW},v1={}",
            sign("whsec_test_secret_not_a_real_one", NOW, BODY)
        );

        assert_eq!(
            verify_signature(&secret(), Some(&header), BODY, NOW + TOLERANCE_SECONDS + 1),
            Err(SignatureError::Stale)
        );
        assert_eq!(
            verify_signature(&secret(), Some(&header), BODY, NOW - TOLERANCE_SECONDS - 1),
            Err(SignatureError::Stale)
        );
        assert_eq!(
            verify_signature(&secret(), Some(&header), BODY, NOW + TOLERANCE_SECONDS),
            Ok(())
        );
    }

    #[test]
    fn one_matching_signature_among_several_is_enough() {
        let good = sign("whsec_test_secret_not_a_real_one", NOW, BODY);
        let old = sign("the previous secret", NOW, BODY);
        let header = format!("t={NOW},v1={old},v1={good}");

        assert_eq!(
            verify_signature(&secret(), Some(&header), BODY, NOW),
            Ok(())
        );
    }

    #[test]
    fn a_missing_or_malformed_header_is_refused() {
        let good = sign("whsec_test_secret_not_a_real_one", NOW, BODY);
        assert_eq!(
            verify_signature(&secret(), None, BODY, NOW),
            Err(SignatureError::Missing)
        );
        for header in [
            "".to_owned(),
            format!("v1={good}"),
            format!("t={NOW}"),
            format!("t=soon,v1={good}"),
            format!("t={NOW},v1=not-hex"),
            format!("t={NOW},t={NOW},v1={good}"),
        ] {
            assert_eq!(
                verify_signature(&secret(), Some(&header), BODY, NOW),
                Err(SignatureError::Malformed),
                "{header:?}"
            );
        }
    }

    #[test]
    fn an_event_delivered_twice_is_kept_once() {
        let inbox = Inbox::default();
        let event: Event = serde_json::from_slice(BODY).unwrap();

        assert!(inbox.receive(event.clone()));
        assert!(!inbox.receive(event));
        assert_eq!(inbox.events().len(), 1);
    }
}
