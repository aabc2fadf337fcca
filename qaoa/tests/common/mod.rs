//! Helpers shared by the QAOA integration tests: an engine from a model with the mixer, its
//! groups and the run options in one struct, as the tests set them up.
#![allow(dead_code)]

use quboflow::{Constraints, Qubo};
use quboflow_qaoa::{
    Ansatz, AnsatzOptions, Engine, EngineOptions, InitialState, MixerKind, Parallelism, Real,
};

/// Everything a test varies: the ansatz (mixer, groups, Trotter steps, start) and how the
/// engine runs.
#[derive(Debug, Clone, Default)]
pub(crate) struct Setup {
    pub(crate) mixer: MixerKind,
    pub(crate) constraints: Option<Constraints>,
    pub(crate) trotter_steps: usize,
    pub(crate) initial_state: InitialState,
    pub(crate) parallelism: Parallelism,
    pub(crate) low_memory_gradient: bool,
}

/// The ansatz of `q` under `s` (the groups attached to the model, as an encoder does).
pub(crate) fn ansatz(q: &Qubo, s: &Setup) -> quboflow_qaoa::Result<Ansatz> {
    let q = match &s.constraints {
        Some(c) => q.clone().with_constraints(c.clone())?,
        None => q.clone(),
    };
    Ansatz::new(
        &q,
        &AnsatzOptions {
            mixer: s.mixer,
            trotter_steps: s.trotter_steps,
            initial_state: s.initial_state,
        },
    )
}

/// The engine of `q` under `s`.
pub(crate) fn engine<F: Real>(q: &Qubo, s: &Setup) -> quboflow_qaoa::Result<Engine<F>> {
    Engine::with_options(
        &ansatz(q, s)?,
        &EngineOptions {
            parallelism: s.parallelism,
            low_memory_gradient: s.low_memory_gradient,
        },
    )
}
