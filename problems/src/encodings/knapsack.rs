//! 0/1 knapsack: log-encoded slack (exact) or unbalanced penalisation (heuristic, no slack).

use std::sync::Arc;

use quboflow::{Constraints, QuboBuilder, Sense};
use serde_json::json;

use super::{
    EXACT_LIMIT, Encoded, EnergyMeaning, Parts, add_squared, capacity_penalty, capacity_row,
    finish, penalty_or, slack_bits, slack_weights,
};
use crate::error::{Error, Result, invalid};
use crate::readers::knapsack::Knapsack;
use crate::solution::{Decode, Decoded, Solution};

/// How the capacity inequality is encoded.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub enum KnapsackMethod {
    /// `Σwx + s = W` with a binary slack `s ∈ [0, W]` (Lucas §5.2 with the log trick).
    #[default]
    LogSlack,
    /// `−λ₁h + λ₂h²` with `h = W − Σwx` (Montañez-Barrera et al. 2022), `n` variables.
    Unbalanced {
        /// λ₁ (linear).
        lambda1: f64,
        /// λ₂ (quadratic).
        lambda2: f64,
    },
}

impl KnapsackMethod {
    /// OpenQAOA's default unbalanced weights, λ = (0.1, 0.5): a starting point to tune.
    pub fn unbalanced_default() -> Self {
        KnapsackMethod::Unbalanced {
            lambda1: 0.1,
            lambda2: 0.5,
        }
    }
}

/// Options of the knapsack encoding.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct KnapsackOptions {
    /// Slack or unbalanced.
    pub method: KnapsackMethod,
    /// Penalty `A` of the slack encoding. Default `max vᵢ + 1` (safe for integer weights:
    /// dropping an item lowers the penalty by ≥ A and loses vᵢ < A).
    pub penalty: Option<f64>,
}

/// Encodes `k`: items are variables `0 … n−1`, then the slack bits. Minimising the energy
/// maximises the packed value: on a state whose slack equals the spare capacity,
/// `E = −value`.
pub fn encode(k: &Knapsack, opts: &KnapsackOptions) -> Result<Encoded> {
    let n = k.len();
    let max_v = k.values.iter().copied().fold(0.0, f64::max);
    match opts.method {
        KnapsackMethod::LogSlack => {
            if k.capacity.fract() != 0.0 || k.weights.iter().any(|w| w.fract() != 0.0) {
                return Err(invalid(
                    "knapsack",
                    format!(
                        "{}: the slack encoding needs integer weights and capacity (scale the instance to integers, or use the unbalanced method)",
                        k.name
                    ),
                ));
            }
            let a = penalty_or(opts.penalty, || max_v + 1.0)?;
            let total: f64 = k.weights.iter().sum::<f64>() + k.capacity;
            if a * total * total > EXACT_LIMIT {
                let amax = EXACT_LIMIT / (total * total);
                let advice = if amax >= 1.0 {
                    format!(
                        "use A ≤ {} or the unbalanced method",
                        super::short(amax.floor())
                    )
                } else {
                    "the weights and capacity are too large for exact energies (use the unbalanced method)".to_string()
                };
                return Err(Error::TooLarge {
                    encoding: "knapsack-log-slack".into(),
                    reason: format!(
                        "with penalty A = {} the penalty terms reach {}, beyond 2^53 where f64 energies stop being exact; {advice}",
                        super::short(a),
                        super::short(a * total * total),
                    ),
                });
            }

            // Exact below 2^53 (checked above), so the cast keeps the capacity.
            let w_cap = k.capacity as u64;
            let slack = slack_weights(w_cap);
            let mut b = QuboBuilder::new(n + slack.len());
            for (i, v) in k.values.iter().enumerate() {
                b.add_linear(i, -v);
            }
            let items: Vec<(usize, f64)> = k.weights.iter().copied().enumerate().collect();
            let row = capacity_penalty(&mut b, &items, k.capacity, n, &slack, a);
            let (qubo, offset) = finish(b)?;
            let slack_len = slack.len();
            Encoded::new(Parts {
                qubo,
                offset,
                constraints: Constraints {
                    slack: if slack_len == 0 {
                        vec![]
                    } else {
                        vec![(n..n + slack_len).collect()]
                    },
                    capacities: vec![row],
                    ..Default::default()
                },
                decoder: Arc::new(KnapsackDecoder {
                    k: k.clone(),
                    slack,
                }),
                encoding: "knapsack-log-slack",
                penalties: json!({ "A": a }),
                energy_meaning: EnergyMeaning::Objective,
                details: json!({ "items": n, "slack_bits": slack_len }),
            })
        }
        KnapsackMethod::Unbalanced { lambda1, lambda2 } => {
            if !(lambda1.is_finite() && lambda2.is_finite() && lambda2 > 0.0) {
                return Err(invalid(
                    "unbalanced λ",
                    format!("need finite λ₁ and λ₂ > 0, got ({lambda1}, {lambda2})"),
                ));
            }
            let mut b = QuboBuilder::new(n);
            for (i, v) in k.values.iter().enumerate() {
                b.add_linear(i, -v);
            }
            // −λ₁h + λ₂h², h = W − Σwx: the linear part is λ₁Σwx − λ₁W.
            for (i, w) in k.weights.iter().enumerate() {
                b.add_linear(i, lambda1 * w);
            }
            b.add_offset(-lambda1 * k.capacity);
            let terms: Vec<(usize, f64)> = k.weights.iter().copied().enumerate().collect();
            add_squared(&mut b, &terms, k.capacity, lambda2);
            let (qubo, offset) = finish(b)?;
            let integral = k.capacity.fract() == 0.0 && k.weights.iter().all(|w| w.fract() == 0.0);
            Encoded::new(Parts {
                qubo,
                offset,
                // The inequality holds whatever the penalty; with integer weights the
                // classical solvers can keep it exactly.
                constraints: Constraints {
                    capacities: if integral {
                        vec![capacity_row(&terms, k.capacity, n, &[])]
                    } else {
                        vec![]
                    },
                    ..Default::default()
                },
                decoder: Arc::new(KnapsackDecoder {
                    k: k.clone(),
                    slack: vec![],
                }),
                encoding: "knapsack-unbalanced",
                penalties: json!({ "lambda1": lambda1, "lambda2": lambda2 }),
                energy_meaning: EnergyMeaning::Heuristic,
                details: json!({ "items": n }),
            })
        }
    }
}

