//! Side-by-side runs of several solvers on one model.
//!
//! [`Comparison`] runs every solver `repeats` times with derived seeds (the same seeds for every
//! solver) and returns a [`ComparisonReport`]. Every figure in it is recomputed from the
//! returned samples: energies from the bitstrings, native objectives and feasibility through an
//! [`Evaluate`]; a solver's own claims are only checked, and a mismatch is reported as a
//! warning. [`crate::report`] renders the report as text, Markdown, CSV, JSON and HTML.
//!
//! ```
//! use quboflow::compare::{Comparison, Target};
//! use quboflow::solvers::{Exact, SimulatedAnnealing};
//! use quboflow::{Objective, QuboBuilder};
//!
//! // Max-Cut of a triangle: the best cut has weight 2.
//! let mut b = QuboBuilder::new(3);
//! for (i, j) in [(0, 1), (1, 2), (0, 2)] {
//!     b.add_linear(i, -1.0);
//!     b.add_linear(j, -1.0);
//!     b.add_quadratic(i, j, 2.0);
//! }
//! let qubo = b.build()?;
//! let cut = Objective::max_cut();
//! let report = Comparison::new()
//!     .solver("exact", Exact::default())
//!     .solver("sa", SimulatedAnnealing::default())
//!     .repeats(2)
//!     .seed(7)
//!     .run(&Target::new("triangle", &qubo, &cut))?;
//! assert_eq!(report.solvers[0].best_objective, Some(2.0));
//! assert_eq!(report.solvers[1].hits, 2);
//! # Ok::<(), quboflow::Error>(())
//! ```

mod assess;
mod evaluate;
mod machine;
mod measure;
mod picture;
mod record;

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

pub use assess::{Assessment, BestFeasible, assess};
pub use evaluate::{Evaluate, Evaluation, gap_percent};
pub use machine::this_machine;
pub use measure::{reaches, tts};
pub use picture::{FillBin, FillItem, Picture, PicturePath};
pub use record::{
    BaselineKind, BaselineResult, ComparisonReport, Execution, InstanceInfo, Machine,
    REPORT_FORMAT_VERSION, Reference, ReferenceKind, RunRecord, Settings, SolverSummary, Status,
    Variational,
};

use crate::control::{Progress, RunControl, derive_seed};
use crate::error::{Error, Result};
use crate::qubo::Qubo;
use crate::sampleset::VERSION;
use crate::solver::Solver;
use evaluate::better;

/// The model a comparison runs on, with how to judge its samples.
pub struct Target<'a> {
    /// Instance name.
    pub name: String,
    /// The file it came from, if any.
    pub path: Option<String>,
    /// The model every solver samples.
    pub qubo: &'a Qubo,
    /// Native objective and feasibility of a sample.
    pub evaluator: &'a dyn Evaluate,
    /// The encoding, for instances encoded by quboflow.
    pub encoding: Option<String>,
    /// What to call the problem in reports (default: the evaluator's
    /// [`Evaluate::problem`]); e.g. the file format of a plain QUBO file.
    pub problem: Option<String>,
    /// The value gaps are measured against; `None`: the best found by any solver (labelled).
    pub reference: Option<Reference>,
    /// Classical baselines and the user's plan, reported beside the solvers (their gaps are
    /// filled in by the comparison).
    pub baselines: Vec<BaselineResult>,
}

impl<'a> Target<'a> {
    /// A target with no path, encoding or known reference.
    pub fn new(name: &str, qubo: &'a Qubo, evaluator: &'a dyn Evaluate) -> Self {
        Target {
            name: name.to_string(),
            path: None,
            qubo,
            evaluator,
            encoding: None,
            problem: None,
            reference: None,
            baselines: Vec::new(),
        }
    }

    /// Sets the reference value.
    pub fn reference(mut self, reference: Option<Reference>) -> Self {
        self.reference = reference;
        self
    }
}

