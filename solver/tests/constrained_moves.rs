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
        let sa = SimulatedAnnealing {
            num_reads: Some(16),
            num_sweeps: 300,
            constraints: Some(c.clone()),
            ..Default::default()
        };
        let tabu = Tabu {
            num_reads: Some(2),
            timeout: Some(Duration::from_millis(100)),
            constraints: Some(c.clone()),
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
    let q = random_qubo(18, 0.5, true, 11);
    let sa = SimulatedAnnealing {
        num_reads: Some(1),
        num_sweeps: 10,
        initial_states: Some(vec![vec![1; 18]]),
        constraints: Some(c.clone()),
        ..Default::default()
    };
    let ss = sa.sample(&q, &RunControl::new().seed(1)).unwrap();
    assert!(c.is_satisfied(&ss.first().unwrap().sample));
    let bad = Constraints {
        one_hot: vec![vec![0, 40]],
        ..Default::default()
    };
    let err = SimulatedAnnealing {
        constraints: Some(bad),
        ..Default::default()
    }
    .sample(&q, &RunControl::new())
    .unwrap_err();
    assert!(err.to_string().contains("40"), "{err}");
}
