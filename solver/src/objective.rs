//! How a QUBO energy maps back to the objective of the file it came from.

use serde::{Deserialize, Serialize};

/// Whether the native objective is minimised or maximised.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Sense {
    /// Smaller is better.
    Minimize,
    /// Larger is better.
    Maximize,
}

impl std::fmt::Display for Sense {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            Sense::Minimize => "minimize",
            Sense::Maximize => "maximize",
        })
    }
}

/// The native objective as an affine function of the QUBO energy:
/// `objective = scale · energy + shift`.
///
/// Solvers always minimise energy; a reader attaches the objective so results can be reported
/// in the file's own sense (a cut weight for Gset, the maximised value for Beasley bqp).
///
/// ```
/// use quboflow::Objective;
/// let cut = Objective::max_cut();
/// assert_eq!(cut.value(-11624.0), 11624.0);
/// ```
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Objective {
    /// What the value is called ("energy", "cut weight", "objective (maximised)").
    pub name: String,
    /// Minimise or maximise.
    pub sense: Sense,
    /// Multiplier applied to the energy.
    pub scale: f64,
    /// Added after scaling.
    pub shift: f64,
}

impl Default for Objective {
    fn default() -> Self {
        Objective::energy()
    }
}

impl Objective {
    /// The energy itself, minimised (plain QUBO files).
    pub fn energy() -> Self {
        Objective {
            name: "energy".into(),
            sense: Sense::Minimize,
            scale: 1.0,
            shift: 0.0,
        }
    }

    /// A maximisation problem stored as its negation (`value = −energy`).
    pub fn maximize_negated() -> Self {
        Objective {
            name: "objective (maximised)".into(),
            sense: Sense::Maximize,
            scale: -1.0,
            shift: 0.0,
        }
    }

    /// Max-Cut encoded as `Σ w (2x_i x_j − x_i − x_j)` (`cut = −energy`).
    pub fn max_cut() -> Self {
        Objective {
            name: "cut weight".into(),
            sense: Sense::Maximize,
            scale: -1.0,
            shift: 0.0,
        }
    }

    /// The native objective of a state with this energy.
    pub fn value(&self, energy: f64) -> f64 {
        self.scale * energy + self.shift
    }

    /// True when this is the plain energy.
    pub fn is_energy(&self) -> bool {
        self.sense == Sense::Minimize && self.scale == 1.0 && self.shift == 0.0
    }
}
