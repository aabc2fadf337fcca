//! `quboflow qaoa`: QAOA on the statevector simulator, angle evaluation, OpenQASM export.

use std::path::PathBuf;
use std::time::Instant;

use anyhow::Context;
use clap::Args;
use quboflow::{RunControl, SampleSet, Termination};
use quboflow_qaoa::{
    Angles, Engine, EngineOptions, InitStrategy, MixerKind, OptimizerKind, Precision, Qaoa, Real,
    TwoQubitStyle,
};
use serde_json::{Value, json};

use crate::input::InputArgs;
use crate::progress;

/// QAOA parameters, shared by `quboflow qaoa` and `quboflow solve --solver qaoa`.
#[derive(Args, Debug, Clone, Default)]
pub(crate) struct QaoaOpts {
    /// [qaoa] Number of layers p (default 1).
    #[arg(long = "p", value_name = "P")]
    pub(crate) p: Option<usize>,

    /// [qaoa] Mixer: x (default), xy-ring, xy-complete (XY needs one-hot groups).
    #[arg(long, value_name = "MIXER")]
    pub(crate) mixer: Option<MixerKind>,

    /// [qaoa] Initial angles: auto (default: fixed angles on regular Max-Cut, else ramp), ramp,
    /// fixed, interp, fourier, random.
    #[arg(long, value_name = "INIT")]
    pub(crate) init: Option<InitStrategy>,

    /// [qaoa] Optimiser: lbfgs (default, exact adjoint gradient), nelder-mead, cobyla, spsa.
    #[arg(long, value_name = "OPTIMIZER")]
    pub(crate) optimizer: Option<OptimizerKind>,

    /// [qaoa] Evaluations of ⟨C⟩ per optimisation (default 200).
    #[arg(long)]
    pub(crate) max_evals: Option<usize>,

    /// [qaoa] complex128 (default) or complex64.
    #[arg(long, value_name = "PRECISION")]
    pub(crate) precision: Option<Precision>,

    /// [qaoa] Angles γ1,..,γp,β1,..,βp used as given (no optimisation).
    #[arg(
        long,
        value_name = "G1,..,GP,B1,..,BP",
        value_delimiter = ',',
        allow_hyphen_values = true
    )]
    pub(crate) angles: Option<Vec<f64>>,

    /// [qaoa] Trotter steps per XY layer (default 1).
    #[arg(long)]
    pub(crate) trotter_steps: Option<usize>,
}

impl QaoaOpts {
    /// Whether any QAOA flag was given.
    pub(crate) fn any(&self) -> bool {
        self.p.is_some()
            || self.mixer.is_some()
            || self.init.is_some()
            || self.optimizer.is_some()
            || self.max_evals.is_some()
            || self.precision.is_some()
            || self.angles.is_some()
            || self.trotter_steps.is_some()
    }

    /// The solver these flags describe, drawing `shots` samples.
    pub(crate) fn solver(&self, shots: Option<usize>) -> anyhow::Result<Qaoa> {
        let d = Qaoa::default();
        let angles = self.angles.as_deref().map(Angles::from_flat).transpose()?;
        let p = match (self.p, &angles) {
            (Some(p), Some(a)) if p != a.depth() => {
                anyhow::bail!("--angles has {} layers but --p is {p}", a.depth())
            }
            (Some(p), _) => p,
            (None, Some(a)) => a.depth(),
            (None, None) => d.p,
        };
        Ok(Qaoa {
            p,
            mixer: self.mixer.unwrap_or(d.mixer),
            init: self.init.unwrap_or(d.init),
            optimizer: self.optimizer.unwrap_or(d.optimizer),
            max_evals: self.max_evals.unwrap_or(d.max_evals),
            precision: self.precision.unwrap_or(d.precision),
            trotter_steps: self.trotter_steps.unwrap_or(d.trotter_steps),
            num_reads: shots.unwrap_or(d.num_reads),
            angles,
            ..d
        })
    }
}

/// Arguments of `quboflow qaoa`.
#[derive(Args, Debug)]
pub(crate) struct QaoaArgs {
    #[command(flatten)]
    input: InputArgs,

    #[command(flatten)]
    opts: QaoaOpts,

    /// Bitstrings drawn from the final state (default 1000).
    #[arg(long)]
    shots: Option<usize>,

    /// Only evaluate ⟨C⟩ at --angles (no optimisation, no sampling).
    #[arg(long, requires = "angles")]
    evaluate: bool,

    /// Seed (default: drawn at random and reported).
    #[arg(long)]
    seed: Option<u64>,

    /// Wall-clock limit in seconds for the optimisation; the best angles so far are used.
    #[arg(long, value_name = "SECONDS")]
    time_limit: Option<f64>,

    /// Write the final circuit as OpenQASM to this file (version 3 for a `.qasm3` name).
    #[arg(long, value_name = "OUT")]
    qasm: Option<PathBuf>,

    /// OpenQASM version for --qasm: 2 or 3 (default: 3 for `.qasm3`, else 2).
    #[arg(long, value_name = "2|3")]
    qasm_version: Option<u8>,

    /// Write RZZ/RXX/RYY as CX–RZ–CX sequences instead of declaring them as gates.
    #[arg(long)]
    qasm_expand: bool,

    /// Print one JSON document on stdout.
    #[arg(long)]
    json: bool,

    /// Also write the JSON document, with every sample, to this file.
    #[arg(short = 'o', long = "output", value_name = "FILE")]
    output: Option<PathBuf>,
}

/// Milliseconds per layer: one timed state preparation at `angles` (the start-state fill is
/// included; it reuses the engine's pooled statevector, so no second 2ⁿ buffer is allocated).
fn layer_ms<F: Real>(engine: &Engine<F>, angles: &Angles) -> anyhow::Result<f64> {
    let t = Instant::now();
    let state = engine.state(angles)?;
    let ms = t.elapsed().as_secs_f64() * 1e3 / angles.depth() as f64;
    drop(state);
    Ok(ms)
}

