//! `quboflow compare`: several solvers on one instance, side by side.

use std::io::IsTerminal;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

use anyhow::Context;
use clap::{Args, ValueEnum};
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use quboflow::compare::{
    Comparison, ComparisonReport, Evaluate, Observer, Reference, ReferenceKind, Status, Target,
};
use quboflow::{Constraints, Progress, Qubo};
use quboflow_problems::reference;

use crate::input::InputArgs;
use crate::params::SolverParams;
use crate::problem::{self, InstanceOpts};
use crate::solve::{SolverKind, ctrl_c_flag, seconds};

/// Arguments of `quboflow compare`.
#[derive(Args, Debug)]
pub(crate) struct CompareArgs {
    #[command(flatten)]
    input: InputArgs,

    /// Solvers to compare, comma-separated: exact, descent, sa, tabu, pt, qaoa.
    #[arg(long, value_enum, value_delimiter = ',', default_value = "sa,tabu,pt")]
    solvers: Vec<SolverKind>,

    /// Runs per solver, each with its own seed derived from --seed.
    #[arg(long, default_value_t = 5)]
    repeats: usize,

    /// Base seed (default: drawn at random and reported, so the comparison can be repeated).
    #[arg(long)]
    seed: Option<u64>,

    /// Wall-clock limit of each run, in seconds.
    #[arg(long, value_name = "SECONDS")]
    time_limit: Option<f64>,

    /// What gaps are measured against: optimum (a proven optimum must be known), best-known,
    /// or a number. Default: the known value when the data tables have one, else the best
    /// found by any solver (always labelled).
    #[arg(long, value_name = "optimum|best-known|VALUE")]
    reference: Option<String>,

    /// Write the report; the extension picks the format: .txt, .md, .csv, .json, .html
    /// (repeatable).
    #[arg(long, value_name = "FILE")]
    report: Vec<PathBuf>,

    /// Print the JSON report on stdout (the table then goes to stderr).
    #[arg(long)]
    json: bool,

    #[command(flatten)]
    instance: InstanceOpts,

    #[command(flatten)]
    params: SolverParams,
}

/// The model to compare on, owned.
enum Loaded {
    Instance(Box<quboflow_problems::Encoded>, String),
    Model(quboflow::io::Model, String),
}

impl Loaded {
    fn qubo(&self) -> &Qubo {
        match self {
            Loaded::Instance(e, _) => &e.qubo,
            Loaded::Model(m, _) => &m.qubo,
        }
    }

    fn evaluator(&self) -> &dyn Evaluate {
        match self {
            Loaded::Instance(e, _) => e.as_ref(),
            Loaded::Model(m, _) => &m.objective,
        }
    }

    fn constraints(&self) -> Option<&Constraints> {
        match self {
            Loaded::Instance(e, _) => Some(&e.constraints),
            Loaded::Model(..) => None,
        }
    }

    fn name(&self) -> &str {
        match self {
            Loaded::Instance(_, n) | Loaded::Model(_, n) => n,
        }
    }

    fn encoding(&self) -> Option<String> {
        match self {
            Loaded::Instance(e, _) => Some(e.encoding.to_string()),
            Loaded::Model(..) => None,
        }
    }
}

fn load(a: &CompareArgs) -> anyhow::Result<Loaded> {
    let path = &a.input.file;
    if a.instance.is_instance(&a.input)? {
        let (enc, name, _) = problem::timed_encode(path, a.instance.encoding, a.instance.penalty)?;
        return Ok(Loaded::Instance(Box::new(enc), name));
    }
    let (m, _) = a.input.load()?;
    let stem = path
        .file_stem()
        .and_then(|s| s.to_str())
        .unwrap_or("instance")
        .to_string();
    Ok(Loaded::Model(m, stem))
}

/// The reference the user asked for, or the known one, or none (best found).
fn choose_reference(a: &CompareArgs, path: &Path, name: &str) -> anyhow::Result<Option<Reference>> {
    let known = reference::find(path, name).map(|r| Reference {
        value: r.value,
        kind: if r.kind == "best known" {
            ReferenceKind::BestKnown
        } else {
            ReferenceKind::ProvenOptimum
        },
        source: r.source.display().to_string(),
    });
    let describe = |k: &Option<Reference>| match k {
        Some(r) => format!("the tables have a {} of {}", r.kind.label(), r.value),
        None => "the data tables beside it have no value for it".to_string(),
    };
    match a.reference.as_deref().map(str::trim) {
        None => Ok(known),
        Some("optimum") => match known {
            Some(r) if r.kind == ReferenceKind::ProvenOptimum => Ok(Some(r)),
            other => anyhow::bail!(
                "{}: --reference optimum needs a proven optimum, but {}",
                path.display(),
                describe(&other)
            ),
        },
        Some("best-known") => match known {
            Some(r) => Ok(Some(r)),
            None => anyhow::bail!(
                "{}: --reference best-known, but {}",
                path.display(),
                describe(&None)
            ),
        },
        Some(v) => match v.parse::<f64>() {
            Ok(x) if x.is_finite() => Ok(Some(Reference {
                value: x,
                kind: ReferenceKind::User,
                source: "--reference".into(),
            })),
            _ => anyhow::bail!(
                "--reference must be optimum, best-known or a finite number, not {v:?}"
            ),
        },
    }
}

