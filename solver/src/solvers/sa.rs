//! Simulated annealing: single-flip Metropolis sweeps along a β schedule.

use rand::rngs::Xoshiro256PlusPlus;
use serde_json::json;

use super::anneal::{Acceptance, LaneFloat, Lanes};
use super::common::{
    Finisher, UnitOutcome, check_initial_states, read_rng, resolve_num_reads, run_units,
    start_state,
};
use super::constrained::{anneal_read, move_beta_range};
use super::fit;
use super::move_set::Moves;
use super::moves::MoveSpace;
use super::schedule::{BetaScheduleType, beta_schedule, check_beta_range, default_beta_range};
use crate::constraints::Constraints;
use crate::control::{RunClock, RunControl};
use crate::error::{Error, Result};
use crate::qubo::Qubo;
use crate::sampleset::{Info, SampleSet};
use crate::solver::Solver;

/// Simulated annealing with dwave-samplers' parameters and defaults.
///
/// Each read starts from a random state (or the next of `initial_states`) and performs
/// `num_sweeps` sweeps; a sweep proposes flipping every variable once, in order, with the
/// Metropolis rule at the current β. β follows `beta_schedule_type` over `beta_range`, held
/// for `num_sweeps_per_beta` sweeps at a time. Unlike dwave-samplers, which returns each
/// read's *final* state, every read returns the **best state it saw** (found exactly, not
/// at sweep granularity). Reads run in parallel; read `r` has its own generator seeded from
/// `(seed, r)`, so results do not depend on the thread count.
///
/// Speed (see `anneal.rs`): energies are kept as local fields `f_i = h_i + Σ_j Q_ij x_j` in
/// a CSR layout, so a flip costs one multiply-add per neighbour; up to 8 reads are annealed
/// in lock-step lanes that share each pass over a neighbour list (each lane is bit-identical
/// to the read run alone); on integer models acceptance is branch-free from a per-β table of
/// 64-bit thresholds (no `exp` in the loop) and fields are `f32` when that is exact. Moves with
/// `β·Δ > 64·ln 2` are always rejected. On G1 this runs 2.1× dwave-samplers' attempts per
/// second on one thread (`benches/peers`).
///
/// ```
/// use quboflow::{QuboBuilder, RunControl, Solver, solvers::SimulatedAnnealing};
/// let mut b = QuboBuilder::new(3);
/// b.add_quadratic(0, 1, 2.0).add_quadratic(1, 2, 2.0).add_quadratic(0, 2, 2.0);
/// b.add_linear(0, -1.0).add_linear(1, -1.0).add_linear(2, -1.0);
/// let sa = SimulatedAnnealing { num_reads: Some(4), num_sweeps: Some(100), ..Default::default() };
/// let result = sa.sample(&b.build()?, &RunControl::new().seed(1))?;
/// assert_eq!(result.first().unwrap().energy, -1.0);
/// # Ok::<(), quboflow::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq)]
pub struct SimulatedAnnealing {
    /// Number of independent anneals. Default: one per initial state, or 10.
    pub num_reads: Option<usize>,
    /// Sweeps per read. Default `None`: 1000 (dwave-samplers' default), or — when the run has
    /// a time limit — as many as fit, at most 1000: the sweep rate is measured first and the
    /// schedule shortened so every read completes its anneal within the limit (a read cut off
    /// mid-schedule returns a near-random state). The value used is recorded in
    /// `params["num_sweeps"]` and how it was chosen in `params["num_sweeps_source"]`. Not
    /// used with a custom schedule, which runs `beta_schedule.len() × num_sweeps_per_beta`.
    pub num_sweeps: Option<usize>,
    /// Sweeps at each β. Default 1; must divide `num_sweeps`.
    pub num_sweeps_per_beta: usize,
    /// `(β_hot, β_cold)`, inverse energy units. Default: dwave-samplers' rule
    /// ([`default_beta_range`]).
    pub beta_range: Option<(f64, f64)>,
    /// Geometric (default), linear, or custom.
    pub beta_schedule_type: BetaScheduleType,
    /// The β values of a custom schedule (required for, and only for, `Custom`).
    pub beta_schedule: Option<Vec<f64>>,
    /// Start states for the first reads (0/1 per variable); the rest start at random.
    pub initial_states: Option<Vec<Vec<u8>>>,
    /// Move set. Default [`Moves::Auto`]: constraint-preserving moves when the model carries
    /// [`Constraints`](crate::Constraints) (groups, permutations, set-partitioning and
    /// capacity rows of an encoded instance), single flips otherwise. With constraints, reads start from feasible states (initial states are repaired) and
    /// move only by constraint-preserving moves (swaps inside groups, row swaps and
    /// column-run reversals in permutations, splits, merges and re-partitions of chosen sets,
    /// single flips or in/out exchanges of the other variables, capacity slack reset to the
    /// room left); a sweep is `n` such proposals and the default β range comes from the
    /// moves' energy changes.
    pub moves: Moves,
}

