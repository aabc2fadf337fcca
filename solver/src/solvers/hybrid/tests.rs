use std::sync::Arc;

use super::*;
use crate::constraints::{Constraints, Permutation};
use crate::solvers::{SimulatedAnnealing, SteepestDescent};
use crate::testing::{brute_force, random_qubo};

fn exact_hybrid(sub_size: usize) -> Hybrid {
    Hybrid {
        sub_solvers: vec![Arc::new(Exact::default())],
        sub_size,
        ..Default::default()
    }
}

#[test]
fn an_exact_sub_solver_on_at_most_24_variables_returns_the_optimum() {
    for (n, seed) in [(8, 1), (17, 2), (24, 3)] {
        let q = random_qubo(n, 0.5, false, seed);
        let (opt, _) = brute_force(&q);
        for outer_restarts in [0, 4] {
            let h = Hybrid {
                outer_restarts,
                ..exact_hybrid(24)
            };
            let ss = h.sample(&q, &RunControl::new().seed(seed)).unwrap();
            let best = ss.first().unwrap();
            assert!(
                (best.energy - opt).abs() < 1e-9,
                "n = {n}: {} vs {opt}",
                best.energy
            );
            assert_eq!(q.energy(&best.sample), best.energy);
        }
    }
}

#[test]
fn never_worse_than_its_outer_search_alone() {
    for seed in 0..6u64 {
        let q = random_qubo(120, 0.1, true, 40 + seed);
        let start: Vec<u8> = crate::testing::random_state(120, seed);
        let h = Hybrid {
            initial_states: Some(vec![start.clone()]),
            sub_size: 10,
            convergence: 3,
            ..exact_hybrid(10)
        };
        let ss = h.sample(&q, &RunControl::new().seed(seed)).unwrap();
        let got = ss.first().unwrap().energy;
        // The outer search alone, from the same start with the same seed as the first call.
        let outer = Tabu {
            initial_states: Some(vec![start]),
            ..h.outer_search()
        };
        let alone = outer
            .sample(
                &q,
                &RunControl::new().seed(derive_seed(derive_seed(seed, 0), 0)),
            )
            .unwrap();
        assert!(got <= alone.first().unwrap().energy + 1e-9);
        let read = &ss.info.extra["reads"][0];
        assert_eq!(
            read["outer_first"].as_f64().unwrap(),
            alone.first().unwrap().energy
        );
        assert!(got <= read["outer_best"].as_f64().unwrap() + 1e-9);
        assert_eq!(read["best"].as_f64().unwrap(), got);
    }
}

#[test]
fn contributions_account_for_every_unit_of_energy_removed() {
    let q = random_qubo(200, 0.05, false, 9);
    // Without the outer search the sub-problems do all the work; with it, it does most.
    for outer_restarts in [0, 1] {
        let h = Hybrid {
            sub_solvers: vec![
                Arc::new(Exact::default()),
                Arc::new(SimulatedAnnealing {
                    num_reads: Some(4),
                    num_sweeps: Some(50),
                    ..Default::default()
                }),
            ],
            sub_size: 12,
            num_reads: Some(2),
            outer_restarts,
            convergence: 2,
            ..Default::default()
        };
        let ss = h.sample(&q, &RunControl::new().seed(4)).unwrap();
        let extra = &ss.info.extra;
        let parts: Vec<Contribution> =
            serde_json::from_value(extra["contributions"].clone()).unwrap();
        let outer: Contribution = serde_json::from_value(extra["outer"].clone()).unwrap();
        assert_eq!(parts[0].solver, "exact");
        assert_eq!(parts[1].solver, "sa");
        assert!(
            parts
                .iter()
                .all(|p| p.subproblems > 0 && p.energy_removed >= 0.0)
        );
        if outer_restarts == 0 {
            assert!(parts.iter().all(|p| p.improvements > 0));
            assert_eq!(outer.subproblems, 0);
        }
        let removed: f64 = parts.iter().map(|p| p.energy_removed).sum::<f64>()
            + outer.energy_removed
            + extra["outer_first_energy_removed"].as_f64().unwrap();
        let reads = extra["reads"].as_array().unwrap();
        let descended: f64 = reads
            .iter()
            .map(|r| r["start"].as_f64().unwrap() - r["best"].as_f64().unwrap())
            .sum();
        assert!(
            (removed - descended).abs() < 1e-6 * descended.abs().max(1.0),
            "{removed} vs {descended}"
        );
        assert_eq!(
            ss.info.counters["subproblems"],
            parts.iter().map(|p| p.subproblems).sum::<u64>()
        );
    }
}