/// A progress bar over all runs of the comparison.
struct Bar(ProgressBar);

impl Observer for Bar {
    fn run_started(&self, label: &str, repeat: usize, index: usize, total: usize) {
        self.0.set_length(total as u64);
        self.0.set_position(index as u64);
        self.0.set_prefix(format!("{label} run {}", repeat + 1));
        self.0.set_message(String::new());
    }

    fn progress(&self, p: &Progress) {
        if let Some(e) = p.best_energy {
            self.0.set_message(format!("best energy {e}"));
        }
    }

    fn run_finished(&self, _label: &str, _repeat: usize) {
        self.0.inc(1);
    }
}

fn bar(quiet: bool) -> Option<ProgressBar> {
    if quiet || !std::io::stderr().is_terminal() {
        return None;
    }
    let pb = ProgressBar::with_draw_target(None, ProgressDrawTarget::stderr_with_hz(10));
    let style = ProgressStyle::with_template(
        "{prefix:>14} {bar:30.cyan/blue} {pos}/{len} runs [{elapsed_precise}] {msg}",
    )
    .unwrap_or_else(|_| ProgressStyle::default_bar());
    pb.set_style(style);
    pb.enable_steady_tick(Duration::from_millis(200));
    Some(pb)
}

/// Runs the comparison; prints the table (or JSON) and writes the reports.
pub(crate) fn run(a: &CompareArgs, quiet: bool) -> anyhow::Result<()> {
    if a.solvers.is_empty() {
        anyhow::bail!("--solvers needs at least one solver");
    }
    for (k, s) in a.solvers.iter().enumerate() {
        if a.solvers[..k].contains(s) {
            let name = s.to_possible_value().map(|v| v.get_name().to_string());
            anyhow::bail!("--solvers lists {} twice", name.unwrap_or_default());
        }
    }
    if a.repeats == 0 {
        anyhow::bail!("--repeats must be at least 1");
    }
    // Refuse an unknown report format before spending minutes on the runs.
    for p in &a.report {
        quboflow::report::ReportFormat::from_path(p)?;
    }
    a.params.check(&a.solvers)?;
    let limit = a.time_limit.map(seconds).transpose()?;
    let loaded = load(a)?;
    let reference = choose_reference(a, &a.input.file, loaded.name())?;
    let mut cmp = Comparison::new()
        .repeats(a.repeats)
        .maybe_seed(a.seed)
        .time_limit(limit)
        .repair(a.instance.repair)
        .cancel_flag(ctrl_c_flag());
    for &kind in &a.solvers {
        let solver = a.params.build(kind, loaded.constraints())?;
        cmp = cmp.boxed_solver(solver.name(), solver);
    }
    let pb = bar(quiet);
    if let Some(pb) = &pb {
        cmp = cmp.observer(Arc::new(Bar(pb.clone())));
    }
    let mut target = Target::new(loaded.name(), loaded.qubo(), loaded.evaluator());
    target.path = Some(a.input.file.display().to_string());
    target.encoding = loaded.encoding();
    if let Loaded::Model(m, _) = &loaded {
        target.problem = Some(m.format.name().to_string());
    }
    target.reference = reference;
    let report = cmp
        .run(&target)
        .with_context(|| a.input.file.display().to_string())?;
    if let Some(pb) = pb {
        pb.finish_and_clear();
    }
    for p in &a.report {
        quboflow::report::write(&report, p)?;
    }
    let text = quboflow::report::to_text(&report);
    if a.json {
        // stdout carries the machine format; the table still goes to the terminal.
        outln!("{}", quboflow::report::to_json(&report));
        if !quiet {
            eprintln!("{}", text.trim_end());
        }
    } else {
        outln!("{}", text.trim_end());
    }
    if !quiet {
        for p in &a.report {
            eprintln!("report written to {}", p.display());
        }
    }
    finish(&report)
}

/// Fails (after the report is out) when no solver produced anything.
fn finish(report: &ComparisonReport) -> anyhow::Result<()> {
    if report.interrupted {
        anyhow::bail!("cancelled; the report holds the runs that finished");
    }
    if report
        .solvers
        .iter()
        .all(|s| s.status != Status::Ok || s.runs.is_empty())
    {
        anyhow::bail!("no solver produced a result (see the reasons in the table)");
    }
    Ok(())
}
