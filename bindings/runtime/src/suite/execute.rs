//! Running one [`RunSpec`]: open its instance (cached per process), build its solver from the
//! registry, run it once with its seed, and turn the measured run into a [`Record`].

use std::collections::HashMap;
use std::sync::atomic::AtomicBool;
use std::sync::{Arc, Mutex, OnceLock};
use std::time::Instant;

use quboflow::compare::{Comparison, this_machine};
use quboflow::{Error as CoreError, TIMED_OUT_READS, Termination, VERSION};
use quboflow_problems::{Encoded, Encoding, FileFormat, OpenOptions, Penalty};

use super::canonical::sha256_file;
use super::record::{
    InstanceSummary, Provenance, RECORD_VERSION, Record, RunResult, RunStatus, Timing, bits,
    git_commit, hostname, result_sha256,
};
use super::spec::{InstanceSpec, RunSpec};
use crate::SolverKind;

/// Opens a run's instance with its format, encoding and penalty; errors as text.
pub(crate) fn open(i: &InstanceSpec) -> Result<Encoded, String> {
    let format = i
        .format
        .as_deref()
        .map(str::parse::<FileFormat>)
        .transpose()?;
    let encoding = i
        .encoding
        .as_deref()
        .map(str::parse::<Encoding>)
        .transpose()?
        .unwrap_or_default();
    let options = OpenOptions {
        format,
        vartype: None,
        encoding,
        penalty: Penalty::from(i.penalty),
    };
    quboflow_problems::open(&i.path, &options).map_err(|e| e.to_string())
}

/// How many encoded instances a [`Runner`] keeps: a suite runs every solver on an instance
/// before the next, so a few suffice, and large encodings do not pile up.
const CACHE_SIZE: usize = 4;

type CacheKey = (String, Option<String>, Option<u64>, String);

/// Runs [`RunSpec`]s in this process, keeping the last few encoded instances so a suite
/// does not re-read a file for every solver and repeat.
#[derive(Default)]
pub struct Runner {
    cache: Mutex<Vec<(CacheKey, Arc<Encoded>)>>,
    cancel: Arc<AtomicBool>,
}

impl Runner {
    /// A runner with an empty cache.
    pub fn new() -> Self {
        Self::default()
    }

    /// Shares a cancel flag: once set, the run in flight stops and [`Runner::run`] returns
    /// `Err(Cancelled)`, so nothing half-done is recorded.
    pub fn cancel_flag(mut self, flag: Arc<AtomicBool>) -> Self {
        self.cancel = flag;
        self
    }

    pub(crate) fn encoded_for(&self, i: &InstanceSpec) -> Result<(Arc<Encoded>, f64), String> {
        let key: CacheKey = (
            i.path.display().to_string(),
            i.encoding.clone(),
            i.penalty.map(f64::to_bits),
            i.sha256.clone(),
        );
        if let Ok(c) = self.cache.lock()
            && let Some((_, e)) = c.iter().find(|(k, _)| *k == key)
        {
            return Ok((Arc::clone(e), 0.0));
        }
        let t0 = Instant::now();
        let plain = i.path.to_string_lossy();
        let file = plain.rsplit_once('#').map_or(plain.as_ref(), |(f, _)| f);
        let sha = sha256_file(std::path::Path::new(file))?;
        if sha != i.sha256 {
            return Err(format!(
                "{}: the file changed since the suite was expanded (SHA-256 {sha}, expected {})",
                i.path.display(),
                i.sha256
            ));
        }
        let enc = Arc::new(open(i)?);
        let s = t0.elapsed().as_secs_f64();
        if let Ok(mut c) = self.cache.lock() {
            if c.len() >= CACHE_SIZE {
                c.remove(0);
            }
            c.push((key, Arc::clone(&enc)));
        }
        Ok((enc, s))
    }

