//! Mixers and the start states that go with them.

use serde::{Deserialize, Serialize};

use quboflow::Constraints;

use crate::error::{Error, Result};

/// Which mixer a QAOA layer applies after the phase.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum MixerKind {
    /// `e^{-iβ Σ_j X_j}` on every qubit, start `|+⟩ⁿ`. The default.
    #[default]
    X,
    /// XY ring on every one-hot / k-hot group: pair hops `e^{-iθ(XX+YY)/2}` on the pairs
    /// `(i, i+1 mod m)` of each group (even `i` first, then odd), Trotterised. Qubits outside
    /// any group get the X mixer. Preserves each group's Hamming weight.
    XyRing,
    /// XY complete: pair hops on every pair `i < j` of each group (lexicographic order).
    XyComplete,
}

impl MixerKind {
    /// The name used on the command line and in results.
    pub fn name(self) -> &'static str {
        match self {
            MixerKind::X => "x",
            MixerKind::XyRing => "xy-ring",
            MixerKind::XyComplete => "xy-complete",
        }
    }
}

impl std::str::FromStr for MixerKind {
    type Err = String;
    fn from_str(s: &str) -> std::result::Result<Self, String> {
        match s {
            "x" => Ok(MixerKind::X),
            "xy-ring" | "xy_ring" | "ring" => Ok(MixerKind::XyRing),
            "xy-complete" | "xy_complete" | "complete" => Ok(MixerKind::XyComplete),
            _ => Err(format!("unknown mixer `{s}` (x, xy-ring, xy-complete)")),
        }
    }
}

/// The start state of the circuit.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum InitialState {
    /// `|+⟩ⁿ` for the X mixer; for XY mixers a Dicke state per group (the W state for one-hot
    /// groups: uniform over the weight-k strings) and `|+⟩` on the other qubits.
    #[default]
    Auto,
    /// For XY mixers: the feasible basis state with the first `k` variables of each group set
    /// (`|+⟩` on qubits outside groups). Same as `Auto` for the X mixer.
    Basis,
}

impl InitialState {
    /// The name used on the command line and in results.
    pub fn name(self) -> &'static str {
        match self {
            InitialState::Auto => "auto",
            InitialState::Basis => "basis",
        }
    }
}

impl std::str::FromStr for InitialState {
    type Err = String;
    fn from_str(s: &str) -> std::result::Result<Self, String> {
        match s {
            "auto" => Ok(InitialState::Auto),
            "basis" => Ok(InitialState::Basis),
            _ => Err(format!("unknown initial state `{s}` (auto, basis)")),
        }
    }
}

/// The resolved mixer of an engine: which qubits get X rotations and which pair hops follow.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct MixerPlan {
    pub kind: MixerKind,
    /// `x_qubits[q]`: qubit q gets `e^{-iβX}`.
    pub x_qubits: Vec<bool>,
    /// Cardinality groups `(variables, k)` used by XY mixers and the start state.
    pub groups: Vec<(Vec<usize>, usize)>,
    /// Pair hops of one Trotter step, in application order.
    pub pairs: Vec<(usize, usize)>,
    /// Trotter steps per layer; each hop gets angle `β / trotter_steps`.
    pub trotter_steps: usize,
    pub initial: InitialState,
}

impl MixerPlan {
    pub(crate) fn new(
        n: usize,
        kind: MixerKind,
        constraints: Option<&Constraints>,
        trotter_steps: usize,
        initial: InitialState,
    ) -> Result<Self> {
        if trotter_steps == 0 {
            return Err(Error::InvalidParameter {
                name: "trotter_steps",
                reason: "must be at least 1".into(),
            });
        }
        let mut plan = MixerPlan {
            kind,
            x_qubits: vec![true; n],
            groups: Vec::new(),
            pairs: Vec::new(),
            trotter_steps,
            initial,
        };
        if kind == MixerKind::X {
            return Ok(plan);
        }
        let c = constraints
            .filter(|c| !c.mixer_groups().is_empty())
            .ok_or_else(|| Error::InvalidParameter {
                name: "mixer",
                reason: format!(
                    "the {} mixer needs one-hot or k-hot groups (Constraints); {}",
                    kind.name(),
                    if constraints.is_some() {
                        "this model's constraints have none (set partitions and capacity rows \
                         cannot be kept by an XY mixer): use the x mixer"
                    } else {
                        "this model has none"
                    }
                ),
            })?;
        c.validate(n)?;
        for (vars, k) in c.mixer_groups() {
            let vars = vars.as_slice();
            plan.groups.push((vars.to_vec(), k));
            for &v in vars {
                plan.x_qubits[v] = false;
            }
            let m = vars.len();
            match kind {
                MixerKind::XyRing if m == 2 => plan.pairs.push((vars[0], vars[1])),
                MixerKind::XyRing if m > 2 => {
                    for parity in [0, 1] {
                        for i in (parity..m).step_by(2) {
                            plan.pairs.push((vars[i], vars[(i + 1) % m]));
                        }
                    }
                }
                MixerKind::XyComplete => {
                    for i in 0..m {
                        for j in i + 1..m {
                            plan.pairs.push((vars[i], vars[j]));
                        }
                    }
                }
                _ => {}
            }
        }
        Ok(plan)
    }

    /// Amplitude of basis state `x` in the start state (real).
    pub(crate) fn initial_amplitude(&self, x: usize) -> f64 {
        let free = self.x_qubits.iter().filter(|&&b| b).count();
        let mut amp = 0.5f64.powf(free as f64 / 2.0);
        for (vars, k) in &self.groups {
            let weight = vars.iter().filter(|&&v| x >> v & 1 == 1).count();
            match self.initial {
                InitialState::Auto => {
                    if weight != *k {
                        return 0.0;
                    }
                    amp /= binomial(vars.len(), *k).sqrt();
                }
                InitialState::Basis => {
                    if vars
                        .iter()
                        .enumerate()
                        .any(|(i, &v)| (x >> v & 1 == 1) != (i < *k))
                    {
                        return 0.0;
                    }
                }
            }
        }
        amp
    }
}

fn binomial(m: usize, k: usize) -> f64 {
    (0..k).fold(1.0, |acc, i| acc * (m - i) as f64 / (i + 1) as f64)
}
