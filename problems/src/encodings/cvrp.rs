//! CVRP: set partitioning over capacity-feasible routes (exact), and cluster-first /
//! route-second (heuristic, for larger instances).

use std::collections::HashMap;
use std::sync::Arc;

use quboflow::{Constraints, QuboBuilder, Sense};
use serde_json::json;

use super::routes::{MAX_SUBSET_CUSTOMERS, Route, feasible_routes, route_order};
use super::{
    Encoded, EnergyMeaning, Parts, add_squared, capacity_penalty, finish, penalty_or, slack_weights,
};
use crate::error::{Error, Result, invalid};
use crate::readers::cvrplib::Cvrp;
use crate::solution::{Decode, Decoded, Solution};

/// Options of the set-partitioning encoding.
#[derive(Debug, Clone, PartialEq)]
pub struct CvrpOptions {
    /// Penalty `A`. Default: `1 + max(max_i c({i}), max_{r,i∈r} c(r∖{i}) − c(r))` (proof at
    /// `tight_penalty`); with a fixed fleet, or when a route-length limit leaves some
    /// `r∖{i}` out, `1 + Σᵢ 2·d(depot, i)` (one more than the all-singletons solution; route
    /// costs are non-negative, so this is safe — `max c_r` is not).
    pub penalty: Option<f64>,
    /// Exactly this many routes (adds `A(Σz − K)²`). Default `None`: any number of vehicles
    /// (the optima of `../shared/data/cvrplib/sub` are for an unlimited fleet).
    pub vehicles: Option<usize>,
    /// Refuse instances with more candidate routes than this (QUBO variables). Default 20 000.
    pub max_routes: usize,
}

impl Default for CvrpOptions {
    fn default() -> Self {
        CvrpOptions {
            penalty: None,
            vehicles: None,
            max_routes: 20_000,
        }
    }
}

fn all_singletons_penalty(cvrp: &Cvrp) -> f64 {
    1.0 + cvrp
        .customers()
        .iter()
        .map(|&i| cvrp.distance(cvrp.depot, i) + cvrp.distance(i, cvrp.depot))
        .sum::<f64>()
}

/// The smallest penalty this argument proves safe, when every singleton route and every route
/// minus one customer is a candidate (always, unless a route-length limit cuts some off):
/// `A = 1 + max(max_i c({i}), max_{r, i∈r} c(r∖{i}) − c(r))`.
///
/// From any infeasible state a chain of steps, each lowering the energy, reaches a feasible
/// one. While a customer `i` is served twice, take a chosen route `r ∋ i`: if `r∖{i}` is
/// empty or already chosen, drop `r` (every customer of `r` is then served at least twice, so
/// each penalty falls by at least `A`, and the cost falls); otherwise replace `r` by `r∖{i}`
/// (cost rises by at most `max c(r∖{i}) − c(r)`, `i`'s penalty falls by at least `A`). Then
/// serve each unserved customer alone (cost `c({i})`, penalty falls by `A`). So the ground
/// state is feasible. This is several times smaller than the all-singletons bound
/// (E-n13-k4: 101 against 673), and a lower wall between feasible states is what lets
/// annealing and tabu cross it.
fn tight_penalty(routes: &[Route], index: &HashMap<u32, usize>, customers: usize) -> Option<f64> {
    let mut worst = 0.0f64;
    for r in routes {
        if r.mask.count_ones() == 1 {
            worst = worst.max(r.cost);
            continue;
        }
        let mut bits = r.mask;
        while bits != 0 {
            let i = bits.trailing_zeros();
            bits &= bits - 1;
            let rest = routes.get(*index.get(&(r.mask & !(1 << i)))?)?;
            worst = worst.max(rest.cost - r.cost);
        }
    }
    let singles = routes.iter().filter(|r| r.mask.count_ones() == 1).count();
    (singles == customers).then_some(1.0 + worst)
}

