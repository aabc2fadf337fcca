//! Simulated annealing: single-flip Metropolis sweeps along a β schedule.

use rand::Rng;
use rand::rngs::Xoshiro256PlusPlus;
use serde_json::json;

use super::common::{
    Finisher, check_initial_states, random_state, read_rng, resolve_num_reads, run_reads,
};
use super::schedule::{BetaScheduleType, beta_schedule, check_beta_range, default_beta_range};
use crate::control::{RunClock, RunControl};
use crate::error::{Error, Result};
use crate::qubo::Qubo;
use crate::sampleset::{Info, SampleSet, Termination};
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
/// Speed (the design of DESIGN.md §3): energies are kept as local fields
/// `f_i = h_i + Σ_j Q_ij x_j` in a CSR layout, so a flip costs one multiply-add per
/// neighbour; downhill moves are accepted without a random number and moves with
/// `β·Δ > 64·ln 2` are rejected without one; on integer-valued models the acceptance
/// probabilities `e^{−βΔ}` come from a per-β table of 64-bit thresholds built by repeated
/// multiplication, so the inner loop calls no `exp`.
///
/// ```
/// use quboflow::{QuboBuilder, RunControl, Solver, solvers::SimulatedAnnealing};
/// let mut b = QuboBuilder::new(3);
/// b.add_quadratic(0, 1, 2.0).add_quadratic(1, 2, 2.0).add_quadratic(0, 2, 2.0);
/// b.add_linear(0, -1.0).add_linear(1, -1.0).add_linear(2, -1.0);
/// let sa = SimulatedAnnealing { num_reads: Some(4), num_sweeps: 100, ..Default::default() };
/// let result = sa.sample(&b.build()?, &RunControl::new().seed(1))?;
/// assert_eq!(result.first().unwrap().energy, -1.0);
/// # Ok::<(), quboflow::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq)]
pub struct SimulatedAnnealing {
    /// Number of independent anneals. Default: one per initial state, or 10.
    pub num_reads: Option<usize>,
    /// Sweeps per read. Default 1000 (dwave-samplers' default). Ignored for a custom schedule,
    /// which runs `beta_schedule.len() × num_sweeps_per_beta` sweeps.
    pub num_sweeps: usize,
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
}

impl Default for SimulatedAnnealing {
    fn default() -> Self {
        SimulatedAnnealing {
            num_reads: None,
            num_sweeps: 1000,
            num_sweeps_per_beta: 1,
            beta_range: None,
            beta_schedule_type: BetaScheduleType::Geometric,
            beta_schedule: None,
            initial_states: None,
        }
    }
}

/// Reads run when `num_reads` is not set and no initial states are given.
pub const DEFAULT_NUM_READS: usize = 10;

/// `ln 2⁶⁴`: an uphill move with `β·Δ` above this is accepted with probability below 2⁻⁶⁴,
/// so it is rejected without drawing a random number.
const CUTOFF_BETA_DELTA: f64 = 44.361_419_555_836_5;
/// 2⁶⁴ as f64, the scale of acceptance thresholds compared with `next_u64()`.
const TWO_POW_64: f64 = 18_446_744_073_709_551_616.0;

/// How uphill moves are accepted: a table of thresholds for integer Δ, else `exp`.
#[derive(Debug, Clone)]
pub(crate) struct Acceptance {
    /// Largest integer Δ covered by the table (0: no table, the model is not integral).
    table_len: usize,
    /// `table[d] = e^{−βd}·2⁶⁴` for the current β.
    table: Vec<u64>,
    beta: f64,
    cutoff: f64,
}

impl Acceptance {
    /// Chooses the table size for a model: only for integer coefficients, at most the
    /// largest possible |Δ|, and at most about half a sweep of work to rebuild per β.
    pub(crate) fn for_model(qubo: &Qubo) -> Self {
        let integral = qubo.linear().iter().all(|w| w.fract() == 0.0)
            && qubo.interactions().all(|(_, _, w)| w.fract() == 0.0);
        let mut table_len = 0;
        if integral {
            let max_delta = (0..qubo.num_vars())
                .map(|i| {
                    let (_, v) = qubo.adjacency().row(i);
                    qubo.linear()[i].abs() + v.iter().map(|w| w.abs()).sum::<f64>()
                })
                .fold(0.0f64, f64::max);
            if max_delta < 9.0e15 {
                let cap = (qubo.num_vars() / 2).clamp(64, 1 << 16) as f64;
                table_len = max_delta.min(cap) as usize;
            }
        }
        Acceptance {
            table_len,
            table: vec![0; table_len + 1],
            beta: 0.0,
            cutoff: f64::INFINITY,
        }
    }

