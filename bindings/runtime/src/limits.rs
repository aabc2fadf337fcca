//! Limits every front end shares: how many threads, how long.

use std::time::Duration;

use crate::error::{Result, invalid};

/// Most worker threads a run may ask for. Far more than any machine's cores; it keeps a
/// mistyped count (`100000`) from spending minutes creating threads.
pub const MAX_THREADS: usize = 1024;

/// Longest finite duration: 10⁹ s (about 31.7 years). A longer time limit or timeout means
/// no limit at all (the clock cannot add much more to `now`).
pub const MAX_SECONDS: f64 = 1e9;

/// A duration from seconds: positive and not NaN; values above [`MAX_SECONDS`] (up to
/// infinity) are clamped to "no limit" ([`Duration::MAX`]).
///
/// ```
/// use quboflow_runtime::seconds;
/// assert_eq!(seconds("time_limit", 1.5)?, std::time::Duration::from_millis(1500));
/// assert_eq!(seconds("time_limit", 1e300)?, std::time::Duration::MAX);
/// assert!(seconds("time_limit", -1.0).is_err() && seconds("time_limit", f64::NAN).is_err());
/// # Ok::<(), quboflow_runtime::Error>(())
/// ```
pub fn seconds(name: &str, s: f64) -> Result<Duration> {
    if s.is_nan() || s <= 0.0 {
        return Err(invalid(
            name,
            format!("a time must be a positive number of seconds, not {s}"),
        ));
    }
    if s > MAX_SECONDS {
        return Ok(Duration::MAX);
    }
    Duration::try_from_secs_f64(s).map_err(|e| invalid(name, format!("{s} s: {e}")))
}

/// A time limit from optional seconds, as [`seconds`] reads them: `None` when none was given
/// or when it is above [`MAX_SECONDS`] (no limit).
///
/// ```
/// use quboflow_runtime::time_limit;
/// assert_eq!(time_limit("time_limit", Some(2.0))?, Some(std::time::Duration::from_secs(2)));
/// assert_eq!(time_limit("time_limit", Some(1e300))?, None);
/// assert_eq!(time_limit("time_limit", None)?, None);
/// # Ok::<(), quboflow_runtime::Error>(())
/// ```
pub fn time_limit(name: &str, s: Option<f64>) -> Result<Option<Duration>> {
    Ok(s.map(|s| seconds(name, s))
        .transpose()?
        .filter(|d| *d != Duration::MAX))
}

/// Sets the global thread pool to `n` workers (`None`: all cores), `1 ..= MAX_THREADS`.
pub fn thread_pool(n: Option<usize>) -> Result<()> {
    let Some(n) = n else { return Ok(()) };
    if n == 0 || n > MAX_THREADS {
        return Err(invalid(
            "threads",
            format!("must be between 1 and {MAX_THREADS}, not {n}"),
        ));
    }
    rayon::ThreadPoolBuilder::new()
        .num_threads(n)
        .build_global()
        .map_err(|e| invalid("threads", format!("cannot start {n} threads: {e}")))
}
