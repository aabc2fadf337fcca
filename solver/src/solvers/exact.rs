//! Exhaustive enumeration in Gray-code order, returning the k lowest-energy states.

use std::cmp::Ordering;
use std::collections::BinaryHeap;

use rayon::prelude::*;
use serde_json::json;

use super::common::{Finisher, Tally};
use crate::control::{RunClock, RunControl};
use crate::error::{Error, Result};
use crate::qubo::Qubo;
use crate::sampleset::{Info, SampleSet, Termination};
use crate::solver::Solver;

/// Hard ceiling on `max_num_vars`: state indices are `u64` and 2⁶² states is beyond any
/// machine anyway.
pub const HARD_MAX_NUM_VARS: usize = 62;

/// Exact solver: enumerates all 2ⁿ states and returns the `num_states` lowest.
///
/// States are visited in Gray-code order, so each step flips one bit and updates the energy
/// from a local-field array in O(degree). The state space is split into 2ᵗ chunks by the
/// top `t` bits (`t` depends only on `n`), each enumerated by one rayon task; results are the
/// same whatever the thread count. Ties are broken by the state's index (bit `i` = variable
/// `i`), so the output is deterministic.
///
/// Throughput is about 10⁸–10⁹ states per second per core depending on density, so the
/// default limit of 30 variables (≈10⁹ states) finishes in seconds. Larger problems are
/// refused with [`Error::TooLarge`] unless `max_num_vars` is raised (up to
/// [`HARD_MAX_NUM_VARS`]); the time limit and cancel flag are honoured, and a run ended early
/// is flagged in `info.termination` (its states are then the best *seen*, not proven optimal).
///
/// ```
/// use quboflow::{QuboBuilder, RunControl, Solver, solvers::Exact};
/// let mut b = QuboBuilder::new(3);
/// b.add_linear(0, 1.0).add_quadratic(0, 1, -2.0).add_linear(1, 0.5).add_linear(2, -1.0);
/// let result = Exact { num_states: 2, ..Default::default() }.sample(&b.build()?, &RunControl::new())?;
/// assert_eq!(result.first().unwrap().sample, vec![1, 1, 1]);
/// assert_eq!(result.first().unwrap().energy, -1.5);
/// assert_eq!(result.len(), 2);
/// # Ok::<(), quboflow::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq)]
pub struct Exact {
    /// How many of the lowest-energy states to return. Default 10.
    pub num_states: usize,
    /// Largest problem accepted, in variables. Default 30 (≈10⁹ states).
    pub max_num_vars: usize,
}

impl Default for Exact {
    fn default() -> Self {
        Exact {
            num_states: 10,
            max_num_vars: 30,
        }
    }
}

/// Bits enumerated inside one chunk at most: 2²⁰ states ≈ a few ms, fine-grained enough for
/// progress, time limits and load balance.
const CHUNK_BITS: usize = 20;
/// Up to this many top bits are split off even for small n, for parallelism (2⁶ chunks).
const MIN_CHUNK_BITS_SPLIT: usize = 6;
/// Steps between clock checks and exact energy re-synchronisations.
const CHECK_EVERY: u64 = 1 << 14;

/// A candidate state: energy then index, so ties break deterministically.
#[derive(Clone, Copy, Debug)]
struct Cand {
    energy: f64,
    index: u64,
}

impl Ord for Cand {
    fn cmp(&self, other: &Cand) -> Ordering {
        self.energy
            .total_cmp(&other.energy)
            .then(self.index.cmp(&other.index))
    }
}

impl PartialOrd for Cand {
    fn partial_cmp(&self, other: &Cand) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl PartialEq for Cand {
    fn eq(&self, other: &Cand) -> bool {
        self.cmp(other) == Ordering::Equal
    }
}

impl Eq for Cand {}

impl Cand {}

/// The k best candidates: a max-heap whose top is the worst kept, so testing a state costs
/// one comparison and keeping it O(log k) (k may be large: `num_states` up to 2ⁿ).
struct TopK {
    k: usize,
    heap: BinaryHeap<Cand>,
    best: Option<f64>,
}

impl TopK {
    fn new(k: usize) -> Self {
        TopK {
            k,
            heap: BinaryHeap::new(),
            best: None,
        }
    }