    /// Prepares for inverse temperature `beta`.
    pub(crate) fn set_beta(&mut self, beta: f64) {
        self.beta = beta;
        self.cutoff = if beta > 0.0 { CUTOFF_BETA_DELTA / beta } else { f64::INFINITY };
        // Only entries below the cutoff are ever read (a Δ at or above it is rejected first).
        let fill = (self.table_len as f64).min(self.cutoff.ceil()) as usize;
        let step = (-beta).exp();
        let mut p = 1.0f64;
        for d in 1..=fill {
            // Repeated multiplication: relative error ~d·ε, far below the 2⁻⁵³ resolution
            // that matters for a probability, and no exp per entry.
            p *= step;
            self.table[d] = (p * TWO_POW_64) as u64;
        }
    }

    /// Metropolis test for an uphill move `d > 0`.
    #[inline(always)]
    pub(crate) fn accept(&self, d: f64, rng: &mut Xoshiro256PlusPlus) -> bool {
        if d >= self.cutoff {
            return false;
        }
        let r = rng.next_u64();
        if d <= self.table_len as f64 {
            r < self.table[d as usize]
        } else {
            ((r >> 11) as f64) * (1.0 / 9_007_199_254_740_992.0) < (-self.beta * d).exp()
        }
    }
}

/// One read's annealing state: spins as ±1 (`s_i = 1 − 2x_i`) and local fields.
pub(crate) struct Walker {
    pub(crate) sign: Vec<f64>,
    pub(crate) field: Vec<f64>,
    pub(crate) energy: f64,
}

impl Walker {
    pub(crate) fn new(qubo: &Qubo, x: &[u8]) -> Self {
        Walker {
            sign: x.iter().map(|&b| if b == 0 { 1.0 } else { -1.0 }).collect(),
            field: (0..x.len()).map(|i| qubo.local_field(x, i)).collect(),
            energy: qubo.energy(x),
        }
    }

    pub(crate) fn state(sign: &[f64]) -> Vec<u8> {
        sign.iter().map(|&s| u8::from(s < 0.0)).collect()
    }

    /// One Metropolis sweep in variable order; appends accepted flips to `log` and returns
    /// the log length just after the lowest energy reached, if it beat `best`.
    #[inline]
    pub(crate) fn sweep(
        &mut self,
        qubo: &Qubo,
        acc: &Acceptance,
        rng: &mut Xoshiro256PlusPlus,
        log: &mut Vec<u32>,
        best: &mut f64,
    ) -> Option<usize> {
        let adj = qubo.adjacency();
        let mut best_len = None;
        for i in 0..self.sign.len() {
            let s = self.sign[i];
            let d = s * self.field[i];
            if d > 0.0 && !acc.accept(d, rng) {
                continue;
            }
            // Flip i: x_i changes by s (0→1 when s = +1), so each neighbour's field moves by s·w.
            self.sign[i] = -s;
            self.energy += d;
            let (cols, vals) = adj.row(i);
            for (j, w) in cols.iter().zip(vals) {
                self.field[*j as usize] += s * w;
            }
            log.push(i as u32);
            if self.energy < *best {
                *best = self.energy;
                best_len = Some(log.len());
            }
        }
        best_len
    }
}

impl SimulatedAnnealing {
    /// The β of each block of `num_sweeps_per_beta` sweeps, and the range used.
    fn betas(&self, qubo: &Qubo) -> Result<(Vec<f64>, (f64, f64))> {
        if self.num_sweeps_per_beta == 0 {
            return Err(Error::InvalidParameter {
                name: "num_sweeps_per_beta",
                reason: "must be at least 1".into(),
            });
        }
        match (self.beta_schedule_type, &self.beta_schedule) {
            (BetaScheduleType::Custom, Some(s)) => {
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
                if self.num_sweeps == 0 || self.num_sweeps % self.num_sweeps_per_beta != 0 {
                    return Err(Error::InvalidParameter {
                        name: "num_sweeps",
                        reason: format!(
                            "{} must be positive and divisible by num_sweeps_per_beta = {}",
                            self.num_sweeps, self.num_sweeps_per_beta
                        ),
                    });
                }
                let range = match self.beta_range {
                    Some(r) => r,
                    None => default_beta_range(qubo),
                };
                check_beta_range(range, kind)?;
                let num_betas = self.num_sweeps / self.num_sweeps_per_beta;
                Ok((beta_schedule(kind, range, num_betas), range))
            }
        }
    }

