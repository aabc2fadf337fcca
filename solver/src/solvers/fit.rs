//! Fitting an annealing schedule to a time limit: measure the sweep rate, then choose how many
//! sweeps every read can complete.
//!
//! A read cut off by the time limit mid-schedule returns a state from the hot end, close to
//! random (kroA100, ten reads of the default 1000 sweeps in 20 s: tour +498 % over the
//! optimum). A shorter schedule that every read completes anneals all the way down.

use std::time::{Duration, Instant};

use rand::rngs::Xoshiro256PlusPlus;

use super::anneal::{Acceptance, LaneFloat, Lanes};
use super::common::{random_state, read_rng};
use super::constrained::anneal_read;
use super::moves::MoveSpace;
use crate::control::RunClock;
use crate::qubo::Qubo;

/// How long a probe keeps sweeping to get a stable rate (at least one sweep either way).
const PROBE_TIME: Duration = Duration::from_millis(10);
/// Most sweeps a probe makes.
const PROBE_SWEEPS: usize = 64;
/// Stream of the probe's generators, apart from every read's.
const PROBE_STREAM: u64 = u64::MAX - 7;

/// The measured cost of a sweep and the schedule that fits.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct Fit {
    /// Seconds per sweep of one unit (a lane group or one read) at the probed β.
    pub(crate) sweep_s: f64,
    /// Units each thread runs one after another.
    pub(crate) rounds: usize,
    /// Sweeps per read that fit, between `per_beta` and the default, a multiple of `per_beta`.
    pub(crate) num_sweeps: usize,
}

/// Seconds per sweep of `f`, repeated until `PROBE_TIME` or `PROBE_SWEEPS`.
fn time_sweeps(mut f: impl FnMut()) -> f64 {
    let t0 = Instant::now();
    let mut sweeps = 0usize;
    while sweeps == 0 || (t0.elapsed() < PROBE_TIME && sweeps < PROBE_SWEEPS) {
        f();
        sweeps += 1;
    }
    t0.elapsed().as_secs_f64() / sweeps as f64
}

/// Seconds per sweep of a group of `L` lock-step reads at `beta`, from random states.
fn lanes_sweep_s<F: LaneFloat, const L: usize>(
    qubo: &Qubo,
    acceptance: &Acceptance,
    beta: f64,
    seed: u64,
) -> f64 {
    let n = qubo.num_vars();
    let mut rngs: [Xoshiro256PlusPlus; L] =
        std::array::from_fn(|l| read_rng(seed ^ PROBE_STREAM, l as u64));
    let starts: Vec<Vec<u8>> = rngs
        .iter_mut()
        .map(|rng| {
            let mut x = vec![0u8; n];
            random_state(rng, &mut x);
            x
        })
        .collect();
    let mut lanes = Lanes::<F, L>::new(qubo, &starts);
    let mut acc = acceptance.clone();
    acc.set_beta(beta);
    time_sweeps(|| lanes.sweep(qubo, &acc, &mut rngs))
}

/// Seconds per single-flip sweep of a lane group `width` wide (the widest of the run) at `beta`.
pub(crate) fn lane_group_sweep_s(
    qubo: &Qubo,
    acceptance: &Acceptance,
    single: bool,
    width: usize,
    beta: f64,
    seed: u64,
) -> f64 {
    let (q, a) = (qubo, acceptance);
    match (single, width) {
        (true, 8) => lanes_sweep_s::<f32, 8>(q, a, beta, seed),
        (true, 7) => lanes_sweep_s::<f32, 7>(q, a, beta, seed),
        (true, 6) => lanes_sweep_s::<f32, 6>(q, a, beta, seed),
        (true, 5) => lanes_sweep_s::<f32, 5>(q, a, beta, seed),
        (true, 4) => lanes_sweep_s::<f32, 4>(q, a, beta, seed),
        (true, 3) => lanes_sweep_s::<f32, 3>(q, a, beta, seed),
        (true, 2) => lanes_sweep_s::<f32, 2>(q, a, beta, seed),
        (true, _) => lanes_sweep_s::<f32, 1>(q, a, beta, seed),
        (false, 4) => lanes_sweep_s::<f64, 4>(q, a, beta, seed),
        (false, 3) => lanes_sweep_s::<f64, 3>(q, a, beta, seed),
        (false, 2) => lanes_sweep_s::<f64, 2>(q, a, beta, seed),
        (false, _) => lanes_sweep_s::<f64, 1>(q, a, beta, seed),
    }
}

/// Seconds per sweep of `n` constraint-preserving proposals at `beta`, from a random
/// feasible state.
pub(crate) fn move_sweep_s(space: &MoveSpace<'_>, beta: f64, seed: u64, clock: &RunClock) -> f64 {
    let mut rng = read_rng(seed ^ PROBE_STREAM, 0);
    let mut x = space.random_state(&mut rng);
    time_sweeps(|| {
        let (_, _, _) = anneal_read(space, x.clone(), &[beta], 1, &mut rng, clock);
        x = space.random_state(&mut rng);
    })
}

/// The schedule that fits: `units` of work spread over `threads`, each unit costing a
/// sweep, in the time the clock has left (a `share` of it, for safety).
///
/// `probes` are sweep costs at several β along the schedule; their mean estimates a sweep.
pub(crate) fn fit(
    probes: &[f64],
    units: usize,
    threads: usize,
    per_beta: usize,
    default_sweeps: usize,
    share: f64,
    clock: &RunClock,
) -> Fit {
    let sweep_s = (probes.iter().sum::<f64>() / probes.len().max(1) as f64).max(1e-12);
    let rounds = units.div_ceil(threads.max(1)).max(1);
    let left = clock
        .time_limit()
        .map(|l| l.saturating_sub(clock.elapsed()).as_secs_f64())
        .unwrap_or(f64::INFINITY);
    let per_read = left * share / rounds as f64;
    let fitted = (per_read / sweep_s).floor();
    let fitted = if fitted.is_finite() {
        fitted.min(default_sweeps as f64) as usize
    } else {
        default_sweeps
    };
    let per_beta = per_beta.max(1);
    let num_sweeps = (fitted / per_beta * per_beta).max(per_beta);
    Fit {
        sweep_s,
        rounds,
        num_sweeps,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::control::RunControl;

    #[test]
    fn fitted_sweeps_share_the_time_left_between_rounds() {
        let ctl = RunControl::new().time_limit(Duration::from_secs(10));
        let clock = ctl.start(1);
        // 1 ms a sweep, 10 units on 2 threads (5 rounds), 80 % of ~10 s: 1600 → capped at 1000.
        let f = fit(&[1e-3], 10, 2, 1, 1000, 0.8, &clock);
        assert_eq!((f.rounds, f.num_sweeps), (5, 1000));
        // 10 ms a sweep on average: 8 s / 5 rounds / 10 ms = 160 sweeps (a little less: time
        // has passed).
        let f = fit(&[5e-3, 15e-3], 10, 2, 1, 1000, 0.8, &clock);
        assert!((150..=160).contains(&f.num_sweeps), "{f:?}");

        // A multiple of num_sweeps_per_beta, and never below one block.
        let f = fit(&[1e-2], 10, 2, 7, 1000, 0.8, &clock);
        assert_eq!(f.num_sweeps % 7, 0);
        let f = fit(&[100.0], 10, 2, 3, 1000, 0.8, &clock);
        assert_eq!(f.num_sweeps, 3);
    }
}
