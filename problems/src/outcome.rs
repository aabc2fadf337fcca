//! A run's samples in native terms, for `solve` and Python: one code path with the
//! comparison reports ([`quboflow::compare::assess`]).

use quboflow::SampleSet;
use quboflow::compare::{Assessment, Reference, assess, gap_percent};

use crate::encodings::Encoded;
use crate::error::{Result, invalid};
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
    /// `Ok` when reads of this model can be repaired: an encoded instance, not a plain QUBO
    /// file (a qbsolv, COO, JSON, bqp or Gset model has no native constraints to repair to).
    pub fn check_repair(&self) -> Result<()> {
        let plain_file = self
            .source
            .as_ref()
            .is_some_and(|s| !s.format.is_instance());
        if plain_file || self.decoder.as_plain().is_some() {
            return Err(invalid(
                "repair",
                "applies to instance files (TSPLIB, CVRPLIB, knapsack)",
            ));
        }
        Ok(())
    }

    /// Judges a run's samples: energies recomputed, every read decoded, the best feasible one
    /// compared with the reference the file's tables give.
    pub fn assess(&self, ss: &SampleSet, repair: bool) -> Result<Outcome> {
        if repair {
            self.check_repair()?;
        }
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
