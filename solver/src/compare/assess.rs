//! One run's samples judged in native terms: every energy recomputed, every read decoded.
//!
//! The single code path behind `quboflow solve`'s summary and every row of a comparison:
//! feasible fraction, best feasible read and (with a reference) its gap.

use std::collections::BTreeMap;

use super::evaluate::{Evaluate, Evaluation, better};
use crate::error::{Error, Result};
use crate::qubo::Qubo;
use crate::sampleset::SampleSet;

/// The best raw-feasible read of a run.
#[derive(Debug, Clone, PartialEq)]
pub struct BestFeasible {
    /// Its native objective (tour length, cut weight, packed value, …).
    pub objective: f64,
    /// Its recomputed energy.
    pub energy: f64,
    /// The bitstring.
    pub sample: Vec<u8>,
}

/// What a run's samples are worth, every figure recomputed from the bitstrings.
///
/// ```
/// use quboflow::compare::assess;
/// use quboflow::{Objective, QuboBuilder, RunControl, Solver, solvers::Exact};
/// let mut b = QuboBuilder::new(2);
/// b.add_linear(0, -1.0).add_linear(1, -1.0).add_quadratic(0, 1, 2.0); // one Max-Cut edge
/// let q = b.build()?;
/// let ss = Exact::default().sample(&q, &RunControl::new().seed(1))?;
/// let a = assess(&q, &Objective::max_cut(), &ss, false)?;
/// assert_eq!(a.best_feasible.unwrap().objective, 1.0);
/// assert_eq!(a.feasible_fraction, 1.0);
/// # Ok::<(), quboflow::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq)]
pub struct Assessment {
    /// Reads (sum of occurrences).
    pub num_reads: u64,
    /// Lowest recomputed energy.
    pub best_energy: f64,
    /// Mean recomputed energy over all reads.
    pub mean_energy: f64,
    /// The lowest-energy sample (the first of the lowest, in the sample set's order).
    pub lowest_sample: Vec<u8>,
    /// Reads whose raw decode is feasible.
    pub feasible_reads: u64,
    /// `feasible_reads / num_reads`.
    pub feasible_fraction: f64,
    /// The raw-feasible read with the best native objective (`None`: none was feasible).
    pub best_feasible: Option<BestFeasible>,
    /// The encoding's repair of the lowest-energy sample, when asked for and possible
    /// (always reported as repaired, never mixed with raw results).
    pub repaired: Option<Evaluation>,
    /// Reads whose reported energy differs from the recomputed one.
    pub energy_mismatches: u64,
    /// Largest |reported − recomputed| energy (the largest finite f64 for a NaN or infinite
    /// claim, so reports stay valid JSON).
    pub max_energy_error: f64,
    /// Every distinct recomputed energy with its count, lowest first.
    pub energies: Vec<[f64; 2]>,
}

/// Judges the samples of one run of a solver on `qubo` by `evaluator`.
///
/// Errors ([`Error::SolverFailed`]-style text) when the set is empty or a sample does not fit
/// the model.
pub fn assess(
    qubo: &Qubo,
    evaluator: &dyn Evaluate,
    ss: &SampleSet,
    repair: bool,
) -> Result<Assessment> {
    let failed = |message: String| Error::SolverFailed {
        solver: "assessment",
        message,
    };
    if ss.is_empty() {
        return Err(failed("the solver returned no samples".into()));
    }
    let sense = evaluator.sense();
    let mut energies: BTreeMap<u64, (f64, u64)> = BTreeMap::new();
    let (mut reads, mut feasible, mut sum) = (0u64, 0u64, 0.0f64);
    let (mut mismatches, mut max_err) = (0u64, 0.0f64);
    let mut best: Option<(f64, f64, &[u8])> = None;
    let mut lowest: Option<(f64, &[u8])> = None;
    for s in &ss.samples {
        qubo.check_sample(&s.sample).map_err(|e| {
            failed(format!(
                "the solver returned a sample that does not fit the model: {e}"
            ))
        })?;
        let e = qubo.energy(&s.sample);
        let err = (s.energy - e).abs();
        // A NaN claim is a mismatch too.
        if err.is_nan() || err > 1e-9 * e.abs().max(1.0) {
            mismatches += s.num_occurrences;
            max_err = if err.is_finite() {
                max_err.max(err)
            } else {
                f64::MAX
            };
        }
        reads += s.num_occurrences;
        sum += e * s.num_occurrences as f64;
        let slot = energies.entry(sort_key(e)).or_insert((e, 0));
        slot.1 += s.num_occurrences;
        if lowest.is_none_or(|(l, _)| e < l) {
            lowest = Some((e, &s.sample));
        }
        let d = evaluator.evaluate(&s.sample, e);
        if d.feasible {
            feasible += s.num_occurrences;
            if let Some(o) = d.objective.filter(|o| o.is_finite())
                && best.is_none_or(|(b, _, _)| better(sense, o, b))
            {
                best = Some((o, e, &s.sample));
            }
        }
    }
    let (best_energy, lowest_sample) = lowest.ok_or_else(|| failed("no samples".into()))?;
    let repaired = if repair {
        evaluator.repair(lowest_sample)
    } else {
        None
    };
    Ok(Assessment {
        num_reads: reads,
        best_energy,
        mean_energy: sum / reads.max(1) as f64,
        lowest_sample: lowest_sample.to_vec(),
        feasible_reads: feasible,
        feasible_fraction: feasible as f64 / reads.max(1) as f64,
        best_feasible: best.map(|(objective, energy, x)| BestFeasible {
            objective,
            energy,
            sample: x.to_vec(),
        }),
        repaired,
        energy_mismatches: mismatches,
        max_energy_error: max_err,
        energies: energies.into_values().map(|(e, c)| [e, c as f64]).collect(),
    })
}

/// A key that sorts like the float (total order), for the energy histogram.
pub(crate) fn sort_key(e: f64) -> u64 {
    let b = e.to_bits();
    if b >> 63 == 1 { !b } else { b | (1 << 63) }
}
