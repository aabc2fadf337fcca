//! Parallel tempering (replica exchange Monte Carlo).

use rand::rngs::Xoshiro256PlusPlus;
use rand::{Rng, SeedableRng};
use rayon::prelude::*;
use serde_json::json;

use super::anneal::{Acceptance, Lanes};
use super::common::{Finisher, UnitOutcome, read_rng, run_units, start_state};
use super::constrained::{move_beta_range, temper_read};
use super::move_set::Moves;
use super::moves::MoveSpace;
use super::schedule::{BetaScheduleType, beta_schedule, check_beta_range, default_beta_range};
use crate::constraints::Constraints;
use crate::control::{RunClock, RunControl, derive_seed};
use crate::error::{Error, Result};
use crate::qubo::Qubo;
use crate::sampleset::{Info, SampleSet};
use crate::solver::Solver;

/// Parallel tempering: `num_replicas` Metropolis walkers at fixed temperatures, with
/// exchanges between neighbouring temperatures after every sweep.
///
/// **Temperature ladder (automatic).** Geometric in β between the ends of dwave-samplers'
/// default range for the model ([`default_beta_range`]: hot enough that every spin flips with
/// probability ≥ ½, cold enough for ≤ 1 % excitation), or between `beta_range` if given. A
/// geometric ladder keeps exchange rates roughly even when the heat capacity varies slowly.
///
/// After each sweep, pairs of neighbouring temperatures `(k, k+1)` — even `k` after even
/// sweeps, odd `k` after odd ones — swap walkers with probability
/// `min(1, exp((β_k − β_{k+1})(E_k − E_{k+1})))`. Each read returns the lowest-energy state any
/// walker saw. Walkers sweep in parallel; every walker and the exchange step have their own
/// generators, so results do not depend on the thread count.
///
/// ```
/// use quboflow::{RunControl, Solver, solvers::ParallelTempering, testing::random_qubo};
/// let q = random_qubo(12, 0.5, true, 1);
/// let pt = ParallelTempering { num_replicas: 8, num_sweeps: 200, ..Default::default() };
/// let result = pt.sample(&q, &RunControl::new().seed(3))?;
/// let (optimum, _) = quboflow::testing::brute_force(&q);
/// assert_eq!(result.first().unwrap().energy, optimum);
/// # Ok::<(), quboflow::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq)]
pub struct ParallelTempering {
    /// Independent tempering runs, each returning its best state. Default 1.
    pub num_reads: usize,
    /// Walkers (temperatures). Default 32.
    pub num_replicas: usize,
    /// Sweeps of every walker. Default 1000. With a time limit, set it high and let the limit
    /// end the run.
    pub num_sweeps: usize,
    /// `(β_hot, β_cold)` of the ladder. Default: dwave-samplers' rule for the model.
    pub beta_range: Option<(f64, f64)>,
    /// Start states (0/1 per variable) for the walkers of the first read, in temperature
    /// order; the rest start at random.
    pub initial_states: Option<Vec<Vec<u8>>>,
    /// Move set. Default [`Moves::Auto`]: on a model that carries constraints (an encoded
    /// instance) every walker moves by constraint-preserving moves, as
    /// [`crate::solvers::SimulatedAnnealing::moves`] describes, so it never leaves the
    /// feasible states, and the ladder spans the moves' energy changes; single flips
    /// otherwise.
    pub moves: Moves,
}

impl Default for ParallelTempering {
    fn default() -> Self {
        ParallelTempering {
            num_reads: 1,
            num_replicas: 32,
            num_sweeps: 1000,
            beta_range: None,
            initial_states: None,
            moves: Moves::Auto,
        }
    }
}

impl ParallelTempering {
    fn check(&self, qubo: &Qubo) -> Result<Vec<f64>> {
        if self.num_reads == 0 || self.num_replicas < 2 || self.num_sweeps == 0 {
            return Err(Error::InvalidParameter {
                name: "num_replicas",
                reason: format!(
                    "need num_reads ≥ 1 ({}), num_replicas ≥ 2 ({}) and num_sweeps ≥ 1 ({})",
                    self.num_reads, self.num_replicas, self.num_sweeps
                ),
            });
        }
        if let Some(states) = &self.initial_states {
            if states.len() > self.num_replicas {
                return Err(Error::InvalidParameter {
                    name: "initial_states",
                    reason: format!("{} states for {} replicas", states.len(), self.num_replicas),
                });
            }
            super::common::check_initial_states(qubo, Some(states))?;
        }
        let n = qubo.num_vars();
        // Each running read holds its replicas: fields, states and a β table each.
        let running = self.num_reads.min(rayon::current_num_threads());
        crate::memory::check_allocation(
            || format!("{} replicas of {n} variables", self.num_replicas),
            crate::memory::bytes(self.num_replicas, n.saturating_mul(32).saturating_add(4096))
                .saturating_mul(running as u64),
        )?;
        let range = self.beta_range.unwrap_or_else(|| default_beta_range(qubo));
        check_beta_range(range, BetaScheduleType::Geometric)?;
        Ok(beta_schedule(
            BetaScheduleType::Geometric,
            range,
            self.num_replicas,
        ))
    }

