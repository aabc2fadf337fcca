//! Benchmark suites from Python: expand a suite file into run specs (JSON), run one spec
//! (what an executor's worker calls), append records, report. The same library calls as
//! `quboflow suite`.

use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, OnceLock};

use pyo3::prelude::*;
use quboflow_runtime::suite::{self, ResultsFile, RunError, RunSpec, Runner, Suite};

use crate::errors::{Kind, model_error, raise};
use crate::run::{Latest, interruptible};

fn suite_error(e: &suite::SuiteError) -> PyErr {
    raise(
        if e.line.is_some() {
            Kind::Parse
        } else {
            Kind::Model
        },
        e.to_string(),
    )
}

/// `(name, [run spec JSON])` of a suite file, or of shard `k` of `n`.
#[pyfunction]
#[pyo3(signature = (path, shard=None))]
pub(crate) fn suite_expand(
    py: Python<'_>,
    path: PathBuf,
    shard: Option<(usize, usize)>,
) -> PyResult<(String, Vec<String>)> {
    if let Some((k, n)) = shard
        && (k == 0 || n == 0 || k > n)
    {
        return Err(model_error(format!(
            "shard must be (k, n) with 1 ≤ k ≤ n, not ({k}, {n})"
        )));
    }
    let s = py
        .detach(|| Suite::load(&path))
        .map_err(|e| suite_error(&e))?;
    let runs: Vec<&RunSpec> = match shard {
        Some((k, n)) => s.shard(k, n).map_err(model_error)?,
        None => s.runs.iter().collect(),
    };
    let specs = runs
        .into_iter()
        .map(|r| serde_json::to_string(r).map_err(|e| model_error(e.to_string())))
        .collect::<PyResult<Vec<_>>>()?;
    Ok((s.name, specs))
}

/// The process's runner: its instance cache serves every run a worker is sent.
fn runner() -> &'static (Runner, Arc<AtomicBool>) {
    static RUNNER: OnceLock<(Runner, Arc<AtomicBool>)> = OnceLock::new();
    RUNNER.get_or_init(|| {
        let flag = Arc::new(AtomicBool::new(false));
        (Runner::new().cancel_flag(Arc::clone(&flag)), flag)
    })
}

/// Runs one spec (JSON) and returns its record (JSON), with the GIL released; Ctrl-C stops
/// it and raises `KeyboardInterrupt`.
#[pyfunction]
pub(crate) fn suite_run(py: Python<'_>, spec: &str) -> PyResult<String> {
    let spec: RunSpec = serde_json::from_str(spec)
        .map_err(|e| model_error(format!("not a suite run spec: {e}")))?;
    let (runner, flag) = runner();
    flag.store(false, Ordering::SeqCst);
    let latest = Arc::new(Latest::default());
    let out = interruptible(py, flag, &latest, None, || runner.run(&spec))?;
    let record = match out {
        Ok(r) => r,
        Err(RunError::Cancelled) => {
            return Err(pyo3::exceptions::PyKeyboardInterrupt::new_err(
                "the run was cancelled",
            ));
        }
        Err(e) => {
            return Err(model_error(format!(
                "run {} ({} on {}): {e}",
                spec.run_id, spec.label, spec.instance.key
            )));
        }
    };
    serde_json::to_string(&record).map_err(|e| model_error(e.to_string()))
}

/// Appends record lines (JSON, one per record) to a results file, syncing after each.
#[pyfunction]
pub(crate) fn suite_append(py: Python<'_>, path: PathBuf, records: Vec<String>) -> PyResult<()> {
    py.detach(|| -> Result<(), suite::SuiteError> {
        let mut f = ResultsFile::append(&path)?;
        for r in &records {
            let line = format!("{}\n", r.trim_end());
            f.write_line(&line)?;
        }
        Ok(())
    })
    .map_err(|e| suite_error(&e))
}

/// The flat row (JSON) of each record (JSON): what `run_suite`'s DataFrame shows, gap, hit
/// and saving computed by the library.
#[pyfunction]
pub(crate) fn suite_rows(records: Vec<String>) -> PyResult<Vec<String>> {
    records
        .iter()
        .map(|r| {
            let rec: suite::Record = serde_json::from_str(r)
                .map_err(|e| model_error(format!("not a suite record: {e}")))?;
            Ok(rec.row().to_string())
        })
        .collect()
}

/// `[record JSON]` of results files, merged on run id.
#[pyfunction]
pub(crate) fn suite_read(py: Python<'_>, paths: Vec<PathBuf>) -> PyResult<Vec<String>> {
    let records = py
        .detach(|| suite::read_records(&paths))
        .map_err(|e| suite_error(&e))?;
    records
        .records
        .iter()
        .map(|r| serde_json::to_string(r).map_err(|e| model_error(e.to_string())))
        .collect()
}

/// The suite report over results files as JSON; also written to each of `reports`.
#[pyfunction]
#[pyo3(signature = (paths, reports=Vec::new()))]
pub(crate) fn suite_report(
    py: Python<'_>,
    paths: Vec<PathBuf>,
    reports: Vec<PathBuf>,
) -> PyResult<String> {
    py.detach(|| -> Result<String, suite::SuiteError> {
        for p in &reports {
            suite::check_report_path(p)?;
        }
        let records = suite::read_records(&paths)?;
        let rep = suite::aggregate(&records);
        for p in &reports {
            suite::write_report(&rep, p)?;
        }
        Ok(suite::to_json(&rep))
    })
    .map_err(|e| suite_error(&e))
}
