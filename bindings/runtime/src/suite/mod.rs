//! Benchmark suites: many instances × solvers × parameters × seeds as independent runs.
//!
//! A suite file ([`Suite::load`]) expands into [`RunSpec`]s whose seeds derive from their run
//! ids, so any subset, in any order, on any machine, gives the same numbers. Each run
//! ([`Runner::run`]) gives one [`Record`], appended to a JSON Lines results file
//! ([`ResultsFile`]) and synced before the next run starts. Shards ([`Suite::shard`]) and
//! resumed runs merge by concatenation ([`read_records`]); [`aggregate`] turns records into a
//! [`SuiteReport`]; [`verify`] re-runs records and reports the reproducibility error.
//!
//! ```
//! use quboflow_runtime::suite::{Suite, Runner};
//! let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../testdata");
//! let suite = Suite::parse(r#"
//!     seed = 7
//!     repeats = 2
//!     [[instances]]
//!     path = "burma14_first5.tsp"
//!     [[solvers]]
//!     solver = "sa"
//!     params = { num_reads = 4 }
//!     sweep = { num_sweeps = [50, 100] }
//! "#, &dir.join("example.toml"))?;
//! assert_eq!(suite.runs.len(), 4); // 1 instance × 2 sweep points × 2 repeats
//! assert_eq!(suite.runs[0].label, "sa[num_sweeps=50]");
//! let record = Runner::new().run(&suite.runs[0])?;
//! assert_eq!(record.run_id, suite.runs[0].run_id);
//! assert!(record.result.unwrap().best_objective.is_some());
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

mod aggregate;
mod canonical;
mod error;
mod execute;
mod files;
mod record;
mod render;
mod spec;
mod store;
mod sweep;
mod verify;

use std::path::Path;

pub use aggregate::{
    Cell, InstanceRow, PROFILE_TAUS, SUITE_REPORT_VERSION, SolverOverall, SuiteReport, aggregate,
    manifest,
};
pub use error::SuiteError;
pub use execute::{RunError, Runner};
pub use record::{
    HIT_TOLERANCE, InstanceSummary, Provenance, RECORD_VERSION, Record, RunResult, RunStatus,
    Timing, gap_to, result_sha256,
};
pub use render::{check_report_path, to_csv, to_html, to_json, to_markdown, to_text, write_report};
pub use spec::{InstanceSpec, MAX_RUNS, RunSpec, Suite, parse_shard};
pub use store::{Records, ResultsFile, read_records, recorded_ids};
pub use verify::{
    Finding, Manifest, ManifestCheck, VerifyReport, manifest_json, read_manifest, verify,
};

/// What a caller sees of a suite while it runs (a progress bar, a log).
pub trait SuiteObserver {
    /// The suite starts: `total` runs to do, `already` of them skipped as recorded.
    fn started(&self, _total: usize, _already: usize) {}
    /// A run finished and was recorded; `done` of `total`.
    fn finished(&self, _record: &Record, _done: usize, _total: usize) {}
}

/// An observer that shows nothing.
pub struct Silent;

impl SuiteObserver for Silent {}

/// What a serial suite run did.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct SuiteRun {
    /// Runs run and recorded now.
    pub ran: usize,
    /// Runs skipped because the results file already held them (`resume`).
    pub already: usize,
    /// Of those run now, how many were skipped by their solver or failed (recorded so).
    pub not_ok: usize,
    /// True when the suite was cancelled; the run in flight was not recorded.
    pub cancelled: bool,
}

/// Runs `runs` one after another in this process, appending each record to `results`.
///
/// Without `resume`, a results file that already holds records is refused (so two suites
/// never mix by accident); with it, runs already recorded there are skipped and a last line
/// cut short by a killed run is removed.
pub fn run_serial(
    runs: &[&RunSpec],
    results: &Path,
    resume: bool,
    runner: &Runner,
    observer: &dyn SuiteObserver,
) -> Result<SuiteRun, SuiteError> {
    let done = if resume {
        recorded_ids(results)?
    } else {
        if std::fs::metadata(results).is_ok_and(|m| m.len() > 0) {
            return Err(SuiteError::at(
                results,
                None,
                "the results file already holds records: pass --resume to continue it, or name a new file".into(),
            ));
        }
        Default::default()
    };
    let todo: Vec<&RunSpec> = runs
        .iter()
        .copied()
        .filter(|r| !done.contains(&r.run_id))
        .collect();
    let mut out = SuiteRun {
        already: runs.len() - todo.len(),
        ..Default::default()
    };
    let mut file = ResultsFile::append(results)?;
    observer.started(todo.len(), out.already);
    for (k, spec) in todo.iter().enumerate() {
        let record = match runner.run(spec) {
            Ok(r) => r,
            Err(RunError::Cancelled) => {
                out.cancelled = true;
                break;
            }
            Err(e) => {
                return Err(SuiteError::at(
                    results,
                    None,
                    format!(
                        "run {} ({} on {}): {e}",
                        spec.run_id, spec.label, spec.instance.key
                    ),
                ));
            }
        };
        file.write(&record)?;
        out.ran += 1;
        if record.status != RunStatus::Ok {
            out.not_ok += 1;
        }
        observer.finished(&record, k + 1, todo.len());
    }
    Ok(out)
}
