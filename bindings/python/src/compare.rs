//! Side-by-side comparisons and their reports, the same library calls as `quboflow compare`.

use std::sync::Arc;
use std::sync::atomic::AtomicBool;

use pyo3::prelude::*;
use quboflow::Progress;
use quboflow::compare::{Comparison, ComparisonReport, Observer};
use quboflow::report::ReportFormat;
use quboflow_runtime::SolverKind;

use crate::errors::{IntoPy, model_error};
use crate::problem::{NativeEncoded, NativeInstance};
use crate::run::{Latest, interruptible, params};

/// Passes each run's progress to the waiting thread, labelled with solver and run.
struct Watch {
    latest: Arc<Latest>,
    label: std::sync::Mutex<String>,
    /// Runs finished so far and in all.
    runs: std::sync::Mutex<(u64, u64)>,
}

impl Observer for Watch {
    fn run_started(&self, label: &str, repeat: usize, index: usize, total: usize) {
        let l = format!("{label} run {}", repeat + 1);
        if let Ok(mut g) = self.label.lock() {
            g.clone_from(&l);
        }
        if let Ok(mut r) = self.runs.lock() {
            *r = (index as u64, total as u64);
        }
        let p = Progress {
            done: index as u64,
            total: total as u64,
            best_energy: None,
            elapsed: std::time::Duration::ZERO,
        };
        self.latest.set(&p, &l);
    }

    fn progress(&self, p: &Progress) {
        let l = self.label.lock().map(|g| g.clone()).unwrap_or_default();
        if let Ok(mut g) = self.latest.progress.lock()
            && let Some(cur) = g.as_mut()
        {
            cur.2 = p.best_energy;
            cur.3 = l;
        }
    }

    fn run_finished(&self, label: &str, repeat: usize) {
        let (done, total) = self.runs.lock().map(|r| *r).unwrap_or_default();
        let p = Progress {
            done: done + 1,
            total,
            best_energy: None,
            elapsed: std::time::Duration::ZERO,
        };
        self.latest.set(&p, &format!("{label} run {}", repeat + 1));
    }
}

/// Runs `solvers` (`(label, solver name, parameters as JSON)`) on `target`, `repeats` times
/// each with seeds derived from `seed`; returns the report as JSON.
#[pyfunction]
#[pyo3(signature = (target, solvers, repeats=5, seed=None, time_limit=None, repair=false,
                    reference=None, name=None, progress=None, instance=None, baseline=None))]
#[allow(clippy::too_many_arguments)]
pub(crate) fn compare(
    py: Python<'_>,
    target: &NativeEncoded,
    solvers: Vec<(String, String, String)>,
    repeats: usize,
    seed: Option<u64>,
    time_limit: Option<f64>,
    repair: bool,
    reference: Option<String>,
    name: Option<String>,
    progress: Option<Py<PyAny>>,
    instance: Option<PyRef<'_, NativeInstance>>,
    baseline: Option<std::path::PathBuf>,
) -> PyResult<String> {
    if solvers.is_empty() {
        return Err(model_error("solvers: give at least one solver"));
    }
    if repeats == 0 {
        return Err(model_error("repeats must be at least 1"));
    }
    let limit = quboflow_runtime::time_limit("time_limit", time_limit).py_err()?;
    let enc = &target.inner;
    if repair {
        enc.check_repair().py_err()?;
    }
    let reference = enc
        .choose_reference(reference.as_deref(), "reference")
        .py_err()?;
    // Routing and packing instances get their classical baseline, and the user's plan.
    let baselines = match (&instance, &baseline) {
        (Some(i), plan) => {
            quboflow_problems::comparison_baselines(&i.inner, plan.as_deref()).py_err()?
        }
        (None, Some(_)) => {
            return Err(model_error(
                "baseline: a plan can be priced on a TSP or CVRP problem (or its file), not on this model",
            ));
        }
        (None, None) => Vec::new(),
    };
    let abort = Arc::new(AtomicBool::new(false));
    let latest = Arc::new(Latest::default());
    let mut cmp = Comparison::new()
        .repeats(repeats)
        .maybe_seed(seed)
        .time_limit(limit)
        .repair(repair)
        .abort_flag(Arc::clone(&abort));
    for (k, (label, kind, json)) in solvers.iter().enumerate() {
        if solvers[..k].iter().any(|s| s.0 == *label) {
            return Err(model_error(format!("solvers: {label} is listed twice")));
        }
        let kind: SolverKind = kind.parse().map_err(model_error)?;
        let solver = quboflow_runtime::build(kind, &params(json)?).py_err()?;
        cmp = cmp.boxed_solver(label, solver);
    }
    if progress.is_some() {
        cmp = cmp.observer(Arc::new(Watch {
            latest: Arc::clone(&latest),
            label: Default::default(),
            runs: Default::default(),
        }));
    }
    let report = interruptible(py, &abort, &latest, progress.as_ref(), || {
        let mut t = enc.target();
        t.reference = reference;
        t.baselines = baselines;
        if let Some(n) = name {
            t.name = n;
        }
        cmp.run(&t)
    })?
    .py_err()?;
    Ok(quboflow::report::to_json(&report))
}

fn parse(json: &str) -> PyResult<ComparisonReport> {
    serde_json::from_str(json).map_err(|e| model_error(format!("not a comparison report: {e}")))
}

/// The report in `format` (txt, md, csv, json, html).
#[pyfunction]
pub(crate) fn render_report(json: &str, format: &str) -> PyResult<String> {
    let f = ReportFormat::from_path(std::path::Path::new(&format!("report.{format}"))).py_err()?;
    Ok(quboflow::report::render(&parse(json)?, f))
}

/// Writes the report to `path`, its extension choosing the format.
#[pyfunction]
pub(crate) fn write_report(json: &str, path: std::path::PathBuf) -> PyResult<()> {
    quboflow::report::write(&parse(json)?, &path).py_err()
}
