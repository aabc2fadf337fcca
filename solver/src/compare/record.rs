//! The data of a comparison report: what was run, on what, and what every run returned.
//!
//! This is the stable machine format (`ComparisonReport::to_json`); its fields are pinned by
//! `solver/tests/compare_schema.rs` against `solver/schema/compare-report.schema.json`.

use serde::{Deserialize, Serialize};

use crate::objective::Sense;
use crate::sampleset::Termination;

/// Version of the serialised [`ComparisonReport`] layout; bumped on any incompatible change.
pub const REPORT_FORMAT_VERSION: u32 = 1;

/// What kind of value the gaps are measured against. Reports always say which.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ReferenceKind {
    /// A proven optimum (e.g. TSPLIB's optimal tour lengths).
    ProvenOptimum,
    /// The best value known from the literature; a solver may beat it.
    BestKnown,
    /// A value the user gave.
    User,
    /// No value was known: the best feasible objective any solver in this comparison found.
    BestFound,
}

impl ReferenceKind {
    /// The label used in tables ("proven optimum", "best known", …).
    pub fn label(self) -> &'static str {
        match self {
            ReferenceKind::ProvenOptimum => "proven optimum",
            ReferenceKind::BestKnown => "best known",
            ReferenceKind::User => "user value",
            ReferenceKind::BestFound => "best found in this comparison",
        }
    }
}

/// The value gaps are measured against, in the native objective's units.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Reference {
    /// The value.
    pub value: f64,
    /// What kind of value it is.
    pub kind: ReferenceKind,
    /// Where it came from (a table's path, `"--reference"`, or the solver that found it).
    pub source: String,
}

/// The instance a comparison ran on.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct InstanceInfo {
    /// Instance name (file stem or the file's NAME field).
    pub name: String,
    /// The file it was read from, if any.
    pub path: Option<String>,
    /// The problem (`"tsp"`, `"cvrp"`, `"knapsack"`, `"maxcut"`, `"qubo"`, …).
    pub problem: String,
    /// The encoding, for instances encoded by quboflow (`"tsp-position"`, …).
    pub encoding: Option<String>,
    /// Number of QUBO variables.
    pub num_vars: usize,
    /// Number of nonzero couplings.
    pub num_interactions: usize,
    /// What the native objective is called (`"tour length"`, `"cut weight"`, `"energy"`).
    pub objective_name: String,
    /// Whether the native objective is minimised or maximised.
    pub sense: Sense,
}

/// The settings every solver ran under.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Settings {
    /// Runs per solver.
    pub repeats: usize,
    /// The base seed; run `r` of every solver uses `seeds[r]`.
    pub base_seed: u64,
    /// The seed of each repeat (derived from `base_seed`, the same for every solver).
    pub seeds: Vec<u64>,
    /// Wall-clock limit per run, in seconds.
    pub time_limit_s: Option<f64>,
    /// Whether repair was asked for (repaired results are reported separately, flagged).
    pub repair: bool,
    /// Relative tolerance for "reached the reference" (default 1e-9).
    pub target_tolerance: f64,
}

/// The machine a comparison ran on.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Machine {
    /// CPU model (from `/proc/cpuinfo` on Linux; `"unknown"` elsewhere).
    pub cpu_model: String,
    /// Logical cores the process may use.
    pub logical_cores: usize,
    /// Worker threads the solvers used (rayon's pool).
    pub threads: usize,
    /// Operating system and architecture (`"linux x86_64"`).
    pub os: String,
}

/// Whether a solver ran.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    /// Every repeat ran (possibly stopped by the time limit, see each run's termination).
    Ok,
    /// The solver cannot take this instance (Exact beyond its size limit, QAOA beyond memory).
    Skipped,
    /// The solver failed or returned samples that do not fit the model.
    Failed,
    /// The comparison was cancelled before this solver finished its repeats.
    Cancelled,
}

/// Results of a variational solver's final state (QAOA), read from the keys it records in
/// [`crate::Info::extra`]: `p`, `expectation`, `approximation_ratio`, `probability_of_best`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Variational {
    /// Circuit depth (layers).
    pub p: usize,
    /// ⟨C⟩ at the final angles (energy units, offset included).
    pub expectation: f64,
    /// `(C_max − ⟨C⟩) / (C_max − C_min)` over the states the final state reaches, if recorded.
    pub approximation_ratio: Option<f64>,
    /// Probability of the lowest-energy sampled bitstring in the final state.
    pub probability_of_best: Option<f64>,
}

