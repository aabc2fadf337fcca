//! Simulated annealing and tabu search over constraint-preserving moves ([`super::moves`]).

use std::time::Instant;

use rand::RngExt;
use rand::rngs::Xoshiro256PlusPlus;

use super::common::keep_elite;
use super::moves::{Move, MoveSpace, Walker};
use crate::control::RunClock;
use crate::sampleset::Termination;

/// Random moves sampled to choose the default β range.
const RANGE_SAMPLES: usize = 2000;
/// Moves between full recomputations of fields and energy.
const RESYNC_EVERY: u64 = 1 << 20;

/// The default β range for move-based annealing, by dwave-samplers' rule applied to the
/// energy changes of the moves themselves (not of single flips, which are dominated by the
/// penalty and would make the cold end far too warm): `β_hot = ln 2 / max|Δ|` (the largest
/// change is accepted half the time at the start), `β_cold = ln 100 / min|Δ|` (the smallest
/// non-zero change 1 % of the time at the end), over `RANGE_SAMPLES` random moves from random
/// feasible states.
pub(crate) fn move_beta_range(space: &MoveSpace<'_>, seed: u64) -> (f64, f64) {
    let mut rng = super::common::read_rng(seed, u64::MAX);
    let mut lo = f64::INFINITY;
    let mut hi = 0.0f64;
    let mut mv = Move::default();
    for _ in 0..4 {
        let w = Walker::new(space, space.random_state(&mut rng));
        for _ in 0..RANGE_SAMPLES / 4 {
            if w.random_move(&mut rng, &mut mv) {
                let d = w.delta(&mv).abs();
                if d > 1e-9 * (1.0 + w.energy.abs()) {
                    lo = lo.min(d);
                    hi = hi.max(d);
                }
            }
        }
    }
    if hi == 0.0 {
        return (0.1, 1.0);
    }
    ((2f64).ln() / hi, (100f64).ln() / lo)
}

/// One annealing read over `betas` (each held `per_beta` sweeps of `n` proposals); returns the
/// best state seen, the proposals made, and a stop if the run was ended.
pub(crate) fn anneal_read(
    space: &MoveSpace<'_>,
    start: Vec<u8>,
    betas: &[f64],
    per_beta: usize,
    rng: &mut Xoshiro256PlusPlus,
    clock: &RunClock,
) -> (Vec<u8>, u64, Option<Termination>) {
    let n = start.len();
    let mut w = Walker::new(space, start);
    let mut best = w.energy;
    let mut best_x = w.x.clone();
    let mut mv = Move::default();
    let mut proposals = 0u64;
    for &beta in betas {
        for _ in 0..per_beta {
            for _ in 0..n {
                proposals += 1;
                if !w.random_move(rng, &mut mv) {
                    continue;
                }
                let d = w.delta(&mv);
                let accept = d <= 0.0 || {
                    let u: f64 = rng.random();
                    u < (-beta * d).exp()
                };
                if accept {
                    w.apply(&mv);
                    if w.energy < best {
                        best = w.energy;
                        best_x.clone_from(&w.x);
                    }
                }
                if proposals % RESYNC_EVERY == 0 {
                    w.resync();
                }
            }
            if let Some(why) = clock.should_stop() {
                return (best_x, proposals, Some(why));
            }
        }
    }
    (best_x, proposals, None)
}

/// One parallel-tempering read over constraint-preserving moves: a walker per β of `betas`
/// (hot to cold), each sweep `n` proposals per walker, then exchanges between neighbouring
/// temperatures (even pairs after even sweeps) with probability
/// `min(1, exp((β_k − β_{k+1})(E_k − E_{k+1})))`. Walkers sweep in parallel, each with its
/// own generator, and the exchanges draw from `exchange`, so the result does not depend on
/// the thread count. Returns the best state any walker saw.
pub(crate) fn temper_read(
    space: &MoveSpace<'_>,
    starts: Vec<Vec<u8>>,
    betas: &[f64],
    num_sweeps: usize,
    rngs: Vec<Xoshiro256PlusPlus>,
    exchange: &mut Xoshiro256PlusPlus,
    clock: &RunClock,
) -> (Vec<u8>, u64, Option<Termination>) {
    use rayon::prelude::*;
    let r = betas.len();
    let n = starts.first().map_or(0, Vec::len);
    // (walker, its generator, best energy, best state)
    let mut walkers: Vec<(Walker<'_, '_>, Xoshiro256PlusPlus, f64, Vec<u8>)> = starts
        .into_iter()
        .zip(rngs)
        .map(|(x, rng)| {
            let w = Walker::new(space, x);
            let (e, b) = (w.energy, w.x.clone());
            (w, rng, e, b)
        })
        .collect();
    let mut walker_at: Vec<usize> = (0..r).collect();
    let mut temp_of: Vec<usize> = (0..r).collect();
    let mut proposals = 0u64;
    let mut stop = None;
    for sweep in 0..num_sweeps {
        walkers
            .par_iter_mut()
            .enumerate()
            .for_each(|(k, (w, rng, best, best_x))| {
                let beta = betas[temp_of[k]];
                let mut mv = Move::default();
                for _ in 0..n {
                    if !w.random_move(rng, &mut mv) {
                        continue;
                    }
                    let d = w.delta(&mv);
                    let accept = d <= 0.0 || {
                        let u: f64 = rng.random();
                        u < (-beta * d).exp()
                    };
                    if accept {
                        w.apply(&mv);
                        if w.energy < *best {
                            *best = w.energy;
                            best_x.clone_from(&w.x);
                        }
                    }
                }
                // Sweeps are short: resynchronise the fields once a sweep bound is passed.
                if (sweep as u64 + 1) * n as u64 % RESYNC_EVERY < n as u64 {
                    w.resync();
                }
            });
        proposals += (n * r) as u64;
        for t in (sweep % 2..r.saturating_sub(1)).step_by(2) {
            let (a, b) = (walker_at[t], walker_at[t + 1]);
            let arg = (betas[t] - betas[t + 1]) * (walkers[a].0.energy - walkers[b].0.energy);
            let u: f64 = exchange.random();
            if arg >= 0.0 || u < arg.exp() {
                walker_at.swap(t, t + 1);
                temp_of[a] = t + 1;
                temp_of[b] = t;
            }
        }
        if let Some(why) = clock.should_stop() {
            stop = Some(why);
            break;
        }
    }
    let best = walkers
        .into_iter()
        .map(|(_, _, e, x)| (e, x))
        .fold(None, |acc: Option<(f64, Vec<u8>)>, (e, x)| match acc {
            Some((b, bx)) if b <= e => Some((b, bx)),
            _ => Some((e, x)),
        })
        .map(|(_, x)| x)
        .unwrap_or_default();
    (best, proposals, stop)
}

