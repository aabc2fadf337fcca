//! The QAOA solver end to end: conformance kit, optimisers, initial strategies, XY feasibility.

use quboflow::testing::{KitOptions, check_solver, random_qubo};
use quboflow::{Constraints, QuboBuilder, RunControl, Solver};
use std::sync::Arc;

use quboflow_qaoa::{
    Angles, Ansatz, Engine, InitStrategy, InitialState, MixerKind, OptimizerKind, Precision, Qaoa,
    Statevector,
};

/// The default engine of `q` in precision `F`.
fn engine<F: quboflow_qaoa::Real>(q: &quboflow::Qubo) -> Engine<F> {
    Engine::<F>::new(&Ansatz::new(q, &Default::default()).unwrap()).unwrap()
}

/// Max-Cut of a graph as a QUBO (energy = −cut).
fn maxcut(n: usize, edges: &[(usize, usize)]) -> quboflow::Qubo {
    let mut b = QuboBuilder::new(n);
    for &(i, j) in edges {
        b.add_quadratic(i, j, 2.0)
            .add_linear(i, -1.0)
            .add_linear(j, -1.0);
    }
    b.build().unwrap()
}

fn prism() -> quboflow::Qubo {
    // 3-regular, 6 vertices, max cut 7... (triangular prism: two triangles + 3 rungs).
    maxcut(
        6,
        &[
            (0, 1),
            (1, 2),
            (0, 2),
            (3, 4),
            (4, 5),
            (3, 5),
            (0, 3),
            (1, 4),
            (2, 5),
        ],
    )
}

#[test]
fn qaoa_passes_the_conformance_kit() {
    let fast = Qaoa {
        p: 2,
        num_reads: 50,
        max_evals: 30,
        ..Default::default()
    };
    // Runs for minutes unless stopped: 22 qubits, 8 layers, a huge evaluation budget.
    let heavy = Qaoa {
        p: 8,
        max_evals: 1_000_000,
        ..Default::default()
    };
    let opts = KitOptions {
        heavy_num_vars: 22,
        max_num_vars: 14,
        ..Default::default()
    };
    check_solver(&fast, &heavy, &opts);
}

#[test]
fn every_optimizer_improves_on_its_start() {
    let q = prism();
    for optimizer in [
        OptimizerKind::Lbfgs,
        OptimizerKind::NelderMead,
        OptimizerKind::Cobyla,
        OptimizerKind::Spsa,
    ] {
        let solver = Qaoa {
            p: 2,
            optimizer,
            init: InitStrategy::Ramp,
            max_evals: 150,
            ..Default::default()
        };
        let (set, report) = solver.run(&q, &RunControl::new().seed(4)).unwrap();
        let first = report.history[0];
        assert!(
            report.expectation < first - 0.05,
            "{optimizer:?}: {} from {first}",
            report.expectation
        );
        assert!(
            report.evaluations <= 150 + 1,
            "{optimizer:?} used {} evaluations",
            report.evaluations
        );
        assert_eq!(report.history.len(), report.evaluations);
        // Energies are recomputed from the bitstrings.
        for s in &set.samples {
            assert_eq!(s.energy, q.energy(&s.sample));
        }
        assert_eq!(set.info.extra["p"], 2);
    }
}

#[test]
fn lbfgs_reaches_the_p1_optimum_of_a_regular_graph() {
    // For 3-regular graphs the p=1 optimum is analytic per edge; the triangle-free optimum
    // is the fixed angle. Here: the prism has triangles, so just check L-BFGS ends at a
    // stationary point (small gradient) below the fixed-angle value.
    let q = prism();
    let fixed = Qaoa {
        p: 1,
        init: InitStrategy::Fixed,
        max_evals: 0,
        ..Default::default()
    };
    let (_, r0) = fixed.run(&q, &RunControl::new().seed(1)).unwrap();
    assert_eq!(r0.init, "fixed");
    assert!(r0.fixed_angle_ratio.unwrap() > 0.69);
    let opt = Qaoa {
        p: 1,
        init: InitStrategy::Fixed,
        ..Default::default()
    };
    let (_, r1) = opt.run(&q, &RunControl::new().seed(1)).unwrap();
    assert!(r1.expectation <= r0.expectation + 1e-12);
    let (_, g) = engine::<f64>(&q).gradient(&r1.angles).unwrap();
    assert!(
        g.iter().all(|x| x.abs() < 1e-4),
        "gradient at the optimum {g:?}"
    );
}