impl Default for SimulatedAnnealing {
    fn default() -> Self {
        SimulatedAnnealing {
            num_reads: None,
            num_sweeps: None,
            num_sweeps_per_beta: 1,
            beta_range: None,
            beta_schedule_type: BetaScheduleType::Geometric,
            beta_schedule: None,
            initial_states: None,
            moves: Moves::Auto,
        }
    }
}

/// Reads run when `num_reads` is not set and no initial states are given.
pub const DEFAULT_NUM_READS: usize = 10;

/// Sweeps per read when `num_sweeps` is not set and there is no time limit (dwave-samplers').
pub const DEFAULT_NUM_SWEEPS: usize = 1000;

/// Share of the time left after measuring the sweep rate that a fitted schedule plans to use:
/// the rest absorbs timing noise, so reads finish rather than being cut off.
const FIT_SHARE: f64 = 0.8;

impl SimulatedAnnealing {
    /// The β of each block of `num_sweeps_per_beta` sweeps for `num_sweeps` sweeps, and the
    /// range used.
    fn betas(
        &self,
        num_sweeps: usize,
        default_range: impl FnOnce() -> (f64, f64),
    ) -> Result<(Vec<f64>, (f64, f64))> {
        if self.num_sweeps_per_beta == 0 {
            return Err(Error::InvalidParameter {
                name: "num_sweeps_per_beta",
                reason: "must be at least 1".into(),
            });
        }
        match (self.beta_schedule_type, &self.beta_schedule) {
            (BetaScheduleType::Custom, Some(s)) => {
                if self.num_sweeps.is_some() {
                    return Err(Error::InvalidParameter {
                        name: "num_sweeps",
                        reason: format!(
                            "a custom schedule runs beta_schedule.len() × num_sweeps_per_beta \
                             = {} sweeps; leave num_sweeps unset",
                            s.len().saturating_mul(self.num_sweeps_per_beta)
                        ),
                    });
                }
                if self.beta_range.is_some() {
                    return Err(Error::InvalidParameter {
                        name: "beta_range",
                        reason: "a custom schedule gives every β itself; beta_range does not \
                                 apply"
                            .into(),
                    });
                }
                if s.is_empty() || s.iter().any(|b| !b.is_finite() || *b < 0.0) {
                    return Err(Error::InvalidParameter {
                        name: "beta_schedule",
                        reason: "must be a non-empty list of finite, non-negative values".into(),
                    });
                }
                let lo = s.iter().copied().fold(f64::INFINITY, f64::min);
                let hi = s.iter().copied().fold(0.0, f64::max);
                Ok((s.clone(), (lo, hi)))
            }
            (BetaScheduleType::Custom, None) => Err(Error::InvalidParameter {
                name: "beta_schedule",
                reason: "a custom schedule needs the list of β values".into(),
            }),
            (_, Some(_)) => Err(Error::InvalidParameter {
                name: "beta_schedule",
                reason: "is only used with beta_schedule_type = custom".into(),
            }),
            (kind, None) => {
                if num_sweeps == 0 || num_sweeps % self.num_sweeps_per_beta != 0 {
                    return Err(Error::InvalidParameter {
                        name: "num_sweeps",
                        reason: format!(
                            "{num_sweeps} must be positive and divisible by num_sweeps_per_beta = {}",
                            self.num_sweeps_per_beta
                        ),
                    });
                }
                let range = match self.beta_range {
                    Some(r) => r,
                    None => default_range(),
                };
                check_beta_range(range, kind)?;
                let num_betas = num_sweeps / self.num_sweeps_per_beta;
                // The schedule is materialised (8 bytes per β): a huge num_sweeps is refused
                // here rather than aborting in the allocator.
                crate::memory::check_allocation(
                    || format!("a schedule of {num_betas} β values (num_sweeps = {num_sweeps})"),
                    crate::memory::bytes(num_betas, 8),
                )?;
                Ok((beta_schedule(kind, range, num_betas), range))
            }
        }
    }

