//! The known-device cookie (what OWASP calls device cookies): a browser that has signed in to
//! an account before carries a note, signed with the server key, saying so. Its login attempts
//! for that account are judged by the device's own failure counter, not by the account-wide
//! one that any stranger who knows the username can fill: strangers can block an account for
//! new devices, never for its owner's.
//!
//! One cookie holds the notes of the last few accounts signed in on that browser (a shared
//! office computer), each `user.device.issued.signature`, joined by `~`.

use chrono::{DateTime, Duration, Utc};
use uuid::Uuid;

use crate::server_key::{Purpose, ServerKey};

/// Accounts one browser is remembered for; the oldest note makes way for a new one.
const MAX_ACCOUNTS: usize = 5;
const SEPARATOR: char = '~';

/// One browser, as remembered for one account: its own failure counter is keyed by this.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DeviceId(Uuid);

impl DeviceId {
    pub fn as_uuid(&self) -> Uuid {
        self.0
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
struct Note {
    user_id: Uuid,
    device: DeviceId,
    issued_at: i64,
}

impl Note {
    fn signed_text(&self) -> String {
        format!(
            "{}.{}.{}",
            self.user_id.simple(),
            self.device.0.simple(),
            self.issued_at
        )
    }

    fn encode(&self, key: &ServerKey) -> String {
        let text = self.signed_text();
        let signature = key.sign(Purpose::KnownDevice, text.as_bytes());
        format!("{text}.{signature}")
    }

    /// A note that is well formed, signed by a key we accept and not older than `lifetime`.
    fn decode(
        encoded: &str,
        key: &ServerKey,
        now: DateTime<Utc>,
        lifetime: Duration,
    ) -> Option<Self> {
        let (text, signature) = encoded.rsplit_once('.')?;
        let mut parts = text.split('.');
        let note = Note {
            user_id: Uuid::try_parse(parts.next()?).ok()?,
            device: DeviceId(Uuid::try_parse(parts.next()?).ok()?),
            issued_at: parts.next()?.parse().ok()?,
        };
        let issued = DateTime::from_timestamp(note.issued_at, 0)?;
        let fresh = issued <= now && now - issued <= lifetime;
        let genuine = parts.next().is_none()
            && note.signed_text() == text
            && key.verify(Purpose::KnownDevice, text.as_bytes(), signature);
        (fresh && genuine).then_some(note)
    }
}

/// The genuine, unexpired notes in a cookie value, newest first as stored.
fn notes(
    cookie: Option<&str>,
    key: &ServerKey,
    now: DateTime<Utc>,
    lifetime: Duration,
) -> Vec<Note> {
    cookie
        .unwrap_or_default()
        .split(SEPARATOR)
        .take(MAX_ACCOUNTS)
        .filter_map(|encoded| Note::decode(encoded, key, now, lifetime))
        .collect()
}

/// The device this cookie says has signed in to `user_id` before, if the note is genuine
/// and not older than `lifetime`.
pub fn recognise(
    cookie: Option<&str>,
    user_id: Uuid,
    key: &ServerKey,
    now: DateTime<Utc>,
    lifetime: Duration,
) -> Option<DeviceId> {
    notes(cookie, key, now, lifetime)
        .into_iter()
        .find(|note| note.user_id == user_id)
        .map(|note| note.device)
}

/// The cookie value after a successful login to `user_id`: this account's note renewed
/// (same device, so its counter carries on) or added, first; other accounts' genuine notes
/// kept, as many as fit.
pub fn remember(
    cookie: Option<&str>,
    user_id: Uuid,
    key: &ServerKey,
    now: DateTime<Utc>,
    lifetime: Duration,
) -> String {
    let known = notes(cookie, key, now, lifetime);
    let device = known
        .iter()
        .find(|note| note.user_id == user_id)
        .map_or_else(|| DeviceId(Uuid::new_v4()), |note| note.device);
    let renewed = Note {
        user_id,
        device,
        issued_at: now.timestamp(),
    };
    std::iter::once(renewed)
        .chain(known.into_iter().filter(|note| note.user_id != user_id))
        .take(MAX_ACCOUNTS)
        .map(|note| note.encode(key))
        .collect::<Vec<_>>()
        .join(&SEPARATOR.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    const YEAR: Duration = Duration::days(365);

    #[test]
    fn a_browser_is_recognised_for_the_accounts_it_signed_in_to_and_keeps_its_device() {
        let key = ServerKey::generate().unwrap();
        let (ana, budi) = (Uuid::new_v4(), Uuid::new_v4());
        let now = Utc::now();

        let cookie = remember(None, ana, &key, now, YEAR);
        let device = recognise(Some(&cookie), ana, &key, now, YEAR).unwrap();
        assert_eq!(recognise(Some(&cookie), budi, &key, now, YEAR), None);

        let both = remember(Some(&cookie), budi, &key, now, YEAR);
        assert!(recognise(Some(&both), budi, &key, now, YEAR).is_some());
        let tomorrow = now + Duration::days(1);
        let again = remember(Some(&both), ana, &key, tomorrow, YEAR);
        assert_eq!(
            recognise(Some(&again), ana, &key, tomorrow, YEAR),
            Some(device),
            "renewing keeps the device (and so its counter)"
        );
        assert!(recognise(Some(&again), budi, &key, tomorrow, YEAR).is_some());
    }

    #[test]
    fn forged_tampered_foreign_or_expired_notes_are_not_recognised() {
        let key = ServerKey::generate().unwrap();
        let ana = Uuid::new_v4();
        let now = Utc::now();
        let cookie = remember(None, ana, &key, now, YEAR);

        let other_key = ServerKey::generate().unwrap();
        assert_eq!(recognise(Some(&cookie), ana, &other_key, now, YEAR), None);
        let later = now + YEAR + Duration::seconds(1);
        assert_eq!(recognise(Some(&cookie), ana, &key, later, YEAR), None);

        // Another user's id in a copied note breaks its signature.
        let budi = Uuid::new_v4();
        let swapped = cookie.replacen(&ana.simple().to_string(), &budi.simple().to_string(), 1);
        assert_eq!(recognise(Some(&swapped), budi, &key, now, YEAR), None);
        for junk in ["", "~~~", "a.b.c.d", &format!("{cookie}.x")] {
            assert_eq!(recognise(Some(junk), ana, &key, now, YEAR), None, "{junk}");
        }
    }

    #[test]
    fn a_shared_browser_remembers_the_last_few_accounts() {
        let key = ServerKey::generate().unwrap();
        let now = Utc::now();
        let users: Vec<Uuid> = (0..=MAX_ACCOUNTS).map(|_| Uuid::new_v4()).collect();
        let cookie = users.iter().fold(String::new(), |cookie, user| {
            remember(Some(&cookie), *user, &key, now, YEAR)
        });
        assert_eq!(recognise(Some(&cookie), users[0], &key, now, YEAR), None);
        for user in &users[1..] {
            assert!(recognise(Some(&cookie), *user, &key, now, YEAR).is_some());
        }
    }
}
