//! The exported OpenQASM, parsed back and run gate by gate on a plain simulator, gives the
//! fast engine's state (up to a global phase).

mod common;

use common::{Setup, ansatz, engine};

use quboflow::testing::random_qubo;
use quboflow::{Constraints, Qubo};
use quboflow_qaoa::{Angles, Circuit, InitialState, MixerKind, Parallelism, TwoQubitStyle};

type C = (f64, f64);

fn mul(a: C, b: C) -> C {
    (a.0 * b.0 - a.1 * b.1, a.0 * b.1 + a.1 * b.0)
}

/// Applies the 2x2 matrix `m` (row-major) to qubit `q`.
fn one(psi: &mut [C], q: usize, m: [C; 4]) {
    for x in 0..psi.len() {
        if x >> q & 1 == 0 {
            let y = x | 1 << q;
            let (a, b) = (psi[x], psi[y]);
            let r0 = mul(m[0], a);
            let r1 = mul(m[1], b);
            let r2 = mul(m[2], a);
            let r3 = mul(m[3], b);
            psi[x] = (r0.0 + r1.0, r0.1 + r1.1);
            psi[y] = (r2.0 + r3.0, r2.1 + r3.1);
        }
    }
}

/// Runs OpenQASM 2 text with h, x, rx, ry, rz, cx gates (one statement per line).
fn simulate(qasm: &str, n: usize) -> Vec<C> {
    let mut psi = vec![(0.0, 0.0); 1 << n];
    psi[0] = (1.0, 0.0);
    let s2 = std::f64::consts::FRAC_1_SQRT_2;
    for line in qasm.lines() {
        let line = line.trim();
        if line.is_empty()
            || line.starts_with("//")
            || line.starts_with("OPENQASM")
            || line.starts_with("include")
            || line.starts_with("qreg")
            || line.starts_with("creg")
            || line.starts_with("measure")
        {
            continue;
        }
        let (head, args) = line.trim_end_matches(';').split_once(' ').unwrap();
        let qubits: Vec<usize> = args
            .split(',')
            .map(|a| {
                a.trim()
                    .trim_start_matches("q[")
                    .trim_end_matches(']')
                    .parse()
                    .unwrap()
            })
            .collect();
        let (name, theta) = match head.split_once('(') {
            Some((n, t)) => (n, t.trim_end_matches(')').parse::<f64>().unwrap()),
            None => (head, 0.0),
        };
        let (c, s) = ((theta / 2.0).cos(), (theta / 2.0).sin());
        match name {
            "h" => one(
                &mut psi,
                qubits[0],
                [(s2, 0.0), (s2, 0.0), (s2, 0.0), (-s2, 0.0)],
            ),
            "x" => one(
                &mut psi,
                qubits[0],
                [(0.0, 0.0), (1.0, 0.0), (1.0, 0.0), (0.0, 0.0)],
            ),
            "rx" => one(
                &mut psi,
                qubits[0],
                [(c, 0.0), (0.0, -s), (0.0, -s), (c, 0.0)],
            ),
            "ry" => one(
                &mut psi,
                qubits[0],
                [(c, 0.0), (-s, 0.0), (s, 0.0), (c, 0.0)],
            ),
            "rz" => one(
                &mut psi,
                qubits[0],
                [(c, -s), (0.0, 0.0), (0.0, 0.0), (c, s)],
            ),
            "cx" => {
                let (ctl, tgt) = (qubits[0], qubits[1]);
                for x in 0..psi.len() {
                    if x >> ctl & 1 == 1 && x >> tgt & 1 == 0 {
                        psi.swap(x, x | 1 << tgt);
                    }
                }
            }
            other => panic!("unexpected gate {other} in {line}"),
        }
    }
    psi
}

fn overlap(q: &Qubo, opts: &Setup, angles: &Angles) -> (f64, String) {
    let engine = engine::<f64>(q, opts).unwrap();
    let state = engine.state(angles).unwrap();
    let circuit = Circuit::qaoa(&ansatz(q, opts).unwrap(), angles);
    let qasm = circuit.to_qasm2(TwoQubitStyle::Expanded).unwrap();
    let psi = simulate(&qasm, q.num_vars());
    let mut dot = (0.0, 0.0);
    for (x, a) in psi.iter().enumerate() {
        let (r, i) = state.amplitude(x);
        // conj(engine) · gate
        let t = mul((r, -i), *a);
        dot = (dot.0 + t.0, dot.1 + t.1);
    }
    (dot.0.hypot(dot.1), qasm)
}

#[test]
fn exported_x_mixer_circuit_matches_the_engine() {
    for (n, integer) in [(3, true), (6, false), (8, true)] {
        let q = random_qubo(n, 0.6, integer, 40 + n as u64);
        let a = Angles {
            gamma: vec![0.21, -0.37],
            beta: vec![0.45, 0.12],
        };
        let (ov, _) = overlap(&q, &Setup::default(), &a);
        assert!((ov - 1.0).abs() < 1e-10, "n={n}: |<engine|circuit>| = {ov}");
    }
}

