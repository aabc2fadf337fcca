//! Multi-start steepest descent: greedy single-flip descent to a local minimum.

use serde_json::json;

use super::common::{
    Finisher, check_initial_states, read_rng, resolve_num_reads, run_units, start_state,
    zero_tolerance,
};
use crate::control::{RunClock, RunControl};
use crate::error::Result;
use crate::qubo::Qubo;
use crate::sampleset::{Info, SampleSet, Termination};
use crate::solver::Solver;

/// Steepest descent from many starts, like dwave-samplers' `SteepestDescentSolver`.
///
/// Each read starts from a random state (or the next of `initial_states`) and repeatedly
/// flips the variable whose flip lowers the energy most (ties: lowest index) until no flip
/// lowers it: a 1-flip local minimum. Reads run in parallel; read `r` draws from its own
/// generator seeded from `(seed, r)`, so results do not depend on the thread count.
///
/// Each step scans all `n` energy changes (O(n)) after an O(degree) update; good for the
/// post-processing and baseline role it has, not a competitive heuristic on its own.
///
/// ```
/// use quboflow::{QuboBuilder, RunControl, Solver, solvers::SteepestDescent};
/// let mut b = QuboBuilder::new(3);
/// b.add_linear(0, -1.0).add_linear(1, -1.0).add_quadratic(0, 1, 3.0).add_linear(2, 1.0);
/// let solver = SteepestDescent { num_reads: Some(20), ..Default::default() };
/// let result = solver.sample(&b.build()?, &RunControl::new().seed(7))?;
/// assert_eq!(result.first().unwrap().energy, -1.0);
/// assert_eq!(result.num_reads(), 20);
/// # Ok::<(), quboflow::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq, Default)]
pub struct SteepestDescent {
    /// Number of descents. Default: one per initial state, or 10 without initial states.
    pub num_reads: Option<usize>,
    /// Start states (0/1, one entry per variable), used in order for the first reads; the
    /// remaining reads start from uniformly random states. Default: none.
    pub initial_states: Option<Vec<Vec<u8>>>,
}

/// Reads run when `num_reads` is not set and no initial states are given.
pub const DEFAULT_NUM_READS: usize = 10;
/// Flips between clock checks within a descent.
const CHECK_EVERY: usize = 64;

/// Descends from `x` in place; returns the number of flips and whether the run must stop.
pub(crate) fn descend(
    qubo: &Qubo,
    x: &mut [u8],
    tol: f64,
    clock: &RunClock,
) -> (u64, Option<Termination>) {
    let n = x.len();
    let adj = qubo.adjacency();
    // delta[i]: energy change of flipping i, kept exact up to rounding by O(degree) updates.
    let mut delta: Vec<f64> = (0..n).map(|i| qubo.delta(x, i)).collect();
    let mut flips = 0u64;
    loop {
        let mut best = 0usize;
        let mut best_d = f64::INFINITY;
        for (i, &d) in delta.iter().enumerate() {
            if d < best_d {
                best_d = d;
                best = i;
            }
        }
        // `>=` also ends the descent on an empty model (best_d stays +inf).
        if best_d >= -tol {
            return (flips, None);
        }
        let i = best;
        // After flipping i, its own delta changes sign; each neighbour j's delta moves by
        // ±Q_ij depending on both bits.
        let si = if x[i] == 0 { 1.0 } else { -1.0 };
        x[i] ^= 1;
        delta[i] = -delta[i];
        let (cols, vals) = adj.row(i);
        for (j, w) in cols.iter().zip(vals) {
            let j = *j as usize;
            let sj = if x[j] == 0 { 1.0 } else { -1.0 };
            delta[j] += si * sj * w;
        }
        flips += 1;
        if flips as usize % CHECK_EVERY == 0
            && let Some(why) = clock.should_stop()
        {
            return (flips, Some(why));
        }
    }
}

impl Solver for SteepestDescent {
    fn name(&self) -> &'static str {
        "descent"
    }

    fn params(&self) -> serde_json::Value {
        json!({
            "num_reads": self.num_reads,
            "initial_states": self.initial_states.as_ref().map(Vec::len),
        })
    }

    fn sample(&self, qubo: &Qubo, ctl: &RunControl) -> Result<SampleSet> {
        let mut fin = Finisher::new();
        let initial = self.initial_states.as_deref();
        check_initial_states(qubo, initial)?;
        let num_reads = resolve_num_reads(self.num_reads, initial, DEFAULT_NUM_READS)?;
        let seed = ctl.resolve_seed();
        let n = qubo.num_vars();
        let tol = zero_tolerance(qubo);
        let clock = ctl.start(num_reads as u64);
        fin.sampling();
        let (tally, flips, stop) = run_units(num_reads, &clock, |r| {
            let mut x = start_state(initial, r, n, &mut read_rng(seed, r as u64));
            let (flips, stop) = descend(qubo, &mut x, tol, &clock);
            clock.advance(1, None);
            (vec![x], flips, stop)
        });
        let mut info = Info::new(self.name(), self.params(), seed);
        info.params["num_reads"] = json!(num_reads);
        info.counters.insert("flips".into(), flips);
        fin.complete(qubo, tally, info, stop, &clock)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::QuboBuilder;

    #[test]
    fn result_is_a_local_minimum() {
        let mut b = QuboBuilder::new(12);
        for i in 0..12 {
            b.add_linear(i, ((i * 7) % 5) as f64 - 2.0);
            for j in i + 1..12 {
                b.add_quadratic(i, j, (((i * 3 + j * 5) % 7) as f64) - 3.0);
            }
        }
        let q = b.build().unwrap();
        let r = SteepestDescent {
            num_reads: Some(16),
            ..Default::default()
        }
        .sample(&q, &RunControl::new().seed(3))
        .unwrap();
        for s in &r.samples {
            for i in 0..12 {
                assert!(q.delta(&s.sample, i) >= 0.0);
            }
        }
    }

    #[test]
    fn initial_states_are_used_and_checked() {
        // A model with a flat landscape: descent from a given state stays there.
        let q = QuboBuilder::new(3).build().unwrap();
        let s = SteepestDescent {
            num_reads: None,
            initial_states: Some(vec![vec![1, 0, 1]]),
        };
        let r = s.sample(&q, &RunControl::new()).unwrap();
        assert_eq!(r.samples[0].sample, vec![1, 0, 1]);
        let bad = SteepestDescent {
            num_reads: None,
            initial_states: Some(vec![vec![1, 0]]),
        };
        assert!(bad.sample(&q, &RunControl::new()).is_err());
        let too_few = SteepestDescent {
            num_reads: Some(1),
            initial_states: Some(vec![vec![1, 0, 1], vec![0, 0, 0]]),
        };
        assert!(too_few.sample(&q, &RunControl::new()).is_err());
    }
}