    /// Anneals reads `first .. first + L` in lock-step lanes; returns their best states.
    fn group<F: LaneFloat, const L: usize>(
        &self,
        qubo: &Qubo,
        betas: &[f64],
        acceptance: &Acceptance,
        first: usize,
        seed: u64,
        clock: &RunClock,
    ) -> UnitOutcome {
        let n = qubo.num_vars();
        let initial = self.initial_states.as_deref();
        let mut rngs: [Xoshiro256PlusPlus; L] =
            std::array::from_fn(|l| read_rng(seed, (first + l) as u64));
        let starts: Vec<Vec<u8>> = (0..L)
            .map(|l| start_state(initial, first + l, n, &mut rngs[l]))
            .collect();
        let mut lanes = Lanes::<F, L>::new(qubo, &starts);
        let mut acc = acceptance.clone();
        let mut proposals = 0u64;
        let mut stop = None;
        'outer: for &beta in betas {
            acc.set_beta(beta);
            for _ in 0..self.num_sweeps_per_beta {
                lanes.sweep(qubo, &acc, &mut rngs);
                proposals += (n * L) as u64;
                if let Some(why) = clock.should_stop() {
                    stop = Some(why);
                    break 'outer;
                }
            }
        }
        let best = lanes.best.iter().copied().fold(f64::INFINITY, f64::min);
        clock.advance(L as u64, Some(best));
        (
            (0..L).map(|l| lanes.best_state(l)).collect(),
            proposals,
            stop,
        )
    }
}

/// How reads are split into lane groups of 1 to 8 reads.
///
/// Any split gives the same results (each lane equals a lone read), so this only tunes
/// speed. With few reads each thread gets a near-equal share in as few groups as possible
/// (10 reads on 2 threads: one 5-lane group each — a lone read costs almost as much as a
/// group); with many, full groups are computed on demand so a huge `num_reads` costs no
/// memory up front.
pub(crate) enum LaneGroups {
    /// An explicit list of `(first read, width)`.
    Balanced(Vec<(usize, usize)>),
    /// `full` groups of `width`, then the remainder in narrower groups.
    Uniform {
        full: usize,
        width: usize,
        tail: Vec<(usize, usize)>,
    },
}

/// Groups of `max_width` covering `start..end`, the last one narrower if need be.
fn decompose(start: usize, end: usize, max_width: usize, out: &mut Vec<(usize, usize)>) {
    let mut k = start;
    while k < end {
        let width = max_width.min(end - k);
        out.push((k, width));
        k += width;
    }
}

