//! Capacity rows inside the move space: every move keeps each row's slack bits equal to the
//! room left, so a state within capacity carries no penalty at all.
//!
//! Without this a knapsack item can only be added by a single flip that leaves the slack
//! wrong, which costs `A·w²` — far more than any item is worth — and the search freezes.

use rand::rngs::Xoshiro256PlusPlus;

use super::{MoveSpace, Site, shuffle};
use crate::constraints::{Capacity, Constraints};

/// Slack weights that are not distinct powers of two are tried in every combination; past
/// this many the row is left to single flips.
const MAX_IRREGULAR: usize = 8;

/// A capacity row the move space keeps (integer arithmetic throughout).
#[derive(Debug, Clone)]
pub(super) struct Row {
    pub(super) capacity: i64,
    /// Slack variables; bit `k` of a slack pattern is `slack[k]`.
    pub(super) slack: Vec<usize>,
    /// Largest value the slack bits can hold.
    max_slack: i64,
    /// Per power-of-two exponent `b`, the slack index holding `2^b` (at most one each).
    power_at: Vec<Option<u8>>,
    /// Slack indices whose weight is not (or repeats) a power of two, with their weights.
    irregular: Vec<(u8, i64)>,
}

impl Row {
    /// The row as the move space uses it, or `None` when its slack cannot be reset exactly
    /// (more than 64 slack bits, or more than [`MAX_IRREGULAR`] irregular weights).
    pub(super) fn new(c: &Capacity) -> Option<Row> {
        if c.slack.len() > 64 {
            return None;
        }
        let mut power_at = vec![None; 63];
        let mut irregular = Vec::new();
        for (k, &w) in c.slack_weights.iter().enumerate() {
            let w = w as i64;
            let b = w.trailing_zeros() as usize;
            if w > 0 && w.count_ones() == 1 && b < 63 && power_at[b].is_none() {
                power_at[b] = Some(k as u8);
            } else {
                irregular.push((k as u8, w));
            }
        }
        if irregular.len() > MAX_IRREGULAR {
            return None;
        }
        Some(Row {
            capacity: c.capacity as i64,
            slack: c.slack.clone(),
            max_slack: c.slack_weights.iter().map(|&w| w as i64).sum(),
            power_at,
            irregular,
        })
    }

    /// The slack value that minimises the penalty at `load`: the room left, clamped to what
    /// the bits can hold (0 when over capacity).
    pub(super) fn target(&self, load: i64) -> i64 {
        (self.capacity - load).clamp(0, self.max_slack)
    }

    /// A slack bit pattern (bit `k` = `slack[k]`) whose weights sum to `t`, if one exists:
    /// every subset of the irregular weights, the rest from the binary digits of what is left.
    pub(super) fn pattern(&self, t: i64) -> Option<u64> {
        'subsets: for subset in 0u32..1 << self.irregular.len() {
            let mut pat = 0u64;
            let mut left = t;
            for (j, &(k, w)) in self.irregular.iter().enumerate() {
                if subset >> j & 1 == 1 {
                    pat |= 1 << k;
                    left -= w;
                }
            }
            if left < 0 {
                continue;
            }
            let mut bits = left as u64;
            while bits != 0 {
                let b = bits.trailing_zeros() as usize;
                bits &= bits - 1;
                match self.power_at.get(b).copied().flatten() {
                    Some(k) => pat |= 1 << k,
                    None => continue 'subsets,
                }
            }
            return Some(pat);
        }
        None
    }

    /// Whether a move taking the load from `old` to `new` is allowed: it ends within capacity,
    /// or at least does not overload the row further.
    pub(super) fn allows(&self, old: i64, new: i64) -> bool {
        new <= self.capacity || new <= old
    }
}

