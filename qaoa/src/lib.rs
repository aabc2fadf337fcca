//! Fast statevector QAOA for quboflow.
#![doc = "See the crate README for the angle convention."]

pub mod angles;
pub(crate) mod butterfly;
pub mod circuit;
pub mod cost;
pub mod engine;
pub mod error;
pub(crate) mod fixed_angles;
pub(crate) mod kernel;
pub mod memory;
pub mod mixer;
pub mod optimize;
pub mod real;
pub mod solver;
pub mod state;

pub use angles::InitStrategy;
pub use butterfly::{Isa, isa};
pub use circuit::{Circuit, Gate, TwoQubitStyle};
pub use cost::{CostModel, PhaseKind};
pub use engine::{Angles, Engine, EngineOptions, PARALLEL_THRESHOLD, Parallelism};
pub use error::{Error, Result};
pub use memory::{MAX_QUBITS, available_memory, check_memory, memory_for, memory_required};
pub use mixer::{InitialState, MixerKind};
pub use optimize::OptimizerKind;
pub use real::{Precision, Real};
pub use solver::{Qaoa, QaoaReport};
pub use state::StateVector;
