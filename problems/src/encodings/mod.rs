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
pub mod pool;
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
///
/// The model carries the encoding's constraints ([`Encoded::constraints`]), so any solver
/// given `&encoded.qubo` finds the one-hot groups, permutations and capacity rows it may keep
/// (XY mixers, constraint-preserving moves) without them being copied anywhere.
#[derive(Debug, Clone)]
pub struct Encoded {
    /// The model, constant term and constraints included (shared: cloning is cheap).
    pub qubo: Arc<Qubo>,
    /// The constant term of `qubo` (e.g. `2A(n−1)` for the fixed-start TSP).
    pub offset: f64,
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
    /// Where it came from, when it was read from a file by [`crate::open`].
    pub source: Option<crate::open::Source>,
}

/// The parts an encoding produces; [`Encoded::new`] attaches the constraints to the model.
pub(crate) struct Parts {
    pub(crate) qubo: Qubo,
    pub(crate) offset: f64,
    pub(crate) constraints: Constraints,
    pub(crate) decoder: Arc<dyn Decode>,
    pub(crate) encoding: &'static str,
    pub(crate) penalties: serde_json::Value,
    pub(crate) energy_meaning: EnergyMeaning,
    pub(crate) details: serde_json::Value,
}

impl Encoded {
    /// Assembles an encoding's parts, the constraints attached to the model.
    pub(crate) fn new(p: Parts) -> crate::Result<Self> {
        check_exact(&p.qubo, p.encoding, &p.penalties)?;
        Ok(Encoded {
            qubo: Arc::new(p.qubo.with_constraints(p.constraints)?),
            offset: p.offset,
            decoder: p.decoder,
            encoding: p.encoding,
            penalties: p.penalties,
            energy_meaning: p.energy_meaning,
            details: p.details,
            source: None,
        })
    }

    /// The encoding's constraints (empty for a plain QUBO).
    pub fn constraints(&self) -> &Constraints {
        static NONE: std::sync::OnceLock<Constraints> = std::sync::OnceLock::new();
        self.qubo
            .constraints()
            .unwrap_or_else(|| NONE.get_or_init(Constraints::default))
    }

    /// The known optimum or best-known value of the instance it was opened from, if any.
    pub fn reference(&self) -> Option<&quboflow::compare::Reference> {
        self.source.as_ref().and_then(|s| s.reference.as_ref())
    }

    /// The native objective as a function of the energy, for files that store the model
    /// alone (quboflow JSON): exact where the encoding is ([`EnergyMeaning::Objective`]: on a
    /// state that satisfies the constraints, energy = ± objective), the plain energy otherwise.
    pub fn objective(&self) -> quboflow::Objective {
        if let Some(p) = self.decoder.as_plain() {
            return p.objective().clone();
        }
        if self.energy_meaning != EnergyMeaning::Objective {
            return quboflow::Objective::energy();
        }
        let sense = self.decoder.sense();
        quboflow::Objective {
            name: self.decoder.objective_name().to_string(),
            sense,
            scale: if sense == quboflow::Sense::Minimize {
                1.0
            } else {
                -1.0
            },
            shift: 0.0,
        }
    }

    /// Instance name: the file's, or the encoding's for one built in code.
    pub fn name(&self) -> &str {
        self.source
            .as_ref()
            .map_or(self.encoding, |s| s.name.as_str())
    }

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

/// A number for a message: plain where that is short, in exponent form otherwise.
pub(crate) fn short(v: f64) -> String {
    if v == 0.0 || (1e-4..1e16).contains(&v.abs()) {
        format!("{v}")
    } else {
        format!("{v:.4e}")
    }
}

/// Refuses an encoding whose energies can exceed 2⁵³ in magnitude: beyond it, sums of
/// penalty and objective terms lose integer precision, so a feasible state's energy need not
/// equal its native cost (a tour of energy 0 with `A = 1e300`). Names the largest penalty
/// that keeps them exact (the bound scales with `A` once the penalty dominates).
fn check_exact(qubo: &Qubo, encoding: &str, penalties: &serde_json::Value) -> crate::Result<()> {
    let bound = qubo.energy_bound();
    if bound <= EXACT_LIMIT {
        return Ok(());
    }
    let reach = format!(
        "its energies reach {} (|offset| + Σ|coefficients|), beyond 2^53 ≈ 9.007e15, where \
         feasible energies lose integer precision",
        short(bound)
    );
    let reason = match penalties.get("A").and_then(serde_json::Value::as_f64) {
        // The bound grows with A once the penalty terms dominate it.
        Some(a) if a * (EXACT_LIMIT / bound) >= 1.0 => format!(
            "with penalty A = {} {reach}; use a penalty A ≤ {}",
            short(a),
            short((a * (EXACT_LIMIT / bound)).floor())
        ),
        _ => format!("{reach}; the instance's numbers are too large for exact energies"),
    };

    Err(crate::Error::TooLarge {
        encoding: encoding.to_string(),
        reason,
    })
}

/// Refuses, before anything is allocated, an encoding whose model would have more than
/// [`quboflow::qubo::MAX_NUM_VARS`] variables or not fit in memory: `vars` variables and at
/// most `terms` quadratic terms (the builder holds 16 bytes a term, the model twice that),
/// counted in `u128` so that no instance size can overflow the count.
pub(crate) fn check_size(encoding: &str, vars: u128, terms: u128) -> crate::Result<()> {
    let max = quboflow::qubo::MAX_NUM_VARS as u128;
    if vars > max {
        return Err(crate::Error::TooLarge {
            encoding: encoding.to_string(),
            reason: format!("{vars} variables; a model holds at most {max}"),
        });
    }
    let bytes = vars
        .saturating_mul(16)
        .saturating_add(terms.saturating_mul(48));
    let bytes = u64::try_from(bytes).unwrap_or(u64::MAX);
    quboflow::memory::check_allocation(
        || format!("the {encoding} model ({vars} variables, up to {terms} terms)"),
        bytes,
    )?;
    Ok(())
}

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
