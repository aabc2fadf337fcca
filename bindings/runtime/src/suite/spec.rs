//! Suite files: TOML naming instances, solvers (with parameter sweeps), repeats and a base
//! seed, expanded into independent runs. Every mistake is found here, before any run starts,
//! and named by its line.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};
use toml::Spanned;

use super::canonical::{hex, sha256_file, sha256_json};
use super::error::SuiteError;
use super::files::{baseline_of, expand_pattern, split_pick};
use super::sweep::{cartesian, probe, short, to_json};
use crate::SolverKind;

/// Most runs a suite may expand into (each run spec takes about a kilobyte).
pub const MAX_RUNS: usize = 10_000_000;

/// Keys of a `sweep` table that set the run rather than the solver.
const RUN_KEYS: [&str; 3] = ["penalty", "time_limit", "encoding"];

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct SuiteFile {
    name: Option<String>,
    seed: Option<Spanned<i64>>,
    repeats: Option<Spanned<i64>>,
    time_limit: Option<Spanned<f64>>,
    threads: Option<Spanned<i64>>,
    #[serde(default)]
    instances: Vec<Spanned<InstanceEntry>>,
    #[serde(default)]
    solvers: Vec<Spanned<SolverEntry>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct InstanceEntry {
    path: Option<Spanned<String>>,
    paths: Option<Vec<Spanned<String>>>,
    format: Option<Spanned<String>>,
    encoding: Option<Spanned<String>>,
    penalty: Option<Spanned<f64>>,
    reference: Option<Spanned<toml::Value>>,
    baseline: Option<Spanned<toml::Value>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct SolverEntry {
    solver: Spanned<String>,
    label: Option<Spanned<String>>,
    time_limit: Option<Spanned<f64>>,
    repeats: Option<Spanned<i64>>,
    #[serde(default)]
    params: BTreeMap<String, Spanned<toml::Value>>,
    #[serde(default)]
    sweep: BTreeMap<String, Spanned<toml::Value>>,
}

/// The instance a run reads, and how.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct InstanceSpec {
    /// The path as the suite names it, relative to the suite file's folder (`/`-separated);
    /// part of the run id, so it does not depend on where the suite is checked out.
    pub key: String,
    /// The file to open (absolute when the suite was loaded).
    pub path: PathBuf,
    /// SHA-256 of the file's bytes.
    pub sha256: String,
    /// The format, when the suite gives one (else detected).
    pub format: Option<String>,
    /// The encoding, when the suite gives one (else the problem's default).
    pub encoding: Option<String>,
    /// The penalty weight, when the suite gives one (else the encoding's safe value).
    pub penalty: Option<f64>,
    /// The reference gaps are measured against: `optimum`, `best-known` or a number (else
    /// the data tables' value when known).
    pub reference: Option<String>,
    /// The native cost of the user's current plan, when the suite names one.
    pub baseline: Option<f64>,
    /// Where that cost came from (a plan file, or `suite file`).
    pub baseline_source: Option<String>,
}

/// One run of a suite: everything needed to repeat it anywhere.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RunSpec {
    /// The run id: the first 16 hex digits of the SHA-256 of everything below except the
    /// seed and threads (the suite name and the position in the expansion do not count).
    pub run_id: String,
    /// Position in the suite's expansion (0-based); shards take every N-th.
    pub index: usize,
    /// The suite's name.
    pub suite: String,
    /// The instance.
    pub instance: InstanceSpec,
    /// The solver's name in reports (the entry's `label`, else its `solver`, with the swept
    /// values).
    pub label: String,
    /// The solver (`sa`, `qaoa`, …).
    pub solver: String,
    /// Its parameters (registry names; a `qaoa@BACKEND` entry has `backend` here).
    pub params: Map<String, Value>,
    /// Wall-clock limit in seconds.
    pub time_limit_s: Option<f64>,
    /// Repeat index of this solver on this instance (0-based).
    pub repeat: usize,
    /// The base seed of the suite.
    pub base_seed: u64,
    /// The run's own seed, derived from the run id: the same on any machine, in any order.
    pub seed: u64,
    /// Worker threads for the run (`None`: the process's pool). Results do not depend on it.
    pub threads: Option<usize>,
}

/// A suite file expanded into runs.
#[derive(Debug, Clone, PartialEq)]
pub struct Suite {
    /// The suite's name (`name`, else the file stem).
    pub name: String,
    /// The file it was read from.
    pub file: PathBuf,
    /// The base seed.
    pub base_seed: u64,
    /// Every run, in expansion order (instances, then solvers, then repeats).
    pub runs: Vec<RunSpec>,
}