/// Where a run's circuits executed and what that cost, for solvers that run on a remote or
/// simulated-hardware backend; read from the `backend_usage` object they record in
/// [`crate::Info::extra`] (`backend`, `jobs`, `circuits`, `shots`, `estimated_cost_usd`,
/// `queue_ms`, `execution_ms`, and `fallback.used`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Execution {
    /// Backend name (`ionq:qpu.aria-1`).
    pub name: String,
    /// Jobs submitted (or resumed).
    pub jobs: u64,
    /// Circuits run.
    pub circuits: u64,
    /// Shots over all circuits.
    pub shots: u64,
    /// Estimated cost in USD (the backend's price table or its own estimate).
    pub cost_usd: f64,
    /// Seconds jobs waited in the queue.
    pub queue_s: f64,
    /// Seconds the backend reports executing them.
    pub execution_s: f64,
    /// Runs (in a summary) or whether this run (0/1) moved to a fallback backend.
    pub fallback_runs: u64,
}

/// Where a baseline comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum BaselineKind {
    /// A classical heuristic or exact method on the native problem (not a QUBO solver).
    Classical,
    /// The user's own current plan (a tour or routes file), priced on the instance.
    Plan,
}

/// A classical answer on the native objective, reported beside the QUBO solvers: an OR
/// heuristic, or the user's current plan. Never a QUBO result.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct BaselineResult {
    /// Name in reports (`nn+2opt+oropt`, `clarke-wright+ls`, `knapsack-dp`, `plan`).
    pub name: String,
    /// Classical method or the user's plan.
    pub kind: BaselineKind,
    /// Its native objective, recomputed from its solution on the instance.
    pub objective: f64,
    /// True when it violates no native constraint.
    pub feasible: bool,
    /// True when the method proves the value optimal.
    pub optimal: bool,
    /// Seconds it took (0 for a plan).
    pub wall_s: f64,
    /// Where it came from (the method's description, or the plan file).
    pub source: String,
    /// Gap to the report's reference, in percent (positive = worse).
    pub gap_percent: Option<f64>,
}

/// One run of one solver, every figure recomputed from its samples.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RunRecord {
    /// Repeat index (0-based).
    pub repeat: usize,
    /// The seed it ran with.
    pub seed: u64,
    /// Wall time of the `sample` call, in seconds.
    pub wall_s: f64,
    /// Why the run ended.
    pub termination: Termination,
    /// Reads returned (sum of occurrences).
    pub num_reads: u64,
    /// Lowest recomputed energy.
    pub best_energy: f64,
    /// Mean recomputed energy over all reads.
    pub mean_energy: f64,
    /// Best native objective among the raw-feasible reads (`None`: no read was feasible).
    pub best_objective: Option<f64>,
    /// Fraction of reads whose raw decode is feasible.
    pub feasible_fraction: f64,
    /// Native objective of the repaired lowest-energy read (only with repair; flagged as
    /// repaired in every output, never mixed with raw results).
    pub repaired_objective: Option<f64>,
    /// Gap of `best_objective` to the reference, in percent (positive = worse).
    pub gap_percent: Option<f64>,
    /// True when `best_objective` reached the reference (within the tolerance).
    pub hit: bool,
    /// Seconds until the solver's progress reports first showed the target energy (an upper
    /// bound at the solver's reporting granularity; the wall time if they never showed it).
    pub time_to_target_s: Option<f64>,
    /// Samples whose energy the solver reported differently from the recomputed one.
    pub energy_mismatches: u64,
    /// Largest |reported − recomputed| energy.
    pub max_energy_error: f64,
    /// The solver's progress reports: `[seconds, best energy so far]` at each improvement.
    pub trace: Vec<[f64; 2]>,
    /// Every distinct recomputed energy with its count, lowest first.
    pub energies: Vec<[f64; 2]>,
    /// QAOA-style figures, for solvers that record them.
    pub variational: Option<Variational>,
    /// Remote execution, for solvers that record it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub execution: Option<Execution>,
    /// What each part of a decomposition run contributed ([`crate::solvers::Hybrid`]).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub decomposition: Option<crate::solvers::Decomposition>,
}

