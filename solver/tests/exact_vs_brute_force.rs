//! `Exact` (Gray code, incremental, parallel) against plain enumeration.

use proptest::prelude::*;
use quboflow::solvers::Exact;
use quboflow::testing::{brute_force, random_qubo};
use quboflow::{Qubo, RunControl, Solver};

/// Every energy of the model, sorted (the reference for the k lowest).
fn all_energies(q: &Qubo) -> Vec<f64> {
    let n = q.num_vars();
    let mut e: Vec<f64> = (0u64..1 << n)
        .map(|s| {
            let x: Vec<u8> = (0..n).map(|i| ((s >> i) & 1) as u8).collect();
            q.energy(&x)
        })
        .collect();
    e.sort_by(f64::total_cmp);
    e
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]
    #[test]
    fn k_lowest_states_match(n in 1usize..=12, density in 0.0f64..=1.0, integer: bool, seed: u64, k in 1usize..=8) {
        let q = random_qubo(n, density, integer, seed);
        let r = Exact { num_states: k, ..Default::default() }.sample(&q, &RunControl::new()).unwrap();
        let want = all_energies(&q);
        let k = k.min(1 << n);
        prop_assert_eq!(r.len(), k);
        for (row, e) in r.samples.iter().zip(&want) {
            prop_assert!((row.energy - e).abs() <= 1e-9, "{} vs {}", row.energy, e);
            prop_assert_eq!(q.energy(&row.sample), row.energy);
        }
    }
}

#[test]
fn sixteen_variables_dense_real() {
    for seed in 0..3 {
        let q = random_qubo(16, 1.0, false, seed);
        let (opt, argmins) = brute_force(&q);
        let r = Exact::default()
            .sample(&q, &RunControl::new().seed(0))
            .unwrap();
        let best = r.first().unwrap();
        assert!((best.energy - opt).abs() < 1e-9);
        assert!(argmins.contains(&best.sample));
    }
}

#[test]
fn many_chunks_agree_with_one() {
    // 24 variables: 64 chunks of 2^18 states, enumerated in parallel.
    let q = random_qubo(24, 0.2, true, 4);
    let r = Exact {
        num_states: 3,
        ..Default::default()
    }
    .sample(&q, &RunControl::new())
    .unwrap();
    assert_eq!(r.info.counters["chunks"], 64);
    assert_eq!(r.info.counters["states"], 1 << 24);
    // Check the optimum with descent from every one-flip neighbour: none is lower.
    let best = r.first().unwrap();
    for i in 0..24 {
        assert!(q.delta(&best.sample, i) >= 0.0);
    }
    assert!(r.samples[0].energy <= r.samples[1].energy);
}
