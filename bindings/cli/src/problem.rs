//! Logistics instances on the command line: `quboflow encode`, and `solve` on `.tsp`, `.vrp`
//! and knapsack files (encode, solve the QUBO, decode to native terms, compare with the
//! known optimum).

use std::path::{Path, PathBuf};
use std::time::Instant;

use anyhow::Context;
use clap::{Args, ValueEnum};
use quboflow::compare::gap_percent;
use quboflow::io::{Format, Model};
use quboflow::{Objective, SampleSet, Sense};
use quboflow_problems::encodings::{Encoded, cvrp, knapsack, maxcut, tsp};
use quboflow_problems::reference::{self, Reference};
use quboflow_problems::{Decoded, Instance};
use serde_json::{Value, json};

use crate::input::output_format;

/// Which encoding to use for an instance file.
#[derive(ValueEnum, Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Encoding {
    /// The problem's exact default (tsp: position one-hot; cvrp: set partitioning;
    /// knapsack: log slack).
    Auto,
    /// TSP, city-by-position one-hot with city 1 fixed first.
    Tsp,
    /// CVRP as set partitioning over all capacity-feasible routes (exact).
    Cvrp,
    /// CVRP cluster-first / route-second (heuristic, larger instances).
    CvrpClusters,
    /// Knapsack with log-encoded slack (exact).
    Knapsack,
    /// Knapsack with unbalanced penalisation (n variables, heuristic).
    KnapsackUnbalanced,
    /// Max-Cut of a Gset graph.
    Maxcut,
}

/// Reads an instance file and encodes it.
pub(crate) fn encode_file(
    path: &Path,
    enc: Encoding,
    penalty: Option<f64>,
) -> anyhow::Result<(Encoded, String)> {
    if enc == Encoding::Maxcut {
        let g = maxcut::Graph::read_gset(path)?;
        let name = path
            .file_stem()
            .map(|s| s.to_string_lossy().into_owned())
            .unwrap_or_default();
        return Ok((maxcut::encode(&g)?, name));
    }
    let inst = Instance::read(path)?;
    let name = inst.name().to_string();
    let e = match (enc, &inst) {
        (Encoding::Auto, _) => inst.encode(penalty)?,
        (Encoding::Tsp, Instance::Tsp(t)) => tsp::encode(t, &tsp::TspOptions { penalty })?,
        (Encoding::Cvrp, Instance::Cvrp(c)) => cvrp::encode(
            c,
            &cvrp::CvrpOptions {
                penalty,
                ..Default::default()
            },
        )?,
        (Encoding::CvrpClusters, Instance::Cvrp(c)) => cvrp::encode_clusters(
            c,
            &cvrp::ClusterOptions {
                penalty,
                ..Default::default()
            },
        )?,
        (Encoding::Knapsack, Instance::Knapsack(k)) => knapsack::encode(
            k,
            &knapsack::KnapsackOptions {
                penalty,
                ..Default::default()
            },
        )?,
        (Encoding::KnapsackUnbalanced, Instance::Knapsack(k)) => {
            if penalty.is_some() {
                anyhow::bail!(
                    "--penalty does not apply to the unbalanced encoding (it has λ₁ = 0.1, λ₂ = 0.5)"
                );
            }
            knapsack::encode(
                k,
                &knapsack::KnapsackOptions {
                    method: knapsack::KnapsackMethod::unbalanced_default(),
                    penalty: None,
                },
            )?
        }
        (e, i) => anyhow::bail!(
            "{}: the {:?} encoding does not apply to a {} instance",
            path.display(),
            e,
            i.problem()
        ),
    };
    Ok((e, name))
}

/// Arguments of `quboflow encode`.
#[derive(Args, Debug)]
pub(crate) struct EncodeArgs {
    /// Instance file: TSPLIB .tsp, CVRPLIB .vrp, a knapsack file (Pisinger `file.csv#name`
    /// picks one instance), or a Gset graph with --problem maxcut.
    file: PathBuf,

    /// Encoding (default: the problem's exact default).
    #[arg(long = "problem", value_enum, default_value = "auto")]
    problem: Encoding,

    /// Penalty weight A (default: the provably safe value of the encoding).
    #[arg(long)]
    penalty: Option<f64>,

    /// Output QUBO file (.qubo, .coo or .json; JSON also keeps the objective's sense).
    #[arg(short = 'o', long = "output", value_name = "FILE")]
    output: PathBuf,

