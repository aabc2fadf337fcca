//! Multistart tabu search in the family of Palubeckis' MST2.

use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use rand::RngExt;
use rand::rngs::Xoshiro256PlusPlus;
use serde_json::json;

use super::common::{
    Finisher, UnitOutcome, check_initial_states, keep_elite, read_rng, resolve_num_reads,
    run_units, start_state, zero_tolerance,
};
use super::constrained::{TabuSettings, tabu_read};
use super::move_set::Moves;
use super::moves::MoveSpace;
use crate::constraints::Constraints;
use crate::control::{RunClock, RunControl};
use crate::error::{Error, Result};
use crate::qubo::Qubo;
use crate::sampleset::{Info, SampleSet, TIMED_OUT_READS, Termination};
use crate::solver::Solver;

/// Multistart tabu search (Palubeckis' MST2 family), like dwave-samplers' `TabuSampler`.
///
/// Each read alternates two phases until its budget is spent:
///
/// 1. **Simple tabu search.** Every iteration flips the variable whose flip lowers the
///    energy most (or raises it least) among those not tabu; a tabu flip is taken anyway when
///    it would give a new best (aspiration). A flipped variable stays tabu for `tenure`
///    iterations. Energy changes of all flips are kept in an array and updated in O(degree)
///    after each flip, so choosing a move is one scan. The phase ends after
///    `max_stagnation` iterations without improving its own best.
/// 2. **Restart.** The next phase starts from a member of an elite pool (the 8 best distinct
///    states found, chosen uniformly) with a random 10–25 % of its variables flipped.
///
/// Budget: `num_restarts` phases, `max_stale_restarts` phases in a row that do not improve the
/// read's best, `timeout` per read, and the run's time limit, whichever comes first (a read
/// whose restarts are spent ends early rather than filling the time limit); the clock is polled every 32 iterations, so a limit is kept to well under a
/// millisecond on problems of a few thousand variables. Results for a seed do not depend on
/// the thread count, but a read ended by a timeout depends on the machine's speed.
///
/// Storage: problems with density above 20 % (and at most 4096 variables) use a dense
/// row-major copy of the couplings, so the post-flip update is a contiguous, vectorised pass;
/// sparser problems use the CSR adjacency and never allocate O(n²).
///
/// ```
/// use std::time::Duration;
/// use quboflow::{RunControl, Solver, solvers::Tabu, testing::random_qubo};
/// let q = random_qubo(14, 0.5, true, 2);
/// let tabu = Tabu { num_restarts: 20, timeout: Some(Duration::from_secs(10)), ..Default::default() };
/// let result = tabu.sample(&q, &RunControl::new().seed(5))?;
/// assert_eq!(result.first().unwrap().energy, quboflow::testing::brute_force(&q).0);
/// # Ok::<(), quboflow::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq)]
pub struct Tabu {
    /// Independent multistart runs. Default: one per initial state, or 1.
    pub num_reads: Option<usize>,
    /// Iterations a flipped variable stays tabu. Default [`default_tenure`]: `min(20, n/4)`
    /// (dwave-samplers'), or `n/13` on large models whose couplings share one magnitude.
    pub tenure: Option<usize>,
    /// Tabu phases (the first plus restarts) per read. Default 1 000 000 (dwave-samplers').
    pub num_restarts: usize,
    /// Consecutive phases without a new best after which a read ends: its restarts are spent.
    /// Default [`DEFAULT_MAX_STALE_RESTARTS`].
    pub max_stale_restarts: usize,
    /// Iterations without improvement that end a phase. Default `clamp(20·n, 2 000, 100 000)`.
    pub max_stagnation: Option<usize>,
    /// Wall-clock budget per read. Default: the run's time limit if it has one, else 20 ms
    /// (dwave-samplers' default `timeout`).
    pub timeout: Option<Duration>,
    /// Start states for the first reads (0/1 per variable); the rest start at random.
    pub initial_states: Option<Vec<Vec<u8>>>,
    /// Move set. Default [`Moves::Auto`]: constraint-preserving moves when the model carries
    /// [`Constraints`](crate::Constraints) (groups, permutations, set-partitioning and
    /// capacity rows of an encoded instance), single flips otherwise. With constraints, reads start from feasible states (initial states are repaired) and
    /// every iteration scans the constraint-preserving neighbourhood instead of single flips:
    /// swaps inside groups, all row swaps and column-run reversals of each permutation, every
    /// re-partition of one or two chosen sets, single flips of the other variables and
    /// in/out exchanges of the items of a capacity row (up to 65 536 pairs), with the row's
    /// slack bits reset to the room left; a variable turned off is tabu (may not be turned on) for `tenure`
    /// iterations, and a free variable flipped alone may not flip back. Default `None`:
    ///
    pub moves: Moves,
}

