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
    fn problem(&self) -> &str;

    /// What the objective is called ("tour length", "total distance", "packed value").
    fn objective_name(&self) -> &str;

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

    /// The plain-file decoder, when this is one (its objective is the file's own).
    fn as_plain(&self) -> Option<&crate::PlainDecoder> {
        None
    }

    /// A drawing of a decoded solution for reports (routes on the node coordinates, a fill
    /// chart); `None` when the problem has none or the file gives no coordinates.
    fn picture(&self, _decoded: &Decoded) -> Option<quboflow::compare::Picture> {
        None
    }
}

impl Solution {
    /// The solution with the file's own 1-based labels — the numbering of every output, text
    /// and JSON: TSPLIB cities and CVRPLIB nodes as in the file (the depot is node 1, so
    /// routes list customers from 2 up), knapsack items from 1, bins' items and facilities
    /// from 1. Cut sides (0/1 per vertex), colours and start times are values, not labels,
    /// and stay as they are. `null` when nothing could be read ([`Solution::None`]).
    ///
    /// ```
    /// use quboflow_problems::Solution;
    /// assert_eq!(Solution::Tour(vec![0, 2, 1]).labelled().to_string(), r#"{"tour":[1,3,2]}"#);
    /// ```
    pub fn labelled(&self) -> serde_json::Value {
        let one = |v: &[usize]| v.iter().map(|i| i + 1).collect::<Vec<_>>();
        let label = match self {
            Solution::None => return serde_json::Value::Null,
            Solution::Tour(t) => Solution::Tour(one(t)),
            Solution::Routes(rs) => Solution::Routes(rs.iter().map(|r| one(r)).collect()),
            Solution::Items(items) => Solution::Items(one(items)),
            Solution::Bins(bins) => Solution::Bins(bins.iter().map(|b| one(b)).collect()),
            Solution::Facilities { open, assignment } => Solution::Facilities {
                open: one(open),
                assignment: assignment.iter().map(|a| a.map(|f| f + 1)).collect(),
            },
            other => other.clone(),
        };
        serde_json::to_value(label).unwrap_or(serde_json::Value::Null)
    }

    /// The solution in words, with the labels of [`Solution::labelled`]; `None` when there is
    /// nothing to say beyond the sample (plain QUBO files, a broken tour).
    pub fn text(&self) -> Option<String> {
        let ids = |v: &[usize]| {
            v.iter()
                .map(|c| (c + 1).to_string())
                .collect::<Vec<_>>()
                .join(" ")
        };
        Some(match self {
            Solution::Tour(t) => format!("tour {}", ids(t)),
            Solution::Routes(rs) => rs
                .iter()
                .enumerate()
                .map(|(k, r)| format!("route #{}: {}", k + 1, ids(r)))
                .collect::<Vec<_>>()
                .join("; "),
            Solution::Items(items) => format!("{} items: {}", items.len(), ids(items)),
            Solution::None => return None,
            other => self_json(other),
        })
    }
}

fn self_json(s: &Solution) -> String {
    s.labelled().to_string()
}