    /// Output format (default: from the extension).
    #[arg(long, value_name = "qubo|coo|json")]
    to: Option<Format>,
}

pub(crate) fn run_encode(a: &EncodeArgs, quiet: bool) -> anyhow::Result<()> {
    let (enc, name) = encode_file(&a.file, a.problem, a.penalty)?;
    let to = output_format(&a.output, a.to)?;
    let objective = match enc.decoder.sense() {
        Sense::Minimize => Objective::energy(),
        Sense::Maximize => Objective::maximize_negated(),
    };
    let model = Model {
        qubo: enc.qubo.clone(),
        objective,
        format: to,
    };
    quboflow::io::write(&model, &a.output, to)?;
    if !quiet {
        eprintln!(
            "wrote {} ({name}: {}, {} variables, {} interactions, offset {}, penalties {})",
            a.output.display(),
            enc.encoding,
            enc.qubo.num_vars(),
            enc.qubo.num_interactions(),
            enc.offset,
            enc.penalties
        );
    }
    Ok(())
}

/// What a solve of an instance file found, in native terms.
pub(crate) struct NativeResult {
    /// The best raw-feasible decode and its sample's energy, if any sample was feasible.
    pub(crate) best: Option<(Decoded, f64, Vec<u8>)>,
    /// Decode of the lowest-energy sample (reported when nothing was feasible).
    pub(crate) lowest: Decoded,
    /// Fraction of reads whose raw decode is feasible.
    pub(crate) feasible_fraction: f64,
    /// Repair of the lowest-energy sample, when asked for.
    pub(crate) repaired: Option<Decoded>,
    pub(crate) reference: Option<Reference>,
}

/// Decodes every sample; keeps the best feasible one by the native objective.
pub(crate) fn evaluate(
    enc: &Encoded,
    ss: &SampleSet,
    path: &Path,
    name: &str,
    repair: bool,
) -> anyhow::Result<NativeResult> {
    let first = ss.first().context("the solver returned no samples")?;
    let lowest = enc.decode(&first.sample);
    let better = |a: f64, b: f64| match enc.decoder.sense() {
        Sense::Minimize => a < b,
        Sense::Maximize => a > b,
    };
    let mut best: Option<(Decoded, f64, Vec<u8>)> = None;
    let mut feasible = 0u64;
    for s in &ss.samples {
        let d = enc.decode(&s.sample);
        if d.feasible {
            feasible += s.num_occurrences;
            let obj = d.objective.unwrap_or(f64::NAN);
            if best
                .as_ref()
                .is_none_or(|(b, _, _)| better(obj, b.objective.unwrap_or(f64::NAN)))
            {
                best = Some((d, s.energy, s.sample.clone()));
            }
        }
    }
    let repaired = if repair {
        enc.decoder.repair(&first.sample)
    } else {
        None
    };
    Ok(NativeResult {
        best,
        lowest,
        feasible_fraction: feasible as f64 / ss.num_reads().max(1) as f64,
        repaired,
        reference: reference::find(path, name),
    })
}

/// Relative gap in words (`+1.234 %`), or why there is none.
fn gap_text(sense: Sense, value: f64, reference: f64) -> String {
    match gap_percent(sense, value, reference) {
        Some(g) => format!("{g:+.3} %"),
        None => "undefined (zero reference)".into(),
    }
}

/// The solution in words (1-based ids as in the files).
pub(crate) fn solution_text(d: &Decoded) -> String {
    use quboflow_problems::Solution as S;
    let ids = |v: &[usize]| {
        v.iter()
            .map(|c| (c + 1).to_string())
            .collect::<Vec<_>>()
            .join(" ")
    };
    match &d.solution {
        S::Tour(t) => format!("tour {}", ids(t)),
        S::Routes(rs) => rs
            .iter()
            .enumerate()
            .map(|(k, r)| format!("route #{}: {}", k + 1, ids(r)))
            .collect::<Vec<_>>()
            .join("; "),
        S::Items(items) => format!("{} items: {}", items.len(), ids(items)),
        other => serde_json::to_string(other).unwrap_or_default(),
    }
}

