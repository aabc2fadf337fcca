//! `Qaoa`: QAOA on the local statevector engine as a quboflow [`Solver`].

use std::time::Instant;

use serde_json::json;

use quboflow::{Constraints, Info, Qubo, RunControl, SampleSet, Solver, Termination};

use crate::angles::{self, InitStrategy};
use crate::butterfly::isa;
use crate::circuit::Circuit;
use crate::cost::PhaseKind;
use crate::engine::{Angles, Engine, EngineOptions, Parallelism};
use crate::error::{Error, Result};
use crate::mixer::{InitialState, MixerKind};
use crate::optimize::{self, Objective, OptimizerKind};
use crate::real::{Precision, Real};

/// QAOA with `p` layers on the statevector simulator: choose initial angles, optimise ⟨C⟩,
/// then draw `num_reads` bitstrings from the final state.
///
/// Convention: `|γ,β⟩ = Π_l e^{-iβ_l B} e^{-iγ_l C} |s⟩` with C the QUBO energy (offset
/// included), qubit j = variable j; see the crate documentation for Qiskit/QOKit angles.
///
/// ```
/// use quboflow::{QuboBuilder, RunControl, Solver};
/// use quboflow_qaoa::Qaoa;
/// // Max-Cut of a triangle: best cut 2, energy −2.
/// let mut b = QuboBuilder::new(3);
/// for (i, j) in [(0, 1), (1, 2), (0, 2)] {
///     b.add_quadratic(i, j, 2.0).add_linear(i, -1.0).add_linear(j, -1.0);
/// }
/// let qaoa = Qaoa { p: 2, num_reads: 200, ..Default::default() };
/// let result = qaoa.sample(&b.build()?, &RunControl::new().seed(3))?;
/// assert_eq!(result.first().unwrap().energy, -2.0);
/// assert!(result.info.extra["expectation"].as_f64().unwrap() < -1.5);
/// # Ok::<(), quboflow::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq)]
pub struct Qaoa {
    /// Number of layers. Default 1.
    pub p: usize,
    /// Mixer. Default X.
    pub mixer: MixerKind,
    /// One-hot / k-hot groups for the XY mixers. Default none.
    pub constraints: Option<Constraints>,
    /// Trotter steps per XY layer. Default 1.
    pub trotter_steps: usize,
    /// Start state. Default `Auto` (|+⟩ⁿ, or Dicke states for XY mixers).
    pub initial_state: InitialState,
    /// Initial angles. Default `Auto` (fixed angles for regular Max-Cut, else TQA ramp).
    pub init: InitStrategy,
    /// Δt of the TQA ramp. Default 0.7 (OpenQAOA's).
    pub ramp_delta_t: f64,
    /// Random starts for `InitStrategy::Random`. Default 4.
    pub num_starts: usize,
    /// Optimiser. Default L-BFGS with the adjoint gradient.
    pub optimizer: OptimizerKind,
    /// Evaluations of ⟨C⟩ allowed per optimisation (per depth for INTERP/FOURIER, per start
    /// for random starts); a gradient counts as one. 0 evaluates the initial angles only.
    /// Default 200.
    pub max_evals: usize,
    /// Angles to use as they are, without optimising (`γ_1..γ_p`, `β_1..β_p`). Default none.
    pub angles: Option<Angles>,
    /// Amplitude precision. Default complex128.
    pub precision: Precision,
    /// Bitstrings drawn from the final state (shots). Default 1000.
    pub num_reads: usize,
}

impl Default for Qaoa {
    fn default() -> Self {
        Qaoa {
            p: 1,
            mixer: MixerKind::X,
            constraints: None,
            trotter_steps: 1,
            initial_state: InitialState::Auto,
            init: InitStrategy::Auto,
            ramp_delta_t: 0.7,
            num_starts: 4,
            optimizer: OptimizerKind::Lbfgs,
            max_evals: 200,
            angles: None,
            precision: Precision::Complex128,
            num_reads: 1000,
        }
    }
}

