//! A plain gate-by-gate statevector: what the IonQ emulator runs submitted circuits on, and
//! what noise trajectories insert their Pauli errors into.
//!
//! The [`Engine`](crate::Engine) is far faster for QAOA, but it applies a whole cost layer as
//! one diagonal; a noise trajectory needs the gates one at a time (an X error between two ZZ
//! gates changes the sign of the later ones), and the emulator must run whatever circuit a
//! client sends, so both use this simulator. Sizes here are the ones a QPU or a noisy run
//! has (tens of qubits at most), where the plain loops are fast enough.

use crate::circuit::Gate;
use crate::error::{Error, Result};

/// Most qubits the gate simulator accepts (2^26 amplitudes, 1 GiB): the emulator and noise
/// trajectories never need more, and a client's request for more is an error, not an OOM.
pub const MAX_GATE_QUBITS: usize = 26;

/// A Pauli operator on one qubit.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Pauli {
    X,
    Y,
    Z,
}

/// `2^n` complex amplitudes `[re, im]`; bit k of the index is qubit k.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct GateState {
    n: usize,
    amp: Vec<[f64; 2]>,
}

impl GateState {
    /// |0…0⟩ on `n` qubits, after checking the size and the memory.
    pub(crate) fn zero(n: usize) -> Result<Self> {
        if n > MAX_GATE_QUBITS {
            return Err(Error::TooManyQubits {
                num_qubits: n,
                max: MAX_GATE_QUBITS,
            });
        }
        quboflow::memory::check_allocation(
            || format!("a {n}-qubit gate-level statevector"),
            quboflow::memory::bytes(1usize << n, 16),
        )?;
        let mut amp = vec![[0.0; 2]; 1 << n];
        amp[0] = [1.0, 0.0];
        Ok(GateState { n, amp })
    }

    /// Number of qubits.
    pub(crate) fn num_qubits(&self) -> usize {
        self.n
    }

    /// Applies `gate`; its qubits must be below `n` (checked by the callers that read
    /// circuits from outside).
    pub(crate) fn apply(&mut self, gate: Gate) {
        let half = gate.angle().unwrap_or(0.0) / 2.0;
        let (c, s) = (half.cos(), half.sin());
        match gate {
            Gate::H(q) => {
                let r = std::f64::consts::FRAC_1_SQRT_2;
                self.pairs(q, |a, b| {
                    (
                        [(a[0] + b[0]) * r, (a[1] + b[1]) * r],
                        [(a[0] - b[0]) * r, (a[1] - b[1]) * r],
                    )
                });
            }
            Gate::X(q) => self.pauli(q, Pauli::X),
            // [[c, −is], [−is, c]]
            Gate::Rx(q, _) => self.pairs(q, |a, b| {
                (
                    [c * a[0] + s * b[1], c * a[1] - s * b[0]],
                    [c * b[0] + s * a[1], c * b[1] - s * a[0]],
                )
            }),
            // [[c, −s], [s, c]]
            Gate::Ry(q, _) => self.pairs(q, |a, b| {
                (
                    [c * a[0] - s * b[0], c * a[1] - s * b[1]],
                    [s * a[0] + c * b[0], s * a[1] + c * b[1]],
                )
            }),
            // e^{∓iθ/2} on |0⟩ / |1⟩.
            Gate::Rz(q, _) => self.phase(|x| if x >> q & 1 == 0 { -1.0 } else { 1.0 }, c, s),
            Gate::Cx(a, b) => {
                let (ma, mb) = (1usize << a, 1usize << b);
                for x in 0..self.amp.len() {
                    if x & ma != 0 && x & mb == 0 {
                        self.amp.swap(x, x | mb);
                    }
                }
            }
            // e^{−iθ/2} when the two bits agree (ZZ = +1), e^{+iθ/2} when they differ.
            Gate::Rzz(a, b, _) => self.phase(
                |x| {
                    if (x >> a ^ x >> b) & 1 == 0 {
                        -1.0
                    } else {
                        1.0
                    }
                },
                c,
                s,
            ),
            // c·I − is·XX: XX|x⟩ = |x ⊕ m⟩.
            Gate::Rxx(a, b, _) => self.two_flip(a, b, c, s, |_| 1.0),
            // YY|x⟩ = −z_a z_b |x ⊕ m⟩ (Y|0⟩ = i|1⟩, Y|1⟩ = −i|0⟩).
            Gate::Ryy(a, b, _) => self.two_flip(a, b, c, s, |x| {
                if (x >> a ^ x >> b) & 1 == 0 {
                    -1.0
                } else {
                    1.0
                }
            }),
        }
    }

    /// Applies a Pauli error.
    pub(crate) fn pauli(&mut self, q: usize, p: Pauli) {
        let m = 1usize << q;
        match p {
            Pauli::X => {
                for x in 0..self.amp.len() {
                    if x & m == 0 {
                        self.amp.swap(x, x | m);
                    }
                }
            }
            // Y = [[0, −i], [i, 0]]: new0 = −i·a1, new1 = i·a0.
            Pauli::Y => self.pairs(q, |a, b| ([b[1], -b[0]], [-a[1], a[0]])),
            Pauli::Z => {
                for (x, v) in self.amp.iter_mut().enumerate() {
                    if x & m != 0 {
                        *v = [-v[0], -v[1]];
                    }
                }
            }
        }
    }

    /// |amplitude|² of every basis state.
    pub(crate) fn probabilities(&self) -> Vec<f64> {
        self.amp.iter().map(|a| a[0] * a[0] + a[1] * a[1]).collect()
    }

