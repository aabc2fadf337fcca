//! Output distributions of a circuit on different backends and the parity check between
//! them: total-variation distance against the bound shot noise alone explains, and ⟨C⟩
//! differences with confidence intervals.

use rand::rngs::Xoshiro256PlusPlus;
use rand::{RngExt, SeedableRng};
use serde::Serialize;

use crate::backend::Measurement;
use crate::error::Result;

/// What one backend gives for one angle set: a distribution over all `2^n` bitstrings
/// (bit k = qubit k), exact or estimated, and ⟨C⟩ with its standard error.
#[derive(Debug, Clone, PartialEq)]
pub struct Distribution {
    /// Probability of each basis state (index bit k = qubit k).
    pub probabilities: Vec<f64>,
    /// ⟨C⟩ (offset included).
    pub expectation: f64,
    /// Standard error of `expectation`: 0 when exact, s/√N from N shots, or over
    /// trajectories for the noisy simulator.
    pub std_error: f64,
    /// Shots the distribution was estimated from; `None` when it is exact (or an average of
    /// exact trajectories, whose error `std_error` holds).
    pub shots: Option<u64>,
}

impl Distribution {
    /// The empirical distribution of `counts` (index → shots) over `n` qubits, with ⟨C⟩ and
    /// its standard error from the per-state `costs`.
    pub fn from_counts(n: usize, counts: &[(usize, u64)], costs: &[f64]) -> Self {
        let total: u64 = counts.iter().map(|c| c.1).sum();
        let mut probabilities = vec![0.0; 1usize << n];
        for &(x, c) in counts {
            probabilities[x] += c as f64 / total.max(1) as f64;
        }
        let mut d = Distribution {
            probabilities,
            expectation: 0.0,
            std_error: 0.0,
            shots: Some(total),
        };
        d.set_moments(costs);
        d
    }

    /// Fills `expectation` and (for shot estimates) `std_error` from `costs`.
    pub(crate) fn set_moments(&mut self, costs: &[f64]) {
        let (mut m1, mut m2) = (0.0, 0.0);
        for (p, c) in self.probabilities.iter().zip(costs) {
            if *p > 0.0 {
                m1 += p * c;
                m2 += p * c * c;
            }
        }
        self.expectation = m1;
        if let Some(n) = self.shots {
            let var = (m2 - m1 * m1).max(0.0) * n as f64 / (n.max(2) - 1) as f64;
            self.std_error = (var / n.max(1) as f64).sqrt();
        }
    }
}

/// Total-variation distance ½ Σ |P(x) − Q(x)|.
pub fn total_variation(p: &[f64], q: &[f64]) -> f64 {
    0.5 * p.iter().zip(q).map(|(a, b)| (a - b).abs()).sum::<f64>()
}

/// The TVD that `shots` draws from `reference` stay within with probability `1 − delta`:
/// E[TVD] ≤ ½ Σ √(P(1 − P)/N) plus McDiarmid's √(ln(1/δ)/(2N)).
pub fn shot_noise_bound(reference: &[f64], shots: u64, delta: f64) -> f64 {
    if shots == 0 {
        return 1.0;
    }
    let n = shots as f64;
    let mean: f64 = 0.5
        * reference
            .iter()
            .map(|&p| (p * (1.0 - p) / n).max(0.0).sqrt())
            .sum::<f64>();
    (mean + ((1.0 / delta).ln() / (2.0 * n)).sqrt()).min(1.0)
}

/// One backend compared with the reference (the first backend of a parity run).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ParityCheck {
    /// Total-variation distance to the reference.
    pub tvd: f64,
    /// The 99 % bound shot noise alone explains (0 when both are exact).
    pub shot_noise_tvd: f64,
    /// ⟨C⟩ here minus ⟨C⟩ of the reference.
    pub expectation_difference: f64,
    /// Standard error of that difference.
    pub difference_std_error: f64,
    /// 99 % confidence interval of the difference.
    pub difference_ci99: [f64; 2],
    /// `tvd ≤ tolerance + shot_noise_tvd`.
    pub pass: bool,
}

