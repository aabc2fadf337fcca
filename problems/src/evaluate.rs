//! Encoded instances as [`quboflow::compare::Evaluate`]rs, so comparison reports speak in
//! tour lengths, route distances and packed values.

use quboflow::Sense;
use quboflow::compare::{Evaluate, Evaluation, Reference, ReferenceKind, Target};

use crate::encodings::{Encoded, EnergyMeaning};
use crate::error::invalid;

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

    /// The reference gaps are measured against, by the user's `choice`: `None` — the known
    /// value when the data tables have one, else none (the best found, labelled so);
    /// `"optimum"` — a proven optimum, which must be known; `"best-known"` — the known value,
    /// which must exist; or a finite number (`source` says where it was given, for the report).
    ///
    /// ```
    /// use quboflow_problems::{Knapsack, Instance, Encoding, Penalty};
    /// let enc = Instance::Knapsack(Knapsack::new("k", vec![3.0], vec![1.0], 1.0)?)
    ///     .encode_with(Encoding::Auto, Penalty::Safe)?;
    /// assert_eq!(enc.choose_reference(Some("7.5"), "reference")?.unwrap().value, 7.5);
    /// assert!(enc.choose_reference(Some("optimum"), "reference").is_err());
    /// # Ok::<(), quboflow_problems::Error>(())
    /// ```
    pub fn choose_reference(
        &self,
        choice: Option<&str>,
        source: &str,
    ) -> crate::Result<Option<Reference>> {
        let known = self.reference().cloned();
        let describe = |k: &Option<Reference>| match k {
            Some(r) => format!("the tables have a {} of {}", r.kind.label(), r.value),
            None => "the data tables beside it have no value for it".to_string(),
        };
        let name = self
            .source
            .as_ref()
            .map_or_else(|| self.name().to_string(), |s| s.path.display().to_string());
        match choice.map(str::trim) {
            None => Ok(known),
            Some("optimum") => match known {
                Some(r) if r.kind == ReferenceKind::ProvenOptimum => Ok(Some(r)),
                other => Err(invalid(
                    "reference",
                    format!(
                        "{name}: {source} optimum needs a proven optimum, but {}",
                        describe(&other)
                    ),
                )),
            },
            Some("best-known") => match known {
                Some(r) => Ok(Some(r)),
                None => Err(invalid(
                    "reference",
                    format!("{name}: {source} best-known, but {}", describe(&None)),
                )),
            },
            Some(v) => match v.parse::<f64>() {
                Ok(x) if x.is_finite() => Ok(Some(Reference {
                    value: x,
                    kind: ReferenceKind::User,
                    source: source.to_string(),
                })),
                _ => Err(invalid(
                    "reference",
                    format!("{source} must be optimum, best-known or a finite number, not {v:?}"),
                )),
            },
        }
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

    fn picture(&self, sample: &[u8]) -> Option<quboflow::compare::Picture> {
        self.decoder.picture(&self.decoder.decode(sample))
    }

    fn energy_of(&self, objective: f64) -> Option<f64> {
        // Only exact encodings give a feasible state of this objective this energy.
        (self.energy_meaning == EnergyMeaning::Objective)
            .then(|| Encoded::energy_of(self, objective))
    }
}
