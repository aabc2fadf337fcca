//! Where an ansatz runs: the [`Backend`] trait and its first implementation, the local
//! statevector simulator.

use std::time::Instant;

use serde_json::json;

use crate::ansatz::Ansatz;
use crate::butterfly::isa;
use crate::cost::PhaseKind;
use crate::engine::{Angles, Engine, EngineOptions, Parallelism};
use crate::error::{Error, Result};
use crate::parity::Distribution;
use crate::real::{Precision, Real};

/// Something that runs QAOA circuits: a simulator or a QPU.
///
/// [`Backend::prepare`] binds it to one ansatz (a simulator builds its cost diagonal there,
/// once); the [`Prepared`] run then answers batches of angle sets, each batch one call (for a
/// remote QPU, one round trip).
pub trait Backend: Send + Sync + std::fmt::Debug {
    /// Short name for results (`"statevector"`).
    fn name(&self) -> &'static str;

    /// The backend's settings, recorded with every result.
    fn params(&self) -> serde_json::Value;

    /// Binds the backend to `ansatz`.
    fn prepare(&self, ansatz: &Ansatz) -> Result<Box<dyn Prepared>>;

    /// What `evaluations` optimisation circuits of depth `p` and a final sampling of
    /// `final_shots` shots will cost, before anything runs; an error when that exceeds the
    /// backend's cost limit. Default `None` (local backends are free).
    fn estimate_cost(
        &self,
        ansatz: &Ansatz,
        p: usize,
        evaluations: u64,
        final_shots: u64,
    ) -> Result<Option<crate::remote::CostEstimate>> {
        let _ = (ansatz, p, evaluations, final_shots);
        Ok(None)
    }
}

/// A backend bound to one ansatz.
pub trait Prepared {
    /// True when ⟨C⟩ and probabilities are exact (a simulator), false when they are
    /// estimated from shots.
    fn is_exact(&self) -> bool;

    /// ⟨C⟩ at each angle set (exact, or the mean energy of shots).
    fn expectations(&self, batch: &[Angles]) -> Result<Vec<f64>>;

    /// Stops calls in progress once `abort` is set, failing them with
    /// [`quboflow::Error::Cancelled`] ([`quboflow::RunControl::abort_flag`]). Default: calls
    /// run to their end (a backend whose calls are short needs nothing more).
    fn watch(&mut self, _abort: std::sync::Arc<std::sync::atomic::AtomicBool>) {}

    /// `Ok` when [`Prepared::gradients`] can run here; otherwise why not.
    fn gradient_support(&self) -> Result<()> {
        Err(Error::InvalidParameter {
            name: "optimizer",
            reason: "this backend gives no exact gradient".into(),
        })
    }

    /// ⟨C⟩ and its exact gradient (γ_1..γ_p, β_1..β_p) at each angle set.
    fn gradients(&self, _batch: &[Angles]) -> Result<Vec<(f64, Vec<f64>)>> {
        Err(self
            .gradient_support()
            .err()
            .unwrap_or(Error::InvalidParameter {
                name: "optimizer",
                reason: "this backend gives no exact gradient".into(),
            }))
    }

    /// `shots` bitstrings from the state at each angle set, with whatever exact figures the
    /// backend knows.
    fn sample(&self, batch: &[Angles], shots: usize, seed: u64) -> Result<Vec<Measurement>>;

    /// How it ran (kernel, precision, threading), for results.
    fn describe(&self) -> serde_json::Value;

    /// The whole output distribution at each angle set, for parity checks: exact where the
    /// backend knows it, else estimated from `shots` shots (drawn with `seed`).
    fn distributions(
        &self,
        batch: &[Angles],
        shots: usize,
        seed: u64,
    ) -> Result<Vec<Distribution>> {
        let _ = (batch, shots, seed);
        Err(Error::InvalidParameter {
            name: "backend",
            reason: "this backend gives no output distribution".into(),
        })
    }