impl Default for Tabu {
    fn default() -> Self {
        Tabu {
            num_reads: None,
            tenure: None,
            num_restarts: 1_000_000,
            max_stale_restarts: DEFAULT_MAX_STALE_RESTARTS,
            max_stagnation: None,
            timeout: None,
            initial_states: None,
            moves: Moves::Auto,
        }
    }
}

/// Default tenure: dwave-samplers' `min(20, n/4)`, except `n/13` on models above 260
/// variables whose couplings all have one magnitude (unit-weight graphs: Max-Cut on Gset,
/// independent set).
///
/// On such models most flips tie, and twenty iterations is too short to leave a plateau: the
/// search falls back into the basin it just left. Measured (10 s, one thread, seeds 1 and 2):
/// Gset G1–G10 + G43–G47 mean gap to best-known 0.125 % at tenure 20, 0.077 % at 40,
/// 0.058 / 0.016 % at 60, 0.149 % at 100, 0.201 % at 150; G43–G47 (n = 1000) 0.009 / 0.021 %
/// at 77 = n/13 against 0.066 / 0.027 % at 60. On models with many distinct weights the long
/// tenure hurts (bqp1000, 10 s: best-known on 7/10 at n/13, 10/10 at 20), so they keep 20.
pub fn default_tenure(qubo: &Qubo) -> usize {
    let n = qubo.num_vars();
    let short = (n / 4).min(20);
    if n / 13 <= short {
        return short;
    }
    let mut magnitudes = qubo.interactions().map(|(_, _, w)| w.abs());
    let one = magnitudes
        .next()
        .is_some_and(|m| magnitudes.all(|w| w == m));
    if one { n / 13 } else { short }
}

/// Default `max_stale_restarts`: 10 000 phases in a row without a new best.
///
/// Small models converge in milliseconds, after which every restart only revisits known
/// states: the 16-variable `burma14_first5` TSP ran out this budget in 0.43 s instead of
/// filling a 10 s limit. On large models a phase takes milliseconds (one thread: G1 15 ms,
/// G43 21 ms, bqp500_1 7 ms, bqp1000_1 27 ms), so 10 000 stale phases lie far beyond the 10 s
/// budgets of the benchmarks.
pub const DEFAULT_MAX_STALE_RESTARTS: usize = 10_000;

/// Timeout per read when neither `timeout` nor a run time limit is set (dwave-samplers').
pub const DEFAULT_TIMEOUT: Duration = Duration::from_millis(20);
/// Iterations between clock polls.
const POLL: usize = 32;
/// Density above which the dense path is used, and its size cap (4096² f64 = 128 MiB).
const DENSE_DENSITY: f64 = 0.2;
const DENSE_MAX_VARS: usize = 4096;

/// Couplings in the layout the move update walks.
enum Couplings<'a> {
    Sparse(&'a Qubo),
    /// Row-major `n × n`, `Q_ij` off the diagonal, 0 on it.
    Dense(Vec<f64>),
}

/// The search state of one phase: spins `s = 1 − 2x`, flip deltas, energy.
struct Search<'a> {
    n: usize,
    couplings: &'a Couplings<'a>,
    sign: Vec<f64>,
    delta: Vec<f64>,
    energy: f64,
    tabu_until: Vec<usize>,
}

impl<'a> Search<'a> {
    fn new(qubo: &Qubo, couplings: &'a Couplings<'a>, x: &[u8]) -> Self {
        let n = x.len();
        Search {
            n,
            couplings,
            sign: x.iter().map(|&b| if b == 0 { 1.0 } else { -1.0 }).collect(),
            delta: (0..n).map(|i| qubo.delta(x, i)).collect(),
            energy: qubo.energy(x),
            tabu_until: vec![0; n],
        }
    }