/// What a caller sees of a comparison while it runs (progress bars, logs).
pub trait Observer: Send + Sync {
    /// Run `repeat` of solver `label` starts; it is run `index` of `total` (0-based).
    fn run_started(&self, _label: &str, _repeat: usize, _index: usize, _total: usize) {}
    /// A progress report of the current run.
    fn progress(&self, _p: &Progress) {}
    /// The current run ended.
    fn run_finished(&self, _label: &str, _repeat: usize) {}
}

/// Runs several solvers on one model and reports them side by side.
pub struct Comparison {
    solvers: Vec<(String, Box<dyn Solver>)>,
    repeats: usize,
    seed: Option<u64>,
    time_limit: Option<Duration>,
    repair: bool,
    target_tolerance: f64,
    cancel: Arc<AtomicBool>,
    abort: Arc<AtomicBool>,
    observer: Option<Arc<dyn Observer>>,
}

impl Default for Comparison {
    fn default() -> Self {
        Comparison {
            solvers: Vec::new(),
            repeats: 5,
            seed: None,
            time_limit: None,
            repair: false,
            target_tolerance: 1e-9,
            cancel: Arc::new(AtomicBool::new(false)),
            abort: Arc::new(AtomicBool::new(false)),
            observer: None,
        }
    }
}

impl Comparison {
    /// No solvers; 5 repeats; seed drawn and recorded; no time limit; no repair.
    pub fn new() -> Self {
        Self::default()
    }

    /// Adds a solver under `label`.
    pub fn solver(mut self, label: &str, solver: impl Solver + 'static) -> Self {
        self.solvers.push((label.to_string(), Box::new(solver)));
        self
    }

    /// Adds a boxed solver under `label`.
    pub fn boxed_solver(mut self, label: &str, solver: Box<dyn Solver>) -> Self {
        self.solvers.push((label.to_string(), solver));
        self
    }

    /// Runs per solver (default 5, at least 1).
    pub fn repeats(mut self, repeats: usize) -> Self {
        self.repeats = repeats;
        self
    }

    /// Base seed; repeat `r` of every solver uses `derive_seed(seed, r)`.
    pub fn seed(mut self, seed: u64) -> Self {
        self.seed = Some(seed);
        self
    }

    /// Sets the base seed if `Some`.
    pub fn maybe_seed(mut self, seed: Option<u64>) -> Self {
        self.seed = seed.or(self.seed);
        self
    }

    /// Wall-clock limit of each run (default none).
    pub fn time_limit(mut self, limit: Option<Duration>) -> Self {
        self.time_limit = limit;
        self
    }

    /// Also repairs each run's lowest-energy sample (reported separately, flagged).
    pub fn repair(mut self, repair: bool) -> Self {
        self.repair = repair;
        self
    }

    /// Relative tolerance for "reached the reference" (default 1e-9).
    pub fn target_tolerance(mut self, tol: f64) -> Self {
        self.target_tolerance = tol;
        self
    }

    /// Shares a cancel flag: once set, the current run stops and no further run starts.
    pub fn cancel_flag(mut self, flag: Arc<AtomicBool>) -> Self {
        self.cancel = flag;
        self
    }

    /// Shares an abort flag ([`RunControl::abort_flag`]): as the cancel flag, but the current
    /// run may end without a result (its report is unwanted).
    pub fn abort_flag(mut self, flag: Arc<AtomicBool>) -> Self {
        self.abort = flag;
        self
    }

    /// Installs an observer (progress display).
    pub fn observer(mut self, observer: Arc<dyn Observer>) -> Self {
        self.observer = Some(observer);
        self
    }

