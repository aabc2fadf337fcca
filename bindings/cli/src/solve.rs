//! `quboflow solve`: run one solver on a model and report the best solution.

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use anyhow::Context;
use clap::{Args, ValueEnum};
use quboflow::io::Model;
use quboflow::solvers::{
    BetaScheduleType, Exact, ParallelTempering, SimulatedAnnealing, SteepestDescent, Tabu,
};
use quboflow::{RunControl, SampleSet, Solver, Termination};
use serde_json::{Value, json};

use crate::input::InputArgs;
use crate::problem::{self, Encoding};
use crate::progress;
use crate::qaoa::QaoaOpts;
use quboflow::Constraints;
use quboflow_problems::Instance;

/// The solvers `solve` can run.
#[derive(ValueEnum, Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum SolverKind {
    /// Exhaustive enumeration (up to --max-num-vars variables).
    Exact,
    /// Multi-start steepest descent.
    Descent,
    /// Simulated annealing (dwave-samplers' parameters and defaults).
    Sa,
    /// Parallel tempering (replica exchange).
    Pt,
    /// Multistart tabu search (Palubeckis MST2 family).
    Tabu,
    /// QAOA on the statevector simulator (see `quboflow qaoa` for angle evaluation and QASM).
    Qaoa,
}

/// Arguments of `quboflow solve`.
#[derive(Args, Debug)]
pub(crate) struct SolveArgs {
    #[command(flatten)]
    input: InputArgs,

    /// Which solver to run.
    #[arg(long, value_enum, default_value = "descent")]
    solver: SolverKind,

    /// Seed (default: drawn at random and reported, so the run can be repeated).
    #[arg(long)]
    seed: Option<u64>,

    /// Wall-clock limit for the solver, in seconds; the best found so far is reported.
    #[arg(long, value_name = "SECONDS")]
    time_limit: Option<f64>,

    /// Print one JSON document on stdout (the stable machine format).
    #[arg(long)]
    json: bool,

    /// Also write the JSON document, with every sample, to this file.
    #[arg(short = 'o', long = "output", value_name = "FILE")]
    output: Option<PathBuf>,

    /// [descent, sa, pt] Number of reads (default: 10, or one per initial state; pt: 1).
    #[arg(long)]
    num_reads: Option<usize>,

    /// [descent, sa] File of start states, one 0/1 string per line (first reads start there).
    #[arg(long, value_name = "FILE")]
    initial_states: Option<PathBuf>,

    /// [sa, pt] Sweeps per read (default 1000).
    #[arg(long)]
    num_sweeps: Option<usize>,

    /// [sa] Sweeps at each β (default 1; must divide --num-sweeps).
    #[arg(long)]
    num_sweeps_per_beta: Option<usize>,

    /// [sa, pt] β range as HOT,COLD (default: dwave-samplers' rule from the model).
    #[arg(long, value_name = "HOT,COLD", value_parser = parse_pair)]
    beta_range: Option<(f64, f64)>,

    /// [sa] geometric (default), linear or custom.
    #[arg(long, value_name = "TYPE")]
    beta_schedule_type: Option<BetaScheduleType>,

    /// [sa] The β values of a custom schedule, comma-separated.
    #[arg(long, value_name = "B1,B2,...", value_delimiter = ',')]
    beta_schedule: Option<Vec<f64>>,

    /// [pt] Number of replicas (temperatures) (default 32).
    #[arg(long)]
    num_replicas: Option<usize>,

    /// [tabu] Iterations a flipped variable stays tabu (default min(20, n/4)).
    #[arg(long)]
    tenure: Option<usize>,

    /// [tabu] Tabu phases per read: the first plus restarts (default 1000000).
    #[arg(long)]
    num_restarts: Option<usize>,

    /// [tabu] Iterations without improvement that end a phase (default clamp(20n, 2000, 100000)).
    #[arg(long)]
    max_stagnation: Option<usize>,

    /// [tabu] Budget per read in seconds (default: --time-limit, else 0.02 as in dwave-samplers).
    #[arg(long, value_name = "SECONDS")]
    timeout: Option<f64>,

    /// [exact] How many of the lowest-energy states to return (default 10).
    #[arg(long)]
    num_states: Option<usize>,

    /// [exact] Largest problem to enumerate, in variables (default 30, at most 62).
    #[arg(long)]
    max_num_vars: Option<usize>,