/// The capacity rows the moves can keep (see [`Row::new`]), whose slack bits are
/// in no other structure; their slack bits become [`Site::Slack`]. Returns the rows and,
/// per variable, the rows it loads.
pub(super) fn rows(
    constraints: &Constraints,
    site_of: &mut [Option<Site>],
) -> (Vec<Row>, Vec<Vec<(u32, i64)>>) {
    let n = site_of.len();
    let mut rows = Vec::new();
    let mut touch: Vec<Vec<(u32, i64)>> = vec![Vec::new(); n];
    let mut is_loaded = vec![false; n];
    for c in &constraints.capacities {
        c.vars.iter().for_each(|&v| is_loaded[v] = true);
    }
    for c in &constraints.capacities {
        let Some(row) = Row::new(c) else {
            continue;
        };
        let mut seen = std::collections::HashSet::new();
        let exclusive = c
            .slack
            .iter()
            .all(|&v| site_of[v].is_none() && !is_loaded[v] && seen.insert(v));
        if !exclusive {
            continue;
        }
        let r = rows.len() as u32;
        for (k, &v) in c.slack.iter().enumerate() {
            site_of[v] = Some(Site::Slack { row: r, k: k as u8 });
        }
        for (&v, &w) in c.vars.iter().zip(&c.weights) {
            match touch[v].iter_mut().find(|(rr, _)| *rr == r) {
                Some((_, sum)) => *sum += w as i64,
                None => touch[v].push((r, w as i64)),
            }
        }
        rows.push(row);
    }
    (rows, touch)
}

impl MoveSpace<'_> {
    /// Brings each capacity row within capacity by flipping random free variables that lower
    /// its load (items with positive weight turned off, negative weight — e.g. a facility's
    /// open flag — turned on); variables in groups, permutations or sets are left alone, so a
    /// row may stay over. Then sets its slack bits to the room left.
    pub(super) fn fit_capacities(&self, x: &mut [u8], rng: &mut Xoshiro256PlusPlus) {
        for (r, row) in self.rows.iter().enumerate() {
            let mut load = self.load(x, r);
            let mut relief: Vec<usize> = self
                .free
                .iter()
                .copied()
                .filter(|&v| {
                    self.touch[v]
                        .iter()
                        .any(|&(rr, w)| rr as usize == r && (w > 0) == (x[v] == 1))
                })
                .collect();
            shuffle(&mut relief, rng);
            while load > row.capacity {
                let Some(v) = relief.pop() else { break };
                let w: i64 = (self.touch[v].iter())
                    .filter(|&&(rr, _)| rr as usize == r)
                    .map(|&(_, w)| w)
                    .sum();
                load += if x[v] == 1 { -w } else { w };
                x[v] ^= 1;
            }
            let pat = row.pattern(row.target(load)).unwrap_or(0);
            for (k, &v) in row.slack.iter().enumerate() {
                x[v] = (pat >> k & 1) as u8;
            }
        }
    }

    /// Load of capacity row `r` in `x`.
    pub(super) fn load(&self, x: &[u8], r: usize) -> i64 {
        let mut load = 0;
        for (v, ws) in self.touch.iter().enumerate() {
            if x[v] == 1 {
                load += ws
                    .iter()
                    .filter(|&&(rr, _)| rr as usize == r)
                    .map(|&(_, w)| w)
                    .sum::<i64>();
            }
        }
        load
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(weights: &[f64]) -> Row {
        Row::new(&Capacity {
            vars: vec![],
            weights: vec![],
            capacity: weights.iter().sum(),
            slack: (0..weights.len()).collect(),
            slack_weights: weights.to_vec(),
        })
        .unwrap()
    }

    #[test]
    fn every_value_of_a_log_encoded_slack_has_its_pattern() {
        // 1, 2, 4, 8 and the remainder 6 (capacity 21), as the knapsack encoding builds it.
        let weights = [1.0, 2.0, 4.0, 8.0, 6.0];
        let r = row(&weights);
        for t in 0..=21 {
            let pat = r.pattern(t).unwrap_or_else(|| panic!("{t} has no pattern"));
            let sum: f64 = (0..5)
                .filter(|k| pat >> k & 1 == 1)
                .map(|k| weights[k])
                .sum();
            assert_eq!(sum as i64, t);
        }
        assert_eq!(r.pattern(22), None);
        assert_eq!(r.target(-3), 21);
        assert_eq!(r.target(30), 0);
    }

    #[test]
    fn values_the_bits_cannot_hold_have_no_pattern() {
        let r = row(&[2.0, 4.0, 3.0]);
        assert_eq!(r.pattern(1), None);
        assert_eq!(r.pattern(5), Some(0b101));
        assert_eq!(r.pattern(9), Some(0b111));
        assert!(r.allows(10, 9) && !r.allows(3, 10) && r.allows(3, 9));
    }
}
