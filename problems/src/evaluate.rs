//! Encoded instances as [`quboflow::compare::Evaluate`]rs, so comparison reports speak in
//! tour lengths, route distances and packed values.

use quboflow::Sense;
use quboflow::compare::{Evaluate, Evaluation, Target};

use crate::encodings::{Encoded, EnergyMeaning};

impl Encoded {
    /// This model as a comparison target: its name, the file it came from, the encoding and
    /// the reference the file's tables give (replace `reference` to measure against another).
    pub fn target(&self) -> Target<'_> {
        let mut t = Target::new(self.name(), &self.qubo, self);
        t.path = self.source.as_ref().map(|s| s.path.display().to_string());
        t.encoding = (self.encoding != "none").then(|| self.encoding.to_string());
        t.reference = self.reference().cloned();
        t
    }
}

impl Evaluate for Encoded {
    fn problem(&self) -> String {
        self.decoder.problem().to_string()
    }

    fn objective_name(&self) -> String {
        self.decoder.objective_name().to_string()
    }

    fn sense(&self) -> Sense {
        self.decoder.sense()
    }

    fn evaluate(&self, sample: &[u8], _energy: f64) -> Evaluation {
        let d = self.decoder.decode(sample);
        Evaluation {
            objective: d.objective,
            feasible: d.feasible && d.objective.is_some(),
        }
    }

    fn repair(&self, sample: &[u8]) -> Option<Evaluation> {
        self.decoder.repair(sample).map(|d| Evaluation {
            objective: d.objective,
            feasible: d.feasible && d.objective.is_some(),
        })
    }

    fn energy_of(&self, objective: f64) -> Option<f64> {
        // Only exact encodings give a feasible state of this objective this energy.
        (self.energy_meaning == EnergyMeaning::Objective)
            .then(|| Encoded::energy_of(self, objective))
    }
}
