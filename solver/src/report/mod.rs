//! Renders a [`ComparisonReport`] as an aligned text table, Markdown, CSV, JSON (the stable
//! machine format) or one self-contained HTML page with SVG charts.
//!
//! Every format states the instance, the reference and its kind, the seeds, the machine and
//! the quboflow version.
//!
//! ```
//! # use quboflow::compare::{Comparison, Target};
//! # use quboflow::solvers::Exact;
//! # use quboflow::{Objective, QuboBuilder};
//! # let mut b = QuboBuilder::new(2);
//! # b.add_quadratic(0, 1, -1.0);
//! # let qubo = b.build()?;
//! # let energy = Objective::energy();
//! let report = Comparison::new()
//!     .solver("exact", Exact::default())
//!     .repeats(1)
//!     .run(&Target::new("pair", &qubo, &energy))?;
//! assert!(quboflow::report::to_text(&report).contains("exact"));
//! assert!(quboflow::report::to_html(&report).starts_with("<!DOCTYPE html>"));
//! # Ok::<(), quboflow::Error>(())
//! ```

mod charts;
mod html;
mod maps;
mod table;

use std::path::Path;

use crate::compare::{BaselineKind, ComparisonReport, ReferenceKind, Status};
use crate::error::{Error, Result};
pub use html::to_html;
use table::{aligned, columns, num, secs};

/// The output formats, chosen by file extension.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ReportFormat {
    /// Aligned text table (`.txt`).
    Text,
    /// Markdown (`.md`).
    Markdown,
    /// One row per solver (`.csv`).
    Csv,
    /// The stable machine format (`.json`).
    Json,
    /// Self-contained page with SVG charts (`.html`).
    Html,
}

impl ReportFormat {
    /// The format for `path`'s extension.
    pub fn from_path(path: &Path) -> Result<Self> {
        let ext = path
            .extension()
            .and_then(|e| e.to_str())
            .map(str::to_ascii_lowercase);
        Ok(match ext.as_deref() {
            Some("txt") => ReportFormat::Text,
            Some("md") | Some("markdown") => ReportFormat::Markdown,
            Some("csv") => ReportFormat::Csv,
            Some("json") => ReportFormat::Json,
            Some("html") | Some("htm") => ReportFormat::Html,
            _ => {
                return Err(Error::InvalidParameter {
                    name: "report",
                    reason: format!(
                        "{}: cannot tell the report format; use .txt, .md, .csv, .json or .html",
                        path.display()
                    ),
                });
            }
        })
    }
}

/// Renders `report` in `format`.
pub fn render(report: &ComparisonReport, format: ReportFormat) -> String {
    match format {
        ReportFormat::Text => to_text(report),
        ReportFormat::Markdown => to_markdown(report),
        ReportFormat::Csv => to_csv(report),
        ReportFormat::Json => to_json(report),
        ReportFormat::Html => to_html(report),
    }
}

/// Writes `report` to `path` in the format its extension names.
pub fn write(report: &ComparisonReport, path: &Path) -> Result<()> {
    let format = ReportFormat::from_path(path)?;
    std::fs::write(path, render(report, format)).map_err(|source| Error::Io {
        path: path.to_path_buf(),
        source,
    })
}

/// The JSON form (pretty-printed; fields pinned by `solver/schema/compare-report.schema.json`).
pub fn to_json(report: &ComparisonReport) -> String {
    serde_json::to_string_pretty(report).unwrap_or_else(|e| format!("{{\"error\":\"{e}\"}}"))
}