impl LaneGroups {
    /// Groups at most `max_width` wide (8 or 4), balanced over `threads`.
    pub(crate) fn new(num_reads: usize, threads: usize, max_width: usize) -> Self {
        let threads = threads.max(1);
        if num_reads >= 64 * threads {
            let full = num_reads / max_width;
            let mut tail = Vec::new();
            decompose(full * max_width, num_reads, max_width, &mut tail);
            return LaneGroups::Uniform {
                full,
                width: max_width,
                tail,
            };
        }
        let share = num_reads.div_ceil(threads).max(1);
        let mut out = Vec::new();
        let mut start = 0;
        while start < num_reads {
            let end = (start + share).min(num_reads);
            decompose(start, end, max_width, &mut out);
            start = end;
        }
        LaneGroups::Balanced(out)
    }

    pub(crate) fn len(&self) -> usize {
        match self {
            LaneGroups::Balanced(v) => v.len(),
            LaneGroups::Uniform { full, tail, .. } => full + tail.len(),
        }
    }

    /// `(first read, width)` of group `g`.
    pub(crate) fn get(&self, g: usize) -> (usize, usize) {
        match self {
            LaneGroups::Balanced(v) => v[g],
            LaneGroups::Uniform { full, width, .. } if g < *full => (width * g, *width),
            LaneGroups::Uniform { full, tail, .. } => tail[g - full],
        }
    }
}

impl Solver for SimulatedAnnealing {
    fn name(&self) -> &'static str {
        "sa"
    }

    fn params(&self) -> serde_json::Value {
        json!({
            "num_reads": self.num_reads,
            "num_sweeps": self.num_sweeps,
            "num_sweeps_per_beta": self.num_sweeps_per_beta,
            "beta_range": self.beta_range,
            "beta_schedule_type": self.beta_schedule_type,
            "beta_schedule": self.beta_schedule,
            "initial_states": self.initial_states.as_ref().map(Vec::len),
            "moves": self.moves.name(),
        })
    }

    fn sample(&self, qubo: &Qubo, ctl: &RunControl) -> Result<SampleSet> {
        let mut fin = Finisher::new();
        let initial = self.initial_states.as_deref();
        check_initial_states(qubo, initial)?;
        let num_reads = resolve_num_reads(self.num_reads, initial, DEFAULT_NUM_READS)?;
        let seed = ctl.resolve_seed();
        if let Some(c) = self.moves.resolve(qubo)? {
            return self.sample_constrained(qubo, c, num_reads, seed, ctl, fin);
        }
        // The clock starts before the sweep rate is measured: the probe counts against the
        // time limit.
        let clock = ctl.start(num_reads as u64);
        let range = self.beta_range.unwrap_or_else(|| default_beta_range(qubo));
        // f32 lanes are exact on integer models with small fields (same trajectories as
        // f64) and fit 8 lanes in 32 B per variable; otherwise 4 lanes of f64.
        // One scan of the model (integrality, largest |Δ|), shared by every lane group.
        let acceptance = Acceptance::for_model(qubo);
        let single = acceptance.f32_exact();
        let threads = rayon::current_num_threads();
        let groups = LaneGroups::new(num_reads, threads, if single { 8 } else { 4 });
        let (num_sweeps, fitted) = self.num_sweeps(&clock, groups.len(), threads, range, |beta| {
            let width = groups.get(0).1;
            fit::lane_group_sweep_s(qubo, &acceptance, single, width, beta, seed)
        });
        let (betas, range) = self.betas(num_sweeps, || range)?;
        fin.sampling();
        let (tally, attempts, stop) = run_units(groups.len(), &clock, |g| {
            let (first, width) = groups.get(g);
            let (b, a, c) = (&betas, &acceptance, &clock);
            match (single, width) {
                (true, 8) => self.group::<f32, 8>(qubo, b, a, first, seed, c),
                (true, 7) => self.group::<f32, 7>(qubo, b, a, first, seed, c),
                (true, 6) => self.group::<f32, 6>(qubo, b, a, first, seed, c),
                (true, 5) => self.group::<f32, 5>(qubo, b, a, first, seed, c),
                (true, 4) => self.group::<f32, 4>(qubo, b, a, first, seed, c),
                (true, 3) => self.group::<f32, 3>(qubo, b, a, first, seed, c),
                (true, 2) => self.group::<f32, 2>(qubo, b, a, first, seed, c),
                (true, _) => self.group::<f32, 1>(qubo, b, a, first, seed, c),
                (false, 4) => self.group::<f64, 4>(qubo, b, a, first, seed, c),
                (false, 3) => self.group::<f64, 3>(qubo, b, a, first, seed, c),
                (false, 2) => self.group::<f64, 2>(qubo, b, a, first, seed, c),
                (false, _) => self.group::<f64, 1>(qubo, b, a, first, seed, c),
            }
        });
        let mut info = Info::new(self.name(), self.params(), seed);
        info.params["num_reads"] = json!(num_reads);
        info.params["beta_range"] = json!([range.0, range.1]);
        self.record_sweeps(&mut info, betas.len(), fitted);
        info.params["moves"] = json!("single-flip");
        info.counters.insert("spin_flip_attempts".into(), attempts);
        fin.complete(qubo, tally, info, stop, &clock)
    }
}