/// Everything a QAOA run found besides the samples (also stored in `Info::extra`).
#[derive(Debug, Clone, serde::Serialize)]
pub struct QaoaReport {
    /// Depth.
    pub p: usize,
    /// Final angles.
    pub angles: Angles,
    /// ⟨C⟩ at the final angles.
    pub expectation: f64,
    /// ⟨C⟩ of every evaluation, in order.
    pub history: Vec<f64>,
    /// Evaluations of ⟨C⟩ (a gradient counts once).
    pub evaluations: usize,
    /// Of which gradient evaluations.
    pub gradient_evaluations: usize,
    /// The initial-angle strategy that ran (`auto` resolved).
    pub init: String,
    /// Guaranteed approximation ratio when fixed angles were used.
    pub fixed_angle_ratio: Option<f64>,
    /// Probability of the lowest-energy sampled bitstring in the final state.
    pub probability_of_best: f64,
    /// Lowest and highest cost over the states the final state reaches (the whole space for
    /// the X mixer, the feasible subspace for XY mixers): `[C_min, C_max]`.
    pub cost_range: [f64; 2],
    /// `(C_max − ⟨C⟩) / (C_max − C_min)`: 1 when all weight is on the ground states, 0 on the
    /// worst; for Max-Cut this is the usual ⟨cut⟩ / max cut.
    pub approximation_ratio: f64,
    /// Circuit size for hardware relevance.
    pub circuit: serde_json::Value,
    /// Which kernel path ran: instruction set, phase path, threading.
    pub kernel: serde_json::Value,
    /// Milliseconds per layer, from preparing the final state (start-state fill included).
    pub layer_ms: f64,
    /// The final circuit, for export (not serialised; `circuit` holds its size).
    #[serde(skip)]
    pub circuit_ir: Circuit,
}

impl Qaoa {
    fn engine_options(&self) -> EngineOptions {
        EngineOptions {
            mixer: self.mixer,
            constraints: self.constraints.clone(),
            trotter_steps: self.trotter_steps,
            initial_state: self.initial_state,
            parallelism: Parallelism::Auto,
            // Checkpoints when they fit; the gradient falls back to two states by itself.
            low_memory_gradient: false,
        }
    }

    fn check(&self) -> Result<()> {
        if self.p == 0 {
            return Err(Error::InvalidParameter {
                name: "p",
                reason: "must be at least 1".into(),
            });
        }
        if self.num_reads == 0 {
            return Err(Error::InvalidParameter {
                name: "num_reads",
                reason: "must be at least 1".into(),
            });
        }
        if !(self.ramp_delta_t.is_finite() && self.ramp_delta_t > 0.0) {
            return Err(Error::InvalidParameter {
                name: "ramp_delta_t",
                reason: "must be positive".into(),
            });
        }
        if let Some(a) = &self.angles {
            a.validate()?;
            if a.depth() != self.p {
                return Err(Error::InvalidAngles(format!(
                    "{} layers of angles for p = {}",
                    a.depth(),
                    self.p
                )));
            }
        }
        Ok(())
    }

    /// Runs QAOA and returns the samples and the report (the `Solver` impl wraps this).
    pub fn run(&self, qubo: &Qubo, ctl: &RunControl) -> Result<(SampleSet, QaoaReport)> {
        self.check()?;
        match self.precision {
            Precision::Complex128 => self.run_with::<f64>(qubo, ctl),
            Precision::Complex64 => self.run_with::<f32>(qubo, ctl),
        }
    }