/// Encodes `cvrp` as set partitioning: one variable per capacity-feasible customer subset
/// (its route optimal by Held–Karp), `E = Σ c_r z_r + A Σ_i (1 − Σ_{r∋i} z_r)²`. With all
/// feasible subsets the model is exact: its ground state is an optimal solution.
pub fn encode(cvrp: &Cvrp, opts: &CvrpOptions) -> Result<Encoded> {
    let m = cvrp.dimension - 1;
    if m > MAX_SUBSET_CUSTOMERS {
        return Err(Error::TooLarge {
            encoding: "cvrp-set-partitioning".into(),
            reason: format!(
                "{m} customers; subsets are enumerated up to {MAX_SUBSET_CUSTOMERS} (use cluster-first)"
            ),
        });
    }
    let routes = feasible_routes(cvrp);
    if routes.len() > opts.max_routes {
        return Err(Error::TooLarge {
            encoding: "cvrp-set-partitioning".into(),
            reason: format!(
                "{} capacity-feasible routes exceed max_routes = {} (use cluster-first)",
                routes.len(),
                opts.max_routes
            ),
        });
    }
    let index: HashMap<u32, usize> = routes
        .iter()
        .enumerate()
        .map(|(i, r)| (r.mask, i))
        .collect();
    // With a fixed fleet the chain of steps above may change the route count, so the
    // all-singletons bound stays.
    let a = penalty_or(opts.penalty, || match opts.vehicles {
        None => tight_penalty(&routes, &index, m).unwrap_or_else(|| all_singletons_penalty(cvrp)),
        Some(_) => all_singletons_penalty(cvrp),
    })?;
    let mut b = QuboBuilder::new(routes.len());
    for (r, route) in routes.iter().enumerate() {
        b.add_linear(r, route.cost);
    }
    let cust = cvrp.customers();
    let mut rows = Vec::with_capacity(m);
    for k in 0..m {
        let row: Vec<usize> = routes
            .iter()
            .enumerate()
            .filter(|(_, r)| r.mask >> k & 1 == 1)
            .map(|(i, _)| i)
            .collect();
        let terms: Vec<(usize, f64)> = row.iter().map(|&i| (i, 1.0)).collect();
        add_squared(&mut b, &terms, 1.0, a);
        rows.push(row);
    }
    if let Some(kv) = opts.vehicles {
        let terms: Vec<(usize, f64)> = (0..routes.len()).map(|i| (i, 1.0)).collect();
        add_squared(&mut b, &terms, kv as f64, a);
    }
    let (qubo, offset) = finish(b)?;
    let n_routes = routes.len();
    Encoded::new(Parts {
        qubo,
        offset,
        constraints: Constraints {
            set_partition: rows,
            ..Default::default()
        },
        decoder: Arc::new(CvrpDecoder {
            cvrp: cvrp.clone(),
            routes,
            index,
            vehicles: opts.vehicles,
            customers: cust,
        }),
        encoding: "cvrp-set-partitioning",
        penalties: json!({ "A": a }),
        energy_meaning: EnergyMeaning::Objective,
        details: json!({ "customers": m, "candidate_routes": n_routes, "vehicles": opts.vehicles }),
    })
}

/// Decoder of [`encode`].
#[derive(Debug, Clone)]
pub struct CvrpDecoder {
    /// The instance.
    pub cvrp: Cvrp,
    /// The candidate routes, one per variable.
    pub routes: Vec<Route>,
    index: HashMap<u32, usize>,
    vehicles: Option<usize>,
    customers: Vec<usize>,
}

fn check(cvrp: &Cvrp, routes: &[Vec<usize>], vehicles: Option<usize>) -> Vec<String> {
    let mut v = cvrp.violations_with_fleet(routes, None);
    if let Some(k) = vehicles
        && routes.len() != k
    {
        v.push(format!(
            "{} routes; the encoding asks for exactly {k}",
            routes.len()
        ));
    }
    v
}

