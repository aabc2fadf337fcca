//! QAOA timings for the peer harness, in-process on a warm pool: cost-diagonal build, time per
//! layer, ⟨C⟩ evaluation, adjoint gradient, and the machine's in-place sweep bandwidth (the
//! floor a layer is held against). Prints one JSON object per line.
//!
//! `qaoa_layer FILE PRECISION THREADS P REPEATS`  — FILE is any model file (e.g. a Gset graph);
//! `qaoa_layer --bandwidth THREADS MIB`           — in-place read+write sweep bandwidth.
//!
//! The gradient is the default checkpointed one; `QAOA_LOW_MEMORY_GRADIENT=1` times the
//! two-state form instead, e.g. `QAOA_LOW_MEMORY_GRADIENT=1 qaoa_layer reg3_24.gset
//! complex128 1 4 3`; `QAOA_ONLY_GRAD` / `QAOA_ONLY_LAYERS` time only that part.

use std::path::{Path, PathBuf};
use std::time::Instant;

use quboflow::io::{self, ReadOptions};
use quboflow_qaoa::{Angles, Ansatz, Backend, Engine, EngineOptions, PhaseKind, Real, Statevector};
use rayon::prelude::*;

fn best_of<T>(repeats: usize, mut f: impl FnMut() -> T) -> (f64, T) {
    let mut best = f64::INFINITY;
    let mut out = f();
    for _ in 0..repeats {
        let t = Instant::now();
        out = f();
        best = best.min(t.elapsed().as_secs_f64());
    }
    (best, out)
}

fn run<F: Real>(
    file: &Path,
    p: usize,
    repeats: usize,
) -> Result<String, Box<dyn std::error::Error + Send + Sync>> {
    let model = io::read(file, None, &ReadOptions::default())?;
    let q = &model.qubo;
    // QAOA_LOW_MEMORY_GRADIENT=1 times the two-state gradient instead of the checkpointed one.
    let opts = EngineOptions {
        low_memory_gradient: std::env::var("QAOA_LOW_MEMORY_GRADIENT").is_ok(),
        ..Default::default()
    };
    let ansatz = Ansatz::new(q, &Default::default())?;
    let (build_s, engine) = best_of(repeats, || Engine::<F>::with_options(&ansatz, &opts));
    let engine = engine?;
    let angles = Angles {
        gamma: (0..p).map(|l| -0.2 - 0.1 * l as f64).collect(),
        beta: (0..p).map(|l| 0.5 - 0.1 * l as f64).collect(),
    };
    let mut state = engine.initial_state();
    let (layers_s, _) = best_of(repeats, || engine.apply_layers(&mut state, &angles));
    if std::env::var("QAOA_ONLY_GRAD").is_ok() {
        let (grad_s, g) = best_of(repeats, || engine.gradient(&angles));
        g?;
        return Ok(format!("{{\"grad_s\": {grad_s}}}"));
    }
    if std::env::var("QAOA_ONLY_LAYERS").is_ok() {
        return Ok(format!("{{\"layer_s\": {}}}", layers_s / p as f64));
    }
    let (eval_s, e) = best_of(repeats, || engine.expectation(&angles));
    let e = e?;
    let (grad_s, g) = best_of(repeats, || engine.gradient(&angles));
    g?;
    // The same through the Backend, as `Qaoa` and the CLI run it: the engine then lives in
    // (and its kernels are compiled for) the qaoa crate, not this one, and the two copies can
    // be optimised differently (see benches/NOTES.md, "LTO").
    let backend = Statevector {
        precision: F::PRECISION,
        low_memory_gradient: opts.low_memory_gradient,
        ..Default::default()
    };
    let run = backend.prepare(&ansatz)?;
    let batch = std::slice::from_ref(&angles);
    let (backend_eval_s, be) = best_of(repeats, || run.expectations(batch));
    be?;
    let (backend_grad_s, bg) = best_of(repeats, || run.gradients(batch));
    bg?;
    let kind = match engine.cost_model().phase_kind() {
        PhaseKind::Table {
            levels,
            index_bytes,
        } => format!("table({levels} levels, u{})", index_bytes * 8),
        PhaseKind::Factored => "factored".into(),
    };
    Ok(format!(
        "{{\"n\": {}, \"precision\": \"{}\", \"threads\": {}, \"p\": {p}, \"phase\": \"{kind}\", \"build_s\": {build_s}, \"layer_s\": {}, \"eval_s\": {eval_s}, \"grad_s\": {grad_s}, \"backend_eval_s\": {backend_eval_s}, \"backend_grad_s\": {backend_grad_s}, \"expectation\": {e}}}",
        q.num_vars(),
        F::PRECISION.name(),
        rayon::current_num_threads(),
        layers_s / p as f64,
    ))
}

fn bandwidth(mib: usize, repeats: usize) -> String {
    let len = mib << 17; // f64 elements
    let mut v = vec![1.0f64; len];
    let (s, _) = best_of(repeats, || {
        v.par_chunks_mut(1 << 16).for_each(|c| {
            for x in c {
                *x = *x * 0.999_999 + 1e-9;
            }
        })
    });
    // Every byte is read once and written once.
    let bytes = 2.0 * (len * 8) as f64;
    format!(
        "{{\"bandwidth_gb_s\": {}, \"threads\": {}, \"mib\": {mib}}}",
        bytes / s / 1e9,
        rayon::current_num_threads()
    )
}

fn main() -> Result<(), Box<dyn std::error::Error + Send + Sync>> {
    let args: Vec<String> = std::env::args().collect();
    if args.len() == 4 && args[1] == "--bandwidth" {
        let threads: usize = args[2].parse()?;
        let pool = rayon::ThreadPoolBuilder::new()
            .num_threads(threads)
            .build()?;
        println!(
            "{}",
            pool.install(|| bandwidth(args[3].parse().unwrap_or(1024), 5))
        );
        return Ok(());
    }
    if args.len() != 6 {
        return Err("usage: qaoa_layer FILE complex128|complex64 THREADS P REPEATS | qaoa_layer --bandwidth THREADS MIB".into());
    }
    let file = PathBuf::from(&args[1]);
    let threads: usize = args[3].parse()?;
    let p: usize = args[4].parse()?;
    let repeats: usize = args[5].parse()?;
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(threads)
        .build()?;
    let line = pool.install(|| match args[2].as_str() {
        "complex64" => run::<f32>(&file, p, repeats),
        _ => run::<f64>(&file, p, repeats),
    })?;
    println!("{line}");
    Ok(())
}