    /// [sa, tabu] Move set: auto (constraint-preserving for encoded logistics instances,
    /// single flips for plain QUBOs), single-flip, or constrained.
    #[arg(long, value_enum, default_value = "auto")]
    moves: Moves,

    /// [instance files] Encoding (default: the problem's exact default).
    #[arg(long, value_enum, default_value = "auto")]
    encoding: Encoding,

    /// [instance files] Penalty weight A (default: the encoding's provably safe value).
    #[arg(long)]
    penalty: Option<f64>,

    /// [instance files] Also repair the lowest-energy sample to a feasible solution (reported
    /// separately and flagged; never mixed with raw results).
    #[arg(long)]
    repair: bool,

    #[command(flatten)]
    qaoa: QaoaOpts,
}

/// Move sets of the classical solvers.
#[derive(ValueEnum, Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Moves {
    /// Constraint-preserving for encoded logistics instances, single flips for plain QUBOs.
    Auto,
    /// Single-variable flips (penalties keep the constraints).
    SingleFlip,
    /// Swaps inside one-hot groups, row swaps and 2-opt reversals in permutations.
    Constrained,
}

impl SolveArgs {
    /// Refuses flags that the chosen solver does not take, rather than ignoring them.
    fn check_flags(&self) -> anyhow::Result<()> {
        use SolverKind::*;
        let reads: &[SolverKind] = &[Descent, Sa, Pt, Tabu, Qaoa];
        if self.qaoa.any() && self.solver != Qaoa {
            anyhow::bail!(
                "the QAOA flags (--p, --mixer, --init, --optimizer, ...) apply to --solver qaoa only"
            );
        }
        if self.solver == Qaoa && self.initial_states.is_some() {
            anyhow::bail!("--initial-states applies to --solver descent, sa, pt, tabu only");
        }
        let flags: [(&str, bool, &[SolverKind]); 14] = [
            ("--num-reads", self.num_reads.is_some(), reads),
            ("--initial-states", self.initial_states.is_some(), reads),
            ("--num-replicas", self.num_replicas.is_some(), &[Pt]),
            ("--num-states", self.num_states.is_some(), &[Exact]),
            ("--max-num-vars", self.max_num_vars.is_some(), &[Exact]),
            ("--num-sweeps", self.num_sweeps.is_some(), &[Sa, Pt]),
            (
                "--num-sweeps-per-beta",
                self.num_sweeps_per_beta.is_some(),
                &[Sa],
            ),
            ("--beta-range", self.beta_range.is_some(), &[Sa, Pt]),
            (
                "--beta-schedule-type",
                self.beta_schedule_type.is_some(),
                &[Sa],
            ),
            ("--beta-schedule", self.beta_schedule.is_some(), &[Sa]),
            ("--tenure", self.tenure.is_some(), &[Tabu]),
            ("--num-restarts", self.num_restarts.is_some(), &[Tabu]),
            ("--max-stagnation", self.max_stagnation.is_some(), &[Tabu]),
            ("--timeout", self.timeout.is_some(), &[Tabu]),
        ];
        for (flag, set, owners) in flags {
            if set && !owners.contains(&self.solver) {
                let names: Vec<String> = owners
                    .iter()
                    .filter_map(|o| o.to_possible_value().map(|v| v.get_name().to_string()))
                    .collect();
                anyhow::bail!("{flag} applies to --solver {} only", names.join(", "));
            }
        }
        Ok(())
    }

    fn initial_states(&self) -> anyhow::Result<Option<Vec<Vec<u8>>>> {
        self.initial_states.as_deref().map(read_states).transpose()
    }