/// Everything measured for one solver.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SolverSummary {
    /// Label in the comparison (usually the solver's name).
    pub label: String,
    /// The solver's own name ([`crate::Solver::name`]).
    pub solver: String,
    /// Whether it ran.
    pub status: Status,
    /// Why it was skipped or failed.
    pub reason: Option<String>,
    /// Effective parameters, from the first run's [`crate::Info::params`].
    pub params: serde_json::Value,
    /// Lowest recomputed energy over all runs.
    pub best_energy: Option<f64>,
    /// Mean recomputed energy over all reads of all runs.
    pub mean_energy: Option<f64>,
    /// Best raw-feasible native objective over all runs.
    pub best_objective: Option<f64>,
    /// Mean over runs of each run's best raw-feasible objective (runs with one).
    pub mean_objective: Option<f64>,
    /// Fraction of all reads that were raw-feasible.
    pub raw_feasible_fraction: Option<f64>,
    /// Best repaired objective (flagged; only with repair).
    pub repaired_best_objective: Option<f64>,
    /// Gap of `best_objective` to the reference, in percent.
    pub gap_percent: Option<f64>,
    /// Mean of the runs' gaps, in percent (runs with a feasible read).
    pub mean_gap_percent: Option<f64>,
    /// Runs that reached the reference.
    pub hits: usize,
    /// Runs that produced a result.
    pub runs_completed: usize,
    /// `hits / runs_completed`.
    pub success_probability: Option<f64>,
    /// Mean wall time per run, in seconds.
    pub mean_wall_s: Option<f64>,
    /// Mean time to target over the runs that reached it, in seconds.
    pub time_to_target_s: Option<f64>,
    /// Time to reach the reference with 99 % probability by independent restarts:
    /// `t · ln(0.01) / ln(1 − p)` (`t` when `p ≥ 0.99`; undefined when `p = 0`).
    pub tts99_s: Option<f64>,
    /// Samples whose reported energy differed from the recomputed one, over all runs.
    pub energy_mismatches: u64,
    /// Mean QAOA-style figures over the runs, for solvers that record them.
    pub variational: Option<Variational>,
    /// Cost saved (positive) or lost (negative) by `best_objective` against the user's plan,
    /// in percent of the plan's cost (for a maximised objective: value gained), when a plan
    /// was given.
    #[serde(default)]
    pub saving_vs_plan_percent: Option<f64>,
    /// Remote execution summed over the runs (cost per run = `cost_usd / runs_completed`,
    /// the "cost per optimisation"), for solvers that record it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub backend: Option<Execution>,
    /// Decomposition contributions summed over the runs, for [`crate::solvers::Hybrid`].
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub decomposition: Option<crate::solvers::Decomposition>,
    /// A drawing of the best solution over the runs (best raw-feasible, else lowest
    /// energy), when the problem has one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub picture: Option<super::Picture>,
    /// Every run.
    pub runs: Vec<RunRecord>,
}

/// A comparison's result: instance, reference, settings, machine, and one summary per solver.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ComparisonReport {
    /// Layout version ([`REPORT_FORMAT_VERSION`]).
    pub format_version: u32,
    /// The quboflow version that produced it.
    pub version: String,
    /// Seconds since the Unix epoch when the comparison finished.
    pub created_unix_s: u64,
    /// The instance.
    pub instance: InstanceInfo,
    /// The value gaps are measured against (`None` when no solver found a feasible solution
    /// and none was known).
    pub reference: Option<Reference>,
    /// The settings.
    pub settings: Settings,
    /// The machine.
    pub machine: Machine,
    /// True when the comparison was cancelled before every run finished.
    pub interrupted: bool,
    /// Things a reader must know (a solver misreporting energies, a proven optimum beaten).
    pub warnings: Vec<String>,
    /// One entry per solver, in the order they were added.
    pub solvers: Vec<SolverSummary>,
    /// Classical baselines and the user's plan, on the native objective (routing and packing
    /// instances; empty otherwise).
    #[serde(default)]
    pub baselines: Vec<BaselineResult>,
}