    /// Stops waiting on remote work once `flag` is set (the run's cancel flag): a remote
    /// backend cancels its queued jobs and fails the call with
    /// [`quboflow::Error::Cancelled`]. Default: nothing (local calls are short).
    fn stop_on(&mut self, _flag: std::sync::Arc<std::sync::atomic::AtomicBool>) {}

    /// The run's seed, for whatever the backend draws (noise, a remote job's identity).
    /// Default: ignored (the simulator's draws take their seed per call).
    fn set_seed(&mut self, _seed: u64) {}

    /// What the calls so far cost and where they ran (remote backends), for reports.
    fn usage(&self) -> Option<serde_json::Value> {
        None
    }
}

/// Shots from one angle set, and what the backend knows exactly about that state.
#[derive(Debug, Clone, PartialEq)]
pub struct Measurement {
    /// Distinct bitstrings (bit k = variable k) with their counts, in first-seen order.
    pub counts: Vec<(Vec<u8>, u64)>,
    /// ⟨C⟩: exact when `exact`, else the mean energy of the shots.
    pub expectation: f64,
    /// Whether `expectation` and `probabilities` are exact.
    pub exact: bool,
    /// The probability of each counted bitstring in the state (exact backends only).
    pub probabilities: Option<Vec<f64>>,
    /// Lowest and highest cost over the basis states the state reaches (exact backends).
    pub cost_range: Option<[f64; 2]>,
    /// Milliseconds per layer preparing the state (simulators).
    pub layer_ms: Option<f64>,
}

/// The local statevector simulator ([`Engine`]) as a backend: exact ⟨C⟩, probabilities and
/// adjoint gradients.
///
/// ```
/// use quboflow::QuboBuilder;
/// use quboflow_qaoa::{Angles, Ansatz, Backend, Statevector};
/// let mut b = QuboBuilder::new(2);
/// b.add_linear(0, -1.0).add_linear(1, -1.0).add_quadratic(0, 1, 2.0); // one Max-Cut edge
/// let ansatz = Ansatz::new(&b.build()?, &Default::default())?;
/// let run = Statevector::default().prepare(&ansatz)?;
/// let batch = [
///     Angles { gamma: vec![-std::f64::consts::FRAC_PI_2], beta: vec![std::f64::consts::FRAC_PI_8] },
///     Angles { gamma: vec![0.0], beta: vec![0.0] },
/// ];
/// let e = run.expectations(&batch)?;
/// assert!((e[0] - -1.0).abs() < 1e-12 && (e[1] - -0.5).abs() < 1e-12);
/// let shots = run.sample(&batch[..1], 100, 7)?;
/// assert_eq!(shots[0].counts.iter().map(|c| c.1).sum::<u64>(), 100);
/// # Ok::<(), quboflow_qaoa::Error>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Statevector {
    /// Amplitude precision. Default complex128.
    pub precision: Precision,
    /// Threading. Default: parallel from [`crate::PARALLEL_THRESHOLD`] qubits.
    pub parallelism: Parallelism,
    /// Keep the adjoint gradient to two statevectors. Default `false` (checkpoints where
    /// they fit; see [`EngineOptions::low_memory_gradient`]).
    pub low_memory_gradient: bool,
}

impl Backend for Statevector {
    fn name(&self) -> &'static str {
        "statevector"
    }

    fn params(&self) -> serde_json::Value {
        json!({
            "precision": self.precision.name(),
            "low_memory_gradient": self.low_memory_gradient,
        })
    }

    fn prepare(&self, ansatz: &Ansatz) -> Result<Box<dyn Prepared>> {
        let options = EngineOptions {
            parallelism: self.parallelism,
            low_memory_gradient: self.low_memory_gradient,
        };
        Ok(match self.precision {
            Precision::Complex128 => Box::new(Simulation::<f64>::new(ansatz, &options)?),
            Precision::Complex64 => Box::new(Simulation::<f32>::new(ansatz, &options)?),
        })
    }
}

/// The statevector backend bound to an ansatz.
struct Simulation<F: Real> {
    engine: Engine<F>,
    n: usize,
}