/// JSON fields added to the solve document for an instance file.
pub(crate) fn json_fields(enc: &Encoded, r: &NativeResult, moves: &str) -> Value {
    let sense = enc.decoder.sense();
    let best = r.best.as_ref().map(|(d, e, x)| {
        json!({
            "energy": e,
            "objective": d.objective,
            "feasible": true,
            "solution": d.solution,
            "sample": x,
            "gap_percent": r.reference.as_ref().zip(d.objective).and_then(|(rf, o)| gap_percent(sense, o, rf.value)),
        })
    });
    json!({
        "problem": enc.decoder.problem(),
        "encoding": enc.encoding,
        "energy_meaning": enc.energy_meaning,
        "penalties": enc.penalties,
        "offset": enc.offset,
        "details": enc.details,
        "moves": moves,
        "objective_name": enc.decoder.objective_name(),
        "sense": sense,
        "best_feasible": best,
        "lowest_energy": {"decoded": r.lowest},
        "raw_feasible_fraction": r.feasible_fraction,
        "repaired": r.repaired.as_ref().map(|d| json!({"flag": "repaired (not a raw QUBO result)", "decoded": d})),
        "reference": r.reference,
    })
}

/// The summary lines for an instance file.
pub(crate) fn print_native(enc: &Encoded, r: &NativeResult, moves: &str) {
    let sense = enc.decoder.sense();
    outln!(
        "encoding   {} ({} variables, penalties {}, moves {moves})",
        enc.encoding,
        enc.qubo.num_vars(),
        enc.penalties
    );
    match &r.best {
        Some((d, e, _)) => {
            let obj = d.objective.unwrap_or(f64::NAN);
            outln!(
                "best       {} {obj}   feasible   energy {e}",
                enc.decoder.objective_name()
            );
            outln!("solution   {}", solution_text(d));
            if let Some(rf) = &r.reference {
                outln!(
                    "reference  {} {} ({}); gap {}",
                    rf.kind,
                    rf.value,
                    rf.source.display(),
                    gap_text(sense, obj, rf.value)
                );
            }
        }
        None => {
            outln!(
                "best       no raw-feasible sample; lowest energy violates: {}",
                r.lowest.violations.join(", ")
            );
            if let Some(rf) = &r.reference {
                outln!("reference  {} {}", rf.kind, rf.value);
            }
        }
    }
    outln!(
        "feasible   {:.1} % of reads (raw)",
        100.0 * r.feasible_fraction
    );
    if let Some(d) = &r.repaired {
        outln!(
            "repaired   {} {} (REPAIRED, not a QUBO result: {})",
            enc.decoder.objective_name(),
            d.objective.unwrap_or(f64::NAN),
            if d.repair_steps.is_empty() {
                "nothing to change".to_string()
            } else {
                d.repair_steps.join("; ")
            }
        );
    }
}

/// Times an encoding, for the report.
pub(crate) fn timed_encode(
    path: &Path,
    enc: Encoding,
    penalty: Option<f64>,
) -> anyhow::Result<(Encoded, String, f64)> {
    let t0 = Instant::now();
    let (e, name) = encode_file(path, enc, penalty).with_context(|| path.display().to_string())?;
    Ok((e, name, t0.elapsed().as_secs_f64()))
}

/// Flags for instance files, shared by `solve` and `compare`.
#[derive(clap::Args, Debug, Clone)]
pub(crate) struct InstanceOpts {
    /// [instance files] Encoding (default: the problem's exact default).
    #[arg(long, value_enum, default_value = "auto")]
    pub(crate) encoding: Encoding,

    /// [instance files] Penalty weight A (default: the encoding's provably safe value).
    #[arg(long)]
    pub(crate) penalty: Option<f64>,

    /// [instance files] Also repair the lowest-energy read to a feasible solution (reported
    /// separately and flagged; never mixed with raw results).
    #[arg(long)]
    pub(crate) repair: bool,
}

impl InstanceOpts {
    /// Whether `input` is to be read as an instance file (and encoded), refusing the
    /// instance flags on plain QUBO files.
    pub(crate) fn is_instance(&self, input: &crate::input::InputArgs) -> anyhow::Result<bool> {
        if input.format.is_none()
            && (quboflow_problems::Instance::recognises(&input.file)
                || self.encoding != Encoding::Auto)
        {
            return Ok(true);
        }
        if self.penalty.is_some() || self.repair || self.encoding != Encoding::Auto {
            anyhow::bail!(
                "--penalty, --repair and --encoding apply to instance files (.tsp, .vrp, knapsack)"
            );
        }
        Ok(false)
    }
}
