//! `quboflow suite`: run a suite file (whole, or one shard), report over results files,
//! verify records. Every step is a `quboflow_runtime::suite` call.

use std::collections::BTreeMap;
use std::io::IsTerminal;
use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::time::Duration;

use anyhow::Context;
use clap::{Args, Subcommand};
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use quboflow::compare::gap_percent;
use quboflow_runtime::suite::{
    self, Record, Runner, Suite, SuiteObserver, check_report_path, parse_shard,
};

use crate::solve::ctrl_c_flag;

/// `quboflow suite …`.
#[derive(Args, Debug)]
pub(crate) struct SuiteArgs {
    #[command(subcommand)]
    command: SuiteCommand,
}

#[derive(Subcommand, Debug)]
enum SuiteCommand {
    /// Run a suite (or one shard of it), appending one record per run to a JSON Lines file.
    Run(RunArgs),
    /// List the runs a suite expands into (id, instance, solver, repeat, seed), without
    /// running them; checks the whole file.
    List(ListArgs),
    /// Merge results files (shards, resumed runs) and report across instances.
    Report(ReportArgs),
    /// Check records: result hashes, energies and objectives recomputed from their samples,
    /// a manifest, and re-runs of a sample (the reproducibility error).
    Verify(VerifyArgs),
}

#[derive(Args, Debug)]
struct RunArgs {
    /// The suite file (TOML; see README "Benchmark suites").
    suite: PathBuf,
    /// Results file (JSON Lines; default SUITE-results.jsonl, or SUITE-results-K-of-N.jsonl
    /// for a shard, in the current folder).
    #[arg(long, value_name = "FILE")]
    results: Option<PathBuf>,
    /// Continue a results file: skip the runs it already holds.
    #[arg(long)]
    resume: bool,
    /// Run only shard K of N (1 ≤ K ≤ N): every N-th run from the K-th. The shards of one
    /// suite cover every run once; merge their files with `suite report`.
    #[arg(long, value_name = "K/N", value_parser = parse_shard)]
    shard: Option<(usize, usize)>,
    /// Also write a report over the results file (.txt, .md, .csv, .json, .html; repeatable).
    #[arg(long, value_name = "FILE")]
    report: Vec<PathBuf>,
}

#[derive(Args, Debug)]
struct ListArgs {
    /// The suite file.
    suite: PathBuf,
    /// Only shard K of N.
    #[arg(long, value_name = "K/N", value_parser = parse_shard)]
    shard: Option<(usize, usize)>,
    /// One JSON run spec per line (what `run_suite` sends to workers).
    #[arg(long)]
    json: bool,
}

#[derive(Args, Debug)]
struct ReportArgs {
    /// Results files (JSON Lines), merged; records repeated across files count once.
    #[arg(required = true, value_name = "RESULTS")]
    results: Vec<PathBuf>,
    /// Write the report (.txt, .md, .csv, .json, .html; repeatable).
    #[arg(long, value_name = "FILE")]
    report: Vec<PathBuf>,
    /// Write the manifest: every record's SHA-256 and the root hash the report states.
    #[arg(long, value_name = "FILE")]
    manifest: Option<PathBuf>,
    /// Print the JSON report on stdout.
    #[arg(long)]
    json: bool,
}

#[derive(Args, Debug)]
struct VerifyArgs {
    /// Results files (JSON Lines), merged.
    #[arg(required = true, value_name = "RESULTS")]
    results: Vec<PathBuf>,
    /// How many records to re-run, chosen by --seed (default 20; 0: integrity checks only).
    #[arg(long, value_name = "N", conflicts_with = "all")]
    sample: Option<usize>,
    /// Re-run every record.
    #[arg(long)]
    all: bool,
    /// Seed of the choice of records to re-run.
    #[arg(long, default_value_t = 0)]
    seed: u64,
    /// Also check the records against a manifest written by `suite report --manifest`, or
    /// against the manifest hash a suite report's JSON states.
    #[arg(long, value_name = "FILE")]
    manifest: Option<PathBuf>,
    /// Where to find instances whose recorded path does not exist here (records made on
    /// another machine): their paths relative to the suite file are taken under this folder
    /// (default: the current folder). Each file's SHA-256 must match the record's.
    #[arg(long, value_name = "DIR")]
    root: Option<PathBuf>,
    /// Print the verification as JSON on stdout.
    #[arg(long)]
    json: bool,
}

