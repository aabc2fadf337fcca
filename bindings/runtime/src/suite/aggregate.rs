//! A suite report: per-instance tables as in `compare`, and across instances performance
//! profiles, mean and geometric-mean gaps, success rates, time-to-target distributions,
//! cost per run on remote backends and the saving against the user's own plan.

use std::collections::HashMap;

use serde::{Deserialize, Serialize};

use quboflow::Sense;
use quboflow::compare::{Reference, ReferenceKind, reaches, saving_percent};

use super::canonical::sha256_hex;
use super::record::{HIT_TOLERANCE, Record, RunStatus, gap_to};
use super::store::Records;

/// Version of the serialised [`SuiteReport`] layout.
pub const SUITE_REPORT_VERSION: u32 = 1;

/// The τ grid of the performance profiles, in percent above the best solver's value.
pub const PROFILE_TAUS: [f64; 11] = [0.0, 0.1, 0.25, 0.5, 1.0, 2.0, 5.0, 10.0, 25.0, 50.0, 100.0];

/// One solver on one instance, over its runs.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Cell {
    /// Solver label.
    pub label: String,
    /// Runs recorded.
    pub runs: usize,
    /// Runs that produced a result (not skipped or failed).
    pub ok_runs: usize,
    /// Runs whose result holds a raw-feasible read.
    pub feasible_runs: usize,
    /// Best objective over the runs.
    pub best_objective: Option<f64>,
    /// Mean over feasible runs of each run's best objective.
    pub mean_objective: Option<f64>,
    /// Gap of `best_objective` to the instance's reference, in percent.
    pub gap_percent: Option<f64>,
    /// Mean of the feasible runs' gaps, in percent.
    pub mean_gap_percent: Option<f64>,
    /// Runs that reached the reference.
    pub hits: usize,
    /// Mean wall time per run, in seconds.
    pub mean_wall_s: Option<f64>,
    /// Mean time to target over the runs that reached it, in seconds.
    pub mean_time_to_target_s: Option<f64>,
    /// Estimated remote cost over the runs, in USD (remote backends only).
    pub cost_usd: Option<f64>,
    /// Mean over feasible runs of the cost saved against the user's plan, in percent
    /// (negative: worse than the plan).
    pub saving_percent: Option<f64>,
    /// Why runs were skipped or failed (the first reason).
    pub reason: Option<String>,
}

/// One instance of the suite.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct InstanceRow {
    /// The instance's key (path relative to the suite file).
    pub key: String,
    /// Its name.
    pub name: String,
    /// The problem.
    pub problem: String,
    /// What the native objective is called.
    pub objective_name: String,
    /// Minimised or maximised.
    pub sense: Sense,
    /// The value gaps are measured against (a known value, or the best found in the suite).
    pub reference: Option<Reference>,
    /// The native cost of the user's plan, when the suite gives one.
    pub baseline: Option<f64>,
    /// One cell per solver that ran on it, in the suite's solver order.
    pub cells: Vec<Cell>,
}

/// One solver across every instance.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SolverOverall {
    /// Solver label.
    pub label: String,
    /// Instances it ran on.
    pub instances: usize,
    /// Runs recorded, and how many produced a result.
    pub runs: usize,
    /// Runs with a result.
    pub ok_runs: usize,
    /// Fraction of runs with a result that hold a raw-feasible read.
    pub feasible_rate: Option<f64>,
    /// Fraction of runs with a result that reached the reference.
    pub success_rate: Option<f64>,
    /// Mean over instances of the mean gap, in percent.
    pub mean_gap_percent: Option<f64>,
    /// Shifted geometric mean over instances of (1 + mean gap), minus 1, in percent.
    pub geomean_gap_percent: Option<f64>,
    /// Instances where its mean objective was the best of all solvers.
    pub wins: usize,
    /// Mean wall time per run, in seconds.
    pub mean_wall_s: Option<f64>,
    /// Median time to target over the runs that reached it, in seconds.
    pub median_time_to_target_s: Option<f64>,
    /// Estimated remote cost per run and per instance, in USD (remote backends only).
    pub cost_usd_per_run: Option<f64>,
    /// Estimated remote cost per instance, in USD.
    pub cost_usd_per_instance: Option<f64>,
    /// Mean over instances with a plan of the cost saved against it, in percent.
    pub mean_saving_percent: Option<f64>,
    /// Performance profile: the fraction of instances whose mean objective is within
    /// `PROFILE_TAUS[k]` percent of the best solver's, at each k.
    pub profile: Vec<f64>,
    /// Times to target of its runs that reached a known reference (proven optimum, best
    /// known or user value), sorted (seconds), for the distribution chart; runs on such
    /// instances that never reached it are `runs_without_target`.
    pub times_to_target_s: Vec<f64>,
    /// Runs with a result, on instances with a known reference, that did not reach it.
    pub runs_without_target: usize,
}

