//! SA and tabu with constraint-preserving moves: samples stay feasible, energies are exact,
//! results are reproducible, and the best feasible state is found on small models.

use std::time::Duration;

use quboflow::solvers::{SimulatedAnnealing, Tabu};
use quboflow::testing::random_qubo;
use quboflow::{Constraints, KHot, Permutation, RunControl, Solver};

fn constraints() -> Constraints {
    // 3×3 permutation on 0..9, a one-hot group 9..12, a 2-hot group 12..16; 16, 17 free.
    Constraints {
        one_hot: vec![vec![9, 10, 11]],
        k_hot: vec![KHot {
            vars: vec![12, 13, 14, 15],
            k: 2,
        }],
        permutations: vec![Permutation {
            size: 3,
            vars: (0..9).collect(),
        }],
        ..Default::default()
    }
}

fn best_feasible(q: &quboflow::Qubo, c: &Constraints) -> f64 {
    let n = q.num_vars();
    (0..1u32 << n)
        .map(|m| (0..n).map(|i| (m >> i & 1) as u8).collect::<Vec<_>>())
        .filter(|x| c.is_satisfied(x))
        .map(|x| q.energy(&x))
        .fold(f64::INFINITY, f64::min)
}

#[test]
fn constrained_sa_and_tabu_stay_feasible_and_find_the_feasible_optimum() {
    let c = constraints();
    for seed in 0..4 {
        let q = random_qubo(18, 0.6, true, seed);
        let want = best_feasible(&q, &c);
        // The constraints travel with the model; the solvers read them from it.
        let q = q.with_constraints(c.clone()).unwrap();
        let sa = SimulatedAnnealing {
            num_reads: Some(16),
            num_sweeps: Some(300),
            ..Default::default()
        };
        let tabu = Tabu {
            num_reads: Some(2),
            timeout: Some(Duration::from_millis(100)),
            ..Default::default()
        };
        for solver in [&sa as &dyn Solver, &tabu] {
            let ss = solver.sample(&q, &RunControl::new().seed(seed)).unwrap();
            assert_eq!(ss.info.params["moves"], "constraint-preserving");
            for s in &ss.samples {
                assert!(
                    c.is_satisfied(&s.sample),
                    "{}: infeasible sample",
                    solver.name()
                );
                assert_eq!(s.energy, q.energy(&s.sample));
            }
            assert_eq!(
                ss.first().unwrap().energy,
                want,
                "{} seed {seed}",
                solver.name()
            );
        }
        // Same seed, same samples, on any thread count.
        let a = sa.sample(&q, &RunControl::new().seed(7)).unwrap();
        let pool = rayon::ThreadPoolBuilder::new()
            .num_threads(1)
            .build()
            .unwrap();
        let b = pool.install(|| sa.sample(&q, &RunControl::new().seed(7)).unwrap());
        assert_eq!(a.samples, b.samples);
    }
}

#[test]
fn infeasible_initial_states_are_repaired_first() {
    let c = constraints();
    let plain = random_qubo(18, 0.5, true, 11);
    let q = plain.clone().with_constraints(c.clone()).unwrap();
    let sa = SimulatedAnnealing {
        num_reads: Some(1),
        num_sweeps: Some(10),
        initial_states: Some(vec![vec![1; 18]]),
        ..Default::default()
    };
    let ss = sa.sample(&q, &RunControl::new().seed(1)).unwrap();
    assert!(c.is_satisfied(&ss.first().unwrap().sample));
    // Constraints that do not fit the model cannot be attached to it.
    let bad = Constraints {
        one_hot: vec![vec![0, 40]],
        ..Default::default()
    };
    let err = plain.with_constraints(bad).unwrap_err();
    assert!(err.to_string().contains("40"), "{err}");
}

