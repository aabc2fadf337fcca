//! `quboflow solve`: one solver on one file, the best solution in native terms.

use std::path::PathBuf;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use clap::Args;
use quboflow::{RunControl, SampleSet, Solver, Termination};
use quboflow_problems::{Encoded, Outcome};
use quboflow_runtime::SolverKind;

use crate::choices;
use crate::input::InputArgs;
use crate::params::SolverParams;
use crate::progress;

/// Arguments of `quboflow solve`.
#[derive(Args, Debug)]
pub(crate) struct SolveArgs {
    #[command(flatten)]
    pub(crate) input: InputArgs,

    /// Which solver to run.
    #[arg(long, value_name = "SOLVER", default_value = "descent",
          value_parser = choices::solvers())]
    solver: SolverKind,

    /// Seed (default: drawn at random and reported, so the run can be repeated).
    #[arg(long)]
    seed: Option<u64>,

    /// Wall-clock limit for the solver, in seconds; the best found so far is reported (values
    /// above 10⁹ mean no limit).
    #[arg(long, value_name = "SECONDS", allow_negative_numbers = true)]
    time_limit: Option<f64>,

    /// [instance files] Also repair the lowest-energy read to a feasible solution (reported
    /// separately and flagged; never mixed with raw results).
    #[arg(long)]
    repair: bool,

    /// Print one JSON document on stdout (the stable machine format).
    #[arg(long)]
    json: bool,

    /// Also write the JSON document, with every sample, to this file.
    #[arg(short = 'o', long = "output", value_name = "FILE")]
    output: Option<PathBuf>,

    #[command(flatten)]
    pub(crate) params: SolverParams,
}