/// Settings of one constrained tabu read.
pub(crate) struct TabuSettings {
    pub(crate) tenure: usize,
    pub(crate) max_stagnation: usize,
    pub(crate) num_restarts: usize,
    pub(crate) max_stale_restarts: usize,
    pub(crate) deadline: Instant,
    pub(crate) tol: f64,
}

/// One multistart tabu read over constraint-preserving moves: each iteration takes the best
/// move of the whole neighbourhood that makes no tabu flip (a variable turned off may not
/// come back on for `tenure` iterations; a free variable flipped alone may not flip back),
/// unless it gives a new best (aspiration). Phases end after `max_stagnation` iterations
/// without improvement and restart from an elite state perturbed by random moves.
pub(crate) fn tabu_read(
    space: &MoveSpace<'_>,
    start: Vec<u8>,
    set: &TabuSettings,
    rng: &mut Xoshiro256PlusPlus,
    clock: &RunClock,
) -> (Vec<u8>, u64, Option<Termination>) {
    let n = start.len();
    let mut tabu_until = vec![0usize; n];
    let mut elite: Vec<(f64, Vec<u8>)> = Vec::new();
    let mut best_x = start.clone();
    let mut best = f64::INFINITY;
    let mut it = 0usize;
    let mut iterations = 0u64;
    let mut x0 = start;
    let mut mv = Move::default();
    let mut pick = Move::default();
    let stop = |clock: &RunClock| -> Option<Option<Termination>> {
        if let Some(why) = clock.should_stop() {
            return Some(Some(why));
        }
        (Instant::now() >= set.deadline).then_some(None)
    };
    let mut stale = 0usize;
    for _phase in 0..set.num_restarts.max(1) {
        let best_before = best;
        let mut w = Walker::new(space, x0);
        let mut phase_best = w.energy;
        let mut phase_x = w.x.clone();
        let mut since = 0usize;
        while since < set.max_stagnation {
            let aspire = best.min(phase_best) - w.energy - set.tol;
            let mut pick_d = f64::INFINITY;
            let mut ties = 0u32;
            w.for_each_move(&mut mv, |m| {
                let d = w.delta(m);
                if d > pick_d + set.tol {
                    return;
                }
                let tabu = m
                    .flips
                    .iter()
                    .any(|&(i, on)| tabu_until[i] > it && (on || space.is_free(i)));
                if tabu && d >= aspire {
                    return;
                }
                // Reservoir choice among equal moves, so plateaus are crossed at random.
                if d < pick_d - set.tol {
                    ties = 1;
                } else {
                    ties += 1;
                    if rng.random_range(0..ties) != 0 {
                        return;
                    }
                }
                pick_d = pick_d.min(d);
                pick.flips.clone_from(&m.flips);
            });
            if !pick_d.is_finite() {
                break;
            }
            w.apply(&pick);
            // A variable turned off may not come back on (which forbids undoing a swap or
            // exchange); a free variable flipped alone may not flip back either way (else a
            // single flip and its undo cycle forever). Slack bits follow the loads; making
            // them tabu would freeze the rows.
            let single = pick.flips.iter().filter(|f| !space.is_slack(f.0)).count() == 1;
            for &(i, on) in &pick.flips {
                if (!on || single) && !space.is_slack(i) {
                    tabu_until[i] = it + set.tenure + 1;
                }
            }
            it += 1;
            since += 1;
            iterations += 1;
            if w.energy < phase_best - set.tol {
                phase_best = w.energy;
                phase_x.clone_from(&w.x);
                since = 0;
            }
            if it % 16 == 0
                && let Some(end) = stop(clock)
            {
                keep_elite(&mut elite, phase_best, phase_x, &mut best, &mut best_x, 0.0);
                return (best_x, iterations, end);
            }
        }
        keep_elite(&mut elite, phase_best, phase_x, &mut best, &mut best_x, 0.0);
        if let Some(end) = stop(clock) {
            return (best_x, iterations, end);
        }
        stale = if best < best_before { 0 } else { stale + 1 };
        if stale >= set.max_stale_restarts.max(1) {
            break;
        }
        let (_, base) = &elite[rng.random_range(0..elite.len())];
        let mut w = Walker::new(space, base.clone());
        let sites = space.num_sites().max(1);
        let k = rng.random_range((sites / 10).max(1)..=(sites / 4).max(1));
        for _ in 0..k {
            if w.random_move(rng, &mut mv) {
                w.apply(&mv);
            }
        }
        x0 = w.x;
    }
    (best_x, iterations, None)
}
