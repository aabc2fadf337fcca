//! Bin packing: minimise open bins (`m` candidate bins from First-Fit-Decreasing).

use std::sync::Arc;

use quboflow::{Constraints, QuboBuilder, Sense};
use serde_json::json;

use super::{
    Encoded, EnergyMeaning, Parts, add_squared, capacity_penalty, check_size, finish, penalty_or,
    slack_bits, slack_weights,
};
use crate::error::{Result, invalid};
use crate::solution::{Decode, Decoded, Solution};

/// Items with integer weights and one bin capacity.
#[derive(Debug, Clone, PartialEq)]
pub struct BinPacking {
    /// Item weights (integers, each ≤ capacity).
    pub weights: Vec<f64>,
    /// Bin capacity (integer).
    pub capacity: f64,
}

impl BinPacking {
    /// First-Fit-Decreasing: the bins it uses (an upper bound on the optimum).
    pub fn first_fit_decreasing(&self) -> Vec<Vec<usize>> {
        let mut order: Vec<usize> = (0..self.weights.len()).collect();
        order.sort_by(|&a, &b| self.weights[b].total_cmp(&self.weights[a]));
        let mut bins: Vec<(f64, Vec<usize>)> = Vec::new();
        for i in order {
            match bins
                .iter_mut()
                .find(|(l, _)| l + self.weights[i] <= self.capacity)
            {
                Some((l, items)) => {
                    *l += self.weights[i];
                    items.push(i);
                }
                None => bins.push((self.weights[i], vec![i])),
            }
        }
        bins.into_iter().map(|b| b.1).collect()
    }
}

/// Encodes `bp` with `m` = FFD bins: `y_j` (index j), `x_ij` (index `m + i·m + j`), then
/// per-bin slack; `E = Σ y_j + A Σ_i (1 − Σ_j x_ij)² + A Σ_j (C y_j − Σ_i w_i x_ij − s_j)²`.
/// Default `A = 2` (> B = 1: with integer weights each unit of violation costs at least one
/// more bin). Energy = open bins on feasible states.
pub fn encode(bp: &BinPacking, penalty: Option<f64>) -> Result<Encoded> {
    if bp.capacity.fract() != 0.0
        || bp.capacity < 1.0
        || bp
            .weights
            .iter()
            .any(|w| w.fract() != 0.0 || *w < 0.0 || *w > bp.capacity)
    {
        return Err(invalid(
            "bin packing",
            "weights and capacity must be non-negative integers, each weight ≤ capacity",
        ));
    }
    let a = penalty_or(penalty, || 2.0)?;
    let n = bp.weights.len();
    let m = bp.first_fit_decreasing().len().max(1);
    let slack = slack_weights(bp.capacity as u64);
    let sb = slack.len();
    let base = m + n * m;
    // One-hot rows of m terms per item, one capacity row of n + 1 + sb terms per bin.
    let (nu, mu, su) = (n as u128, m as u128, sb as u128);
    let row = nu + 1 + su;
    check_size(
        "bin-packing",
        mu * (1 + nu + su),
        nu * mu * mu / 2 + mu * row * row / 2,
    )?;
    let mut b = QuboBuilder::new(base + m * sb);
    for j in 0..m {
        b.add_linear(j, 1.0);
    }
    for i in 0..n {
        let t: Vec<(usize, f64)> = (0..m).map(|j| (m + i * m + j, 1.0)).collect();
        add_squared(&mut b, &t, 1.0, a);
    }
    let mut capacities = Vec::with_capacity(m);
    for j in 0..m {
        // (C y_j − Σ w x − s)² = (Σ w x + s − C y_j)²; as a row: Σ w x − C y_j ≤ 0.
        let mut row: Vec<(usize, f64)> = (0..n).map(|i| (m + i * m + j, bp.weights[i])).collect();
        row.push((j, -bp.capacity));
        capacities.push(capacity_penalty(
            &mut b,
            &row,
            0.0,
            base + j * sb,
            &slack,
            a,
        ));
    }
    let (qubo, offset) = finish(b)?;
    Encoded::new(Parts {
        qubo,
        offset,
        constraints: Constraints {
            one_hot: (0..n)
                .map(|i| (0..m).map(|j| m + i * m + j).collect())
                .collect(),
            slack: (0..m)
                .map(|j| (base + j * sb..base + (j + 1) * sb).collect())
                .collect(),
            capacities,
            ..Default::default()
        },
        decoder: Arc::new(BinDecoder {
            bp: bp.clone(),
            m,
            slack,
        }),
        encoding: "bin-packing",
        penalties: json!({ "A": a }),
        energy_meaning: EnergyMeaning::Objective,
        details: json!({ "items": n, "candidate_bins": m }),
    })
}

