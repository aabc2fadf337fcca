//! QAOA engine inner loops: cost-diagonal build, one layer (both precisions, both phase paths),
//! ⟨C⟩ and the adjoint gradient, on random 3-regular-like Max-Cut and real-valued models.
//!
//! Run: `cargo bench -p quboflow-benches --bench qaoa`
//! (The side-by-side comparison with QOKit and qiskit-aer is `benches/peers/run.sh qaoa-layer`.)

#![allow(missing_docs)]

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use quboflow::testing::random_qubo;
use quboflow::{Qubo, QuboBuilder};
use quboflow_qaoa::{Angles, Ansatz, Engine, Real};

/// Max-Cut of a ring with chords (every vertex of degree 3): integer costs, table phase path.
fn cubic(n: usize) -> Qubo {
    let mut b = QuboBuilder::new(n);
    let mut edge = |i: usize, j: usize| {
        b.add_quadratic(i, j, 2.0)
            .add_linear(i, -1.0)
            .add_linear(j, -1.0);
    };
    for i in 0..n {
        edge(i, (i + 1) % n);
    }
    for i in 0..n / 2 {
        edge(i, i + n / 2);
    }
    b.build().expect("valid")
}

fn angles(p: usize) -> Angles {
    Angles {
        gamma: (0..p).map(|l| -0.2 - 0.1 * l as f64).collect(),
        beta: (0..p).map(|l| 0.5 - 0.1 * l as f64).collect(),
    }
}

fn bench_engine<F: Real>(c: &mut Criterion, label: &str, q: &Qubo) {
    let n = q.num_vars();
    let mut g = c.benchmark_group(format!("qaoa_{label}_n{n}"));
    g.sample_size(10);
    g.throughput(Throughput::Elements(1 << n));
    let ansatz = Ansatz::new(q, &Default::default()).expect("valid model");
    g.bench_function("build_diagonal", |b| {
        b.iter(|| Engine::<F>::new(&ansatz).expect("fits"))
    });
    let engine = Engine::<F>::new(&ansatz).expect("fits");
    let one = angles(1);
    let mut state = engine.initial_state();
    g.bench_function("layer", |b| {
        b.iter(|| engine.apply_layers(&mut state, &one))
    });
    let four = angles(4);
    g.bench_function("expectation_p4", |b| {
        b.iter(|| engine.expectation(&four).expect("ok"))
    });
    g.bench_function("gradient_p4", |b| {
        b.iter(|| engine.gradient(&four).expect("ok"))
    });
    g.finish();
}

fn qaoa(c: &mut Criterion) {
    for n in [16usize, 20] {
        let q = cubic(n);
        bench_engine::<f64>(c, "c128_table", &q);
        bench_engine::<f32>(c, "c64_table", &q);
    }
    bench_engine::<f64>(c, "c128_factored", &random_qubo(20, 0.15, false, 3));
}

criterion_group!(benches, qaoa);
criterion_main!(benches);
