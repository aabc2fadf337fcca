//! QUBO encodings of logistics problems (`../shared/reference/encodings.md`).
//!
//! Each `encode` returns an [`Encoded`]: the QUBO (constant term included), the structure
//! solvers may exploit ([`quboflow::Constraints`]), the decoder, and the penalty weights
//! actually used. Default penalties are the provably safe ones of the reference; every
//! encoding takes a `penalty` override.

pub mod binpacking;
pub mod coloring;
pub mod cvrp;
pub mod facility;
pub mod jobshop;
pub mod knapsack;
pub mod maxcut;
pub mod routes;
pub mod tsp;

use std::sync::Arc;

use quboflow::{Constraints, Qubo, QuboBuilder};
use serde::Serialize;

use crate::solution::{Decode, Decoded};

/// What the energy of a feasible state means for an encoding.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum EnergyMeaning {
    /// Exact: on every state satisfying the encoded constraints the energy equals the
    /// objective (negated when maximised), and the penalty is provably safe, so the ground
    /// state is an optimal feasible solution.
    Objective,
    /// The energy mixes objective and a heuristic penalty (unbalanced penalisation, a
    /// non-integral instance): the ground state need not be optimal or even feasible.
    Heuristic,
    /// A decision model: energy 0 exactly on feasible states (job shop "makespan ≤ T?").
    Feasibility,
}

/// An encoded instance: everything a solver needs plus the way back to native terms.
#[derive(Debug, Clone)]
pub struct Encoded {
    /// The model, constant term included.
    pub qubo: Qubo,
    /// The constant term of `qubo` (e.g. `2A(n−1)` for the fixed-start TSP).
    pub offset: f64,
    /// One-hot / k-hot groups, permutations and slack blocks of the encoding.
    pub constraints: Constraints,
    /// Turns bitstrings into native solutions.
    pub decoder: Arc<dyn Decode>,
    /// Encoding name ("tsp-position", "cvrp-set-partitioning", "knapsack-log-slack", …).
    pub encoding: &'static str,
    /// Penalty weights used, by name (`{"A": 3324}`).
    pub penalties: serde_json::Value,
    /// What the energy of a feasible state means.
    pub energy_meaning: EnergyMeaning,
    /// Problem-specific facts worth reporting (candidate routes, slack bits, …).
    pub details: serde_json::Value,
}

impl Encoded {
    /// Decodes `x` (see [`Decode::decode`]).
    pub fn decode(&self, x: &[u8]) -> Decoded {
        self.decoder.decode(x)
    }

    /// The energy a feasible solution with native objective `objective` has under an
    /// [`EnergyMeaning::Objective`] encoding.
    pub fn energy_of(&self, objective: f64) -> f64 {
        match self.decoder.sense() {
            quboflow::Sense::Minimize => objective,
            quboflow::Sense::Maximize => -objective,
        }
    }
}

/// Adds `weight · (Σ a_k y_k − rhs)²` to `b`, expanded with `y² = y`.
pub(crate) fn add_squared(b: &mut QuboBuilder, terms: &[(usize, f64)], rhs: f64, weight: f64) {
    for (k, &(i, a)) in terms.iter().enumerate() {
        b.add_linear(i, weight * (a * a - 2.0 * rhs * a));
        for &(j, c) in &terms[k + 1..] {
            if i == j {
                b.add_linear(i, 2.0 * weight * a * c);
            } else {
                b.add_quadratic(i, j, 2.0 * weight * a * c);
            }
        }
    }
    b.add_offset(weight * rhs * rhs);
}

/// Binary slack for `s ∈ [0, upper]`: weights `2⁰ … 2^{M−1}` and a last `upper + 1 − 2^M`,
/// `M = ⌊log₂ upper⌋`, so the range is exactly `[0, upper]` (pure powers of two cannot reach
/// `upper` when it is a power of two). Empty for `upper < 1`.
pub(crate) fn slack_weights(upper: u64) -> Vec<f64> {
    if upper == 0 {
        return Vec::new();
    }
    let m = 63 - upper.leading_zeros() as u64; // ⌊log₂ upper⌋
    let mut w: Vec<f64> = (0..m).map(|b| (1u64 << b) as f64).collect();
    w.push((upper + 1 - (1u64 << m)) as f64);
    w
}