    fn state(&self) -> Vec<u8> {
        self.sign.iter().map(|&s| u8::from(s < 0.0)).collect()
    }

    /// Flips `k`: Δ_j += s_k·s_j·Q_kj for every neighbour j, Δ_k changes sign.
    #[inline]
    fn flip(&mut self, k: usize) {
        let sk = self.sign[k];
        self.energy += self.delta[k];
        match self.couplings {
            Couplings::Sparse(q) => {
                let (cols, vals) = q.adjacency().row(k);
                for (j, w) in cols.iter().zip(vals) {
                    let j = *j as usize;
                    self.delta[j] += sk * self.sign[j] * w;
                }
            }
            Couplings::Dense(m) => {
                let row = &m[k * self.n..(k + 1) * self.n];
                // Contiguous and branch-free: the compiler vectorises this pass.
                for ((d, s), w) in self.delta.iter_mut().zip(&self.sign).zip(row) {
                    *d += sk * s * w;
                }
            }
        }
        self.delta[k] = -self.delta[k];
        self.sign[k] = -sk;
    }

    /// The move to make at iteration `it`: the best non-tabu flip, or a tabu one that beats
    /// `best` (aspiration). Ties go to the lowest index after a random rotation `start`.
    #[inline]
    fn choose(&self, it: usize, best: f64, tol: f64, start: usize) -> Option<usize> {
        let mut pick = None;
        let mut pick_d = f64::INFINITY;
        let aspire = best - self.energy - tol;
        for k in (start..self.n).chain(0..start) {
            let d = self.delta[k];
            if d < pick_d && (self.tabu_until[k] <= it || d < aspire) {
                pick_d = d;
                pick = Some(k);
            }
        }
        pick
    }
}

/// `now + timeout`, or practically never when that overflows the clock.
fn deadline_after(timeout: Duration) -> Instant {
    let now = Instant::now();
    now.checked_add(timeout)
        .unwrap_or_else(|| now + Duration::from_secs(100 * 365 * 86_400))
}

/// Budget and clock of one read.
struct Budget<'c> {
    clock: &'c RunClock,
    deadline: Instant,
}

impl Budget<'_> {
    /// `Some(termination)` when the read must end; a timeout is the read's normal end.
    fn stop(&self) -> Option<Option<Termination>> {
        if let Some(why) = self.clock.should_stop() {
            return Some(Some(why));
        }
        (Instant::now() >= self.deadline).then_some(None)
    }
}

impl Tabu {
    fn tenure(&self, qubo: &Qubo) -> usize {
        self.tenure.unwrap_or_else(|| default_tenure(qubo))
    }

    fn max_stagnation(&self, n: usize) -> usize {
        self.max_stagnation
            .unwrap_or((20 * n).clamp(2_000, 100_000))
    }

