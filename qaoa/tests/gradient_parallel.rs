//! Adjoint gradient against central finite differences; parallel driver against serial.

mod common;

use common::{Setup, engine};

use quboflow::testing::random_qubo;
use quboflow::{Constraints, Qubo};
use quboflow_qaoa::{Angles, MixerKind, Parallelism};

fn check_gradient(q: &Qubo, opts: &Setup, angles: &Angles, tol: f64) {
    let engine = engine::<f64>(q, opts).unwrap();
    let (e, grad) = engine.gradient(angles).unwrap();
    let e0 = engine.expectation(angles).unwrap();
    assert!(
        (e - e0).abs() < 1e-10 * (1.0 + e0.abs()),
        "energy {e} vs {e0}"
    );
    let flat = angles.to_flat();
    let h = 1e-5;
    for k in 0..flat.len() {
        let mut up = flat.clone();
        let mut down = flat.clone();
        up[k] += h;
        down[k] -= h;
        let fu = engine
            .expectation(&Angles::from_flat(&up).unwrap())
            .unwrap();
        let fd = engine
            .expectation(&Angles::from_flat(&down).unwrap())
            .unwrap();
        let fdiff = (fu - fd) / (2.0 * h);
        assert!(
            (grad[k] - fdiff).abs() < tol * (1.0 + fdiff.abs()),
            "component {k}: adjoint {} vs finite difference {fdiff}",
            grad[k]
        );
    }
}

fn angles3() -> Angles {
    Angles {
        gamma: vec![0.31, -0.52, 0.17],
        beta: vec![0.74, 0.41, -0.23],
    }
}

#[test]
fn adjoint_gradient_matches_finite_differences_x_mixer() {
    for (n, integer) in [
        (1, true),
        (2, false),
        (3, true),
        (8, false),
        (15, true),
        (17, false),
    ] {
        let q = random_qubo(n, 0.4, integer, 900 + n as u64);
        // Both gradient forms: checkpoints (the default) and two states.
        for low_memory_gradient in [false, true] {
            let opts = Setup {
                low_memory_gradient,
                ..Default::default()
            };
            check_gradient(&q, &opts, &angles3(), 1e-6);
        }
    }
}

#[test]
fn checkpointed_and_two_state_gradients_agree() {
    // 19 qubits: a low pass and one high pass of 5 qubits; p = 4; both phase paths, both
    // drivers. The two methods take different routes, so they agree to rounding only.
    let angles = Angles {
        gamma: vec![0.31, -0.52, 0.17, 0.44],
        beta: vec![0.74, 0.41, -0.23, 0.05],
    };
    for (integer, parallelism) in [(true, Parallelism::Serial), (false, Parallelism::Parallel)] {
        let q = random_qubo(19, 0.2, integer, 77);
        let run = |low_memory_gradient| {
            let opts = Setup {
                low_memory_gradient,
                parallelism,
                ..Default::default()
            };
            engine::<f64>(&q, &opts).unwrap().gradient(&angles).unwrap()
        };
        let (e_ck, g_ck) = run(false);
        let (e_two, g_two) = run(true);
        assert!((e_ck - e_two).abs() < 1e-10 * (1.0 + e_two.abs()));
        let scale = g_two.iter().fold(1.0f64, |m, g| m.max(g.abs()));
        for (k, (a, b)) in g_ck.iter().zip(&g_two).enumerate() {
            assert!((a - b).abs() < 1e-9 * scale, "component {k}: {a} vs {b}");
        }
    }
}

#[test]
fn complex64_gradient_follows_complex128() {
    let q = random_qubo(12, 0.4, false, 12);
    let (e64, g64) = engine::<f64>(&q, &Setup::default())
        .unwrap()
        .gradient(&angles3())
        .unwrap();
    for low_memory_gradient in [false, true] {
        let opts = Setup {
            low_memory_gradient,
            ..Default::default()
        };
        let (e32, g32) = engine::<f32>(&q, &opts)
            .unwrap()
            .gradient(&angles3())
            .unwrap();
        let scale = 1.0 + e64.abs() + g64.iter().fold(0.0f64, |m, g| m.max(g.abs()));
        assert!((e32 - e64).abs() < 1e-4 * scale, "{e32} vs {e64}");
        for (a, b) in g32.iter().zip(&g64) {
            assert!((a - b).abs() < 1e-4 * scale, "{a} vs {b}");
        }
    }
}

