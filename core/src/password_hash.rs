//! argon2id password hashing with OWASP's parameters (19 MiB, 2 passes, 1 lane), run on
//! blocking threads behind a semaphore so a flood of logins queues briefly and is then turned
//! away, instead of exhausting memory (each hash holds 19 MiB).

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use anyhow::Context;
use argon2::password_hash::{PasswordHasher, PasswordVerifier, SaltString, rand_core::OsRng};
use argon2::{Algorithm, Argon2, Params, Version};
use latch_domain::{CandidatePassword, NewPassword};
use tokio::sync::Semaphore;

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

/// OWASP Password Storage Cheat Sheet, argon2id: m = 19 MiB, t = 2, p = 1.
const MEMORY_KIB: u32 = 19 * 1024;
const PASSES: u32 = 2;
const LANES: u32 = 1;

pub fn argon2() -> Argon2<'static> {
    let params = Params::new(MEMORY_KIB, PASSES, LANES, None).unwrap_or_default();
    Argon2::new(Algorithm::Argon2id, Version::V0x13, params)
}

/// Hashes with a fresh random salt. CPU-heavy: only call it on a blocking thread
/// (use [`Hasher`] from async code).
pub fn hash(password: &str) -> anyhow::Result<PasswordHash> {
    let salt = SaltString::generate(&mut OsRng);
    let phc = argon2()
        .hash_password(password.as_bytes(), &salt)
        .map_err(|err| anyhow::anyhow!("hashing a password: {err}"))?;
    Ok(PasswordHash(phc.to_string()))
}

/// True when `phc` was made with other parameters than today's (e.g. an older, weaker
/// configuration), so a successful login should store a fresh hash.
pub fn needs_rehash(phc: &argon2::PasswordHash<'_>) -> bool {
    let current = (
        Algorithm::Argon2id.ident(),
        Some(0x13),
        MEMORY_KIB,
        PASSES,
        LANES,
    );
    let param = |name: &str| phc.params.get_decimal(name).unwrap_or(0);
    (
        phc.algorithm,
        phc.version,
        param("m"),
        param("t"),
        param("p"),
    ) != current
}

/// The hashing service: bounded concurrency and a bounded wait.
#[derive(Clone)]
pub struct Hasher {
    permits: Arc<Semaphore>,
    max_wait: Duration,
    /// Verified against when the user is unknown, so unknown and known users cost the same.
    dummy_hash: Arc<str>,
    /// Callers waiting for a slot right now (for `/metrics`).
    waiting: Arc<AtomicUsize>,
    concurrency: usize,
}

/// How busy the hasher is at one instant.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct HasherLoad {
    /// Waiting for a slot.
    pub waiting: usize,
    /// Holding a slot (hashing).
    pub running: usize,
}

/// The hasher was saturated for longer than its wait bound: answer 503 and ask to retry.
#[derive(Debug, thiserror::Error)]
pub enum HashError {
    #[error("the server is busy hashing passwords")]
    Busy,
    #[error(transparent)]
    Unexpected(#[from] anyhow::Error),
}

/// The outcome of checking a password.
#[derive(Debug)]
pub struct Verification {
    pub matched: bool,
    /// Set when the password matched a hash with outdated parameters: store this instead.
    pub upgraded: Option<PasswordHash>,
}

impl Hasher {
    /// `concurrency` hashes at once (the number of cores); callers wait at most `max_wait` for
    /// a turn.
    pub fn new(concurrency: usize, max_wait: Duration) -> anyhow::Result<Self> {
        let mut random = [0u8; 32];
        getrandom::fill(&mut random).context("seeding the dummy password")?;
        let dummy = hash(&format!("{random:?}"))?;
        Ok(Self {
            permits: Arc::new(Semaphore::new(concurrency.max(1))),
            max_wait,
            dummy_hash: dummy.0.into(),
            waiting: Arc::default(),
            concurrency: concurrency.max(1),
        })
    }

    pub fn load(&self) -> HasherLoad {
        HasherLoad {
            waiting: self.waiting.load(Ordering::Relaxed),
            running: self.concurrency - self.permits.available_permits(),
        }
    }

    /// Checks `password` against `stored` (None or unreadable: against the dummy hash, and
    /// never a match).
    pub async fn verify(
        &self,
        password: &CandidatePassword,
        stored: Option<&str>,
    ) -> Result<Verification, HashError> {
        let password = password.clone();
        let stored = stored.map(str::to_owned);
        let dummy = self.dummy_hash.clone();
        self.run(move || {
            let real = stored
                .as_deref()
                .and_then(|phc| argon2::PasswordHash::new(phc).ok());
            let Some(phc) = real else {
                if let Ok(dummy) = argon2::PasswordHash::new(&dummy) {
                    let _ = argon2().verify_password(password.expose().as_bytes(), &dummy);
                }
                return Ok(Verification {
                    matched: false,
                    upgraded: None,
                });
            };
            // Verify with the parameters stored in the hash, whatever they are.
            let matched = Argon2::default()
                .verify_password(password.expose().as_bytes(), &phc)
                .is_ok();
            let upgraded = if matched && needs_rehash(&phc) {
                Some(hash(password.expose())?)
            } else {
                None
            };
            Ok(Verification { matched, upgraded })
        })
        .await
    }