    /// One multistart read: tabu phases with elite restarts until the budget is spent.
    fn read(
        &self,
        qubo: &Qubo,
        couplings: &Couplings<'_>,
        x0: Vec<u8>,
        tol: f64,
        rng: &mut Xoshiro256PlusPlus,
        budget: &Budget<'_>,
    ) -> (Vec<u8>, u64, Option<Termination>) {
        let n = qubo.num_vars();
        let tenure = self.tenure(qubo);
        let stagnation = self.max_stagnation(n);
        let mut best_x = x0.clone();
        let mut best = qubo.energy(&x0);
        let mut elite: Vec<(f64, Vec<u8>)> = vec![(best, x0.clone())];
        let mut start = x0;
        let mut iterations = 0u64;
        let mut it = 0usize;
        let mut stale = 0usize;
        for _phase in 0..self.num_restarts.max(1) {
            let best_before = best;
            let mut s = Search::new(qubo, couplings, &start);
            let mut phase_best = s.energy;
            let mut phase_x = start.clone();
            let mut since = 0usize;
            while since < stagnation && n > 0 {
                let rot = if n > 1 { rng.random_range(0..n) } else { 0 };
                let Some(k) = s.choose(it, best.min(phase_best), tol, rot) else {
                    break; // every move tabu and none aspirates (tiny n)
                };
                s.flip(k);
                s.tabu_until[k] = it + tenure + 1;
                it += 1;
                since += 1;
                iterations += 1;
                if s.energy < phase_best - tol {
                    phase_best = s.energy;
                    phase_x = s.state();
                    since = 0;
                }
                if it % POLL == 0
                    && let Some(end) = budget.stop()
                {
                    keep_elite(&mut elite, phase_best, phase_x, &mut best, &mut best_x, tol);
                    return (best_x, iterations, end);
                }
            }
            keep_elite(&mut elite, phase_best, phase_x, &mut best, &mut best_x, tol);
            if let Some(end) = budget.stop() {
                return (best_x, iterations, end);
            }
            stale = if best < best_before { 0 } else { stale + 1 };
            if stale >= self.max_stale_restarts.max(1) {
                break;
            }
            // Restart: a random elite state with 10–25 % of its variables flipped.
            let (_, base) = &elite[rng.random_range(0..elite.len())];
            start = base.clone();
            if n > 0 {
                let k = rng.random_range((n / 10).max(1)..=(n / 4).max(1));
                for _ in 0..k {
                    let i = rng.random_range(0..n);
                    start[i] ^= 1;
                }
            }
        }
        (best_x, iterations, None)
    }
}

impl Solver for Tabu {
    fn name(&self) -> &'static str {
        "tabu"
    }

    fn params(&self) -> serde_json::Value {
        json!({
            "num_reads": self.num_reads,
            "tenure": self.tenure,
            "num_restarts": self.num_restarts,
            "max_stale_restarts": self.max_stale_restarts,
            "max_stagnation": self.max_stagnation,
            "timeout_s": self.timeout.map(|d| d.as_secs_f64()),
            "initial_states": self.initial_states.as_ref().map(Vec::len),
            "moves": self.moves.name(),
        })
    }

    fn sample(&self, qubo: &Qubo, ctl: &RunControl) -> Result<SampleSet> {
        let mut fin = Finisher::new();
        let initial = self.initial_states.as_deref();
        check_initial_states(qubo, initial)?;
        let num_reads = resolve_num_reads(self.num_reads, initial, 1)?;
        if self.num_restarts == 0 {
            return Err(Error::InvalidParameter {
                name: "num_restarts",
                reason: "must be at least 1".into(),
            });
        }
        if self.max_stale_restarts == 0 {
            return Err(Error::InvalidParameter {
                name: "max_stale_restarts",
                reason: "must be at least 1".into(),
            });
        }
        if self.max_stagnation == Some(0) {
            return Err(Error::InvalidParameter {
                name: "max_stagnation",
                reason: "must be at least 1".into(),
            });
        }
        // As dwave-samplers' TabuSampler: with tenure ≥ n every variable would be tabu.
        if let Some(t) = self.tenure
            && t >= qubo.num_vars().max(1)
        {
            return Err(Error::InvalidParameter {
                name: "tenure",
                reason: format!(
                    "{t} must be below the number of variables ({})",
                    qubo.num_vars()
                ),
            });
        }
        let n = qubo.num_vars();
        let timeout = self
            .timeout
            .or(ctl.get_time_limit())
            .unwrap_or(DEFAULT_TIMEOUT);
        if let Some(c) = self.moves.resolve(qubo)? {
            return self.sample_constrained(qubo, c, num_reads, timeout, ctl, fin);
        }
        let couplings = if qubo.density() > DENSE_DENSITY && n <= DENSE_MAX_VARS {
            let mut m = vec![0.0; n * n];
            for (i, j, w) in qubo.interactions() {
                m[i * n + j] = w;
                m[j * n + i] = w;
            }
            Couplings::Dense(m)
        } else {
            Couplings::Sparse(qubo)
        };
        let tol = zero_tolerance(qubo);
        let seed = ctl.resolve_seed();
        let clock = ctl.start(num_reads as u64);
        let timed_out = AtomicU64::new(0);
        fin.sampling();
        let (tally, iterations, stop) = run_units(num_reads, &clock, |r| -> UnitOutcome {
            let mut rng = read_rng(seed, r as u64);
            let x0 = start_state(initial, r, n, &mut rng);
            let budget = Budget {
                clock: &clock,
                deadline: deadline_after(timeout),
            };
            let (x, its, stop) = self.read(qubo, &couplings, x0, tol, &mut rng, &budget);
            if Instant::now() >= budget.deadline {
                timed_out.fetch_add(1, Ordering::Relaxed);
            }
            clock.advance(1, Some(qubo.energy(&x)));
            (vec![x], its, stop)
        });
        let mut info = Info::new(self.name(), self.params(), seed);
        info.params["num_reads"] = json!(num_reads);
        info.params["tenure"] = json!(self.tenure(qubo));
        info.params["max_stagnation"] = json!(self.max_stagnation(n));
        info.params["timeout_s"] = json!(timeout.as_secs_f64());
        info.params["storage"] = json!(match couplings {
            Couplings::Dense(_) => "dense",
            Couplings::Sparse(_) => "sparse",
        });
        info.params["moves"] = json!("single-flip");
        info.counters.insert("iterations".into(), iterations);
        // A read its timeout ended depends on the machine's speed: say so, so a re-run that
        // differs is not taken for a reproducibility error.
        info.counters
            .insert(TIMED_OUT_READS.into(), timed_out.into_inner());
        fin.complete(qubo, tally, info, stop, &clock)
    }
}

