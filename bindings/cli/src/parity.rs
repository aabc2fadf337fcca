//! `quboflow parity`: one circuit on several backends, compared with the first: TVD against
//! the bound shot noise explains, ⟨C⟩ differences with 99 % intervals, pass or fail.

use std::path::PathBuf;

use anyhow::Context;
use clap::Args;
use quboflow::RunControl;
use quboflow_qaoa::{Angles, Distribution, NoiseModel, parity};
use quboflow_runtime::Params;
use serde_json::{Value, json};

use crate::input::InputArgs;
use crate::params::cli_error;

/// Arguments of `quboflow parity`.
#[derive(Args, Debug)]
pub(crate) struct ParityArgs {
    #[command(flatten)]
    input: InputArgs,

    /// Angles γ1,..,γp,β1,..,βp of the circuit.
    #[arg(
        long,
        required = true,
        value_name = "G1,..,GP,B1,..,BP",
        value_delimiter = ',',
        allow_hyphen_values = true
    )]
    angles: Vec<f64>,

    /// Backends, comma-separated; the first is the reference: statevector, ionq[:TARGET],
    /// noise:FILE.json|QPU.
    #[arg(long, required = true, value_name = "B1,B2,...", value_delimiter = ',')]
    backends: Vec<String>,

    /// Shots per shot-based backend.
    #[arg(long, default_value_t = 4000, value_name = "N")]
    shots: usize,

    /// TVD allowed beyond what shot noise explains (99 % bound) before a backend fails.
    #[arg(long, default_value_t = 0.05, value_name = "TVD")]
    tolerance: f64,

    /// Seed (default: drawn at random and reported).
    #[arg(long)]
    seed: Option<u64>,

    /// Mixer of the circuit: x (default), xy-ring or xy-complete.
    #[arg(long, value_name = "MIXER")]
    mixer: Option<String>,

    /// Start state: auto or basis (the one a QPU can prepare for XY mixers).
    #[arg(long, value_name = "STATE")]
    initial_state: Option<String>,

    /// IonQ API base URL (the emulator's, for tests).
    #[arg(long, value_name = "URL")]
    ionq_url: Option<String>,

    /// Noise model of IonQ's simulator for `ionq:simulator`.
    #[arg(long, value_name = "QPU")]
    ionq_noise: Option<String>,

    /// Refuse a remote run whose estimated cost exceeds this many USD.
    #[arg(long, value_name = "USD")]
    max_cost: Option<f64>,

    /// Job journal directory for remote backends (a rerun resumes without resubmitting).
    #[arg(long, value_name = "DIR")]
    resume: Option<PathBuf>,

    /// Trajectories per circuit on noise backends (default 256).
    #[arg(long, value_name = "N")]
    trajectories: Option<usize>,

    /// Print one JSON document on stdout.
    #[arg(long)]
    json: bool,

    /// Also write every backend's whole distribution (2ⁿ probabilities, index bit k = qubit
    /// k) as JSON to this file, for checks outside quboflow (the peer harness's qiskit-aer).
    #[arg(long, value_name = "FILE")]
    write_distributions: Option<PathBuf>,
}