/// A genuine penalty model with both new kinds of structure: set partitioning of 3 elements
/// over all 7 subsets (vars 0..7, random set costs) and a knapsack row over 4 items (vars
/// 7..11) with log slack 1, 2, 3 (vars 11..14, capacity 6), plus random couplings between
/// sets and items. Penalties are large, so the ground state is feasible with exact slack.
fn partition_and_knapsack(seed: u64) -> (quboflow::Qubo, Constraints) {
    use rand::{RngExt, SeedableRng};
    let mut rng = rand::rngs::Xoshiro256PlusPlus::seed_from_u64(seed);
    let mut b = quboflow::QuboBuilder::new(14);
    let a = 200.0;
    let mask = |v: usize| v as u32 + 1; // var v is the subset with bits v + 1
    for v in 0..7 {
        b.add_linear(v, rng.random_range(1..20) as f64);
    }
    let rows: Vec<Vec<usize>> = (0..3)
        .map(|e| (0..7).filter(|&v| mask(v) >> e & 1 == 1).collect())
        .collect();
    let squared = |b: &mut quboflow::QuboBuilder, terms: &[(usize, f64)], rhs: f64| {
        // a(Σ w x − rhs)²
        b.add_offset(a * rhs * rhs);
        for (i, &(vi, wi)) in terms.iter().enumerate() {
            b.add_linear(vi, a * (wi * wi - 2.0 * rhs * wi));
            for &(vj, wj) in &terms[i + 1..] {
                b.add_quadratic(vi, vj, 2.0 * a * wi * wj);
            }
        }
    };
    for row in &rows {
        let t: Vec<(usize, f64)> = row.iter().map(|&v| (v, 1.0)).collect();
        squared(&mut b, &t, 1.0);
    }
    let weights = [2.0, 3.0, 4.0, 5.0];
    for (i, w) in weights.iter().enumerate() {
        b.add_linear(7 + i, -(rng.random_range(1..15) as f64) - w);
        b.add_quadratic(
            7 + i,
            rng.random_range(0..7),
            rng.random_range(-6..6) as f64,
        );
    }
    let mut t: Vec<(usize, f64)> = weights
        .iter()
        .enumerate()
        .map(|(i, &w)| (7 + i, w))
        .collect();
    t.extend([(11, 1.0), (12, 2.0), (13, 3.0)]);
    squared(&mut b, &t, 6.0);
    let c = Constraints {
        set_partition: rows,
        capacities: vec![quboflow::Capacity {
            vars: (7..11).collect(),
            weights: weights.to_vec(),
            capacity: 6.0,
            slack: vec![11, 12, 13],
            slack_weights: vec![1.0, 2.0, 3.0],
        }],
        slack: vec![vec![11, 12, 13]],
        ..Default::default()
    };
    (b.build().unwrap(), c)
}

fn slack_is_exact(c: &Constraints, x: &[u8]) -> bool {
    c.capacities.iter().all(|row| {
        let held: f64 = (row.slack.iter().zip(&row.slack_weights))
            .filter(|(v, _)| x[**v] == 1)
            .map(|(_, w)| w)
            .sum();
        held == row.capacity - row.load(x)
    })
}

#[test]
fn set_partitioning_and_capacity_moves_stay_feasible_and_find_the_ground_state() {
    for seed in 0..6 {
        let (q, c) = partition_and_knapsack(seed);
        let (ground, states) = quboflow::testing::brute_force(&q);
        let q = q.with_constraints(c.clone()).unwrap();
        assert!(
            states
                .iter()
                .all(|x| c.is_satisfied(x) && slack_is_exact(&c, x)),
            "seed {seed}: the penalties should make every ground state feasible"
        );
        let sa = SimulatedAnnealing {
            num_reads: Some(8),
            num_sweeps: Some(200),
            ..Default::default()
        };
        let tabu = Tabu {
            num_reads: Some(2),
            num_restarts: 20,
            timeout: Some(Duration::from_secs(30)),
            ..Default::default()
        };
        for solver in [&sa as &dyn Solver, &tabu] {
            let ss = solver.sample(&q, &RunControl::new().seed(seed)).unwrap();
            for s in &ss.samples {
                assert!(
                    c.is_satisfied(&s.sample) && slack_is_exact(&c, &s.sample),
                    "{} seed {seed}: {:?} leaves the constraints",
                    solver.name(),
                    s.sample
                );
                assert_eq!(s.energy, q.energy(&s.sample));
            }
            assert_eq!(
                ss.first().unwrap().energy,
                ground,
                "{} seed {seed}",
                solver.name()
            );
        }
    }
}