#[test]
fn adjoint_gradient_matches_finite_differences_xy_mixers() {
    let q = random_qubo(10, 0.5, true, 31);
    let c = Constraints {
        one_hot: vec![vec![0, 1, 2, 3], vec![4, 5, 6]],
        ..Default::default()
    };
    for mixer in [MixerKind::XyRing, MixerKind::XyComplete] {
        let opts = Setup {
            mixer,
            constraints: Some(c.clone()),
            trotter_steps: 2,
            ..Default::default()
        };
        check_gradient(&q, &opts, &angles3(), 1e-6);
    }
}

#[test]
fn parallel_equals_serial_above_the_threshold() {
    // 19 qubits: 32 low blocks and one high pass of 5 qubits; both phase paths.
    for integer in [true, false] {
        let q = random_qubo(19, 0.2, integer, 5);
        let run = |par| {
            let opts = Setup {
                parallelism: par,
                ..Default::default()
            };
            let engine = engine::<f64>(&q, &opts).unwrap();
            let state = engine.state(&angles3()).unwrap();
            let e = engine.expectation_of(&state);
            let (eg, grad) = engine.gradient(&angles3()).unwrap();
            (engine.is_parallel(), state, e, eg, grad)
        };
        let (ps, s_par, e_par, eg_par, g_par) = run(Parallelism::Parallel);
        let (ss, s_ser, e_ser, eg_ser, g_ser) = run(Parallelism::Serial);
        assert!(ps && !ss);
        assert_eq!(
            s_par, s_ser,
            "states must be identical, amplitude for amplitude"
        );
        assert_eq!(e_par, e_ser, "block sums are added in the same order");
        // The gradient sums ⟨C⟩ inside a gathered sweep, whose pieces differ with the pool.
        assert!((eg_par - eg_ser).abs() < 1e-12 * (1.0 + eg_ser.abs()));
        assert!((eg_ser - e_ser).abs() < 1e-10 * (1.0 + e_ser.abs()));
        for (a, b) in g_par.iter().zip(&g_ser) {
            assert!((a - b).abs() < 1e-9 * (1.0 + b.abs()), "{a} vs {b}");
        }
    }
}

#[test]
fn bad_angles_are_refused() {
    let q = random_qubo(3, 0.5, true, 1);
    let engine = engine::<f64>(&q, &Setup::default()).unwrap();
    assert!(Angles::from_flat(&[0.1, 0.2, 0.3]).is_err());
    let nan = Angles {
        gamma: vec![f64::NAN],
        beta: vec![0.1],
    };
    assert!(
        engine
            .expectation(&nan)
            .unwrap_err()
            .to_string()
            .contains("not a finite angle")
    );
    let uneven = Angles {
        gamma: vec![0.1, 0.2],
        beta: vec![0.1],
    };
    assert!(engine.gradient(&uneven).is_err());
}

#[test]
fn sampling_follows_the_probabilities() {
    let q = random_qubo(6, 0.5, true, 3);
    let engine = engine::<f64>(&q, &Setup::default()).unwrap();
    let state = engine.state(&angles3()).unwrap();
    let shots = 200_000;
    let draws = state.sample(shots, 42);
    assert_eq!(draws, state.sample(shots, 42));
    let mut counts = vec![0usize; 64];
    for x in draws {
        counts[x] += 1;
    }
    for (x, &c) in counts.iter().enumerate() {
        let p = state.probability(x);
        let sd = (p * (1.0 - p) / shots as f64).sqrt();
        assert!(
            (c as f64 / shots as f64 - p).abs() < 5.0 * sd + 1e-9,
            "x={x}: {c} draws for p={p}"
        );
    }
}

#[test]
fn energy_fused_into_the_last_sweep_equals_a_separate_pass() {
    // Table path (u8 and u16 indices), low-only (n ≤ 14) and with high passes, both drivers;
    // the factored path falls back to the separate pass.
    for (n, integer, density) in [
        (9, true, 0.5),
        (14, true, 0.3),
        (19, true, 0.2),
        (20, true, 0.9),
        (17, false, 0.2),
    ] {
        let q = random_qubo(n, density, integer, 70 + n as u64);
        for par in [Parallelism::Serial, Parallelism::Parallel] {
            let opts = Setup {
                parallelism: par,
                ..Default::default()
            };
            let engine = engine::<f64>(&q, &opts).unwrap();
            let fused = engine.expectation(&angles3()).unwrap();
            let state = engine.state(&angles3()).unwrap();
            let separate = engine.expectation_of(&state);
            assert!(
                (fused - separate).abs() < 1e-10 * (1.0 + separate.abs()),
                "n={n} {par:?}: fused {fused} vs separate {separate}"
            );
        }
    }
}