/// Decoder of [`encode`].
#[derive(Debug, Clone)]
pub struct KnapsackDecoder {
    /// The instance.
    pub k: Knapsack,
    /// Slack bit weights (empty for the unbalanced method).
    pub slack: Vec<f64>,
}

impl Decode for KnapsackDecoder {
    fn problem(&self) -> &str {
        "knapsack"
    }
    fn objective_name(&self) -> &str {
        "packed value"
    }
    fn sense(&self) -> Sense {
        Sense::Maximize
    }

    fn picture(&self, d: &Decoded) -> Option<quboflow::compare::Picture> {
        match &d.solution {
            Solution::Items(items) => Some(crate::picture::knapsack(&self.k, items)),
            _ => None,
        }
    }

    fn decode(&self, x: &[u8]) -> Decoded {
        let n = self.k.len();
        let items = &x[..n.min(x.len())];
        let mut viol = Vec::new();
        let w = self.k.weight(items);
        if w > self.k.capacity {
            viol.push(format!(
                "weight {w} exceeds the capacity {}",
                self.k.capacity
            ));
        }
        let chosen = (0..items.len()).filter(|&i| items[i] == 1).collect();
        Decoded::raw(Solution::Items(chosen), Some(self.k.value(items)), viol)
    }

    /// Drops items in increasing value/weight order until the selection fits, then adds
    /// items greedily by value/weight while they fit.
    fn repair(&self, x: &[u8]) -> Option<Decoded> {
        let n = self.k.len();
        let mut sel: Vec<u8> = x[..n.min(x.len())].to_vec();
        let mut order: Vec<usize> = (0..n).collect();
        let ratio = |i: usize| self.k.values[i] / self.k.weights[i].max(f64::MIN_POSITIVE);
        order.sort_by(|&a, &b| ratio(a).total_cmp(&ratio(b)));
        let mut steps = Vec::new();
        let mut w = self.k.weight(&sel);
        for &i in &order {
            if w <= self.k.capacity {
                break;
            }
            if sel[i] == 1 {
                sel[i] = 0;
                w -= self.k.weights[i];
                steps.push(format!("dropped item {}", i + 1));
            }
        }
        for &i in order.iter().rev() {
            if sel[i] == 0 && w + self.k.weights[i] <= self.k.capacity {
                sel[i] = 1;
                w += self.k.weights[i];
                steps.push(format!("added item {} (greedy fill)", i + 1));
            }
        }
        let mut d = self.decode(&sel);
        d.repaired = true;
        d.repair_steps = steps;
        Some(d)
    }

    fn encode_solution(&self, solution: &Solution) -> Option<Vec<u8>> {
        let Solution::Items(items) = solution else {
            return None;
        };
        let n = self.k.len();
        let mut x = vec![0u8; n];
        for &i in items {
            *x.get_mut(i)? = 1;
        }
        let spare = self.k.capacity - self.k.weight(&x);
        if spare < 0.0 {
            return None;
        }
        if !self.slack.is_empty() {
            x.extend(slack_bits(&self.slack, spare));
        }
        Some(x)
    }
}