pub(crate) fn run(a: &ParityArgs, quiet: bool) -> anyhow::Result<()> {
    if a.backends.len() < 2 {
        anyhow::bail!("--backends needs at least two backends (the first is the reference)");
    }
    if !(a.tolerance.is_finite() && (0.0..=1.0).contains(&a.tolerance)) {
        anyhow::bail!("--tolerance must lie in [0, 1]");
    }
    if a.shots == 0 {
        anyhow::bail!("--shots must be at least 1");
    }
    let angles = Angles::from_flat(&a.angles).map_err(|e| anyhow::anyhow!("--angles: {e}"))?;
    let enc = a.input.open(quiet)?;
    let seed = RunControl::new().maybe_seed(a.seed).resolve_seed();
    let mut rows: Vec<(String, Distribution, Option<Value>, Option<f64>)> = Vec::new();
    for spec in &a.backends {
        let mut p = Params::new();
        p.insert("backend".into(), json!(spec));
        p.insert("angles".into(), json!(a.angles));
        p.insert("num_reads".into(), json!(a.shots));
        let put = |p: &mut Params, k: &str, v: Option<Value>, on: &str| {
            if let Some(v) = v
                && spec.starts_with(on)
            {
                p.insert(k.into(), v);
            }
        };
        put(&mut p, "mixer", a.mixer.as_ref().map(|v| json!(v)), "");
        put(
            &mut p,
            "initial_state",
            a.initial_state.as_ref().map(|v| json!(v)),
            "",
        );
        put(
            &mut p,
            "ionq_url",
            a.ionq_url.as_ref().map(|v| json!(v)),
            "ionq",
        );
        put(
            &mut p,
            "ionq_noise",
            a.ionq_noise.as_ref().map(|v| json!(v)),
            "ionq:simulator",
        );
        put(&mut p, "max_cost", a.max_cost.map(|v| json!(v)), "ionq");
        put(
            &mut p,
            "resume",
            a.resume.as_ref().map(|v| json!(v)),
            "ionq",
        );
        put(
            &mut p,
            "trajectories",
            a.trajectories.map(|v| json!(v)),
            "noise",
        );
        let qaoa = quboflow_runtime::build_qaoa(&p)
            .map_err(cli_error)
            .with_context(|| format!("backend {spec}"))?;
        let ansatz = qaoa.ansatz(&enc.qubo)?;
        qaoa.backend
            .estimate_cost(&ansatz, angles.depth(), 0, a.shots as u64)
            .with_context(|| format!("backend {spec}"))?;
        let mut prepared = qaoa
            .backend
            .prepare(&ansatz)
            .with_context(|| format!("backend {spec}"))?;
        prepared.set_seed(seed);
        prepared.stop_on(crate::solve::ctrl_c_flag());
        let d = prepared
            .distributions(
                std::slice::from_ref(&angles),
                a.shots,
                quboflow::control::derive_seed(seed, rows.len() as u64),
            )
            .with_context(|| format!("backend {spec}"))?
            .pop()
            .context("the backend returned no distribution")?;
        // A noise backend's first-order prediction from the reference's exact ⟨C⟩.
        let model = serde_json::from_value::<NoiseModel>(prepared.describe()["model"].clone()).ok();
        let ideal = rows
            .first()
            .filter(|r| r.1.shots.is_none() && r.1.std_error == 0.0)
            .map(|r| r.1.expectation);
        let predicted = model
            .zip(ideal)
            .map(|(m, ideal)| m.predicted_expectation(&ansatz, &angles, ideal));
        rows.push((spec.clone(), d, prepared.usage(), predicted));
    }
    if let Some(path) = &a.write_distributions {
        let all: serde_json::Map<String, Value> = rows
            .iter()
            .map(|(name, d, _, _)| (name.clone(), json!(d.probabilities)))
            .collect();
        std::fs::write(path, Value::Object(all).to_string())
            .with_context(|| path.display().to_string())?;
    }
    let reference = rows[0].1.clone();
    let checks: Vec<_> = rows
        .iter()
        .map(|r| parity(&reference, &r.1, a.tolerance))
        .collect();
    let all_pass = checks.iter().skip(1).all(|c| c.pass);
    let doc = json!({
        "instance": a.input.file,
        "angles": {"gamma": angles.gamma, "beta": angles.beta},
        "shots": a.shots,
        "tolerance": a.tolerance,
        "seed": seed,
        "version": env!("CARGO_PKG_VERSION"),
        "reference": rows[0].0,
        "pass": all_pass,
        "backends": rows.iter().zip(&checks).enumerate().map(|(k, ((name, d, usage, predicted), c))| json!({
            "backend": name,
            "shots": d.shots,
            "expectation": d.expectation,
            "std_error": d.std_error,
            "first_order_prediction": predicted,
            "tvd": (k > 0).then_some(c.tvd),
            "shot_noise_tvd": (k > 0).then_some(c.shot_noise_tvd),
            "expectation_difference": (k > 0).then_some(c.expectation_difference),
            "difference_ci99": (k > 0).then_some(c.difference_ci99),
            "pass": (k > 0).then_some(c.pass),
            "usage": usage,
        })).collect::<Vec<_>>(),
    });
    if a.json {
        outln!("{doc}");
    } else {
        outln!(
            "{:<28} {:>12} {:>22} {:>10} {:>10} {:>30}  result",
            "backend",
            "shots",
            "<C> ± s.e.",
            "TVD",
            "noise",
            "Δ<C> [99 % CI]"
        );
        for (k, ((name, d, _, predicted), c)) in rows.iter().zip(&checks).enumerate() {
            let shots = match d.shots {
                Some(s) => s.to_string(),
                None if d.std_error > 0.0 => "trajectories".to_string(),
                None => "exact".to_string(),
            };
            let e = format!("{:.6} ± {:.6}", d.expectation, d.std_error);
            if k == 0 {
                outln!(
                    "{name:<28} {shots:>12} {e:>22} {:>10} {:>10} {:>30}  reference",
                    "",
                    "",
                    ""
                );
            } else {
                let diff = format!(
                    "{:+.6} [{:+.6}, {:+.6}]",
                    c.expectation_difference, c.difference_ci99[0], c.difference_ci99[1]
                );
                outln!(
                    "{name:<28} {shots:>12} {e:>22} {:>10.2e} {:>10.2e} {diff:>30}  {}",
                    c.tvd,
                    c.shot_noise_tvd,
                    if c.pass { "pass" } else { "FAIL" }
                );
            }
            if let Some(p) = predicted {
                outln!("{:<28} first-order prediction <C> ≈ {p:.6}", "");
            }
        }
        outln!(
            "tolerance {} beyond the 99 % shot-noise bound; seed {seed}",
            a.tolerance
        );
    }
    if !all_pass {
        anyhow::bail!(
            "parity failed: a backend's distribution differs from {} by more than the tolerance",
            rows[0].0
        );
    }
    Ok(())
}

