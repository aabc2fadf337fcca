//! The CVRP baseline: Clarke–Wright savings, then local search (2-opt within routes,
//! relocating and swapping customers between routes) under the capacity and any route length
//! limit; routes beyond the fleet are emptied into the others where they fit.

use std::time::Instant;

use crate::readers::cvrplib::Cvrp;

const EPS: f64 = 1e-9;

/// Shape parameters λ of the savings d(0,i) + d(0,j) − λ·d(i,j) tried (Gaskell's and
/// Yellow's generalisation; λ = 1 is the classic rule). Each gives other merges, and the best
/// after local search is kept: on CVRPLIB E-n31-k7 λ = 1 alone ends at +23 %.
pub(crate) const LAMBDAS: [f64; 9] = [1.0, 0.4, 0.6, 0.8, 1.2, 1.4, 1.6, 1.8, 2.0];

/// Routes from parallel Clarke–Wright savings for each λ, each improved by local search until
/// no move helps; the best (within the fleet where possible) is returned. Stops trying more
/// λ when `deadline` passes. Deterministic.
pub(crate) fn routes(c: &Cvrp, deadline: Option<Instant>) -> Vec<Vec<usize>> {
    let late = || deadline.is_some_and(|d| Instant::now() >= d);
    let mut best: Option<(bool, f64, Vec<Vec<usize>>)> = None;
    for lambda in LAMBDAS {
        let r = improved(c, savings(c, lambda), deadline);
        let within_fleet = c.vehicles.is_none_or(|k| r.len() <= k);
        let cost = c.cost(&r);
        let better = match &best {
            None => true,
            Some((f, b, _)) => (within_fleet && !f) || (within_fleet == *f && cost < b - EPS),
        };
        if better {
            best = Some((within_fleet, cost, r));
        }
        if late() {
            break;
        }
    }
    best.map(|b| b.2).unwrap_or_default()
}

/// Local search from `r` until no move helps or the deadline.
pub(crate) fn improved(
    c: &Cvrp,
    mut r: Vec<Vec<usize>>,
    deadline: Option<Instant>,
) -> Vec<Vec<usize>> {
    let late = || deadline.is_some_and(|d| Instant::now() >= d);
    loop {
        let mut changed = false;
        for route in &mut r {
            changed |= two_opt_route(c, route);
        }
        changed |= relocate(c, &mut r);
        changed |= swap(c, &mut r, &late);
        if let Some(k) = c.vehicles
            && r.len() > k
        {
            changed |= eliminate_route(c, &mut r);
        }
        r.retain(|x| !x.is_empty());
        if !changed || late() {
            break;
        }
    }
    r
}

pub(crate) fn fits(c: &Cvrp, route: &[usize]) -> bool {
    c.load(route) <= c.capacity + EPS
        && c.distance_limit
            .is_none_or(|l| c.route_length(route) <= l + EPS)
}

/// Parallel savings: every customer on its own route, then merges of route ends by
/// decreasing saving d(0,i) + d(0,j) − λ·d(i,j) while the merged route fits.
pub(crate) fn savings(c: &Cvrp, lambda: f64) -> Vec<Vec<usize>> {
    let customers = c.customers();
    let depot = c.depot;
    let mut pairs: Vec<(f64, usize, usize)> = Vec::new();
    for (a, &i) in customers.iter().enumerate() {
        for &j in &customers[a + 1..] {
            let s = c.distance(depot, i) + c.distance(depot, j) - lambda * c.distance(i, j);
            pairs.push((s, i, j));
        }
    }
    pairs.sort_by(|x, y| y.0.total_cmp(&x.0).then(x.1.cmp(&y.1)).then(x.2.cmp(&y.2)));
    let mut route_of: Vec<usize> = (0..c.dimension).collect();
    let mut routes: Vec<Vec<usize>> = (0..c.dimension)
        .map(|i| if i == depot { vec![] } else { vec![i] })
        .collect();
    for (s, i, j) in pairs {
        if s <= 0.0 {
            break;
        }
        let (ri, rj) = (route_of[i], route_of[j]);
        if ri == rj {
            continue;
        }
        let (a, b) = (&routes[ri], &routes[rj]);
        let i_end = a.last() == Some(&i);
        let i_start = a.first() == Some(&i);
        let j_end = b.last() == Some(&j);
        let j_start = b.first() == Some(&j);
        // Join so that i and j become neighbours.
        let merged: Vec<usize> = if i_end && j_start {
            a.iter().chain(b).copied().collect()
        } else if j_end && i_start {
            b.iter().chain(a).copied().collect()
        } else if i_end && j_end {
            a.iter().chain(b.iter().rev()).copied().collect()
        } else if i_start && j_start {
            a.iter().rev().chain(b).copied().collect()
        } else {
            continue;
        };
        if !fits(c, &merged) {
            continue;
        }
        for &x in &merged {
            route_of[x] = ri;
        }
        routes[ri] = merged;
        routes[rj].clear();
    }
    routes.into_iter().filter(|r| !r.is_empty()).collect()
}

