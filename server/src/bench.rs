//! `latch bench-hash`: how many argon2id verifies per second this machine does with Latch's
//! parameters. It is the ceiling for login throughput, so `make bench` compares real logins
//! against it.
//!
//! A subcommand of `latch` rather than a tool in bench/ with the load generator: it must
//! measure the hasher (parameters, argon2 build, optimisation profile) of the very binary being
//! benchmarked, and operators can run it on a production host to size LATCH_HASH_CONCURRENCY.

use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::time::{Duration, Instant};

use anyhow::Context;
use argon2::PasswordVerifier;
use latch_core::password_hash;

/// The password every thread verifies; its value does not change the cost.
const PASSWORD: &str = "correct horse battery staple";

/// Verifies on `threads` OS threads for `duration` (after a short warm-up) and returns one
/// line of `key=value` pairs, the first being `verifies_per_sec`.
pub fn hash_throughput(threads: usize, duration: Duration) -> anyhow::Result<String> {
    let threads = threads.max(1);
    let stored = password_hash::hash(PASSWORD)?;
    let phc = argon2::PasswordHash::new(stored.as_phc())
        .map_err(|err| anyhow::anyhow!("parsing the benchmark hash: {err}"))?;
    let params = password_hash::argon2().params().clone();
    password_hash::argon2()
        .verify_password(PASSWORD.as_bytes(), &phc)
        .map_err(|err| anyhow::anyhow!("the benchmark hash does not verify: {err}"))?;

    let stop = AtomicBool::new(false);
    let done = AtomicU64::new(0);
    let counting = AtomicBool::new(false);
    let elapsed = std::thread::scope(|scope| {
        let workers: Vec<_> = (0..threads)
            .map(|_| {
                scope.spawn(|| {
                    // As a hashing slot of the server does: one working area, reused.
                    let mut workspace = password_hash::Workspace::new();
                    while !stop.load(Ordering::Relaxed) {
                        let _ = password_hash::verify_in(PASSWORD, &phc, &mut workspace);
                        if counting.load(Ordering::Relaxed) {
                            done.fetch_add(1, Ordering::Relaxed);
                        }
                    }
                })
            })
            .collect();
        // Let every thread get going (and the CPU clock up) before counting.
        std::thread::sleep(Duration::from_millis(300));
        counting.store(true, Ordering::Relaxed);
        let start = Instant::now();
        std::thread::sleep(duration);
        let counted = done.load(Ordering::Relaxed);
        let elapsed = start.elapsed();
        stop.store(true, Ordering::Relaxed);
        for worker in workers {
            worker
                .join()
                .map_err(|_| anyhow::anyhow!("a hashing thread panicked"))?;
        }
        anyhow::Ok((counted, elapsed))
    })
    .context("running the hashing benchmark")?;
    let (counted, elapsed) = elapsed;
    let per_sec = counted as f64 / elapsed.as_secs_f64();
    Ok(format!(
        "verifies_per_sec={per_sec:.1} threads={threads} seconds={:.1} verifies={counted} \
         m_kib={} t={} p={}",
        elapsed.as_secs_f64(),
        params.m_cost(),
        params.t_cost(),
        params.p_cost()
    ))
}
