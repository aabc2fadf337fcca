//! `suite verify`: checks records against themselves (every result's hash, every recorded
//! energy and objective recomputed from its sample on the instance), against a manifest,
//! and by re-running a sample of them: the reproducibility error.

use std::path::Path;

use serde::{Deserialize, Serialize};

use quboflow::compare::Evaluate;

use super::aggregate::manifest;
use super::canonical::sha256_hex;
use super::error::SuiteError;
use super::execute::{RunError, Runner};
use super::record::{Record, parse_bits, result_sha256};
use super::spec::RunSpec;
use super::store::Records;

/// What is wrong with one record.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Finding {
    /// The run id.
    pub run_id: String,
    /// Solver label and instance, to name the record.
    pub label: String,
    /// The instance key.
    pub instance: String,
    /// What was found.
    pub detail: String,
}

/// How the records compare with a manifest.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct ManifestCheck {
    /// Whether the manifest's root hash matches the records'.
    pub matches: bool,
    /// Run ids in the manifest with no record.
    pub missing: Vec<String>,
    /// Run ids recorded but not in the manifest.
    pub extra: Vec<String>,
    /// Run ids whose record differs from the one the manifest hashed.
    pub changed: Vec<String>,
}

/// The outcome of `suite verify`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct VerifyReport {
    /// Records checked for integrity (all of them).
    pub records: usize,
    /// Records whose content contradicts itself or the instance: a changed result, energy,
    /// objective or sample.
    pub tampered: Vec<Finding>,
    /// Records re-run.
    pub rerun: usize,
    /// Re-runs that gave the recorded result exactly.
    pub identical: usize,
    /// Re-runs of runs that completed (not stopped by a time limit) whose result differs:
    /// the reproducibility error. Zero for every deterministic solver on the same build.
    pub differs: Vec<Finding>,
    /// Re-runs whose result differs but that were stopped by their time limit or a per-read
    /// timeout, which is not reproducible by design (how far a run gets depends on the
    /// machine's speed).
    pub time_limited: Vec<Finding>,
    /// Records that could not be checked (instance missing or changed).
    pub unchecked: Vec<Finding>,
    /// The manifest comparison, when one was given.
    pub manifest: Option<ManifestCheck>,
}

impl VerifyReport {
    /// True when nothing is wrong: no tampering, no reproducibility error, no manifest
    /// mismatch, nothing left unchecked.
    pub fn ok(&self) -> bool {
        self.tampered.is_empty()
            && self.differs.is_empty()
            && self.unchecked.is_empty()
            && self.manifest.as_ref().is_none_or(|m| m.matches)
    }
}

fn finding(r: &Record, detail: String) -> Finding {
    Finding {
        run_id: r.run_id.clone(),
        label: r.run.label.clone(),
        instance: r.run.instance.key.clone(),
        detail,
    }
}

fn close(a: f64, b: f64) -> bool {
    a == b || (a - b).abs() <= 1e-9 * a.abs().max(b.abs()).max(1.0)
}

/// Checks one record against itself and its instance; `None` when it holds.
fn integrity(r: &Record, run: &RunSpec, runner: &Runner) -> Result<Option<String>, String> {
    if result_sha256(r.result.as_ref()) != r.result_sha256 {
        return Ok(Some(
            "its result does not match its result_sha256 (the result was edited)".into(),
        ));
    }
    let Some(res) = &r.result else {
        return Ok(None);
    };
    let (enc, _) = runner.encoded_for(&run.instance)?;
    let n = enc.qubo.num_vars();
    let Some(sample) = parse_bits(&res.best_sample).filter(|s| s.len() == n) else {
        return Ok(Some(format!(
            "best_sample is not a 0/1 string of {n} variables"
        )));
    };
    let e = enc.qubo.energy(&sample);
    if !close(e, res.best_energy) {
        return Ok(Some(format!(
            "best_energy {} but best_sample has energy {e}",
            res.best_energy
        )));
    }
    let feasible = match &res.best_feasible_sample {
        Some(s) => match parse_bits(s).filter(|s| s.len() == n) {
            Some(x) => Some(x),
            None => {
                return Ok(Some(format!(
                    "best_feasible_sample is not a 0/1 string of {n} variables"
                )));
            }
        },
        None => res.best_objective.map(|_| sample.clone()),
    };
    if let (Some(x), Some(obj)) = (feasible, res.best_objective) {
        let ev: &dyn Evaluate = enc.as_ref();
        let got = ev.evaluate(&x, enc.qubo.energy(&x));
        match got.objective {
            Some(o) if got.feasible && close(o, obj) => {}
            Some(o) => {
                return Ok(Some(format!(
                    "best_objective {obj} but its sample decodes to {o}{}",
                    if got.feasible { "" } else { " (infeasible)" }
                )));
            }
            None => {
                return Ok(Some(format!(
                    "best_objective {obj} but its sample has no objective"
                )));
            }
        }
    }
    Ok(None)
}

