//! Decomposition: an outer tabu search on the full QUBO, sub-problems solved by any solver.

mod clamp;
mod report;
mod select;

use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use serde::{Deserialize, Serialize};
use serde_json::json;

use super::common::{
    Finisher, UnitOutcome, check_initial_states, read_rng, resolve_num_reads, run_units,
    start_state, zero_tolerance,
};
use super::exact::Exact;
use super::move_set::Moves;
use super::tabu::Tabu;
use crate::control::{RunClock, RunControl, derive_seed};
use crate::error::{Error, Result};
use crate::qubo::Qubo;
use crate::sampleset::{Info, SampleSet, Termination};
use crate::solver::Solver;
use clamp::{OUTSIDE, clamp};
pub use report::{Contribution, Decomposition};
pub use select::Decomposer;
use select::Selector;

/// Decomposition solver in the qbsolv / dwave-hybrid family: an outer tabu search on the
/// whole model, and sub-problems of `sub_size` variables, the rest clamped at the incumbent,
/// handed to any [`Solver`] (exact enumeration, QAOA, SA, tabu) in turn.
///
/// Each read starts from a random state (or the next initial state) and runs the outer
/// search on it: [`Tabu`] from that state for `outer_restarts` phases, with its
/// constraint-preserving moves on encoded models. Then rounds follow, each of
///
/// 1. up to `min(⌈n / sub_size⌉, 64)` sub-problems, chosen by the [`Decomposer`]: by
///    energy impact (the variables whose flip costs least, grown through the coupling graph,
///    disjoint within a round), or by the model's structure (a window of consecutive tour
///    positions with the cities now in them, whole one-hot groups such as a customer's
///    vehicle choices, items of a capacity row with its slack bits). Each sub-problem is a
///    QUBO over the free variables whose linear terms absorb the couplings to the clamped
///    ones, so its energy changes are the full model's; the sub-solver's best answer is
///    accepted when it lowers the energy;
/// 2. the outer search again, from the incumbent.
///
/// A read ends after `convergence` rounds in a row without a new best, after `max_iter`
/// rounds, or at the time limit. It returns the best state it saw, so it is never worse
/// than any outer search it ran; with an exact sub-solver and `sub_size ≥ n` the first
/// sub-problem is the whole model and the read returns an optimum.
///
/// [`Info::extra`] says what each part contributed: per sub-solver the sub-problems solved,
/// the answers accepted, the energy they removed and the time spent; the same for the outer
/// search (its first call, which descends from the random start, counted apart); and per
/// read the start, first-outer, best-outer and final energies. Reads run in parallel, each
/// with its own seed stream, so results do not depend on the thread count.
///
/// ```
/// use std::sync::Arc;
/// use quboflow::{RunControl, Solver, solvers::{Exact, Hybrid}, testing::random_qubo};
/// let q = random_qubo(40, 0.3, true, 7);
/// let hybrid = Hybrid { sub_solvers: vec![Arc::new(Exact::default())], sub_size: 12, ..Default::default() };
/// let result = hybrid.sample(&q, &RunControl::new().seed(3))?;
/// let best = result.first().unwrap();
/// assert_eq!(q.energy(&best.sample), best.energy);
/// assert_eq!(result.info.extra["contributions"][0]["solver"], "exact");
/// # Ok::<(), quboflow::Error>(())
/// ```
#[derive(Clone)]
pub struct Hybrid {
    /// The solvers sub-problems go to, in turn. Default: [`Exact`].
    pub sub_solvers: Vec<Arc<dyn Solver>>,
    /// Variables per sub-problem (k). Default 16 (2¹⁶ states for the exact sub-solver).
    pub sub_size: usize,
    /// Independent reads. Default 1, or one per initial state.
    pub num_reads: Option<usize>,
    /// Tabu phases of each outer search call; 0 runs the decomposition alone. Default 4.
    pub outer_restarts: usize,
    /// Wall-clock cap on each outer search call. Default `None`: a tenth of the run's time
    /// limit when there is one (so rounds of sub-problems always get their turn; on an
    /// encoded 76-city tour four constrained tabu phases take longer than 20 s), else no cap.
    pub outer_timeout: Option<Duration>,
    /// Rounds in a row without a new best after which a read ends (dwave-hybrid's
    /// `convergence`). Default 10.
    pub convergence: usize,
    /// Most rounds per read. Default `None`: until convergence or the time limit.
    pub max_iter: Option<usize>,
    /// How sub-problems are chosen. Default [`Decomposer::Auto`].
    pub decomposer: Decomposer,
    /// The outer search's move set. Default [`Moves::Auto`].
    pub moves: Moves,
    /// Start states for the first reads (0/1 per variable); the rest start at random.
    pub initial_states: Option<Vec<Vec<u8>>>,
}

