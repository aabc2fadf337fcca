//! CVRPLIB `.vrp` instances and `.sol` solutions.

use std::path::Path;

use serde::{Deserialize, Serialize};

use super::distance::{EdgeWeightType, check_dimension, edge_weight_type, read_distances};
use super::read_text;
use super::sections::{Sections, node_id, number};
use super::tsplib::stem;
use crate::error::Result;

/// A capacitated vehicle routing instance: depot, customers with demands, one capacity.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Cvrp {
    /// `NAME` (or the file stem).
    pub name: String,
    /// Nodes including the depot.
    pub dimension: usize,
    /// The depot (0-based node index; node 1 of the file in every CVRPLIB classic set).
    pub depot: usize,
    /// Vehicle capacity.
    pub capacity: f64,
    /// Demand of every node (the depot's is 0).
    pub demands: Vec<f64>,
    /// Fleet size: `VEHICLES` if given, else the `k` of a `-k<N>` name, else unknown.
    pub vehicles: Option<usize>,
    /// Route length limit (`DISTANCE`), if any.
    pub distance_limit: Option<f64>,
    /// Distance rule; CMT and Golden instances use unrounded Euclidean distances, the A, B,
    /// E, F, P and X sets TSPLIB's `nint`.
    pub edge_weight_type: EdgeWeightType,
    /// Row-major `dimension × dimension` distances.
    pub distances: Vec<f64>,
    /// Node coordinates when the distances came from them (for route maps).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub coords: Option<Vec<[f64; 3]>>,
}

impl Cvrp {
    /// An instance from a full distance matrix (node `depot` is the depot), demands per node
    /// and the vehicle capacity; every value is checked, and the depot's demand must be 0.
    ///
    /// ```
    /// use quboflow_problems::Cvrp;
    /// let d = vec![vec![0.0, 2.0, 2.0], vec![2.0, 0.0, 1.0], vec![2.0, 1.0, 0.0]];
    /// let c = Cvrp::from_matrix("tiny", d, vec![0.0, 1.0, 1.0], 2.0, 0)?;
    /// assert_eq!(c.cost(&[vec![1, 2]]), 5.0);
    /// assert!(Cvrp::from_matrix("bad", vec![vec![0.0]], vec![0.0], 1.0, 0).is_err());
    /// # Ok::<(), quboflow_problems::Error>(())
    /// ```
    pub fn from_matrix(
        name: &str,
        distances: Vec<Vec<f64>>,
        demands: Vec<f64>,
        capacity: f64,
        depot: usize,
    ) -> Result<Self> {
        let bad = |reason: String| Err(crate::error::invalid("cvrp", reason));
        let n = distances.len();
        if n < 2 || distances.iter().any(|r| r.len() != n) {
            return bad(format!(
                "the distance matrix must be square with at least 2 rows (depot and a customer), got {n} rows"
            ));
        }
        if demands.len() != n {
            return bad(format!("{} demands for {n} nodes", demands.len()));
        }
        if depot >= n {
            return bad(format!("depot {depot} is not a node (0..{n})"));
        }
        if !capacity.is_finite() || capacity <= 0.0 {
            return bad(format!("capacity {capacity} must be finite and positive"));
        }
        if let Some((i, d)) = demands
            .iter()
            .enumerate()
            .find(|(_, d)| !d.is_finite() || **d < 0.0 || **d > capacity)
        {
            return bad(format!(
                "demand of node {i} is {d}; demands are finite, ≥ 0 and at most the capacity {capacity}"
            ));
        }
        if demands[depot] != 0.0 {
            return bad(format!(
                "the depot (node {depot}) has demand {}; it must be 0",
                demands[depot]
            ));
        }
        let flat: Vec<f64> = distances.into_iter().flatten().collect();
        if let Some(k) = flat.iter().position(|d| !d.is_finite() || *d < 0.0) {
            return bad(format!(
                "distance [{}, {}] is {}; distances are finite and ≥ 0",
                k / n,
                k % n,
                flat[k]
            ));
        }
        Ok(Cvrp {
            name: name.to_string(),
            dimension: n,
            depot,
            capacity,
            demands,
            vehicles: None,
            distance_limit: None,
            edge_weight_type: EdgeWeightType::Explicit,
            distances: flat,
            coords: None,
        })
    }

    /// Reads a `.vrp` file.
    pub fn read(path: &Path) -> Result<Self> {
        Self::parse(&read_text(path)?, path)
    }