    /// One read: anneal from `x`, return the best state seen and the proposals made.
    fn read(
        &self,
        qubo: &Qubo,
        betas: &[f64],
        mut x: Vec<u8>,
        rng: &mut Xoshiro256PlusPlus,
        clock: &RunClock,
    ) -> (Vec<u8>, u64, Option<Termination>) {
        let n = qubo.num_vars();
        let mut acc = Acceptance::for_model(qubo);
        let mut w = Walker::new(qubo, &x);
        let mut best = w.energy;
        let mut best_sign = w.sign.clone();
        let mut log: Vec<u32> = Vec::with_capacity(n);
        let mut attempts = 0u64;
        let mut stop = None;
        'outer: for &beta in betas {
            acc.set_beta(beta);
            for _ in 0..self.num_sweeps_per_beta {
                log.clear();
                if let Some(k) = w.sweep(qubo, &acc, rng, &mut log, &mut best) {
                    // The best state is the current one with the flips after it undone.
                    best_sign.copy_from_slice(&w.sign);
                    for &i in &log[k..] {
                        best_sign[i as usize] = -best_sign[i as usize];
                    }
                }
                attempts += n as u64;
                if let Some(why) = clock.should_stop() {
                    stop = Some(why);
                    break 'outer;
                }
            }
        }
        x.copy_from_slice(&Walker::state(&best_sign));
        (x, attempts, stop)
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
        })
    }

    fn sample(&self, qubo: &Qubo, ctl: &RunControl) -> Result<SampleSet> {
        let mut fin = Finisher::new();
        let initial = self.initial_states.as_deref();
        check_initial_states(qubo, initial)?;
        let num_reads = resolve_num_reads(self.num_reads, initial, DEFAULT_NUM_READS)?;
        let (betas, range) = self.betas(qubo)?;
        let seed = ctl.resolve_seed();
        let n = qubo.num_vars();
        let clock = ctl.start(num_reads as u64);
        fin.sampling();
        let (tally, attempts, stop) = run_reads(num_reads, &clock, |r| {
            let mut rng = read_rng(seed, r as u64);
            let x = match initial.and_then(|s| s.get(r)) {
                Some(s) => s.clone(),
                None => {
                    let mut x = vec![0u8; n];
                    random_state(&mut rng, &mut x);
                    x
                }
            };
            let (best, attempts, stop) = self.read(qubo, &betas, x, &mut rng, &clock);
            clock.advance(1, Some(qubo.energy(&best)));
            (Some(best), attempts, stop)
        });
        let termination = stop.unwrap_or(Termination::Completed);
        if tally.is_empty() {
            return Err(clock.stopped_error(termination));
        }
        let mut info = Info::new(self.name(), self.params(), seed);
        info.params["num_reads"] = json!(num_reads);
        info.params["beta_range"] = json!([range.0, range.1]);
        info.params["num_sweeps"] = json!(betas.len() * self.num_sweeps_per_beta);
        info.counters.insert("reads".into(), tally.num_reads());
        info.counters.insert("spin_flip_attempts".into(), attempts);
        Ok(fin.finish(qubo, tally, info, termination))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::random_qubo;

    #[test]
    fn table_matches_exp() {
        let q = random_qubo(300, 0.1, true, 1);
        let mut acc = Acceptance::for_model(&q);
        assert!(acc.table_len > 0);
        for beta in [0.0, 0.01, 0.3, 2.0] {
            acc.set_beta(beta);
            for d in 1..=acc.table_len.min(100) {
                let want = (-beta * d as f64).exp();
                let got = acc.table[d] as f64 / TWO_POW_64;
                if beta * (d as f64) < CUTOFF_BETA_DELTA {
                    assert!((got - want).abs() <= 1e-12 * want.max(1e-300) + 1e-19, "{beta} {d}");
                }
            }
        }
        let real = random_qubo(50, 0.5, false, 1);
        assert_eq!(Acceptance::for_model(&real).table_len, 0);
    }

    #[test]
    fn acceptance_rate_is_metropolis() {
        // At β = ln 2 a move with Δ = 1 is accepted half the time, through both paths.
        use rand::SeedableRng;
        for integral in [true, false] {
            let q = random_qubo(200, 0.2, integral, 3);
            let mut acc = Acceptance::for_model(&q);
            acc.set_beta(std::f64::consts::LN_2);
            let mut rng = Xoshiro256PlusPlus::seed_from_u64(9);
            let trials = 200_000;
            let hits = (0..trials).filter(|_| acc.accept(1.0, &mut rng)).count();
            let rate = hits as f64 / trials as f64;
            assert!((rate - 0.5).abs() < 0.005, "rate {rate} (integral: {integral})");
        }
    }

    #[test]
    fn best_seen_is_at_least_as_good_as_final() {
        // A hot constant schedule: the final state is random, the best seen is much lower.
        let q = random_qubo(60, 0.3, true, 5);
        let hot = SimulatedAnnealing {
            num_reads: Some(4),
            num_sweeps: 50,
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
            num_sweeps: 10,
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
        assert!(bad(SimulatedAnnealing { num_sweeps: 10, num_sweeps_per_beta: 3, ..Default::default() }));
        assert!(bad(SimulatedAnnealing { beta_range: Some((0.0, 1.0)), ..Default::default() }));
        assert!(bad(SimulatedAnnealing { beta_range: Some((f64::NAN, 1.0)), ..Default::default() }));
        assert!(bad(SimulatedAnnealing { beta_schedule_type: BetaScheduleType::Custom, ..Default::default() }));
        assert!(bad(SimulatedAnnealing { beta_schedule: Some(vec![1.0]), ..Default::default() }));
        assert!(!bad(SimulatedAnnealing {
            beta_range: Some((0.0, 1.0)),
            beta_schedule_type: BetaScheduleType::Linear,
            num_sweeps: 10,
            ..Default::default()
        }));
    }
}
