//! Pieces shared by the classical solvers: initial states, per-read generators, result assembly.

use std::collections::HashMap;
use std::time::Instant;

use rayon::prelude::*;

use rand::rngs::Xoshiro256PlusPlus;
use rand::{Rng, SeedableRng};

use crate::control::RunClock;
use crate::control::derive_seed;
use crate::error::{Error, Result};
use crate::qubo::Qubo;
use crate::sampleset::{Info, Sample, SampleSet, Termination, Timing};

/// The generator of read `read` of a run with `seed`: independent of which thread runs it.
pub(crate) fn read_rng(seed: u64, read: u64) -> Xoshiro256PlusPlus {
    Xoshiro256PlusPlus::seed_from_u64(derive_seed(seed, read))
}

/// Fills `x` with uniformly random bits (64 per generator call).
pub(crate) fn random_state(rng: &mut Xoshiro256PlusPlus, x: &mut [u8]) {
    for chunk in x.chunks_mut(64) {
        let bits = rng.next_u64();
        for (k, b) in chunk.iter_mut().enumerate() {
            *b = ((bits >> k) & 1) as u8;
        }
    }
}

/// Number of reads given `num_reads` and the initial states (dimod's rule, without silent
/// truncation): `None` means one read per initial state, or `default` without any.
pub(crate) fn resolve_num_reads(
    num_reads: Option<usize>,
    initial: Option<&[Vec<u8>]>,
    default: usize,
) -> Result<usize> {
    let given = initial.map_or(0, <[_]>::len);
    let n = num_reads.unwrap_or(if given > 0 { given } else { default });
    if n == 0 {
        return Err(Error::InvalidParameter {
            name: "num_reads",
            reason: "must be at least 1".into(),
        });
    }
    if n < given {
        return Err(Error::InvalidParameter {
            name: "num_reads",
            reason: format!("{n} is fewer than the {given} initial states given"),
        });
    }
    Ok(n)
}

/// Checks every initial state against the model.
pub(crate) fn check_initial_states(qubo: &Qubo, initial: Option<&[Vec<u8>]>) -> Result<()> {
    for (k, s) in initial.unwrap_or(&[]).iter().enumerate() {
        qubo.check_sample(s).map_err(|e| Error::InvalidParameter {
            name: "initial_states",
            reason: format!("state {k}: {e}"),
        })?;
    }
    Ok(())
}

/// Relative threshold under which an energy change counts as zero: keeps descent from
/// cycling on rounding noise in incrementally updated local fields.
pub(crate) fn zero_tolerance(qubo: &Qubo) -> f64 {
    let lin = qubo
        .linear_range()
        .map_or(0.0, |(lo, hi)| lo.abs().max(hi.abs()));
    let quad = qubo
        .quadratic_range()
        .map_or(0.0, |(lo, hi)| lo.abs().max(hi.abs()));
    1e-12 * lin.max(quad).max(1.0)
}

/// Counts distinct states as reads finish, so memory grows with distinct results only.
#[derive(Default)]
pub(crate) struct Tally {
    index: HashMap<Vec<u8>, usize>,
    rows: Vec<(Vec<u8>, u64)>,
}

impl Tally {
    pub(crate) fn add(&mut self, state: Vec<u8>) {
        match self.index.get(&state) {
            Some(&k) => self.rows[k].1 += 1,
            None => {
                self.index.insert(state.clone(), self.rows.len());
                self.rows.push((state, 1));
            }
        }
    }

    pub(crate) fn is_empty(&self) -> bool {
        self.rows.is_empty()
    }

    pub(crate) fn num_reads(&self) -> u64 {
        self.rows.iter().map(|r| r.1).sum()
    }
}

/// Work units (reads, or groups of reads) processed per parallel batch: bounds memory
/// whatever `num_reads` is, and lets a stop take effect between batches.
const UNIT_BATCH: usize = 256;

/// One unit's outcome: its states, work done (flips or proposals), and a stop if one occurred.
pub(crate) type UnitOutcome = (Vec<Vec<u8>>, u64, Option<Termination>);