    fn build_solver(&self, constraints: Option<&Constraints>) -> anyhow::Result<Box<dyn Solver>> {
        let moves = match (self.moves, constraints) {
            (Moves::SingleFlip, _) | (Moves::Auto, None) => None,
            (_, c) => c.cloned(),
        };
        Ok(match self.solver {
            SolverKind::Exact => {
                let d = Exact::default();
                Box::new(Exact {
                    num_states: self.num_states.unwrap_or(d.num_states),
                    max_num_vars: self.max_num_vars.unwrap_or(d.max_num_vars),
                })
            }
            SolverKind::Descent => Box::new(SteepestDescent {
                num_reads: self.num_reads,
                initial_states: self.initial_states()?,
            }),
            SolverKind::Sa => {
                let d = SimulatedAnnealing::default();
                let kind = self
                    .beta_schedule_type
                    .unwrap_or(if self.beta_schedule.is_some() {
                        BetaScheduleType::Custom
                    } else {
                        d.beta_schedule_type
                    });
                Box::new(SimulatedAnnealing {
                    num_reads: self.num_reads,
                    num_sweeps: self.num_sweeps.unwrap_or(d.num_sweeps),
                    num_sweeps_per_beta: self.num_sweeps_per_beta.unwrap_or(d.num_sweeps_per_beta),
                    beta_range: self.beta_range,
                    beta_schedule_type: kind,
                    beta_schedule: self.beta_schedule.clone(),
                    initial_states: self.initial_states()?,
                    constraints: moves,
                })
            }
            SolverKind::Tabu => {
                let d = Tabu::default();
                Box::new(Tabu {
                    num_reads: self.num_reads,
                    tenure: self.tenure,
                    num_restarts: self.num_restarts.unwrap_or(d.num_restarts),
                    max_stagnation: self.max_stagnation,
                    timeout: self.timeout.map(seconds).transpose()?,
                    initial_states: self.initial_states()?,
                    constraints: moves,
                })
            }
            SolverKind::Qaoa => {
                let mut q = self.qaoa.solver(self.num_reads)?;
                q.constraints = constraints.cloned();
                Box::new(q)
            }
            SolverKind::Pt => {
                let d = ParallelTempering::default();
                Box::new(ParallelTempering {
                    num_reads: self.num_reads.unwrap_or(d.num_reads),
                    num_replicas: self.num_replicas.unwrap_or(d.num_replicas),
                    num_sweeps: self.num_sweeps.unwrap_or(d.num_sweeps),
                    beta_range: self.beta_range,
                    initial_states: self.initial_states()?,
                })
            }
        })
    }

    fn time_limit(&self) -> anyhow::Result<Option<Duration>> {
        self.time_limit.map(seconds).transpose()
    }
}

/// A positive, finite number of seconds as a duration.
pub(crate) fn seconds(s: f64) -> anyhow::Result<Duration> {
    if s.is_finite() && s > 0.0 {
        Ok(Duration::from_secs_f64(s))
    } else {
        anyhow::bail!("a time must be a positive number of seconds, not {s}")
    }
}

/// Parses `A,B` into a pair of numbers.
fn parse_pair(s: &str) -> Result<(f64, f64), String> {
    let parts: Vec<&str> = s.split(',').map(str::trim).collect();
    match parts.as_slice() {
        [a, b] => match (a.parse::<f64>(), b.parse::<f64>()) {
            (Ok(a), Ok(b)) => Ok((a, b)),
            _ => Err(format!("expected two numbers HOT,COLD, found {s:?}")),
        },
        _ => Err(format!("expected two numbers HOT,COLD, found {s:?}")),
    }
}

/// Reads start states: one string of 0/1 per line, blank lines and `#` comments skipped.
fn read_states(path: &Path) -> anyhow::Result<Vec<Vec<u8>>> {
    let text = std::fs::read_to_string(path).with_context(|| path.display().to_string())?;
    let mut out = Vec::new();
    for (k, line) in text.lines().enumerate() {
        let t = line.trim();
        if t.is_empty() || t.starts_with('#') {
            continue;
        }
        let state = t
            .bytes()
            .filter(|b| !b.is_ascii_whitespace() && *b != b',')
            .map(|b| match b {
                b'0' => Ok(0u8),
                b'1' => Ok(1u8),
                _ => Err(anyhow::anyhow!(
                    "{}:{}: expected a state of 0/1 characters, found {:?}",
                    path.display(),
                    k + 1,
                    b as char
                )),
            })
            .collect::<anyhow::Result<Vec<u8>>>()?;
        out.push(state);
    }
    Ok(out)
}

/// Installs a Ctrl-C handler: the first press stops the run (the best so far is reported),
/// a second one exits at once.
pub(crate) fn ctrl_c_flag() -> Arc<AtomicBool> {
    let flag = Arc::new(AtomicBool::new(false));
    let f = Arc::clone(&flag);
    // If a handler is already installed (e.g. in tests), Ctrl-C keeps its default meaning.
    let _ = ctrlc::set_handler(move || {
        if f.swap(true, Ordering::Relaxed) {
            std::process::exit(130);
        }
    });
    flag
}

