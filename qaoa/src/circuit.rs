//! A small circuit IR for QAOA and its OpenQASM 2 / 3 export, so a run can be repeated on any
//! gate-based simulator or QPU.
//!
//! Gates follow Qiskit/OpenQASM conventions: `RZ(θ) = e^{-iθZ/2}`, `RX(θ) = e^{-iθX/2}`,
//! `RZZ(θ) = e^{-iθZZ/2}` (and likewise `RXX`, `RYY`). The QUBO energy in Ising form with
//! `z = 1 − 2x` (bit 1 ↔ Z = −1) gives `e^{-iγE} = Π RZ(2γh_i) Π RZZ(2γJ_ij)` up to a global
//! phase; the X mixer is `RX(2β)` per qubit; an XY hop is `RXX(θ)·RYY(θ)`.

use serde_json::json;

use crate::ansatz::Ansatz;
use crate::engine::Angles;
use crate::error::{Error, Result};
use crate::mixer::InitialState;

/// One gate; qubit k is QUBO variable k.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Gate {
    /// Hadamard.
    H(usize),
    /// Pauli X.
    X(usize),
    /// `e^{-iθX/2}`.
    Rx(usize, f64),
    /// `e^{-iθY/2}`.
    Ry(usize, f64),
    /// `e^{-iθZ/2}`.
    Rz(usize, f64),
    /// CNOT (control, target).
    Cx(usize, usize),
    /// `e^{-iθZZ/2}`.
    Rzz(usize, usize, f64),
    /// `e^{-iθXX/2}`.
    Rxx(usize, usize, f64),
    /// `e^{-iθYY/2}`.
    Ryy(usize, usize, f64),
}

impl Gate {
    /// The gate in terms of H, X, RX, RY, RZ and CX.
    pub fn expand(self, out: &mut Vec<Gate>) {
        use std::f64::consts::FRAC_PI_2;
        match self {
            Gate::Rzz(a, b, t) => out.extend([Gate::Cx(a, b), Gate::Rz(b, t), Gate::Cx(a, b)]),
            Gate::Rxx(a, b, t) => out.extend([
                Gate::H(a),
                Gate::H(b),
                Gate::Cx(a, b),
                Gate::Rz(b, t),
                Gate::Cx(a, b),
                Gate::H(a),
                Gate::H(b),
            ]),
            Gate::Ryy(a, b, t) => out.extend([
                Gate::Rx(a, FRAC_PI_2),
                Gate::Rx(b, FRAC_PI_2),
                Gate::Cx(a, b),
                Gate::Rz(b, t),
                Gate::Cx(a, b),
                Gate::Rx(a, -FRAC_PI_2),
                Gate::Rx(b, -FRAC_PI_2),
            ]),
            g => out.push(g),
        }
    }

    /// The rotation angle, for rotations.
    pub(crate) fn angle(self) -> Option<f64> {
        match self {
            Gate::Rx(_, t) | Gate::Ry(_, t) | Gate::Rz(_, t) => Some(t),
            Gate::Rzz(_, _, t) | Gate::Rxx(_, _, t) | Gate::Ryy(_, _, t) => Some(t),
            Gate::H(_) | Gate::X(_) | Gate::Cx(..) => None,
        }
    }

    /// The qubit, or the two qubits, it acts on.
    pub(crate) fn qubits(self) -> (usize, Option<usize>) {
        match self {
            Gate::H(q) | Gate::X(q) | Gate::Rx(q, _) | Gate::Ry(q, _) | Gate::Rz(q, _) => (q, None),
            Gate::Cx(a, b) | Gate::Rzz(a, b, _) | Gate::Rxx(a, b, _) | Gate::Ryy(a, b, _) => {
                (a, Some(b))
            }
        }
    }
}

/// How two-qubit rotations are written in OpenQASM.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum TwoQubitStyle {
    /// Declared once as `gate qf_rzz(theta) a, b { cx a, b; rz(theta) b; cx a, b; }` (and
    /// `qf_rxx`, `qf_ryy`) and used by name. The default: shortest, still portable.
    #[default]
    Declared,
    /// Written out as their CX/RZ (and H/RX) sequences.
    Expanded,
}

