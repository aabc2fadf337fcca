//! Run control: seed, time limit, cancellation and progress reporting for any solver.

use std::fmt;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::time::{Duration, Instant};

use crate::sampleset::Termination;

/// A snapshot of a run's progress, passed to the progress callback.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Progress {
    /// Units of work done (reads, chunks of states, …; solver-specific).
    pub done: u64,
    /// Units of work planned in total.
    pub total: u64,
    /// Lowest energy seen so far, if any.
    pub best_energy: Option<f64>,
    /// Time since the run started.
    pub elapsed: Duration,
}

/// The progress callback type. It may be called from several threads at once.
pub type ProgressFn = Arc<dyn Fn(&Progress) + Send + Sync>;

/// What every solver honours: seed, time limit, cancel flag and progress callback.
///
/// ```
/// use std::time::Duration;
/// use quboflow::{RunControl, QuboBuilder, Solver, solvers::SteepestDescent};
/// let mut b = QuboBuilder::new(2);
/// b.add_quadratic(0, 1, -1.0);
/// let ctl = RunControl::new().seed(42).time_limit(Duration::from_secs(5));
/// let result = SteepestDescent::default().sample(&b.build()?, &ctl)?;
/// assert_eq!(result.info.seed, 42);
/// assert_eq!(result.first().unwrap().energy, -1.0);
/// # Ok::<(), quboflow::Error>(())
/// ```
#[derive(Clone, Default)]
pub struct RunControl {
    seed: Option<u64>,
    time_limit: Option<Duration>,
    cancel: Arc<AtomicBool>,
    abort: Arc<AtomicBool>,
    progress: Option<ProgressFn>,
}

impl fmt::Debug for RunControl {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("RunControl")
            .field("seed", &self.seed)
            .field("time_limit", &self.time_limit)
            .field("cancelled", &self.is_cancelled())
            .field("progress", &self.progress.is_some())
            .finish()
    }
}

impl RunControl {
    /// No seed (one is drawn and recorded), no time limit, not cancelled, no progress.
    pub fn new() -> Self {
        Self::default()
    }

    /// Fixes the seed; the same seed gives the same result whatever the thread count.
    pub fn seed(mut self, seed: u64) -> Self {
        self.seed = Some(seed);
        self
    }

    /// Sets the seed if `Some`.
    pub fn maybe_seed(mut self, seed: Option<u64>) -> Self {
        self.seed = seed;
        self
    }

    /// Wall-clock limit for the whole `sample` call. Any duration is accepted: one too long
    /// for the system clock to add (e.g. `Duration::MAX`) means no deadline.
    pub fn time_limit(mut self, limit: Duration) -> Self {
        self.time_limit = Some(limit);
        self
    }

    /// Sets the time limit if `Some`.
    pub fn maybe_time_limit(mut self, limit: Option<Duration>) -> Self {
        self.time_limit = limit;
        self
    }

    /// Installs a progress callback.
    pub fn progress(mut self, f: impl Fn(&Progress) + Send + Sync + 'static) -> Self {
        self.progress = Some(Arc::new(f));
        self
    }

    /// Shares an existing cancel flag (e.g. one set by a Ctrl-C handler).
    pub fn cancel_flag(mut self, flag: Arc<AtomicBool>) -> Self {
        self.cancel = flag;
        self
    }

    /// The cancel flag: store `true` to stop a run from another thread.
    pub fn cancel_handle(&self) -> Arc<AtomicBool> {
        Arc::clone(&self.cancel)
    }

    /// Requests cancellation.
    pub fn cancel(&self) {
        self.cancel.store(true, Ordering::Relaxed);
    }

    /// Shares an abort flag: a cancel whose result will be discarded (Ctrl-C in Python).
    /// Every solver stops on it as on the cancel flag; one with long indivisible steps (QAOA's
    /// simulations) may also drop the step half-done and return [`crate::Error::Cancelled`]
    /// instead of the best so far, so that it stops within a fraction of a step.
    pub fn abort_flag(mut self, flag: Arc<AtomicBool>) -> Self {
        self.abort = flag;
        self
    }

    /// The abort flag: store `true` to stop a run now, its result unwanted.
    pub fn abort_handle(&self) -> Arc<AtomicBool> {
        Arc::clone(&self.abort)
    }

    /// True once cancellation (or an abort) was requested.
    pub fn is_cancelled(&self) -> bool {
        self.cancel.load(Ordering::Relaxed) || self.abort.load(Ordering::Relaxed)
    }

    /// The configured seed, if any.
    pub fn get_seed(&self) -> Option<u64> {
        self.seed
    }

    /// The configured time limit, if any.
    pub fn get_time_limit(&self) -> Option<Duration> {
        self.time_limit
    }

    /// The seed to use: the configured one, or a fresh one from the OS to be recorded.
    pub fn resolve_seed(&self) -> u64 {
        self.seed.unwrap_or_else(|| {
            use rand::Rng;
            // Keep below 2³¹ so the same seed can be handed to dwave-samplers (peers.md §2).
            rand::rng().next_u64() & 0x7fff_ffff
        })
    }

