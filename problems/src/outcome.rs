//! A run's samples in native terms, for `solve` and Python: one code path with the
//! comparison reports ([`quboflow::compare::assess`]).

use quboflow::SampleSet;
use quboflow::compare::{Assessment, Reference, assess, gap_percent};

use crate::encodings::Encoded;
use crate::error::Result;
use crate::solution::Decoded;

/// What a run found, decoded: the assessment (feasible fraction, best feasible read, energy
/// histogram) with the native solutions behind it and the gap to the known reference.
#[derive(Debug, Clone)]
pub struct Outcome {
    /// Every figure recomputed from the samples.
    pub assessment: Assessment,
    /// The decode of the best raw-feasible read, if any read was feasible.
    pub best: Option<Decoded>,
    /// The decode of the lowest-energy read (what to show when none was feasible).
    pub lowest: Decoded,
    /// The repair of the lowest-energy read, when asked for (flagged, never mixed with raw).
    pub repaired: Option<Decoded>,
    /// The known optimum or best-known value, if any.
    pub reference: Option<Reference>,
    /// Gap of the best feasible objective to the reference, in percent (positive = worse);
    /// `None` without a feasible read, a reference, or with a zero reference.
    pub gap_percent: Option<f64>,
}

impl Encoded {
    /// Judges a run's samples: energies recomputed, every read decoded, the best feasible one
    /// compared with the reference the file's tables give.
    pub fn assess(&self, ss: &SampleSet, repair: bool) -> Result<Outcome> {
        let assessment = assess(&self.qubo, self, ss, repair)?;
        let best = assessment
            .best_feasible
            .as_ref()
            .map(|b| self.decode(&b.sample));
        let lowest = self.decode(&assessment.lowest_sample);
        let repaired = if repair {
            self.decoder.repair(&assessment.lowest_sample)
        } else {
            None
        };
        let reference = self.reference().cloned();
        let gap_percent = match (&reference, &assessment.best_feasible) {
            (Some(r), Some(b)) => gap_percent(self.decoder.sense(), b.objective, r.value),
            _ => None,
        };
        Ok(Outcome {
            assessment,
            best,
            lowest,
            repaired,
            reference,
            gap_percent,
        })
    }
}
