//! Route pools for CVRP: capacity-feasible routes gathered from savings and from ruin-and-
//! recreate neighbourhoods of good solutions, for a set-partitioning QUBO to choose among.

mod search;

use std::collections::HashMap;
use std::time::Instant;

use rand::rngs::Xoshiro256PlusPlus;
use rand::{RngExt, SeedableRng};

use crate::baselines::cvrp::{LAMBDAS, fits, improved, savings};
use crate::encodings::routes::route_order;
use crate::readers::cvrplib::Cvrp;
pub use search::{PoolRound, PoolSearch, PoolSearchOptions, Select, pool_search};

/// A route of a pool: customers in visiting order and the route's length.
#[derive(Debug, Clone, PartialEq)]
pub struct PoolRoute {
    /// Customers (0-based node indices) in visiting order.
    pub customers: Vec<usize>,
    /// Length from the depot and back, on the instance's distances.
    pub cost: f64,
}

/// How a pool is grown.
#[derive(Debug, Clone, PartialEq)]
pub struct PoolOptions {
    /// Ruin-and-recreate iterations from the best savings solution. Default 300.
    pub iterations: usize,
    /// Most routes kept; growth stops adding new ones beyond it. Default 5000.
    pub max_routes: usize,
    /// Seed of the ruin choices. Default 1.
    pub seed: u64,
}

impl Default for PoolOptions {
    fn default() -> Self {
        PoolOptions {
            iterations: 300,
            max_routes: 5000,
            seed: 1,
        }
    }
}

/// A set of distinct capacity-feasible routes (one per customer set, the shortest order
/// found), always holding every single-customer route so any customer can be covered, and
/// the best solution met while gathering them.
///
/// ```
/// use quboflow_problems::{generate::random_cvrp, pool::{PoolOptions, RoutePool}};
/// let c = random_cvrp(20, 3, 1)?;
/// let pool = RoutePool::build(&c, &PoolOptions { iterations: 50, ..Default::default() }, None);
/// assert!(pool.routes().len() > 20); // the 20 singletons, and routes of good solutions
/// let (routes, cost) = pool.best().unwrap();
/// assert!(c.violations_with_fleet(routes, None).is_empty());
/// assert_eq!(*cost, c.cost(routes));
/// # Ok::<(), quboflow_problems::Error>(())
/// ```
#[derive(Debug, Clone)]
pub struct RoutePool {
    routes: Vec<PoolRoute>,
    index: HashMap<Vec<usize>, usize>,
    max_routes: usize,
    best: Option<(Vec<Vec<usize>>, f64)>,
    /// Near neighbours of every node, nearest first (for ruins of close customers).
    near: Vec<Vec<usize>>,
    rng: Xoshiro256PlusPlus,
}

impl RoutePool {
    /// The singletons, the savings solutions for nine shapes λ (each after local search), and
    /// `opts.iterations` ruin-and-recreate steps from the best of them; stops early at
    /// `deadline`. Deterministic for a seed when no deadline cuts it short.
    pub fn build(cvrp: &Cvrp, opts: &PoolOptions, deadline: Option<Instant>) -> Self {
        let customers = cvrp.customers();
        let near = (0..cvrp.dimension)
            .map(|i| {
                let mut v: Vec<usize> = customers.iter().copied().filter(|&j| j != i).collect();
                v.sort_by(|&a, &b| cvrp.distance(i, a).total_cmp(&cvrp.distance(i, b)));
                v
            })
            .collect();
        let mut pool = RoutePool {
            routes: Vec::new(),
            index: HashMap::new(),
            max_routes: opts.max_routes.max(customers.len()),
            best: None,
            near,
            rng: Xoshiro256PlusPlus::seed_from_u64(opts.seed),
        };
        for &c in &customers {
            pool.add_route(cvrp, vec![c]);
        }
        for lambda in LAMBDAS {
            let r = improved(cvrp, savings(cvrp, lambda), deadline);
            pool.add_solution(cvrp, &r);
            if deadline.is_some_and(|d| Instant::now() >= d) {
                break;
            }
        }
        pool.grow(cvrp, opts.iterations, deadline);
        pool
    }

    /// The routes, one QUBO variable each.
    pub fn routes(&self) -> &[PoolRoute] {
        &self.routes
    }

    /// The best complete solution met while gathering routes (within the fleet when any
    /// was), with its cost.
    pub fn best(&self) -> Option<(&Vec<Vec<usize>>, &f64)> {
        self.best.as_ref().map(|(r, c)| (r, c))
    }

    /// The variable of the route serving exactly `customers`, if the pool has it.
    pub fn find(&self, customers: &[usize]) -> Option<usize> {
        let mut key = customers.to_vec();
        key.sort_unstable();
        self.index.get(&key).copied()
    }

    /// Adds a route (its order improved: exact up to 12 customers) unless it breaks the
    /// capacity or length limit or the pool is full; a cheaper order of a known customer
    /// set replaces the old one.
    pub fn add_route(&mut self, cvrp: &Cvrp, customers: Vec<usize>) {
        self.insert(cvrp, customers, false);
    }

    fn insert(&mut self, cvrp: &Cvrp, customers: Vec<usize>, force: bool) {
        if customers.is_empty() || !fits(cvrp, &customers) {
            return;
        }
        let mut key = customers.clone();
        key.sort_unstable();
        if let Some(&i) = self.index.get(&key) {
            let cost = cvrp.route_length(&customers);
            if cost < self.routes[i].cost - 1e-9 {
                self.routes[i] = PoolRoute { customers, cost };
            }
            return;
        }
        if self.routes.len() >= self.max_routes && !force {
            return;
        }
        let order = best_order(cvrp, customers);
        let cost = cvrp.route_length(&order);
        self.index.insert(key, self.routes.len());
        self.routes.push(PoolRoute {
            customers: order,
            cost,
        });
    }

