//! Client overhead per IonQ job on loopback: wall time of `jobs` one-circuit jobs (create,
//! one status poll, results) against the emulator, minus the time the emulator spent
//! handling them (simulating the circuit and answering). The target is ≤ 5 ms per job.
//!
//! `cargo run --release -p quboflow-benches --bin ionq_overhead [N_QUBITS] [P] [JOBS]`

use std::sync::Arc;
use std::time::{Duration, Instant};

use quboflow_qaoa::{Angles, Ansatz, Backend, Emulator, EmulatorOptions, IonQ, ManualClock};

fn main() {
    let args: Vec<usize> = std::env::args()
        .skip(1)
        .filter_map(|a| a.parse().ok())
        .collect();
    let (n, p, jobs) = (
        args.first().copied().unwrap_or(12),
        args.get(1).copied().unwrap_or(2),
        args.get(2).copied().unwrap_or(200),
    );
    let q = quboflow::testing::random_qubo(n, 0.5, false, 1);
    let ansatz = Ansatz::new(&q, &Default::default()).expect("ansatz");
    // Jobs complete at their first poll: every request is on the critical path, none waits.
    let emu = Emulator::start(EmulatorOptions {
        polls_to_complete: 0,
        idle_timeout: Duration::from_secs(60),
        ..Default::default()
    })
    .expect("emulator");
    let mut b = IonQ::new("simulator");
    b.url = emu.url().to_string();
    b.clock = Arc::new(ManualClock::default());
    let run = b.prepare(&ansatz).expect("prepare");
    let angles = |k: usize| Angles {
        gamma: vec![0.1 + k as f64 * 1e-3; p],
        beta: vec![0.3; p],
    };
    run.expectations(&[angles(usize::MAX)]).expect("warm-up");
    let server0 = emu.server_time();
    let t = Instant::now();
    for k in 0..jobs {
        run.expectations(&[angles(k)]).expect("job");
    }
    let wall = t.elapsed();
    let server = emu.server_time() - server0;
    let per_job = |d: Duration| d.as_secs_f64() * 1e3 / jobs as f64;
    println!(
        "n={n} p={p} jobs={jobs}: wall {:.3} ms/job, server {:.3} ms/job, client overhead {:.3} ms/job ({} requests each)",
        per_job(wall),
        per_job(server),
        per_job(wall.saturating_sub(server)),
        3
    );
}