/// The capacity row `Σ terms ≤ capacity` whose slack bits are `slack_start..` with
/// `slack` weights, recorded so the classical solvers' moves keep it (terms with weight 0
/// dropped).
pub(crate) fn capacity_row(
    terms: &[(usize, f64)],
    capacity: f64,
    slack_start: usize,
    slack: &[f64],
) -> quboflow::Capacity {
    let terms: Vec<&(usize, f64)> = terms.iter().filter(|t| t.1 != 0.0).collect();
    quboflow::Capacity {
        vars: terms.iter().map(|t| t.0).collect(),
        weights: terms.iter().map(|t| t.1).collect(),
        capacity,
        slack: (slack_start..slack_start + slack.len()).collect(),
        slack_weights: slack.to_vec(),
    }
}

/// Records the capacity row `Σ terms ≤ capacity` (as [`capacity_row`]) and adds its penalty
/// `A(Σ terms + Σ slack − capacity)²` to `b`, so the row the solvers keep and the penalty
/// the QUBO carries come from one place.
pub(crate) fn capacity_penalty(
    b: &mut QuboBuilder,
    terms: &[(usize, f64)],
    capacity: f64,
    slack_start: usize,
    slack: &[f64],
    a: f64,
) -> quboflow::Capacity {
    let row = capacity_row(terms, capacity, slack_start, slack);
    let square: Vec<(usize, f64)> = (row.vars.iter().zip(&row.weights))
        .chain(row.slack.iter().zip(&row.slack_weights))
        .map(|(&v, &w)| (v, w))
        .collect();
    add_squared(b, &square, capacity, a);
    row
}

/// The slack bits for value `s` (greedy from the last, largest-range bit).
pub(crate) fn slack_bits(weights: &[f64], mut s: f64) -> Vec<u8> {
    let mut bits = vec![0u8; weights.len()];
    if let Some((last, rest)) = weights.split_last() {
        let low_max: f64 = rest.iter().sum();
        if s > low_max {
            bits[weights.len() - 1] = 1;
            s -= last;
        }
        for (k, w) in rest.iter().enumerate().rev() {
            if s >= *w {
                bits[k] = 1;
                s -= w;
            }
        }
    }
    bits
}

/// The penalty to use: `given` if it is positive and finite (an error otherwise), else the
/// encoding's safe `default`.
pub(crate) fn penalty_or(given: Option<f64>, default: impl FnOnce() -> f64) -> crate::Result<f64> {
    match given {
        Some(p) if p.is_finite() && p > 0.0 => Ok(p),
        Some(p) => Err(crate::error::invalid(
            "penalty",
            format!("must be positive and finite, got {p}"),
        )),
        None => Ok(default()),
    }
}

/// Largest magnitude representable exactly in the f64 energies (2⁵³).
pub(crate) const EXACT_LIMIT: f64 = 9_007_199_254_740_992.0;

/// Builds the model and fills in the offset.
pub(crate) fn finish(b: QuboBuilder) -> quboflow::Result<(Qubo, f64)> {
    let q = b.build()?;
    let off = q.offset();
    Ok((q, off))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slack_covers_exactly_zero_to_upper() {
        for upper in 1..=70u64 {
            let w = slack_weights(upper);
            let n = w.len();
            let mut reach = std::collections::BTreeSet::new();
            for mask in 0..1u32 << n {
                let s: f64 = (0..n).filter(|b| mask >> b & 1 == 1).map(|b| w[b]).sum();
                reach.insert(s as u64);
            }
            assert_eq!(reach, (0..=upper).collect(), "upper {upper}");
            for s in 0..=upper {
                let bits = slack_bits(&w, s as f64);
                let v: f64 = bits
                    .iter()
                    .zip(&w)
                    .filter(|(b, _)| **b == 1)
                    .map(|(_, w)| w)
                    .sum();
                assert_eq!(v as u64, s);
            }
        }
    }
}
