//! The TSP baseline: nearest neighbour, then 2-opt and Or-opt to a local optimum.

use std::time::Instant;

use crate::readers::tsplib::Tsp;

/// A tour from nearest neighbour (from city 0), improved by 2-opt and Or-opt (segments of 1–3
/// cities moved, either way round) until neither improves it or `deadline` passes.
/// Deterministic: the same tour for the same instance.
pub(crate) fn tour(tsp: &Tsp, deadline: Option<Instant>) -> Vec<usize> {
    let n = tsp.dimension;
    if n <= 3 {
        return (0..n).collect();
    }
    let mut t = nearest_neighbour(tsp);
    improve(tsp, &mut t, deadline);
    t
}

fn nearest_neighbour(tsp: &Tsp) -> Vec<usize> {
    let n = tsp.dimension;
    let mut seen = vec![false; n];
    let mut t = Vec::with_capacity(n);
    let mut cur = 0;
    seen[0] = true;
    t.push(0);
    for _ in 1..n {
        let next = (0..n)
            .filter(|&j| !seen[j])
            .min_by(|&a, &b| tsp.distance(cur, a).total_cmp(&tsp.distance(cur, b)))
            .unwrap_or(0);
        seen[next] = true;
        t.push(next);
        cur = next;
    }
    t
}

/// Improvements smaller than this (relative to the tour length) are ignored, so rounding
/// never loops.
const EPS: f64 = 1e-10;

/// 2-opt and Or-opt passes until a local optimum of both (or the deadline).
pub(crate) fn improve(tsp: &Tsp, t: &mut [usize], deadline: Option<Instant>) {
    let late = || deadline.is_some_and(|d| Instant::now() >= d);
    loop {
        let a = two_opt(tsp, t, &late);
        let b = or_opt(tsp, t);
        if !(a || b) || late() {
            return;
        }
    }
}

/// First-improvement 2-opt to a local optimum; true when the tour changed.
fn two_opt(tsp: &Tsp, t: &mut [usize], late: &dyn Fn() -> bool) -> bool {
    let n = t.len();
    let d = |a: usize, b: usize| tsp.distance(a, b);
    let scale = EPS * tsp.tour_length(t).abs().max(1.0);
    let mut changed = false;
    let mut improved = true;
    while improved {
        improved = false;
        for i in 0..n - 1 {
            for j in i + 2..n {
                if i == 0 && j == n - 1 {
                    continue;
                }
                let (a, b, c, e) = (t[i], t[i + 1], t[j], t[(j + 1) % n]);
                let delta = d(a, c) + d(b, e) - d(a, b) - d(c, e);
                if delta < -scale {
                    t[i + 1..=j].reverse();
                    improved = true;
                    changed = true;
                }
            }
            if late() {
                return changed;
            }
        }
    }
    changed
}

/// Or-opt: move a segment of 1–3 cities elsewhere (as is or reversed); true on a change.
fn or_opt(tsp: &Tsp, t: &mut [usize]) -> bool {
    let n = t.len();
    let d = |a: usize, b: usize| tsp.distance(a, b);
    let scale = EPS * tsp.tour_length(t).abs().max(1.0);
    let mut changed = false;
    for len in 1..=3usize.min(n - 2) {
        let mut i = 0;
        while i < n {
            // Segment t[i..i+len] (cyclic), between prev and next.
            let seg: Vec<usize> = (0..len).map(|k| t[(i + k) % n]).collect();
            let prev = t[(i + n - 1) % n];
            let next = t[(i + len) % n];
            let removed = d(prev, seg[0]) + d(seg[len - 1], next) - d(prev, next);
            // The tour without the segment, as positions after `next`.
            let rest: Vec<usize> = (0..n - len).map(|k| t[(i + len + k) % n]).collect();
            let mut best: Option<(f64, usize, bool)> = None;
            for p in 0..rest.len() {
                let (x, y) = (rest[p], rest[(p + 1) % rest.len()]);
                if x == prev && y == next {
                    continue;
                }
                let fwd = d(x, seg[0]) + d(seg[len - 1], y) - d(x, y);
                let rev = d(x, seg[len - 1]) + d(seg[0], y) - d(x, y);
                let (add, reversed) = if rev < fwd { (rev, true) } else { (fwd, false) };
                let gain = removed - add;
                if gain > scale && best.is_none_or(|(g, _, _)| gain > g) {
                    best = Some((gain, p, reversed));
                }
            }
            if let Some((_, p, reversed)) = best {
                let mut out = Vec::with_capacity(n);
                for (k, &c) in rest.iter().enumerate() {
                    out.push(c);
                    if k == p {
                        if reversed {
                            out.extend(seg.iter().rev());
                        } else {
                            out.extend(&seg);
                        }
                    }
                }
                // Keep city 0 first, as tours are reported.
                let z = out.iter().position(|&c| c == 0).unwrap_or(0);
                out.rotate_left(z);
                t.copy_from_slice(&out);
                changed = true;
            } else {
                i += 1;
            }
        }
    }
    changed
}