impl Default for Hybrid {
    fn default() -> Self {
        Hybrid {
            sub_solvers: vec![Arc::new(Exact::default())],
            sub_size: 16,
            num_reads: None,
            outer_restarts: 4,
            outer_timeout: None,
            convergence: 10,
            max_iter: None,
            decomposer: Decomposer::Auto,
            moves: Moves::Auto,
            initial_states: None,
        }
    }
}

impl std::fmt::Debug for Hybrid {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Hybrid")
            .field("params", &self.params())
            .finish()
    }
}

/// One read's energies, as recorded in [`Info::extra`].
#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize, Deserialize)]
struct ReadEnergies {
    start: f64,
    outer_first: f64,
    /// Lowest energy an outer search call returned (`None` without an outer search).
    outer_best: Option<f64>,
    best: f64,
}

/// What one read found and did.
struct ReadOutcome {
    best: Vec<u8>,
    energies: ReadEnergies,
    parts: Vec<Contribution>,
    outer: Contribution,
    outer_first_removed: f64,
    rounds: u64,
    stop: Option<Termination>,
}

impl Hybrid {
    /// The outer search as configured: one read of [`Tabu`] for `outer_restarts` phases,
    /// with no timeout of its own (each call is then capped as `outer_timeout` says). Read `r` of a run
    /// with seed `s` first calls it from its start state with seed `derive_seed(derive_seed(s, r), 0)`.
    pub fn outer_search(&self) -> Tabu {
        Tabu {
            num_reads: Some(1),
            num_restarts: self.outer_restarts.max(1),
            max_stale_restarts: self.outer_restarts.max(1),
            timeout: Some(Duration::MAX),
            moves: self.moves,
            ..Default::default()
        }
    }

    fn check(&self, qubo: &Qubo) -> Result<()> {
        let bad = |name, reason: String| Err(Error::InvalidParameter { name, reason });
        if self.sub_solvers.is_empty() {
            return bad("sub_solvers", "give at least one sub-solver".into());
        }
        if self.sub_size < 2 {
            return bad("sub_size", format!("{} must be at least 2", self.sub_size));
        }
        if self.convergence == 0 {
            return bad("convergence", "must be at least 1".into());
        }
        if self.max_iter == Some(0) {
            return bad("max_iter", "must be at least 1".into());
        }
        if self.decomposer == Decomposer::Structure
            && !Selector::new(qubo, self.sub_size, self.decomposer).has_structure()
        {
            return bad(
                "decomposer",
                "structure needs a model with constraints (an encoded instance); this one has \
                 none — use energy-impact or auto"
                    .into(),
            );
        }
        if self.outer_restarts > 0 {
            // The outer search's own checks (e.g. constrained moves on a plain model).
            self.moves.resolve(qubo)?;
        }
        Ok(())
    }

    /// A control for a nested call: its seed, the time left, the run's cancel and abort flags.
    fn nested(ctl: &RunControl, clock: &RunClock, seed: u64) -> Option<RunControl> {
        let nested = RunControl::new()
            .seed(seed)
            .cancel_flag(ctl.cancel_handle())
            .abort_flag(ctl.abort_handle());
        match clock.time_limit() {
            None => Some(nested),
            Some(limit) => {
                let left = limit.checked_sub(clock.elapsed())?;
                (!left.is_zero()).then(|| nested.time_limit(left))
            }
        }
    }

    /// The outer search from `x`; `None` when the run must stop before it gave an answer.
    fn outer(
        &self,
        qubo: &Qubo,
        x: &[u8],
        seed: u64,
        ctl: &RunControl,
        clock: &RunClock,
    ) -> Result<Option<Vec<u8>>> {
        let Some(nested) = Self::nested(ctl, clock, seed) else {
            return Ok(None);
        };
        let cap = self
            .outer_timeout
            .or_else(|| clock.time_limit().map(|t| t / 10))
            .unwrap_or(Duration::MAX);
        let tabu = Tabu {
            initial_states: Some(vec![x.to_vec()]),
            timeout: Some(cap),
            ..self.outer_search()
        };
        match tabu.sample(qubo, &nested) {
            Ok(ss) => Ok(ss.first().map(|s| s.sample.clone())),
            Err(Error::TimeLimit(_) | Error::Cancelled) => Ok(None),
            Err(e) => Err(e),
        }
    }