pub(crate) fn run(a: &SuiteArgs, quiet: bool) -> anyhow::Result<()> {
    match &a.command {
        SuiteCommand::Run(a) => run_suite(a, quiet),
        SuiteCommand::List(a) => list(a),
        SuiteCommand::Report(a) => report(a, quiet),
        SuiteCommand::Verify(a) => verify(a, quiet),
    }
}

fn bar(quiet: bool, unit: &str) -> Option<ProgressBar> {
    if quiet || !std::io::stderr().is_terminal() {
        return None;
    }
    let pb = ProgressBar::with_draw_target(None, ProgressDrawTarget::stderr_with_hz(10));
    let style = ProgressStyle::with_template(&format!(
        "{{bar:30.cyan/blue}} {{pos}}/{{len}} {unit} [{{elapsed_precise}}, ETA {{eta}}] {{msg}}"
    ))
    .unwrap_or_else(|_| ProgressStyle::default_bar());
    pb.set_style(style);
    pb.enable_steady_tick(Duration::from_millis(200));
    Some(pb)
}

/// The suite's progress bar: runs done, ETA, and each solver's best gap on the instance it
/// last ran on.
struct Bar {
    pb: ProgressBar,
    gaps: Mutex<BTreeMap<String, (String, f64)>>,
}

impl SuiteObserver for Bar {
    fn started(&self, total: usize, _already: usize) {
        self.pb.set_length(total as u64);
    }

    fn finished(&self, r: &Record, done: usize, _total: usize) {
        self.pb.set_position(done as u64);
        let gap = r
            .result
            .as_ref()
            .and_then(|x| x.best_objective)
            .zip(r.reference.as_ref())
            .and_then(|(o, re)| gap_percent(r.instance.sense, o, re.value));
        if let (Some(g), Ok(mut gaps)) = (gap, self.gaps.lock()) {
            let key = r.run.instance.key.clone();
            let e = gaps.entry(r.run.label.clone()).or_insert((key.clone(), g));
            if e.0 != key || g < e.1 {
                *e = (key, g);
            }
            let msg: Vec<String> = gaps
                .iter()
                .map(|(l, (_, g))| format!("{l} {g:+.2}%"))
                .collect();
            self.pb.set_message(format!("best gap: {}", msg.join("  ")));
        }
    }
}

fn default_results(suite: &Path, shard: Option<(usize, usize)>) -> PathBuf {
    let stem = suite
        .file_stem()
        .map_or_else(|| "suite".into(), |s| s.to_string_lossy().into_owned());
    match shard {
        Some((k, n)) => PathBuf::from(format!("{stem}-results-{k}-of-{n}.jsonl")),
        None => PathBuf::from(format!("{stem}-results.jsonl")),
    }
}

fn run_suite(a: &RunArgs, quiet: bool) -> anyhow::Result<()> {
    for p in &a.report {
        check_report_path(p)?;
    }
    let suite = Suite::load(&a.suite)?;
    let runs: Vec<_> = match a.shard {
        Some((k, n)) => suite.shard(k, n).map_err(anyhow::Error::msg)?,
        None => suite.runs.iter().collect(),
    };
    let results = a
        .results
        .clone()
        .unwrap_or_else(|| default_results(&a.suite, a.shard));
    let runner = Runner::new().cancel_flag(ctrl_c_flag());
    let pb = bar(quiet, "runs");
    let outcome = match &pb {
        Some(pb) => {
            let obs = Bar {
                pb: pb.clone(),
                gaps: Mutex::default(),
            };
            suite::run_serial(&runs, &results, a.resume, &runner, &obs)
        }
        None => suite::run_serial(&runs, &results, a.resume, &runner, &suite::Silent),
    };
    if let Some(pb) = pb {
        pb.finish_and_clear();
    }
    let outcome = outcome?;
    let shard = a
        .shard
        .map_or_else(String::new, |(k, n)| format!(" (shard {k}/{n})"));
    outln!(
        "suite {}{shard}: {} runs recorded in {}{}{}",
        suite.name,
        outcome.ran,
        results.display(),
        if outcome.already > 0 {
            format!(", {} already there", outcome.already)
        } else {
            String::new()
        },
        if outcome.not_ok > 0 {
            format!(
                ", {} skipped or failed by their solver (see the records)",
                outcome.not_ok
            )
        } else {
            String::new()
        },
    );
    if !a.report.is_empty() {
        let records = suite::read_records(std::slice::from_ref(&results))?;
        let rep = suite::aggregate(&records);
        for p in &a.report {
            suite::write_report(&rep, p)?;
            if !quiet {
                eprintln!("report written to {}", p.display());
            }
        }
    }
    if outcome.cancelled {
        anyhow::bail!(
            "cancelled; the runs that finished are in {} (continue with --resume)",
            results.display()
        );
    }
    Ok(())
}