impl SimulatedAnnealing {
    /// Sweeps per read: as given, the default, or fitted to the clock's time limit (then the
    /// measured fit is returned too). `sweep_s(β)` measures one unit's sweep at β.
    fn num_sweeps(
        &self,
        clock: &RunClock,
        units: usize,
        threads: usize,
        range: (f64, f64),
        sweep_s: impl Fn(f64) -> f64,
    ) -> (usize, Option<fit::Fit>) {
        let custom = self.beta_schedule_type == BetaScheduleType::Custom;
        match (self.num_sweeps, clock.time_limit()) {
            (Some(n), _) => (n, None),
            (None, Some(_)) if !custom && range.0.is_finite() && range.1.is_finite() => {
                // The cost of a sweep falls as the anneal cools and fewer moves are accepted;
                // a geometric schedule spends equal shares at both ends and the middle.
                let probes = [
                    sweep_s(range.0),
                    sweep_s((range.0 * range.1).sqrt()),
                    sweep_s(range.1),
                ];

                let f = fit::fit(
                    &probes,
                    units,
                    threads,
                    self.num_sweeps_per_beta,
                    DEFAULT_NUM_SWEEPS,
                    FIT_SHARE,
                    clock,
                );
                (f.num_sweeps, Some(f))
            }
            (None, _) => (DEFAULT_NUM_SWEEPS, None),
        }
    }

    /// Records the sweeps run per read and how that number was chosen.
    fn record_sweeps(&self, info: &mut Info, num_betas: usize, fitted: Option<fit::Fit>) {
        info.params["num_sweeps"] = json!(num_betas * self.num_sweeps_per_beta);
        info.params["num_sweeps_source"] =
            json!(match (&self.beta_schedule_type, self.num_sweeps, fitted) {
                (BetaScheduleType::Custom, _, _) => "custom schedule",
                (_, Some(_), _) => "given",
                (_, None, Some(_)) => "fitted to the time limit",
                (_, None, None) => "default",
            });
        if let Some(f) = fitted {
            info.params["num_sweeps_fit"] = json!({
                "sweep_s": f.sweep_s,
                "rounds": f.rounds,
                "default": DEFAULT_NUM_SWEEPS,
            });
        }
    }