#[test]
fn wide_low_pass_matches_the_exported_circuit() {
    // From 15 qubits a layer's low pass covers one qubit more than the cost blocks (and the
    // gradient) do; 16 and 17 qubits put one and two qubits in a high pass above it.
    for (n, integer) in [(15, true), (16, false), (17, true)] {
        let q = random_qubo(n, 0.12, integer, 60 + n as u64);
        let a = Angles {
            gamma: vec![0.21, -0.37],
            beta: vec![0.45, 0.12],
        };
        for parallelism in [Parallelism::Serial, Parallelism::Parallel] {
            let opts = Setup {
                parallelism,
                ..Default::default()
            };
            let (ov, _) = overlap(&q, &opts, &a);
            assert!((ov - 1.0).abs() < 1e-10, "n={n}: |<engine|circuit>| = {ov}");
        }
    }
    // XY mixers with one-hot groups on both sides of the low pass's edge (qubit 14 | 15);
    // complex64 on this path: `solver::complex64_agrees_with_complex128`.
    let q = random_qubo(17, 0.12, false, 99);
    assert_xy_circuits_match(&q, vec![vec![0, 1, 2], vec![13, 14, 15, 16]], None);
}

/// Both XY mixers on the one-hot groups `one_hot` (basis initial state, γ = 0.3, β = 0.8)
/// against their exported circuits.
fn assert_xy_circuits_match(q: &Qubo, one_hot: Vec<Vec<usize>>, trotter_steps: Option<usize>) {
    let c = Constraints {
        one_hot,
        ..Default::default()
    };
    for mixer in [MixerKind::XyRing, MixerKind::XyComplete] {
        let mut opts = Setup {
            mixer,
            constraints: Some(c.clone()),
            initial_state: InitialState::Basis,
            ..Default::default()
        };
        if let Some(steps) = trotter_steps {
            opts.trotter_steps = steps;
        }
        let a = Angles {
            gamma: vec![0.3],
            beta: vec![0.8],
        };
        let (ov, _) = overlap(q, &opts, &a);
        assert!(
            (ov - 1.0).abs() < 1e-10,
            "{mixer:?}: |<engine|circuit>| = {ov}"
        );
    }
}

#[test]
fn exported_xy_circuit_matches_the_engine() {
    let q = random_qubo(7, 0.6, false, 3);
    assert_xy_circuits_match(&q, vec![vec![0, 1, 2], vec![3, 4, 5]], Some(2));
}

#[test]
fn qasm_texts_are_well_formed() {
    let q = random_qubo(4, 1.0, true, 5);
    let a = Angles {
        gamma: vec![0.1],
        beta: vec![0.2],
    };
    let c = Circuit::qaoa(&ansatz(&q, &Setup::default()).unwrap(), &a);
    let q2 = c.to_qasm2(TwoQubitStyle::Declared).unwrap();
    assert!(q2.starts_with("OPENQASM 2.0;\ninclude \"qelib1.inc\";"));
    assert!(q2.contains("gate qf_rzz(theta) a,b { cx a,b; rz(theta) b; cx a,b; }"));
    assert_eq!(q2.matches("qf_rzz(").count(), 1 + c.two_qubit_gates());
    assert!(q2.trim_end().ends_with("measure q -> c;"));
    let q3 = c.to_qasm3(TwoQubitStyle::Declared).unwrap();
    assert!(q3.starts_with("OPENQASM 3.0;\ninclude \"stdgates.inc\";"));
    assert!(q3.contains("qubit[4] q;") && q3.trim_end().ends_with("c = measure q;"));
    // 6 couplings (dense n=4) → 6 RZZ = 12 CX; depth counts the expanded circuit.
    assert_eq!(c.two_qubit_gates(), 6);
    assert_eq!(c.cx_count(), 12);
    assert!(c.depth() > 3 * 3);
    // Dicke starts cannot be exported.
    let cons = Constraints {
        one_hot: vec![vec![0, 1]],
        ..Default::default()
    };
    let opts = Setup {
        mixer: MixerKind::XyRing,
        constraints: Some(cons),
        ..Default::default()
    };
    let xy = ansatz(&q, &opts).unwrap();
    assert!(
        Circuit::qaoa(&xy, &a)
            .to_qasm2(TwoQubitStyle::Declared)
            .is_err()
    );
    // The basis start is X gates: that exports.
    assert!(
        Circuit::qaoa(&xy.with_basis_start(), &a)
            .to_qasm2(TwoQubitStyle::Declared)
            .is_ok()
    );
}

#[test]
fn a_200_qubit_ansatz_exports_without_a_statevector() {
    // Far beyond any statevector: the circuit comes from the ansatz alone.
    let q = random_qubo(200, 0.05, true, 8);
    let a = Angles {
        gamma: vec![0.1, 0.2],
        beta: vec![0.3, 0.4],
    };
    let ansatz = ansatz(&q, &Setup::default()).unwrap();
    let c = Circuit::qaoa(&ansatz, &a);
    let text = c.to_qasm3(TwoQubitStyle::Declared).unwrap();
    assert!(text.contains("qubit[200] q;"));
    // Two layers: one RZZ per coupling and one RX per qubit each.
    assert_eq!(c.two_qubit_gates(), 2 * q.num_interactions());
    assert_eq!(text.matches("rx(").count(), 2 * 200);
    // The engine refuses it cleanly.
    assert!(engine::<f64>(&q, &Setup::default()).is_err());
}
