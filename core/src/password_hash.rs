//! argon2id password hashing with OWASP's parameters (19 MiB, 2 passes, 1 lane), run behind a
//! semaphore so a flood of logins queues briefly and is then turned away, instead of
//! exhausting memory (each hash holds 19 MiB).
//!
//! Hashes run on threads of their own below the pages' priority ([`crate::hashing_threads`]).
//!
//! Each hashing thread keeps its own 19 MiB working area ([`Workspace`]) and reuses it while
//! logins keep coming. argon2's own `hash_password`/`verify_password` allocate a fresh area per
//! call; once freed, glibc kept those areas in per-thread arenas it never gave back (after a
//! login flood: 602 MB taken from the system, 2.8 MB in use), and a fresh area costs ~4,800
//! page faults per login.

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::time::Duration;

use anyhow::Context;
use argon2::password_hash::{Output, ParamsString, PasswordVerifier, SaltString};
use argon2::{Algorithm, Argon2, Block, Params, Version};
use latch_domain::{CandidatePassword, NewPassword};
use tokio::sync::Semaphore;

use crate::hashing_threads::{HashingThreads, RELEASE_AFTER};

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
    hash_in(password, &mut Workspace::new())
}

/// argon2id's working memory for today's parameters, reused from one hash to the next.
///
/// Its 19 MiB lie in a reservation of [`RESERVED_BLOCKS`], above 32 MiB: glibc always serves
/// an allocation that large as a mapping of its own and unmaps it when it is freed, so a
/// dropped area goes back to the system at once. A 19 MiB allocation would be mapped only the
/// first time: freeing it raises glibc's threshold for a mapping of its own to its size (up to
/// 32 MiB), the next ones come from glibc's heaps, and the heaps never shrink by them. Only
/// the 19 MiB that argon2 writes become resident; the rest of the reservation is address
/// space, not memory. The `latch` binary allocates with jemalloc (server/src/main.rs), which
/// gives a freed area back either way; the reservation keeps the promise for whatever links
/// this crate with glibc's allocator (its own tests and the integration tests).
pub struct Workspace(Vec<Block>);

/// A little above glibc's largest threshold for a mapping of its own (32 MiB on 64-bit),
/// in 1 KiB blocks.
const RESERVED_BLOCKS: usize = 33 * 1024;

impl Workspace {
    /// 19 MiB, written once here (so its pages are in memory before the first hash).
    pub fn new() -> Self {
        let mut blocks = Vec::with_capacity(RESERVED_BLOCKS);
        blocks.resize(MEMORY_KIB as usize, Block::default());
        Self(blocks)
    }

    /// Where the area starts, to tell areas apart in tests.
    #[cfg(test)]
    pub(crate) fn address(&self) -> usize {
        self.0.as_ptr().addr()
    }
}

impl Default for Workspace {
    fn default() -> Self {
        Self::new()
    }
}

/// The length of the hash stored (argon2's default, as `hash_password` wrote it).
const OUTPUT_LEN: usize = Params::DEFAULT_OUTPUT_LEN;

/// [`hash`], in `workspace`.
pub fn hash_in(password: &str, workspace: &mut Workspace) -> anyhow::Result<PasswordHash> {
    let mut salt = [0u8; 16];
    getrandom::fill(&mut salt).context("drawing a salt")?;
    let mut output = [0u8; OUTPUT_LEN];
    let argon2 = argon2();
    argon2
        .hash_password_into_with_memory(password.as_bytes(), &salt, &mut output, &mut workspace.0)
        .map_err(|err| anyhow::anyhow!("hashing a password: {err}"))?;
    let salt = SaltString::encode_b64(&salt).map_err(|err| anyhow::anyhow!("a salt: {err}"))?;
    let params = ParamsString::try_from(argon2.params())
        .map_err(|err| anyhow::anyhow!("the parameters: {err}"))?;
    let hash = Output::new(&output).map_err(|err| anyhow::anyhow!("the output: {err}"))?;
    let phc = argon2::PasswordHash {
        algorithm: Algorithm::Argon2id.ident(),
        version: Some(Version::V0x13.into()),
        params,
        salt: Some(salt.as_salt()),
        hash: Some(hash),
    };
    Ok(PasswordHash(phc.to_string()))
}

/// Whether `password` matches `phc`, a hash with today's parameters ([`needs_rehash`] false),
/// computed in `workspace`. The comparison takes the same time wherever the bytes differ.
pub fn verify_in(
    password: &str,
    phc: &argon2::PasswordHash<'_>,
    workspace: &mut Workspace,
) -> bool {
    let (Some(salt), Some(expected)) = (phc.salt, phc.hash) else {
        return false;
    };
    let mut salt_bytes = [0u8; 64];
    let Ok(salt) = salt.decode_b64(&mut salt_bytes) else {
        return false;
    };
    let mut output = vec![0u8; expected.len()];
    argon2()
        .hash_password_into_with_memory(password.as_bytes(), salt, &mut output, &mut workspace.0)
        .is_ok()
        && Output::new(&output).is_ok_and(|computed| computed == expected)
}