    /// One tempering run; returns the best state any walker saw.
    fn run(
        &self,
        qubo: &Qubo,
        betas: &[f64],
        acceptance: &Acceptance,
        read: usize,
        seed: u64,
        clock: &RunClock,
    ) -> UnitOutcome {
        let n = qubo.num_vars();
        let r = betas.len();
        let read_seed = derive_seed(seed, read as u64);
        let initial = if read == 0 {
            self.initial_states.as_deref()
        } else {
            None
        };
        // Walker k starts at temperature k; `temp_of[w]` and `walker_at[t]` track swaps.
        let mut walkers: Vec<(Lanes<f64, 1>, [Xoshiro256PlusPlus; 1])> = (0..r)
            .map(|k| {
                let mut rng = read_rng(read_seed, k as u64);
                let x = start_state(initial, k, n, &mut rng);
                (Lanes::<f64, 1>::new(qubo, &[x]), [rng])
            })
            .collect();
        let accs: Vec<Acceptance> = betas
            .iter()
            .map(|&b| {
                let mut a = acceptance.clone();
                a.set_beta(b);
                a
            })
            .collect();
        let mut walker_at: Vec<usize> = (0..r).collect();
        let mut exchange = Xoshiro256PlusPlus::seed_from_u64(derive_seed(read_seed, u64::MAX));
        let (mut proposals, mut stop) = (0u64, None);
        let mut temp_of: Vec<usize> = (0..r).collect();
        for sweep in 0..self.num_sweeps {
            walkers
                .par_iter_mut()
                .enumerate()
                .for_each(|(w, (lanes, rng))| {
                    lanes.sweep(qubo, &accs[temp_of[w]], rng);
                });
            proposals += (n * r) as u64;
            for t in (sweep % 2..r - 1).step_by(2) {
                let (a, b) = (walker_at[t], walker_at[t + 1]);
                let arg =
                    (betas[t] - betas[t + 1]) * (walkers[a].0.energy[0] - walkers[b].0.energy[0]);
                let u = (exchange.next_u64() >> 11) as f64 * (1.0 / 9_007_199_254_740_992.0);
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
        let (best_w, _) = walkers
            .iter()
            .enumerate()
            .map(|(w, (l, _))| (w, l.best[0]))
            .fold(
                (0, f64::INFINITY),
                |acc, (w, e)| if e < acc.1 { (w, e) } else { acc },
            );
        let best = walkers[best_w].0.best_state(0);
        clock.advance(1, Some(walkers[best_w].0.best[0]));
        (vec![best], proposals, stop)
    }
}

impl Solver for ParallelTempering {
    fn name(&self) -> &'static str {
        "pt"
    }

    fn params(&self) -> serde_json::Value {
        json!({
            "num_reads": self.num_reads,
            "num_replicas": self.num_replicas,
            "num_sweeps": self.num_sweeps,
            "beta_range": self.beta_range,
            "initial_states": self.initial_states.as_ref().map(Vec::len),
            "moves": self.moves.name(),
        })
    }

    fn sample(&self, qubo: &Qubo, ctl: &RunControl) -> Result<SampleSet> {
        let mut fin = Finisher::new();
        let betas = self.check(qubo)?;
        let seed = ctl.resolve_seed();
        if let Some(c) = self.moves.resolve(qubo)? {
            return self.sample_constrained(qubo, c, seed, ctl, fin);
        }
        let acceptance = Acceptance::for_model(qubo);
        let clock = ctl.start(self.num_reads as u64);
        fin.sampling();
        let (tally, proposals, stop) = run_units(self.num_reads, &clock, |read| {
            self.run(qubo, &betas, &acceptance, read, seed, &clock)
        });
        let mut info = Info::new(self.name(), self.params(), seed);
        info.params["beta_range"] = json!([betas[0], betas[betas.len() - 1]]);
        info.params["betas"] = json!(betas);
        info.params["moves"] = json!("single-flip");
        info.counters.insert("spin_flip_attempts".into(), proposals);
        fin.complete(qubo, tally, info, stop, &clock)
    }
}

impl ParallelTempering {
    /// Tempering over constraint-preserving moves (see [`ParallelTempering::moves`]).
    fn sample_constrained(
        &self,
        qubo: &Qubo,
        constraints: &Constraints,
        seed: u64,
        ctl: &RunControl,
        mut fin: Finisher,
    ) -> Result<SampleSet> {
        let space = MoveSpace::new(qubo, constraints)?;
        let range = self
            .beta_range
            .unwrap_or_else(|| move_beta_range(&space, seed));
        check_beta_range(range, BetaScheduleType::Geometric)?;
        let betas = beta_schedule(BetaScheduleType::Geometric, range, self.num_replicas);
        let clock = ctl.start(self.num_reads as u64);
        fin.sampling();
        let (tally, proposals, stop) = run_units(self.num_reads, &clock, |read| -> UnitOutcome {
            let read_seed = derive_seed(seed, read as u64);
            let initial = if read == 0 {
                self.initial_states.as_deref()
            } else {
                None
            };
            let mut rngs: Vec<Xoshiro256PlusPlus> = (0..betas.len())
                .map(|k| read_rng(read_seed, k as u64))
                .collect();
            let starts: Vec<Vec<u8>> = rngs
                .iter_mut()
                .enumerate()
                .map(|(k, rng)| match initial.and_then(|s| s.get(k)) {
                    Some(s) => space.make_feasible(s, rng),
                    None => space.random_state(rng),
                })
                .collect();
            let mut exchange = Xoshiro256PlusPlus::seed_from_u64(derive_seed(read_seed, u64::MAX));
            let (x, p, stop) = temper_read(
                &space,
                starts,
                &betas,
                self.num_sweeps,
                rngs,
                &mut exchange,
                &clock,
            );
            clock.advance(1, Some(qubo.energy(&x)));
            (vec![x], p, stop)
        });
        let mut info = Info::new(self.name(), self.params(), seed);
        info.params["beta_range"] = json!([betas[0], betas[betas.len() - 1]]);
        info.params["betas"] = json!(betas);
        info.params["moves"] = json!("constraint-preserving");
        info.counters.insert("move_proposals".into(), proposals);
        fin.complete(qubo, tally, info, stop, &clock)
    }
}
