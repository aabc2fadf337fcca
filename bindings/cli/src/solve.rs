//! `quboflow solve`: run one solver on a model and report the best solution.

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use anyhow::Context;
use clap::{Args, ValueEnum};
use quboflow::io::Model;
use quboflow::{RunControl, SampleSet, Solver, Termination};
use serde_json::{Value, json};

use crate::input::InputArgs;
use crate::params::SolverParams;
use crate::problem::{self, InstanceOpts};
use crate::progress;
use quboflow::Constraints;

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

    #[command(flatten)]
    pub(crate) params: SolverParams,

    #[command(flatten)]
    instance: InstanceOpts,
}

impl SolveArgs {
    /// Refuses flags that the chosen solver does not take, rather than ignoring them.
    fn check_flags(&self) -> anyhow::Result<()> {
        self.params.check(&[self.solver])
    }

    fn build_solver(&self, constraints: Option<&Constraints>) -> anyhow::Result<Box<dyn Solver>> {
        self.params.build(self.solver, constraints)
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
    if a.instance.is_instance(&a.input)? {
        return run_instance(a, quiet);
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
    let (enc, name, encode_s) =
        problem::timed_encode(&a.input.file, a.instance.encoding, a.instance.penalty)?;
    let solver = a.build_solver(Some(&enc.constraints))?;
    let (ss, total) = sample_with_progress(a, solver.as_ref(), &enc.qubo, limit, quiet)?;
    let native = problem::evaluate(&enc, &ss, &a.input.file, &name, a.instance.repair)?;
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
