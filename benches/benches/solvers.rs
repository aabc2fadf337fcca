//! Inner loops of the classical solvers: Gray-code enumeration (states/s), steepest descent
//! (descents/s), SA sweeps (spin-flip attempts/s, one read and an 8-lane group), tabu
//! iterations and parallel-tempering sweeps, on G1 and a random real-valued model.
//!
//! Run: `cargo bench -p quboflow-benches --bench solvers`

#![allow(missing_docs)]

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use quboflow::io::{self, ReadOptions};
use std::time::Duration;

use quboflow::solvers::{Exact, ParallelTempering, SimulatedAnnealing, SteepestDescent, Tabu};
use quboflow::testing::random_qubo;
use quboflow::{RunControl, Solver};
use quboflow_benches::data;

fn exact(c: &mut Criterion) {
    let mut g = c.benchmark_group("exact");
    g.sample_size(10);
    for (n, density) in [(20usize, 1.0f64), (24, 0.2)] {
        let q = random_qubo(n, density, false, 1);
        g.throughput(Throughput::Elements(1 << n));
        g.bench_function(format!("n{n}_density{density}"), |b| {
            b.iter(|| {
                Exact::default()
                    .sample(&q, &RunControl::new().seed(1))
                    .expect("solves")
            })
        });
    }
    g.finish();
}

fn descent(c: &mut Criterion) {
    let m = io::read(&data("gset/G1.txt"), None, &ReadOptions::default()).expect("valid");
    let mut g = c.benchmark_group("descent");
    g.sample_size(10);
    g.throughput(Throughput::Elements(100));
    g.bench_function("G1_100_reads", |b| {
        let s = SteepestDescent {
            num_reads: Some(100),
            ..Default::default()
        };
        b.iter(|| {
            s.sample(&m.qubo, &RunControl::new().seed(1))
                .expect("solves")
        })
    });
    g.finish();
}

fn annealing(c: &mut Criterion) {
    let g1 = io::read(&data("gset/G1.txt"), None, &ReadOptions::default()).expect("valid");
    let real = random_qubo(800, 0.06, false, 3);
    let mut g = c.benchmark_group("sa");
    g.sample_size(10);
    for (name, q) in [("G1", &g1.qubo), ("real800", &real)] {
        for reads in [1usize, 8] {
            let sweeps = 200;
            g.throughput(Throughput::Elements((q.num_vars() * sweeps * reads) as u64));
            let sa = SimulatedAnnealing {
                num_reads: Some(reads),
                num_sweeps: Some(sweeps),
                ..Default::default()
            };
            g.bench_function(format!("{name}_{reads}reads_{sweeps}sweeps_1thread"), |b| {
                let pool = rayon::ThreadPoolBuilder::new()
                    .num_threads(1)
                    .build()
                    .expect("pool");
                b.iter(|| {
                    pool.install(|| sa.sample(q, &RunControl::new().seed(1)).expect("solves"))
                })
            });
        }
    }
    g.finish();

    let mut g = c.benchmark_group("pt");
    g.sample_size(10);
    let pt = ParallelTempering {
        num_sweeps: 20,
        ..Default::default()
    };
    g.throughput(Throughput::Elements(
        (g1.qubo.num_vars() * 20 * pt.num_replicas) as u64,
    ));
    g.bench_function("G1_32replicas_20sweeps", |b| {
        b.iter(|| {
            pt.sample(&g1.qubo, &RunControl::new().seed(1))
                .expect("solves")
        })
    });
    g.finish();
}

fn tabu(c: &mut Criterion) {
    let bqp = io::read(&data("bqp/bqp1000_1.txt"), None, &ReadOptions::default()).expect("valid");
    let g1 = io::read(&data("gset/G1.txt"), None, &ReadOptions::default()).expect("valid");
    let mut g = c.benchmark_group("tabu");
    g.sample_size(10);
    for (name, q) in [("bqp1000_1", &bqp.qubo), ("G1", &g1.qubo)] {
        // One phase of 20 000 iterations without improvement: iterations/s of the search.
        let t = Tabu {
            num_restarts: 1,
            max_stagnation: Some(20_000),
            timeout: Some(Duration::from_secs(60)),
            ..Default::default()
        };
        g.bench_function(format!("{name}_one_phase"), |b| {
            b.iter(|| t.sample(q, &RunControl::new().seed(1)).expect("solves"))
        });
    }
    g.finish();
}

criterion_group!(benches, exact, descent, annealing, tabu);
criterion_main!(benches);
