//! The threads password hashes run on: as many as the hasher has slots, each at a lower CPU
//! priority than the threads that serve pages.
//!
//! A hash takes ~19 ms of CPU, and a signed-in page hands its statements to SQLite's worker
//! threads a dozen times. On tokio's blocking pool the hashes ran at the pages' priority, so
//! under a stream of logins every one of those hand-overs could wait for a scheduler time
//! slice behind a hash: 8 concurrent logins took a signed-in page from a few ms to a p50 of
//! 55 ms on 2 cores. Here a page's thread wakes ahead of a hash (Linux: nice 10, about a tenth
//! of the weight), while with no pages to serve the hashes still get every core.

use std::panic::{AssertUnwindSafe, catch_unwind};
use std::sync::mpsc::{Receiver, Sender, channel};
use std::sync::{Arc, Mutex, PoisonError};

type Job = Box<dyn FnOnce() + Send>;

/// Runs jobs on `count` threads of their own; they end when the last clone is dropped.
#[derive(Clone)]
pub(crate) struct HashingThreads {
    jobs: Sender<Job>,
}

/// The niceness of a hashing thread (0 is the default; 19 the lowest priority).
const NICENESS: i32 = 10;

impl HashingThreads {
    pub(crate) fn start(count: usize) -> anyhow::Result<Self> {
        let (jobs, queue) = channel::<Job>();
        let queue = Arc::new(Mutex::new(queue));
        for n in 0..count.max(1) {
            let queue = queue.clone();
            std::thread::Builder::new()
                .name(format!("latch-hash-{n}"))
                .spawn(move || serve(&queue))?;
        }
        Ok(Self { jobs })
    }

    /// Hands `job` to the next free thread. Err: the threads are gone (not expected).
    pub(crate) fn run(&self, job: impl FnOnce() + Send + 'static) -> anyhow::Result<()> {
        self.jobs
            .send(Box::new(job))
            .map_err(|_| anyhow::anyhow!("the hashing threads stopped"))
    }
}

fn serve(queue: &Mutex<Receiver<Job>>) {
    lower_own_priority();
    loop {
        // The lock is held only while taking a job, not while running it.
        let next = queue.lock().unwrap_or_else(PoisonError::into_inner).recv();
        let Ok(job) = next else {
            return; // every sender is gone: the hasher was dropped
        };
        // A panicking job loses its answer (the caller sees an error), not the thread.
        let _ = catch_unwind(AssertUnwindSafe(job));
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
#[cfg(target_os = "linux")]
mod tests {
    use super::*;

    fn own_niceness() -> i32 {
        rustix::process::getpriority_process(Some(rustix::thread::gettid())).unwrap()
    }

    #[test]
    fn jobs_run_on_threads_of_lower_priority() {
        let threads = HashingThreads::start(1).unwrap();
        let (answer, niceness) = channel();
        threads
            .run(move || answer.send(own_niceness()).unwrap())
            .unwrap();
        assert_eq!(niceness.recv().unwrap(), NICENESS);
        assert_eq!(own_niceness(), 0, "the caller's priority is untouched");
    }

    #[test]
    fn a_panicking_job_does_not_take_its_thread() {
        let threads = HashingThreads::start(1).unwrap();
        threads.run(|| panic!("a broken hash")).unwrap();
        let (answer, answered) = channel();
        threads.run(move || answer.send(()).unwrap()).unwrap();
        answered.recv().unwrap();
    }
}