    /// Runs every solver on `target` and returns the report.
    ///
    /// A solver that cannot take the instance (too many variables, too little memory) is
    /// reported as skipped with the reason; one that fails or returns samples that do not fit
    /// the model as failed. Only invalid settings are errors.
    pub fn run(&self, target: &Target<'_>) -> Result<ComparisonReport> {
        if self.repeats == 0 {
            return Err(Error::InvalidParameter {
                name: "repeats",
                reason: "must be at least 1".into(),
            });
        }
        if !(self.target_tolerance >= 0.0 && self.target_tolerance.is_finite()) {
            return Err(Error::InvalidParameter {
                name: "target_tolerance",
                reason: format!("must be a finite number ≥ 0, not {}", self.target_tolerance),
            });
        }
        if let Some(r) = &target.reference
            && !r.value.is_finite()
        {
            return Err(Error::InvalidParameter {
                name: "reference",
                reason: format!("must be finite, not {}", r.value),
            });
        }
        // Every run is kept (a record of a few hundred bytes, more with its energy trace):
        // refuse a repeat count whose records alone could not fit, before allocating them.
        crate::memory::check_allocation(
            || format!("{} repeats of {} solvers", self.repeats, self.solvers.len()),
            crate::memory::bytes(self.repeats, 512)
                .saturating_mul(self.solvers.len().max(1) as u64),
        )?;
        let base_seed = self
            .seed
            .unwrap_or_else(|| RunControl::new().resolve_seed());
        let seeds: Vec<u64> = (0..self.repeats)
            .map(|r| derive_seed(base_seed, r as u64))
            .collect();
        let ev = target.evaluator;
        let total = self.solvers.len() * self.repeats;
        let mut summaries = Vec::with_capacity(self.solvers.len());
        let mut interrupted = false;
        for (k, (label, solver)) in self.solvers.iter().enumerate() {
            let mut s = measure::empty_summary(label, solver.name());
            s.params = solver.params();
            // The sample the picture shows: the best raw-feasible one, else the lowest energy.
            let mut shown: Option<(bool, f64, Vec<u8>)> = None;
            for (r, &seed) in seeds.iter().enumerate() {
                if self.cancel.load(Ordering::Relaxed) || self.abort.load(Ordering::Relaxed) {
                    interrupted = true;
                    s.status = Status::Cancelled;
                    s.reason = Some("the comparison was cancelled".into());
                    break;
                }
                if let Some(o) = &self.observer {
                    o.run_started(label, r, k * self.repeats + r, total);
                }
                let outcome = self.one_run(solver.as_ref(), target, seed);
                if let Some(o) = &self.observer {
                    o.run_finished(label, r);
                }
                match outcome.map(|o| (o.run, o.params, o.lowest_sample, o.best_feasible_sample)) {
                    Ok((mut run, params, lowest, feasible)) => {
                        let candidate = match (feasible, run.best_objective) {
                            (Some(x), Some(obj)) => (true, obj, x),
                            _ => (false, run.best_energy, lowest),
                        };
                        let better_shown = match &shown {
                            None => true,
                            Some((f, v, _)) => {
                                (candidate.0 && !f)
                                    || (candidate.0 == *f
                                        && if candidate.0 {
                                            evaluate::better(ev.sense(), candidate.1, *v)
                                        } else {
                                            candidate.1 < *v
                                        })
                            }
                        };
                        if better_shown {
                            shown = Some(candidate);
                        }
                        run.repeat = r;
                        if r == 0 {
                            s.params = params;
                        }
                        s.runs.push(run);
                    }
                    Err(Error::Cancelled) => {
                        interrupted = true;
                        s.status = Status::Cancelled;
                        s.reason = Some("the comparison was cancelled".into());
                        break;
                    }
                    Err(e @ (Error::TooLarge { .. } | Error::OutOfMemory { .. })) => {
                        s.status = Status::Skipped;
                        s.reason = Some(e.to_string());
                        break;
                    }
                    Err(e) => {
                        s.status = Status::Failed;
                        s.reason = Some(e.to_string());
                        break;
                    }
                }
            }
            s.picture = shown.and_then(|(_, _, x)| ev.picture(&x));
            summaries.push(s);
        }
        let reference = target
            .reference
            .clone()
            .or_else(|| best_found(&summaries, ev));
        let mut warnings = Vec::new();
        let plan = target
            .baselines
            .iter()
            .find(|b| b.kind == BaselineKind::Plan)
            .map(|b| b.objective);
        for s in &mut summaries {
            for run in &mut s.runs {
                measure::score_run(run, ev, reference.as_ref(), self.target_tolerance);
            }
            measure::summarise(s, ev.sense());
            s.saving_vs_plan_percent = plan
                .zip(s.best_objective)
                .and_then(|(p, b)| saving_percent(ev.sense(), b, p));
            warn_about(s, reference.as_ref(), ev, &mut warnings);
        }
        let baselines = target
            .baselines
            .iter()
            .map(|b| BaselineResult {
                gap_percent: reference
                    .as_ref()
                    .and_then(|r| gap_percent(ev.sense(), b.objective, r.value)),
                ..b.clone()
            })
            .collect();
        Ok(ComparisonReport {
            format_version: REPORT_FORMAT_VERSION,
            version: VERSION.to_string(),
            created_unix_s: std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .map(|d| d.as_secs())
                .unwrap_or(0),
            instance: InstanceInfo {
                name: target.name.clone(),
                path: target.path.clone(),
                problem: target.problem.clone().unwrap_or_else(|| ev.problem()),
                encoding: target.encoding.clone(),
                num_vars: target.qubo.num_vars(),
                num_interactions: target.qubo.num_interactions(),
                objective_name: ev.objective_name(),
                sense: ev.sense(),
            },
            reference,
            settings: Settings {
                repeats: self.repeats,
                base_seed,
                seeds,
                time_limit_s: self.time_limit.map(|d| d.as_secs_f64()),
                repair: self.repair,
                target_tolerance: self.target_tolerance,
            },
            machine: this_machine(),
            interrupted,
            warnings,
            solvers: summaries,
            baselines,
        })
    }