    /// Parses `.vrp` text; `path` is used in error messages and as the default name.
    pub fn parse(text: &str, path: &Path) -> Result<Self> {
        let s = Sections::parse(text, path)?;
        if let Some((t, line)) = s.header("TYPE")
            && t != "CVRP"
        {
            return Err(s.error_at(line, format!("TYPE is `{t}`; a CVRP file has TYPE CVRP")));
        }
        let name = s
            .header("NAME")
            .map(|(v, _)| v.to_string())
            .unwrap_or_else(|| stem(path));
        let n = check_dimension(&s, 2)?;
        let (cap, cap_line) = s.require("CAPACITY")?;
        let capacity = match cap.parse::<f64>() {
            Ok(c) if c.is_finite() && c > 0.0 => c,
            _ => {
                return Err(s.error_at(
                    cap_line,
                    format!("CAPACITY must be a positive number, found `{cap}`"),
                ));
            }
        };
        let mut kind = edge_weight_type(&s)?;
        if kind == EdgeWeightType::Euc2d && (name.starts_with("CMT") || name.starts_with("Golden"))
        {
            kind = EdgeWeightType::ExactEuc2d;
        }
        let (distances, coords) = read_distances(&s, n, kind)?;
        let demands = read_demands(&s, n)?;
        let depot = read_depot(&s, n)?;
        if demands[depot] != 0.0 {
            return Err(s.error_at(
                0,
                format!(
                    "the depot (node {}) has demand {}",
                    depot + 1,
                    demands[depot]
                ),
            ));
        }
        if let Some((i, d)) = demands.iter().enumerate().find(|(_, d)| **d > capacity) {
            return Err(s.error_at(
                0,
                format!(
                    "customer {} demands {d}, more than the capacity {capacity}",
                    i + 1
                ),
            ));
        }
        let vehicles = match s.usize_header("VEHICLES")? {
            Some(k) => Some(k),
            None => name
                .rsplit_once("-k")
                .and_then(|(_, k)| k.split('_').next())
                .and_then(|k| k.parse().ok()),
        };
        let distance_limit = match s.header("DISTANCE") {
            Some((v, line)) => Some(v.parse::<f64>().map_err(|_| {
                s.error_at(line, format!("DISTANCE must be a number, found `{v}`"))
            })?),
            None => None,
        };
        Ok(Cvrp {
            name,
            dimension: n,
            depot,
            capacity,
            demands,
            vehicles,
            distance_limit,
            edge_weight_type: kind,
            distances,
            coords,
        })
    }

    /// Distance between nodes `i` and `j` (0-based).
    pub fn distance(&self, i: usize, j: usize) -> f64 {
        self.distances[i * self.dimension + j]
    }

    /// The customers (every node but the depot), in node order.
    pub fn customers(&self) -> Vec<usize> {
        (0..self.dimension).filter(|&i| i != self.depot).collect()
    }

    /// Length of a route leaving the depot, visiting `customers` in order, and returning.
    pub fn route_length(&self, customers: &[usize]) -> f64 {
        let mut prev = self.depot;
        let mut len = 0.0;
        for &c in customers {
            len += self.distance(prev, c);
            prev = c;
        }
        len + self.distance(prev, self.depot)
    }

    /// Total demand of `customers`.
    pub fn load(&self, customers: &[usize]) -> f64 {
        customers.iter().map(|&c| self.demands[c]).sum()
    }

    /// Total length of a set of routes.
    pub fn cost(&self, routes: &[Vec<usize>]) -> f64 {
        routes.iter().map(|r| self.route_length(r)).sum()
    }

    /// What makes `routes` infeasible: customers missed or repeated, overloaded routes, a
    /// fleet larger than `vehicles`. Empty when feasible.
    pub fn violations(&self, routes: &[Vec<usize>]) -> Vec<String> {
        self.violations_with_fleet(routes, self.vehicles)
    }

    /// [`Cvrp::violations`] with the fleet limit `fleet` instead of the instance's (`None`:
    /// any number of routes).
    pub fn violations_with_fleet(
        &self,
        routes: &[Vec<usize>],
        fleet: Option<usize>,
    ) -> Vec<String> {
        let mut out = Vec::new();
        let mut count = vec![0usize; self.dimension];
        for r in routes {
            for &c in r {
                if c < self.dimension {
                    count[c] += 1;
                }
            }
        }
        for c in self.customers() {
            match count[c] {
                1 => {}
                0 => out.push(format!("customer {} is not served", c + 1)),
                k => out.push(format!("customer {} is served {k} times", c + 1)),
            }
        }
        for (k, r) in routes.iter().enumerate() {
            let load = self.load(r);
            if load > self.capacity {
                out.push(format!(
                    "route {} carries {load} > capacity {}",
                    k + 1,
                    self.capacity
                ));
            }
            if let Some(limit) = self.distance_limit
                && self.route_length(r) > limit
            {
                out.push(format!("route {} is longer than the limit {limit}", k + 1));
            }
        }
        if let Some(k) = fleet {
            let used = routes.iter().filter(|r| !r.is_empty()).count();
            if used > k {
                out.push(format!("{used} routes exceed the fleet of {k} vehicles"));
            }
        }
        out
    }
}