#[test]
fn any_solver_serves_as_a_sub_solver_and_results_ignore_the_thread_count() {
    let q = random_qubo(90, 0.2, false, 5);
    let h = Hybrid {
        sub_solvers: vec![
            Arc::new(SteepestDescent::default()),
            Arc::new(Tabu {
                num_restarts: 3,
                timeout: Some(Duration::from_secs(60)),
                ..Default::default()
            }),
        ],
        sub_size: 20,
        num_reads: Some(3),
        convergence: 2,
        ..Default::default()
    };
    let runs: Vec<SampleSet> = [1usize, 3]
        .iter()
        .map(|&t| {
            rayon::ThreadPoolBuilder::new()
                .num_threads(t)
                .build()
                .unwrap()
                .install(|| h.sample(&q, &RunControl::new().seed(8)).unwrap())
        })
        .collect();
    assert_eq!(runs[0].samples, runs[1].samples);
    assert_eq!(runs[0].info.extra["reads"], runs[1].info.extra["reads"]);
}

#[test]
fn structural_windows_keep_a_permutation_feasible() {
    // An assignment problem: 6 rows onto 6 columns, row-major variables, with penalties.
    let m = 6;
    let mut b = crate::qubo::QuboBuilder::new(m * m);
    let cost = |r: usize, c: usize| ((r * 7 + c * 3) % 11) as f64;
    let penalty = 30.0;
    for r in 0..m {
        for c in 0..m {
            b.add_linear(r * m + c, cost(r, c) - 2.0 * penalty);
        }
    }
    for line in 0..m {
        for a in 0..m {
            for z in a + 1..m {
                b.add_quadratic(line * m + a, line * m + z, 2.0 * penalty);
                b.add_quadratic(a * m + line, z * m + line, 2.0 * penalty);
            }
        }
    }
    b.add_offset(2.0 * m as f64 * penalty);
    let perm = Permutation {
        size: m,
        vars: (0..m * m).collect(),
    };
    let q = b
        .build()
        .unwrap()
        .with_constraints(Constraints {
            permutations: vec![perm.clone()],
            ..Default::default()
        })
        .unwrap();
    let h = Hybrid {
        decomposer: Decomposer::Structure,
        outer_restarts: 0,
        convergence: 4,
        ..exact_hybrid(9)
    };
    // Start from the identity permutation: windows of 3 columns re-order 3 rows at a time.
    let identity: Vec<u8> = (0..m * m).map(|v| u8::from(v / m == v % m)).collect();
    let ss = Hybrid {
        initial_states: Some(vec![identity.clone()]),
        ..h
    }
    .sample(&q, &RunControl::new().seed(1))
    .unwrap();
    let best = ss.first().unwrap();
    assert!(perm.decode(&best.sample).is_some(), "left the permutations");
    assert!(best.energy < q.energy(&identity));
    assert!(ss.info.counters["improvements"] > 0);
}

#[test]
fn bad_parameters_are_refused_by_name() {
    let q = random_qubo(10, 0.5, true, 1);
    let err = |h: Hybrid| {
        h.sample(&q, &RunControl::new().seed(1))
            .unwrap_err()
            .to_string()
    };
    assert!(
        err(Hybrid {
            sub_solvers: vec![],
            ..Default::default()
        })
        .contains("sub_solvers")
    );
    assert!(
        err(Hybrid {
            sub_size: 1,
            ..Default::default()
        })
        .contains("sub_size")
    );
    assert!(
        err(Hybrid {
            convergence: 0,
            ..Default::default()
        })
        .contains("convergence")
    );
    assert!(
        err(Hybrid {
            decomposer: Decomposer::Structure,
            ..Default::default()
        })
        .contains("decomposer")
    );
    // A sub-solver that cannot take the sub-problems says which it is.
    let small = Hybrid {
        sub_solvers: vec![Arc::new(Exact {
            max_num_vars: 4,
            ..Default::default()
        })],
        sub_size: 8,
        outer_restarts: 0,
        ..Default::default()
    };
    let e = err(small);
    assert!(e.contains("sub-solver exact"), "{e}");
}
