//! Monte-Carlo trajectories under a noise model against an exact density-matrix simulation
//! (written here independently, from gate matrices and Kraus sums), for n ≤ 8.

use quboflow::testing::random_qubo;
use quboflow_qaoa::{
    Angles, Ansatz, Backend, Circuit, CostModel, Gate, NoiseModel, NoisySimulator, total_variation,
};

type C = [f64; 2];

fn mul(a: C, b: C) -> C {
    [a[0] * b[0] - a[1] * b[1], a[0] * b[1] + a[1] * b[0]]
}
fn conj(a: C) -> C {
    [a[0], -a[1]]
}

/// ρ as a 2n-qubit vector: index r + (c << n).
struct Density {
    n: usize,
    rho: Vec<C>,
}

impl Density {
    fn zero(n: usize) -> Self {
        let mut rho = vec![[0.0; 2]; 1 << (2 * n)];
        rho[0] = [1.0, 0.0];
        Density { n, rho }
    }

    /// Applies a k-qubit matrix on `qubits` of the 2n-qubit vector.
    fn apply_on(&mut self, qubits: &[usize], m: &[Vec<C>]) {
        let k = qubits.len();
        let dim = 1 << k;
        let mask: usize = qubits.iter().map(|q| 1 << q).sum();
        let mut out = self.rho.clone();
        for base in 0..self.rho.len() {
            if base & mask != 0 {
                continue;
            }
            let idx = |j: usize| -> usize {
                let mut x = base;
                for (t, q) in qubits.iter().enumerate() {
                    if j >> t & 1 == 1 {
                        x |= 1 << q;
                    }
                }
                x
            };
            for (i, row) in m.iter().enumerate().take(dim) {
                let mut acc = [0.0; 2];
                for (j, &mij) in row.iter().enumerate().take(dim) {
                    let v = mul(mij, self.rho[idx(j)]);
                    acc = [acc[0] + v[0], acc[1] + v[1]];
                }
                out[idx(i)] = acc;
            }
        }
        self.rho = out;
    }

    /// ρ → UρU† for U on `qubits`.
    fn unitary(&mut self, qubits: &[usize], u: &[Vec<C>]) {
        self.apply_on(qubits, u);
        let cols: Vec<usize> = qubits.iter().map(|q| q + self.n).collect();
        let uc: Vec<Vec<C>> = u
            .iter()
            .map(|r| r.iter().map(|&v| conj(v)).collect())
            .collect();
        self.apply_on(&cols, &uc);
    }

    /// ρ → (1 − p)ρ + p/(4ᵏ − 1) Σ_{P ≠ I} PρP† over k = |qubits| qubits.
    fn pauli_channel(&mut self, qubits: &[usize], p: f64) {
        if p == 0.0 {
            return;
        }
        let k = qubits.len();
        let paulis = [pauli(0), pauli(1), pauli(2), pauli(3)];
        let mut acc: Vec<C> = self
            .rho
            .iter()
            .map(|v| [v[0] * (1.0 - p), v[1] * (1.0 - p)])
            .collect();
        let count = (1usize << (2 * k)) - 1;
        for code in 1..=count {
            let mut m = paulis[code % 4].clone();
            if k == 2 {
                m = kron(&paulis[code % 4], &paulis[code / 4]);
            }
            let saved = self.rho.clone();
            self.unitary(qubits, &m);
            for (a, v) in acc.iter_mut().zip(&self.rho) {
                a[0] += p / count as f64 * v[0];
                a[1] += p / count as f64 * v[1];
            }
            self.rho = saved;
        }
        self.rho = acc;
    }

    fn diagonal(&self) -> Vec<f64> {
        (0..1 << self.n)
            .map(|x| self.rho[x + (x << self.n)][0])
            .collect()
    }
}

fn pauli(k: usize) -> Vec<Vec<C>> {
    let (z, o, i) = ([0.0, 0.0], [1.0, 0.0], [0.0, 1.0]);
    match k {
        0 => vec![vec![o, z], vec![z, o]],
        1 => vec![vec![z, o], vec![o, z]],
        2 => vec![vec![z, [0.0, -1.0]], vec![i, z]],
        _ => vec![vec![o, z], vec![z, [-1.0, 0.0]]],
    }
}

/// A ⊗ B with index bit 0 from A's qubit, bit 1 from B's.
fn kron(a: &[Vec<C>], b: &[Vec<C>]) -> Vec<Vec<C>> {
    let mut m = vec![vec![[0.0; 2]; 4]; 4];
    for (i, row) in m.iter_mut().enumerate() {
        for (j, v) in row.iter_mut().enumerate() {
            *v = mul(a[i & 1][j & 1], b[i >> 1][j >> 1]);
        }
    }
    m
}

