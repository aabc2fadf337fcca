//! `quboflow compare`: several solvers on one instance, side by side.

use std::io::IsTerminal;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use clap::Args;
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use quboflow::Progress;
use quboflow::compare::{Comparison, ComparisonReport, Observer, Status};

use crate::choices;
use crate::input::InputArgs;
use crate::params::SolverParams;
use crate::solve::ctrl_c_flag;

/// Arguments of `quboflow compare`.
#[derive(Args, Debug)]
pub(crate) struct CompareArgs {
    #[command(flatten)]
    input: InputArgs,

    /// Solvers to compare, comma-separated: exact, descent, sa, pt, tabu, qaoa; qaoa@BACKEND
    /// runs QAOA on that backend (qaoa@ionq:simulator, qaoa@noise:aria-1, …), so one report
    /// holds hardware, noisy and ideal runs side by side.
    #[arg(long, value_name = "SOLVERS", value_delimiter = ',', default_value = "sa,tabu,pt",
          value_parser = choices::solver_choice)]
    solvers: Vec<choices::SolverChoice>,

    /// Runs per solver, each with its own seed derived from --seed.
    #[arg(long, default_value_t = 5, value_name = "N")]
    repeats: usize,

    /// Base seed (default: drawn at random and reported, so the comparison can be repeated).
    #[arg(long)]
    seed: Option<u64>,

    /// Wall-clock limit of each run, in seconds (values above 10⁹ mean no limit).
    #[arg(long, value_name = "SECONDS", allow_negative_numbers = true)]
    time_limit: Option<f64>,

    /// What gaps are measured against: optimum (a proven optimum must be known), best-known,
    /// or a number. Default: the known value when the data tables have one, else the best
    /// found by any solver (always labelled).
    #[arg(
        long,
        value_name = "optimum|best-known|VALUE",
        allow_negative_numbers = true
    )]
    reference: Option<String>,

    /// [instance files] Also repair each run's lowest-energy read (reported in a separate,
    /// flagged column; never mixed with raw results).
    #[arg(long)]
    repair: bool,

    /// [TSPLIB, CVRPLIB files] Your current plan (a TSPLIB tour or a CVRPLIB .sol file): the
    /// report states each solver's cost saved or lost against it.
    #[arg(long, value_name = "FILE")]
    baseline: Option<PathBuf>,

    /// Write the report; the extension picks the format: .txt, .md, .csv, .json, .html
    /// (repeatable).
    #[arg(long, value_name = "FILE")]
    report: Vec<PathBuf>,

    /// Print the JSON report on stdout (the table then goes to stderr).
    #[arg(long)]
    json: bool,

    #[command(flatten)]
    params: SolverParams,
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
        if a.solvers[..k].iter().any(|o| o.label == s.label) {
            anyhow::bail!("--solvers lists {} twice", s.label);
        }
    }
    if a.repeats == 0 {
        anyhow::bail!("--repeats must be at least 1");
    }
    // Refuse an unknown report format before spending minutes on the runs.
    for p in &a.report {
        quboflow::report::ReportFormat::from_path(p)?;
    }
    let solvers = a.params.build_choices(&a.solvers)?;
    let limit = crate::solve::time_limit(a.time_limit)?;
    let (loaded, enc) = a.input.open_loaded(quiet)?;
    // Routing and packing instances get their classical baseline, and the user's plan.
    let baselines = match loaded.instance() {
        Some(inst) => quboflow_problems::comparison_baselines(inst, a.baseline.as_deref())?,
        None if a.baseline.is_some() => anyhow::bail!(
            "--baseline: {} is not a TSPLIB or CVRPLIB instance, so a plan cannot be priced on it",
            a.input.file.display()
        ),
        None => Vec::new(),
    };
    if a.repair {
        enc.check_repair()?;
    }
    let reference = enc.choose_reference(a.reference.as_deref(), "--reference")?;
    let mut cmp = Comparison::new()
        .repeats(a.repeats)
        .maybe_seed(a.seed)
        .time_limit(limit)
        .repair(a.repair)
        .cancel_flag(ctrl_c_flag());
    for (choice, solver) in a.solvers.iter().zip(solvers) {
        cmp = cmp.boxed_solver(&choice.label, solver);
    }
    let pb = bar(quiet);
    if let Some(pb) = &pb {
        cmp = cmp.observer(Arc::new(Bar(pb.clone())));
    }
    let mut target = enc.target();
    target.reference = reference;
    target.baselines = baselines;
    let report = cmp.run(&target)?;
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