    pub async fn hash(&self, password: NewPassword) -> Result<PasswordHash, HashError> {
        self.run(move || hash(password.expose())).await
    }

    async fn run<T: Send + 'static>(
        &self,
        work: impl FnOnce() -> anyhow::Result<T> + Send + 'static,
    ) -> Result<T, HashError> {
        let permit = {
            let _counted = Waiting::count(&self.waiting);
            tokio::time::timeout(self.max_wait, self.permits.clone().acquire_owned()).await
        };
        let permit = permit
            .map_err(|_| HashError::Busy)?
            .map_err(|_| HashError::Busy)?;
        let result = tokio::task::spawn_blocking(move || {
            let result = work();
            drop(permit);
            result
        })
        .await
        .context("joining a hashing thread")?;
        Ok(result?)
    }
}

/// Counts one waiting caller for as long as it lives, also when the caller gives up (its
/// request was dropped) mid-wait.
struct Waiting<'a>(&'a AtomicUsize);

impl<'a> Waiting<'a> {
    fn count(waiting: &'a AtomicUsize) -> Self {
        waiting.fetch_add(1, Ordering::Relaxed);
        Self(waiting)
    }
}

impl Drop for Waiting<'_> {
    fn drop(&mut self) {
        self.0.fetch_sub(1, Ordering::Relaxed);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn candidate(text: &str) -> CandidatePassword {
        CandidatePassword::parse(text).unwrap()
    }

    #[test]
    fn hashes_are_salted_argon2id_with_owasp_parameters() {
        let first = hash("correct horse battery staple").unwrap();
        let second = hash("correct horse battery staple").unwrap();
        assert_ne!(first, second, "each hash gets its own salt");
        assert!(
            first
                .as_phc()
                .starts_with("$argon2id$v=19$m=19456,t=2,p=1$"),
            "{}",
            first.as_phc()
        );
        assert!(!needs_rehash(
            &argon2::PasswordHash::new(first.as_phc()).unwrap()
        ));
    }

    #[test]
    fn debug_output_never_shows_the_hash() {
        let hashed = hash("correct horse battery staple").unwrap();
        assert_eq!(format!("{hashed:?}"), "PasswordHash(<redacted>)");
    }

    #[tokio::test]
    async fn verifies_matches_and_refuses_everything_else() {
        let hasher = Hasher::new(2, Duration::from_secs(5)).unwrap();
        let stored = hash("correct horse battery staple").unwrap();

        let right = hasher
            .verify(
                &candidate("correct horse battery staple"),
                Some(stored.as_phc()),
            )
            .await
            .unwrap();
        let wrong = hasher
            .verify(&candidate("wrong password"), Some(stored.as_phc()))
            .await
            .unwrap();
        let unknown = hasher
            .verify(&candidate("correct horse battery staple"), None)
            .await
            .unwrap();
        let garbage = hasher
            .verify(&candidate("x"), Some("not a hash"))
            .await
            .unwrap();

        assert!(right.matched && right.upgraded.is_none());
        assert!(!wrong.matched && !unknown.matched && !garbage.matched);
    }

    #[tokio::test]
    async fn weaker_old_hashes_are_upgraded_on_a_successful_login() {
        let weak = Argon2::new(
            Algorithm::Argon2id,
            Version::V0x13,
            Params::new(4096, 1, 1, None).unwrap(),
        )
        .hash_password(
            b"correct horse battery staple",
            &SaltString::generate(&mut OsRng),
        )
        .unwrap()
        .to_string();
        let hasher = Hasher::new(1, Duration::from_secs(5)).unwrap();

        let result = hasher
            .verify(&candidate("correct horse battery staple"), Some(&weak))
            .await
            .unwrap();

        assert!(result.matched);
        let upgraded = result.upgraded.expect("an upgraded hash");
        assert!(
            upgraded
                .as_phc()
                .starts_with("$argon2id$v=19$m=19456,t=2,p=1$")
        );
    }

    #[tokio::test]
    async fn a_saturated_hasher_turns_callers_away_after_its_wait_bound() {
        let hasher = Hasher::new(1, Duration::from_millis(50)).unwrap();
        let _busy = hasher.permits.clone().acquire_owned().await.unwrap();

        let result = hasher.verify(&candidate("anything"), None).await;

        assert!(matches!(result, Err(HashError::Busy)), "{result:?}");
    }
}
