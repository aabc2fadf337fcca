//! Route costing: Held–Karp over capacity-feasible customer subsets, and small-route helpers.

use crate::readers::cvrplib::Cvrp;

/// A candidate route: customers in their optimal order and its length.
#[derive(Debug, Clone, PartialEq)]
pub struct Route {
    /// Customers (0-based node indices) in visiting order.
    pub customers: Vec<usize>,
    /// Length from the depot and back.
    pub cost: f64,
    /// Bit mask over the instance's customer list.
    pub mask: u32,
}

/// Largest customer count whose subsets are enumerated (2¹⁸ × 18 partial tours ≈ 38 MiB).
pub const MAX_SUBSET_CUSTOMERS: usize = 18;

/// Every non-empty customer subset within capacity (and the route length limit), each with
/// its optimal route by Held–Karp. Customers are `cvrp.customers()`, bit `k` = the `k`-th.
pub fn feasible_routes(cvrp: &Cvrp) -> Vec<Route> {
    let cust = cvrp.customers();
    let m = cust.len();
    assert!(m <= MAX_SUBSET_CUSTOMERS);
    let full = 1usize << m;
    let mut load = vec![0.0f64; full];
    for mask in 1..full {
        let low = mask.trailing_zeros() as usize;
        load[mask] = load[mask & (mask - 1)] + cvrp.demands[cust[low]];
    }
    let mut dp = vec![f64::INFINITY; full * m];
    let mut parent = vec![u8::MAX; full * m];
    let mut routes = Vec::new();
    for mask in 1..full {
        if load[mask] > cvrp.capacity {
            continue;
        }
        for j in 0..m {
            if mask >> j & 1 == 0 {
                continue;
            }
            let rest = mask & !(1 << j);
            if rest == 0 {
                dp[mask * m + j] = cvrp.distance(cvrp.depot, cust[j]);
                continue;
            }
            let mut best = f64::INFINITY;
            let mut arg = u8::MAX;
            for i in 0..m {
                if rest >> i & 1 == 1 {
                    let c = dp[rest * m + i] + cvrp.distance(cust[i], cust[j]);
                    if c < best {
                        best = c;
                        arg = i as u8;
                    }
                }
            }
            dp[mask * m + j] = best;
            parent[mask * m + j] = arg;
        }
        let (mut best, mut last) = (f64::INFINITY, 0);
        for j in 0..m {
            if mask >> j & 1 == 1 {
                let c = dp[mask * m + j] + cvrp.distance(cust[j], cvrp.depot);
                if c < best {
                    best = c;
                    last = j;
                }
            }
        }
        if let Some(limit) = cvrp.distance_limit
            && best > limit
        {
            continue;
        }
        let mut order = Vec::new();
        let (mut s, mut j) = (mask, last);
        loop {
            order.push(cust[j]);
            let p = parent[s * m + j];
            s &= !(1 << j);
            if p == u8::MAX {
                break;
            }
            j = p as usize;
        }
        order.reverse();
        routes.push(Route {
            customers: order,
            cost: best,
            mask: mask as u32,
        });
    }
    routes
}

/// The best order of a small set of customers: Held–Karp up to 12, else nearest neighbour
/// followed by 2-opt (heuristic).
pub fn route_order(cvrp: &Cvrp, customers: &[usize]) -> Vec<usize> {
    let k = customers.len();
    if k <= 2 {
        return customers.to_vec();
    }
    if k <= 12 {
        return held_karp(cvrp, customers);
    }
    let mut left: Vec<usize> = customers.to_vec();
    let mut order = Vec::with_capacity(k);
    let mut at = cvrp.depot;
    while !left.is_empty() {
        let (idx, _) = left
            .iter()
            .enumerate()
            .min_by(|a, b| cvrp.distance(at, *a.1).total_cmp(&cvrp.distance(at, *b.1)))
            .unwrap_or((0, &0));
        at = left.swap_remove(idx);
        order.push(at);
    }
    two_opt(cvrp, &mut order);
    order
}

/// The optimal depot route through `cust` (exact; exponential in its length).
fn held_karp(cvrp: &Cvrp, cust: &[usize]) -> Vec<usize> {
    let k = cust.len();
    let full = 1usize << k;
    let mut dp = vec![f64::INFINITY; full * k];
    let mut parent = vec![usize::MAX; full * k];
    for j in 0..k {
        dp[(1 << j) * k + j] = cvrp.distance(cvrp.depot, cust[j]);
    }
    for s in 1..full {
        for j in 0..k {
            if s >> j & 1 == 0 || s == 1 << j {
                continue;
            }
            let rest = s & !(1 << j);
            for i in 0..k {
                if rest >> i & 1 == 1 {
                    let c = dp[rest * k + i] + cvrp.distance(cust[i], cust[j]);
                    if c < dp[s * k + j] {
                        dp[s * k + j] = c;
                        parent[s * k + j] = i;
                    }
                }
            }
        }
    }
    let s = full - 1;
    let last = (0..k)
        .min_by(|&a, &b| {
            (dp[s * k + a] + cvrp.distance(cust[a], cvrp.depot))
                .total_cmp(&(dp[s * k + b] + cvrp.distance(cust[b], cvrp.depot)))
        })
        .unwrap_or(0);
    let mut order = Vec::new();
    let (mut s, mut j) = (s, last);
    loop {
        order.push(cust[j]);
        let p = parent[s * k + j];
        s &= !(1 << j);
        if p == usize::MAX {
            break;
        }
        j = p;
    }
    order.reverse();
    order
}

/// 2-opt improvement of a depot route until no improving reversal is left.
pub fn two_opt(cvrp: &Cvrp, order: &mut [usize]) {
    let k = order.len();
    let node = |o: &[usize], p: isize| {
        if p < 0 || p as usize >= k {
            cvrp.depot
        } else {
            o[p as usize]
        }
    };
    let mut improved = true;
    while improved {
        improved = false;
        for i in 0..k {
            for j in i + 1..k {
                let (a, b) = (node(order, i as isize - 1), order[i]);
                let (c, d) = (order[j], node(order, j as isize + 1));
                let delta = cvrp.distance(a, c) + cvrp.distance(b, d)
                    - cvrp.distance(a, b)
                    - cvrp.distance(c, d);
                if delta < -1e-9 {
                    order[i..=j].reverse();
                    improved = true;
                }
            }
        }
    }
}
