//! How a comparison turns bitstrings into native objective values.

use crate::objective::{Objective, Sense};

/// The native view of one bitstring.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Evaluation {
    /// Native objective (tour length, cut weight, packed value, …), when defined.
    pub objective: Option<f64>,
    /// True when no native constraint is violated.
    pub feasible: bool,
}

/// Turns samples of one model into native objective values, for comparison reports.
///
/// Plain QUBO files use their [`Objective`] (every bitstring is feasible); encoded logistics
/// instances implement it with their decoder (`quboflow-problems`).
pub trait Evaluate: Send + Sync {
    /// The problem (`"tsp"`, `"maxcut"`, `"qubo"`, …).
    fn problem(&self) -> String;

    /// What the native objective is called.
    fn objective_name(&self) -> String;

    /// Whether the native objective is minimised or maximised.
    fn sense(&self) -> Sense;

    /// The raw decode of `sample`, whose recomputed energy is `energy`.
    fn evaluate(&self, sample: &[u8], energy: f64) -> Evaluation;

    /// The encoding's repair of `sample`, if it has one (always reported as repaired).
    fn repair(&self, _sample: &[u8]) -> Option<Evaluation> {
        None
    }

    /// The energy of a feasible state with native objective `objective`, when energies and
    /// objectives correspond one to one (used for time-to-target); `None` otherwise.
    fn energy_of(&self, _objective: f64) -> Option<f64> {
        None
    }

    /// A drawing of `sample`'s native solution (routes on the node coordinates, a fill
    /// chart) for reports; `None` when the problem has none.
    fn picture(&self, _sample: &[u8]) -> Option<super::Picture> {
        None
    }
}

impl Evaluate for Objective {
    fn problem(&self) -> String {
        if self.is_energy() {
            "qubo".into()
        } else {
            self.name.clone()
        }
    }

    fn objective_name(&self) -> String {
        self.name.clone()
    }

    fn sense(&self) -> Sense {
        self.sense
    }

    fn evaluate(&self, _sample: &[u8], energy: f64) -> Evaluation {
        Evaluation {
            objective: Some(self.value(energy)),
            feasible: true,
        }
    }

    fn energy_of(&self, objective: f64) -> Option<f64> {
        (self.scale != 0.0).then(|| (objective - self.shift) / self.scale)
    }
}

/// True when objective `a` is better than `b` in `sense`.
pub(crate) fn better(sense: Sense, a: f64, b: f64) -> bool {
    match sense {
        Sense::Minimize => a < b,
        Sense::Maximize => a > b,
    }
}

/// Gap of `value` to `reference` in percent, positive when worse; `None` for a zero
/// reference (a relative gap is undefined there).
pub fn gap_percent(sense: Sense, value: f64, reference: f64) -> Option<f64> {
    if reference == 0.0 {
        return None;
    }
    let worse_by = match sense {
        Sense::Minimize => value - reference,
        Sense::Maximize => reference - value,
    };
    Some(100.0 * worse_by / reference.abs())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn objective_round_trips_energy() {
        let cut = Objective::max_cut();
        let e = cut.evaluate(&[1, 0], -7.0);
        assert_eq!(e.objective, Some(7.0));
        assert_eq!(cut.energy_of(7.0), Some(-7.0));
        assert_eq!(Objective::energy().problem(), "qubo");
    }

    #[test]
    fn gaps_are_positive_when_worse() {
        assert_eq!(gap_percent(Sense::Minimize, 110.0, 100.0), Some(10.0));
        assert_eq!(gap_percent(Sense::Maximize, 90.0, 100.0), Some(10.0));
        assert_eq!(gap_percent(Sense::Maximize, -90.0, -100.0), Some(-10.0));
        assert_eq!(gap_percent(Sense::Minimize, 1.0, 0.0), None);
    }
}