    /// Runs `spec` once and returns its record. A solver that cannot take the instance, or
    /// fails, gives a record saying so; an instance that no longer opens, or a cancelled run,
    /// is an error (nothing to record).
    pub fn run(&self, spec: &RunSpec) -> Result<Record, RunError> {
        let (enc, open_s) = self
            .encoded_for(&spec.instance)
            .map_err(RunError::Instance)?;
        let reference = enc
            .choose_reference(spec.instance.reference.as_deref(), "reference")
            .map_err(|e| RunError::Instance(e.to_string()))?;
        let kind: SolverKind = spec
            .solver
            .parse()
            .map_err(|_| RunError::Solver(format!("unknown solver {}", spec.solver)))?;
        let solver =
            crate::build(kind, &spec.params).map_err(|e| RunError::Solver(e.to_string()))?;
        let limit = crate::time_limit("time_limit", spec.time_limit_s)
            .map_err(|e| RunError::Solver(e.to_string()))?;
        let cmp = Comparison::new()
            .time_limit(limit)
            .cancel_flag(Arc::clone(&self.cancel));
        let mut target = enc.target();
        target.reference = reference.clone();
        let one = in_pool(spec.threads, || {
            cmp.run_one(solver.as_ref(), &target, spec.seed)
        })
        .map_err(|e| RunError::Solver(e.to_string()))?;
        let mut reproducible = true;
        let (status, reason, result, effective, execution, wall, ttt) = match one {
            Ok(one) => {
                let r = &one.run;
                reproducible = r.termination == Termination::Completed
                    && one.counters.get(TIMED_OUT_READS).copied().unwrap_or(0) == 0;
                let best_feasible = one
                    .best_feasible_sample
                    .as_ref()
                    .filter(|s| **s != one.lowest_sample)
                    .map(|s| bits(s));
                let result = RunResult {
                    termination: r.termination,
                    num_reads: r.num_reads,
                    best_energy: r.best_energy,
                    mean_energy: r.mean_energy,
                    best_objective: r.best_objective,
                    feasible_fraction: r.feasible_fraction,
                    distinct_energies: r.energies.len(),
                    best_sample: bits(&one.lowest_sample),
                    best_feasible_sample: best_feasible,
                    energy_mismatches: r.energy_mismatches,
                    variational: r.variational.clone(),
                };
                (
                    RunStatus::Ok,
                    None,
                    Some(result),
                    one.params,
                    r.execution.clone(),
                    r.wall_s,
                    r.time_to_target_s,
                )
            }
            Err(CoreError::Cancelled) => return Err(RunError::Cancelled),
            Err(e @ (CoreError::TooLarge { .. } | CoreError::OutOfMemory { .. })) => (
                RunStatus::Skipped,
                Some(e.to_string()),
                None,
                solver.params(),
                None,
                0.0,
                None,
            ),
            Err(e) => (
                RunStatus::Failed,
                Some(e.to_string()),
                None,
                solver.params(),
                None,
                0.0,
                None,
            ),
        };
        let ev: &dyn quboflow::compare::Evaluate = enc.as_ref();
        Ok(Record {
            record_version: RECORD_VERSION,
            run_id: spec.run_id.clone(),
            run: spec.clone(),
            instance: InstanceSummary {
                name: enc.name().to_string(),
                problem: ev.problem(),
                encoding: enc.encoding.to_string(),
                num_vars: enc.qubo.num_vars(),
                objective_name: ev.objective_name(),
                sense: ev.sense(),
            },
            reference,
            status,
            reason,
            effective_params: effective,
            result_sha256: result_sha256(result.as_ref()),
            result,
            reproducible,
            execution,
            timing: Timing {
                wall_s: wall,
                time_to_target_s: ttt,
                open_s,
                finished_unix_s: std::time::SystemTime::now()
                    .duration_since(std::time::UNIX_EPOCH)
                    .map(|d| d.as_secs_f64())
                    .unwrap_or(0.0),
            },
            provenance: provenance(),
        })
    }
}

/// Why a run has no record.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum RunError {
    /// The instance cannot be opened as the run names it (missing, changed, unreadable).
    #[error("{0}")]
    Instance(String),
    /// The solver cannot be built from the run's parameters.
    #[error("{0}")]
    Solver(String),
    /// The run was cancelled.
    #[error("cancelled")]
    Cancelled,
}

fn provenance() -> Provenance {
    static MACHINE: OnceLock<(quboflow::compare::Machine, String)> = OnceLock::new();
    let (machine, host) = MACHINE.get_or_init(|| (this_machine(), hostname()));
    Provenance {
        version: VERSION.to_string(),
        git_commit: git_commit().to_string(),
        machine: machine.clone(),
        hostname: host.clone(),
    }
}

/// Runs `f` on a pool of `threads` workers (`None`: the current pool). Pools are kept per
/// size, since building one costs more than a short run, and per process: in a process
/// forked from one that built them (Python's multiprocessing on Linux) their threads do not
/// exist, and installing work on them would wait forever.
fn in_pool<T: Send>(threads: Option<usize>, f: impl FnOnce() -> T + Send) -> Result<T, String> {
    type Pools = (u32, HashMap<usize, Arc<rayon::ThreadPool>>);
    static POOLS: OnceLock<Mutex<Pools>> = OnceLock::new();
    let Some(n) = threads else { return Ok(f()) };
    if n == rayon::current_num_threads() {
        return Ok(f());
    }
    let pool = {
        let mut pools = POOLS
            .get_or_init(|| Mutex::new((std::process::id(), HashMap::new())))
            .lock()
            .unwrap_or_else(|e| e.into_inner());
        let pid = std::process::id();
        if pools.0 != pid {
            // Inherited across fork: dropping these pools would wait on threads that do not
            // exist here, so they are leaked.
            for p in std::mem::take(&mut pools.1).into_values() {
                std::mem::forget(p);
            }
            pools.0 = pid;
        }
        match pools.1.get(&n) {
            Some(p) => Arc::clone(p),
            None => {
                let p = Arc::new(
                    rayon::ThreadPoolBuilder::new()
                        .num_threads(n)
                        .build()
                        .map_err(|e| format!("cannot start {n} threads: {e}"))?,
                );
                pools.1.insert(n, Arc::clone(&p));
                p
            }
        }
    };
    Ok(pool.install(f))
}
