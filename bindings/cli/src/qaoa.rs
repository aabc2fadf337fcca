//! `quboflow qaoa`: QAOA on the statevector simulator, angle evaluation, OpenQASM export.

use std::path::{Path, PathBuf};
use std::time::Instant;

use anyhow::Context;
use clap::Args;
use quboflow::{RunControl, SampleSet, Termination, Timing};
use quboflow_problems::Encoded;
use quboflow_qaoa::{Angles, Circuit, Qaoa, QaoaReport, TwoQubitStyle};
use serde_json::{Value, json};

use crate::input::InputArgs;
use crate::params::SolverParams;
use crate::progress;

/// Arguments of `quboflow qaoa`.
#[derive(Args, Debug)]
pub(crate) struct QaoaArgs {
    #[command(flatten)]
    input: InputArgs,

    #[command(flatten)]
    params: SolverParams,

    /// Only evaluate ⟨C⟩ at --angles: one simulation, no optimisation, no sampling.
    #[arg(long, requires = "angles")]
    evaluate: bool,

    /// Only write --qasm at --angles, without simulating (any number of qubits).
    #[arg(long, requires_all = ["angles", "qasm"], conflicts_with = "evaluate")]
    export_only: bool,

    /// Seed (default: drawn at random and reported).
    #[arg(long)]
    seed: Option<u64>,

    /// Wall-clock limit in seconds for the optimisation; the best angles so far are used.
    #[arg(long, value_name = "SECONDS", allow_negative_numbers = true)]
    time_limit: Option<f64>,

    /// Write the final circuit as OpenQASM to this file (version 3 for a `.qasm3` name).
    #[arg(long, value_name = "OUT")]
    qasm: Option<PathBuf>,

    /// OpenQASM version for --qasm: 2 or 3 (default: 3 for `.qasm3`, else 2).
    #[arg(long, value_name = "2|3", requires = "qasm")]
    qasm_version: Option<u8>,

    /// Write RZZ/RXX/RYY as CX–RZ–CX sequences instead of declaring them as gates.
    #[arg(long, requires = "qasm")]
    qasm_expand: bool,

    /// Print one JSON document on stdout.
    #[arg(long)]
    json: bool,

    /// Also write the JSON document, with every sample, to this file.
    #[arg(short = 'o', long = "output", value_name = "FILE")]
    output: Option<PathBuf>,
}

impl QaoaArgs {
    /// Refuses flags that cannot apply to an evaluation or an export.
    fn check(&self) -> anyhow::Result<()> {
        if self.evaluate || self.export_only {
            let mode = if self.evaluate {
                "--evaluate"
            } else {
                "--export-only"
            };
            if self.params.num_reads.is_some() {
                anyhow::bail!(
                    "--num-reads (--shots) does not apply with {mode} (nothing is sampled)"
                );
            }
            if self.time_limit.is_some() {
                anyhow::bail!("--time-limit does not apply with {mode} (nothing is optimised)");
            }
            if self.output.is_some() {
                anyhow::bail!("--output writes samples; {mode} draws none (use --json)");
            }
        }
        if let Some(v) = self.qasm_version
            && v != 2
            && v != 3
        {
            anyhow::bail!("--qasm-version must be 2 or 3, not {v}");
        }
        Ok(())
    }

    /// Writes `circuit` to `--qasm`, if given.
    fn write_qasm(&self, circuit: &Circuit) -> anyhow::Result<()> {
        let Some(path) = &self.qasm else {
            return Ok(());
        };
        let version =
            self.qasm_version
                .unwrap_or(if path.extension().is_some_and(|e| e == "qasm3") {
                    3
                } else {
                    2
                });
        let style = if self.qasm_expand {
            TwoQubitStyle::Expanded
        } else {
            TwoQubitStyle::Declared
        };
        let text = if version == 3 {
            circuit.to_qasm3(style)?
        } else {
            circuit.to_qasm2(style)?
        };
        std::fs::write(path, text).with_context(|| path.display().to_string())
    }
}

