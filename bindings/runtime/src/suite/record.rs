//! One record per run: what ran (the [`RunSpec`]), what it returned ([`RunResult`], hashed),
//! how long it took and where. The layout is `solver/schema/suite-record.schema.json`.

use serde::{Deserialize, Serialize};

use quboflow::Termination;
use quboflow::compare::{Execution, Machine, Reference, Variational};

use super::canonical::{hex, sha256_json};
use super::spec::RunSpec;

/// Version of the record layout; bumped on any incompatible change.
pub const RECORD_VERSION: u32 = 1;

/// Whether a run produced a result.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RunStatus {
    /// The solver returned samples (possibly stopped by its time limit: see the result's
    /// `termination`).
    Ok,
    /// The solver cannot take this instance (too many variables, too little memory).
    Skipped,
    /// The solver failed; `reason` says why.
    Failed,
}

/// What a run returned, every figure recomputed from its samples. Deterministic for a
/// deterministic solver and seed: [`Record::result_sha256`] hashes exactly this.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RunResult {
    /// Why the run ended (a run stopped by its time limit is not reproducible by design).
    pub termination: Termination,
    /// Reads returned.
    pub num_reads: u64,
    /// Lowest recomputed energy.
    pub best_energy: f64,
    /// Mean recomputed energy over all reads.
    pub mean_energy: f64,
    /// Best native objective among the raw-feasible reads (`None`: none was feasible).
    pub best_objective: Option<f64>,
    /// Fraction of reads whose raw decode is feasible.
    pub feasible_fraction: f64,
    /// Distinct energies among the reads.
    pub distinct_energies: usize,
    /// The lowest-energy read as a 0/1 string (variable 0 first).
    pub best_sample: String,
    /// The raw-feasible read with the best objective, when it is not `best_sample`.
    pub best_feasible_sample: Option<String>,
    /// Reads whose energy the solver reported differently from the recomputed one.
    pub energy_mismatches: u64,
    /// QAOA-style figures (p, ⟨C⟩, …), for solvers that record them.
    pub variational: Option<Variational>,
}

/// Times of a run; never part of the result's hash.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Timing {
    /// Wall time of the solver's `sample` call, in seconds.
    pub wall_s: f64,
    /// Seconds until the solver's progress first showed the reference (runs that reached it).
    pub time_to_target_s: Option<f64>,
    /// Seconds reading and encoding the instance (0 when this process had it cached).
    pub open_s: f64,
    /// Seconds since the Unix epoch when the run finished.
    pub finished_unix_s: f64,
}

/// Where and with what a run ran.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Provenance {
    /// The quboflow version.
    pub version: String,
    /// The git commit the binary was built from (`unknown` outside a checkout).
    pub git_commit: String,
    /// The machine.
    pub machine: Machine,
    /// The host's name.
    pub hostname: String,
}

/// One run of a suite, as one line of a results file.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Record {
    /// [`RECORD_VERSION`].
    pub record_version: u32,
    /// The run's id (also `run.run_id`), the key results merge on.
    pub run_id: String,
    /// What ran: instance (with its SHA-256), solver, parameters, seed.
    pub run: RunSpec,
    /// Instance name, problem and size as read.
    pub instance: InstanceSummary,
    /// The reference gaps are measured against, when one is known or given.
    pub reference: Option<Reference>,
    /// Whether the run produced a result.
    pub status: RunStatus,
    /// Why it was skipped or failed.
    pub reason: Option<String>,
    /// The solver's effective parameters (its defaults filled in).
    pub effective_params: serde_json::Value,
    /// What it returned (`None` when skipped or failed).
    pub result: Option<RunResult>,
    /// False when the result depends on the machine's speed: the run was stopped by its time
    /// limit, or a read by its per-read timeout (tabu). `suite verify` expects every other
    /// run to repeat exactly.
    pub reproducible: bool,
    /// SHA-256 of `result`'s canonical JSON (of `null` when there is none).
    pub result_sha256: String,
    /// Remote execution (jobs, shots, cost), for QAOA on a remote or noisy backend.
    pub execution: Option<Execution>,
    /// Times.
    pub timing: Timing,
    /// Version, commit, machine.
    pub provenance: Provenance,
}

/// The instance as the run read it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct InstanceSummary {
    /// Its name (the file's NAME, or the file stem).
    pub name: String,
    /// The problem (`tsp`, `cvrp`, `knapsack`, `maxcut`, `qubo`, …).
    pub problem: String,
    /// The encoding used (`none` for QUBO files).
    pub encoding: String,
    /// QUBO variables.
    pub num_vars: usize,
    /// What the native objective is called.
    pub objective_name: String,
    /// Whether it is minimised or maximised.
    pub sense: quboflow::Sense,
}