/// The JSON document of DESIGN §7.
fn document(a: &SolveArgs, m: &Model, ss: &SampleSet, read: Duration, total: Duration) -> Value {
    let mut doc = document_of(&a.input.file.display().to_string(), m, ss, total);
    doc["timing"]["read_s"] = json!(read.as_secs_f64());
    if !ss.info.extra.is_null() {
        doc[ss.info.solver.as_str()] = ss.info.extra.clone();
    }
    doc
}

/// The DESIGN §7 document for a result on `instance`.
pub(crate) fn document_of(instance: &str, m: &Model, ss: &SampleSet, total: Duration) -> Value {
    let best = ss.first();
    let timing = &ss.info.timing;
    json!({
        "instance": instance,
        "format": m.format.name(),
        "num_variables": m.qubo.num_vars(),
        "solver": ss.info.solver,
        "best": best.map(|b| json!({
            "energy": b.energy,
            "objective": m.objective.value(b.energy),
            // A plain QUBO has no constraints: every bitstring is feasible.
            "feasible": true,
            "sample": b.sample,
        })),
        "objective": {"name": m.objective.name, "sense": m.objective.sense},
        "timing": {
            "total_s": total.as_secs_f64(),
            "preprocessing_s": timing.preprocessing_ns as f64 * 1e-9,
            "sampling_s": timing.sampling_ns as f64 * 1e-9,
            "postprocessing_s": timing.postprocessing_ns as f64 * 1e-9,
        },
        "termination": ss.info.termination,
        "num_reads": ss.num_reads(),
        "num_distinct": ss.len(),
        "counters": ss.info.counters,
        "params": ss.info.params,
        "seed": ss.info.seed,
        "threads": rayon::current_num_threads(),
        "version": ss.info.version,
    })
}

/// Writes `doc` plus the whole sample set to `out` (`-o FILE`), if given.
pub(crate) fn write_output(out: Option<&Path>, doc: &Value, ss: &SampleSet) -> anyhow::Result<()> {
    if let Some(out) = out {
        let mut full = doc.clone();
        full["sampleset"] = serde_json::to_value(ss)?;
        std::fs::write(out, format!("{full}\n")).with_context(|| out.display().to_string())?;
    }
    Ok(())
}

pub(crate) fn run(a: &SolveArgs, quiet: bool) -> anyhow::Result<()> {
    a.check_flags()?;
    if a.input.format.is_none()
        && (Instance::recognises(&a.input.file) || a.encoding != Encoding::Auto)
    {
        return run_instance(a, quiet);
    }
    if a.penalty.is_some() || a.repair || a.encoding != Encoding::Auto {
        anyhow::bail!(
            "--penalty, --repair and --encoding apply to instance files (.tsp, .vrp, knapsack)"
        );
    }
    let limit = a.time_limit()?;
    let solver = a.build_solver(None)?;
    let (m, read_time) = a.input.load()?;
    let (ss, total) = sample_with_progress(a, solver.as_ref(), &m.qubo, limit, quiet)?;
    let doc = document(a, &m, &ss, read_time, total);
    write_output(a.output.as_deref(), &doc, &ss)?;
    if a.json {
        outln!("{doc}");
    } else {
        print_summary(a, &m, &ss, total);
    }
    note_early_stop(&ss, quiet);
    Ok(())
}

/// Runs `solver` with the seed, time limit, Ctrl-C flag and progress bar of the command line;
/// returns the samples and the wall time.
fn sample_with_progress(
    a: &SolveArgs,
    solver: &dyn Solver,
    qubo: &quboflow::Qubo,
    limit: Option<Duration>,
    quiet: bool,
) -> anyhow::Result<(SampleSet, Duration)> {
    let ctl = RunControl::new()
        .maybe_seed(a.seed)
        .maybe_time_limit(limit)
        .cancel_flag(ctrl_c_flag());
    let (ctl, bar) = progress::attach(ctl, solver.name(), quiet);
    let t0 = Instant::now();
    let result = solver.sample(qubo, &ctl);
    let total = t0.elapsed();
    if let Some(pb) = bar {
        pb.finish_and_clear();
    }
    let ss = result.with_context(|| a.input.file.display().to_string())?;
    Ok((ss, total))
}