pub(crate) fn run(a: &QaoaArgs, quiet: bool) -> anyhow::Result<()> {
    a.check()?;
    let solver = a.params.qaoa()?;
    let limit = crate::solve::time_limit(a.time_limit)?;
    let enc = a.input.open(quiet)?;
    if a.evaluate || a.export_only {
        return evaluate(a, &solver, &enc);
    }
    let ctl = RunControl::new()
        .maybe_seed(a.seed)
        .maybe_time_limit(limit)
        .cancel_flag(crate::solve::ctrl_c_flag());
    let (ctl, bar) = progress::attach(ctl, "qaoa", quiet);
    let t0 = Instant::now();
    let result = solver.run(&enc.qubo, &ctl);
    if let Some(pb) = bar {
        pb.finish_and_clear();
    }
    let (ss, report) = result.map_err(quboflow::Error::from)?;
    let total = t0.elapsed();
    // The solver kept the final circuit: no second simulation for the export.
    a.write_qasm(&report.circuit_ir)?;
    let outcome = enc.assess(&ss, false)?;
    let mut doc = crate::doc::result(&enc, &ss, &outcome, total.as_secs_f64());
    add_state(&mut doc, &report);
    crate::doc::write_output(a.output.as_deref(), &doc, &ss)?;
    if a.json {
        outln!("{doc}");
    } else {
        print_summary(&a.input.file, &enc, &ss, &report, total.as_secs_f64());
    }
    if !quiet && ss.info.termination != Termination::Completed {
        eprintln!(
            "note: the optimisation was stopped early ({}); the best angles found were used",
            ss.info.termination
        );
    }
    Ok(())
}

/// ⟨C⟩, angles and time per layer of the final state.
fn add_state(doc: &mut Value, r: &QaoaReport) {
    doc["expectation"] = json!(r.expectation);
    doc["angles"] = json!({"gamma": r.angles.gamma, "beta": r.angles.beta});
    doc["layer_ms"] = json!(r.layer_ms);
    // Off the statevector: ⟨C⟩'s standard error, the cost estimate and what the backend did.
    if r.expectation_std_error.is_some() || r.backend_usage.is_some() {
        doc["expectation_std_error"] = json!(r.expectation_std_error);
        doc["cost_estimate"] = json!(r.cost_estimate);
        doc["backend_usage"] = json!(r.backend_usage);
    }
}

/// `--evaluate`: ⟨C⟩ at the given angles from one simulation, timed; `--export-only`: the
/// circuit alone.
fn evaluate(a: &QaoaArgs, solver: &Qaoa, enc: &Encoded) -> anyhow::Result<()> {
    let t0 = Instant::now();
    let angles: &Angles = solver.angles.as_ref().context("--angles is required")?;
    let ansatz = solver.ansatz(&enc.qubo)?;
    let circuit = Circuit::qaoa(&ansatz, angles);
    a.write_qasm(&circuit)?;
    let seed = RunControl::new().maybe_seed(a.seed).resolve_seed();
    let mut params = quboflow::Solver::params(solver);
    params["mode"] = json!(if a.evaluate {
        "evaluate"
    } else {
        "export-only"
    });
    let mut timing = Timing::default();
    let mut kernel = Value::Null;
    let mut expectation = None;
    let mut layer_ms = None;
    let mut usage = None;
    if a.evaluate {
        let mut prepared = solver.backend.prepare(&ansatz)?;
        prepared.stop_on(crate::solve::ctrl_c_flag());
        prepared.set_seed(seed);
        timing.preprocessing_ns = t0.elapsed().as_nanos() as u64;
        let t = Instant::now();
        let e = prepared
            .expectations(std::slice::from_ref(angles))?
            .pop()
            .context("the backend returned no expectation")?;
        let took = t.elapsed();
        timing.sampling_ns = took.as_nanos() as u64;
        expectation = Some(e);
        // Time per layer means something only where the layers are simulated here, exactly.
        if prepared.is_exact() && prepared.usage().is_none() {
            layer_ms = Some(took.as_secs_f64() * 1e3 / angles.depth() as f64);
        }
        kernel = prepared.describe();
        usage = prepared.usage();
    }
    let mut doc = crate::doc::common(
        enc,
        "qaoa",
        &params,
        seed,
        &timing,
        t0.elapsed().as_secs_f64(),
    );
    doc["expectation"] = json!(expectation);
    doc["angles"] = json!({"gamma": angles.gamma, "beta": angles.beta});
    doc["layer_ms"] = json!(layer_ms);
    if usage.is_some() {
        doc["backend_usage"] = json!(usage);
    }
    doc["qaoa"] = json!({"p": angles.depth(), "kernel": kernel, "circuit": circuit.size_json()});
    if a.json {
        outln!("{doc}");
    } else if let (Some(e), Some(ms)) = (expectation, layer_ms) {
        outln!(
            "expectation {e}  ({} layers, {ms:.3} ms per layer, one simulation)",
            angles.depth()
        );
    } else if let (Some(e), Some(u)) = (expectation, &usage) {
        outln!(
            "expectation {e}  ({} layers on {}, {:.3} s)",
            angles.depth(),
            u["backend"].as_str().unwrap_or(""),
            timing.sampling_ns as f64 * 1e-9
        );
    } else {
        outln!(
            "circuit     {} qubits, depth {}, {} two-qubit gates",
            circuit.num_qubits,
            circuit.depth(),
            circuit.two_qubit_gates()
        );
    }
    Ok(())
}

