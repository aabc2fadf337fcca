//! Fast statevector QAOA for quboflow.
#![doc = "See the crate README for the angle convention."]

pub(crate) mod butterfly;
pub mod cost;
pub mod engine;
pub mod error;
pub(crate) mod kernel;
pub mod memory;
pub mod mixer;
pub mod real;
pub mod state;

pub use butterfly::{Isa, isa};
pub use cost::{CostModel, PhaseKind};
pub use engine::{Angles, Engine, EngineOptions, PARALLEL_THRESHOLD, Parallelism};
pub use error::{Error, Result};
pub use memory::{MAX_QUBITS, available_memory, check_memory, memory_for, memory_required};
pub use mixer::{InitialState, MixerKind};
pub use real::{Precision, Real};
pub use state::StateVector;