/// A report over the records of one or more results files.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SuiteReport {
    /// [`SUITE_REPORT_VERSION`].
    pub format_version: u32,
    /// The quboflow version that wrote the report.
    pub version: String,
    /// The suites the records come from.
    pub suites: Vec<String>,
    /// Records after merging.
    pub records: usize,
    /// Repeated records dropped (same run id, same result).
    pub duplicates: usize,
    /// Run ids recorded with different results (the first kept): a reader must know.
    pub conflicts: Vec<String>,
    /// Notes (cut-short lines, conflicts, versions).
    pub notes: Vec<String>,
    /// SHA-256 over the sorted `run_id record-sha256` lines of every record: check a
    /// published report against its raw data with `suite verify --manifest`.
    pub manifest_sha256: String,
    /// The quboflow versions and git commits that produced the records.
    pub produced_by: Vec<String>,
    /// The τ grid of the profiles, in percent.
    pub profile_taus: Vec<f64>,
    /// Solvers across instances, in first-seen order.
    pub solvers: Vec<SolverOverall>,
    /// Every instance, in first-seen order.
    pub instances: Vec<InstanceRow>,
}

/// The manifest of a set of records: `(run_id, record line SHA-256)` sorted by run id, and
/// the SHA-256 over those lines.
pub fn manifest(records: &Records) -> (Vec<(String, String)>, String) {
    let mut entries: Vec<(String, String)> = records
        .records
        .iter()
        .zip(&records.line_sha256)
        .map(|(r, h)| (r.run_id.clone(), h.clone()))
        .collect();
    entries.sort();
    let text: String = entries
        .iter()
        .map(|(id, h)| format!("{id} {h}\n"))
        .collect();
    let root = sha256_hex(text.as_bytes());
    (entries, root)
}

fn mean(v: impl IntoIterator<Item = f64>) -> Option<f64> {
    let (s, n) = v
        .into_iter()
        .fold((0.0, 0usize), |(s, n), x| (s + x, n + 1));
    (n > 0).then(|| s / n as f64)
}

fn better(sense: Sense, a: f64, b: f64) -> bool {
    match sense {
        Sense::Minimize => a < b,
        Sense::Maximize => a > b,
    }
}