impl<F: Real> Simulation<F> {
    fn new(ansatz: &Ansatz, options: &EngineOptions) -> Result<Self> {
        let engine = Engine::with_options(ansatz, options)?;
        // Preparing includes the memory: evaluations then time the simulation alone.
        engine.prefault();
        Ok(Simulation {
            engine,
            n: ansatz.num_qubits(),
        })
    }
}

impl<F: Real> Prepared for Simulation<F> {
    fn is_exact(&self) -> bool {
        true
    }

    fn watch(&mut self, abort: std::sync::Arc<std::sync::atomic::AtomicBool>) {
        self.engine.watch(abort);
    }

    fn expectations(&self, batch: &[Angles]) -> Result<Vec<f64>> {
        batch.iter().map(|a| self.engine.expectation(a)).collect()
    }

    fn gradient_support(&self) -> Result<()> {
        crate::memory::check_memory(self.n, F::PRECISION, 2).map_err(|e| match e {
            Error::OutOfMemory { .. } => Error::InvalidParameter {
                name: "optimizer",
                reason: format!(
                    "{e}; lbfgs uses the adjoint gradient, which keeps at least two statevectors (more, for speed, only where they fit): choose cobyla, nelder-mead or spsa (one statevector) or complex64"
                ),
            },
            e => e,
        })
    }

    fn gradients(&self, batch: &[Angles]) -> Result<Vec<(f64, Vec<f64>)>> {
        batch.iter().map(|a| self.engine.gradient(a)).collect()
    }

    fn sample(&self, batch: &[Angles], shots: usize, seed: u64) -> Result<Vec<Measurement>> {
        // The draws are sorted targets: 16 bytes a shot while sampling.
        quboflow::memory::check_allocation(
            || format!("drawing {shots} shots"),
            quboflow::memory::bytes(shots, 16),
        )?;
        let mut out = Vec::with_capacity(batch.len());
        for (k, angles) in batch.iter().enumerate() {
            let t = Instant::now();
            let state = self.engine.state(angles)?;
            let layer_ms = t.elapsed().as_secs_f64() * 1e3 / angles.depth() as f64;
            let expectation = self.engine.expectation_of(&state);
            let (lo, hi) = self.engine.cost_range_of(&state);
            let draws = state.sample(shots, quboflow::control::derive_seed(seed, k as u64));
            let tallied = crate::parity::tally(&draws);
            let probabilities = tallied.iter().map(|&(x, _)| state.probability(x)).collect();
            let counts = tallied
                .into_iter()
                .map(|(x, c)| ((0..self.n).map(|q| (x >> q & 1) as u8).collect(), c))
                .collect();
            out.push(Measurement {
                counts,
                expectation,
                exact: true,
                probabilities: Some(probabilities),
                cost_range: Some([lo, hi]),
                layer_ms: Some(layer_ms),
            });
        }
        Ok(out)
    }

    fn distributions(
        &self,
        batch: &[Angles],
        _shots: usize,
        _seed: u64,
    ) -> Result<Vec<Distribution>> {
        quboflow::memory::check_allocation(
            || format!("the {}-qubit output distribution", self.n),
            quboflow::memory::bytes(1usize << self.n, 8),
        )?;
        batch
            .iter()
            .map(|a| {
                let state = self.engine.state(a)?;
                Ok(Distribution {
                    probabilities: (0..1usize << self.n)
                        .map(|x| state.probability(x))
                        .collect(),
                    expectation: self.engine.expectation_of(&state),
                    std_error: 0.0,
                    shots: None,
                })
            })
            .collect()
    }

    fn describe(&self) -> serde_json::Value {
        json!({
            "backend": "statevector",
            "isa": isa().name(),
            "phase": match self.engine.cost_model().phase_kind() {
                PhaseKind::Table { levels, index_bytes } => format!("table ({levels} levels, u{})", 8 * index_bytes),
                PhaseKind::Factored => "factored".to_string(),
            },
            "parallel": self.engine.is_parallel(),
            "precision": F::PRECISION.name(),
        })
    }
}