/// Relative tolerance for "reached the reference" (as `compare`'s default).
pub const HIT_TOLERANCE: f64 = 1e-9;

/// Gap of `value` to `reference` in percent (positive = worse); 0 when both are 0, `None`
/// for any other value against a zero reference.
pub fn gap_to(sense: quboflow::Sense, value: f64, reference: f64) -> Option<f64> {
    if reference == 0.0 {
        return (value == 0.0).then_some(0.0);
    }
    quboflow::compare::gap_percent(sense, value, reference)
}

impl Record {
    /// The run's best objective, when it produced a feasible read.
    pub fn best_objective(&self) -> Option<f64> {
        self.result.as_ref().and_then(|r| r.best_objective)
    }

    /// Gap of the best objective to the recorded reference, in percent.
    pub fn gap_percent(&self) -> Option<f64> {
        let r = self.reference.as_ref()?;
        gap_to(self.instance.sense, self.best_objective()?, r.value)
    }

    /// Whether the best objective reached the recorded reference (`None` without either).
    pub fn hit(&self) -> Option<bool> {
        let r = self.reference.as_ref()?;
        Some(quboflow::compare::reaches(
            self.instance.sense,
            self.best_objective()?,
            r.value,
            HIT_TOLERANCE,
        ))
    }

    /// Cost saved against the user's plan, in percent of the plan (see
    /// [`quboflow::compare::saving_percent`]).
    pub fn saving_percent(&self) -> Option<f64> {
        quboflow::compare::saving_percent(
            self.instance.sense,
            self.best_objective()?,
            self.run.instance.baseline?,
        )
    }

    /// One flat row of the record: identity, result, the gap, hit and saving above, times,
    /// cost and provenance (the columns of Python's `run_suite` DataFrame).
    pub fn row(&self) -> serde_json::Value {
        let res = self.result.as_ref();
        serde_json::json!({
            "run_id": self.run_id,
            "index": self.run.index,
            "suite": self.run.suite,
            "instance": self.instance.name,
            "instance_key": self.run.instance.key,
            "problem": self.instance.problem,
            "solver": self.run.solver,
            "label": self.run.label,
            "repeat": self.run.repeat,
            "seed": self.run.seed,
            "status": self.status,
            "termination": res.map(|r| r.termination),
            "best_energy": res.map(|r| r.best_energy),
            "mean_energy": res.map(|r| r.mean_energy),
            "best_objective": self.best_objective(),
            "feasible_fraction": res.map(|r| r.feasible_fraction),
            "reference": self.reference.as_ref().map(|r| r.value),
            "reference_kind": self.reference.as_ref().map(|r| r.kind),
            "gap_percent": self.gap_percent(),
            "hit": self.hit(),
            "baseline": self.run.instance.baseline,
            "saving_percent": self.saving_percent(),
            "wall_s": self.timing.wall_s,
            "time_to_target_s": self.timing.time_to_target_s,
            "cost_usd": self.execution.as_ref().map(|e| e.cost_usd),
            "reproducible": self.reproducible,
            "result_sha256": self.result_sha256,
            "version": self.provenance.version,
            "git_commit": self.provenance.git_commit,
            "hostname": self.provenance.hostname,
            "reason": self.reason,
        })
    }
}

/// SHA-256 (hex) of a result, as recorded in [`Record::result_sha256`].
pub fn result_sha256(result: Option<&RunResult>) -> String {
    let v = serde_json::to_value(result).unwrap_or(serde_json::Value::Null);
    hex(&sha256_json(&v))
}

/// A 0/1 string of a sample.
pub(crate) fn bits(sample: &[u8]) -> String {
    sample
        .iter()
        .map(|&b| if b == 0 { '0' } else { '1' })
        .collect()
}

/// A 0/1 string back to a sample; `None` if it holds another character.
pub(crate) fn parse_bits(s: &str) -> Option<Vec<u8>> {
    s.bytes()
        .map(|b| match b {
            b'0' => Some(0),
            b'1' => Some(1),
            _ => None,
        })
        .collect()
}

/// The commit this build came from.
pub(crate) fn git_commit() -> &'static str {
    option_env!("QUBOFLOW_GIT_COMMIT").unwrap_or("unknown")
}

/// The host's name (`HOSTNAME`, else `/etc/hostname`, else `unknown`).
pub(crate) fn hostname() -> String {
    std::env::var("HOSTNAME")
        .ok()
        .filter(|h| !h.is_empty())
        .or_else(|| {
            std::fs::read_to_string("/etc/hostname")
                .ok()
                .map(|s| s.trim().to_string())
                .filter(|h| !h.is_empty())
        })
        .unwrap_or_else(|| "unknown".into())
}