    /// Adds every route of a solution and keeps the solution if it is the best so far (its
    /// routes then join even a full pool, so the best is always a selection of the pool).
    pub fn add_solution(&mut self, cvrp: &Cvrp, routes: &[Vec<usize>]) {
        let feasible = cvrp.violations_with_fleet(routes, None).is_empty();
        let cost = cvrp.cost(routes);
        let is_best = feasible
            && self
                .best
                .as_ref()
                .is_none_or(|(b, bc)| rank(cvrp, routes, cost) < rank(cvrp, b, *bc));
        for r in routes {
            self.insert(cvrp, r.clone(), is_best);
        }
        if is_best {
            self.best = Some((routes.to_vec(), cost));
        }
    }

    /// `iterations` ruin-and-recreate steps (remove a cluster of near customers, reinsert each
    /// where it costs least, local search), accepting a new current solution when it is at
    /// most a shrinking threshold worse (record-to-record); every solution's routes join the
    /// pool. Starts from the best solution known.
    pub fn grow(&mut self, cvrp: &Cvrp, iterations: usize, deadline: Option<Instant>) {
        let Some((start, _)) = self.best.clone() else {
            return;
        };
        let m = cvrp.dimension - 1;
        if m < 2 {
            return;
        }
        let mut current = start;
        let mut current_cost = cvrp.cost(&current);
        for it in 0..iterations {
            if deadline.is_some_and(|d| Instant::now() >= d) {
                break;
            }
            let next = self.ruin_recreate(cvrp, &current, deadline);
            let cost = cvrp.cost(&next);
            // Threshold falls from 2 % to 0 over the iterations.
            let threshold = 0.02 * (1.0 - it as f64 / iterations.max(1) as f64);
            let accept = cvrp.violations_with_fleet(&next, None).is_empty()
                && cvrp
                    .vehicles
                    .is_none_or(|k| next.len() <= k || current.len() > k)
                && cost <= current_cost * (1.0 + threshold);
            self.add_solution(cvrp, &next);
            if accept {
                current = next;
                current_cost = cost;
            }
        }
    }

    fn ruin_recreate(
        &mut self,
        cvrp: &Cvrp,
        routes: &[Vec<usize>],
        deadline: Option<Instant>,
    ) -> Vec<Vec<usize>> {
        let customers = cvrp.customers();
        let m = customers.len();
        let seed = customers[self.rng.random_range(0..m)];
        let q = self.rng.random_range(2..=(m / 4).max(3)).min(m);
        let mut removed = vec![seed];
        // Mostly the nearest neighbours, sometimes skipping one, so ruins differ.
        for &j in &self.near[seed] {
            if removed.len() >= q {
                break;
            }
            if self.rng.random_range(0..10) > 0 {
                removed.push(j);
            }
        }
        let mut out: Vec<Vec<usize>> = routes
            .iter()
            .map(|r| r.iter().copied().filter(|c| !removed.contains(c)).collect())
            .filter(|r: &Vec<usize>| !r.is_empty())
            .collect();
        match self.rng.random_range(0..3) {
            0 => removed.sort_by(|&a, &b| cvrp.demands[b].total_cmp(&cvrp.demands[a])),
            1 => removed.sort_by(|&a, &b| {
                cvrp.distance(cvrp.depot, b)
                    .total_cmp(&cvrp.distance(cvrp.depot, a))
            }),
            _ => {
                for i in (1..removed.len()).rev() {
                    let j = self.rng.random_range(0..=i);
                    removed.swap(i, j);
                }
            }
        }
        for c in removed {
            let mut best: Option<(f64, usize, usize)> = None;
            for (r, route) in out.iter().enumerate() {
                if cvrp.load(route) + cvrp.demands[c] > cvrp.capacity + 1e-9 {
                    continue;
                }
                for pos in 0..=route.len() {
                    let prev = if pos == 0 { cvrp.depot } else { route[pos - 1] };
                    let next = route.get(pos).copied().unwrap_or(cvrp.depot);
                    let d =
                        cvrp.distance(prev, c) + cvrp.distance(c, next) - cvrp.distance(prev, next);
                    if best.is_none_or(|b| d < b.0) {
                        best = Some((d, r, pos));
                    }
                }
            }
            match best {
                Some((_, r, pos)) => {
                    out[r].insert(pos, c);
                    if !fits(cvrp, &out[r]) {
                        out[r].remove(pos);
                        out.push(vec![c]);
                    }
                }
                None => out.push(vec![c]),
            }
        }
        improved(cvrp, out, deadline)
    }
}

/// Orders for ranking solutions: within the fleet first, then cost.
fn rank(cvrp: &Cvrp, routes: &[Vec<usize>], cost: f64) -> (bool, f64) {
    (cvrp.vehicles.is_some_and(|k| routes.len() > k), cost)
}

/// The shortest order found for a route: Held–Karp up to 12 customers, else the given
/// order or nearest neighbour + 2-opt, whichever is shorter.
fn best_order(cvrp: &Cvrp, customers: Vec<usize>) -> Vec<usize> {
    let other = route_order(cvrp, &customers);
    if customers.len() <= 12 || cvrp.route_length(&other) < cvrp.route_length(&customers) {
        other
    } else {
        customers
    }
}