/// Builds the report. Fast: one pass over the records, then per-instance work.
pub fn aggregate(records: &Records) -> SuiteReport {
    let (_, manifest_sha256) = manifest(records);
    let mut labels: Vec<String> = Vec::new();
    let mut label_index: HashMap<&str, usize> = HashMap::new();
    let mut inst_order: Vec<&str> = Vec::new();
    let mut by_inst: HashMap<&str, Vec<&Record>> = HashMap::new();
    let mut suites: Vec<String> = Vec::new();
    let mut produced: Vec<String> = Vec::new();
    for r in &records.records {
        if !label_index.contains_key(r.run.label.as_str()) {
            label_index.insert(&r.run.label, labels.len());
            labels.push(r.run.label.clone());
        }
        let key = r.run.instance.key.as_str();
        by_inst
            .entry(key)
            .or_insert_with(|| {
                inst_order.push(key);
                Vec::new()
            })
            .push(r);
        if !suites.contains(&r.run.suite) {
            suites.push(r.run.suite.clone());
        }
        let p = format!(
            "quboflow {} ({})",
            r.provenance.version, r.provenance.git_commit
        );
        if !produced.contains(&p) {
            produced.push(p);
        }
    }
    let mut notes = records.notes.clone();
    if !records.conflicts.is_empty() {
        notes.push(format!(
            "{} run id(s) were recorded with different results (the first record of each is used): {}",
            records.conflicts.len(),
            records.conflicts.iter().take(5).cloned().collect::<Vec<_>>().join(", ")
        ));
    }
    if produced.len() > 1 {
        notes.push(format!(
            "the records come from {} builds: {}",
            produced.len(),
            produced.join("; ")
        ));
    }

    // Per instance and solver.
    let mut instances = Vec::with_capacity(inst_order.len());
    for key in &inst_order {
        let recs = &by_inst[key];
        let first = recs[0];
        let sense = first.instance.sense;
        let known = recs.iter().find_map(|r| r.reference.clone());
        let best_found = recs
            .iter()
            .filter_map(|r| {
                r.result
                    .as_ref()
                    .and_then(|x| x.best_objective)
                    .map(|o| (o, &r.run.label))
            })
            .fold(None, |acc: Option<(f64, &String)>, (o, l)| match acc {
                Some((b, _)) if !better(sense, o, b) => acc,
                _ => Some((o, l)),
            });
        let reference = known.or_else(|| {
            best_found.map(|(value, label)| Reference {
                value,
                kind: ReferenceKind::BestFound,
                source: format!("found by {label}"),
            })
        });
        let baseline = recs.iter().find_map(|r| r.run.instance.baseline);
        let mut group: Vec<Vec<&Record>> = vec![Vec::new(); labels.len()];
        for r in recs {
            group[label_index[r.run.label.as_str()]].push(r);
        }
        let cells = group
            .iter()
            .zip(&labels)
            .filter(|(g, _)| !g.is_empty())
            .map(|(g, label)| cell(label, g, sense, reference.as_ref(), baseline))
            .collect();
        instances.push(InstanceRow {
            key: key.to_string(),
            name: first.instance.name.clone(),
            problem: first.instance.problem.clone(),
            objective_name: first.instance.objective_name.clone(),
            sense,
            reference,
            baseline,
            cells,
        });
    }

    // Across instances.
    let solvers = labels
        .iter()
        .map(|label| overall(label, &instances, &by_inst, &inst_order))
        .collect();
    SuiteReport {
        format_version: SUITE_REPORT_VERSION,
        version: quboflow::VERSION.to_string(),
        suites,
        records: records.records.len(),
        duplicates: records.duplicates,
        conflicts: records.conflicts.clone(),
        notes,
        manifest_sha256,
        produced_by: produced,
        profile_taus: PROFILE_TAUS.to_vec(),
        solvers,
        instances,
    }
}

fn cell(
    label: &str,
    runs: &[&Record],
    sense: Sense,
    reference: Option<&Reference>,
    baseline: Option<f64>,
) -> Cell {
    let ok: Vec<&Record> = runs
        .iter()
        .copied()
        .filter(|r| r.status == RunStatus::Ok)
        .collect();
    let objectives: Vec<f64> = ok
        .iter()
        .filter_map(|r| r.result.as_ref().and_then(|x| x.best_objective))
        .collect();
    let best = objectives
        .iter()
        .copied()
        .fold(None, |b: Option<f64>, o| match b {
            Some(b) if !better(sense, o, b) => Some(b),
            _ => Some(o),
        });
    let gaps: Vec<f64> = match reference {
        Some(r) => objectives
            .iter()
            .filter_map(|&o| gap_to(sense, o, r.value))
            .collect(),
        None => Vec::new(),
    };
    let hits = match reference {
        Some(r) => objectives
            .iter()
            .filter(|&&o| reaches(sense, o, r.value, HIT_TOLERANCE))
            .count(),
        None => 0,
    };
    let cost: Vec<f64> = ok
        .iter()
        .filter_map(|r| r.execution.as_ref().map(|e| e.cost_usd))
        .collect();
    let saving = baseline.and_then(|b| {
        mean(
            objectives
                .iter()
                .filter_map(|&o| saving_percent(sense, o, b)),
        )
    });
    Cell {
        label: label.to_string(),
        runs: runs.len(),
        ok_runs: ok.len(),
        feasible_runs: objectives.len(),
        best_objective: best,
        mean_objective: mean(objectives.iter().copied()),
        gap_percent: best
            .zip(reference)
            .and_then(|(b, r)| gap_to(sense, b, r.value)),
        mean_gap_percent: mean(gaps),
        hits,
        mean_wall_s: mean(ok.iter().map(|r| r.timing.wall_s)),
        mean_time_to_target_s: mean(ok.iter().filter_map(|r| r.timing.time_to_target_s)),
        cost_usd: (!cost.is_empty()).then(|| cost.iter().sum()),
        saving_percent: saving,
        reason: runs.iter().find_map(|r| r.reason.clone()),
    }
}