    /// Energy a state must not exceed to be considered.
    #[inline]
    fn threshold(&self) -> f64 {
        match self.heap.peek() {
            Some(worst) if self.heap.len() >= self.k => worst.energy,
            _ => f64::INFINITY,
        }
    }

    fn offer(&mut self, c: Cand) {
        if self.heap.len() >= self.k {
            match self.heap.peek() {
                Some(worst) if c < *worst => {
                    self.heap.pop();
                }
                _ => return,
            }
        }
        self.best = Some(self.best.map_or(c.energy, |b| b.min(c.energy)));
        self.heap.push(c);
    }

    /// Both sets' best `k`.
    fn merge(mut self, other: TopK) -> TopK {
        for c in other.heap {
            self.offer(c);
        }
        self
    }
}

fn state_of(index: u64, n: usize) -> Vec<u8> {
    (0..n).map(|i| ((index >> i) & 1) as u8).collect()
}

impl Exact {
    fn check(&self, n: usize) -> Result<()> {
        if self.num_states == 0 {
            return Err(Error::InvalidParameter {
                name: "num_states",
                reason: "must be at least 1".into(),
            });
        }
        if self.max_num_vars > HARD_MAX_NUM_VARS {
            return Err(Error::InvalidParameter {
                name: "max_num_vars",
                reason: format!(
                    "{} is above the hard ceiling {HARD_MAX_NUM_VARS}",
                    self.max_num_vars
                ),
            });
        }
        if n > self.max_num_vars {
            return Err(Error::TooLarge {
                solver: "exact",
                num_vars: n,
                limit: self.max_num_vars,
                reason: "2^n states must be enumerated; raise max_num_vars to allow more",
            });
        }
        Ok(())
    }

    /// States kept: `num_states`, at most 2ⁿ.
    fn kept(&self, n: usize) -> usize {
        self.num_states.min(1usize << n.min(62))
    }

    /// Enumerates the chunk whose top bits are `chunk`, low `m` bits in Gray order.
    fn chunk(
        &self,
        qubo: &Qubo,
        chunk: u64,
        m: usize,
        clock: &RunClock,
    ) -> (TopK, Option<Termination>, u64) {
        let n = qubo.num_vars();
        let adj = qubo.adjacency();
        let mut top = TopK::new(self.kept(n));
        let mut x = state_of(chunk << m, n);
        let mut field: Vec<f64> = (0..n).map(|i| qubo.local_field(&x, i)).collect();
        let mut energy = qubo.energy(&x);
        let mut gray: u64 = 0;
        top.offer(Cand {
            energy,
            index: chunk << m,
        });
        let steps: u64 = (1u64 << m) - 1;
        let mut s: u64 = 1;
        while s <= steps {
            // Run up to the next check point without any branch but the top-k test.
            let stop = (s | (CHECK_EVERY - 1)).min(steps);
            while s <= stop {
                let i = s.trailing_zeros() as usize;
                let (cols, vals) = adj.row(i);
                let d = if x[i] == 0 {
                    energy += field[i];
                    x[i] = 1;
                    1.0
                } else {
                    energy -= field[i];
                    x[i] = 0;
                    -1.0
                };
                for (j, w) in cols.iter().zip(vals) {
                    field[*j as usize] += d * w;
                }
                gray ^= 1 << i;
                if energy <= top.threshold() {
                    top.offer(Cand {
                        energy,
                        index: (chunk << m) | gray,
                    });
                }
                s += 1;
            }
            // Re-synchronise: bounds the rounding drift of the running sum on real weights.
            energy = qubo.energy(&x);
            if let Some(why) = clock.should_stop() {
                return (top, Some(why), s - 1);
            }
        }
        (top, None, steps + 1)
    }
}

impl Solver for Exact {
    fn name(&self) -> &'static str {
        "exact"
    }