/// A QAOA circuit.
#[derive(Debug, Clone, PartialEq)]
pub struct Circuit {
    /// Number of qubits.
    pub num_qubits: usize,
    /// Gates in order.
    pub gates: Vec<Gate>,
    /// False when the start state (Dicke/W) has no gate preparation here; export refuses it.
    pub preparation_included: bool,
}

impl Circuit {
    /// The circuit of `ansatz` at `angles`: no statevector is involved, so any size works.
    pub fn qaoa(ansatz: &Ansatz, angles: &Angles) -> Circuit {
        let n = ansatz.num_qubits();
        let mut gates = Vec::new();
        let x_qubits = ansatz.x_qubits();
        let grouped = !ansatz.xy_pairs().is_empty() || x_qubits.len() < n;
        let mut preparation_included = true;
        if grouped {
            match ansatz.initial_state() {
                InitialState::Basis => {
                    for q in ansatz.basis_ones() {
                        gates.push(Gate::X(q));
                    }
                }
                InitialState::Auto => preparation_included = false,
            }
        }
        gates.extend(x_qubits.iter().map(|&q| Gate::H(q)));
        for (&g, &b) in angles.gamma.iter().zip(&angles.beta) {
            for (i, &h) in ansatz.fields().iter().enumerate() {
                if h != 0.0 {
                    gates.push(Gate::Rz(i, 2.0 * g * h));
                }
            }
            for &(i, j, w) in ansatz.couplings() {
                gates.push(Gate::Rzz(i, j, 2.0 * g * w));
            }
            gates.extend(x_qubits.iter().map(|&q| Gate::Rx(q, 2.0 * b)));
            let steps = ansatz.trotter_steps();
            for _ in 0..steps {
                for &(a, c) in ansatz.xy_pairs() {
                    let t = b / steps as f64;
                    gates.push(Gate::Rxx(a, c, t));
                    gates.push(Gate::Ryy(a, c, t));
                }
            }
        }
        Circuit {
            num_qubits: n,
            gates,
            preparation_included,
        }
    }

    /// The gates in terms of H, X, RX, RY, RZ and CX.
    pub fn expanded(&self) -> Vec<Gate> {
        let mut out = Vec::with_capacity(self.gates.len() * 2);
        for &g in &self.gates {
            g.expand(&mut out);
        }
        out
    }

    /// Depth of the expanded circuit (gates on disjoint qubits share a time step).
    pub fn depth(&self) -> usize {
        let mut level = vec![0usize; self.num_qubits];
        for g in self.expanded() {
            match g.qubits() {
                (a, None) => level[a] += 1,
                (a, Some(b)) => {
                    let l = level[a].max(level[b]) + 1;
                    level[a] = l;
                    level[b] = l;
                }
            }
        }
        level.into_iter().max().unwrap_or(0)
    }

    /// Two-qubit rotations (RZZ, RXX, RYY) as written.
    pub fn two_qubit_gates(&self) -> usize {
        self.gates.iter().filter(|g| g.qubits().1.is_some()).count()
    }

    /// CX gates after expansion.
    pub fn cx_count(&self) -> usize {
        self.expanded()
            .iter()
            .filter(|g| matches!(g, Gate::Cx(..)))
            .count()
    }

    /// Size figures for reports.
    pub fn size_json(&self) -> serde_json::Value {
        json!({
            "qubits": self.num_qubits,
            "gates": self.gates.len(),
            "two_qubit_gates": self.two_qubit_gates(),
            "cx_count": self.cx_count(),
            "depth": self.depth(),
            "preparation_included": self.preparation_included,
        })
    }

    /// OpenQASM 2.0 text (qelib1.inc), measuring every qubit at the end.
    pub fn to_qasm2(&self, style: TwoQubitStyle) -> Result<String> {
        self.to_qasm(2, style)
    }