#[test]
fn interp_and_fourier_grow_the_depth() {
    let q = random_qubo(8, 0.5, true, 12);
    for init in [
        InitStrategy::Interp,
        InitStrategy::Fourier,
        InitStrategy::Random,
    ] {
        let solver = Qaoa {
            p: 3,
            init,
            max_evals: 60,
            ..Default::default()
        };
        let (_, report) = solver.run(&q, &RunControl::new().seed(2)).unwrap();
        assert_eq!(report.angles.depth(), 3);
        assert_eq!(report.init, init.name());
        let ramp = Qaoa {
            p: 3,
            init: InitStrategy::Ramp,
            max_evals: 0,
            ..Default::default()
        };
        let (_, r0) = ramp.run(&q, &RunControl::new().seed(2)).unwrap();
        assert!(
            report.expectation < r0.expectation,
            "{init:?}: {} vs ramp {}",
            report.expectation,
            r0.expectation
        );
    }
}

#[test]
fn given_angles_are_evaluated_not_optimised() {
    let q = prism();
    let angles = Angles {
        gamma: vec![-0.3],
        beta: vec![0.4],
    };
    let solver = Qaoa {
        p: 1,
        angles: Some(angles.clone()),
        ..Default::default()
    };
    let (_, report) = solver.run(&q, &RunControl::new().seed(1)).unwrap();
    assert_eq!(report.angles, angles);
    let e = engine::<f64>(&q).expectation(&angles).unwrap();
    assert_eq!(report.expectation, e);
    let wrong = Qaoa {
        p: 2,
        angles: Some(angles),
        ..Default::default()
    };
    assert!(wrong.sample(&q, &RunControl::new()).is_err());
}

#[test]
fn xy_mixer_samples_stay_feasible() {
    // A 3x3 assignment (TSP-like) with one-hot rows; random costs.
    let n = 9;
    let mut b = QuboBuilder::new(n);
    for i in 0..n {
        b.add_linear(i, ((i * 7) % 5) as f64 - 2.0);
        for j in i + 1..n {
            b.add_quadratic(i, j, ((i + 2 * j) % 3) as f64);
        }
    }
    let q = b.build().unwrap();
    let c = Constraints {
        one_hot: vec![vec![0, 1, 2], vec![3, 4, 5], vec![6, 7, 8]],
        ..Default::default()
    };
    // The groups travel with the model; the solver reads them from it.
    let q = q.with_constraints(c.clone()).unwrap();
    for (mixer, initial) in [
        (MixerKind::XyRing, InitialState::Auto),
        (MixerKind::XyComplete, InitialState::Basis),
    ] {
        let solver = Qaoa {
            p: 2,
            mixer,
            initial_state: initial,
            num_reads: 500,
            max_evals: 40,
            ..Default::default()
        };
        let set = solver.sample(&q, &RunControl::new().seed(9)).unwrap();
        for s in &set.samples {
            assert!(
                c.is_satisfied(&s.sample),
                "{mixer:?} sampled infeasible {:?}",
                s.sample
            );
        }
    }
}

/// ⟨C⟩ in complex64 within 1e-4 (relative) of complex128.
fn assert_complex64_follows(q: &quboflow::Qubo, a: &Angles) {
    let e64 = engine::<f64>(q).expectation(a).unwrap();
    let e32 = engine::<f32>(q).expectation(a).unwrap();
    assert!(
        (e64 - e32).abs() < 1e-4 * (1.0 + e64.abs()),
        "n={}: complex64 {e32} vs complex128 {e64}",
        q.num_vars()
    );
}

#[test]
fn complex64_agrees_with_complex128() {
    // From 15 qubits, the wide low pass (twice the amplitudes per row in complex64), alone
    // and with one and two qubits in a high pass above it.
    for (n, integer) in [(15, true), (16, false), (17, true)] {
        let a = Angles {
            gamma: vec![0.21, -0.37],
            beta: vec![0.45, 0.12],
        };
        assert_complex64_follows(&random_qubo(n, 0.12, integer, 60 + n as u64), &a);
    }
    let q = random_qubo(10, 0.5, false, 8);
    let a = Angles {
        gamma: vec![0.2, -0.4],
        beta: vec![0.3, 0.6],
    };
    assert_complex64_follows(&q, &a);
    let solver = Qaoa {
        p: 2,
        angles: Some(a),
        backend: Arc::new(Statevector {
            precision: Precision::Complex64,
            ..Default::default()
        }),
        ..Default::default()
    };
    let set = solver.sample(&q, &RunControl::new().seed(1)).unwrap();
    assert_eq!(set.info.extra["kernel"]["precision"], "complex64");
}

