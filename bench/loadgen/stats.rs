//! Latency samples and the one-line `key=value` report `bench/run` parses.

use std::fmt::Write;
use std::time::Duration;

/// Latencies in milliseconds.
#[derive(Debug, Default)]
pub struct Samples(Vec<f64>);

impl Samples {
    pub fn push(&mut self, elapsed: Duration) {
        self.0.push(elapsed.as_secs_f64() * 1000.0);
    }

    pub fn len(&self) -> usize {
        self.0.len()
    }

    /// Nearest-rank percentile (`p` in 0..=100); NaN when there are no samples.
    pub fn percentile(&mut self, p: f64) -> f64 {
        if self.0.is_empty() {
            return f64::NAN;
        }
        self.0.sort_by(f64::total_cmp);
        let rank = ((p / 100.0) * self.0.len() as f64).ceil() as usize;
        self.0[rank.clamp(1, self.0.len()) - 1]
    }
}

/// Builds `key=value key=value ...` (values never contain spaces).
#[derive(Debug, Default)]
pub struct Report(String);

impl Report {
    pub fn put(&mut self, key: &str, value: impl std::fmt::Display) -> &mut Self {
        if !self.0.is_empty() {
            self.0.push(' ');
        }
        let _ = write!(self.0, "{key}={value}");
        self
    }

    /// Milliseconds with two decimals.
    pub fn ms(&mut self, key: &str, value: f64) -> &mut Self {
        self.put(key, format!("{value:.2}"))
    }

    /// `<prefix>_n`, `_p50_ms`, `_p99_ms` and `_max_ms` of `samples`.
    pub fn latencies(&mut self, prefix: &str, samples: &mut Samples) -> &mut Self {
        self.put(&format!("{prefix}_n"), samples.len());
        for (name, p) in [("p50", 50.0), ("p99", 99.0), ("max", 100.0)] {
            let value = samples.percentile(p);
            self.ms(&format!("{prefix}_{name}_ms"), value);
        }
        self
    }

    pub fn print(&self) {
        println!("{}", self.0);
    }
}

/// CPU seconds (user + system) this process has used so far, from `/proc/self/stat`
/// (Linux reports them in ticks of 1/100 s). The report shows how much CPU the load generator
/// took from the server when they share cores.
pub fn own_cpu_seconds() -> f64 {
    let Ok(stat) = std::fs::read_to_string("/proc/self/stat") else {
        return f64::NAN;
    };
    // Fields after the command name, which is in parentheses and may contain spaces.
    let Some((_, rest)) = stat.rsplit_once(')') else {
        return f64::NAN;
    };
    let fields: Vec<&str> = rest.split_whitespace().collect();
    let ticks = |i: usize| fields.get(i).and_then(|v| v.parse::<f64>().ok());
    // utime and stime are fields 14 and 15 of the file, 12 and 13 after the name.
    match (ticks(11), ticks(12)) {
        (Some(user), Some(system)) => (user + system) / 100.0,
        _ => f64::NAN,
    }
}