fn read_demands(s: &Sections<'_>, n: usize) -> Result<Vec<f64>> {
    let (line, tokens) = s
        .section("DEMAND_SECTION")
        .ok_or_else(|| s.error_at(0, "a CVRP file needs a DEMAND_SECTION"))?;
    if tokens.len() != 2 * n {
        return Err(s.error_at(
            tokens.last().map_or(line, |t| t.line),
            format!(
                "DEMAND_SECTION has {} numbers; DIMENSION {n} needs {} (`id demand` per node)",
                tokens.len(),
                2 * n
            ),
        ));
    }
    let mut demands = vec![f64::NAN; n];
    for rec in tokens.chunks(2) {
        let id = node_id(s, &rec[0], n)?;
        let d = number(s, &rec[1], "a demand")?;
        if d < 0.0 {
            return Err(s.error_at(rec[1].line, format!("negative demand {d}")));
        }
        if !demands[id].is_nan() {
            return Err(s.error_at(rec[0].line, format!("node {} has two demands", id + 1)));
        }
        demands[id] = d;
    }
    Ok(demands)
}

fn read_depot(s: &Sections<'_>, n: usize) -> Result<usize> {
    let Some((line, tokens)) = s.section("DEPOT_SECTION") else {
        return Ok(0);
    };
    let ids: Vec<_> = tokens.iter().take_while(|t| t.text != "-1").collect();
    match ids.as_slice() {
        [one] => node_id(s, one, n),
        [] => Err(s.error_at(line, "DEPOT_SECTION lists no depot")),
        _ => Err(s.error_at(
            line,
            format!(
                "{} depots listed; only single-depot CVRP is supported",
                ids.len()
            ),
        )),
    }
}

/// A CVRPLIB solution: routes of customers (0-based node indices, depot implicit).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CvrpSolution {
    /// Each route's customers in visiting order.
    pub routes: Vec<Vec<usize>>,
    /// The `Cost` line, if present.
    pub cost: Option<f64>,
}

/// Reads a `.sol` file (`Route #k: c1 c2 …` lines, then `Cost v`). `.sol` customer `c` is
/// `.vrp` node `c + 1`, i.e. 0-based node index `c`.
pub fn read_solution(path: &Path) -> Result<CvrpSolution> {
    parse_solution(&read_text(path)?, path)
}

/// Parses `.sol` text (see [`read_solution`]).
pub fn parse_solution(text: &str, path: &Path) -> Result<CvrpSolution> {
    let mut routes = Vec::new();
    let mut cost = None;
    for (k, raw) in text.lines().enumerate() {
        let line = k + 1;
        let t = raw.trim();
        if t.is_empty() {
            continue;
        }
        let lower = t.to_ascii_lowercase();
        if lower.starts_with("route") {
            let (_, rest) = t.split_once(':').ok_or_else(|| {
                quboflow::Error::parse(path, line, "expected `Route #k: customers`")
            })?;
            let route = rest
                .split_whitespace()
                .map(|c| {
                    c.parse::<usize>().ok().filter(|&c| c > 0).ok_or_else(|| {
                        quboflow::Error::parse(
                            path,
                            line,
                            format!("expected a customer id ≥ 1, found `{c}`"),
                        )
                    })
                })
                .collect::<Result<Vec<_>, _>>()?;
            routes.push(route);
        } else if lower.starts_with("cost") {
            let v = t[4..].trim_start_matches(':').trim();
            cost = Some(v.parse::<f64>().map_err(|_| {
                quboflow::Error::parse(path, line, format!("expected a cost, found `{v}`"))
            })?);
        }
        // Other `Key: value` lines (solver names, times) carry no solution data.
    }
    if routes.is_empty() {
        return Err(quboflow::Error::parse(path, 0, "no `Route #k:` lines").into());
    }
    Ok(CvrpSolution { routes, cost })
}