/// `routes` repaired by [`repair_routes`], costed on the instance and checked (with exactly
/// `vehicles` routes when given), flagged as repaired.
pub(crate) fn repaired(cvrp: &Cvrp, routes: Vec<Vec<usize>>, vehicles: Option<usize>) -> Decoded {
    let (routes, steps) = repair_routes(cvrp, routes);
    let cost = cvrp.cost(&routes);
    let viol = check(cvrp, &routes, vehicles);
    Decoded {
        solution: Solution::Routes(routes),
        objective: Some(cost),
        feasible: viol.is_empty(),
        violations: viol,
        repaired: true,
        repair_steps: steps,
    }
}

/// Removes duplicate visits (keeping each customer on its cheapest-to-serve route) and
/// inserts missing customers where they cost least with capacity room, else on a new route.
pub(crate) fn repair_routes(
    cvrp: &Cvrp,
    mut routes: Vec<Vec<usize>>,
) -> (Vec<Vec<usize>>, Vec<String>) {
    let mut steps = Vec::new();
    let n = cvrp.dimension;
    // Duplicates: drop from the costlier route (largest saving) until each appears once.
    loop {
        let mut seen: HashMap<usize, Vec<usize>> = HashMap::new();
        for (r, route) in routes.iter().enumerate() {
            for &c in route {
                seen.entry(c).or_default().push(r);
            }
        }
        let Some((&c, rs)) = seen
            .iter()
            .filter(|(_, rs)| rs.len() > 1)
            .min_by_key(|(c, _)| **c)
        else {
            break;
        };
        let saving = |r: usize| {
            let without: Vec<usize> = routes[r].iter().copied().filter(|&x| x != c).collect();
            cvrp.route_length(&routes[r]) - cvrp.route_length(&without)
        };
        let worst = *rs
            .iter()
            .max_by(|&&a, &&b| saving(a).total_cmp(&saving(b)))
            .unwrap_or(&rs[0]);
        routes[worst].retain(|&x| x != c);
        steps.push(format!(
            "customer {} removed from route {} (served twice)",
            c + 1,
            worst + 1
        ));
    }
    // Overloads: move the smallest demands out until each route fits.
    let mut loose = Vec::new();
    for route in routes.iter_mut() {
        while cvrp.load(route) > cvrp.capacity {
            let (k, _) = route
                .iter()
                .enumerate()
                .min_by(|a, b| cvrp.demands[*a.1].total_cmp(&cvrp.demands[*b.1]))
                .unwrap_or((0, &0));
            loose.push(route.remove(k));
        }
    }
    routes.retain(|r| !r.is_empty());
    let mut served = vec![false; n];
    routes.iter().flatten().for_each(|&c| served[c] = true);
    loose.iter().for_each(|&c| served[c] = true);
    loose.extend(cvrp.customers().into_iter().filter(|&c| !served[c]));
    for c in loose {
        let mut best: Option<(f64, usize, usize)> = None;
        for (r, route) in routes.iter().enumerate() {
            if cvrp.load(route) + cvrp.demands[c] > cvrp.capacity {
                continue;
            }
            for pos in 0..=route.len() {
                let prev = if pos == 0 { cvrp.depot } else { route[pos - 1] };
                let next = if pos == route.len() {
                    cvrp.depot
                } else {
                    route[pos]
                };
                let cost =
                    cvrp.distance(prev, c) + cvrp.distance(c, next) - cvrp.distance(prev, next);
                if best.is_none_or(|b| cost < b.0) {
                    best = Some((cost, r, pos));
                }
            }
        }
        match best {
            Some((_, r, pos)) => {
                routes[r].insert(pos, c);
                steps.push(format!("customer {} inserted into route {}", c + 1, r + 1));
            }
            None => {
                routes.push(vec![c]);
                steps.push(format!("customer {} put on a new route", c + 1));
            }
        }
    }
    (routes, steps)
}