impl Suite {
    /// Reads and expands a suite file; see [`Suite::parse`].
    pub fn load(path: &Path) -> Result<Suite, SuiteError> {
        let text =
            std::fs::read_to_string(path).map_err(|e| SuiteError::at(path, None, e.to_string()))?;
        Suite::parse(&text, path)
    }

    /// Expands suite `text` (read from `path`; instance paths are relative to its folder).
    /// Checks everything a run would need: every instance exists, reads and encodes, every
    /// solver is known and takes its parameters, no two runs are the same.
    pub fn parse(text: &str, path: &Path) -> Result<Suite, SuiteError> {
        let line_of = |offset: usize| text[..offset.min(text.len())].matches('\n').count() + 1;
        let err = |offset: usize, msg: String| SuiteError::at(path, Some(line_of(offset)), msg);
        let file: SuiteFile = toml::from_str(text).map_err(|e| {
            let line = e.span().map(|s| line_of(s.start));
            SuiteError::at(path, line, e.message().trim().to_string())
        })?;
        let dir = path.parent().map(Path::to_path_buf).unwrap_or_default();
        let dir = std::path::absolute(if dir.as_os_str().is_empty() {
            Path::new(".")
        } else {
            &dir
        })
        .map_err(|e| SuiteError::at(path, None, e.to_string()))?;
        let name = file.name.clone().unwrap_or_else(|| {
            path.file_stem()
                .map(|s| s.to_string_lossy().into_owned())
                .unwrap_or_default()
        });
        let nonneg = |v: &Spanned<i64>, what: &str, min: i64| -> Result<u64, SuiteError> {
            if *v.get_ref() < min {
                Err(err(
                    v.span().start,
                    format!("{what} must be at least {min}, not {}", v.get_ref()),
                ))
            } else {
                Ok(*v.get_ref() as u64)
            }
        };
        let base_seed = file
            .seed
            .as_ref()
            .map(|s| nonneg(s, "seed", 0))
            .transpose()?
            .unwrap_or(0);
        let repeats = file
            .repeats
            .as_ref()
            .map(|s| nonneg(s, "repeats", 1))
            .transpose()?
            .unwrap_or(1);
        let threads = file
            .threads
            .as_ref()
            .map(|s| {
                let n = nonneg(s, "threads", 1)?;
                if n as usize > crate::MAX_THREADS {
                    return Err(err(
                        s.span().start,
                        format!("threads must be at most {}", crate::MAX_THREADS),
                    ));
                }
                Ok(n as usize)
            })
            .transpose()?;
        let check_time = |t: &Spanned<f64>| -> Result<f64, SuiteError> {
            crate::seconds("time_limit", *t.get_ref())
                .map(|_| *t.get_ref())
                .map_err(|e| err(t.span().start, e.to_string()))
        };
        let time_limit = file.time_limit.as_ref().map(check_time).transpose()?;
        if file.instances.is_empty() {
            return Err(SuiteError::at(
                path,
                None,
                "no [[instances]]: name at least one instance file".into(),
            ));
        }
        if file.solvers.is_empty() {
            return Err(SuiteError::at(
                path,
                None,
                "no [[solvers]]: name at least one solver".into(),
            ));
        }

        // Instances: every path or glob, relative to the suite's folder.
        let mut instances: Vec<(InstanceSpec, usize)> = Vec::new();
        for entry in &file.instances {
            let at = entry.span().start;
            let e = entry.get_ref();
            let mut patterns: Vec<&Spanned<String>> = e.path.iter().collect();
            patterns.extend(e.paths.iter().flatten());
            if patterns.is_empty() {
                return Err(err(
                    at,
                    "an [[instances]] entry needs `path` or `paths`".into(),
                ));
            }
            let format = e
                .format
                .as_ref()
                .map(|f| {
                    f.get_ref()
                        .parse::<quboflow_problems::FileFormat>()
                        .map(|ff| ff.name().to_string())
                        .map_err(|m| err(f.span().start, format!("format: {m}")))
                })
                .transpose()?;
            let encoding = e
                .encoding
                .as_ref()
                .map(|f| {
                    f.get_ref()
                        .parse::<quboflow_problems::Encoding>()
                        .map(|x| x.name().to_string())
                        .map_err(|m| err(f.span().start, format!("encoding: {m}")))
                })
                .transpose()?;
            let penalty = e
                .penalty
                .as_ref()
                .map(|p| {
                    let a = *p.get_ref();
                    if a.is_finite() && a > 0.0 {
                        Ok(a)
                    } else {
                        Err(err(
                            p.span().start,
                            format!("penalty must be a positive finite number, not {a}"),
                        ))
                    }
                })
                .transpose()?;
            let reference = e
                .reference
                .as_ref()
                .map(|r| match r.get_ref() {
                    toml::Value::String(s) => Ok(s.clone()),
                    toml::Value::Integer(i) => Ok(i.to_string()),
                    toml::Value::Float(x) => Ok(x.to_string()),
                    other => Err(err(
                        r.span().start,
                        format!(
                            "reference must be \"optimum\", \"best-known\" or a number, not a {}",
                            other.type_str()
                        ),
                    )),
                })
                .transpose()?;
            for pat in patterns {
                let files =
                    expand_pattern(&dir, pat.get_ref()).map_err(|m| err(pat.span().start, m))?;
                for (key, file_path) in files {
                    // One instance, one row of the report: several encodings or penalties of a
                    // file are a sweep, which labels each configuration.
                    if let Some((_, first)) = instances.iter().find(|(i, _)| i.key == key) {
                        return Err(err(
                            pat.span().start,
                            format!(
                                "{key} is already listed on line {}; to run it under several encodings or penalties, sweep them in the solver entries (sweep = {{ encoding = [...] }})",
                                line_of(*first)
                            ),
                        ));
                    }
                    let (plain, _) = split_pick(&file_path);
                    let sha256 = sha256_file(&plain)
                        .map_err(|m| err(pat.span().start, format!("{key}: {m}")))?;
                    let (baseline, baseline_source) = match &e.baseline {
                        None => (None, None),
                        Some(b) => baseline_of(b.get_ref(), &dir, &file_path)
                            .map(|(v, s)| (Some(v), Some(s)))
                            .map_err(|m| err(b.span().start, format!("{key}: baseline: {m}")))?,
                    };
                    instances.push((
                        InstanceSpec {
                            key,
                            path: file_path,
                            sha256,
                            format: format.clone(),
                            encoding: encoding.clone(),
                            penalty,
                            reference: reference.clone(),
                            baseline,
                            baseline_source,
                        },
                        pat.span().start,
                    ));
                }
            }
        }

        // Solvers: one configuration per point of each entry's sweep.
        let mut configs: Vec<Config> = Vec::new();
        for entry in &file.solvers {
            let e = entry.get_ref();
            let at = e.solver.span().start;
            let (kind, backend) =
                crate::parse_choice(e.solver.get_ref()).map_err(|m| err(at, m))?;
            let mut params = Map::new();
            let mut lines: BTreeMap<String, usize> = BTreeMap::new();
            for (k, v) in &e.params {
                if RUN_KEYS.contains(&k.as_str()) {
                    return Err(err(
                        v.span().start,
                        format!(
                            "{k} is set per run: give it in the instance entry, as the solver's `time_limit`, or in `sweep`"
                        ),
                    ));
                }
                params.insert(
                    k.clone(),
                    to_json(v.get_ref()).map_err(|m| err(v.span().start, format!("{k}: {m}")))?,
                );
                lines.insert(k.clone(), v.span().start);
            }
            if let Some(b) = &backend {
                if params.contains_key("backend") {
                    return Err(err(
                        at,
                        "the backend is given twice: in `solver` (qaoa@…) and in params".into(),
                    ));
                }
                params.insert("backend".into(), Value::String(b.clone()));
            }
            let entry_time = e
                .time_limit
                .as_ref()
                .map(check_time)
                .transpose()?
                .or(time_limit);
            let entry_repeats = e
                .repeats
                .as_ref()
                .map(|s| nonneg(s, "repeats", 1))
                .transpose()?
                .unwrap_or(repeats);
            // The sweep's axes, in key order; each a non-empty list of values.
            let mut axes: Vec<(String, Vec<Value>, usize)> = Vec::new();
            for (k, v) in &e.sweep {
                let values = match v.get_ref() {
                    toml::Value::Array(a) if !a.is_empty() => a
                        .iter()
                        .map(to_json)
                        .collect::<Result<Vec<_>, _>>()
                        .map_err(|m| err(v.span().start, format!("sweep {k}: {m}")))?,
                    _ => {
                        return Err(err(
                            v.span().start,
                            format!("sweep {k} must be a non-empty list of values"),
                        ));
                    }
                };
                if params.contains_key(k) {
                    return Err(err(
                        v.span().start,
                        format!("{k} is both a parameter and swept"),
                    ));
                }
                lines.insert(k.clone(), v.span().start);
                axes.push((k.clone(), values, v.span().start));
            }
            let base_label = e
                .label
                .as_ref()
                .map(|l| l.get_ref().clone())
                .unwrap_or_else(|| e.solver.get_ref().trim().to_string());
            for point in cartesian(&axes) {
                let mut p = params.clone();
                let mut swept_at = None;
                let mut run = RunSettings {
                    time_limit: entry_time,
                    penalty: None,
                    encoding: None,
                };
                let mut shown = Vec::new();
                for (k, v) in &point {
                    shown.push(format!("{k}={}", short(v)));
                    let line = lines[k];
                    match k.as_str() {
                        "time_limit" => {
                            let t = v.as_f64().ok_or_else(|| {
                                err(line, format!("sweep time_limit: {v} is not a number"))
                            })?;
                            crate::seconds("time_limit", t)
                                .map_err(|e| err(line, e.to_string()))?;
                            run.time_limit = Some(t);
                        }
                        "penalty" => {
                            let a = v
                                .as_f64()
                                .filter(|a| a.is_finite() && *a > 0.0)
                                .ok_or_else(|| {
                                    err(
                                        line,
                                        format!("sweep penalty: {v} is not a positive number"),
                                    )
                                })?;
                            run.penalty = Some(a);
                            swept_at = Some(line);
                        }
                        "encoding" => {
                            let s = v.as_str().ok_or_else(|| {
                                err(line, format!("sweep encoding: {v} is not a name"))
                            })?;
                            let enc = s
                                .parse::<quboflow_problems::Encoding>()
                                .map_err(|m| err(line, format!("sweep encoding: {m}")))?;
                            run.encoding = Some(enc.name().to_string());
                            swept_at = Some(line);
                        }
                        _ => {
                            p.insert(k.clone(), v.clone());
                        }
                    }
                }
                // The registry checks every parameter now, not at the first run.
                let solver = crate::build(kind, &p).map_err(|e| {
                    let line = match &e {
                        crate::Error::DoesNotApply { name, .. }
                        | crate::Error::Invalid { name, .. } => {
                            lines.get(name).copied().unwrap_or(at)
                        }
                        crate::Error::Core(quboflow::Error::InvalidParameter { name, .. }) => {
                            lines.get(*name).copied().unwrap_or(at)
                        }
                        _ => at,
                    };
                    err(line, format!("solver {}: {e}", kind.name()))
                })?;
                if let Some((name, reason)) = probe(solver.as_ref(), &p) {
                    let line = lines.get(&name).copied().unwrap_or(at);
                    return Err(err(
                        line,
                        format!("solver {}: invalid {name}: {reason}", kind.name()),
                    ));
                }
                let label = if shown.is_empty() {
                    base_label.clone()
                } else {
                    format!("{base_label}[{}]", shown.join(","))
                };
                if let Some(other) = configs.iter().find(|c| c.label == label) {
                    return Err(err(
                        at,
                        format!(
                            "solver label {label} is used twice (also on line {}); give each entry its own `label`",
                            line_of(other.at)
                        ),
                    ));
                }
                configs.push(Config {
                    label,
                    kind,
                    params: p,
                    run,
                    repeats: entry_repeats as usize,
                    at,
                    swept_at,
                });
            }
        }

        // Every instance must open under every encoding and penalty a configuration uses.
        let mut checked: Vec<(String, Option<String>, Option<f64>)> = Vec::new();
        for (inst, at) in &instances {
            for c in &configs {
                let encoding = c.run.encoding.clone().or_else(|| inst.encoding.clone());
                let penalty = c.run.penalty.or(inst.penalty);
                let key = (inst.key.clone(), encoding.clone(), penalty);
                if checked.contains(&key) {
                    continue;
                }
                let probe = InstanceSpec {
                    encoding,
                    penalty,
                    ..inst.clone()
                };
                // A swept encoding or penalty that the instance refuses is the sweep's fault.
                let enc = super::execute::open(&probe).map_err(|m| match c.swept_at {
                    Some(line) => err(line, format!("{} with {}: {m}", inst.key, c.label)),
                    None => err(*at, m),
                })?;
                enc.choose_reference(inst.reference.as_deref(), "reference")
                    .map_err(|e| err(*at, e.to_string()))?;
                checked.push(key);
            }
        }

        // Refuse a suite too large to list before listing it (a mistyped `repeats`).
        let total = configs.iter().try_fold(0usize, |acc, c| {
            c.repeats
                .checked_mul(instances.len())
                .and_then(|x| acc.checked_add(x))
        });
        match total {
            Some(t) if t <= MAX_RUNS => {}
            _ => {
                return Err(SuiteError::at(
                    path,
                    None,
                    format!(
                        "the suite expands into more than {MAX_RUNS} runs ({} instances × the solvers' configurations and repeats); split it",
                        instances.len()
                    ),
                ));
            }
        }
        let mut runs = Vec::new();
        let mut seen = std::collections::HashMap::new();
        for (inst, _) in &instances {
            for c in &configs {
                for repeat in 0..c.repeats {
                    let instance = InstanceSpec {
                        encoding: c.run.encoding.clone().or_else(|| inst.encoding.clone()),
                        penalty: c.run.penalty.or(inst.penalty),
                        ..inst.clone()
                    };
                    let mut spec = RunSpec {
                        run_id: String::new(),
                        index: runs.len(),
                        suite: name.clone(),
                        instance,
                        label: c.label.clone(),
                        solver: c.kind.name().to_string(),
                        params: c.params.clone(),
                        time_limit_s: c.run.time_limit,
                        repeat,
                        base_seed,
                        seed: 0,
                        threads,
                    };
                    let digest = run_digest(&spec);
                    spec.run_id = hex(&digest[..8]);
                    spec.seed = u64::from_le_bytes(digest[8..16].try_into().unwrap_or([0; 8]));
                    if let Some(prev) = seen.insert(spec.run_id.clone(), runs.len()) {
                        let p: &RunSpec = &runs[prev];
                        return Err(SuiteError::at(
                            path,
                            Some(line_of(c.at)),
                            format!(
                                "run {} of {} on {} is the same run as {} repeat {} (the instance is listed twice?)",
                                repeat, c.label, spec.instance.key, p.label, p.repeat
                            ),
                        ));
                    }
                    runs.push(spec);
                }
            }
        }
        Ok(Suite {
            name,
            file: path.to_path_buf(),
            base_seed,
            runs,
        })
    }