    /// OpenQASM 3.0 text (stdgates.inc), measuring every qubit at the end.
    pub fn to_qasm3(&self, style: TwoQubitStyle) -> Result<String> {
        self.to_qasm(3, style)
    }

    fn to_qasm(&self, version: u8, style: TwoQubitStyle) -> Result<String> {
        use std::fmt::Write;
        if !self.preparation_included {
            return Err(Error::InvalidParameter {
                name: "initial_state",
                reason: "Dicke/W start states have no gate preparation in the export; use the basis start state".into(),
            });
        }
        let n = self.num_qubits;
        let mut s = String::new();
        let sep = if version == 2 { "," } else { ", " };
        if version == 2 {
            s.push_str("OPENQASM 2.0;\ninclude \"qelib1.inc\";\n");
        } else {
            s.push_str("OPENQASM 3.0;\ninclude \"stdgates.inc\";\n");
        }
        let _ = writeln!(
            s,
            "// QAOA circuit from quboflow {}; qubit k = variable k",
            quboflow::VERSION
        );
        let declared = style == TwoQubitStyle::Declared;
        if declared {
            let mut defs = Vec::new();
            for (name, gate) in [
                ("qf_rzz", Gate::Rzz(0, 1, 0.0)),
                ("qf_rxx", Gate::Rxx(0, 1, 0.0)),
                ("qf_ryy", Gate::Ryy(0, 1, 0.0)),
            ] {
                if self
                    .gates
                    .iter()
                    .any(|g| std::mem::discriminant(g) == std::mem::discriminant(&gate))
                {
                    let mut body = Vec::new();
                    gate.expand(&mut body);
                    let text: Vec<String> = body
                        .iter()
                        .map(|g| {
                            gate_text(
                                *g,
                                &|q| if q == 0 { "a".into() } else { "b".into() },
                                sep,
                                true,
                            )
                        })
                        .collect();
                    defs.push(format!(
                        "gate {name}(theta) a{sep}b {{ {} }}",
                        text.join(" ")
                    ));
                }
            }
            for d in defs {
                let _ = writeln!(s, "{d}");
            }
        }
        if version == 2 {
            let _ = writeln!(s, "qreg q[{n}];\ncreg c[{n}];");
        } else {
            let _ = writeln!(s, "qubit[{n}] q;\nbit[{n}] c;");
        }
        let name = |q: usize| format!("q[{q}]");
        let mut body = Vec::new();
        for &g in &self.gates {
            if declared {
                body.push(g);
            } else {
                g.expand(&mut body);
            }
        }
        for g in body {
            let _ = writeln!(s, "{}", gate_text(g, &name, sep, false));
        }
        if version == 2 {
            s.push_str("measure q -> c;\n");
        } else {
            s.push_str("c = measure q;\n");
        }
        Ok(s)
    }
}

/// One gate statement; `symbolic` writes `theta` for the angle (inside a gate declaration).
fn gate_text(g: Gate, q: &dyn Fn(usize) -> String, sep: &str, symbolic: bool) -> String {
    let angle = |t: f64, scale_symbolic: bool| -> String {
        if symbolic && scale_symbolic {
            "theta".into()
        } else {
            format!("{t:?}")
        }
    };
    match g {
        Gate::H(a) => format!("h {};", q(a)),
        Gate::X(a) => format!("x {};", q(a)),
        Gate::Rx(a, t) => format!("rx({}) {};", angle(t, false), q(a)),
        Gate::Ry(a, t) => format!("ry({}) {};", angle(t, false), q(a)),
        Gate::Rz(a, t) => format!("rz({}) {};", angle(t, true), q(a)),
        Gate::Cx(a, b) => format!("cx {}{sep}{};", q(a), q(b)),
        Gate::Rzz(a, b, t) => format!("qf_rzz({t:?}) {}{sep}{};", q(a), q(b)),
        Gate::Rxx(a, b, t) => format!("qf_rxx({t:?}) {}{sep}{};", q(a), q(b)),
        Gate::Ryy(a, b, t) => format!("qf_ryy({t:?}) {}{sep}{};", q(a), q(b)),
    }
}
