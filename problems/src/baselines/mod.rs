//! Classical OR baselines on the native objective, the yardstick every QUBO answer is
//! reported against: nearest neighbour + 2-opt + Or-opt for a TSP, Clarke–Wright savings +
//! local search for a CVRP, dynamic programming (or greedy + swaps) for a knapsack.

pub(crate) mod cvrp;
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
    /// What the method does, in a few words.
    pub method: String,
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
    let (name, method, solution, objective, violations, optimal) = match instance {
        Instance::Tsp(t) => {
            let tour = tsp::tour(t, deadline);
            let len = t.tour_length(&tour);
            let method = "nearest neighbour, then 2-opt and Or-opt to a local optimum";
            (
                "nn+2opt+oropt",
                method,
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
            let method = "Clarke-Wright savings (9 shapes), then relocate, swap and 2-opt";
            (
                "clarke-wright+ls",
                method,
                Solution::Routes(routes),
                cost,
                bad,
                false,
            )
        }
        Instance::Knapsack(k) => {
            let (items, proven) = knapsack::select(k);
            let value = items.iter().map(|&i| k.values[i]).sum();
            let (name, method) = if proven {
                ("knapsack-dp", "dynamic programming over capacities (exact)")
            } else {
                (
                    "greedy+swaps",
                    "greedy by value density, then one-for-one swaps",
                )
            };
            (
                name,
                method,
                Solution::Items(items),
                value,
                Vec::new(),
                proven,
            )
        }
    };
    Baseline {
        name: name.to_string(),
        method: method.to_string(),
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
            source: self.method.clone(),
            gap_percent: None,
        }
    }
}

/// How long a comparison lets the classical baseline search (it stops at a local optimum
/// long before on the instances of `../shared/data`: under 5 ms at 105 cities or 50
/// customers); the best found by then is reported.
pub const COMPARISON_BASELINE_LIMIT: Duration = Duration::from_secs(10);

/// What a comparison lists beside the solvers for `instance`: its classical baseline (within
/// [`COMPARISON_BASELINE_LIMIT`]), and
/// the user's plan in `plan` (a tour or `.sol` file, priced by [`crate::plan_cost`]) when
/// given. A plan that does not fit the instance is an error naming the file.
pub fn comparison_baselines(
    instance: &Instance,
    plan: Option<&std::path::Path>,
) -> Result<Vec<BaselineResult>> {
    let mut out = vec![baseline(instance, Some(COMPARISON_BASELINE_LIMIT)).to_result()];
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{Cvrp, Tsp};

    fn points(n: usize, seed: u64) -> Vec<(f64, f64)> {
        let mut s = seed;
        let mut next = || {
            s = s
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            (s >> 11) as f64 / (1u64 << 53) as f64 * 1000.0
        };
        (0..n).map(|_| (next(), next())).collect()
    }

    fn matrix(p: &[(f64, f64)]) -> Vec<Vec<f64>> {
        p.iter()
            .map(|a| {
                p.iter()
                    .map(|b| ((a.0 - b.0).powi(2) + (a.1 - b.1).powi(2)).sqrt().round())
                    .collect()
            })
            .collect()
    }

    #[test]
    fn a_large_tsp_stops_at_its_time_limit_with_a_valid_tour() {
        let tsp = Tsp::from_matrix("big", matrix(&points(1500, 7))).unwrap();
        let b = baseline(
            &Instance::Tsp(tsp.clone()),
            Some(Duration::from_millis(200)),
        );
        let Solution::Tour(t) = &b.solution else {
            panic!()
        };
        assert!(tsp.is_tour(t));
        assert_eq!(tsp.tour_length(t), b.objective);
        assert!(b.wall_s < 3.0, "{}", b.wall_s);
        // The same instance, the same answer.
        let small = Tsp::from_matrix("small", matrix(&points(60, 3))).unwrap();
        let one = baseline(&Instance::Tsp(small.clone()), None);
        assert_eq!(one.solution, baseline(&Instance::Tsp(small), None).solution);
    }

    #[test]
    fn a_fleet_too_small_makes_the_cvrp_baseline_infeasible_not_wrong() {
        // Every customer fills more than half a vehicle: seven routes, five vehicles.
        let p = points(8, 11);
        let demands = vec![0.0, 6.0, 6.0, 6.0, 6.0, 6.0, 6.0, 6.0];
        let mut c = Cvrp::from_matrix("tight", matrix(&p), demands, 10.0, 0).unwrap();
        c.vehicles = Some(5);
        let b = baseline(&Instance::Cvrp(c.clone()), None);
        let Solution::Routes(r) = &b.solution else {
            panic!()
        };
        assert!(!b.feasible && !b.violations.is_empty());
        assert_eq!(r.len(), 7);
        assert_eq!(c.cost(r), b.objective);
        let mut seen: Vec<usize> = r.iter().flatten().copied().collect();
        seen.sort();
        assert_eq!(seen, (1..8).collect::<Vec<_>>());
        // With the fleet it needs, the same routes are feasible.
        c.vehicles = Some(7);
        assert!(baseline(&Instance::Cvrp(c), None).feasible);
    }
}