    /// Annealing over constraint-preserving moves (see [`SimulatedAnnealing::moves`]).
    fn sample_constrained(
        &self,
        qubo: &Qubo,
        constraints: &Constraints,
        num_reads: usize,
        seed: u64,
        ctl: &RunControl,
        mut fin: Finisher,
    ) -> Result<SampleSet> {
        let clock = ctl.start(num_reads as u64);
        let space = MoveSpace::new(qubo, constraints)?;
        let range = self
            .beta_range
            .unwrap_or_else(|| move_beta_range(&space, seed));
        let threads = rayon::current_num_threads();
        let (num_sweeps, fitted) = self.num_sweeps(&clock, num_reads, threads, range, |beta| {
            fit::move_sweep_s(&space, beta, seed, &clock)
        });
        let (betas, range) = self.betas(num_sweeps, || range)?;
        let initial = self.initial_states.as_deref();
        fin.sampling();
        let (tally, proposals, stop) = run_units(num_reads, &clock, |r| -> UnitOutcome {
            let mut rng = read_rng(seed, r as u64);
            let x0 = match initial.and_then(|s| s.get(r)) {
                Some(s) => space.make_feasible(s, &mut rng),
                None => space.random_state(&mut rng),
            };
            let (x, p, stop) = anneal_read(
                &space,
                x0,
                &betas,
                self.num_sweeps_per_beta,
                &mut rng,
                &clock,
            );
            clock.advance(1, Some(qubo.energy(&x)));
            (vec![x], p, stop)
        });
        let mut info = Info::new(self.name(), self.params(), seed);
        info.params["num_reads"] = json!(num_reads);
        info.params["beta_range"] = json!([range.0, range.1]);
        self.record_sweeps(&mut info, betas.len(), fitted);
        info.params["moves"] = json!("constraint-preserving");
        info.counters.insert("move_proposals".into(), proposals);
        fin.complete(qubo, tally, info, stop, &clock)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sampleset::Termination;
    use crate::testing::random_qubo;
    use std::time::Duration;

    #[test]
    fn lane_groups_cover_every_read_once() {
        for reads in [1usize, 7, 10, 64, 100, 1001, 5000] {
            for threads in [1usize, 2, 3, 16] {
                let g = LaneGroups::new(reads, threads, 8);
                let mut next = 0;
                for (first, width) in (0..g.len()).map(|k| g.get(k)) {
                    assert_eq!(first, next);
                    assert!((1..=8).contains(&width));
                    next += width;
                }
                assert_eq!(next, reads);
            }
        }
    }

    #[test]
    fn results_do_not_depend_on_lane_grouping() {
        // 10 reads on 1 thread (8 + 2 lanes) and on 2 threads (5 lanes each).
        let q = random_qubo(80, 0.2, false, 2);
        let sa = SimulatedAnnealing {
            num_reads: Some(10),
            num_sweeps: Some(100),
            ..Default::default()
        };
        let one = rayon::ThreadPoolBuilder::new()
            .num_threads(1)
            .build()
            .unwrap();
        let two = rayon::ThreadPoolBuilder::new()
            .num_threads(2)
            .build()
            .unwrap();
        let a = one.install(|| sa.sample(&q, &RunControl::new().seed(4)).unwrap());
        let b = two.install(|| sa.sample(&q, &RunControl::new().seed(4)).unwrap());
        assert_eq!(a.samples, b.samples);
    }

    #[test]
    fn best_seen_is_at_least_as_good_as_final() {
        // A hot constant schedule: the final state is random, the best seen is much lower.
        let q = random_qubo(60, 0.3, true, 5);
        let hot = SimulatedAnnealing {
            num_reads: Some(4),
            beta_schedule_type: BetaScheduleType::Custom,
            beta_schedule: Some(vec![0.05; 50]),
            ..Default::default()
        };
        let r = hot.sample(&q, &RunControl::new().seed(1)).unwrap();
        for s in &r.samples {
            assert_eq!(q.energy(&s.sample), s.energy);
        }
        // The best seen includes the start; a sample can never be worse than its start...
        let start = SimulatedAnnealing {
            num_reads: None,
            initial_states: Some(vec![vec![0; 60]]),
            beta_schedule_type: BetaScheduleType::Custom,
            beta_schedule: Some(vec![0.0; 10]),
            ..Default::default()
        };
        let r = start.sample(&q, &RunControl::new().seed(2)).unwrap();
        assert!(r.first().unwrap().energy <= q.energy(&[0; 60]));
    }

    #[test]
    fn parameters_are_checked() {
        let q = random_qubo(5, 0.5, true, 1);
        let bad = |s: SimulatedAnnealing| s.sample(&q, &RunControl::new()).is_err();
        assert!(bad(SimulatedAnnealing {
            num_sweeps: Some(10),
            num_sweeps_per_beta: 3,
            ..Default::default()
        }));
        assert!(bad(SimulatedAnnealing {
            beta_range: Some((0.0, 1.0)),
            ..Default::default()
        }));
        assert!(bad(SimulatedAnnealing {
            beta_range: Some((f64::NAN, 1.0)),
            ..Default::default()
        }));
        assert!(bad(SimulatedAnnealing {
            beta_schedule_type: BetaScheduleType::Custom,
            ..Default::default()
        }));
        assert!(bad(SimulatedAnnealing {
            beta_schedule: Some(vec![1.0]),
            ..Default::default()
        }));
        assert!(!bad(SimulatedAnnealing {
            beta_range: Some((0.0, 1.0)),
            beta_schedule_type: BetaScheduleType::Linear,
            num_sweeps: Some(10),
            ..Default::default()
        }));
        // A reversed range, and settings a custom schedule would ignore, are errors.
        assert!(bad(SimulatedAnnealing {
            beta_range: Some((2.0, 1.0)),
            ..Default::default()
        }));
        let custom = SimulatedAnnealing {
            beta_schedule_type: BetaScheduleType::Custom,
            beta_schedule: Some(vec![0.1, 1.0]),
            ..Default::default()
        };
        assert!(!bad(custom.clone()));
        assert!(bad(SimulatedAnnealing {
            num_sweeps: Some(2),
            ..custom.clone()
        }));
        assert!(bad(SimulatedAnnealing {
            beta_range: Some((0.1, 1.0)),
            ..custom
        }));
        // Constrained moves need constraints.
        assert!(bad(SimulatedAnnealing {
            moves: Moves::Constrained,
            ..Default::default()
        }));
    }

    #[test]
    fn schedule_is_fitted_to_a_time_limit_only_when_num_sweeps_is_unset() {
        let q = random_qubo(300, 0.3, false, 9);
        let ctl = RunControl::new()
            .seed(1)
            .time_limit(Duration::from_millis(300));
        let sa = SimulatedAnnealing {
            num_reads: Some(64),
            ..Default::default()
        };
        let r = sa.sample(&q, &ctl).unwrap();
        let p = &r.info.params;
        assert_eq!(p["num_sweeps_source"], "fitted to the time limit");
        let fitted = p["num_sweeps"].as_u64().unwrap();
        assert!((1..=1000).contains(&fitted), "{p}");
        // Every read finished its (shorter) schedule.
        assert_eq!(r.info.termination, Termination::Completed, "{p}");
        assert_eq!(r.num_reads(), 64);
        // Without a limit, or with num_sweeps given, nothing is fitted.
        let r = sa.sample(&q, &RunControl::new().seed(1)).unwrap();
        assert_eq!(r.info.params["num_sweeps"], 1000);
        assert_eq!(r.info.params["num_sweeps_source"], "default");
        let given = SimulatedAnnealing {
            num_sweeps: Some(5),
            ..sa
        };
        let r = given.sample(&q, &ctl).unwrap();
        assert_eq!(r.info.params["num_sweeps"], 5);
        assert_eq!(r.info.params["num_sweeps_source"], "given");
    }

    #[test]
    fn a_schedule_too_large_for_memory_is_refused_not_allocated() {
        let q = crate::testing::random_qubo(4, 0.5, true, 1);
        let sa = SimulatedAnnealing {
            num_sweeps: Some(1 << 60),
            ..Default::default()
        };
        let err = sa.sample(&q, &RunControl::new().seed(1)).unwrap_err();
        assert!(matches!(err, Error::OutOfMemory { .. }), "{err}");
        assert!(err.to_string().contains("schedule"), "{err}");
    }
}