    fn params(&self) -> serde_json::Value {
        json!({ "num_states": self.num_states, "max_num_vars": self.max_num_vars })
    }

    fn sample(&self, qubo: &Qubo, ctl: &RunControl) -> Result<SampleSet> {
        let mut fin = Finisher::new();
        let n = qubo.num_vars();
        self.check(n)?;
        let seed = ctl.resolve_seed();
        // Top bits fixed per chunk: enough chunks to keep every core busy (up to 64 from
        // n = 16 on), each at most 2^CHUNK_BITS states. Depends on n only, never on threads.
        let t = n
            .saturating_sub(CHUNK_BITS)
            .max(n.saturating_sub(10).min(MIN_CHUNK_BITS_SPLIT));
        let m = n - t;
        let num_chunks: u64 = 1u64 << t;
        // The kept states: one heap per thread while enumerating, the merged one, and the
        // returned samples (n bytes and a tally entry each).
        let k = self.kept(n);
        let threads = rayon::current_num_threads();
        crate::memory::check_allocation(
            || format!("keeping the {k} lowest of 2^{n} states (num_states)"),
            crate::memory::bytes(k, 16 * (threads + 2) + 2 * n + 64),
        )?;
        let clock = ctl.start(num_chunks);
        fin.sampling();
        // Chunks merged as they finish (the heaps are ordered by energy then index, so the
        // result is the same whatever the order), so memory stays at a heap per thread.
        let (all, stop, states_seen) = (0..num_chunks)
            .into_par_iter()
            .map(|c| {
                if let Some(why) = clock.should_stop() {
                    return (TopK::new(k), Some(why), 0);
                }
                let r = self.chunk(qubo, c, m, &clock);
                clock.advance(1, r.0.best);
                r
            })
            .reduce(
                || (TopK::new(k), None, 0u64),
                |a, b| (a.0.merge(b.0), a.1.or(b.1), a.2 + b.2),
            );
        let termination = stop.unwrap_or(Termination::Completed);
        if all.heap.is_empty() {
            return Err(clock.stopped_error(termination));
        }
        let mut info = Info::new(self.name(), self.params(), seed);
        info.counters.insert("states".into(), states_seen);
        info.counters.insert("chunks".into(), num_chunks);
        let mut tally = Tally::default();
        for c in all.heap.into_sorted_vec() {
            tally.add(state_of(c.index, n));
        }
        Ok(fin.finish(qubo, tally, info, termination))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::QuboBuilder;

    #[test]
    fn refuses_large_problems_with_a_clear_error() {
        let q = QuboBuilder::new(31).build().unwrap();
        let e = Exact::default().sample(&q, &RunControl::new()).unwrap_err();
        assert!(
            matches!(
                e,
                Error::TooLarge {
                    num_vars: 31,
                    limit: 30,
                    ..
                }
            ),
            "{e}"
        );
        assert!(e.to_string().contains("max_num_vars"));
        let too_high = Exact {
            max_num_vars: 80,
            ..Default::default()
        };
        assert!(too_high.sample(&q, &RunControl::new()).is_err());
    }

    #[test]
    fn empty_model_has_one_state() {
        let q = QuboBuilder::new(0).build().unwrap().with_offset(2.5);
        let r = Exact::default().sample(&q, &RunControl::new()).unwrap();
        assert_eq!(r.len(), 1);
        assert_eq!(r.first().unwrap().energy, 2.5);
    }

    #[test]
    fn ties_are_broken_by_index() {
        // All four states have energy 0: the result lists them by index (bit 0 first).
        let q = QuboBuilder::new(2).build().unwrap();
        let r = Exact {
            num_states: 4,
            ..Default::default()
        }
        .sample(&q, &RunControl::new())
        .unwrap();
        let got: Vec<Vec<u8>> = r.samples.iter().map(|s| s.sample.clone()).collect();
        assert_eq!(got, vec![vec![0, 0], vec![0, 1], vec![1, 0], vec![1, 1]]);
    }
}
