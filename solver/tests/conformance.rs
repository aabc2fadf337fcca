//! Both foundation solvers pass the conformance kit.

use quboflow::solvers::{Exact, SteepestDescent};
use quboflow::testing::{KitOptions, check_solver};

#[test]
fn exact_passes_the_kit() {
    let fast = Exact {
        num_states: 5,
        ..Default::default()
    };
    // 2^36 states: minutes of work unless the time limit or the cancel flag stops it.
    let heavy = Exact {
        num_states: 5,
        max_num_vars: 40,
    };
    let opts = KitOptions {
        expect_optimum: true,
        heavy_num_vars: 36,
        max_num_vars: 20,
        ..Default::default()
    };
    check_solver(&fast, &heavy, &opts);
}

#[test]
fn descent_passes_the_kit() {
    let fast = SteepestDescent {
        num_reads: Some(200),
        ..Default::default()
    };
    let heavy = SteepestDescent {
        num_reads: Some(1 << 40),
        ..Default::default()
    };
    // 200 descents on ≤ 12 variables find the optimum of these small models.
    check_solver(
        &fast,
        &heavy,
        &KitOptions {
            expect_optimum: true,
            ..Default::default()
        },
    );
}

#[test]
fn simulated_annealing_passes_the_kit() {
    use quboflow::solvers::SimulatedAnnealing;
    let fast = SimulatedAnnealing {
        num_reads: Some(20),
        num_sweeps: Some(200),
        ..Default::default()
    };
    let heavy = SimulatedAnnealing {
        num_reads: Some(1 << 40),
        num_sweeps: Some(1000),
        ..Default::default()
    };
    check_solver(
        &fast,
        &heavy,
        &KitOptions {
            expect_optimum: true,
            ..Default::default()
        },
    );
}

#[test]
fn parallel_tempering_passes_the_kit() {
    use quboflow::solvers::ParallelTempering;
    let fast = ParallelTempering {
        num_reads: 3,
        num_replicas: 8,
        num_sweeps: 300,
        ..Default::default()
    };
    let heavy = ParallelTempering {
        num_reads: 1 << 30,
        num_sweeps: 1 << 30,
        ..Default::default()
    };
    check_solver(
        &fast,
        &heavy,
        &KitOptions {
            expect_optimum: true,
            ..Default::default()
        },
    );
}

#[test]
fn tabu_passes_the_kit() {
    use quboflow::solvers::Tabu;
    use std::time::Duration;
    // A phase budget, not a timeout, bounds the fast runs: they must be reproducible.
    let fast = Tabu {
        num_reads: Some(3),
        num_restarts: 5,
        timeout: Some(Duration::from_secs(600)),
        ..Default::default()
    };
    let heavy = Tabu {
        timeout: Some(Duration::from_secs(600)),
        ..Default::default()
    };
    check_solver(
        &fast,
        &heavy,
        &KitOptions {
            expect_optimum: true,
            ..Default::default()
        },
    );
}

#[test]
fn hybrid_passes_the_kit() {
    use quboflow::solvers::{Exact, Hybrid};
    use std::sync::Arc;
    // Sub-problems of 12 with an exact sub-solver: models of ≤ 12 variables are solved
    // whole, so the optimum is expected.
    let fast = Hybrid {
        sub_solvers: vec![Arc::new(Exact::default())],
        sub_size: 12,
        num_reads: Some(2),
        convergence: 2,
        ..Default::default()
    };
    let heavy = Hybrid {
        num_reads: Some(1 << 40),
        convergence: usize::MAX,
        ..Default::default()
    };
    check_solver(
        &fast,
        &heavy,
        &KitOptions {
            expect_optimum: true,
            ..Default::default()
        },
    );
}
