//! Classical OR baselines on the native objective, the yardstick every QUBO answer is
//! reported against: nearest neighbour + 2-opt + Or-opt for a TSP, Clarke–Wright savings +
//! local search for a CVRP, dynamic programming (or greedy + swaps) for a knapsack.

mod cvrp;
mod knapsack;
mod tsp;

use std::time::{Duration, Instant};

use quboflow::compare::{BaselineKind, BaselineResult};
use serde::Serialize;

use crate::error::Result;
use crate::instance::Instance;
use crate::solution::Solution;

/// A classical baseline's answer, priced on the instance's own data.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Baseline {
    /// Short name in reports (`nn+2opt+oropt`, `clarke-wright+ls`, `knapsack-dp`, …).
    pub name: String,
    /// The solution in native terms.
    pub solution: Solution,
    /// Its native objective: tour length, total route distance, packed value.
    pub objective: f64,
    /// True when no native constraint is violated (a CVRP may need more routes than the fleet).
    pub feasible: bool,
    /// What makes it infeasible.
    pub violations: Vec<String>,
    /// True when the method proves the value optimal (knapsack DP).
    pub optimal: bool,
    /// Seconds it took.
    pub wall_s: f64,
}

/// The classical baseline of `instance`, within `time_limit` (default: until the local
/// search converges, which takes well under a second at 100 cities or customers). The same
/// instance always gives the same answer.
///
/// ```
/// use quboflow_problems::{Instance, baseline};
/// let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../testdata/burma14_first5.tsp");
/// let b = baseline(&Instance::read(&path)?, None);
/// assert_eq!((b.name.as_str(), b.objective, b.feasible), ("nn+2opt+oropt", 2321.0, true));
/// # Ok::<(), quboflow_problems::Error>(())
/// ```
pub fn baseline(instance: &Instance, time_limit: Option<Duration>) -> Baseline {
    let t0 = Instant::now();
    let deadline = time_limit.and_then(|d| t0.checked_add(d));
    let (name, solution, objective, violations, optimal) = match instance {
        Instance::Tsp(t) => {
            let tour = tsp::tour(t, deadline);
            let len = t.tour_length(&tour);
            (
                "nn+2opt+oropt",
                Solution::Tour(tour),
                len,
                Vec::new(),
                false,
            )
        }
        Instance::Cvrp(c) => {
            let routes = cvrp::routes(c, deadline);
            let cost = c.cost(&routes);
            let bad = c.violations(&routes);
            (
                "clarke-wright+ls",
                Solution::Routes(routes),
                cost,
                bad,
                false,
            )
        }
        Instance::Knapsack(k) => {
            let (items, proven) = knapsack::select(k);
            let value = items.iter().map(|&i| k.values[i]).sum();
            let name = if proven {
                "knapsack-dp"
            } else {
                "greedy+swaps"
            };
            (name, Solution::Items(items), value, Vec::new(), proven)
        }
    };
    Baseline {
        name: name.to_string(),
        solution,
        objective,
        feasible: violations.is_empty(),
        violations,
        optimal,
        wall_s: t0.elapsed().as_secs_f64(),
    }
}

impl Baseline {
    /// This baseline as a comparison report lists it (its gap is filled in by the report).
    pub fn to_result(&self) -> BaselineResult {
        BaselineResult {
            name: self.name.clone(),
            kind: BaselineKind::Classical,
            objective: self.objective,
            feasible: self.feasible,
            optimal: self.optimal,
            wall_s: self.wall_s,
            source: match self.name.as_str() {
                "nn+2opt+oropt" => "nearest neighbour, then 2-opt and Or-opt to a local optimum",
                "clarke-wright+ls" => {
                    "Clarke-Wright savings (9 shapes), then relocate, swap and 2-opt"
                }
                "knapsack-dp" => "dynamic programming over capacities (exact)",
                _ => "greedy by value density, then one-for-one swaps",
            }
            .to_string(),
            gap_percent: None,
        }
    }
}

/// What a comparison lists beside the solvers for `instance`: its classical baseline, and
/// the user's plan in `plan` (a tour or `.sol` file, priced by [`crate::plan_cost`]) when
/// given. A plan that does not fit the instance is an error naming the file.
pub fn comparison_baselines(
    instance: &Instance,
    plan: Option<&std::path::Path>,
) -> Result<Vec<BaselineResult>> {
    let mut out = vec![baseline(instance, None).to_result()];
    if let Some(p) = plan {
        out.push(BaselineResult {
            name: "plan".into(),
            kind: BaselineKind::Plan,
            objective: crate::plan_cost(instance, p)?,
            feasible: true,
            optimal: false,
            wall_s: 0.0,
            source: p.display().to_string(),
            gap_percent: None,
        });
    }
    Ok(out)
}