fn overall(
    label: &str,
    instances: &[InstanceRow],
    by_inst: &HashMap<&str, Vec<&Record>>,
    order: &[&str],
) -> SolverOverall {
    let mut mine = Vec::new();
    let mut profile = vec![0usize; PROFILE_TAUS.len()];
    let mut wins = 0;
    let mut considered = 0usize;
    for row in instances {
        let Some(c) = row.cells.iter().find(|c| c.label == label) else {
            continue;
        };
        considered += 1;
        mine.push(c);
        // The best mean objective of any solver on this instance.
        let best = row.cells.iter().filter_map(|c| c.mean_objective).fold(
            None,
            |b: Option<f64>, o| match b {
                Some(b) if !better(row.sense, o, b) => Some(b),
                _ => Some(o),
            },
        );
        if let (Some(best), Some(m)) = (best, c.mean_objective) {
            let d = if m == best {
                0.0
            } else {
                (m - best).abs() / best.abs().max(f64::MIN_POSITIVE) * 100.0
            };
            if d <= 1e-7 {
                wins += 1;
            }
            for (k, tau) in PROFILE_TAUS.iter().enumerate() {
                if d <= tau + 1e-9 {
                    profile[k] += 1;
                }
            }
        }
    }
    let runs: usize = mine.iter().map(|c| c.runs).sum();
    let ok_runs: usize = mine.iter().map(|c| c.ok_runs).sum();
    let feasible: usize = mine.iter().map(|c| c.feasible_runs).sum();
    let hits: usize = mine.iter().map(|c| c.hits).sum();
    let with_ref = instances.iter().filter(|r| r.reference.is_some()).count() > 0;
    let mean_gaps: Vec<f64> = mine.iter().filter_map(|c| c.mean_gap_percent).collect();
    let geo = (!mean_gaps.is_empty() && mean_gaps.iter().all(|g| *g > -100.0)).then(|| {
        let s: f64 = mean_gaps.iter().map(|g| (1.0 + g / 100.0).ln()).sum();
        ((s / mean_gaps.len() as f64).exp() - 1.0) * 100.0
    });
    // Time to target is measured against a known reference only (a best-found value is
    // known after the fact): the distribution covers the runs on such instances.
    let timed: Vec<&Record> = order
        .iter()
        .flat_map(|k| by_inst[k].iter().copied())
        .filter(|r| r.run.label == label && r.status == RunStatus::Ok && r.reference.is_some())
        .collect();
    let mut ttt: Vec<f64> = timed
        .iter()
        .filter_map(|r| r.timing.time_to_target_s)
        .collect();
    ttt.sort_by(f64::total_cmp);
    let median = (!ttt.is_empty()).then(|| {
        let n = ttt.len();
        if n % 2 == 1 {
            ttt[n / 2]
        } else {
            (ttt[n / 2 - 1] + ttt[n / 2]) / 2.0
        }
    });
    let costs: Vec<f64> = mine.iter().filter_map(|c| c.cost_usd).collect();
    let total_cost: f64 = costs.iter().sum();
    SolverOverall {
        label: label.to_string(),
        instances: considered,
        runs,
        ok_runs,
        feasible_rate: (ok_runs > 0).then(|| feasible as f64 / ok_runs as f64),
        success_rate: (ok_runs > 0 && with_ref).then(|| hits as f64 / ok_runs as f64),
        mean_gap_percent: mean(mean_gaps.iter().copied()),
        geomean_gap_percent: geo,
        wins,
        mean_wall_s: {
            let t: f64 = mine
                .iter()
                .filter_map(|c| c.mean_wall_s.map(|w| w * c.ok_runs as f64))
                .sum();
            (ok_runs > 0).then(|| t / ok_runs as f64)
        },
        median_time_to_target_s: median,
        cost_usd_per_run: (!costs.is_empty() && ok_runs > 0).then(|| total_cost / ok_runs as f64),
        cost_usd_per_instance: (!costs.is_empty()).then(|| total_cost / costs.len() as f64),
        mean_saving_percent: mean(mine.iter().filter_map(|c| c.saving_percent)),
        profile: profile
            .iter()
            .map(|&p| {
                if considered > 0 {
                    p as f64 / considered as f64
                } else {
                    0.0
                }
            })
            .collect(),
        runs_without_target: timed.len().saturating_sub(ttt.len()),
        times_to_target_s: ttt,
    }
}
