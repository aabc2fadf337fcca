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