/// Says on stderr when the result is from a run that was stopped early.
fn note_early_stop(ss: &SampleSet, quiet: bool) {
    if !quiet && ss.info.termination != Termination::Completed {
        eprintln!(
            "note: the run was stopped early ({}); the result is the best found until then",
            ss.info.termination
        );
    }
}

/// `solve` on an instance file: encode, solve, decode, compare with the known optimum.
fn run_instance(a: &SolveArgs, quiet: bool) -> anyhow::Result<()> {
    let limit = a.time_limit()?;
    let (enc, name, encode_s) = problem::timed_encode(&a.input.file, a.encoding, a.penalty)?;
    let solver = a.build_solver(Some(&enc.constraints))?;
    let (ss, total) = sample_with_progress(a, solver.as_ref(), &enc.qubo, limit, quiet)?;
    let native = problem::evaluate(&enc, &ss, &a.input.file, &name, a.repair)?;
    let moves = ss
        .info
        .params
        .get("moves")
        .and_then(Value::as_str)
        .unwrap_or("n/a")
        .to_string();
    let objective = match enc.decoder.sense() {
        quboflow::Sense::Minimize => quboflow::Objective::energy(),
        quboflow::Sense::Maximize => quboflow::Objective::maximize_negated(),
    };
    let m = Model {
        qubo: enc.qubo.clone(),
        objective,
        format: quboflow::io::Format::Json,
    };
    let mut doc = document_of(&a.input.file.display().to_string(), &m, &ss, total);
    doc["format"] = json!(enc.decoder.problem());
    doc["timing"]["encode_s"] = json!(encode_s);
    // DESIGN §7: `best` is the best raw-feasible solution in native terms.
    let extra = problem::json_fields(&enc, &native, &moves);
    doc["best"] = match &native.best {
        Some((d, e, x)) => {
            json!({"energy": e, "objective": d.objective, "feasible": true, "sample": x, "solution": d.solution})
        }
        None => {
            json!({"energy": ss.first().map(|b| b.energy), "objective": native.lowest.objective, "feasible": false,
                       "sample": ss.first().map(|b| b.sample.clone()), "violations": native.lowest.violations})
        }
    };
    doc["objective"] = json!({"name": enc.decoder.objective_name(), "sense": enc.decoder.sense()});
    doc["problem"] = extra;
    if !ss.info.extra.is_null() {
        doc[ss.info.solver.as_str()] = ss.info.extra.clone();
    }
    write_output(a.output.as_deref(), &doc, &ss)?;
    if a.json {
        outln!("{doc}");
    } else {
        outln!(
            "instance   {} ({name}, {})",
            a.input.file.display(),
            enc.decoder.problem()
        );
        problem::print_native(&enc, &native, &moves);
        outln!(
            "time       {:.3} s solve + {:.3} s encode ({}), seed {}, {} threads, quboflow {}",
            total.as_secs_f64(),
            encode_s,
            ss.info.termination,
            ss.info.seed,
            rayon::current_num_threads(),
            ss.info.version
        );
    }
    note_early_stop(&ss, quiet);
    Ok(())
}

/// The best solution in words: its objective in the file's own sense, and its energy.
pub(crate) fn best_text(m: &Model, energy: f64) -> String {
    if m.objective.is_energy() {
        format!("energy {energy}")
    } else {
        format!(
            "{} {} ({})   energy {energy}",
            m.objective.name,
            m.objective.value(energy),
            m.objective.sense
        )
    }
}

fn print_summary(a: &SolveArgs, m: &Model, ss: &SampleSet, total: Duration) {
    let Some(best) = ss.first() else { return };
    outln!(
        "instance   {} ({}, {} variables, {} interactions)",
        a.input.file.display(),
        m.format,
        m.qubo.num_vars(),
        m.qubo.num_interactions()
    );
    outln!("solver     {}  {}", ss.info.solver, ss.info.params);
    outln!("best       {}", best_text(m, best.energy));
    outln!(
        "samples    {} ({} distinct), best seen {} times",
        ss.num_reads(),
        ss.len(),
        best.num_occurrences
    );
    outln!(
        "time       {:.3} s ({}), seed {}, {} threads, quboflow {}",
        total.as_secs_f64(),
        ss.info.termination,
        ss.info.seed,
        rayon::current_num_threads(),
        ss.info.version
    );
}
