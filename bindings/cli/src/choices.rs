//! Library enums as command-line choices: `--help` lists their names, and parsing goes
//! through the library's own `FromStr`, so the CLI and Python accept the same names.

use clap::builder::{PossibleValue, PossibleValuesParser, TypedValueParser};

/// `(name, help, hidden)` of each accepted value; hidden ones are accepted aliases.
pub(crate) type Choices = &'static [(&'static str, &'static str, bool)];

/// The formats of `--format`.
pub(crate) const FORMATS: Choices = &[
    ("qubo", "qbsolv .qubo", false),
    ("coo", "dimod COO text", false),
    ("json", "quboflow or dimod BQM JSON", false),
    ("bqp", "Beasley OR-Library bqp (maximise)", false),
    ("gset", "Gset graph (Max-Cut)", false),
    ("tsplib", "TSPLIB .tsp", false),
    ("cvrplib", "CVRPLIB .vrp", false),
    ("knapsack", "Ortega or Pisinger knapsack file", false),
    ("tsp", "", true),
    ("vrp", "", true),
    ("cvrp", "", true),
];

/// The encodings of `--encoding`.
pub(crate) const ENCODINGS: Choices = &[
    ("auto", "the problem's exact default", false),
    (
        "tsp-position",
        "TSP, city-by-position one-hot (exact)",
        false,
    ),
    (
        "cvrp-set-partitioning",
        "CVRP over all feasible routes (exact)",
        false,
    ),
    (
        "cvrp-clusters",
        "CVRP cluster-first / route-second (heuristic)",
        false,
    ),
    (
        "knapsack-log-slack",
        "knapsack with log-encoded slack (exact)",
        false,
    ),
    (
        "knapsack-unbalanced",
        "knapsack, unbalanced penalisation (heuristic)",
        false,
    ),
    ("maxcut", "Max-Cut of a Gset graph", false),
    ("tsp", "", true),
    ("cvrp", "", true),
    ("knapsack", "", true),
];

/// The solvers of `--solver` / `--solvers`.
pub(crate) const SOLVERS: Choices = &[
    (
        "exact",
        "exhaustive enumeration (up to --max-num-vars variables)",
        false,
    ),
    ("descent", "multi-start steepest descent", false),
    (
        "sa",
        "simulated annealing (dwave-samplers' parameters)",
        false,
    ),
    ("pt", "parallel tempering (replica exchange)", false),
    ("tabu", "multistart tabu search (Palubeckis MST2)", false),
    ("qaoa", "QAOA on the statevector simulator", false),
];

/// A parser accepting `choices` and producing `T` through its `FromStr`.
pub(crate) fn parser<T>(choices: Choices) -> impl TypedValueParser<Value = T>
where
    T: std::str::FromStr<Err = String> + Clone + Send + Sync + 'static,
{
    let values = choices.iter().map(|&(name, help, hidden)| {
        let v = PossibleValue::new(name).hide(hidden);
        if help.is_empty() { v } else { v.help(help) }
    });
    PossibleValuesParser::new(values).try_map(|s: String| s.parse::<T>())
}