    fn run_with<F: Real>(&self, qubo: &Qubo, ctl: &RunControl) -> Result<(SampleSet, QaoaReport)> {
        let t0 = Instant::now();
        let seed = ctl.resolve_seed();
        if self.optimizer == OptimizerKind::Lbfgs && self.angles.is_none() && self.max_evals > 0 {
            // Say so before any work: the gradient needs a second statevector. (When even one
            // does not fit, the plain out-of-memory error below says so.)
            crate::memory::check_memory(qubo.num_vars(), F::PRECISION, 1)?;
            crate::memory::check_memory(qubo.num_vars(), F::PRECISION, 2).map_err(|e| match e {
                Error::OutOfMemory { .. } => Error::InvalidParameter {
                    name: "optimizer",
                    reason: format!(
                        "{e}; lbfgs uses the adjoint gradient, which keeps at least two statevectors (more, for speed, only where they fit): choose cobyla, nelder-mead or spsa (one statevector) or complex64"
                    ),
                },
                e => e,
            })?;
        }
        let engine = Engine::<F>::new(qubo, &self.engine_options())?;
        let pre_ns = t0.elapsed().as_nanos() as u64;
        let t1 = Instant::now();
        // Progress counts evaluations over every optimisation the strategy runs.
        let runs = match self.init {
            InitStrategy::Interp | InitStrategy::Fourier => self.p,
            InitStrategy::Random => self.num_starts.max(1),
            _ => 1,
        };
        let clock = ctl.start((self.max_evals.max(1) * runs) as u64);
        let (angles, history, evals, grad_evals, init_used, ratio, stop) =
            self.optimise(&engine, qubo, &clock, seed)?;
        let t_state = Instant::now();
        let state = engine.state(&angles)?;
        let layer_ms = t_state.elapsed().as_secs_f64() * 1e3 / angles.depth() as f64;
        let expectation = engine.expectation_of(&state);
        let (c_min, c_max) = engine.cost_range_of(&state);
        let approximation_ratio = if c_max > c_min {
            ((c_max - expectation) / (c_max - c_min)).clamp(0.0, 1.0)
        } else {
            1.0
        };
        let draws = state.sample(self.num_reads, quboflow::control::derive_seed(seed, 1));
        let n = qubo.num_vars();
        let samples = draws.into_iter().map(|x| {
            let bits: Vec<u8> = (0..n).map(|k| (x >> k & 1) as u8).collect();
            let e = qubo.energy(&bits);
            (bits, e)
        });
        let sampling_ns = t1.elapsed().as_nanos() as u64;
        let t2 = Instant::now();
        let mut info = Info::new("qaoa", self.params(), seed);
        let mut set =
            SampleSet::from_samples(n, samples, Info::new("qaoa", serde_json::Value::Null, seed));
        let probability_of_best = set
            .first()
            .map(|s| {
                state.probability(
                    s.sample
                        .iter()
                        .enumerate()
                        .map(|(k, &b)| (b as usize) << k)
                        .sum(),
                )
            })
            .unwrap_or(0.0);
        let circuit = Circuit::qaoa(qubo, &engine, &angles);
        let kernel = json!({
            "isa": isa().name(),
            "phase": match engine.cost_model().phase_kind() {
                PhaseKind::Table { levels, index_bytes } => format!("table ({levels} levels, u{})", 8 * index_bytes),
                PhaseKind::Factored => "factored".to_string(),
            },
            "parallel": engine.is_parallel(),
            "precision": F::PRECISION.name(),
        });
        let report = QaoaReport {
            p: angles.depth(),
            angles: angles.clone(),
            expectation,
            history,
            evaluations: evals,
            gradient_evaluations: grad_evals,
            init: init_used.to_string(),
            fixed_angle_ratio: ratio,
            probability_of_best,
            cost_range: [c_min, c_max],
            approximation_ratio,
            circuit: circuit.size_json(),
            kernel,
            layer_ms,
            circuit_ir: circuit,
        };
        info.extra = serde_json::to_value(&report).unwrap_or_default();
        info.termination = stop.unwrap_or(Termination::Completed);
        info.counters.insert("evaluations".into(), evals as u64);
        info.counters
            .insert("gradient_evaluations".into(), grad_evals as u64);
        info.counters.insert("reads".into(), self.num_reads as u64);
        info.timing.preprocessing_ns = pre_ns;
        info.timing.sampling_ns = sampling_ns;
        info.timing.postprocessing_ns = t2.elapsed().as_nanos() as u64;
        set.info = info;
        Ok((set, report))
    }