/// 2-opt within one route (depot at both ends); true on a change.
fn two_opt_route(c: &Cvrp, route: &mut [usize]) -> bool {
    let n = route.len();
    if n < 3 {
        return false;
    }
    let at = |r: &[usize], k: isize| {
        if k < 0 || k as usize >= r.len() {
            c.depot
        } else {
            r[k as usize]
        }
    };
    let mut changed = false;
    let mut improved = true;
    while improved {
        improved = false;
        for i in -1..(n as isize - 1) {
            for j in (i + 2)..(n as isize) {
                let (a, b, x, y) = (
                    at(route, i),
                    at(route, i + 1),
                    at(route, j),
                    at(route, j + 1),
                );
                let delta =
                    c.distance(a, x) + c.distance(b, y) - c.distance(a, b) - c.distance(x, y);
                if delta < -EPS {
                    route[(i + 1) as usize..=j as usize].reverse();
                    improved = true;
                    changed = true;
                }
            }
        }
    }
    changed
}

/// The cheapest place to insert `x` into `route`: (added length, position).
fn cheapest_insert(c: &Cvrp, route: &[usize], x: usize) -> (f64, usize) {
    let mut best = (f64::INFINITY, 0);
    for p in 0..=route.len() {
        let a = if p == 0 { c.depot } else { route[p - 1] };
        let b = if p == route.len() { c.depot } else { route[p] };
        let add = c.distance(a, x) + c.distance(x, b) - c.distance(a, b);
        if add < best.0 {
            best = (add, p);
        }
    }
    best
}

/// Removal gain of the customer at position `k`.
fn removal_gain(c: &Cvrp, route: &[usize], k: usize) -> f64 {
    let a = if k == 0 { c.depot } else { route[k - 1] };
    let b = if k + 1 == route.len() {
        c.depot
    } else {
        route[k + 1]
    };
    c.distance(a, route[k]) + c.distance(route[k], b) - c.distance(a, b)
}

/// Moves single customers to the route and position that shorten the total most.
fn relocate(c: &Cvrp, routes: &mut [Vec<usize>]) -> bool {
    let mut changed = false;
    for from in 0..routes.len() {
        let mut k = 0;
        while k < routes[from].len() {
            let x = routes[from][k];
            let gain = removal_gain(c, &routes[from], k);
            let mut best: Option<(f64, usize, usize)> = None;
            for (to, route) in routes.iter().enumerate() {
                if to == from {
                    continue;
                }
                let (add, p) = cheapest_insert(c, route, x);
                let mut trial = route.clone();
                trial.insert(p, x);
                if gain - add > EPS
                    && fits(c, &trial)
                    && best.is_none_or(|(g, _, _)| gain - add > g)
                {
                    best = Some((gain - add, to, p));
                }
            }
            if let Some((_, to, p)) = best {
                routes[from].remove(k);
                routes[to].insert(p, x);
                changed = true;
            } else {
                k += 1;
            }
        }
    }
    changed
}

/// Exchanges two customers of different routes, each put at its cheapest place in the
/// other, when that shortens the total.
fn swap(c: &Cvrp, routes: &mut [Vec<usize>], late: &dyn Fn() -> bool) -> bool {
    let mut changed = false;
    for r1 in 0..routes.len() {
        if late() {
            return changed;
        }
        for r2 in r1 + 1..routes.len() {
            let mut i = 0;
            while i < routes[r1].len() {
                let mut done = false;
                for j in 0..routes[r2].len() {
                    let before = c.route_length(&routes[r1]) + c.route_length(&routes[r2]);
                    let (x, y) = (routes[r1][i], routes[r2][j]);
                    let mut a = routes[r1].clone();
                    a.remove(i);
                    let mut b = routes[r2].clone();
                    b.remove(j);
                    let (_, pa) = cheapest_insert(c, &a, y);
                    a.insert(pa, y);
                    let (_, pb) = cheapest_insert(c, &b, x);
                    b.insert(pb, x);
                    if c.route_length(&a) + c.route_length(&b) < before - EPS
                        && fits(c, &a)
                        && fits(c, &b)
                    {
                        routes[r1] = a;
                        routes[r2] = b;
                        changed = true;
                        done = true;
                        break;
                    }
                }
                if !done {
                    i += 1;
                }
            }
        }
    }
    changed
}

/// Tries to empty the lightest route into the others (cheapest insertion, capacity kept);
/// true when a route was removed.
fn eliminate_route(c: &Cvrp, routes: &mut Vec<Vec<usize>>) -> bool {
    let mut order: Vec<usize> = (0..routes.len()).collect();
    order.sort_by(|&a, &b| c.load(&routes[a]).total_cmp(&c.load(&routes[b])));
    for &victim in &order {
        let mut trial: Vec<Vec<usize>> = routes.clone();
        let moving = std::mem::take(&mut trial[victim]);
        let mut ok = true;
        // Heaviest first: the hardest to place.
        let mut moving = moving;
        moving.sort_by(|&a, &b| c.demands[b].total_cmp(&c.demands[a]));
        for x in moving {
            let mut best: Option<(f64, usize, usize)> = None;
            for (to, r) in trial.iter().enumerate() {
                if to == victim {
                    continue;
                }
                let (add, p) = cheapest_insert(c, r, x);
                let mut t = r.clone();
                t.insert(p, x);
                if fits(c, &t) && best.is_none_or(|(a, _, _)| add < a) {
                    best = Some((add, to, p));
                }
            }
            match best {
                Some((_, to, p)) => trial[to].insert(p, x),
                None => {
                    ok = false;
                    break;
                }
            }
        }
        if ok {
            trial.remove(victim);
            *routes = trial;
            return true;
        }
    }
    false
}
