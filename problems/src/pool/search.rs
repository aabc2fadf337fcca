//! Pool growth and route selection in turn, under a time limit.

use std::time::{Duration, Instant};

use quboflow::SampleSet;

use super::{PoolOptions, RoutePool};
use crate::encodings::Encoded;
use crate::encodings::pool::encode_pool;
use crate::error::Result;
use crate::readers::cvrplib::Cvrp;
use crate::solution::Solution;

/// The selection step of a [`pool_search`]: `(encoding, warm start, time, round)` to the
/// solver's samples on the encoding.
pub type Select<'a> =
    dyn FnMut(&Encoded, Option<Vec<u8>>, Duration, usize) -> Result<SampleSet> + 'a;

/// Options of [`pool_search`].
#[derive(Debug, Clone, PartialEq)]
pub struct PoolSearchOptions {
    /// Wall-clock budget of the whole search (growth and selection).
    pub time_limit: Duration,
    /// Rounds of growth then selection the budget is split into. Default 6.
    pub rounds: usize,
    /// Share of each round spent growing the pool (the rest selecting). Default 0.5.
    pub grow_share: f64,
    /// The pool's options (its seed, size cap, and the ruin-and-recreate iterations of the
    /// first pool, before the first selection).
    pub pool: PoolOptions,
    /// Penalty of the selection QUBO. Default: the encoding's safe one.
    pub penalty: Option<f64>,
}

impl Default for PoolSearchOptions {
    fn default() -> Self {
        PoolSearchOptions {
            time_limit: Duration::from_secs(60),
            rounds: 6,
            grow_share: 0.5,
            pool: PoolOptions {
                iterations: 100,
                ..Default::default()
            },
            penalty: None,
        }
    }
}

/// One round of a [`pool_search`].
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct PoolRound {
    /// Routes in the pool when the selection ran.
    pub pool_routes: usize,
    /// Cost of the best complete solution the growth met (classical ruin and recreate).
    pub pool_best: f64,
    /// Cost of the best feasible selection the solver returned, if any.
    pub selected: Option<f64>,
    /// Seconds since the search started, at the round's end.
    pub elapsed_s: f64,
}

/// What a [`pool_search`] found.
#[derive(Debug)]
pub struct PoolSearch {
    /// The best routes: the selection's or the growth's, whichever is cheaper.
    pub routes: Vec<Vec<usize>>,
    /// Their cost on the instance's distances.
    pub cost: f64,
    /// True when the last selection found `routes` (or as good), not only the growth.
    pub from_selection: bool,
    /// The last round's encoding and the solver's samples on it (their states hold
    /// `routes` when the solver took the warm start).
    pub encoded: Encoded,
    /// The last selection's samples.
    pub samples: SampleSet,
    /// Each round's figures.
    pub rounds: Vec<PoolRound>,
    /// Rounds whose selection beat every complete solution the growth had met.
    pub selection_wins: usize,
}

/// Grows a route pool and selects routes from it in turn, for `opts.time_limit`: each round
/// grows the pool by ruin and recreate from the best solution so far, encodes the choice
/// among its routes ([`encode_pool`]) and calls `select(encoded, warm_start, time, round)`,
/// which runs any QUBO solver (warm-started from the incumbent where it takes initial
/// states). The best feasible selection joins the pool as a solution, so growth continues
/// from it.
pub fn pool_search(
    cvrp: &Cvrp,
    opts: &PoolSearchOptions,
    select: &mut Select<'_>,
) -> Result<PoolSearch> {
    let start = Instant::now();
    // At most one round per millisecond of the budget (and a count a u32 divides by).
    let rounds = opts
        .rounds
        .clamp(1, opts.time_limit.as_millis().clamp(1, 100_000) as usize);
    let slice = opts.time_limit / rounds as u32;
    let share = opts.grow_share.clamp(0.0, 1.0);
    let mut pool = RoutePool::build(cvrp, &opts.pool, Some(start + slice.mul_f64(share)));
    let mut history = Vec::with_capacity(rounds);
    let mut wins = 0usize;
    let mut last: Option<(Encoded, SampleSet)> = None;
    for round in 0..rounds {
        let round_end = start + slice * (round as u32 + 1);
        if round > 0 {
            let grow_until = round_end - slice.mul_f64(1.0 - share);
            pool.grow(cvrp, usize::MAX, Some(grow_until));
        }
        let pool_best = pool.best().map_or(f64::INFINITY, |b| *b.1);
        let enc = encode_pool(cvrp, &pool, opts.penalty)?;
        let warm = pool
            .best()
            .and_then(|(r, _)| enc.decoder.encode_solution(&Solution::Routes(r.clone())));
        let left = round_end.saturating_duration_since(Instant::now());
        let ss = select(&enc, warm, left.max(Duration::from_millis(1)), round)?;
        let mut selected: Option<(f64, Vec<Vec<usize>>)> = None;
        for s in &ss.samples {
            let d = enc.decode(&s.sample);
            if let (true, Some(cost), Solution::Routes(r)) = (d.feasible, d.objective, &d.solution)
                && selected.as_ref().is_none_or(|b| cost < b.0)
            {
                selected = Some((cost, r.clone()));
            }
        }
        if let Some((cost, r)) = &selected {
            if *cost < pool_best - 1e-9 {
                wins += 1;
            }
            pool.add_solution(cvrp, r);
        }
        history.push(PoolRound {
            pool_routes: enc.qubo.num_vars(),
            pool_best,
            selected: selected.as_ref().map(|s| s.0),
            elapsed_s: start.elapsed().as_secs_f64(),
        });
        last = Some((enc, ss));
        if start.elapsed() >= opts.time_limit {
            break;
        }
    }
    let (encoded, samples) = last.ok_or_else(|| {
        crate::error::invalid("time_limit", "the search ended before its first selection")
    })?;
    let (routes, cost) = match pool.best() {
        Some((r, c)) => (r.clone(), *c),
        None => (Vec::new(), f64::INFINITY),
    };
    let from_selection = history
        .last()
        .and_then(|r| r.selected)
        .is_some_and(|s| s <= cost + 1e-9);
    Ok(PoolSearch {
        routes,
        cost,
        from_selection,
        encoded,
        samples,
        rounds: history,
        selection_wins: wins,
    })
}