/// Checks `password` against `phc` whatever its parameters: today's in `workspace`, older ones
/// (a hash from before a parameter change, upgraded on success) with argon2's own memory.
fn verify_any(password: &str, phc: &argon2::PasswordHash<'_>, workspace: &mut Workspace) -> bool {
    if needs_rehash(phc) {
        Argon2::default()
            .verify_password(password.as_bytes(), phc)
            .is_ok()
    } else {
        verify_in(password, phc, workspace)
    }
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
    /// Logins in progress, from their first query to the end of their hash (see
    /// [`Hasher::admit`]).
    admitted: Arc<AtomicUsize>,
    /// How long one hash takes on this machine, in microseconds: a moving average of the
    /// hashes made, starting from the dummy hash made at start.
    hash_micros: Arc<AtomicU64>,
    /// Where hashes run: one thread per slot, below the pages' priority, each with its area.
    threads: HashingThreads,
}

/// One login let in by [`Hasher::admit`]; it counts until dropped.
#[derive(Debug)]
pub struct Admission(Arc<AtomicUsize>);

impl Drop for Admission {
    fn drop(&mut self) {
        self.0.fetch_sub(1, Ordering::SeqCst);
    }
}

/// How busy the hasher is at one instant.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct HasherLoad {
    /// Waiting for a slot.
    pub waiting: usize,
    /// Holding a slot (hashing).
    pub running: usize,
    /// Working areas held by the hashing threads (see [`crate::hashing_threads`]).
    pub areas_held: usize,
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
        let started = std::time::Instant::now();
        let dummy = hash(&format!("{random:?}"))?;
        let hash_micros = micros(started.elapsed());
        Ok(Self {
            permits: Arc::new(Semaphore::new(concurrency.max(1))),
            max_wait,
            dummy_hash: dummy.0.into(),
            waiting: Arc::default(),
            concurrency: concurrency.max(1),
            admitted: Arc::default(),
            hash_micros: Arc::new(AtomicU64::new(hash_micros)),
            threads: HashingThreads::start(concurrency, RELEASE_AFTER)?,
        })
    }

    /// Lets one login in before it touches the database, or turns it away at once (`Busy`)
    /// when more are in progress than the hasher can finish within its wait bound (its slots,
    /// each finishing wait bound ÷ time per hash). Such a login would only wait out the bound
    /// for a slot and be refused then, having held database connections and written its
    /// throttle counters meanwhile, while signed-in pages waited for those connections. One
    /// atomic count: a burst cannot slip past it.
    ///
    /// The refusal itself is answered only after the wait bound, when a waiting login would
    /// have been: the pause costs a timer, not CPU, and a client that asks again at once (a
    /// script ignoring `Retry-After`) cannot turn instant refusals into a loop that takes the
    /// CPU from every other page.
    pub async fn admit(&self) -> Result<Admission, HashError> {
        let admitted = self.try_admit();
        if admitted.is_err() {
            tokio::time::sleep(self.max_wait).await;
        }
        admitted
    }

    fn try_admit(&self) -> Result<Admission, HashError> {
        let per_hash = self.hash_micros.load(Ordering::Relaxed).max(1);
        let within_wait = micros(self.max_wait) / per_hash;
        let capacity = self
            .concurrency
            .saturating_mul(1 + usize::try_from(within_wait).unwrap_or(usize::MAX));
        let admission = Admission(self.admitted.clone());
        if self.admitted.fetch_add(1, Ordering::SeqCst) >= capacity {
            return Err(HashError::Busy);
        }
        Ok(admission)
    }

    pub fn load(&self) -> HasherLoad {
        HasherLoad {
            waiting: self.waiting.load(Ordering::Relaxed),
            running: self.concurrency - self.permits.available_permits(),
            areas_held: self.threads.areas_held(),
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
        self.run(move |workspace| {
            let real = stored
                .as_deref()
                .and_then(|phc| argon2::PasswordHash::new(phc).ok());
            let Some(phc) = real else {
                // The same work as for a real account (today's parameters, this workspace).
                if let Ok(dummy) = argon2::PasswordHash::new(&dummy) {
                    let _ = verify_in(password.expose(), &dummy, workspace);
                }
                return Ok(Verification {
                    matched: false,
                    upgraded: None,
                });
            };
            // Verify with the parameters stored in the hash, whatever they are.
            let matched = verify_any(password.expose(), &phc, workspace);
            let upgraded = if matched && needs_rehash(&phc) {
                Some(hash_in(password.expose(), workspace)?)
            } else {
                None
            };
            Ok(Verification { matched, upgraded })
        })
        .await
    }

    pub async fn hash(&self, password: NewPassword) -> Result<PasswordHash, HashError> {
        self.run(move |workspace| hash_in(password.expose(), workspace))
            .await
    }

    async fn run<T: Send + 'static>(
        &self,
        work: impl FnOnce(&mut Workspace) -> anyhow::Result<T> + Send + 'static,
    ) -> Result<T, HashError> {
        let permit = {
            let _counted = Waiting::count(&self.waiting);
            tokio::time::timeout(self.max_wait, self.permits.clone().acquire_owned()).await
        };
        let permit = permit
            .map_err(|_| HashError::Busy)?
            .map_err(|_| HashError::Busy)?;
        let hash_micros = self.hash_micros.clone();
        let (answer, answered) = tokio::sync::oneshot::channel();
        self.threads.run(move |workspace| {
            let started = std::time::Instant::now();
            let result = work(workspace);
            let took = micros(started.elapsed());
            // An eighth of the newest hash: a slow outlier moves the estimate only a little.
            let _ = hash_micros.fetch_update(Ordering::Relaxed, Ordering::Relaxed, |average| {
                Some((average * 7 + took) / 8)
            });
            drop(permit);
            let _ = answer.send(result);
        })?;
        let result = answered
            .await
            .context("a hashing thread ended without an answer")?;
        Ok(result?)
    }
}

