//! # quboflow
//!
//! QUBO and Ising models, the file formats they come in, the [`Solver`] trait every sampler
//! implements, and the classical solvers quboflow holds QAOA results against.
//!
//! ```
//! use quboflow::prelude::*;
//! use quboflow::solvers::Exact;
//!
//! // Max-Cut of a triangle: the best cut has weight 2.
//! let text = "3 3\n1 2 1\n2 3 1\n1 3 1\n";
//! let model = quboflow::io::read_str(text, "triangle.gset".as_ref(), None, &Default::default())?;
//! let result = Exact::default().sample(&model.qubo, &RunControl::new().seed(1))?;
//! let best = result.first().expect("at least one state");
//! assert_eq!(model.objective.value(best.energy), 2.0);
//! assert_eq!(model.qubo.energy(&best.sample), best.energy);
//! # Ok::<(), quboflow::Error>(())
//! ```
//!
//! Conventions: a QUBO is minimised, `E(x) = offset + Σ h_i x_i + Σ_{i<j} Q_ij x_i x_j` with
//! `x ∈ {0,1}ⁿ`; the Ising form uses dimod's `s = 2x − 1`. Readers attach an [`Objective`] so
//! results can be reported in the file's own sense (cut weight, maximised value).

pub mod compare;
pub mod constraints;
pub mod control;
pub mod csr;
pub mod error;
pub mod io;
pub mod ising;
pub mod memory;
pub mod objective;
pub mod qubo;
pub mod report;
pub mod sampleset;
pub mod solver;
pub mod solvers;
#[cfg(feature = "testing")]
pub mod testing;

pub use constraints::{Capacity, Constraints, KHot, Permutation, Violation};
pub use control::{Progress, RunClock, RunControl};
pub use error::{Error, Location, Result};
pub use ising::Ising;
pub use objective::{Objective, Sense};
pub use qubo::{Qubo, QuboBuilder};
pub use sampleset::{Info, Sample, SampleSet, TIMED_OUT_READS, Termination, Timing, VERSION};
pub use solver::Solver;

/// The traits and types most programs need: `use quboflow::prelude::*;`.
pub mod prelude {
    pub use crate::control::RunControl;
    pub use crate::error::{Error, Result};
    pub use crate::objective::Objective;
    pub use crate::qubo::{Qubo, QuboBuilder};
    pub use crate::sampleset::SampleSet;
    pub use crate::solver::Solver;
}