impl Tabu {
    /// Tabu search over constraint-preserving moves (see [`Tabu::moves`]).
    fn sample_constrained(
        &self,
        qubo: &Qubo,
        constraints: &Constraints,
        num_reads: usize,
        timeout: Duration,
        ctl: &RunControl,
        mut fin: Finisher,
    ) -> Result<SampleSet> {
        let space = MoveSpace::new(qubo, constraints)?;
        let initial = self.initial_states.as_deref();
        let seed = ctl.resolve_seed();
        let tol = zero_tolerance(qubo);
        let clock = ctl.start(num_reads as u64);
        let timed_out = AtomicU64::new(0);
        fin.sampling();
        let (tally, iterations, stop) = run_units(num_reads, &clock, |r| -> UnitOutcome {
            let mut rng = read_rng(seed, r as u64);
            let x0 = match initial.and_then(|s| s.get(r)) {
                Some(s) => space.make_feasible(s, &mut rng),
                None => space.random_state(&mut rng),
            };
            let settings = TabuSettings {
                tenure: self.tenure(qubo),
                max_stagnation: self.max_stagnation.unwrap_or(CONSTRAINED_STAGNATION),
                num_restarts: self.num_restarts,
                max_stale_restarts: self.max_stale_restarts,
                deadline: deadline_after(timeout),
                tol,
            };
            let (x, its, stop) = tabu_read(&space, x0, &settings, &mut rng, &clock);
            if Instant::now() >= settings.deadline {
                timed_out.fetch_add(1, Ordering::Relaxed);
            }
            clock.advance(1, Some(qubo.energy(&x)));
            (vec![x], its, stop)
        });
        let mut info = Info::new(self.name(), self.params(), seed);
        info.params["num_reads"] = json!(num_reads);
        info.params["tenure"] = json!(self.tenure(qubo));
        info.params["max_stagnation"] =
            json!(self.max_stagnation.unwrap_or(CONSTRAINED_STAGNATION));
        info.params["timeout_s"] = json!(timeout.as_secs_f64());
        info.params["moves"] = json!("constraint-preserving");
        info.counters.insert("iterations".into(), iterations);
        // A read its timeout ended depends on the machine's speed: say so, so a re-run that
        // differs is not taken for a reproducibility error.
        info.counters
            .insert(TIMED_OUT_READS.into(), timed_out.into_inner());
        fin.complete(qubo, tally, info, stop, &clock)
    }
}

