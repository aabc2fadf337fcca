//! TSP, city-by-position one-hot (Lucas 2014 §7.2), start city fixed.

use std::sync::Arc;

use quboflow::{Constraints, Permutation, QuboBuilder, Sense};
use serde_json::json;

use super::{Encoded, EnergyMeaning, Parts, finish, penalty_or};
use crate::error::{Error, Result, invalid};
use crate::readers::tsplib::Tsp;
use crate::solution::{Decode, Decoded, Solution};

/// Largest instance encoded (`(n−1)²` = 65 025 variables).
pub const MAX_CITIES: usize = 256;

/// Options of the TSP encoding.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct TspOptions {
    /// Penalty weight `A`. Default `max W + 1` (Lucas's `A > B·max W` with `B = 1`; tighter
    /// than OpenQAOA's `2·max W`, which measurably hurts samplers).
    pub penalty: Option<f64>,
}

/// Encodes `tsp` with city 0 fixed at position 0: `x_{v,p}` (v, p = 1 … n−1) at index
/// `(v−1)(n−1) + (p−1)`, so `(n−1)²` variables.
///
/// `E = A Σ_v (1 − Σ_p x_{v,p})² + A Σ_p (1 − Σ_v x_{v,p})² + Σ_{u≠v} W_uv Σ_p x_{u,p}x_{v,p+1}`
/// `+ Σ_v (W_0v x_{v,1} + W_v0 x_{v,n−1})`; on every permutation the energy is the tour
/// length. Asymmetric distances work unchanged. The variables form one
/// [`Permutation`] (rows = cities 1…n−1, columns = positions 1…n−1).
pub fn encode(tsp: &Tsp, opts: &TspOptions) -> Result<Encoded> {
    let n = tsp.dimension;
    if n < 3 {
        return Err(invalid(
            "tsp",
            format!("{n} cities; the encoding needs at least 3"),
        ));
    }
    if n > MAX_CITIES {
        return Err(Error::TooLarge {
            encoding: "tsp-position".into(),
            reason: format!(
                "{n} cities need {} variables; the limit is {MAX_CITIES} cities",
                (n - 1) * (n - 1)
            ),
        });
    }
    let max_w = tsp.distances.iter().copied().fold(0.0, f64::max);
    let a = penalty_or(opts.penalty, || max_w + 1.0)?;
    let m = n - 1;
    let var = |v: usize, p: usize| (v - 1) * m + (p - 1);
    let mut b = QuboBuilder::new(m * m);
    b.reserve(m * m * 3 * m);
    // One-hot rows (each city once) and columns (each position once):
    // A(1 − Σx)² = A − AΣx + 2AΣ_{i<j} x_i x_j.
    for v in 1..n {
        for p in 1..n {
            b.add_linear(var(v, p), -2.0 * a);
            for q in p + 1..n {
                b.add_quadratic(var(v, p), var(v, q), 2.0 * a);
            }
            for u in v + 1..n {
                b.add_quadratic(var(v, p), var(u, p), 2.0 * a);
            }
        }
    }
    b.add_offset(2.0 * a * m as f64);
    // Tour edges between consecutive free positions, then the two depot edges.
    for p in 1..m {
        for u in 1..n {
            for v in 1..n {
                if u != v {
                    b.add_quadratic(var(u, p), var(v, p + 1), tsp.distance(u, v));
                }
            }
        }
    }
    for v in 1..n {
        b.add_linear(var(v, 1), tsp.distance(0, v));
        b.add_linear(var(v, m), tsp.distance(v, 0));
    }
    let (qubo, offset) = finish(b)?;
    let constraints = Constraints {
        permutations: vec![Permutation {
            size: m,
            vars: (0..m * m).collect(),
        }],
        ..Default::default()
    };
    Encoded::new(Parts {
        qubo,
        offset,
        constraints,
        decoder: Arc::new(TspDecoder { tsp: tsp.clone() }),
        encoding: "tsp-position",
        penalties: json!({ "A": a }),
        energy_meaning: EnergyMeaning::Objective,
        details: json!({ "cities": n, "fixed_start": 0, "max_distance": max_w }),
    })
}

/// Decoder of [`encode`].
#[derive(Debug, Clone)]
pub struct TspDecoder {
    /// The instance.
    pub tsp: Tsp,
}

