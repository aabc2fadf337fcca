//! The worker threads every solve runs on: a rayon pool of the module's own, rebuilt in a
//! process forked from one that had used it (multiprocessing's default start method on
//! Linux), where the parent's worker threads do not exist and the global pool would hang.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};

use pyo3::PyResult;
use rayon::ThreadPool;

use crate::errors::model_error;

/// Threads asked for by `set_num_threads` (0: one per core).
static THREADS: AtomicUsize = AtomicUsize::new(0);

/// The pool and the process that built it.
static POOL: Mutex<Option<(u32, Arc<ThreadPool>)>> = Mutex::new(None);

/// The pool of this process, built on first use (or after a fork, or a thread-count change).
pub(crate) fn get() -> PyResult<Arc<ThreadPool>> {
    let pid = std::process::id();
    let mut slot = POOL.lock().unwrap_or_else(|e| e.into_inner());
    if let Some((owner, pool)) = slot.as_ref() {
        if *owner == pid {
            return Ok(Arc::clone(pool));
        }
        // Inherited across fork: its threads are gone, so it must never be dropped (drop
        // would wait on them). Leak it.
        std::mem::forget(Arc::clone(pool));
    }
    let n = THREADS.load(Ordering::SeqCst);
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(n)
        .thread_name(|k| format!("quboflow-{k}"))
        .build()
        .map_err(|e| model_error(format!("cannot start the solver threads: {e}")))?;
    let pool = Arc::new(pool);
    *slot = Some((pid, Arc::clone(&pool)));
    Ok(pool)
}

/// Sets the number of solver threads (`None`: one per core); the next solve uses it.
pub(crate) fn set_threads(n: Option<usize>) -> PyResult<()> {
    let max = quboflow_runtime::MAX_THREADS;
    let n = match n {
        None => 0,
        Some(n) if (1..=max).contains(&n) => n,
        Some(n) => {
            return Err(model_error(format!(
                "num_threads must be between 1 and {max}, not {n}"
            )));
        }
    };
    THREADS.store(n, Ordering::SeqCst);
    let mut slot = POOL.lock().unwrap_or_else(|e| e.into_inner());
    *slot = None;
    Ok(())
}

/// Threads of the current pool.
pub(crate) fn current_threads() -> PyResult<usize> {
    Ok(get()?.current_num_threads())
}

/// Runs `f` with the GIL released, on this module's pool (any rayon work inside — the model
/// builder's row sort, batch decoding — stays off the global pool, which a forked child
/// cannot use).
pub(crate) fn detached<T: Send>(py: pyo3::Python<'_>, f: impl FnOnce() -> T + Send) -> PyResult<T> {
    let pool = get()?;
    Ok(py.detach(|| pool.install(f)))
}
