//! The threads password hashes run on, and their working areas: as many threads as the
//! hasher has slots, each at a lower CPU priority than the threads that serve pages, each
//! keeping its 19 MiB area while logins keep coming and giving it back once they stop.
//!
//! A hash takes ~19 ms of CPU, and a signed-in page hands its statements to SQLite's worker
//! threads a dozen times. On tokio's blocking pool the hashes ran at the pages' priority, so
//! under a stream of logins every one of those hand-overs could wait for a scheduler time
//! slice behind a hash: 8 concurrent logins took a signed-in page from a few ms to a p50 of
//! 55 ms on 2 cores. Here a page's thread wakes ahead of a hash (Linux: nice 10, about a tenth
//! of the weight), while with no pages to serve the hashes still get every core.
//!
//! A thread's area is made by its first hash and reused by the next ones (a fresh area costs
//! ~4,800 page faults). After [`RELEASE_AFTER`] without a hash the thread drops it, and the
//! memory goes back to the system (at once under glibc, see [`Workspace`]; within jemalloc's
//! decay time, a second, in the `latch` binary): a quiet server holds no hashing memory, and
//! the first login after a quiet spell pays the page faults once.

use std::panic::{AssertUnwindSafe, catch_unwind};
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use flume::{Receiver, RecvTimeoutError, Sender};

use crate::password_hash::Workspace;

type Job = Box<dyn FnOnce(&mut Workspace) + Send>;

/// How long a hashing thread keeps its area without a hash. Long enough that a stream of
/// logins (even one every few hundred ms per slot) reuses the areas; short enough that a
/// server that has gone quiet holds no hashing memory a second later.
pub(crate) const RELEASE_AFTER: Duration = Duration::from_millis(500);

/// Runs jobs on `count` threads of their own; they end when the last clone is dropped.
#[derive(Clone)]
pub(crate) struct HashingThreads {
    jobs: Sender<Job>,
    /// Working areas held by the threads right now.
    areas: Arc<AtomicUsize>,
}

/// The niceness of a hashing thread (0 is the default; 19 the lowest priority).
const NICENESS: i32 = 10;

impl HashingThreads {
    pub(crate) fn start(count: usize, release_after: Duration) -> anyhow::Result<Self> {
        let (jobs, queue) = flume::unbounded::<Job>();
        let areas = Arc::new(AtomicUsize::new(0));
        for n in 0..count.max(1) {
            let (queue, areas) = (queue.clone(), areas.clone());
            std::thread::Builder::new()
                .name(format!("latch-hash-{n}"))
                .spawn(move || serve(&queue, &areas, release_after))?;
        }
        Ok(Self { jobs, areas })
    }

    /// Hands `job` to the next free thread, with that thread's working area. Err: the threads
    /// are gone (not expected).
    pub(crate) fn run(
        &self,
        job: impl FnOnce(&mut Workspace) + Send + 'static,
    ) -> anyhow::Result<()> {
        self.jobs
            .send(Box::new(job))
            .map_err(|_| anyhow::anyhow!("the hashing threads stopped"))
    }

    /// How many working areas the threads hold now (at most one each).
    pub(crate) fn areas_held(&self) -> usize {
        self.areas.load(Ordering::Relaxed)
    }
}

fn serve(queue: &Receiver<Job>, areas: &Arc<AtomicUsize>, release_after: Duration) {
    lower_own_priority();
    let mut area: Option<HeldArea> = None;
    loop {
        let next = if area.is_some() {
            queue.recv_timeout(release_after)
        } else {
            queue.recv().map_err(|_| RecvTimeoutError::Disconnected)
        };
        match next {
            Ok(job) => {
                let held = area.get_or_insert_with(|| HeldArea::new(areas));
                // A panicking job loses its answer (the caller sees an error), not the thread.
                let _ = catch_unwind(AssertUnwindSafe(|| job(&mut held.workspace)));
            }
            Err(RecvTimeoutError::Timeout) => area = None,
            // Every sender is gone: the hasher was dropped.
            Err(RecvTimeoutError::Disconnected) => return,
        }
    }
}

/// A thread's working area, counted in [`HashingThreads::areas_held`] for as long as it lives.
struct HeldArea {
    workspace: Workspace,
    count: Arc<AtomicUsize>,
}

impl HeldArea {
    fn new(count: &Arc<AtomicUsize>) -> Self {
        count.fetch_add(1, Ordering::Relaxed);
        Self {
            workspace: Workspace::new(),
            count: count.clone(),
        }
    }
}

impl Drop for HeldArea {
    fn drop(&mut self) {
        self.count.fetch_sub(1, Ordering::Relaxed);
    }
}

#[cfg(target_os = "linux")]
fn lower_own_priority() {
    // On Linux the nice value belongs to the thread, named by its id. A failure leaves the
    // thread at the default priority, which still works.
    let thread = rustix::thread::gettid();
    if let Err(err) = rustix::process::setpriority_process(Some(thread), NICENESS) {
        tracing::warn!("hashing thread keeps its priority: {err}");
    }
}

#[cfg(not(target_os = "linux"))]
fn lower_own_priority() {}

#[cfg(test)]
mod tests {
    use std::sync::mpsc::channel;

    use super::*;

    const AN_HOUR: Duration = Duration::from_secs(3600);

    #[test]
    #[cfg(target_os = "linux")]
    fn jobs_run_on_threads_of_lower_priority() {
        fn own_niceness() -> i32 {
            rustix::process::getpriority_process(Some(rustix::thread::gettid())).unwrap()
        }
        let threads = HashingThreads::start(1, AN_HOUR).unwrap();
        let (answer, niceness) = channel();
        threads
            .run(move |_| answer.send(own_niceness()).unwrap())
            .unwrap();
        assert_eq!(niceness.recv().unwrap(), NICENESS);
        assert_eq!(own_niceness(), 0, "the caller's priority is untouched");
    }

    #[test]
    fn a_panicking_job_does_not_take_its_thread() {
        let threads = HashingThreads::start(1, AN_HOUR).unwrap();
        threads.run(|_| panic!("a broken hash")).unwrap();
        let (answer, answered) = channel();
        threads.run(move |_| answer.send(()).unwrap()).unwrap();
        answered.recv().unwrap();
    }

    /// The address of the area a job was given, to tell areas apart.
    fn area_of(threads: &HashingThreads) -> usize {
        let (answer, address) = channel();
        threads
            .run(move |area: &mut Workspace| answer.send(area.address()).unwrap())
            .unwrap();
        address.recv().unwrap()
    }

    #[test]
    fn a_thread_reuses_its_area_while_hashes_keep_coming() {
        let threads = HashingThreads::start(1, AN_HOUR).unwrap();
        let first = area_of(&threads);
        assert_eq!(area_of(&threads), first, "the same area, not a fresh one");
        assert_eq!(threads.areas_held(), 1);
    }

    #[test]
    fn a_thread_gives_its_area_back_once_hashes_stop() {
        let threads = HashingThreads::start(2, Duration::from_millis(50)).unwrap();
        area_of(&threads);
        assert_eq!(threads.areas_held(), 1, "made by the first hash");
        let deadline = std::time::Instant::now() + Duration::from_secs(5);
        while threads.areas_held() > 0 {
            assert!(
                std::time::Instant::now() < deadline,
                "still held 5 s after the last hash"
            );
            std::thread::sleep(Duration::from_millis(10));
        }
        area_of(&threads);
        assert_eq!(threads.areas_held(), 1, "a new one for the next hash");
    }
}