fn list(a: &ListArgs) -> anyhow::Result<()> {
    let suite = Suite::load(&a.suite)?;
    let runs: Vec<_> = match a.shard {
        Some((k, n)) => suite.shard(k, n).map_err(anyhow::Error::msg)?,
        None => suite.runs.iter().collect(),
    };
    for r in runs {
        if a.json {
            outln!("{}", serde_json::to_string(r).context("serialising a run")?);
        } else {
            outln!(
                "{}  {:<32} {:<28} repeat {:<3} seed {}",
                r.run_id,
                r.instance.key,
                r.label,
                r.repeat,
                r.seed
            );
        }
    }
    Ok(())
}

fn report(a: &ReportArgs, quiet: bool) -> anyhow::Result<()> {
    for p in &a.report {
        check_report_path(p)?;
    }
    let records = suite::read_records(&a.results)?;
    let rep = suite::aggregate(&records);
    for p in &a.report {
        suite::write_report(&rep, p)?;
    }
    if let Some(m) = &a.manifest {
        std::fs::write(m, suite::manifest_json(&records))
            .with_context(|| format!("{}", m.display()))?;
    }
    if a.json {
        outln!("{}", suite::to_json(&rep));
    } else {
        outln!("{}", suite::to_text(&rep).trim_end());
    }
    if !quiet {
        for p in a.report.iter().chain(&a.manifest) {
            eprintln!("written to {}", p.display());
        }
    }
    Ok(())
}

fn verify(a: &VerifyArgs, quiet: bool) -> anyhow::Result<()> {
    let records = suite::read_records(&a.results)?;
    let manifest = a
        .manifest
        .as_deref()
        .map(suite::read_manifest)
        .transpose()?;
    let sample = if a.all {
        None
    } else {
        Some(a.sample.unwrap_or(20))
    };
    let runner = Runner::new().cancel_flag(ctrl_c_flag());
    let pb = bar(quiet, "re-runs");
    let progress = |done: usize, total: usize| {
        if let Some(pb) = &pb {
            pb.set_length(total as u64);
            pb.set_position(done as u64);
        }
    };
    let v = suite::verify(
        &records,
        sample,
        a.seed,
        manifest.as_ref(),
        a.root.as_deref(),
        &runner,
        &progress,
    );
    if let Some(pb) = &pb {
        pb.finish_and_clear();
    }
    if a.json {
        outln!(
            "{}",
            serde_json::to_string_pretty(&v).context("serialising")?
        );
    } else {
        outln!(
            "records      {} checked: result hashes, energies and objectives recomputed from their samples",
            v.records
        );
        outln!(
            "re-run       {} of them: {} identical",
            v.rerun,
            v.identical
        );
        outln!(
            "reproducibility error: {} run(s) that completed gave a different result",
            v.differs.len()
        );
        for (what, list) in [
            ("TAMPERED", &v.tampered),
            ("DIFFERS", &v.differs),
            ("time-limited (not reproducible by design)", &v.time_limited),
            ("UNCHECKED", &v.unchecked),
        ] {
            for f in list {
                outln!(
                    "{what}: {} ({} on {}): {}",
                    f.run_id,
                    f.label,
                    f.instance,
                    f.detail
                );
            }
        }
        if let Some(m) = &v.manifest {
            outln!(
                "manifest     {}: {} missing, {} extra, {} changed",
                if m.matches {
                    "matches"
                } else {
                    "DOES NOT MATCH"
                },
                m.missing.len(),
                m.extra.len(),
                m.changed.len()
            );
            for id in &m.changed {
                outln!("CHANGED since the manifest: {id}");
            }
            for id in &m.missing {
                outln!("MISSING from the records: {id}");
            }
            for id in &m.extra {
                outln!("NOT IN the manifest: {id}");
            }
        }
    }
    if !v.ok() {
        anyhow::bail!(
            "verification failed: {} tampered, {} not reproduced, {} unchecked{}",
            v.tampered.len(),
            v.differs.len(),
            v.unchecked.len(),
            if v.manifest.as_ref().is_some_and(|m| !m.matches) {
                ", manifest mismatch"
            } else {
                ""
            }
        );
    }
    Ok(())
}