/// Runs `unit(u)` for `u in 0..num_units` in parallel batches, collecting in order, until
/// done or stopped. Results depend only on `unit`, never on the thread count.
pub(crate) fn run_units<F>(
    num_units: usize,
    clock: &RunClock,
    unit: F,
) -> (Tally, u64, Option<Termination>)
where
    F: Fn(usize) -> UnitOutcome + Sync,
{
    let mut tally = Tally::default();
    let mut work = 0u64;
    let mut start = 0usize;
    while start < num_units {
        if let Some(why) = clock.should_stop() {
            return (tally, work, Some(why));
        }
        let end = (start + UNIT_BATCH).min(num_units);
        let batch: Vec<UnitOutcome> = (start..end)
            .into_par_iter()
            .map(|u| match clock.should_stop() {
                Some(why) => (Vec::new(), 0, Some(why)),
                None => unit(u),
            })
            .collect();
        let mut stop = None;
        for (states, w, why) in batch {
            work += w;
            stop = stop.or(why);
            for s in states {
                tally.add(s);
            }
        }
        if stop.is_some() {
            return (tally, work, stop);
        }
        start = end;
    }
    (tally, work, None)
}

/// The start state of read `r`: the next initial state if there is one, else uniformly
/// random from the read's own generator.
pub(crate) fn start_state(
    initial: Option<&[Vec<u8>]>,
    r: usize,
    n: usize,
    rng: &mut Xoshiro256PlusPlus,
) -> Vec<u8> {
    match initial.and_then(|s| s.get(r)) {
        Some(s) => s.clone(),
        None => {
            let mut x = vec![0u8; n];
            random_state(rng, &mut x);
            x
        }
    }
}

/// Assembles a sample set: exact energies, aggregation, timings and termination.
pub(crate) struct Finisher {
    pub(crate) start: Instant,
    pub(crate) sampling_start: Instant,
}

impl Finisher {
    pub(crate) fn new() -> Self {
        let now = Instant::now();
        Finisher {
            start: now,
            sampling_start: now,
        }
    }

    /// Marks the end of preprocessing.
    pub(crate) fn sampling(&mut self) {
        self.sampling_start = Instant::now();
    }

    /// Ends a sampling run: the termination from `stop`, an error when the run stopped before
    /// any read finished, the `reads` counter, then [`Finisher::finish`].
    pub(crate) fn complete(
        self,
        qubo: &Qubo,
        tally: Tally,
        mut info: Info,
        stop: Option<Termination>,
        clock: &RunClock,
    ) -> crate::error::Result<SampleSet> {
        let termination = stop.unwrap_or(Termination::Completed);
        if tally.is_empty() {
            return Err(clock.stopped_error(termination));
        }
        info.counters.insert("reads".into(), tally.num_reads());
        Ok(self.finish(qubo, tally, info, termination))
    }

    /// Recomputes every energy from its state (so reported energies are exact, not the
    /// incrementally accumulated ones) and builds the sample set.
    pub(crate) fn finish(
        self,
        qubo: &Qubo,
        tally: Tally,
        mut info: Info,
        termination: Termination,
    ) -> SampleSet {
        let post = Instant::now();
        let rows = tally
            .rows
            .into_iter()
            .map(|(s, c)| Sample {
                energy: qubo.energy(&s),
                sample: s,
                num_occurrences: c,
            })
            .collect();
        info.termination = termination;
        let mut ss = SampleSet::from_rows(qubo.num_vars(), rows, info);
        ss.info.timing = Timing {
            preprocessing_ns: nanos(self.sampling_start - self.start),
            sampling_ns: nanos(post - self.sampling_start),
            postprocessing_ns: nanos(post.elapsed()),
        };
        ss
    }
}

fn nanos(d: std::time::Duration) -> u64 {
    u64::try_from(d.as_nanos()).unwrap_or(u64::MAX)
}

/// States kept in a tabu read's elite pool (restarts start from one of them).
pub(crate) const ELITE: usize = 8;

/// Adds a phase's best `(e, x)` to a tabu read's elite pool (distinct states, the best
/// [`ELITE`] kept) and to the read's best when it beats it by more than `tol`.
pub(crate) fn keep_elite(
    elite: &mut Vec<(f64, Vec<u8>)>,
    e: f64,
    x: Vec<u8>,
    best: &mut f64,
    best_x: &mut Vec<u8>,
    tol: f64,
) {
    if e < *best - tol {
        *best = e;
        best_x.clone_from(&x);
    }
    if elite.iter().any(|(_, y)| *y == x) {
        return;
    }
    elite.push((e, x));
    elite.sort_by(|a, b| a.0.total_cmp(&b.0).then_with(|| a.1.cmp(&b.1)));
    elite.truncate(ELITE);
}