/// `--time-limit` as a duration; above 10⁹ s it is no limit at all.
pub(crate) fn time_limit(s: Option<f64>) -> anyhow::Result<Option<Duration>> {
    quboflow_runtime::time_limit("time_limit", s).map_err(crate::params::cli_error)
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

/// Runs `solver` on `enc` with the seed, time limit, Ctrl-C flag and a progress bar; returns
/// the samples and the wall time.
pub(crate) fn sample_with_progress(
    solver: &dyn Solver,
    enc: &Encoded,
    seed: Option<u64>,
    limit: Option<Duration>,
    quiet: bool,
) -> anyhow::Result<(SampleSet, Duration)> {
    let ctl = RunControl::new()
        .maybe_seed(seed)
        .maybe_time_limit(limit)
        .cancel_flag(ctrl_c_flag());
    let (ctl, bar) = progress::attach(ctl, solver.name(), quiet);
    let t0 = Instant::now();
    let result = solver.sample(&enc.qubo, &ctl);
    let total = t0.elapsed();
    if let Some(pb) = bar {
        pb.finish_and_clear();
    }
    Ok((result?, total))
}

/// Says on stderr when the result is from a run that was stopped early.
pub(crate) fn note_early_stop(ss: &SampleSet, quiet: bool) {
    if !quiet && ss.info.termination != Termination::Completed {
        eprintln!(
            "note: the run was stopped early ({}); the result is the best found until then",
            ss.info.termination
        );
    }
}

pub(crate) fn run(a: &SolveArgs, quiet: bool) -> anyhow::Result<()> {
    let solver = a.params.build_one(a.solver)?;
    let limit = time_limit(a.time_limit)?;
    let pool = a.input.encoding == Some(quboflow_problems::Encoding::CvrpRoutePool);
    let (enc, ss, total, search) = match (pool, limit) {
        // A route pool with a time limit: growth and selection in turn for all of it.
        (true, Some(limit)) => {
            let loaded = a.input.read()?;
            let Some(quboflow_problems::Instance::Cvrp(cvrp)) = loaded.instance() else {
                anyhow::bail!(
                    "{}: cvrp-route-pool applies to CVRPLIB instances",
                    a.input.file.display()
                );
            };
            let (enc, ss, total, search) =
                crate::pool::run(&loaded, cvrp, a.solver, &a.params, a.seed, limit, quiet)?;
            (enc, ss, total, Some(search))
        }
        _ => {
            let enc = a.input.open(quiet)?;
            if a.repair {
                enc.check_repair()?;
            }
            let (ss, total) = sample_with_progress(solver.as_ref(), &enc, a.seed, limit, quiet)?;
            (enc, ss, total, None)
        }
    };
    let outcome = enc.assess(&ss, a.repair)?;
    let mut doc = crate::doc::result(&enc, &ss, &outcome, total.as_secs_f64());
    if let Some(s) = &search {
        doc["route_pool"] = serde_json::json!({
            "rounds": s.rounds,
            "selection_wins": s.selection_wins,
            "best_cost": s.cost,
            "from_selection": s.from_selection,
        });
    }
    crate::doc::write_output(a.output.as_deref(), &doc, &ss)?;
    if a.json {
        outln!("{doc}");
    } else {
        print_summary(&enc, &ss, &outcome, total);
        for line in search.iter().flat_map(crate::pool::lines) {
            outln!("pool       {line}");
        }
    }
    note_early_stop(&ss, quiet);
    Ok(())
}

/// Relative gap in words (`+1.234 %`), or why there is none.
fn gap_text(gap: Option<f64>) -> String {
    match gap {
        Some(g) => format!("{g:+.3} %"),
        None => "undefined (zero reference)".into(),
    }
}

fn print_summary(enc: &Encoded, ss: &SampleSet, out: &Outcome, total: Duration) {
    let src = enc.source.as_ref();
    let a = &out.assessment;
    let objective = enc.decoder.objective_name();
    outln!(
        "instance   {} ({}, {}, {} variables, {} interactions)",
        src.map_or_else(String::new, |s| s.path.display().to_string()),
        enc.name(),
        src.map_or("", |s| s.format.name()),
        enc.qubo.num_vars(),
        enc.qubo.num_interactions()
    );
    if enc.encoding != "none" {
        outln!(
            "encoding   {} (penalties {}, moves {})",
            enc.encoding,
            enc.penalties,
            ss.info.params["moves"].as_str().unwrap_or("n/a")
        );
    }
    outln!("solver     {}  {}", ss.info.solver, ss.info.params);
    match (&out.best, &a.best_feasible) {
        (Some(d), Some(b)) => {
            if objective == "energy" {
                outln!("best       energy {}", b.energy);
            } else {
                outln!(
                    "best       {objective} {}   feasible   energy {}",
                    b.objective,
                    b.energy
                );
            }
            if let Some(t) = d.solution.text() {
                outln!("solution   {t}");
            }
            if let Some(r) = &out.reference {
                outln!(
                    "reference  {} {} ({}); gap {}",
                    r.kind.label(),
                    r.value,
                    r.source,
                    gap_text(out.gap_percent)
                );
            }
        }
        _ => {
            outln!(
                "best       no raw-feasible read; the lowest energy {} violates: {}",
                a.best_energy,
                out.lowest.violations.join(", ")
            );
            if let Some(r) = &out.reference {
                outln!("reference  {} {} ({})", r.kind.label(), r.value, r.source);
            }
        }
    }
    if enc.constraints().has_structure() || enc.encoding != "none" {
        outln!(
            "feasible   {:.1} % of reads (raw)",
            100.0 * a.feasible_fraction
        );
    }
    if let Some(d) = &out.repaired {
        outln!(
            "repaired   {objective} {} (REPAIRED, not a QUBO result: {})",
            d.objective.map_or("none".into(), |o| o.to_string()),
            if d.repair_steps.is_empty() {
                "nothing to change".to_string()
            } else {
                d.repair_steps.join("; ")
            }
        );
    }
    if let Some(d) = quboflow::solvers::Decomposition::from_extra(&ss.info.extra) {
        for line in d.lines() {
            outln!("hybrid     {line}");
        }
    }
    let best_count = ss.first().map_or(0, |b| b.num_occurrences);
    outln!(
        "samples    {} ({} distinct), lowest energy seen {} times",
        a.num_reads,
        ss.len(),
        best_count
    );
    outln!(
        "time       {:.3} s solve + {:.3} s read + {:.3} s encode ({}), seed {}, {} threads, quboflow {}",
        total.as_secs_f64(),
        src.map_or(0.0, |s| s.read_s),
        src.map_or(0.0, |s| s.encode_s),
        ss.info.termination,
        ss.info.seed,
        rayon::current_num_threads(),
        ss.info.version
    );
}
