//! The QAOA ansatz: cost terms, mixer plan and start state, with no 2ⁿ data.

use std::sync::Arc;

use quboflow::Qubo;

use crate::error::Result;
use crate::mixer::{InitialState, MixerKind, MixerPlan};

/// How to build an [`Ansatz`]: the mixer and the start state.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct AnsatzOptions {
    /// The mixer. Default X; the XY mixers read their groups from the model's
    /// [`quboflow::Constraints`].
    pub mixer: MixerKind,
    /// Trotter steps per XY layer. Default 1 (0 is read as 1).
    pub trotter_steps: usize,
    /// Start state. Default `Auto` (|+⟩ⁿ, Dicke states per group for XY mixers).
    pub initial_state: InitialState,
}

/// A QAOA circuit family for one QUBO: the cost as Ising terms, the mixer plan and the start
/// state. It holds nothing of size 2ⁿ, so a 200-qubit ansatz is as cheap as a 20-qubit one;
/// a [`crate::Backend`] (the statevector [`crate::Engine`], a QPU) runs it at given angles and
/// [`crate::Circuit::qaoa`] writes it out as gates.
///
/// Convention: the cost operator is `C = Σ_i h_i Z_i + Σ_{i<j} J_ij Z_i Z_j + c`, equal on
/// every basis state to the QUBO energy (offset included); bit 1 ↔ |1⟩ ↔ Z = −1, qubit k is
/// variable k.
///
/// ```
/// use quboflow::{Constraints, QuboBuilder};
/// use quboflow_qaoa::{Angles, Ansatz, AnsatzOptions, Circuit, MixerKind};
/// // 200 variables in one-hot pairs: the XY ansatz and its circuit, without any statevector.
/// let mut b = QuboBuilder::new(200);
/// for i in 0..199 {
///     b.add_quadratic(i, i + 1, 1.0);
/// }
/// let groups = (0..100).map(|g| vec![2 * g, 2 * g + 1]).collect();
/// let q = b.build()?.with_constraints(Constraints { one_hot: groups, ..Default::default() })?;
/// let opts = AnsatzOptions { mixer: MixerKind::XyRing, ..Default::default() };
/// let ansatz = Ansatz::new(&q, &opts)?.with_basis_start();
/// let angles = Angles { gamma: vec![0.1], beta: vec![0.2] };
/// let circuit = Circuit::qaoa(&ansatz, &angles);
/// assert_eq!(circuit.num_qubits, 200);
/// assert!(circuit.to_qasm3(Default::default())?.contains("qubit[200] q;"));
/// # Ok::<(), quboflow_qaoa::Error>(())
/// ```
#[derive(Debug, Clone)]
pub struct Ansatz {
    qubo: Arc<Qubo>,
    pub(crate) plan: MixerPlan,
    /// Z-basis fields `h_i` (see the convention above).
    fields: Vec<f64>,
    /// `(i, j, J_ij)` with `i < j`.
    couplings: Vec<(usize, usize, f64)>,
    constant: f64,
}

impl Ansatz {
    /// The ansatz of `qubo` with `options`; XY mixers take their groups from the model's
    /// constraints (an encoded instance carries them).
    pub fn new(qubo: &Qubo, options: &AnsatzOptions) -> Result<Self> {
        Self::shared(Arc::new(qubo.clone()), options)
    }

    /// As [`Ansatz::new`], sharing the model.
    pub fn shared(qubo: Arc<Qubo>, options: &AnsatzOptions) -> Result<Self> {
        let n = qubo.num_vars();
        let plan = MixerPlan::new(
            n,
            options.mixer,
            qubo.constraints(),
            options.trotter_steps.max(1),
            options.initial_state,
        )?;
        let ising = qubo.to_ising();
        // dimod's spin is s = 2x − 1 = −z: fields flip sign, couplings do not.
        let fields = ising.h().iter().map(|h| -h).collect();
        let couplings = ising.couplings().upper().collect();
        let constant = ising.offset();
        Ok(Ansatz {
            qubo,
            plan,
            fields,
            couplings,
            constant,
        })
    }

    /// Number of qubits (= QUBO variables).
    pub fn num_qubits(&self) -> usize {
        self.qubo.num_vars()
    }

    /// The model whose energy is the cost.
    pub fn qubo(&self) -> &Qubo {
        &self.qubo
    }

    /// The mixer.
    pub fn mixer(&self) -> MixerKind {
        self.plan.kind
    }

    /// Z fields `h_i` of the cost operator.
    pub fn fields(&self) -> &[f64] {
        &self.fields
    }

    /// ZZ couplings `(i, j, J_ij)`, `i < j`, of the cost operator.
    pub fn couplings(&self) -> &[(usize, usize, f64)] {
        &self.couplings
    }

    /// The constant of the cost operator.
    pub fn constant(&self) -> f64 {
        self.constant
    }

    /// Qubits that receive `e^{-iβX}` (all but the grouped ones under an XY mixer).
    pub fn x_qubits(&self) -> Vec<usize> {
        (0..self.num_qubits())
            .filter(|&q| self.plan.x_qubits[q])
            .collect()
    }

    /// The pair hops `(a, b)` of one Trotter step of the XY mixer (empty for X).
    pub fn xy_pairs(&self) -> &[(usize, usize)] {
        &self.plan.pairs
    }

    /// Trotter steps per XY layer.
    pub fn trotter_steps(&self) -> usize {
        self.plan.trotter_steps
    }

    /// The start state in use.
    pub fn initial_state(&self) -> InitialState {
        self.plan.initial
    }

    /// The mixer's groups `(variables, k)` (empty for X).
    pub fn groups(&self) -> &[(Vec<usize>, usize)] {
        &self.plan.groups
    }

    /// Qubits set to 1 in the basis start state (the first k of each group).
    pub fn basis_ones(&self) -> Vec<usize> {
        self.plan
            .groups
            .iter()
            .flat_map(|(vars, k)| vars[..*k].iter().copied())
            .collect()
    }

    /// The same ansatz started in the feasible basis state (the first k of each group set),
    /// whose preparation is X gates: what a gate-based QPU can run.
    pub fn with_basis_start(&self) -> Self {
        let mut a = self.clone();
        a.plan.initial = InitialState::Basis;
        a
    }
}
