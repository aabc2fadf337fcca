//! Native solutions decoded from bitstrings.

use quboflow::Sense;
use serde::{Deserialize, Serialize};

/// A solution in the problem's own terms.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Solution {
    /// Cities in visiting order (0-based), starting at city 0.
    Tour(Vec<usize>),
    /// Vehicle routes: customers in visiting order (0-based node indices, depot implicit).
    Routes(Vec<Vec<usize>>),
    /// Chosen items (0-based).
    Items(Vec<usize>),
    /// Items per open bin.
    Bins(Vec<Vec<usize>>),
    /// Open facilities and the facility serving each customer.
    Facilities {
        /// Open facilities.
        open: Vec<usize>,
        /// Facility of each customer, if any.
        assignment: Vec<Option<usize>>,
    },
    /// Start time of each operation (job-major order), if decided.
    Schedule(Vec<Option<usize>>),
    /// Side (0/1) of every vertex.
    Cut(Vec<u8>),
    /// Colour of every vertex, if exactly one was chosen.
    Colors(Vec<Option<usize>>),
    /// Nothing could be read from the bitstring (e.g. a tour with a position left empty).
    None,
}

/// A decoded bitstring: the native solution, its cost, and what it violates.
///
/// Raw decodes (from [`Decode::decode`]) and repaired ones (from [`Decode::repair`]) are
/// never mixed: `repaired` says which this is, and `repair_steps` what was changed.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Decoded {
    /// The native solution.
    pub solution: Solution,
    /// Native objective (tour length, total distance, packed value, bins, …) when the
    /// solution defines one, even if infeasible; `None` when it does not (a broken tour).
    pub objective: Option<f64>,
    /// True when no native constraint is violated.
    pub feasible: bool,
    /// Every violated constraint, in words.
    pub violations: Vec<String>,
    /// True when this came from repair, not from the raw bitstring.
    pub repaired: bool,
    /// What repair changed (empty for raw decodes).
    pub repair_steps: Vec<String>,
}

impl Decoded {
    /// A raw decode.
    pub fn raw(solution: Solution, objective: Option<f64>, violations: Vec<String>) -> Self {
        Decoded {
            solution,
            objective,
            feasible: violations.is_empty(),
            violations,
            repaired: false,
            repair_steps: Vec::new(),
        }
    }
}

/// Turns bitstrings of an encoding back into native solutions.
pub trait Decode: Send + Sync + std::fmt::Debug {
    /// The problem ("tsp", "cvrp", "knapsack", …).
    fn problem(&self) -> &'static str;

    /// What the objective is called ("tour length", "total distance", "packed value").
    fn objective_name(&self) -> &'static str;

    /// Whether the native objective is minimised or maximised.
    fn sense(&self) -> Sense;

    /// The raw decode: never changes the bitstring's meaning.
    fn decode(&self, x: &[u8]) -> Decoded;

    /// The nearest feasible solution by the encoding's documented repair rule, flagged as
    /// repaired; `None` when the encoding has no repair.
    fn repair(&self, x: &[u8]) -> Option<Decoded>;

    /// The bitstring of a native solution (used to check that a known optimum encodes to the
    /// lowest energy); `None` when the solution does not fit the encoding.
    fn encode_solution(&self, solution: &Solution) -> Option<Vec<u8>>;
}