/// The records to re-run: all, or `sample` of them chosen by `seed` (the same choice on any
/// machine).
fn chosen(records: &[Record], sample: Option<usize>, seed: u64) -> Vec<&Record> {
    let mut order: Vec<(String, &Record)> = records
        .iter()
        .map(|r| (sha256_hex(format!("{seed} {}", r.run_id).as_bytes()), r))
        .collect();
    order.sort_by(|a, b| a.0.cmp(&b.0));
    let n = sample.unwrap_or(records.len()).min(records.len());
    let mut out: Vec<&Record> = order.into_iter().take(n).map(|(_, r)| r).collect();
    out.sort_by_key(|r| r.run.index);
    out
}

/// What records are checked against: a root hash, and each record's hash when known.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Manifest {
    /// SHA-256 over the sorted `run_id record-sha256` lines.
    pub root: String,
    /// `(run_id, record line SHA-256)`, sorted by run id (a manifest file has them, a
    /// report states only the root).
    pub entries: Option<Vec<(String, String)>>,
}

/// Reads what a records set is checked against: a manifest written by `suite report
/// --manifest` (`entries`: every record's hash), or a suite report's JSON (only its
/// `manifest_sha256`, the root hash). Returns the root hash and the entries when present.
pub fn read_manifest(path: &Path) -> Result<Manifest, SuiteError> {
    let text =
        std::fs::read_to_string(path).map_err(|e| SuiteError::at(path, None, e.to_string()))?;
    #[derive(Deserialize)]
    struct M {
        manifest_sha256: String,
        entries: Option<Vec<(String, String)>>,
    }
    let m: M = serde_json::from_str(&text).map_err(|e| {
        SuiteError::at(
            path,
            Some(e.line()),
            format!("not a suite manifest or a suite report's JSON: {e}"),
        )
    })?;
    Ok(Manifest {
        root: m.manifest_sha256,
        entries: m.entries,
    })
}

/// The manifest file's JSON: root hash and entries.
pub fn manifest_json(records: &Records) -> String {
    let (entries, root) = manifest(records);
    serde_json::to_string_pretty(&serde_json::json!({
        "manifest_sha256": root,
        "records": entries.len(),
        "entries": entries,
    }))
    .unwrap_or_default()
}

/// The record's run, with its instance found where this machine has it: the recorded path
/// when it exists, else the instance's key (its path relative to the suite file) under
/// `root` (default: the current folder). The SHA-256 check on opening makes sure it is the
/// same file.
fn located(r: &Record, root: Option<&Path>) -> RunSpec {
    let mut run = r.run.clone();
    if !std::path::Path::new(
        run.instance
            .path
            .to_string_lossy()
            .split('#')
            .next()
            .unwrap_or(""),
    )
    .exists()
    {
        run.instance.path = root.unwrap_or(Path::new(".")).join(&run.instance.key);
    }
    run
}