    /// One run of `solver` on `target` with `seed`, under this comparison's time limit,
    /// cancel flag, repair setting and observer: measured like every run of [`Comparison::run`]
    /// and scored against `target.reference` (gap, hit, time to target). What a suite runs.
    ///
    /// ```
    /// use quboflow::compare::{Comparison, Target};
    /// use quboflow::solvers::Exact;
    /// use quboflow::{Objective, QuboBuilder};
    /// let mut b = QuboBuilder::new(2);
    /// b.add_linear(0, -1.0).add_linear(1, -1.0).add_quadratic(0, 1, 2.0);
    /// let q = b.build()?;
    /// let cut = Objective::max_cut();
    /// let one = Comparison::new().run_one(&Exact::default(), &Target::new("edge", &q, &cut), 7)?;
    /// assert_eq!((one.run.seed, one.run.best_objective), (7, Some(1.0)));
    /// assert_eq!(q.energy(&one.lowest_sample), one.run.best_energy);
    /// # Ok::<(), quboflow::Error>(())
    /// ```
    pub fn run_one(&self, solver: &dyn Solver, target: &Target<'_>, seed: u64) -> Result<OneRun> {
        let mut one = self.one_run(solver, target, seed)?;
        measure::score_run(
            &mut one.run,
            target.evaluator,
            target.reference.as_ref(),
            self.target_tolerance,
        );
        Ok(one)
    }

    /// One `sample` call with a progress trace, measured; also the parameters it recorded
    /// (effective values, e.g. the β range derived from the model).
    fn one_run(&self, solver: &dyn Solver, target: &Target<'_>, seed: u64) -> Result<OneRun> {
        let trace: Arc<Mutex<Vec<[f64; 2]>>> = Arc::default();
        let t2 = Arc::clone(&trace);
        let observer = self.observer.clone();
        let ctl = RunControl::new()
            .seed(seed)
            .maybe_time_limit(self.time_limit)
            .cancel_flag(Arc::clone(&self.cancel))
            .abort_flag(Arc::clone(&self.abort))
            .progress(move |p: &Progress| {
                if let Some(e) = p.best_energy
                    && let Ok(mut t) = t2.lock()
                    && t.last().is_none_or(|last| e < last[1])
                {
                    t.push([p.elapsed.as_secs_f64(), e]);
                }
                if let Some(o) = &observer {
                    o.progress(p);
                }
            });
        let t0 = Instant::now();
        let ss = solver.sample(target.qubo, &ctl)?;
        let wall = t0.elapsed().as_secs_f64();
        let (mut run, lowest_sample, best_feasible_sample) =
            measure::measure_run(target.qubo, target.evaluator, &ss, self.repair).map_err(
                |message| Error::SolverFailed {
                    solver: solver.name(),
                    message,
                },
            )?;
        run.seed = seed;
        run.wall_s = wall;
        run.trace = trace.lock().map(|t| t.clone()).unwrap_or_default();
        if ss.info.seed != seed {
            return Err(Error::SolverFailed {
                solver: solver.name(),
                message: format!("ran with seed {} instead of {seed}", ss.info.seed),
            });
        }
        Ok(OneRun {
            run,
            counters: ss.info.counters,
            params: ss.info.params,
            lowest_sample,
            best_feasible_sample,
        })
    }
}