#[test]
fn too_many_qubits_is_a_clean_error() {
    let q = random_qubo(41, 0.05, true, 1);
    let err = Qaoa::default().sample(&q, &RunControl::new()).unwrap_err();
    assert!(err.to_string().contains("41"), "{err}");
    // 36 qubits of complex128 is 1 TiB: refused by the memory check, not an OOM kill.
    let q = random_qubo(36, 0.05, true, 1);
    let err = Qaoa::default().sample(&q, &RunControl::new()).unwrap_err();
    assert!(matches!(err, quboflow::Error::OutOfMemory { .. }), "{err}");
}

#[test]
fn a_stop_during_interp_keeps_the_depth_reached() {
    use std::sync::Arc;
    use std::sync::atomic::{AtomicBool, Ordering};
    let q = random_qubo(16, 0.3, true, 4);
    let over = Arc::new(AtomicBool::new(false));
    let o2 = Arc::clone(&over);
    let ctl = RunControl::new()
        .seed(1)
        .time_limit(std::time::Duration::from_millis(300))
        .progress(move |p| {
            if p.done > p.total {
                o2.store(true, Ordering::Relaxed);
            }
        });
    let solver = Qaoa {
        p: 12,
        init: InitStrategy::Interp,
        max_evals: 100_000,
        num_reads: 20,
        ..Default::default()
    };
    let (set, report) = solver.run(&q, &ctl).unwrap();
    assert_eq!(set.info.termination, quboflow::Termination::TimeLimit);
    assert!(report.angles.depth() >= 1 && report.angles.depth() <= 12);
    assert!(
        !over.load(Ordering::Relaxed),
        "progress went past its total"
    );
    for s in &set.samples {
        assert_eq!(s.energy, q.energy(&s.sample));
    }
}

#[test]
fn approximation_ratio_is_taken_over_the_reachable_states() {
    // X mixer on Max-Cut: the range is [−max cut, 0], so the ratio is ⟨cut⟩ / max cut.
    let q = prism();
    let (ground, _) = quboflow::testing::brute_force(&q);
    let set = Qaoa {
        p: 2,
        num_reads: 100,
        ..Default::default()
    }
    .sample(&q, &RunControl::new().seed(4))
    .unwrap();
    let x = &set.info.extra;
    let range: Vec<f64> = x["cost_range"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_f64().unwrap())
        .collect();
    assert_eq!(range, vec![ground, 0.0]);
    let e = x["expectation"].as_f64().unwrap();
    let ratio = x["approximation_ratio"].as_f64().unwrap();
    assert!(
        (ratio - e / ground).abs() < 1e-12,
        "{ratio} vs {}",
        e / ground
    );
    assert!(ratio > 0.5 && ratio < 1.0);

    // XY mixer on one-hot rows: only feasible states count, so the range is that of the
    // 27 feasible assignments, not the penalised rest.
    let mut b = QuboBuilder::new(6);
    for i in 0..6 {
        b.add_linear(i, i as f64);
    }
    b.add_quadratic(0, 3, 5.0);
    let q = b.build().unwrap();
    let c = Constraints {
        one_hot: vec![vec![0, 1, 2], vec![3, 4, 5]],
        ..Default::default()
    };
    let q = q.with_constraints(c.clone()).unwrap();
    let set = Qaoa {
        p: 1,
        mixer: MixerKind::XyComplete,
        num_reads: 50,
        ..Default::default()
    }
    .sample(&q, &RunControl::new().seed(4))
    .unwrap();
    let feasible: Vec<f64> = (0..64u32)
        .map(|m| (0..6).map(|k| (m >> k & 1) as u8).collect::<Vec<u8>>())
        .filter(|x| c.is_satisfied(x))
        .map(|x| q.energy(&x))
        .collect();
    let lo = feasible.iter().copied().fold(f64::INFINITY, f64::min);
    let hi = feasible.iter().copied().fold(f64::NEG_INFINITY, f64::max);
    let range = &set.info.extra["cost_range"];
    assert_eq!(range[0].as_f64(), Some(lo));
    assert_eq!(range[1].as_f64(), Some(hi));
}

#[test]
fn coefficients_near_the_f64_limit_end_the_optimisation_cleanly() {
    // Gradients near 1e300 overflow inside the optimisers, which then propose non-finite
    // angles: the optimisation ends with the best point so far instead of failing.
    let mut b = QuboBuilder::new(2);
    b.add_linear(0, 1e300)
        .add_linear(1, -1e300)
        .add_quadratic(0, 1, 1e300);
    let q = b.build().unwrap();
    for optimizer in ["lbfgs", "nelder-mead", "cobyla", "spsa"] {
        let solver = Qaoa {
            optimizer: optimizer.parse().unwrap(),
            max_evals: 50,
            ..Default::default()
        };
        let (ss, report) = solver.run(&q, &RunControl::new().seed(1)).unwrap();
        assert!(report.expectation.is_finite(), "{optimizer}");
        assert!(report.angles.gamma.iter().all(|g| g.is_finite()));
        let best = ss.first().unwrap();
        assert_eq!(best.energy, q.energy(&best.sample), "{optimizer}");
        assert_eq!(best.energy, -1e300, "{optimizer}");
    }
}