fn matrix(g: Gate) -> (Vec<usize>, Vec<Vec<C>>) {
    let cs = |t: f64| ((t / 2.0).cos(), (t / 2.0).sin());
    let z = [0.0, 0.0];
    match g {
        Gate::H(q) => {
            let r = std::f64::consts::FRAC_1_SQRT_2;
            (
                vec![q],
                vec![vec![[r, 0.0], [r, 0.0]], vec![[r, 0.0], [-r, 0.0]]],
            )
        }
        Gate::X(q) => (vec![q], pauli(1)),
        Gate::Rx(q, t) => {
            let (c, s) = cs(t);
            (
                vec![q],
                vec![vec![[c, 0.0], [0.0, -s]], vec![[0.0, -s], [c, 0.0]]],
            )
        }
        Gate::Ry(q, t) => {
            let (c, s) = cs(t);
            (
                vec![q],
                vec![vec![[c, 0.0], [-s, 0.0]], vec![[s, 0.0], [c, 0.0]]],
            )
        }
        Gate::Rz(q, t) => {
            let (c, s) = cs(t);
            (vec![q], vec![vec![[c, -s], z], vec![z, [c, s]]])
        }
        Gate::Cx(a, b) => {
            let mut m = vec![vec![z; 4]; 4];
            for (i, j) in [(0, 0), (2, 2), (1, 3), (3, 1)] {
                m[i][j] = [1.0, 0.0];
            }
            (vec![a, b], m)
        }
        Gate::Rzz(a, b, t) | Gate::Rxx(a, b, t) | Gate::Ryy(a, b, t) => {
            let (c, s) = cs(t);
            let p = match g {
                Gate::Rzz(..) => kron(&pauli(3), &pauli(3)),
                Gate::Rxx(..) => kron(&pauli(1), &pauli(1)),
                _ => kron(&pauli(2), &pauli(2)),
            };
            let mut m = vec![vec![z; 4]; 4];
            for i in 0..4 {
                for j in 0..4 {
                    let id = if i == j { c } else { 0.0 };
                    // c·I − i·s·P
                    let v = mul([0.0, -s], p[i][j]);
                    m[i][j] = [id + v[0], v[1]];
                }
            }
            (vec![a, b], m)
        }
    }
}

/// The exact noisy distribution (readout included) of `gates` under `m`.
fn exact(n: usize, gates: &[Gate], m: &NoiseModel) -> Vec<f64> {
    let mut d = Density::zero(n);
    for &g in gates {
        let (qs, u) = matrix(g);
        d.unitary(&qs, &u);
        let p = if qs.len() == 1 {
            m.pauli_probability_1q()
        } else {
            m.pauli_probability_2q()
        };
        d.pauli_channel(&qs, p);
        for &q in &qs {
            // Dephasing: Z with probability d (a Pauli channel of Z alone).
            let saved = d.rho.clone();
            d.unitary(&[q], &pauli(3));
            for (a, v) in d.rho.iter_mut().zip(&saved) {
                *a = [
                    (1.0 - m.dephasing) * v[0] + m.dephasing * a[0],
                    (1.0 - m.dephasing) * v[1] + m.dephasing * a[1],
                ];
            }
        }
    }
    let mut p = d.diagonal();
    let (p01, p10) = m.readout();
    for q in 0..n {
        let mut out = p.clone();
        for (x, o) in out.iter_mut().enumerate() {
            let y = x ^ (1 << q);
            *o = if x >> q & 1 == 0 {
                p[x] * (1.0 - p01) + p[y] * p10
            } else {
                p[x] * (1.0 - p10) + p[y] * p01
            };
        }
        p = out;
    }
    p
}

#[test]
fn trajectories_agree_with_the_density_matrix() {
    let model = NoiseModel {
        name: "heavy".into(),
        date: None,
        depolarizing_1q: 0.03,
        depolarizing_2q: 0.08,
        readout_error: 0.0,
        readout_p01: Some(0.02),
        readout_p10: Some(0.05),
        dephasing: 0.01,
    };
    for (n, seed) in [(3usize, 1u64), (5, 2), (7, 3)] {
        let q = random_qubo(n, 0.7, false, seed);
        let ansatz = Ansatz::new(&q, &Default::default()).unwrap();
        let angles = Angles {
            gamma: vec![0.37, -0.61],
            beta: vec![0.52, 0.23],
        };
        let gates = Circuit::qaoa(&ansatz, &angles).gates;
        let dm = exact(n, &gates, &model);
        let costs = CostModel::new(&q, false).diagonal();
        let dm_mean: f64 = dm.iter().zip(&costs).map(|(p, c)| p * c).sum();
        let mut sim = NoisySimulator::new(model.clone());
        sim.trajectories = 3000;
        sim.seed = seed;
        let d = sim
            .prepare(&ansatz)
            .unwrap()
            .distributions(std::slice::from_ref(&angles), 0, 9)
            .unwrap()
            .remove(0);
        assert!(d.std_error > 0.0);
        assert!(
            (d.expectation - dm_mean).abs() <= 3.0 * d.std_error,
            "n = {n}: trajectories {} ± {}, density matrix {dm_mean}",
            d.expectation,
            d.std_error
        );
        let tvd = total_variation(&d.probabilities, &dm);
        assert!(tvd < 0.03, "n = {n}: TVD {tvd}");
        // Noise matters here: the ideal value is well outside the error bars.
        let ideal: f64 = quboflow_qaoa::Engine::<f64>::new(&ansatz)
            .unwrap()
            .expectation(&angles)
            .unwrap();
        assert!(
            (ideal - dm_mean).abs() > 5.0 * d.std_error,
            "n = {n}: the noise is too weak to test"
        );
    }
}