/// The header facts, as `(label, text)` pairs, shared by every format.
pub(crate) fn facts(r: &ComparisonReport) -> Vec<(&'static str, String)> {
    let i = &r.instance;
    let mut inst = format!("{} ({}", i.name, i.problem);
    if let Some(e) = &i.encoding {
        inst.push_str(&format!(", encoding {e}"));
    }
    inst.push_str(&format!(
        ", {} variables, {} interactions); objective: {}, {}",
        i.num_vars, i.num_interactions, i.objective_name, i.sense
    ));
    if let Some(p) = &i.path {
        inst.push_str(&format!("; file {p}"));
    }
    let reference = match &r.reference {
        Some(rf) => format!("{} — {} ({})", num(rf.value), rf.kind.label(), rf.source),
        None => "none (no solver found a feasible solution)".into(),
    };
    let s = &r.settings;
    let seeds: Vec<String> = s.seeds.iter().map(u64::to_string).collect();
    let mut runs = format!(
        "{} per solver; base seed {} (repeat seeds {})",
        s.repeats,
        s.base_seed,
        seeds.join(", ")
    );
    match s.time_limit_s {
        Some(t) => runs.push_str(&format!("; time limit {} s per run", secs(t))),
        None => runs.push_str("; no time limit"),
    }
    if s.repair {
        runs.push_str("; repair on (repaired results flagged, never mixed with raw ones)");
    }
    let m = &r.machine;
    let mut baselines = Vec::new();
    for b in &r.baselines {
        let gap = b
            .gap_percent
            .map_or_else(String::new, |g| format!(", gap {g:+.2} %"));
        let how = if b.feasible { "feasible" } else { "INFEASIBLE" };
        match b.kind {
            BaselineKind::Classical => baselines.push((
                "baseline",
                format!(
                    "{}: {} {}{gap}, {how}{}, {} s ({}; classical, not a QUBO result)",
                    b.name,
                    i.objective_name,
                    num(b.objective),
                    if b.optimal { ", proven optimal" } else { "" },
                    secs(b.wall_s),
                    b.source
                ),
            )),
            BaselineKind::Plan => {
                let best = r
                    .solvers
                    .iter()
                    .filter_map(|s| s.saving_vs_plan_percent.map(|v| (v, &s.label)))
                    .max_by(|a, b| a.0.total_cmp(&b.0));
                let verdict = match best {
                    Some((v, l)) if v >= 0.0 => format!("; {l} saves {v:.2} %"),
                    Some((v, l)) => format!("; the best solver ({l}) costs {:.2} % more", -v),
                    None => "; no solver found a feasible solution".into(),
                };
                baselines.push((
                    "your plan",
                    format!(
                        "{} {} ({}){gap}, {how}{verdict}",
                        i.objective_name,
                        num(b.objective),
                        b.source
                    ),
                ));
            }
        }
    }
    let mut out = vec![
        ("instance", inst),
        ("reference", reference),
        ("runs", runs),
        (
            "machine",
            format!(
                "{} ({} logical cores, {} solver threads), {}",
                m.cpu_model, m.logical_cores, m.threads, m.os
            ),
        ),
        ("version", format!("quboflow {}", r.version)),
    ];
    out.splice(2..2, baselines);
    out
}

/// Lines below the table: skipped and failed solvers, warnings, and what the columns mean.
pub(crate) fn notes(r: &ComparisonReport) -> Vec<String> {
    let mut out = Vec::new();
    for s in &r.solvers {
        if s.status != Status::Ok {
            out.push(format!(
                "{} {}: {}",
                s.label,
                table::status(s),
                s.reason.as_deref().unwrap_or("no reason given")
            ));
        }
    }
    for s in &r.solvers {
        if let Some(d) = &s.decomposition {
            out.extend(d.lines().into_iter().map(|l| format!("{}: {l}", s.label)));
        }
    }
    for w in &r.warnings {
        out.push(format!("warning: {w}"));
    }
    if r.interrupted {
        out.push("warning: the comparison was cancelled; some runs did not happen".into());
    }
    let against = match r.reference.as_ref().map(|x| x.kind) {
        Some(ReferenceKind::BestFound) => "the best found in this comparison",
        Some(k) => k.label(),
        None => "no reference",
    };
    out.push(format!(
        "gap: best raw-feasible objective vs {against} (positive = worse); hits: runs reaching \
         it; TTS99: time to reach it with 99 % probability by restarts; energies recomputed from \
         the samples"
    ));
    if r.solvers.iter().any(|s| s.backend.is_some()) {
        out.push(
            "backend: where the circuits ran; shots, jobs, queue and execution time summed over \
             the runs; cost: estimated from the backend's price table (USD/run is the cost per \
             optimisation)"
                .into(),
        );
    }
    if r.solvers.iter().any(|s| s.variational.is_some()) {
        out.push(
            "approx. ratio: (C_max − ⟨C⟩) / (C_max − C_min) over the states the QAOA state \
             reaches; with a penalty encoding and the X mixer C_max is a penalised infeasible \
             state, which flatters the ratio — read it with P(best) and feasible %"
                .into(),
        );
    }
    out
}

