//! What a user chooses when encoding: the encoding and the penalty weight.

use std::fmt;
use std::str::FromStr;

/// Which QUBO encoding to use for a file or instance.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum Encoding {
    /// The problem's exact default: `tsp-position` for TSP, `cvrp-set-partitioning` for CVRP,
    /// `knapsack-log-slack` for knapsack, `maxcut` for a Gset graph, the file's own QUBO for
    /// the plain formats.
    #[default]
    Auto,
    /// TSP, city-by-position one-hot with city 1 fixed first (exact).
    TspPosition,
    /// CVRP as set partitioning over every capacity-feasible route (exact).
    CvrpSetPartitioning,
    /// CVRP cluster-first / route-second (heuristic, for larger instances).
    CvrpClusters,
    /// CVRP as set partitioning over a pool of good routes (heuristic, any size).
    CvrpRoutePool,
    /// Knapsack with log-encoded slack (exact).
    KnapsackLogSlack,
    /// Knapsack with unbalanced penalisation (n variables, heuristic).
    KnapsackUnbalanced,
    /// Max-Cut of a Gset graph.
    Maxcut,
}

impl Encoding {
    /// Every encoding, as `--encoding` lists them.
    pub const ALL: [Encoding; 8] = [
        Encoding::Auto,
        Encoding::TspPosition,
        Encoding::CvrpSetPartitioning,
        Encoding::CvrpClusters,
        Encoding::CvrpRoutePool,
        Encoding::KnapsackLogSlack,
        Encoding::KnapsackUnbalanced,
        Encoding::Maxcut,
    ];

    /// The name on the command line and in results (`Encoded::encoding` uses the same).
    pub fn name(self) -> &'static str {
        match self {
            Encoding::Auto => "auto",
            Encoding::TspPosition => "tsp-position",
            Encoding::CvrpSetPartitioning => "cvrp-set-partitioning",
            Encoding::CvrpClusters => "cvrp-clusters",
            Encoding::CvrpRoutePool => "cvrp-route-pool",
            Encoding::KnapsackLogSlack => "knapsack-log-slack",
            Encoding::KnapsackUnbalanced => "knapsack-unbalanced",
            Encoding::Maxcut => "maxcut",
        }
    }

    /// One line on what it is.
    pub fn describe(self) -> &'static str {
        match self {
            Encoding::Auto => {
                "the problem's exact default (tsp-position, cvrp-set-partitioning, knapsack-log-slack, maxcut for Gset)"
            }
            Encoding::TspPosition => "TSP, city-by-position one-hot, city 1 fixed first (exact)",
            Encoding::CvrpSetPartitioning => {
                "CVRP as set partitioning over all capacity-feasible routes (exact)"
            }
            Encoding::CvrpClusters => "CVRP cluster-first / route-second (heuristic)",
            Encoding::CvrpRoutePool => {
                "CVRP as set partitioning over a pool of good routes (heuristic, any size)"
            }
            Encoding::KnapsackLogSlack => "knapsack with log-encoded slack (exact)",
            Encoding::KnapsackUnbalanced => {
                "knapsack with unbalanced penalisation (n variables, heuristic)"
            }
            Encoding::Maxcut => "Max-Cut of a Gset graph",
        }
    }
}

impl fmt::Display for Encoding {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

impl FromStr for Encoding {
    type Err = String;
    /// The names of [`Encoding::name`], plus the short forms `tsp`, `cvrp` and `knapsack`.
    fn from_str(s: &str) -> Result<Self, String> {
        let s = s.trim().to_ascii_lowercase();
        let short = match s.as_str() {
            "tsp" => Some(Encoding::TspPosition),
            "cvrp" => Some(Encoding::CvrpSetPartitioning),
            "knapsack" => Some(Encoding::KnapsackLogSlack),
            _ => None,
        };
        short
            .or_else(|| Encoding::ALL.into_iter().find(|e| e.name() == s))
            .ok_or_else(|| {
                let names: Vec<&str> = Encoding::ALL.iter().map(|e| e.name()).collect();
                format!(
                    "unknown encoding `{s}` (expected one of {})",
                    names.join(", ")
                )
            })
    }
}

/// The penalty weight `A` of an encoding's constraint terms.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub enum Penalty {
    /// The encoding's provably safe default (`../shared/reference/encodings.md`).
    #[default]
    Safe,
    /// This weight (positive and finite; large enough to be safe is the caller's business,
    /// small enough that energies stay exact is checked).
    Weight(f64),
}

impl Penalty {
    /// The weight given, if any.
    pub fn weight(self) -> Option<f64> {
        match self {
            Penalty::Safe => None,
            Penalty::Weight(a) => Some(a),
        }
    }
}

impl From<Option<f64>> for Penalty {
    fn from(a: Option<f64>) -> Self {
        a.map_or(Penalty::Safe, Penalty::Weight)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_and_short_forms_parse() {
        for e in Encoding::ALL {
            assert_eq!(e.name().parse::<Encoding>().unwrap(), e);
        }
        assert_eq!("tsp".parse::<Encoding>().unwrap(), Encoding::TspPosition);
        assert_eq!(
            "KNAPSACK".parse::<Encoding>().unwrap(),
            Encoding::KnapsackLogSlack
        );
        assert!(
            "qaoa"
                .parse::<Encoding>()
                .unwrap_err()
                .contains("tsp-position")
        );
        assert_eq!(Penalty::from(Some(3.0)).weight(), Some(3.0));
        assert_eq!(Penalty::from(None), Penalty::Safe);
    }
}