/// A fresh engine with the solver's mixer settings (the solver's own is gone with its run).
fn engine_for<F: Real>(q: &quboflow::Qubo, solver: &Qaoa) -> anyhow::Result<Engine<F>> {
    let opts = EngineOptions {
        mixer: solver.mixer,
        trotter_steps: solver.trotter_steps,
        ..Default::default()
    };
    Ok(Engine::<F>::new(q, &opts)?)
}

fn evaluate<F: Real>(
    q: &quboflow::Qubo,
    solver: &Qaoa,
    angles: &Angles,
) -> anyhow::Result<(f64, f64)> {
    let engine = engine_for::<F>(q, solver)?;
    let e = engine.expectation(angles)?;
    Ok((e, layer_ms(&engine, angles)?))
}

pub(crate) fn run(a: &QaoaArgs, quiet: bool) -> anyhow::Result<()> {
    let solver = a.opts.solver(a.shots)?;
    let (m, _) = a.input.load()?;
    let file = a.input.file.display().to_string();
    if a.evaluate {
        let angles = solver.angles.clone().context("--evaluate needs --angles")?;
        let (e, ms) = match solver.precision {
            Precision::Complex128 => evaluate::<f64>(&m.qubo, &solver, &angles),
            Precision::Complex64 => evaluate::<f32>(&m.qubo, &solver, &angles),
        }
        .with_context(|| file.clone())?;
        if a.json {
            outln!(
                "{}",
                json!({
                    "instance": file, "num_variables": m.qubo.num_vars(), "expectation": e,
                    "angles": {"gamma": angles.gamma, "beta": angles.beta}, "layer_ms": ms,
                    "precision": solver.precision.name(), "version": quboflow::VERSION,
                })
            );
        } else {
            outln!(
                "expectation {e}  ({} layers, {:.3} ms per layer)",
                angles.depth(),
                ms
            );
        }
        return Ok(());
    }
    let limit = a.time_limit.map(crate::solve::seconds).transpose()?;
    let ctl = RunControl::new()
        .maybe_seed(a.seed)
        .maybe_time_limit(limit)
        .cancel_flag(crate::solve::ctrl_c_flag());
    let (ctl, bar) = progress::attach(ctl, "qaoa", quiet);
    let t0 = Instant::now();
    let result = solver.run(&m.qubo, &ctl);
    if let Some(pb) = bar {
        pb.finish_and_clear();
    }
    let (ss, report) = result
        .map_err(quboflow::Error::from)
        .with_context(|| file.clone())?;
    let total = t0.elapsed();
    // The solver timed its final state preparation and kept the circuit: no second engine.
    let (circuit, ms) = (&report.circuit_ir, report.layer_ms);
    if let Some(path) = &a.qasm {
        let version = a
            .qasm_version
            .unwrap_or(if path.extension().is_some_and(|e| e == "qasm3") {
                3
            } else {
                2
            });
        let style = if a.qasm_expand {
            TwoQubitStyle::Expanded
        } else {
            TwoQubitStyle::Declared
        };
        let text = match version {
            2 => circuit.to_qasm2(style)?,
            3 => circuit.to_qasm3(style)?,
            v => anyhow::bail!("--qasm-version must be 2 or 3, not {v}"),
        };
        std::fs::write(path, text).with_context(|| path.display().to_string())?;
    }
    let mut doc = crate::solve::document_of(&file, &m, &ss, total);
    doc["expectation"] = json!(report.expectation);
    doc["angles"] = json!({"gamma": report.angles.gamma, "beta": report.angles.beta});
    doc["layer_ms"] = json!(ms);
    doc["qaoa"] = ss.info.extra.clone();
    crate::solve::write_output(a.output.as_deref(), &doc, &ss)?;
    if a.json {
        outln!("{doc}");
    } else {
        print_summary(&file, &m, &ss, &doc);
    }
    if !quiet && ss.info.termination != Termination::Completed {
        eprintln!(
            "note: the optimisation was stopped early ({}); the best angles found were used",
            ss.info.termination
        );
    }
    Ok(())
}

fn print_summary(file: &str, m: &quboflow::io::Model, ss: &SampleSet, doc: &Value) {
    let Some(best) = ss.first() else { return };
    let q = &doc["qaoa"];
    outln!("instance    {file} ({} qubits)", m.qubo.num_vars());
    outln!(
        "qaoa        p={} init={} optimizer={} evaluations={}",
        q["p"],
        q["init"],
        ss.info.params["optimizer"],
        q["evaluations"]
    );
    outln!(
        "angles      γ={}  β={}",
        doc["angles"]["gamma"],
        doc["angles"]["beta"]
    );
    outln!("⟨C⟩         {}", doc["expectation"]);
    outln!(
        "best        {}   probability {:.4}",
        crate::solve::best_text(m, best.energy),
        q["probability_of_best"].as_f64().unwrap_or(0.0)
    );
    outln!(
        "circuit     depth {}, {} two-qubit gates ({} CX)",
        q["circuit"]["depth"],
        q["circuit"]["two_qubit_gates"],
        q["circuit"]["cx_count"]
    );
    outln!(
        "time        {:.3} s, {:.3} ms per layer ({}, {}), seed {}, quboflow {}",
        doc["timing"]["total_s"].as_f64().unwrap_or(0.0),
        doc["layer_ms"].as_f64().unwrap_or(0.0),
        q["kernel"]["isa"].as_str().unwrap_or(""),
        q["kernel"]["precision"].as_str().unwrap_or(""),
        ss.info.seed,
        ss.info.version
    );
}