    /// The runs of shard `k` of `n` (1-based): every n-th run from the k-th, so shards are
    /// balanced and any k/n split covers every run exactly once. An error unless 1 ≤ k ≤ n.
    pub fn shard(&self, k: usize, n: usize) -> Result<Vec<&RunSpec>, String> {
        if k == 0 || k > n {
            return Err(format!("shard {k}/{n}: need 1 ≤ K ≤ N"));
        }
        Ok(self.runs.iter().filter(|r| r.index % n == k - 1).collect())
    }
}

/// Parses `K/N` (1 ≤ K ≤ N).
///
/// ```
/// assert_eq!(quboflow_runtime::suite::parse_shard("2/3"), Ok((2, 3)));
/// assert!(quboflow_runtime::suite::parse_shard("0/3").is_err());
/// ```
pub fn parse_shard(s: &str) -> Result<(usize, usize), String> {
    let bad = || {
        format!(
            "--shard must be K/N with 1 ≤ K ≤ N (e.g. 2/4; for a 0-based array index i give $((i+1))/N), not {s:?}"
        )
    };
    let (k, n) = s.split_once('/').ok_or_else(bad)?;
    let k: usize = k.trim().parse().map_err(|_| bad())?;
    let n: usize = n.trim().parse().map_err(|_| bad())?;
    if k == 0 || n == 0 || k > n {
        return Err(bad());
    }
    Ok((k, n))
}

struct RunSettings {
    time_limit: Option<f64>,
    penalty: Option<f64>,
    encoding: Option<String>,
}

struct Config {
    label: String,
    kind: SolverKind,
    params: Map<String, Value>,
    run: RunSettings,
    repeats: usize,
    at: usize,
    /// Where the entry sweeps the encoding or penalty, if it does.
    swept_at: Option<usize>,
}

/// The SHA-256 that names a run: what it runs, never where or in which order.
pub(crate) fn run_digest(spec: &RunSpec) -> [u8; 32] {
    let i = &spec.instance;
    sha256_json(&serde_json::json!({
        "instance": {"key": i.key, "sha256": i.sha256, "format": i.format, "encoding": i.encoding,
                     "penalty": i.penalty, "reference": i.reference},
        "label": spec.label,
        "solver": spec.solver,
        "params": spec.params,
        "time_limit_s": spec.time_limit_s,
        "repeat": spec.repeat,
        "base_seed": spec.base_seed,
    }))
}