impl Decode for CvrpDecoder {
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
        let chosen: Vec<&Route> = self
            .routes
            .iter()
            .zip(x)
            .filter(|(_, b)| **b == 1)
            .map(|(r, _)| r)
            .collect();
        let routes: Vec<Vec<usize>> = chosen.iter().map(|r| r.customers.clone()).collect();
        let cost = chosen.iter().map(|r| r.cost).sum();
        let viol = check(&self.cvrp, &routes, self.vehicles);
        Decoded::raw(Solution::Routes(routes), Some(cost), viol)
    }

    fn repair(&self, x: &[u8]) -> Option<Decoded> {
        let Solution::Routes(routes) = self.decode(x).solution else {
            return None;
        };
        Some(repaired(&self.cvrp, routes, self.vehicles))
    }

    fn encode_solution(&self, solution: &Solution) -> Option<Vec<u8>> {
        let Solution::Routes(routes) = solution else {
            return None;
        };
        let mut x = vec![0u8; self.routes.len()];
        for r in routes {
            let mut mask = 0u32;
            for c in r {
                mask |= 1 << self.customers.iter().position(|x| x == c)?;
            }
            x[*self.index.get(&mask)?] = 1;
        }
        Some(x)
    }
}

/// Options of the cluster-first encoding.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ClusterOptions {
    /// Vehicles `K`. Default: the instance's fleet, else `⌈Σd / Q⌉`.
    pub vehicles: Option<usize>,
    /// Penalty `A` for the assignment and capacity terms. Default: the universal bound
    /// `1 + Σ_{i<j}(d_ij + d_ji)` (the largest value the clustering objective can take).
    pub penalty: Option<f64>,
}

/// Phase 1 of cluster-first / route-second (Feld et al. 2019): `y_{i,k}` = customer `i` on
/// vehicle `k` (index `i·K + k`), then a capacity slack per vehicle:
/// `E = Σ_k Σ_{i<j}(d_ij + d_ji) y_ik y_jk + A Σ_i (1 − Σ_k y_ik)² + A Σ_k (Σ_i d_i y_ik + s_k − Q)²`.
/// The decoder routes each cluster (Held–Karp up to 12 customers, else nearest neighbour +
/// 2-opt; or encode a cluster with [`crate::encodings::tsp`] via [`Cvrp::cluster_tsp`]).
/// Heuristic: the phase-1 optimum need not be the CVRP optimum.
pub fn encode_clusters(cvrp: &Cvrp, opts: &ClusterOptions) -> Result<Encoded> {
    let cust = cvrp.customers();
    let m = cust.len();
    let total: f64 = cust.iter().map(|&c| cvrp.demands[c]).sum();
    let kv = opts
        .vehicles
        .or(cvrp.vehicles)
        .unwrap_or(((total / cvrp.capacity).ceil() as usize).max(1));
    if cvrp.capacity.fract() != 0.0 || cvrp.demands.iter().any(|d| d.fract() != 0.0) {
        return Err(invalid(
            "cvrp",
            "cluster-first needs integer demands and capacity (binary slack)",
        ));
    }
    let slack = slack_weights(cvrp.capacity as u64);
    let nvars = m * kv + kv * slack.len();
    let a = penalty_or(opts.penalty, || {
        let mut s = 1.0;
        for i in 0..m {
            for j in i + 1..m {
                s += cvrp.distance(cust[i], cust[j]) + cvrp.distance(cust[j], cust[i]);
            }
        }
        s
    })?;
    let mut b = QuboBuilder::new(nvars);
    for k in 0..kv {
        for i in 0..m {
            for j in i + 1..m {
                b.add_quadratic(
                    i * kv + k,
                    j * kv + k,
                    cvrp.distance(cust[i], cust[j]) + cvrp.distance(cust[j], cust[i]),
                );
            }
        }
    }
    for i in 0..m {
        let terms: Vec<(usize, f64)> = (0..kv).map(|k| (i * kv + k, 1.0)).collect();
        add_squared(&mut b, &terms, 1.0, a);
    }
    let mut slack_blocks = Vec::new();
    let mut capacities = Vec::with_capacity(kv);
    for k in 0..kv {
        let base = m * kv + k * slack.len();
        let loads: Vec<(usize, f64)> = (0..m)
            .map(|i| (i * kv + k, cvrp.demands[cust[i]]))
            .collect();
        capacities.push(capacity_penalty(
            &mut b,
            &loads,
            cvrp.capacity,
            base,
            &slack,
            a,
        ));
        slack_blocks.push((base..base + slack.len()).collect());
    }
    let (qubo, offset) = finish(b)?;
    Encoded::new(Parts {
        qubo,
        offset,
        constraints: Constraints {
            one_hot: (0..m)
                .map(|i| (0..kv).map(|k| i * kv + k).collect())
                .collect(),
            slack: slack_blocks,
            capacities,
            ..Default::default()
        },
        decoder: Arc::new(ClusterDecoder {
            cvrp: cvrp.clone(),
            vehicles: kv,
            customers: cust,
        }),
        encoding: "cvrp-cluster-first",
        penalties: json!({ "A": a }),
        energy_meaning: EnergyMeaning::Heuristic,
        details: json!({ "customers": m, "vehicles": kv, "slack_bits_per_vehicle": slack.len() }),
    })
}

