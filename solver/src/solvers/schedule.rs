//! Inverse-temperature (β) ranges and schedules for annealing and tempering.

use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};
use crate::qubo::Qubo;

/// How β moves from the hot to the cold end, with dimod's names.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum BetaScheduleType {
    /// `geomspace(β_hot, β_cold, num_betas)`, dwave-samplers' default.
    #[default]
    Geometric,
    /// `linspace(β_hot, β_cold, num_betas)`.
    Linear,
    /// An explicit list of β values (`beta_schedule`).
    Custom,
}

impl std::str::FromStr for BetaScheduleType {
    type Err = String;
    fn from_str(s: &str) -> std::result::Result<Self, String> {
        match s.to_ascii_lowercase().as_str() {
            "geometric" => Ok(Self::Geometric),
            "linear" => Ok(Self::Linear),
            "custom" => Ok(Self::Custom),
            _ => Err(format!(
                "unknown beta schedule type {s:?} (geometric, linear or custom)"
            )),
        }
    }
}

/// dwave-samplers' default β range for a model (computed on its Ising form, as dwave does).
///
/// * `β_hot = ln 2 / (2·max_i(|h_i| + Σ_j |J_ij|))`: at the start every spin flips with
///   probability at least ½.
/// * For each spin take its smallest non-zero `|h_i|` or `|J_ij|`; let `b_min` be the
///   smallest of these and `N_min` how many spins attain it:
///   `β_cold = ln(N_min / 0.01) / (2·b_min)`: at most 1 % excitation in the last sweep.
/// * A model with no non-zero coefficient gets `[0.1, 1.0]`, as in dwave-samplers.
///
/// ```
/// use quboflow::QuboBuilder;
/// use quboflow::solvers::schedule::default_beta_range;
/// let mut b = QuboBuilder::new(2);
/// b.add_quadratic(0, 1, 4.0); // Ising: J = 1, h = (1, 1)
/// let (hot, cold) = default_beta_range(&b.build()?);
/// assert!((hot - 2f64.ln() / 4.0).abs() < 1e-15);
/// assert!((cold - (2.0f64 / 0.01).ln() / 2.0).abs() < 1e-12);
/// # Ok::<(), quboflow::Error>(())
/// ```
pub fn default_beta_range(qubo: &Qubo) -> (f64, f64) {
    let ising = qubo.to_ising();
    let n = ising.num_vars();
    let mut sum_abs = vec![0.0f64; n];
    let mut min_abs = vec![f64::INFINITY; n];
    for i in 0..n {
        let h = ising.h()[i].abs();
        sum_abs[i] += h;
        if h != 0.0 {
            min_abs[i] = min_abs[i].min(h);
        }
        let (_, vals) = ising.couplings().row(i);
        for &w in vals {
            let a = w.abs();
            sum_abs[i] += a;
            if a != 0.0 {
                min_abs[i] = min_abs[i].min(a);
            }
        }
    }
    let max_field = sum_abs.iter().copied().fold(0.0f64, f64::max);
    let b_min = min_abs.iter().copied().fold(f64::INFINITY, f64::min);
    if max_field == 0.0 || !b_min.is_finite() {
        return (0.1, 1.0);
    }
    let n_min = min_abs.iter().filter(|&&v| v == b_min).count() as f64;
    let hot = std::f64::consts::LN_2 / (2.0 * max_field);
    let cold = (n_min / 0.01).ln() / (2.0 * b_min);
    (hot, cold)
}

/// The β of every sweep block: `num_betas` values from `range.0` to `range.1`.
///
/// With a single β the cold end is used (as dwave-samplers does).
pub fn beta_schedule(kind: BetaScheduleType, range: (f64, f64), num_betas: usize) -> Vec<f64> {
    let (hot, cold) = range;
    if num_betas == 1 {
        return vec![cold];
    }
    let last = (num_betas - 1) as f64;
    (0..num_betas)
        .map(|k| {
            let t = k as f64 / last;
            match kind {
                BetaScheduleType::Linear => hot + (cold - hot) * t,
                // geomspace: exp(lerp(ln hot, ln cold)); the end points exactly.
                _ if k == 0 => hot,
                _ if k == num_betas - 1 => cold,
                _ => (hot.ln() + (cold.ln() - hot.ln()) * t).exp(),
            }
        })
        .collect()
}

/// Checks a β range `(hot, cold)`: finite, non-negative (geometric needs positive ends), and
/// hot ≤ cold — annealing cools, so a reversed range is a mistake worth an error.
pub fn check_beta_range(range: (f64, f64), kind: BetaScheduleType) -> Result<()> {
    let (a, b) = range;
    let ok = a.is_finite() && b.is_finite() && a >= 0.0 && b >= 0.0;
    let positive = a > 0.0 && b > 0.0;
    if !ok || (kind == BetaScheduleType::Geometric && !positive) {
        return Err(Error::InvalidParameter {
            name: "beta_range",
            reason: format!(
                "({a}, {b}) must be finite and non-negative (positive for a geometric schedule)"
            ),
        });
    }
    if a > b {
        return Err(Error::InvalidParameter {
            name: "beta_range",
            reason: format!(
                "({a}, {b}) is reversed: the first value is the hot (smaller) β where the \
                 anneal starts, the second the cold (larger) one where it ends"
            ),
        });
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::QuboBuilder;

    #[test]
    fn geometric_and_linear_end_points() {
        let g = beta_schedule(BetaScheduleType::Geometric, (0.1, 10.0), 3);
        assert_eq!(g[0], 0.1);
        assert!((g[1] - 1.0).abs() < 1e-12);
        assert_eq!(g[2], 10.0);
        let l = beta_schedule(BetaScheduleType::Linear, (0.0, 1.0), 5);
        assert_eq!(l, vec![0.0, 0.25, 0.5, 0.75, 1.0]);
        assert_eq!(
            beta_schedule(BetaScheduleType::Geometric, (0.1, 10.0), 1),
            vec![10.0]
        );
    }

    #[test]
    fn default_range_counts_the_minimum_gaps() {
        // Ising of Q01 = 4, Q12 = 4 (path 0-1-2): J = 1, h = (1, 2, 1).
        let mut b = QuboBuilder::new(3);
        b.add_quadratic(0, 1, 4.0).add_quadratic(1, 2, 4.0);
        let (hot, cold) = default_beta_range(&b.build().unwrap());
        // max |h|+Σ|J| = 2 + 2 = 4 at spin 1; b_min = 1 attained by all three spins.
        assert!((hot - 2f64.ln() / 8.0).abs() < 1e-15);
        assert!((cold - (3.0f64 / 0.01).ln() / 2.0).abs() < 1e-12);
        let empty = QuboBuilder::new(3).build().unwrap();
        assert_eq!(default_beta_range(&empty), (0.1, 1.0));
    }
}