/// The aligned terminal table with the header facts and notes.
pub fn to_text(r: &ComparisonReport) -> String {
    let mut out = String::new();
    for (k, v) in facts(r) {
        out.push_str(&format!("{k:<10} {v}\n"));
    }
    out.push('\n');
    for line in aligned(&columns(r, false)) {
        out.push_str(&line);
        out.push('\n');
    }
    out.push('\n');
    for n in notes(r) {
        out.push_str(&n);
        out.push('\n');
    }
    for s in &r.solvers {
        if let Some(p) = &s.picture {
            out.push_str(&format!("\n{}: best solution\n", s.label));
            for line in p.lines() {
                out.push_str(&format!("  {line}\n"));
            }
        }
    }
    out
}

/// Markdown: the facts as a list, the full table, the notes.
pub fn to_markdown(r: &ComparisonReport) -> String {
    let esc = |s: &str| s.replace('|', "\\|");
    let mut out = format!("## quboflow comparison: {}\n\n", esc(&r.instance.name));
    for (k, v) in facts(r) {
        out.push_str(&format!("- **{k}**: {}\n", esc(&v)));
    }
    out.push('\n');
    let cols = columns(r, true);
    let row = |cells: Vec<String>| format!("| {} |\n", cells.join(" | "));
    out.push_str(&row(cols.iter().map(|c| esc(&c.title)).collect()));
    out.push_str(&row(cols
        .iter()
        .map(|c| if c.numeric { "---:" } else { ":---" }.to_string())
        .collect()));
    for k in 0..r.solvers.len() {
        out.push_str(&row(cols.iter().map(|c| esc(&c.cells[k])).collect()));
    }
    out.push('\n');
    for n in notes(r) {
        out.push_str(&format!("- {}\n", esc(&n)));
    }
    out
}

/// CSV: one row per solver, plain numbers (empty when undefined), RFC 4180 quoting.
pub fn to_csv(r: &ComparisonReport) -> String {
    let f = |v: Option<f64>| v.map(|x| x.to_string()).unwrap_or_default();
    let q = |s: &str| {
        if s.contains([',', '"', '\n']) {
            format!("\"{}\"", s.replace('"', "\"\""))
        } else {
            s.to_string()
        }
    };
    let header = "instance,solver_label,solver,status,reason,objective_name,sense,reference,\
                  reference_kind,best_objective,gap_percent,mean_objective,mean_gap_percent,\
                  raw_feasible_fraction,repaired_best_objective,best_energy,mean_energy,hits,\
                  runs,success_probability,mean_wall_s,time_to_target_s,tts99_s,\
                  energy_mismatches,p,expectation,approximation_ratio,probability_of_best,\
                  base_seed,version,backend,jobs,circuits,shots,queue_s,execution_s,cost_usd,\
                  saving_vs_plan_percent";
    let mut out = format!("{header}\n");
    for s in &r.solvers {
        let v = s.variational.as_ref();
        let b = |g: fn(&crate::compare::Execution) -> f64| f(s.backend.as_ref().map(g));
        let cells = [
            q(&r.instance.name),
            q(&s.label),
            q(&s.solver),
            table::status(s).to_string(),
            q(s.reason.as_deref().unwrap_or("")),
            q(&r.instance.objective_name),
            r.instance.sense.to_string(),
            f(r.reference.as_ref().map(|x| x.value)),
            r.reference
                .as_ref()
                .map(|x| q(x.kind.label()))
                .unwrap_or_default(),
            f(s.best_objective),
            f(s.gap_percent),
            f(s.mean_objective),
            f(s.mean_gap_percent),
            f(s.raw_feasible_fraction),
            f(s.repaired_best_objective),
            f(s.best_energy),
            f(s.mean_energy),
            s.hits.to_string(),
            s.runs_completed.to_string(),
            f(s.success_probability),
            f(s.mean_wall_s),
            f(s.time_to_target_s),
            f(s.tts99_s),
            s.energy_mismatches.to_string(),
            v.map(|x| x.p.to_string()).unwrap_or_default(),
            f(v.map(|x| x.expectation)),
            f(v.and_then(|x| x.approximation_ratio)),
            f(v.and_then(|x| x.probability_of_best)),
            r.settings.base_seed.to_string(),
            r.version.clone(),
            s.backend.as_ref().map(|b| q(&b.name)).unwrap_or_default(),
            b(|x| x.jobs as f64),
            b(|x| x.circuits as f64),
            b(|x| x.shots as f64),
            b(|x| x.queue_s),
            b(|x| x.execution_s),
            b(|x| x.cost_usd),
            f(s.saving_vs_plan_percent),
        ];
        out.push_str(&cells.join(","));
        out.push('\n');
    }
    out
}