fn micros(duration: Duration) -> u64 {
    u64::try_from(duration.as_micros()).unwrap_or(u64::MAX)
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
    use argon2::password_hash::{PasswordHasher, rand_core::OsRng};

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
    fn hashes_made_in_a_workspace_are_argon2s_own_and_the_reverse() {
        let mut workspace = Workspace::new();
        let ours = hash_in("correct horse battery staple", &mut workspace).unwrap();
        let ours = argon2::PasswordHash::new(ours.as_phc()).unwrap();
        assert!(
            argon2()
                .verify_password(b"correct horse battery staple", &ours)
                .is_ok(),
            "argon2 itself accepts what Latch stores"
        );
        let theirs = argon2()
            .hash_password(
                b"correct horse battery staple",
                &SaltString::generate(&mut OsRng),
            )
            .unwrap()
            .to_string();
        let theirs = argon2::PasswordHash::new(&theirs).unwrap();
        assert!(verify_in(
            "correct horse battery staple",
            &theirs,
            &mut workspace
        ));
        assert!(!verify_in(
            "correct horse battery stapler",
            &theirs,
            &mut workspace
        ));
        assert!(!verify_in(
            "correct horse battery stapler",
            &ours,
            &mut workspace
        ));
    }

    #[tokio::test]
    async fn the_hasher_keeps_one_workspace_per_slot() {
        let hasher = Hasher::new(2, Duration::from_secs(30)).unwrap();
        let stored = hash("correct horse battery staple").unwrap();
        let checks: Vec<_> = (0..6)
            .map(|_| {
                let (hasher, stored) = (hasher.clone(), stored.clone());
                tokio::spawn(async move {
                    let password = candidate("correct horse battery staple");
                    hasher.verify(&password, Some(stored.as_phc())).await
                })
            })
            .collect();
        for check in checks {
            assert!(check.await.unwrap().unwrap().matched);
        }
        let kept = hasher.threads.areas_held();
        assert!((1..=2).contains(&kept), "{kept} workspaces for 2 slots");
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

    /// A flood of logins is turned away at the door: with one slot and no time to wait, one
    /// login is in progress at a time.
    #[tokio::test]
    async fn logins_beyond_what_the_hasher_finishes_within_its_wait_bound_are_turned_away() {
        let hasher = Hasher::new(1, Duration::ZERO).unwrap();
        let first = hasher.admit().await.expect("room for one");
        assert!(matches!(hasher.admit().await, Err(HashError::Busy)));
        assert!(
            matches!(hasher.admit().await, Err(HashError::Busy)),
            "a refusal frees nothing"
        );
        drop(first);
        let again = hasher
            .admit()
            .await
            .expect("room again once the first is done");

        // A wait bound of ten hashes' time lets ten more wait behind the slot.
        hasher.hash_micros.store(1_000, Ordering::Relaxed);
        let patient = Hasher {
            max_wait: Duration::from_millis(10),
            ..hasher.clone()
        };
        let admitted: Vec<_> = (0..10)
            .map(|_| patient.try_admit().expect("room"))
            .collect();
        // Refused after the wait bound, like a login that waited for a slot in vain.
        let asked = std::time::Instant::now();
        assert!(matches!(patient.admit().await, Err(HashError::Busy)));
        assert!(asked.elapsed() >= Duration::from_millis(10));
        drop((again, admitted));
    }

    #[tokio::test]
    async fn a_saturated_hasher_turns_callers_away_after_its_wait_bound() {
        let hasher = Hasher::new(1, Duration::from_millis(50)).unwrap();
        let _busy = hasher.permits.clone().acquire_owned().await.unwrap();

        let result = hasher.verify(&candidate("anything"), None).await;

        assert!(matches!(result, Err(HashError::Busy)), "{result:?}");
    }
}