/// Verifies `records`: integrity of all, a re-run of `sample` of them (`None`: all, `Some(0)`:
/// none) chosen by `seed`, and the manifest when given (its root hash, and every record's
/// hash when it lists them; see [`read_manifest`]). `progress(done, total)` is called
/// after each re-run.
pub fn verify(
    records: &Records,
    sample: Option<usize>,
    seed: u64,
    manifest_given: Option<&Manifest>,
    root: Option<&Path>,
    runner: &Runner,
    progress: &dyn Fn(usize, usize),
) -> VerifyReport {
    let mut out = VerifyReport {
        records: records.records.len(),
        ..Default::default()
    };
    for r in &records.records {
        match integrity(r, &located(r, root), runner) {
            Ok(None) => {}
            Ok(Some(why)) => out.tampered.push(finding(r, why)),
            Err(why) => out.unchecked.push(finding(r, why)),
        }
    }
    if let Some(given) = manifest_given {
        let (mine, our_root) = manifest(records);
        let entries = given.entries.as_deref().unwrap_or_default();
        let theirs: std::collections::HashMap<&str, &str> = entries
            .iter()
            .map(|(a, b)| (a.as_str(), b.as_str()))
            .collect();
        let ours: std::collections::HashMap<&str, &str> =
            mine.iter().map(|(a, b)| (a.as_str(), b.as_str())).collect();
        let mut m = ManifestCheck::default();
        for (id, h) in &theirs {
            match ours.get(id) {
                None => m.missing.push(id.to_string()),
                Some(o) if o != h => m.changed.push(id.to_string()),
                _ => {}
            }
        }
        for id in ours.keys() {
            // A report's root hash alone cannot say which records are extra.
            if !entries.is_empty() && !theirs.contains_key(id) {
                m.extra.push(id.to_string());
            }
        }
        m.missing.sort();
        m.changed.sort();
        m.extra.sort();
        m.matches = our_root == given.root
            && m.missing.is_empty()
            && m.changed.is_empty()
            && m.extra.is_empty();
        out.manifest = Some(m);
    }
    let picks = chosen(&records.records, sample, seed);
    let total = picks.len();
    for (k, r) in picks.into_iter().enumerate() {
        if out.tampered.iter().any(|f| f.run_id == r.run_id)
            || out.unchecked.iter().any(|f| f.run_id == r.run_id)
        {
            progress(k + 1, total);
            continue;
        }
        out.rerun += 1;
        match runner.run(&located(r, root)) {
            Ok(again) if again.result_sha256 == r.result_sha256 && again.status == r.status => {
                out.identical += 1
            }
            Ok(again) => {
                let detail = describe(r, &again);
                if !r.reproducible || !again.reproducible {
                    out.time_limited.push(finding(r, detail));
                } else {
                    out.differs.push(finding(r, detail));
                }
            }
            Err(RunError::Cancelled) => break,
            Err(e) => out.unchecked.push(finding(r, e.to_string())),
        }
        progress(k + 1, total);
    }
    out
}

/// How a re-run differs from the record.
fn describe(old: &Record, new: &Record) -> String {
    if old.status != new.status {
        return format!(
            "status {:?} recorded, {:?} on re-run ({})",
            old.status,
            new.status,
            new.reason.clone().unwrap_or_default()
        );
    }
    match (&old.result, &new.result) {
        (Some(a), Some(b)) => {
            let mut parts = Vec::new();
            if a.best_energy != b.best_energy {
                parts.push(format!(
                    "best_energy {} → {} (|Δ| {})",
                    a.best_energy,
                    b.best_energy,
                    (a.best_energy - b.best_energy).abs()
                ));
            }
            if a.best_objective != b.best_objective {
                parts.push(format!(
                    "best_objective {:?} → {:?}",
                    a.best_objective, b.best_objective
                ));
            }
            if a.mean_energy != b.mean_energy {
                parts.push(format!(
                    "mean_energy {} → {} (|Δ| {})",
                    a.mean_energy,
                    b.mean_energy,
                    (a.mean_energy - b.mean_energy).abs()
                ));
            }
            if a.best_sample != b.best_sample {
                parts.push("best_sample differs".into());
            }
            if parts.is_empty() {
                parts.push("other result fields differ".into());
            }
            parts.join("; ")
        }
        _ => "result present on one side only".into(),
    }
}