/// One measured run ([`Comparison::run_one`]): its record, the parameters the solver
/// recorded, and the bitstrings its figures come from.
#[derive(Debug, Clone, PartialEq)]
pub struct OneRun {
    /// The run's figures, recomputed from its samples and scored against the reference.
    pub run: RunRecord,
    /// The solver's effective parameters ([`crate::Info::params`]).
    pub params: serde_json::Value,
    /// The solver's work counters ([`crate::Info::counters`]).
    pub counters: std::collections::BTreeMap<String, u64>,
    /// The lowest-energy read (its energy is `run.best_energy`).
    pub lowest_sample: Vec<u8>,
    /// The raw-feasible read with the best native objective (`run.best_objective`).
    pub best_feasible_sample: Option<Vec<u8>>,
}

/// Cost saved against a plan, in percent of the plan (value gained for a maximised
/// objective); `None` for a zero plan.
///
/// ```
/// use quboflow::{Sense, compare::saving_percent};
/// assert_eq!(saving_percent(Sense::Minimize, 90.0, 100.0), Some(10.0));
/// assert_eq!(saving_percent(Sense::Maximize, 90.0, 100.0), Some(-10.0));
/// ```
pub fn saving_percent(sense: crate::Sense, value: f64, plan: f64) -> Option<f64> {
    if plan == 0.0 || !plan.is_finite() {
        return None;
    }
    Some(match sense {
        crate::Sense::Minimize => (plan - value) / plan.abs() * 100.0,
        crate::Sense::Maximize => (value - plan) / plan.abs() * 100.0,
    })
}

/// The best feasible objective of all runs, as a "best found" reference.
fn best_found(summaries: &[SolverSummary], ev: &dyn Evaluate) -> Option<Reference> {
    let mut best: Option<(f64, &str)> = None;
    for s in summaries {
        for r in &s.runs {
            if let Some(o) = r.best_objective
                && best.is_none_or(|(b, _)| better(ev.sense(), o, b))
            {
                best = Some((o, &s.label));
            }
        }
    }
    best.map(|(value, label)| Reference {
        value,
        kind: ReferenceKind::BestFound,
        source: format!("found by {label}"),
    })
}

/// Warnings a reader must not miss.
fn warn_about(
    s: &SolverSummary,
    reference: Option<&Reference>,
    ev: &dyn Evaluate,
    out: &mut Vec<String>,
) {
    if s.energy_mismatches > 0 {
        let worst = s
            .runs
            .iter()
            .map(|r| r.max_energy_error)
            .fold(0.0, f64::max);
        out.push(format!(
            "{}: the solver reported energies that differ from the recomputed ones on {} reads \
             (largest difference {worst}); this report uses the recomputed energies",
            s.label, s.energy_mismatches
        ));
    }
    if let (Some(r), Some(b)) = (reference, s.best_objective)
        && measure::reaches(ev.sense(), b, r.value, 0.0)
        && b != r.value
    {
        match r.kind {
            ReferenceKind::ProvenOptimum => out.push(format!(
                "{}: objective {b} beats the proven optimum {} — the instance, its encoding or \
                 the reference is wrong",
                s.label, r.value
            )),
            ReferenceKind::BestKnown | ReferenceKind::User => out.push(format!(
                "{}: objective {b} improves on the {} value {}",
                s.label,
                r.kind.label(),
                r.value
            )),
            ReferenceKind::BestFound => {}
        }
    }
    if s.status == Status::Ok && !s.runs.is_empty() && s.best_objective.is_none() {
        out.push(format!(
            "{}: no read of any run was feasible (raw); see the repaired column if repair was asked",
            s.label
        ));
    }
}