/// Compares `other` with `reference`: passes when their TVD is within `tolerance` plus the
/// 99 % bound of the shot noise on either side.
pub fn parity(reference: &Distribution, other: &Distribution, tolerance: f64) -> ParityCheck {
    let tvd = total_variation(&reference.probabilities, &other.probabilities);
    // The bound is taken around the exact side where there is one, else around the mean.
    let centre: Vec<f64> = match (reference.shots, other.shots) {
        (None, _) => reference.probabilities.clone(),
        (Some(_), None) => other.probabilities.clone(),
        _ => reference
            .probabilities
            .iter()
            .zip(&other.probabilities)
            .map(|(a, b)| 0.5 * (a + b))
            .collect(),
    };
    let bound: f64 = [reference.shots, other.shots]
        .into_iter()
        .flatten()
        .map(|n| shot_noise_bound(&centre, n, 0.01))
        .sum::<f64>()
        + 0.0; // an empty sum is −0.0
    let diff = other.expectation - reference.expectation;
    let se = (reference.std_error.powi(2) + other.std_error.powi(2)).sqrt();
    ParityCheck {
        tvd,
        shot_noise_tvd: bound,
        expectation_difference: diff,
        difference_std_error: se,
        difference_ci99: [diff - 2.576 * se, diff + 2.576 * se],
        pass: tvd <= tolerance + bound,
    }
}

/// `shots` basis-state indices drawn from `probabilities` (which may sum to 1 only to
/// rounding).
pub(crate) fn sample_indices(probabilities: &[f64], shots: usize, seed: u64) -> Result<Vec<usize>> {
    quboflow::memory::check_allocation(
        || format!("drawing {shots} shots"),
        quboflow::memory::bytes(shots, 8),
    )?;
    let mut cumulative = Vec::with_capacity(probabilities.len());
    let mut acc = 0.0;
    for &p in probabilities {
        acc += p.max(0.0);
        cumulative.push(acc);
    }
    let mut rng = Xoshiro256PlusPlus::seed_from_u64(seed);
    let last = cumulative.len().saturating_sub(1);
    Ok((0..shots)
        .map(|_| {
            let u = rng.random::<f64>() * acc;
            cumulative.partition_point(|&c| c <= u).min(last)
        })
        .collect())
}

impl Measurement {
    /// Counts of `draws` (basis indices) over `n` qubits, in first-seen order, with ⟨C⟩ the
    /// mean cost of the shots.
    pub fn from_draws(n: usize, draws: &[usize], costs: &[f64]) -> Measurement {
        let sum: f64 = draws
            .iter()
            .map(|&x| costs.get(x).copied().unwrap_or(f64::NAN))
            .sum();
        Measurement {
            counts: tally(draws)
                .into_iter()
                .map(|(x, c)| ((0..n).map(|q| (x >> q & 1) as u8).collect(), c))
                .collect(),
            expectation: sum / draws.len().max(1) as f64,
            exact: false,
            probabilities: None,
            cost_range: None,
            layer_ms: None,
        }
    }
}

/// Distinct basis indices of `draws` with their counts, in first-seen order.
pub(crate) fn tally(draws: &[usize]) -> Vec<(usize, u64)> {
    let mut index: std::collections::HashMap<usize, usize> = std::collections::HashMap::new();
    let mut counts: Vec<(usize, u64)> = Vec::new();
    for &x in draws {
        match index.get(&x) {
            Some(&i) => counts[i].1 += 1,
            None => {
                index.insert(x, counts.len());
                counts.push((x, 1));
            }
        }
    }
    counts
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sampled_distributions_stay_within_the_bound() {
        let p = [0.5, 0.25, 0.125, 0.125];
        let costs = [0.0, 1.0, 2.0, 3.0];
        let mut fails = 0;
        for seed in 0..200 {
            let draws = sample_indices(&p, 2000, seed).unwrap();
            let mut c = [0u64; 4];
            for x in draws {
                c[x] += 1;
            }
            let counts: Vec<(usize, u64)> = (0..4).map(|x| (x, c[x])).collect();
            let d = Distribution::from_counts(2, &counts, &costs);
            let exact = Distribution {
                probabilities: p.to_vec(),
                expectation: 0.875,
                std_error: 0.0,
                shots: None,
            };
            let check = parity(&exact, &d, 0.0);
            if !check.pass {
                fails += 1;
            }
            assert!(check.shot_noise_tvd > 0.0 && check.difference_std_error > 0.0);
        }
        // The bound holds with probability ≥ 99 %, and is loose: no failure expected.
        assert!(fails <= 2, "{fails} of 200 outside the 99 % bound");
    }

    #[test]
    fn tvd_of_disjoint_distributions_is_one() {
        assert_eq!(total_variation(&[1.0, 0.0], &[0.0, 1.0]), 1.0);
        let far = Distribution {
            probabilities: vec![0.0, 1.0],
            expectation: 1.0,
            std_error: 0.0,
            shots: None,
        };
        let near = Distribution {
            probabilities: vec![1.0, 0.0],
            expectation: 0.0,
            std_error: 0.0,
            shots: None,
        };
        assert!(!parity(&near, &far, 0.5).pass);
    }
}