#[test]
fn an_empty_model_measures_the_empty_bitstring_and_an_initial_point_is_where_it_starts() {
    use quboflow::{QuboBuilder, RunControl, Solver};
    use quboflow_qaoa::{Angles, Qaoa};
    let mut b = QuboBuilder::new(0);
    b.add_offset(1.5);
    let empty = b.build().unwrap();
    let set = Qaoa::default()
        .sample(&empty, &RunControl::new().seed(1))
        .unwrap();
    assert_eq!(set.samples.len(), 1);
    assert_eq!(set.samples[0].energy, 1.5);
    assert_eq!(set.samples[0].num_occurrences, 1000);

    let mut b = QuboBuilder::new(2);
    b.add_linear(0, -1.0)
        .add_linear(1, -1.0)
        .add_quadratic(0, 1, 3.0);
    let q = b.build().unwrap();
    let start = Angles {
        gamma: vec![-0.3],
        beta: vec![0.2],
    };
    let qaoa = Qaoa {
        initial_point: Some(start.clone()),
        max_evals: 0,
        ..Default::default()
    };
    let set = qaoa.sample(&q, &RunControl::new().seed(1)).unwrap();
    // No optimisation: the final angles are the initial point.
    assert_eq!(set.info.extra["angles"]["gamma"][0].as_f64(), Some(-0.3));
    assert_eq!(set.info.extra["init"], "initial_point");
    let probs = set.info.extra["probabilities"].as_array().unwrap();
    assert_eq!(probs.len(), set.samples.len());
    let wrong = Qaoa {
        p: 2,
        initial_point: Some(start),
        ..Default::default()
    };
    assert!(wrong.sample(&q, &RunControl::new()).is_err());
}

#[test]
fn an_abort_stops_the_engine_mid_call_and_the_run_with_cancelled() {
    use std::sync::Arc;
    use std::sync::atomic::{AtomicBool, Ordering};

    use quboflow::testing::random_qubo;
    use quboflow::{RunControl, Solver};
    use quboflow_qaoa::{Angles, Ansatz, Engine, Qaoa};

    let q = random_qubo(12, 0.5, true, 5);
    let ansatz = Ansatz::new(&q, &Default::default()).unwrap();
    let mut engine = Engine::<f64>::new(&ansatz).unwrap();
    let flag = Arc::new(AtomicBool::new(false));
    engine.watch(Arc::clone(&flag));
    let angles = Angles {
        gamma: vec![-0.1; 3],
        beta: vec![0.3; 3],
    };
    let before = engine.expectation(&angles).unwrap();
    flag.store(true, Ordering::SeqCst);
    let cancelled = |r: Result<(), quboflow_qaoa::Error>| {
        matches!(
            r,
            Err(quboflow_qaoa::Error::Core(quboflow::Error::Cancelled))
        )
    };
    assert!(cancelled(engine.expectation(&angles).map(drop)));
    assert!(cancelled(engine.gradient(&angles).map(drop)));
    assert!(cancelled(engine.state(&angles).map(drop)));
    flag.store(false, Ordering::SeqCst);
    assert_eq!(engine.expectation(&angles).unwrap(), before);

    // Through the solver: an abort during the optimisation ends the run with Cancelled (no
    // best-so-far result: the caller has said it does not want one).
    let big = random_qubo(18, 0.5, true, 6);
    // Ten thousand random starts: minutes of work, whatever the optimiser converges to.
    let qaoa = Qaoa {
        p: 8,
        init: quboflow_qaoa::InitStrategy::Random,
        num_starts: 10_000,
        ..Default::default()
    };
    let ctl = RunControl::new().seed(1);
    let abort = ctl.abort_handle();
    let setter = std::thread::spawn(move || {
        std::thread::sleep(std::time::Duration::from_millis(50));
        abort.store(true, Ordering::SeqCst);
    });
    let r = qaoa.sample(&big, &ctl);
    setter.join().unwrap();
    assert!(
        matches!(r, Err(quboflow::Error::Cancelled)),
        "{:?}",
        r.map(|s| s.info.termination)
    );
}