    fn read(
        &self,
        qubo: &Qubo,
        r: usize,
        seed: u64,
        ctl: &RunControl,
        clock: &RunClock,
    ) -> Result<ReadOutcome> {
        let n = qubo.num_vars();
        let tol = zero_tolerance(qubo);
        let read_seed = derive_seed(seed, r as u64);
        let mut rng = read_rng(seed, r as u64);
        let mut x = start_state(self.initial_states.as_deref(), r, n, &mut rng);
        let mut calls = 0u64;
        let mut next_seed = || {
            calls += 1;
            derive_seed(read_seed, calls - 1)
        };
        let mut e = qubo.energy(&x);
        let mut out = ReadOutcome {
            best: x.clone(),
            energies: ReadEnergies {
                start: e,
                outer_first: e,
                outer_best: None,
                best: e,
            },
            parts: self
                .sub_solvers
                .iter()
                .map(|s| Contribution {
                    solver: s.name().to_string(),
                    ..Default::default()
                })
                .collect(),
            outer: Contribution {
                solver: "tabu".into(),
                ..Default::default()
            },
            outer_first_removed: 0.0,
            rounds: 0,
            stop: None,
        };
        if self.outer_restarts > 0 {
            let t = Instant::now();
            match self.outer(qubo, &x, next_seed(), ctl, clock)? {
                Some(y) => {
                    let ey = qubo.energy(&y);
                    out.outer_first_removed = (e - ey).max(0.0);
                    out.energies.outer_best = Some(ey);
                    if ey < e {
                        x = y;
                        e = ey;
                    }
                }
                None => out.stop = clock.should_stop(),
            }
            out.outer.time_s += t.elapsed().as_secs_f64();
        }
        out.energies.outer_first = e;
        out.best.clone_from(&x);
        out.energies.best = e;
        let selector = Selector::new(qubo, self.sub_size.min(n.max(1)), self.decomposer);
        let mut pos = vec![OUTSIDE; n];
        let mut turn = 0usize;
        let mut stale = 0usize;
        while out.stop.is_none() && n > 0 {
            if self.max_iter.is_some_and(|m| out.rounds >= m as u64) {
                break;
            }
            if let Some(why) = clock.should_stop() {
                out.stop = Some(why);
                break;
            }
            let best_before = out.energies.best;
            let mut round = selector.round(&x, out.rounds as usize, &mut rng);
            while let Some(sub) = selector.next(&mut round, &x) {
                if sub.vars.is_empty() {
                    continue;
                }
                let which = turn % self.sub_solvers.len();
                turn += 1;
                let solver = &self.sub_solvers[which];
                let (model, y0) = clamp(qubo, &x, &sub.vars, &mut pos, sub.constraints)?;
                let seed = next_seed();
                let Some(nested) = Self::nested(ctl, clock, seed) else {
                    out.stop = clock.should_stop().or(Some(Termination::TimeLimit));
                    break;
                };
                let t = Instant::now();
                let answer = solver.sample(&model, &nested);
                let part = &mut out.parts[which];
                part.time_s += t.elapsed().as_secs_f64();
                let ss = match answer {
                    Ok(ss) => ss,
                    Err(Error::TimeLimit(_) | Error::Cancelled) => {
                        out.stop = clock.should_stop().or(Some(Termination::TimeLimit));
                        break;
                    }
                    Err(e) => {
                        return Err(Error::InvalidParameter {
                            name: "sub_solvers",
                            reason: format!("sub-solver {}: {e}", solver.name()),
                        });
                    }
                };
                part.subproblems += 1;
                let Some(y) = ss.first() else { continue };
                let change = model.energy(&y.sample) - model.energy(&y0);
                if change < -tol {
                    for (a, &v) in sub.vars.iter().enumerate() {
                        x[v] = y.sample[a];
                    }
                    part.improvements += 1;
                    part.energy_removed -= change;
                }
            }
            out.rounds += 1;
            // From the state, not by summing the accepted changes, which drifts by rounding.
            e = qubo.energy(&x);
            if out.stop.is_none() && self.outer_restarts > 0 {
                let t = Instant::now();
                match self.outer(qubo, &x, next_seed(), ctl, clock)? {
                    Some(y) => {
                        let ey = qubo.energy(&y);
                        out.outer.subproblems += 1;
                        out.energies.outer_best =
                            Some(out.energies.outer_best.map_or(ey, |b| b.min(ey)));
                        if ey < e - tol {
                            out.outer.improvements += 1;
                            out.outer.energy_removed += e - ey;
                            x = y;
                            e = ey;
                        }
                    }
                    None => out.stop = clock.should_stop(),
                }
                out.outer.time_s += t.elapsed().as_secs_f64();
            }
            if e < out.energies.best - tol {
                out.energies.best = e;
                out.best.clone_from(&x);
            }
            clock.advance(0, Some(out.energies.best));
            stale = if out.energies.best < best_before - tol {
                0
            } else {
                stale + 1
            };
            if stale >= self.convergence {
                break;
            }
        }
        Ok(out)
    }
}

