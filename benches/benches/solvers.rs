//! Inner loops of the foundation solvers: Gray-code enumeration (states per second) and
//! steepest descent (descents per second on G1).
//!
//! Run: `cargo bench -p quboflow-benches --bench solvers`

#![allow(missing_docs)]

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use quboflow::io::{self, ReadOptions};
use quboflow::solvers::{Exact, SteepestDescent};
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

criterion_group!(benches, exact, descent);
criterion_main!(benches);
