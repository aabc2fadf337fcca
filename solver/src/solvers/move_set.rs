//! Which moves the local-search solvers make: single flips or constraint-preserving moves.

use serde::{Deserialize, Serialize};

use crate::constraints::Constraints;
use crate::error::{Error, Result};
use crate::qubo::Qubo;

/// The move set of [`crate::solvers::SimulatedAnnealing`] and [`crate::solvers::Tabu`].
///
/// Constraint-preserving moves read the [`Constraints`] the model carries
/// ([`Qubo::constraints`]): an encoded logistics instance brings its one-hot groups,
/// permutations, set-partitioning and capacity rows with it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Moves {
    /// Constraint-preserving when the model carries constraints with structure, single
    /// flips otherwise. The default.
    #[default]
    Auto,
    /// Single-variable flips (the penalties alone keep the constraints).
    SingleFlip,
    /// Constraint-preserving moves; an error on a model without constraints.
    Constrained,
}

impl Moves {
    /// The name used on the command line and in results.
    pub fn name(self) -> &'static str {
        match self {
            Moves::Auto => "auto",
            Moves::SingleFlip => "single-flip",
            Moves::Constrained => "constrained",
        }
    }

    /// The constraints to keep, or `None` for single flips.
    pub(crate) fn resolve(self, qubo: &Qubo) -> Result<Option<&Constraints>> {
        let structured = qubo.constraints().filter(|c| c.has_structure());
        match (self, structured) {
            (Moves::SingleFlip, _) | (Moves::Auto, None) => Ok(None),
            (_, Some(c)) => Ok(Some(c)),
            (Moves::Constrained, None) => Err(Error::InvalidParameter {
                name: "moves",
                reason: "constrained moves need a model with constraints (an encoded \
                         instance, or a quboflow JSON file that records them); this model has \
                         none — use single-flip or auto"
                    .into(),
            }),
        }
    }
}

impl std::str::FromStr for Moves {
    type Err = String;
    fn from_str(s: &str) -> std::result::Result<Self, String> {
        match s {
            "auto" => Ok(Moves::Auto),
            "single-flip" | "single_flip" => Ok(Moves::SingleFlip),
            "constrained" | "constraint-preserving" => Ok(Moves::Constrained),
            _ => Err(format!(
                "unknown move set `{s}` (auto, single-flip, constrained)"
            )),
        }
    }
}