impl Solver for Hybrid {
    fn name(&self) -> &'static str {
        "hybrid"
    }

    fn params(&self) -> serde_json::Value {
        json!({
            "sub_solvers": self.sub_solvers.iter().map(|s| json!({
                "solver": s.name(),
                "params": s.params(),
            })).collect::<Vec<_>>(),
            "sub_size": self.sub_size,
            "num_reads": self.num_reads,
            "outer_restarts": self.outer_restarts,
            "outer_timeout_s": self.outer_timeout.map(|d| d.as_secs_f64()),
            "convergence": self.convergence,
            "max_iter": self.max_iter,
            "decomposer": self.decomposer.name(),
            "moves": self.moves.name(),
            "initial_states": self.initial_states.as_ref().map(Vec::len),
        })
    }

    fn sample(&self, qubo: &Qubo, ctl: &RunControl) -> Result<SampleSet> {
        let mut fin = Finisher::new();
        let initial = self.initial_states.as_deref();
        check_initial_states(qubo, initial)?;
        let num_reads = resolve_num_reads(self.num_reads, initial, 1)?;
        self.check(qubo)?;
        let seed = ctl.resolve_seed();
        let clock = ctl.start(num_reads as u64);
        let failure: Mutex<Option<Error>> = Mutex::new(None);
        let outcomes: Mutex<Vec<(usize, ReadOutcome)>> = Mutex::new(Vec::new());
        fin.sampling();
        let (tally, rounds, stop) = run_units(num_reads, &clock, |r| -> UnitOutcome {
            match self.read(qubo, r, seed, ctl, &clock) {
                Ok(o) => {
                    clock.advance(1, Some(o.energies.best));
                    let result = (vec![o.best.clone()], o.rounds, o.stop);
                    if let Ok(mut all) = outcomes.lock() {
                        all.push((r, o));
                    }
                    result
                }
                Err(e) => {
                    if let Ok(mut f) = failure.lock() {
                        f.get_or_insert(e);
                    }
                    (Vec::new(), 0, Some(Termination::Cancelled))
                }
            }
        });
        if let Some(e) = failure.into_inner().ok().flatten() {
            return Err(e);
        }
        let mut outcomes = outcomes.into_inner().unwrap_or_default();
        outcomes.sort_by_key(|(r, _)| *r);
        let mut parts: Vec<Contribution> = self
            .sub_solvers
            .iter()
            .map(|s| Contribution {
                solver: s.name().to_string(),
                ..Default::default()
            })
            .collect();
        let mut outer = Contribution {
            solver: "tabu".into(),
            ..Default::default()
        };
        let mut first_removed = 0.0;
        for (_, o) in &outcomes {
            for (sum, p) in parts.iter_mut().zip(&o.parts) {
                sum.subproblems += p.subproblems;
                sum.improvements += p.improvements;
                sum.energy_removed += p.energy_removed;
                sum.time_s += p.time_s;
            }
            outer.subproblems += o.outer.subproblems;
            outer.improvements += o.outer.improvements;
            outer.energy_removed += o.outer.energy_removed;
            outer.time_s += o.outer.time_s;
            first_removed += o.outer_first_removed;
        }
        let mut info = Info::new(self.name(), self.params(), seed);
        info.params["num_reads"] = json!(num_reads);
        info.counters.insert("rounds".into(), rounds);
        info.counters.insert(
            "subproblems".into(),
            parts.iter().map(|p| p.subproblems).sum(),
        );
        info.counters.insert(
            "improvements".into(),
            parts.iter().map(|p| p.improvements).sum(),
        );
        info.extra = json!({
            "contributions": parts,
            "outer": outer,
            "outer_first_energy_removed": first_removed,
            "reads": outcomes.iter().map(|(_, o)| o.energies).collect::<Vec<_>>(),
        });
        fin.complete(qubo, tally, info, stop, &clock)
    }
}

#[cfg(test)]
mod tests;
