//! Solver results: samples with energies and counts, plus the information to reproduce them.

use std::collections::HashMap;

use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};
use crate::qubo::Qubo;

/// Version of the serialised [`SampleSet`] layout; bumped on any incompatible change.
pub const SAMPLESET_FORMAT_VERSION: u32 = 1;

/// The [`Info::counters`] key of reads that a per-read budget (tabu's `timeout`) ended
/// rather than the solver's own stopping rule: such reads depend on the machine's speed, so a
/// run with any is not expected to repeat bit for bit.
pub const TIMED_OUT_READS: &str = "reads_ended_by_timeout";

/// The library version recorded in every result.
pub const VERSION: &str = env!("CARGO_PKG_VERSION");

/// One distinct sample, its energy and how often it was returned.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Sample {
    /// The bitstring, one 0/1 entry per variable; serialised as a string of `0`/`1`.
    #[serde(with = "bits")]
    pub sample: Vec<u8>,
    /// `Qubo::energy` of the sample (offset included).
    pub energy: f64,
    /// How many reads returned this sample.
    pub num_occurrences: u64,
}

/// Why a run ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "snake_case")]
pub enum Termination {
    /// All the requested work was done.
    #[default]
    Completed,
    /// The time limit ended the run early; the samples are what was found until then.
    TimeLimit,
    /// The cancel flag ended the run early; the samples are what was found until then.
    Cancelled,
}

impl std::fmt::Display for Termination {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            Termination::Completed => "completed",
            Termination::TimeLimit => "stopped by the time limit",
            Termination::Cancelled => "cancelled",
        })
    }
}

/// Wall-clock timings in nanoseconds, in dimod's terms.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
pub struct Timing {
    /// Set-up before sampling (building tables, validating input).
    pub preprocessing_ns: u64,
    /// The sampling itself.
    pub sampling_ns: u64,
    /// Aggregating and sorting the results.
    pub postprocessing_ns: u64,
}

impl Timing {
    /// Sum of the three phases.
    pub fn total_ns(&self) -> u64 {
        self.preprocessing_ns + self.sampling_ns + self.postprocessing_ns
    }
}

/// How a result was produced: enough to reproduce and to compare it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Info {
    /// The solver's name (`"exact"`, `"descent"`, …).
    pub solver: String,
    /// Every solver parameter with its effective value (defaults filled in).
    pub params: serde_json::Value,
    /// The seed the run used (drawn and recorded when none was given).
    pub seed: u64,
    /// Timings.
    pub timing: Timing,
    /// Why the run ended.
    pub termination: Termination,
    /// Work counters (e.g. `"states"`, `"flips"`, `"reads"`), solver-specific.
    pub counters: std::collections::BTreeMap<String, u64>,
    /// The `quboflow` version that produced the result.
    pub version: String,
    /// Solver-specific results beyond the samples (QAOA: depth, angles, ⟨C⟩ history, circuit
    /// size). `null` for solvers that have none.
    #[serde(default, skip_serializing_if = "serde_json::Value::is_null")]
    pub extra: serde_json::Value,
}

impl Info {
    /// Info for `solver` with the given parameters and seed; everything else empty.
    pub fn new(solver: &str, params: serde_json::Value, seed: u64) -> Self {
        Info {
            solver: solver.to_string(),
            params,
            seed,
            timing: Timing::default(),
            termination: Termination::Completed,
            counters: Default::default(),
            version: VERSION.to_string(),
            extra: serde_json::Value::Null,
        }
    }
}

/// Distinct samples sorted by energy (ties by bitstring), with counts and [`Info`].
///
/// Serialises to JSON with a `format_version`, so a saved result can be read back by later
/// versions or refused clearly.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SampleSet {
    /// Layout version ([`SAMPLESET_FORMAT_VERSION`]).
    pub format_version: u32,
    /// Number of variables of every sample.
    pub num_vars: usize,
    /// Rows sorted by energy, lowest first.
    pub samples: Vec<Sample>,
    /// How the samples were produced.
    pub info: Info,
}

impl SampleSet {
    /// Aggregates `(sample, energy)` pairs: identical samples are merged and counted, rows are
    /// sorted by energy then bitstring, so the result does not depend on arrival order.
    pub fn from_samples(
        num_vars: usize,
        samples: impl IntoIterator<Item = (Vec<u8>, f64)>,
        info: Info,
    ) -> Self {
        let mut index: HashMap<Vec<u8>, usize> = HashMap::new();
        let mut rows: Vec<Sample> = Vec::new();
        for (s, e) in samples {
            debug_assert_eq!(s.len(), num_vars);
            match index.get(&s) {
                Some(&k) => rows[k].num_occurrences += 1,
                None => {
                    index.insert(s.clone(), rows.len());
                    rows.push(Sample {
                        sample: s,
                        energy: e,
                        num_occurrences: 1,
                    });
                }
            }
        }
        Self::from_rows(num_vars, rows, info)
    }