    fn pairs(&mut self, q: usize, f: impl Fn([f64; 2], [f64; 2]) -> ([f64; 2], [f64; 2])) {
        let m = 1usize << q;
        for x in 0..self.amp.len() {
            if x & m == 0 {
                let (a, b) = f(self.amp[x], self.amp[x | m]);
                self.amp[x] = a;
                self.amp[x | m] = b;
            }
        }
    }

    /// Multiplies amplitude x by `c + i·sign(x)·s`.
    fn phase(&mut self, sign: impl Fn(usize) -> f64, c: f64, s: f64) {
        for (x, v) in self.amp.iter_mut().enumerate() {
            let si = sign(x) * s;
            *v = [c * v[0] - si * v[1], c * v[1] + si * v[0]];
        }
    }

    /// `c·I − i·s·P` for a two-qubit Pauli P with `P|x⟩ = f(x)|x ⊕ m⟩`.
    fn two_flip(&mut self, a: usize, b: usize, c: f64, s: f64, f: impl Fn(usize) -> f64) {
        let m = (1usize << a) | (1usize << b);
        for x in 0..self.amp.len() {
            let y = x ^ m;
            if x < y {
                let (u, v) = (self.amp[x], self.amp[y]);
                // new[x] = c·u − i·s·f(y)·v, new[y] = c·v − i·s·f(x)·u
                let (fx, fy) = (f(x) * s, f(y) * s);
                self.amp[x] = [c * u[0] + fy * v[1], c * u[1] - fy * v[0]];
                self.amp[y] = [c * v[0] + fx * u[1], c * v[1] - fx * u[0]];
            }
        }
    }
}

/// Checks that every gate of a circuit read from outside names qubits below `n`, two
/// distinct ones for two-qubit gates, and finite rotations.
pub(crate) fn check_gates(gates: &[Gate], n: usize) -> std::result::Result<(), String> {
    for (k, g) in gates.iter().enumerate() {
        let (a, b) = g.qubits();
        if b == Some(a) {
            return Err(format!("gate {k}: both qubits are qubit {a}"));
        }
        for q in std::iter::once(a).chain(b) {
            if q >= n {
                return Err(format!(
                    "gate {k}: qubit {q} is outside the {n}-qubit register"
                ));
            }
        }
        if let Some(t) = g.angle()
            && !t.is_finite()
        {
            return Err(format!("gate {k}: rotation {t} is not finite"));
        }
    }
    Ok(())
}

/// Runs `gates` from |0…0⟩ and returns the probabilities (the emulator's ideal simulator).
pub(crate) fn ideal_probabilities(n: usize, gates: &[Gate]) -> Result<Vec<f64>> {
    let mut s = GateState::zero(n)?;
    for &g in gates {
        s.apply(g);
    }
    Ok(s.probabilities())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{Ansatz, Circuit, Engine};

    /// The QAOA circuit run gate by gate gives the engine's state probabilities.
    #[test]
    fn qaoa_circuit_matches_engine() {
        let mut b = quboflow::QuboBuilder::new(5);
        let mut w = 0.3;
        for i in 0..5 {
            b.add_linear(i, w - 0.7);
            for j in i + 1..5 {
                w = (w * 7.3 + 0.11) % 1.7 - 0.8;
                b.add_quadratic(i, j, w);
            }
        }
        let q = b.build().unwrap();
        let ansatz = Ansatz::new(&q, &Default::default()).unwrap();
        let angles = crate::Angles {
            gamma: vec![0.4, -0.9],
            beta: vec![0.3, 1.1],
        };
        let c = Circuit::qaoa(&ansatz, &angles);
        let p = ideal_probabilities(5, &c.gates).unwrap();
        let engine = Engine::<f64>::new(&ansatz).unwrap();
        let state = engine.state(&angles).unwrap();
        for (x, px) in p.iter().enumerate() {
            assert!((px - state.probability(x)).abs() < 1e-13, "{x}");
        }
    }

    /// XY hops (RXX·RYY) keep the Hamming weight and match the expanded CX form.
    #[test]
    fn two_qubit_rotations_match_their_expansions() {
        for g in [
            Gate::Rxx(0, 2, 0.7),
            Gate::Ryy(2, 1, -1.3),
            Gate::Rzz(1, 0, 0.4),
        ] {
            let prep = [
                Gate::H(0),
                Gate::Ry(1, 0.8),
                Gate::Rx(2, 0.3),
                Gate::Rz(0, 0.2),
            ];
            let mut a = GateState::zero(3).unwrap();
            let mut b = GateState::zero(3).unwrap();
            for p in prep {
                a.apply(p);
                b.apply(p);
            }
            a.apply(g);
            let mut expanded = Vec::new();
            g.expand(&mut expanded);
            for e in expanded {
                b.apply(e);
            }
            // Equal up to a global phase: compare |⟨a|b⟩| with 1.
            let (mut re, mut im) = (0.0, 0.0);
            for (u, v) in a.amp.iter().zip(&b.amp) {
                re += u[0] * v[0] + u[1] * v[1];
                im += u[0] * v[1] - u[1] * v[0];
            }
            assert!(((re * re + im * im).sqrt() - 1.0).abs() < 1e-12, "{g:?}");
        }
    }

    #[test]
    fn bad_gates_are_named() {
        assert!(
            check_gates(&[Gate::H(3)], 3)
                .unwrap_err()
                .contains("qubit 3")
        );
        assert!(check_gates(&[Gate::Rzz(1, 1, 0.1)], 3).is_err());
        assert!(check_gates(&[Gate::Rz(0, f64::NAN)], 3).is_err());
        assert!(check_gates(&[Gate::Cx(0, 2)], 3).is_ok());
        assert!(GateState::zero(40).is_err());
    }
}
