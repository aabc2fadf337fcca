//! CVRP as set partitioning over a pool of good routes (hundreds to thousands of variables),
//! for instances too large to enumerate every feasible route.

use std::sync::Arc;

use quboflow::{Constraints, QuboBuilder, Sense};
use serde_json::json;

use super::cvrp::repaired;
use super::{Encoded, EnergyMeaning, Parts, add_squared, finish, penalty_or};
use crate::error::Result;
use crate::pool::{PoolOptions, PoolRoute, RoutePool};
use crate::readers::cvrplib::Cvrp;
use crate::solution::{Decode, Decoded, Solution};

/// Encodes the choice among `pool`'s routes: `E = Σ c_r z_r + A Σ_i (1 − Σ_{r∋i} z_r)²`,
/// one variable per route, a set-partitioning row per customer.
///
/// The default `A` is `1 + Σ_i c({i})`: the pool holds every single-customer route, so the
/// all-singletons solution is feasible and costs less than `A`, while any infeasible state
/// pays at least `A` — the ground state is feasible. It is the best selection from the pool,
/// not necessarily the instance's optimum (heuristic: [`EnergyMeaning::Heuristic`]).
///
/// ```
/// use quboflow_problems::{Cvrp, encodings::pool::encode_pool, pool::{PoolOptions, RoutePool}};
/// let d = vec![vec![0.0, 3.0, 3.0, 4.0], vec![3.0, 0.0, 1.0, 5.0], vec![3.0, 1.0, 0.0, 5.0], vec![4.0, 5.0, 5.0, 0.0]];
/// let c = Cvrp::from_matrix("tiny", d, vec![0.0, 1.0, 1.0, 1.0], 2.0, 0)?;
/// let pool = RoutePool::build(&c, &PoolOptions::default(), None);
/// let enc = encode_pool(&c, &pool, None)?;
/// let (routes, _) = pool.best().unwrap();
/// let x = enc.decoder.encode_solution(&quboflow_problems::Solution::Routes(routes.clone())).unwrap();
/// let d = enc.decode(&x);
/// assert!(d.feasible);
/// assert_eq!(enc.qubo.energy(&x), d.objective.unwrap());
/// # Ok::<(), quboflow_problems::Error>(())
/// ```
pub fn encode_pool(cvrp: &Cvrp, pool: &RoutePool, penalty: Option<f64>) -> Result<Encoded> {
    let routes = pool.routes();
    let customers = cvrp.customers();
    let a = penalty_or(penalty, || {
        1.0 + customers
            .iter()
            .map(|&i| cvrp.distance(cvrp.depot, i) + cvrp.distance(i, cvrp.depot))
            .sum::<f64>()
    })?;
    let mut b = QuboBuilder::new(routes.len());
    for (r, route) in routes.iter().enumerate() {
        b.add_linear(r, route.cost);
    }
    let mut row_of = vec![usize::MAX; cvrp.dimension];
    for (k, &c) in customers.iter().enumerate() {
        row_of[c] = k;
    }
    let mut rows: Vec<Vec<usize>> = vec![Vec::new(); customers.len()];
    for (r, route) in routes.iter().enumerate() {
        for &c in &route.customers {
            rows[row_of[c]].push(r);
        }
    }
    for row in &rows {
        let terms: Vec<(usize, f64)> = row.iter().map(|&i| (i, 1.0)).collect();
        add_squared(&mut b, &terms, 1.0, a);
    }
    let (qubo, offset) = finish(b)?;
    let n = routes.len();
    Encoded::new(Parts {
        qubo,
        offset,
        constraints: Constraints {
            set_partition: rows,
            ..Default::default()
        },
        decoder: Arc::new(PoolDecoder {
            cvrp: cvrp.clone(),
            routes: routes.to_vec(),
            pool: pool.clone(),
        }),
        encoding: "cvrp-route-pool",
        penalties: json!({ "A": a }),
        energy_meaning: EnergyMeaning::Heuristic,
        details: json!({
            "customers": customers.len(),
            "pool_routes": n,
            "pool_best_cost": pool.best().map(|b| *b.1),
            "vehicles": cvrp.vehicles,
        }),
    })
}

/// The route-pool encoding of `cvrp` with a pool grown as `opts` says.
pub fn encode(cvrp: &Cvrp, opts: &PoolOptions, penalty: Option<f64>) -> Result<Encoded> {
    encode_pool(cvrp, &RoutePool::build(cvrp, opts, None), penalty)
}

/// Decoder of [`encode_pool`].
#[derive(Debug, Clone)]
pub struct PoolDecoder {
    /// The instance.
    pub cvrp: Cvrp,
    /// The routes, one per variable.
    pub routes: Vec<PoolRoute>,
    pool: RoutePool,
}

impl Decode for PoolDecoder {
    fn problem(&self) -> &str {
        "cvrp"
    }
    fn objective_name(&self) -> &str {
        "total distance"
    }
    fn sense(&self) -> Sense {
        Sense::Minimize
    }

    fn picture(&self, d: &Decoded) -> Option<quboflow::compare::Picture> {
        match &d.solution {
            Solution::Routes(r) => crate::picture::routes(&self.cvrp, r),
            _ => None,
        }
    }

    fn decode(&self, x: &[u8]) -> Decoded {
        let routes: Vec<Vec<usize>> = self
            .routes
            .iter()
            .zip(x)
            .filter(|(_, b)| **b == 1)
            .map(|(r, _)| r.customers.clone())
            .collect();
        // The cost from the instance's distances, not from the pool's stored figures.
        let cost = self.cvrp.cost(&routes);
        let viol = self.cvrp.violations_with_fleet(&routes, None);
        Decoded::raw(Solution::Routes(routes), Some(cost), viol)
    }

    fn repair(&self, x: &[u8]) -> Option<Decoded> {
        let Solution::Routes(routes) = self.decode(x).solution else {
            return None;
        };
        Some(repaired(&self.cvrp, routes, None))
    }

    fn encode_solution(&self, solution: &Solution) -> Option<Vec<u8>> {
        let Solution::Routes(routes) = solution else {
            return None;
        };
        let mut x = vec![0u8; self.routes.len()];
        for r in routes {
            x[self.pool.find(r)?] = 1;
        }
        Some(x)
    }
}