/// Default `max_stagnation` with constraint-preserving moves: each iteration scans a whole
/// neighbourhood of compound moves, so phases are kept short and restarts frequent.
const CONSTRAINED_STAGNATION: usize = 500;

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::random_qubo;

    #[test]
    fn dense_and_sparse_paths_agree() {
        // The same seed and phase budget on a dense model, through both layouts.
        let q = random_qubo(60, 0.5, true, 8);
        let x = crate::testing::random_state(60, 1);
        let dense = {
            let n = 60;
            let mut m = vec![0.0; n * n];
            for (i, j, w) in q.interactions() {
                m[i * n + j] = w;
                m[j * n + i] = w;
            }
            Couplings::Dense(m)
        };
        let sparse = Couplings::Sparse(&q);
        let mut a = Search::new(&q, &dense, &x);
        let mut b = Search::new(&q, &sparse, &x);
        for k in [3usize, 17, 3, 59, 0, 22] {
            a.flip(k);
            b.flip(k);
        }
        assert_eq!(a.state(), b.state());
        for i in 0..60 {
            assert!((a.delta[i] - b.delta[i]).abs() < 1e-9);
            assert!((a.delta[i] - q.delta(&a.state(), i)).abs() < 1e-9);
        }
        assert!((a.energy - q.energy(&a.state())).abs() < 1e-9);
    }

    #[test]
    fn timeout_and_time_limit_are_kept() {
        let q = random_qubo(400, 0.05, true, 3);
        let t0 = Instant::now();
        let r = Tabu {
            timeout: Some(Duration::from_millis(50)),
            ..Default::default()
        }
        .sample(&q, &RunControl::new().seed(1))
        .unwrap();
        assert!(t0.elapsed() < Duration::from_secs(2));
        assert_eq!(r.info.termination, Termination::Completed);
        let t0 = Instant::now();
        let r = Tabu::default()
            .sample(
                &q,
                &RunControl::new()
                    .seed(1)
                    .time_limit(Duration::from_millis(100)),
            )
            .unwrap();
        assert!(t0.elapsed() < Duration::from_secs(2));
        assert_eq!(r.info.params["timeout_s"], 0.1);
    }

    #[test]
    fn the_default_tenure_grows_only_on_large_unit_weight_models() {
        use crate::QuboBuilder;
        // A 3-regular ring with chords as Max-Cut (couplings all 2), and weighted.
        let graph = |n: usize, weighted: bool| {
            let mut b = QuboBuilder::new(n);
            for i in 0..n {
                let chord = (i < n / 2).then_some(i + n / 2);
                for j in std::iter::once((i + 1) % n).chain(chord) {
                    let w = if weighted { 1.0 + (i % 7) as f64 } else { 1.0 };
                    b.add_linear(i, -w);
                    b.add_linear(j, -w);
                    b.add_quadratic(i, j, 2.0 * w);
                }
            }
            b.build().unwrap()
        };
        assert_eq!(default_tenure(&graph(800, false)), 800 / 13);
        assert_eq!(default_tenure(&graph(800, true)), 20);
        assert_eq!(default_tenure(&graph(200, false)), 20);
        assert_eq!(default_tenure(&graph(40, false)), 10);
        let r = Tabu {
            timeout: Some(Duration::from_millis(5)),
            ..Default::default()
        }
        .sample(&graph(800, false), &RunControl::new().seed(1))
        .unwrap();
        assert_eq!(r.info.params["tenure"], 61);
    }

    #[test]
    fn settings_that_cannot_work_are_refused() {
        let q = crate::testing::random_qubo(6, 0.5, true, 2);
        let ctl = RunControl::new().seed(1);
        for (bad, name) in [
            (
                Tabu {
                    tenure: Some(6),
                    ..Default::default()
                },
                "tenure",
            ),
            (
                Tabu {
                    max_stagnation: Some(0),
                    ..Default::default()
                },
                "max_stagnation",
            ),
            (
                Tabu {
                    max_stale_restarts: 0,
                    ..Default::default()
                },
                "max_stale_restarts",
            ),
        ] {
            match bad.sample(&q, &ctl) {
                Err(Error::InvalidParameter { name: n, .. }) => assert_eq!(n, name),
                other => panic!("{name}: {other:?}"),
            }
        }
        let ok = Tabu {
            tenure: Some(5),
            timeout: Some(std::time::Duration::from_millis(5)),
            ..Default::default()
        };
        assert!(ok.sample(&q, &ctl).is_ok());
    }
}
