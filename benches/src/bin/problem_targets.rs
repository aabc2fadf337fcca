//! Issue-5 targets: gaps to the proven optima on TSPLIB / CVRPLIB / knapsack instances, with
//! constraint-preserving SA and tabu. `cargo run --release -p quboflow-benches --bin
//! problem_targets [DATA_DIR [NAME_PART]]` (default `../shared/data`; `NAME_PART` keeps only the
//! instances or files whose name contains it).

use std::path::PathBuf;
use std::time::{Duration, Instant};

use quboflow::solvers::{SimulatedAnnealing, Tabu};
use quboflow::{RunControl, Solver};
use quboflow_problems::{Encoded, Knapsack, OpenOptions, open};

/// The best raw-feasible objective of one run (the library's assessment).
fn best_feasible(enc: &Encoded, solver: &dyn Solver, seed: u64) -> Option<f64> {
    let ss = solver
        .sample(&enc.qubo, &RunControl::new().seed(seed))
        .ok()?;
    enc.assess(&ss, false)
        .ok()?
        .assessment
        .best_feasible
        .map(|b| b.objective)
}

/// Constraint-preserving SA (the model carries its constraints).
fn sa() -> SimulatedAnnealing {
    SimulatedAnnealing {
        num_reads: Some(100),
        num_sweeps: Some(1000),
        ..Default::default()
    }
}

fn tabu(secs: f64) -> Tabu {
    Tabu {
        num_reads: Some(1),
        timeout: Some(Duration::from_secs_f64(secs)),
        ..Default::default()
    }
}

fn gap(v: Option<f64>, opt: f64, max: bool) -> String {
    match v {
        None => "no feasible".into(),
        Some(v) => format!(
            "{:+.2} %",
            100.0 * if max { opt - v } else { v - opt } / opt
        ),
    }
}

fn main() {
    let data = std::env::args()
        .nth(1)
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from("../shared/data"));
    // Optional second argument: run only the instances / files whose name contains it.
    let only = std::env::args().nth(2).unwrap_or_default();
    let wanted = |name: &str| name.contains(only.as_str());
    let mut files: Vec<PathBuf> = std::fs::read_dir(data.join("tsplib/sub"))
        .map(|d| d.flatten().map(|e| e.path()).collect())
        .unwrap_or_default();
    files.sort();
    files.extend(
        [
            "tsplib/burma14.tsp",
            "tsplib/ulysses16.tsp",
            "cvrplib/E-n13-k4.vrp",
            "cvrplib/P-n16-k8.vrp",
        ]
        .map(|f| data.join(f)),
    );
    println!("instance               vars  optimum  SA(100x1000)        tabu(2 s)");
    let (mut tsp_opt, mut tsp_n) = (0, 0);
    for f in &files {
        let Ok(enc) = open(f, &OpenOptions::default()) else {
            continue;
        };
        if !wanted(enc.name()) {
            continue;
        }
        let Some(r) = enc.reference().cloned() else {
            continue;
        };
        let t0 = Instant::now();
        let a = best_feasible(&enc, &sa(), 1);
        let ta = t0.elapsed().as_secs_f64();
        let b = best_feasible(&enc, &tabu(2.0), 1);
        if f.to_string_lossy().contains("/sub/") {
            tsp_n += 1;
            tsp_opt += usize::from(a == Some(r.value) || b == Some(r.value));
        }
        println!(
            "{:<22} {:>5} {:>8}  {:>10} ({ta:.2} s)  {:>10}",
            enc.name(),
            enc.qubo.num_vars(),
            r.value,
            gap(a, r.value, false),
            gap(b, r.value, false)
        );
    }
    println!("TSPLIB sub-instances solved to optimality: {tsp_opt}/{tsp_n}");
    for (file, secs) in [
        ("knapPI_11_20_1000.csv", 0.2),
        ("knapPI_1_50_1000.csv", 0.5),
    ] {
        if !wanted(file) {
            continue;
        }
        let Ok(all) = Knapsack::read_all(&data.join("knapsack/pisinger").join(file)) else {
            continue;
        };
        let (mut opt, mut gaps) = (0, Vec::new());
        let t0 = Instant::now();
        for k in &all {
            let enc = quboflow_problems::encodings::knapsack::encode(k, &Default::default())
                .expect("encodes");
            let v = best_feasible(&enc, &tabu(secs), 1).unwrap_or(0.0);
            let z = k.optimum.unwrap_or(f64::NAN);
            opt += usize::from(v == z);
            gaps.push(100.0 * (z - v) / z);
        }
        let mean = gaps.iter().sum::<f64>() / gaps.len() as f64;
        println!(
            "{file}: tabu {secs} s each: optimal on {opt}/{}, mean gap {mean:.3} %, worst {:.3} % ({:.0} s)",
            all.len(),
            gaps.iter().copied().fold(0.0, f64::max),
            t0.elapsed().as_secs_f64()
        );
    }
}