impl TspDecoder {
    fn m(&self) -> usize {
        self.tsp.dimension - 1
    }

    /// The cities at each free position, and the violated rows and columns.
    #[allow(clippy::needless_range_loop)] // v and p index the matrix
    fn positions(&self, x: &[u8]) -> (Vec<Vec<usize>>, Vec<String>) {
        let m = self.m();
        let mut at = vec![Vec::new(); m];
        let mut count = vec![0usize; m];
        for v in 0..m {
            for p in 0..m {
                if x.get(v * m + p) == Some(&1) {
                    at[p].push(v + 1);
                    count[v] += 1;
                }
            }
        }
        let mut viol = Vec::new();
        for (v, &c) in count.iter().enumerate() {
            if c != 1 {
                viol.push(format!("city {} is placed {c} times", v + 2));
            }
        }
        for (p, cities) in at.iter().enumerate() {
            if cities.len() != 1 {
                viol.push(format!("position {} holds {} cities", p + 2, cities.len()));
            }
        }
        (at, viol)
    }
}

impl Decode for TspDecoder {
    fn problem(&self) -> &str {
        "tsp"
    }
    fn objective_name(&self) -> &str {
        "tour length"
    }
    fn sense(&self) -> Sense {
        Sense::Minimize
    }

    fn picture(&self, d: &Decoded) -> Option<quboflow::compare::Picture> {
        match &d.solution {
            Solution::Tour(t) => crate::picture::tour(&self.tsp, t, d.feasible),
            _ => None,
        }
    }

    fn decode(&self, x: &[u8]) -> Decoded {
        let (at, viol) = self.positions(x);
        if !viol.is_empty() {
            return Decoded::raw(Solution::None, None, viol);
        }
        let tour: Vec<usize> = std::iter::once(0).chain(at.iter().map(|c| c[0])).collect();
        let len = self.tsp.tour_length(&tour);
        Decoded::raw(Solution::Tour(tour), Some(len), viol)
    }

    /// Keeps each position holding a single city not used earlier, drops the rest, then
    /// inserts every missing city where it lengthens the tour least.
    #[allow(clippy::needless_range_loop)]
    fn repair(&self, x: &[u8]) -> Option<Decoded> {
        let (at, viol) = self.positions(x);
        if viol.is_empty() {
            let mut d = self.decode(x);
            d.repaired = true;
            return Some(d);
        }
        let n = self.tsp.dimension;
        let mut used = vec![false; n];
        used[0] = true;
        let mut tour = vec![0];
        let mut steps = Vec::new();
        for (p, cities) in at.iter().enumerate() {
            match cities.as_slice() {
                [c] if !used[*c] => {
                    used[*c] = true;
                    tour.push(*c);
                }
                [] => {}
                cs => steps.push(format!(
                    "position {}: dropped {:?}",
                    p + 2,
                    cs.iter().map(|c| c + 1).collect::<Vec<_>>()
                )),
            }
        }
        for c in 0..n {
            if !used[c] {
                let k = tour.len();
                let best = (0..k)
                    .min_by(|&i, &j| {
                        let cost = |i: usize| {
                            let (a, b) = (tour[i], tour[(i + 1) % k]);
                            self.tsp.distance(a, c) + self.tsp.distance(c, b)
                                - self.tsp.distance(a, b)
                        };
                        cost(i).total_cmp(&cost(j))
                    })
                    .unwrap_or(0);
                tour.insert(best + 1, c);
                steps.push(format!("inserted city {} by cheapest insertion", c + 1));
            }
        }
        let len = self.tsp.tour_length(&tour);
        Some(Decoded {
            solution: Solution::Tour(tour),
            objective: Some(len),
            feasible: true,
            violations: Vec::new(),
            repaired: true,
            repair_steps: steps,
        })
    }

    fn encode_solution(&self, solution: &Solution) -> Option<Vec<u8>> {
        let Solution::Tour(t) = solution else {
            return None;
        };
        if !self.tsp.is_tour(t) {
            return None;
        }
        // Rotate so city 0 comes first.
        let s = t.iter().position(|&c| c == 0)?;
        let m = self.m();
        let mut x = vec![0u8; m * m];
        for p in 1..t.len() {
            let v = t[(s + p) % t.len()];
            x[(v - 1) * m + (p - 1)] = 1;
        }
        Some(x)
    }
}
