//! The knapsack baseline: exact dynamic programming over integer capacities where the table
//! is small enough, else greedy by value density improved by one-item swaps.

use crate::readers::knapsack::Knapsack;

/// Most DP cells (items × (capacity + 1)) the exact method fills: 2·10⁸ bits, 25 MB.
pub(crate) const MAX_DP_CELLS: u64 = 200_000_000;

/// Largest capacity the exact method takes: its value row holds capacity + 1 floats (80 MB).
pub(crate) const MAX_DP_CAPACITY: u64 = 10_000_000;

/// The chosen items and whether the selection is proven optimal (dynamic programming).
pub(crate) fn select(k: &Knapsack) -> (Vec<usize>, bool) {
    let integral = k
        .weights
        .iter()
        .chain([&k.capacity])
        .all(|w| w.fract() == 0.0);
    let n = k.values.len() as u64;
    let cap = k.capacity as u64;
    if integral && cap <= MAX_DP_CAPACITY && n.saturating_mul(cap + 1) <= MAX_DP_CELLS {
        (dp(k), true)
    } else {
        (greedy(k), false)
    }
}

/// Exact 0/1 knapsack by DP over capacities, with a bit table to recover the items.
fn dp(k: &Knapsack) -> Vec<usize> {
    let cap = k.capacity as usize;
    let n = k.values.len();
    let mut best = vec![0.0f64; cap + 1];
    let mut take = vec![0u64; (n * (cap + 1)).div_ceil(64)];
    for i in 0..n {
        let w = k.weights[i] as usize;
        if w > cap {
            continue;
        }
        for c in (w..=cap).rev() {
            let v = best[c - w] + k.values[i];
            if v > best[c] {
                best[c] = v;
                let bit = i * (cap + 1) + c;
                take[bit / 64] |= 1 << (bit % 64);
            }
        }
    }
    let mut c = cap;
    let mut items = Vec::new();
    for i in (0..n).rev() {
        let bit = i * (cap + 1) + c;
        if take[bit / 64] >> (bit % 64) & 1 == 1 {
            items.push(i);
            c -= k.weights[i] as usize;
        }
    }
    items.reverse();
    items
}

/// Largest instance the swap improvement runs on.
const SWAP_MAX_ITEMS: usize = 2000;

/// Greedy by value per weight, then one-for-one swaps that raise the value while fitting.
fn greedy(k: &Knapsack) -> Vec<usize> {
    let n = k.values.len();
    let mut order: Vec<usize> = (0..n).collect();
    let density = |i: usize| {
        if k.weights[i] == 0.0 {
            f64::INFINITY
        } else {
            k.values[i] / k.weights[i]
        }
    };
    order.sort_by(|&a, &b| density(b).total_cmp(&density(a)).then(a.cmp(&b)));
    let mut chosen = vec![false; n];
    let mut load = 0.0;
    for &i in &order {
        if load + k.weights[i] <= k.capacity {
            chosen[i] = true;
            load += k.weights[i];
        }
    }
    // One-for-one swaps cost n² per step: only where that stays well under a second.
    if n <= SWAP_MAX_ITEMS {
        swap_up(k, &order, &mut chosen, &mut load);
    }
    (0..n).filter(|&i| chosen[i]).collect()
}

/// One-for-one swaps that raise the value while fitting, each followed by a fill-up, until
/// none helps.
fn swap_up(k: &Knapsack, order: &[usize], chosen: &mut [bool], load: &mut f64) {
    let n = chosen.len();
    loop {
        let mut best: Option<(f64, usize, usize)> = None;
        for i in (0..n).filter(|&i| chosen[i]) {
            for j in (0..n).filter(|&j| !chosen[j]) {
                let gain = k.values[j] - k.values[i];
                if gain > 1e-12
                    && *load - k.weights[i] + k.weights[j] <= k.capacity
                    && best.is_none_or(|(g, _, _)| gain > g)
                {
                    best = Some((gain, i, j));
                }
            }
        }
        let Some((_, i, j)) = best else { break };
        chosen[i] = false;
        chosen[j] = true;
        *load += k.weights[j] - k.weights[i];
        // A freed gap may take more items.
        for &x in order {
            if !chosen[x] && *load + k.weights[x] <= k.capacity {
                chosen[x] = true;
                *load += k.weights[x];
            }
        }
    }
}