fn print_summary(file: &Path, enc: &Encoded, ss: &SampleSet, r: &QaoaReport, total_s: f64) {
    let Some(best) = ss.first() else { return };
    outln!(
        "instance    {} ({}, {} qubits)",
        file.display(),
        enc.name(),
        enc.qubo.num_vars()
    );
    outln!(
        "qaoa        p={} init={} optimizer={} evaluations={}",
        r.p,
        r.init,
        ss.info.params["optimizer"].as_str().unwrap_or(""),
        r.evaluations
    );
    outln!("angles      γ={:?}  β={:?}", r.angles.gamma, r.angles.beta);
    match r.expectation_std_error {
        Some(se) => outln!("⟨C⟩         {} ± {se:.6} (from shots)", r.expectation),
        None => outln!("⟨C⟩         {}", r.expectation),
    }
    let d = enc.decode(&best.sample);
    let objective = enc.decoder.objective_name();
    let native = match d.objective {
        Some(o) if objective != "energy" => format!(
            "{objective} {o} ({})   ",
            if d.feasible { "feasible" } else { "infeasible" }
        ),
        _ => String::new(),
    };
    outln!(
        "best        {native}energy {}   probability {:.4}",
        best.energy,
        r.probability_of_best
    );
    outln!(
        "circuit     depth {}, {} two-qubit gates ({} CX)",
        r.circuit["depth"],
        r.circuit["two_qubit_gates"],
        r.circuit["cx_count"]
    );
    if let Some(u) = &r.backend_usage {
        let f = |k: &str| u[k].as_f64().unwrap_or(0.0);
        outln!(
            "backend     {}: {} jobs, {} circuits, {} shots, estimated cost {:.2} USD, queue {:.1} s, execution {:.1} s, {} requests ({} retried){}",
            u["backend"].as_str().unwrap_or(""),
            f("jobs"),
            f("circuits"),
            f("shots"),
            f("estimated_cost_usd"),
            f("queue_ms") / 1e3,
            f("execution_ms") / 1e3,
            f("requests"),
            f("retries"),
            if f("resumed_jobs") > 0.0 {
                format!(", {} jobs resumed from the journal", f("resumed_jobs"))
            } else {
                String::new()
            }
        );
        let fb = &u["fallback"];
        if fb["used"] == true {
            outln!(
                "fallback    {} after {} evaluations: {}",
                fb["backend"].as_str().unwrap_or(""),
                fb["switched_at_evaluation"],
                fb["reason"].as_str().unwrap_or("")
            );
        }
    }
    if r.layer_ms.is_finite() {
        outln!(
            "time        {:.3} s, {:.3} ms per layer ({}, {}), seed {}, quboflow {}",
            total_s,
            r.layer_ms,
            r.kernel["isa"].as_str().unwrap_or(""),
            r.kernel["precision"].as_str().unwrap_or(""),
            ss.info.seed,
            ss.info.version
        );
    } else {
        outln!(
            "time        {total_s:.3} s, seed {}, quboflow {}",
            ss.info.seed,
            ss.info.version
        );
    }
}
