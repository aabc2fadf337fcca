//! Long Rust calls with the GIL released: the work runs on a helper thread while the calling
//! thread waits on it, waking every few milliseconds to let Python handle signals (Ctrl-C
//! aborts the run and raises `KeyboardInterrupt`) and to pass progress to a callback.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use numpy::{IntoPyArray, PyArray1, PyArray2};
use pyo3::exceptions::PyRuntimeError;
use pyo3::prelude::*;
use quboflow::{Progress, RunControl, SampleSet};
use quboflow_runtime::SolverKind;

use crate::errors::{IntoPy, model_error};
use crate::model::NativeModel;

/// How often the waiting thread looks at signals and progress. Ctrl-C must act within
/// 0.5 s; 50 ms keeps the check's cost (one GIL round trip) far below a solve's.
const TICK: Duration = Duration::from_millis(50);

/// `(done, total, best_energy, label)`, as the Python callback takes them.
pub(crate) type Report = (u64, u64, Option<f64>, String);

/// The latest progress a run reported, for the waiting thread to pass on.
#[derive(Default)]
pub(crate) struct Latest {
    pub(crate) progress: Mutex<Option<Report>>,
}

impl Latest {
    pub(crate) fn set(&self, p: &Progress, label: &str) {
        if let Ok(mut g) = self.progress.lock() {
            *g = Some((p.done, p.total, p.best_energy, label.to_string()));
        }
    }
}

/// Runs `work` off the GIL; Ctrl-C sets `abort` (the run's result is unwanted, so a solver
/// may drop a long step half-done) and, once the work has stopped, raises
/// `KeyboardInterrupt`; `callback(done, total, best_energy, label)` sees progress.
pub(crate) fn interruptible<T: Send>(
    py: Python<'_>,
    abort: &Arc<AtomicBool>,
    latest: &Arc<Latest>,
    callback: Option<&Py<PyAny>>,
    work: impl FnOnce() -> T + Send,
) -> PyResult<T> {
    let pool = crate::pool::get()?;
    py.detach(|| {
        std::thread::scope(|s| {
            let (tx, rx) = mpsc::channel();
            let worker = s.spawn(move || {
                let out = pool.install(work);
                let _ = tx.send(());
                out
            });
            let mut interrupted: Option<PyErr> = None;
            loop {
                match rx.recv_timeout(TICK) {
                    Ok(()) | Err(mpsc::RecvTimeoutError::Disconnected) => break,
                    Err(mpsc::RecvTimeoutError::Timeout) => {}
                }
                if interrupted.is_some() {
                    continue;
                }
                let step = Python::attach(|py| -> PyResult<()> {
                    py.check_signals()?;
                    if let Some(cb) = callback {
                        let p = latest.progress.lock().ok().and_then(|mut g| g.take());
                        if let Some((done, total, best, label)) = p {
                            cb.call1(py, (done, total, best, label))?;
                        }
                    }
                    Ok(())
                });
                if let Err(e) = step {
                    // Stop the work, then wait for it: nothing is left running.
                    abort.store(true, Ordering::SeqCst);
                    interrupted = Some(e);
                }
            }
            // A last report, so a short run still shows where it ended.
            if interrupted.is_none()
                && let Some(cb) = callback
            {
                let p = latest.progress.lock().ok().and_then(|mut g| g.take());
                if let Some((done, total, best, label)) = p {
                    let step =
                        Python::attach(|py| cb.call1(py, (done, total, best, label)).map(drop));
                    if let Err(e) = step {
                        interrupted = Some(e);
                    }
                }
            }
            let out = worker
                .join()
                .map_err(|_| PyRuntimeError::new_err("internal error: the solver panicked"))?;
            match interrupted {
                Some(e) => Err(e),
                None => Ok(out),
            }
        })
    })
}

/// Samples as returned to Python: `(samples, energies, num_occurrences, info_json)`, rows
/// sorted by energy, samples binary (one column per variable).
pub(crate) type Rows<'py> = (
    Bound<'py, PyArray2<u8>>,
    Bound<'py, PyArray1<f64>>,
    Bound<'py, PyArray1<i64>>,
    String,
);

pub(crate) fn rows<'py>(py: Python<'py>, set: &SampleSet) -> PyResult<Rows<'py>> {
    let n = set.num_vars;
    let mut flat = Vec::with_capacity(set.samples.len() * n);
    for s in &set.samples {
        flat.extend_from_slice(&s.sample);
    }
    let samples = numpy::ndarray::Array2::from_shape_vec((set.samples.len(), n), flat)
        .map_err(|e| PyRuntimeError::new_err(e.to_string()))?;
    let energies: Vec<f64> = set.samples.iter().map(|s| s.energy).collect();
    let counts: Vec<i64> = set
        .samples
        .iter()
        .map(|s| i64::try_from(s.num_occurrences).unwrap_or(i64::MAX))
        .collect();
    let info = serde_json::to_string(&set.info).map_err(|e| model_error(e.to_string()))?;
    Ok((
        samples.into_pyarray(py),
        energies.into_pyarray(py),
        counts.into_pyarray(py),
        info,
    ))
}

/// Parses a JSON parameter map (the Python layer has already turned numpy values into JSON).
pub(crate) fn params(json: &str) -> PyResult<quboflow_runtime::Params> {
    match serde_json::from_str::<serde_json::Value>(json) {
        Ok(serde_json::Value::Object(m)) => Ok(m),
        Ok(other) => Err(model_error(format!(
            "parameters must be a mapping, got {other}"
        ))),
        Err(e) => Err(model_error(format!("parameters are not valid JSON: {e}"))),
    }
}

/// Runs solver `solver` (a registry name: exact, descent, sa, pt, tabu, qaoa) with `params`
/// on `model`, releasing the GIL.
#[pyfunction]
#[pyo3(signature = (model, solver, params_json, seed=None, time_limit=None, progress=None))]
pub(crate) fn sample<'py>(
    py: Python<'py>,
    model: &NativeModel,
    solver: &str,
    params_json: &str,
    seed: Option<u64>,
    time_limit: Option<f64>,
    progress: Option<Py<PyAny>>,
) -> PyResult<Rows<'py>> {
    let kind: SolverKind = solver.parse().map_err(model_error)?;
    let built = quboflow_runtime::build(kind, &params(params_json)?).py_err()?;
    let limit = quboflow_runtime::time_limit("time_limit", time_limit).py_err()?;
    let abort = Arc::new(AtomicBool::new(false));
    let latest = Arc::new(Latest::default());
    let mut ctl = RunControl::new()
        .maybe_seed(seed)
        .maybe_time_limit(limit)
        .abort_flag(Arc::clone(&abort));
    if progress.is_some() {
        let l = Arc::clone(&latest);
        ctl = ctl.progress(move |p| l.set(p, kind.name()));
    }
    let qubo = Arc::clone(&model.qubo);
    let set = interruptible(py, &abort, &latest, progress.as_ref(), move || {
        built.sample(&qubo, &ctl)
    })?
    .py_err()?;
    rows(py, &set)
}