    /// Starts the clock for one run; solvers poll the returned [`RunClock`].
    pub fn start(&self, total_work: u64) -> RunClock {
        let start = Instant::now();
        RunClock {
            start,
            // A limit beyond what the clock can represent (years) is no deadline at all.
            deadline: self.time_limit.and_then(|d| start.checked_add(d)),
            time_limit: self.time_limit,
            cancel: Arc::clone(&self.cancel),
            abort: Arc::clone(&self.abort),
            progress: self.progress.clone(),
            done: AtomicU64::new(0),
            total: total_work,
            best: AtomicU64::new(f64::INFINITY.to_bits()),
        }
    }
}

/// The running state of one `sample` call: deadline, cancel flag and progress counters.
///
/// Shared by reference between worker threads.
pub struct RunClock {
    start: Instant,
    deadline: Option<Instant>,
    time_limit: Option<Duration>,
    cancel: Arc<AtomicBool>,
    abort: Arc<AtomicBool>,
    progress: Option<ProgressFn>,
    done: AtomicU64,
    total: u64,
    best: AtomicU64,
}

impl RunClock {
    /// `Some(reason)` once the run must stop (cancelled, or past the deadline).
    ///
    /// Costs one atomic load and, with a time limit, one clock read (~20 ns): call it every
    /// few thousand steps in inner loops, not on every step.
    #[inline]
    pub fn should_stop(&self) -> Option<Termination> {
        if self.cancel.load(Ordering::Relaxed) || self.abort.load(Ordering::Relaxed) {
            return Some(Termination::Cancelled);
        }
        match self.deadline {
            Some(d) if Instant::now() >= d => Some(Termination::TimeLimit),
            _ => None,
        }
    }

    /// Time since the run started.
    pub fn elapsed(&self) -> Duration {
        self.start.elapsed()
    }

    /// The time limit, if any.
    pub fn time_limit(&self) -> Option<Duration> {
        self.time_limit
    }

    /// Records `units` of finished work and, if given, an energy seen; calls the callback.
    pub fn advance(&self, units: u64, energy: Option<f64>) {
        let done = self.done.fetch_add(units, Ordering::Relaxed) + units;
        if let Some(e) = energy {
            let mut cur = self.best.load(Ordering::Relaxed);
            while e < f64::from_bits(cur) {
                match self.best.compare_exchange_weak(
                    cur,
                    e.to_bits(),
                    Ordering::Relaxed,
                    Ordering::Relaxed,
                ) {
                    Ok(_) => break,
                    Err(now) => cur = now,
                }
            }
        }
        if let Some(cb) = &self.progress {
            let best = f64::from_bits(self.best.load(Ordering::Relaxed));
            cb(&Progress {
                done,
                total: self.total,
                best_energy: best.is_finite().then_some(best),
                elapsed: self.elapsed(),
            });
        }
    }

    /// The error to return when the run stopped before producing any sample.
    pub fn stopped_error(&self, why: Termination) -> crate::Error {
        match why {
            Termination::TimeLimit => crate::Error::TimeLimit(self.time_limit.unwrap_or_default()),
            _ => crate::Error::Cancelled,
        }
    }
}

/// A stream seed derived from a run seed, so every read (or chunk) has its own
/// deterministic random stream whatever thread runs it (SplitMix64 finaliser).
pub fn derive_seed(seed: u64, stream: u64) -> u64 {
    let mut z = seed ^ stream.wrapping_add(1).wrapping_mul(0x9E37_79B9_7F4A_7C15);
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::Mutex;

    #[test]
    fn deadline_and_cancel() {
        let ctl = RunControl::new().time_limit(Duration::ZERO);
        assert_eq!(ctl.start(1).should_stop(), Some(Termination::TimeLimit));
        let ctl = RunControl::new();
        let clock = ctl.start(1);
        assert_eq!(clock.should_stop(), None);
        ctl.cancel();
        assert_eq!(clock.should_stop(), Some(Termination::Cancelled));
    }

    #[test]
    fn limits_beyond_the_clock_mean_no_deadline() {
        let ctl = RunControl::new().time_limit(Duration::MAX);
        assert_eq!(ctl.start(1).should_stop(), None);
        let ctl = RunControl::new().time_limit(Duration::from_secs(u64::MAX / 2));
        assert_eq!(ctl.start(1).should_stop(), None);
    }

    #[test]
    fn progress_tracks_best() {
        let seen = Arc::new(Mutex::new(Vec::new()));
        let s2 = Arc::clone(&seen);
        let ctl = RunControl::new().progress(move |p| s2.lock().unwrap().push(*p));
        let clock = ctl.start(3);
        clock.advance(1, Some(2.0));
        clock.advance(1, Some(-1.0));
        clock.advance(1, Some(5.0));
        let v = seen.lock().unwrap();
        assert_eq!(v.len(), 3);
        assert_eq!(v[2].done, 3);
        assert_eq!(v[2].best_energy, Some(-1.0));
    }

    #[test]
    fn derived_seeds_differ() {
        assert_ne!(derive_seed(1, 0), derive_seed(1, 1));
        assert_ne!(derive_seed(1, 0), derive_seed(2, 0));
        assert_eq!(derive_seed(5, 9), derive_seed(5, 9));
    }
}