/// Decoder of [`encode`].
#[derive(Debug, Clone)]
pub struct BinDecoder {
    /// The instance.
    pub bp: BinPacking,
    m: usize,
    slack: Vec<f64>,
}

impl Decode for BinDecoder {
    fn problem(&self) -> &str {
        "bin-packing"
    }
    fn objective_name(&self) -> &str {
        "open bins"
    }
    fn sense(&self) -> Sense {
        Sense::Minimize
    }
    fn picture(&self, d: &Decoded) -> Option<quboflow::compare::Picture> {
        match &d.solution {
            Solution::Bins(b) => Some(crate::picture::bins(&self.bp, b)),
            _ => None,
        }
    }

    fn decode(&self, x: &[u8]) -> Decoded {
        let (n, m) = (self.bp.weights.len(), self.m);
        let mut bins = vec![Vec::new(); m];
        let mut viol = Vec::new();
        for i in 0..n {
            let js: Vec<usize> = (0..m)
                .filter(|&j| x.get(m + i * m + j) == Some(&1))
                .collect();
            if js.len() != 1 {
                viol.push(format!("item {} is in {} bins", i + 1, js.len()));
            }
            js.iter().for_each(|&j| bins[j].push(i));
        }
        for (j, items) in bins.iter().enumerate() {
            let load: f64 = items.iter().map(|&i| self.bp.weights[i]).sum();
            let open = x.get(j) == Some(&1);
            if !items.is_empty() && !open {
                viol.push(format!("bin {} holds items but is not open", j + 1));
            }
            if load > self.bp.capacity {
                viol.push(format!(
                    "bin {} holds {load} > capacity {}",
                    j + 1,
                    self.bp.capacity
                ));
            }
        }
        let open = (0..m).filter(|&j| x.get(j) == Some(&1)).count() as f64;
        Decoded::raw(Solution::Bins(bins), Some(open), viol)
    }
    /// First-Fit-Decreasing reinsertion of unassigned and overflowing items.
    fn repair(&self, x: &[u8]) -> Option<Decoded> {
        let Solution::Bins(mut bins) = self.decode(x).solution else {
            return None;
        };
        let mut seen = vec![false; self.bp.weights.len()];
        let mut loose = Vec::new();
        for b in bins.iter_mut() {
            b.retain(|&i| !std::mem::replace(&mut seen[i], true));
            while b.iter().map(|&i| self.bp.weights[i]).sum::<f64>() > self.bp.capacity {
                loose.extend(b.pop());
            }
        }
        loose.extend((0..seen.len()).filter(|&i| !seen[i]));
        loose.sort_by(|&a, &b| self.bp.weights[b].total_cmp(&self.bp.weights[a]));
        let steps = loose
            .iter()
            .map(|i| format!("item {} re-inserted first-fit", i + 1))
            .collect();
        bins.retain(|b| !b.is_empty());
        for i in loose {
            match bins.iter_mut().find(|b| {
                b.iter().map(|&k| self.bp.weights[k]).sum::<f64>() + self.bp.weights[i]
                    <= self.bp.capacity
            }) {
                Some(b) => b.push(i),
                None => bins.push(vec![i]),
            }
        }
        let k = bins.len() as f64;
        Some(Decoded {
            solution: Solution::Bins(bins),
            objective: Some(k),
            feasible: true,
            violations: vec![],
            repaired: true,
            repair_steps: steps,
        })
    }
    fn encode_solution(&self, solution: &Solution) -> Option<Vec<u8>> {
        let Solution::Bins(bins) = solution else {
            return None;
        };
        let (n, m, sb) = (self.bp.weights.len(), self.m, self.slack.len());
        if bins.len() > m {
            return None;
        }
        let mut x = vec![0u8; m + n * m + m * sb];
        for (j, items) in bins.iter().enumerate() {
            x[j] = 1;
            let mut load = 0.0;
            for &i in items {
                *x.get_mut(m + i * m + j)? = 1;
                load += self.bp.weights[i];
            }
            let bits = slack_bits(&self.slack, self.bp.capacity - load);
            x[m + n * m + j * sb..m + n * m + (j + 1) * sb].copy_from_slice(&bits);
        }
        Some(x)
    }
}
