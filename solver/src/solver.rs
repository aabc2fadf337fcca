//! The `Solver` trait every sampler implements.

use crate::control::RunControl;
use crate::error::Result;
use crate::qubo::Qubo;
use crate::sampleset::SampleSet;

/// A sampler of low-energy states of a [`Qubo`].
///
/// Implementations honour every field of [`RunControl`] (seed, time limit, cancel flag,
/// progress callback), return energies that equal `qubo.energy(sample)`, and give the same
/// `SampleSet` for the same seed whatever the number of threads. The conformance kit
/// (`quboflow::testing`, feature `testing`) checks all of this.
pub trait Solver: Send + Sync {
    /// Short name used in reports and on the command line (`"exact"`, `"descent"`).
    fn name(&self) -> &'static str;

    /// Every parameter with its effective value, as recorded in [`crate::Info::params`].
    fn params(&self) -> serde_json::Value;

    /// Samples low-energy states.
    ///
    /// When the time limit or the cancel flag ends the run early, the samples found so far are
    /// returned with [`crate::Termination`] set accordingly; if there are none, the error is
    /// [`crate::Error::TimeLimit`] or [`crate::Error::Cancelled`].
    fn sample(&self, qubo: &Qubo, ctl: &RunControl) -> Result<SampleSet>;
}
