//! Plain QUBO files as [`Encoded`] models: the identity decoder.

use std::sync::Arc;

use quboflow::io::Model;
use quboflow::{Constraints, Objective, Qubo, Sense};
use serde_json::json;

use crate::encodings::{Encoded, EnergyMeaning};
use crate::solution::{Decode, Decoded, Solution};

/// Every rule of `c` that `x` breaks, in words. A capacity row with slack bits must hold its
/// equality (load + slack = capacity): only then is its penalty zero and the energy the
/// objective.
fn violations(c: &Constraints, x: &[u8]) -> Vec<String> {
    let mut out: Vec<String> = c
        .violations(x)
        .into_iter()
        .map(|v| {
            format!(
                "rule {} has {} of its variables set, not {}",
                v.group, v.found, v.required
            )
        })
        .collect();
    for (k, row) in c.capacities.iter().enumerate() {
        let load = row.load(x);
        let slack: f64 = row
            .slack
            .iter()
            .zip(&row.slack_weights)
            .filter(|(v, _)| x.get(**v) == Some(&1))
            .map(|(_, w)| w)
            .sum();
        if load > row.capacity {
            out.push(format!(
                "capacity row {k}: load {load} exceeds {}",
                row.capacity
            ));
        } else if !row.slack.is_empty() && load + slack != row.capacity {
            out.push(format!(
                "capacity row {k}: load {load} + slack {slack} is not the capacity {}",
                row.capacity
            ));
        }
    }
    out
}

/// The decoder of a plain QUBO file: the sample is the solution, its native objective the
/// file's [`Objective`] of its energy; a model that records constraints (a quboflow JSON file
/// written by `encode`) is feasible when they hold.
#[derive(Debug, Clone)]
pub struct PlainDecoder {
    qubo: Arc<Qubo>,
    objective: Objective,
    format: &'static str,
}

impl PlainDecoder {
    /// The model of a file, encoded as itself.
    pub(crate) fn encoded(m: &Model) -> Encoded {
        Self::wrap(m.qubo.clone(), m.objective.clone(), m.format.name())
    }

    /// `qubo` encoded as itself, its native objective `objective`.
    fn wrap(qubo: quboflow::Qubo, objective: Objective, format: &'static str) -> Encoded {
        let qubo = Arc::new(qubo);
        let decoder = PlainDecoder {
            qubo: Arc::clone(&qubo),
            objective,
            format,
        };
        Encoded {
            offset: qubo.offset(),
            qubo,
            decoder: Arc::new(decoder),
            encoding: "none",
            penalties: json!({}),
            energy_meaning: EnergyMeaning::Objective,
            details: json!({}),
            source: None,
        }
    }

    /// A model built in code (no file), encoded as itself: its objective is the energy and
    /// its constraints, if it carries any, decide feasibility.
    ///
    /// ```
    /// use quboflow::QuboBuilder;
    /// let mut b = QuboBuilder::new(2);
    /// b.add_quadratic(0, 1, -1.0);
    /// let enc = quboflow_problems::PlainDecoder::model(b.build()?);
    /// assert_eq!(enc.encoding, "none");
    /// assert_eq!(enc.decode(&[1, 1]).objective, Some(-1.0));
    /// # Ok::<(), quboflow::Error>(())
    /// ```
    pub fn model(qubo: quboflow::Qubo) -> Encoded {
        Self::wrap(qubo, Objective::energy(), "qubo")
    }

    /// The objective of the file.
    pub fn objective(&self) -> &Objective {
        &self.objective
    }
}

impl Decode for PlainDecoder {
    fn problem(&self) -> &str {
        if self.objective.is_energy() {
            "qubo"
        } else {
            self.format
        }
    }

    fn objective_name(&self) -> &str {
        &self.objective.name
    }

    fn sense(&self) -> Sense {
        self.objective.sense
    }

    fn decode(&self, x: &[u8]) -> Decoded {
        if self.qubo.check_sample(x).is_err() {
            return Decoded::raw(
                Solution::None,
                None,
                vec![format!(
                    "the sample has {} entries for {} variables",
                    x.len(),
                    self.qubo.num_vars()
                )],
            );
        }
        let violations = self
            .qubo
            .constraints()
            .map(|c| violations(c, x))
            .unwrap_or_default();
        let value = self.objective.value(self.qubo.energy(x));
        Decoded::raw(Solution::None, Some(value), violations)
    }

    fn repair(&self, _x: &[u8]) -> Option<Decoded> {
        None
    }

    fn encode_solution(&self, _solution: &Solution) -> Option<Vec<u8>> {
        None
    }

    fn as_plain(&self) -> Option<&PlainDecoder> {
        Some(self)
    }
}