    #[allow(clippy::type_complexity)]
    fn optimise<F: Real>(
        &self,
        engine: &Engine<F>,
        qubo: &Qubo,
        clock: &quboflow::RunClock,
        seed: u64,
    ) -> Result<(
        Angles,
        Vec<f64>,
        usize,
        usize,
        &'static str,
        Option<f64>,
        Option<Termination>,
    )> {
        let w = angles::energy_scale(qubo);
        let value = |x: &[f64]| -> Result<f64> { engine.expectation(&Angles::from_flat(x)?) };
        let gradient =
            |x: &[f64]| -> Result<(f64, Vec<f64>)> { engine.gradient(&Angles::from_flat(x)?) };
        let mut history = Vec::new();
        let (mut evals, mut grads) = (0, 0);
        let mut stop = None;
        // One optimisation from `x0`; returns the best point.
        let mut run = |x0: Vec<f64>,
                       value: &dyn Fn(&[f64]) -> Result<f64>,
                       gradient: &dyn Fn(&[f64]) -> Result<(f64, Vec<f64>)>,
                       stream: u64|
         -> Result<(Vec<f64>, f64)> {
            let obj = Objective::new(value, gradient, clock, self.max_evals.max(1));
            obj.eval(&x0);
            if self.max_evals > 0 {
                optimize::minimize(
                    &obj,
                    self.optimizer,
                    &x0,
                    quboflow::control::derive_seed(seed, 100 + stream),
                )?;
            }
            history.extend(obj.history.borrow().iter().copied());
            evals += obj.evals.get();
            grads += obj.grad_evals.get();
            if stop.is_none() {
                stop = obj.stop.get();
            }
            let best = obj.best.borrow().clone();
            if best.0.is_empty() {
                // Stopped before the first evaluation: nothing to sample from.
                let why = obj.stop.get().unwrap_or(Termination::Cancelled);
                return Err(Error::Core(clock.stopped_error(why)));
            }
            Ok(best)
        };

        if let Some(a) = &self.angles {
            return Ok((
                a.clone(),
                vec![engine.expectation(a)?],
                1,
                0,
                "given",
                None,
                None,
            ));
        }
        let p = self.p;
        let strategy = match self.init {
            InitStrategy::Auto if angles::fixed_angles(qubo, p).is_some() => InitStrategy::Fixed,
            InitStrategy::Auto => InitStrategy::Ramp,
            s => s,
        };
        let mut ratio = None;
        let best = match strategy {
            InitStrategy::Fixed => {
                let (a, r) = angles::fixed_angles(qubo, p).ok_or(Error::InvalidParameter {
                    name: "init",
                    reason: format!(
                        "fixed angles exist only for Max-Cut on regular graphs with tabulated (degree, p); this model is not one (or p = {p} is not tabulated)"
                    ),
                })?;
                ratio = Some(r);
                run(a.to_flat(), &value, &gradient, 0)?.0
            }
            InitStrategy::Ramp | InitStrategy::Auto => {
                run(
                    angles::ramp(p, self.ramp_delta_t, w).to_flat(),
                    &value,
                    &gradient,
                    0,
                )?
                .0
            }
            InitStrategy::Random => {
                use rand::{RngExt, SeedableRng};
                let mut rng = rand::rngs::Xoshiro256PlusPlus::seed_from_u64(
                    quboflow::control::derive_seed(seed, 2),
                );
                let mut best: (Vec<f64>, f64) = (Vec::new(), f64::INFINITY);
                for start in 0..self.num_starts.max(1) {
                    let a = Angles {
                        gamma: (0..p).map(|_| -rng.random_range(0.0..1.0) / w).collect(),
                        beta: (0..p)
                            .map(|_| rng.random_range(0.0..std::f64::consts::FRAC_PI_2))
                            .collect(),
                    };
                    let r = match run(a.to_flat(), &value, &gradient, start as u64) {
                        // Stopped before this start evaluated anything: keep the best so far.
                        Err(e) if is_stop(&e) && !best.0.is_empty() => break,
                        r => r?,
                    };
                    if r.1 < best.1 || best.0.is_empty() {
                        best = r;
                    }
                }
                best.0
            }
            InitStrategy::Interp => {
                let mut a = angles::ramp(1, self.ramp_delta_t, w);
                let mut x = Vec::new();
                for depth in 1..=p {
                    if depth > 1 {
                        a = angles::interp(&Angles::from_flat(&x)?);
                    }
                    x = match run(a.to_flat(), &value, &gradient, depth as u64) {
                        // Stopped before this depth evaluated anything: return the last depth.
                        Err(e) if is_stop(&e) && !x.is_empty() => break,
                        r => r?.0,
                    };
                }
                x
            }
            InitStrategy::Fourier => {
                let a1 = angles::ramp(1, self.ramp_delta_t, w);
                let s = (0.5f64 * 0.5 * std::f64::consts::PI).sin();
                let c = (0.5f64 * 0.5 * std::f64::consts::PI).cos();
                let (mut u, mut v) = (vec![a1.gamma[0] / s], vec![a1.beta[0] / c]);
                let mut x = Vec::new();
                for depth in 1..=p {
                    if depth > 1 {
                        u.push(0.0);
                        v.push(0.0);
                    }
                    let q = depth;
                    let fv = |z: &[f64]| -> Result<f64> {
                        engine.expectation(&angles::fourier_angles(&z[..q], &z[q..], depth))
                    };
                    let fg = |z: &[f64]| -> Result<(f64, Vec<f64>)> {
                        let (e, g) =
                            engine.gradient(&angles::fourier_angles(&z[..q], &z[q..], depth))?;
                        Ok((e, angles::fourier_gradient(&g, q, depth)))
                    };
                    let z0: Vec<f64> = u.iter().chain(&v).copied().collect();
                    let z = match run(z0, &fv, &fg, depth as u64) {
                        Err(e) if is_stop(&e) && !x.is_empty() => break,
                        r => r?.0,
                    };
                    u = z[..q].to_vec();
                    v = z[q..].to_vec();
                    x = angles::fourier_angles(&u, &v, depth).to_flat();
                }
                x
            }
        };
        let angles = Angles::from_flat(&best)?;
        Ok((angles, history, evals, grads, strategy.name(), ratio, stop))
    }
}

/// A run ended by the time limit or the cancel flag.
fn is_stop(e: &Error) -> bool {
    matches!(
        e,
        Error::Core(quboflow::Error::Cancelled | quboflow::Error::TimeLimit(_))
    )
}

impl Solver for Qaoa {
    fn name(&self) -> &'static str {
        "qaoa"
    }

    fn params(&self) -> serde_json::Value {
        json!({
            "p": self.p,
            "mixer": self.mixer.name(),
            "trotter_steps": self.trotter_steps,
            "initial_state": self.initial_state,
            "init": self.init.name(),
            "ramp_delta_t": self.ramp_delta_t,
            "num_starts": self.num_starts,
            "optimizer": self.optimizer.name(),
            "max_evals": self.max_evals,
            "angles": self.angles.as_ref().map(Angles::to_flat),
            "precision": self.precision.name(),
            "num_reads": self.num_reads,
            "constraints": self.constraints.as_ref().map(|c| c.groups().count()),
        })
    }

    fn sample(&self, qubo: &Qubo, ctl: &RunControl) -> quboflow::Result<SampleSet> {
        Ok(self.run(qubo, ctl)?.0)
    }
}