/// Decoder of [`encode_clusters`].
#[derive(Debug, Clone)]
pub struct ClusterDecoder {
    /// The instance.
    pub cvrp: Cvrp,
    vehicles: usize,
    customers: Vec<usize>,
}

impl ClusterDecoder {
    fn clusters(&self, x: &[u8]) -> (Vec<Vec<usize>>, Vec<String>) {
        let kv = self.vehicles;
        let mut clusters = vec![Vec::new(); kv];
        let mut viol = Vec::new();
        for (i, &c) in self.customers.iter().enumerate() {
            let ks: Vec<usize> = (0..kv).filter(|&k| x.get(i * kv + k) == Some(&1)).collect();
            match ks.as_slice() {
                [k] => clusters[*k].push(c),
                [] => viol.push(format!("customer {} is on no vehicle", c + 1)),
                _ => viol.push(format!("customer {} is on {} vehicles", c + 1, ks.len())),
            }
        }
        (clusters, viol)
    }
}

impl Decode for ClusterDecoder {
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
        let (clusters, mut viol) = self.clusters(x);
        let routes: Vec<Vec<usize>> = clusters
            .iter()
            .filter(|c| !c.is_empty())
            .map(|c| route_order(&self.cvrp, c))
            .collect();
        for v in self.cvrp.violations_with_fleet(&routes, None) {
            if !v.contains("not served") {
                viol.push(v);
            }
        }
        let cost = self.cvrp.cost(&routes);
        Decoded::raw(Solution::Routes(routes), Some(cost), viol)
    }

    fn repair(&self, x: &[u8]) -> Option<Decoded> {
        let (clusters, _) = self.clusters(x);
        let (routes, steps) = repair_routes(
            &self.cvrp,
            clusters.into_iter().filter(|c| !c.is_empty()).collect(),
        );
        let routes: Vec<Vec<usize>> = routes.iter().map(|r| route_order(&self.cvrp, r)).collect();
        let cost = self.cvrp.cost(&routes);
        let viol = self.cvrp.violations_with_fleet(&routes, None);
        Some(Decoded {
            solution: Solution::Routes(routes),
            objective: Some(cost),
            feasible: viol.is_empty(),
            violations: viol,
            repaired: true,
            repair_steps: steps,
        })
    }

    fn encode_solution(&self, _solution: &Solution) -> Option<Vec<u8>> {
        None
    }
}

impl Cvrp {
    /// The TSP over the depot and `customers` (depot first), for routing one cluster with
    /// [`crate::encodings::tsp::encode`].
    pub fn cluster_tsp(&self, customers: &[usize]) -> Result<crate::Tsp> {
        let nodes: Vec<usize> = std::iter::once(self.depot)
            .chain(customers.iter().copied())
            .collect();
        let d = nodes
            .iter()
            .map(|&i| nodes.iter().map(|&j| self.distance(i, j)).collect())
            .collect();
        crate::Tsp::from_matrix(&format!("{}-cluster", self.name), d)
    }
}