/// Arguments of `quboflow ionq-emulator`.
#[derive(Args, Debug)]
pub(crate) struct EmulatorArgs {
    /// Port on 127.0.0.1 (0: any free port; the URL is printed).
    #[arg(long, default_value_t = 0)]
    port: u16,

    /// Status polls before a job completes.
    #[arg(long, default_value_t = 2, value_name = "N")]
    polls: u32,

    /// Stop after this many seconds without a request.
    #[arg(long, default_value_t = 600.0, value_name = "SECONDS")]
    idle_timeout: f64,

    /// Key the requests must carry (default: any).
    #[arg(long, value_name = "KEY")]
    api_key: Option<String>,
}

/// Serves the IonQ API emulator until it has been idle for `--idle-timeout`.
pub(crate) fn emulator(a: &EmulatorArgs) -> anyhow::Result<()> {
    if !(a.idle_timeout.is_finite() && a.idle_timeout > 0.0 && a.idle_timeout <= 1e6) {
        anyhow::bail!("--idle-timeout must be between 0 and 10⁶ seconds");
    }
    let emu = quboflow_qaoa::Emulator::start(quboflow_qaoa::EmulatorOptions {
        api_key: a.api_key.clone(),
        polls_to_complete: a.polls,
        idle_timeout: std::time::Duration::from_secs_f64(a.idle_timeout),
        port: a.port,
        ..Default::default()
    })?;
    outln!("{}", emu.url());
    eprintln!(
        "IonQ API emulator on {}; it stops after {} s without a request (use --ionq-url {})",
        emu.url(),
        a.idle_timeout,
        emu.url()
    );
    emu.wait();
    Ok(())
}