    /// Builds a sample set from distinct rows (counts already tallied), sorting them.
    pub fn from_rows(num_vars: usize, mut rows: Vec<Sample>, info: Info) -> Self {
        rows.sort_by(|a, b| {
            a.energy
                .total_cmp(&b.energy)
                .then_with(|| a.sample.cmp(&b.sample))
        });
        SampleSet {
            format_version: SAMPLESET_FORMAT_VERSION,
            num_vars,
            samples: rows,
            info,
        }
    }

    /// The lowest-energy sample, if any.
    pub fn first(&self) -> Option<&Sample> {
        self.samples.first()
    }

    /// Number of distinct samples.
    pub fn len(&self) -> usize {
        self.samples.len()
    }

    /// True when there are no samples.
    pub fn is_empty(&self) -> bool {
        self.samples.is_empty()
    }

    /// Total number of reads (sum of occurrences).
    pub fn num_reads(&self) -> u64 {
        self.samples.iter().map(|s| s.num_occurrences).sum()
    }

    /// Recomputes every energy from its sample and returns the largest absolute difference;
    /// an error if a sample does not fit the model.
    pub fn max_energy_error(&self, qubo: &Qubo) -> Result<f64> {
        let mut worst: f64 = 0.0;
        for s in &self.samples {
            qubo.check_sample(&s.sample)?;
            worst = worst.max((qubo.energy(&s.sample) - s.energy).abs());
        }
        Ok(worst)
    }

    /// The JSON form.
    pub fn to_json(&self) -> String {
        serde_json::to_string(self).unwrap_or_else(|e| format!("{{\"error\":\"{e}\"}}"))
    }

    /// Reads the JSON form, refusing other format versions.
    pub fn from_json(text: &str) -> Result<Self> {
        let s: SampleSet = serde_json::from_str(text).map_err(|e| Error::Parse {
            location: crate::error::Location {
                path: "<sampleset>".into(),
                line: e.line(),
                column: Some(e.column()),
            },
            message: e.to_string(),
        })?;
        if s.format_version != SAMPLESET_FORMAT_VERSION {
            return Err(Error::InvalidSample(format!(
                "sample set format version {} is not supported (this is {})",
                s.format_version, SAMPLESET_FORMAT_VERSION
            )));
        }
        Ok(s)
    }
}

/// Serde helper: `Vec<u8>` of 0/1 as a compact string of `'0'`/`'1'`.
mod bits {
    use serde::{Deserialize, Deserializer, Serializer, de::Error};

    pub(super) fn serialize<S: Serializer>(v: &[u8], s: S) -> Result<S::Ok, S::Error> {
        let text: String = v.iter().map(|&b| if b != 0 { '1' } else { '0' }).collect();
        s.serialize_str(&text)
    }

    pub(super) fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Vec<u8>, D::Error> {
        let text = String::deserialize(d)?;
        text.chars()
            .map(|c| match c {
                '0' => Ok(0),
                '1' => Ok(1),
                other => Err(D::Error::custom(format!(
                    "sample bit {other:?} is not 0 or 1"
                ))),
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn aggregates_and_sorts() {
        let info = Info::new("t", serde_json::json!({}), 1);
        let ss = SampleSet::from_samples(
            2,
            vec![(vec![1, 0], 2.0), (vec![0, 1], -1.0), (vec![1, 0], 2.0)],
            info,
        );
        assert_eq!(ss.len(), 2);
        assert_eq!(ss.num_reads(), 3);
        assert_eq!(ss.first().unwrap().sample, vec![0, 1]);
        assert_eq!(ss.samples[1].num_occurrences, 2);
    }

    #[test]
    fn json_round_trip_and_version_check() {
        let info = Info::new("t", serde_json::json!({"num_reads": 3}), 7);
        let ss = SampleSet::from_samples(3, vec![(vec![1, 0, 1], 0.5)], info);
        let text = ss.to_json();
        assert!(text.contains("\"101\""));
        assert_eq!(SampleSet::from_json(&text).unwrap(), ss);
        let bumped = text.replace("\"format_version\":1", "\"format_version\":99");
        assert!(SampleSet::from_json(&bumped).is_err());
        let bad = text.replace("\"101\"", "\"1x1\"");
        assert!(SampleSet::from_json(&bad).is_err());
    }
}