/// Strong (not scrambling) noise on a small circuit with many trajectories: the test is sharp enough to see a
/// wrong split of the two-qubit Paulis or a wrong readout direction.
#[test]
fn heavy_noise_matches_tightly() {
    let model = NoiseModel {
        name: "very heavy".into(),
        date: None,
        depolarizing_1q: 0.15,
        depolarizing_2q: 0.3,
        readout_error: 0.0,
        readout_p01: Some(0.0),
        readout_p10: Some(0.2),
        dephasing: 0.0,
    };
    let q = random_qubo(3, 1.0, false, 4);
    let ansatz = Ansatz::new(&q, &Default::default()).unwrap();
    let angles = Angles {
        gamma: vec![0.8],
        beta: vec![0.3],
    };
    let circuit = Circuit::qaoa(&ansatz, &angles);
    // Only two-qubit noise on the couplings, then only one-qubit noise: each checked alone.
    for (m, name) in [
        (
            NoiseModel {
                depolarizing_1q: 0.0,
                ..model.clone()
            },
            "2q",
        ),
        (
            NoiseModel {
                depolarizing_2q: 0.0,
                readout_p10: Some(0.0),
                ..model.clone()
            },
            "1q",
        ),
        (
            NoiseModel {
                depolarizing_1q: 0.0,
                depolarizing_2q: 0.0,
                ..model.clone()
            },
            "readout",
        ),
    ] {
        let dm = exact(3, &circuit.gates, &m);
        let mut sim = NoisySimulator::new(m);
        sim.trajectories = 40_000;
        let d = sim
            .prepare(&ansatz)
            .unwrap()
            .distributions(std::slice::from_ref(&angles), 0, 1)
            .unwrap()
            .remove(0);
        let tvd = total_variation(&d.probabilities, &dm);
        assert!(tvd < 0.0025, "{name}: TVD {tvd}");
    }
}

/// The first-order predictor's mixed-state value is the mean cost over all basis states, and
/// the prediction moves the ideal value towards it by the circuit's infidelity.
#[test]
fn the_first_order_prediction_mixes_towards_the_mean_cost() {
    let q = random_qubo(6, 0.7, false, 8);
    let ansatz = Ansatz::new(&q, &Default::default()).unwrap();
    let costs = CostModel::new(&q, false).diagonal();
    let mean = costs.iter().sum::<f64>() / costs.len() as f64;
    assert!((ansatz.constant() - mean).abs() < 1e-9);
    let angles = Angles {
        gamma: vec![0.3],
        beta: vec![0.2],
    };
    let m = NoiseModel::named("harmony").unwrap();
    let f = m.circuit_fidelity(&Circuit::qaoa(&ansatz, &angles));
    assert!(f > 0.0 && f < 1.0);
    let ideal = mean - 3.0;
    let p = m.predicted_expectation(&ansatz, &angles, ideal);
    assert!((p - (f * ideal + (1.0 - f) * mean)).abs() < 1e-12);
}

#[test]
fn noise_models_are_validated_and_documented_forms_load() {
    assert!(NoiseModel::from_json(r#"{"depolarizing_1q": 2.0, "depolarizing_2q": 0.0}"#).is_err());
    assert!(NoiseModel::from_json(r#"{"depolarizing_1q": 0.1}"#).is_err());
    assert!(
        NoiseModel::from_json(r#"{"depolarizing_1q": 0.1, "depolarizing_2q": 0.1, "typo": 1}"#)
            .is_err()
    );
    let e = NoiseModel::from_json("{\n \"depolarizing_1q\": nan }")
        .unwrap_err()
        .to_string();
    assert!(e.contains("line 2"), "{e}");
    let c = serde_json::json!({"backend": "qpu.x", "fidelity": {"1q": {"median": 99.9}, "2q": {"median": 0.99}, "spam": {"median": 0.995}}});
    let m = NoiseModel::from_characterization(&c).unwrap();
    assert!((m.depolarizing_1q - 0.002).abs() < 1e-12 && (m.readout_error - 0.005).abs() < 1e-12);
    for name in ["aria-1", "qpu.forte-1", "harmony"] {
        assert!(NoiseModel::named(name).is_some());
    }
}
