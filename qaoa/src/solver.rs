//! `Qaoa`: QAOA on any [`Backend`] (the local statevector by default) as a quboflow
//! [`Solver`].

use std::sync::Arc;
use std::time::Instant;

use serde_json::json;

use quboflow::{Info, Qubo, RunControl, Sample, SampleSet, Solver, Termination};

use crate::angles::{self, InitStrategy};
use crate::ansatz::{Ansatz, AnsatzOptions};
use crate::backend::{Backend, Prepared, Statevector};
use crate::circuit::Circuit;
use crate::engine::Angles;
use crate::error::{Error, Result};
use crate::mixer::{InitialState, MixerKind};
use crate::optimize::{self, Objective, OptimizerKind};

/// Most layers a run may ask for: far beyond any useful depth, and it keeps the angle vectors
/// and circuits of a mistyped `p` (`1e9`) from exhausting memory.
pub const MAX_P: usize = 10_000;

/// QAOA with `p` layers on a [`Backend`]: choose initial angles, optimise ⟨C⟩, then draw
/// `num_reads` bitstrings from the final state.
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
#[derive(Debug, Clone)]
pub struct Qaoa {
    /// Number of layers, 1 to [`MAX_P`]. Default 1.
    pub p: usize,
    /// Mixer. Default X. The XY mixers take their one-hot / k-hot groups from the model's
    /// [`quboflow::Constraints`] (an encoded instance carries them).
    pub mixer: MixerKind,
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
    /// Where the optimisation starts (Qiskit's `initial_point`), replacing `init`'s rule.
    /// Default none.
    pub initial_point: Option<Angles>,
    /// Bitstrings drawn from the final state (shots). Default 1000.
    pub num_reads: usize,
    /// Where the circuits run. Default the local [`Statevector`] simulator (complex128).
    pub backend: Arc<dyn Backend>,
}

impl Default for Qaoa {
    fn default() -> Self {
        Qaoa {
            p: 1,
            mixer: MixerKind::X,
            trotter_steps: 1,
            initial_state: InitialState::Auto,
            init: InitStrategy::Auto,
            ramp_delta_t: 0.7,
            num_starts: 4,
            optimizer: OptimizerKind::Lbfgs,
            max_evals: 200,
            angles: None,
            initial_point: None,
            num_reads: 1000,
            backend: Arc::new(Statevector::default()),
        }
    }
}

/// What the angle optimisation found, and how.
#[derive(Debug, Clone, PartialEq)]
pub struct Optimised {
    /// The best angles.
    pub angles: Angles,
    /// ⟨C⟩ of every evaluation, in order.
    pub history: Vec<f64>,
    /// Evaluations of ⟨C⟩ (a gradient counts once).
    pub evaluations: usize,
    /// Of which gradient evaluations.
    pub gradient_evaluations: usize,
    /// The initial-angle strategy that ran (`auto` resolved, or `given`).
    pub init: &'static str,
    /// The guaranteed approximation ratio of tabulated fixed angles, when they were used.
    pub fixed_angle_ratio: Option<f64>,
    /// Why the optimisation stopped early, if it did.
    pub stopped: Option<Termination>,
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
    /// worst; for Max-Cut this is the usual ⟨cut⟩ / max cut. NaN (JSON null) where the
    /// backend does not know the cost range (remote and noisy backends).
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
    /// The exact probability of each returned row's bitstring in the final state, in the
    /// sample set's row order (backends that know probabilities only).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub probabilities: Option<Vec<f64>>,
    /// Standard error of `expectation` where it is estimated from shots (s/√N).
    pub expectation_std_error: Option<f64>,
    /// The backend's cost estimate, made before anything was submitted (remote backends).
    pub cost_estimate: Option<crate::remote::CostEstimate>,
    /// What the backend did (remote backends): jobs, circuits, shots, estimated cost, queue
    /// and execution time, requests and retries, and with a fallback where each evaluation ran.
    pub backend_usage: Option<serde_json::Value>,
}

impl Qaoa {
    /// The ansatz this solver runs on `qubo` (mixer groups from the model's constraints).
    pub fn ansatz(&self, qubo: &Qubo) -> Result<Ansatz> {
        Ansatz::new(
            qubo,
            &AnsatzOptions {
                mixer: self.mixer,
                trotter_steps: self.trotter_steps,
                initial_state: self.initial_state,
            },
        )
    }

    fn check(&self) -> Result<()> {
        if self.p == 0 || self.p > MAX_P {
            return Err(Error::InvalidParameter {
                name: "p",
                reason: format!("must be between 1 and {MAX_P}, not {}", self.p),
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
        if self.trotter_steps == 0 {
            return Err(Error::InvalidParameter {
                name: "trotter_steps",
                reason: "must be at least 1".into(),
            });
        }
        if self.init == InitStrategy::Random && self.num_starts == 0 {
            return Err(Error::InvalidParameter {
                name: "num_starts",
                reason: "random starts need at least one start".into(),
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
        let t0 = Instant::now();
        let seed = ctl.resolve_seed();
        let ansatz = self.ansatz(qubo)?;
        // Progress counts evaluations over every optimisation the strategy runs.
        let runs = match self.init {
            InitStrategy::Interp | InitStrategy::Fourier => self.p,
            InitStrategy::Random => self.num_starts.max(1),
            _ => 1,
        };
        let evaluations = if self.angles.is_some() {
            1
        } else {
            (self.max_evals.max(1) * runs) as u64
        };
        // A remote backend refuses here, before anything is submitted, when the estimate
        // exceeds its cost limit.
        let cost_estimate =
            self.backend
                .estimate_cost(&ansatz, self.p, evaluations, self.num_reads as u64)?;
        let mut prepared = self.backend.prepare(&ansatz)?;
        // An abort stops a simulation mid-call; a cancel waits for a local call and keeps the
        // best angles so far, and ends a remote wait (canceling the queued jobs).
        prepared.watch(ctl.abort_handle());
        prepared.stop_on(ctl.cancel_handle());
        prepared.set_seed(seed);
        if ctl.is_cancelled() {
            return Err(Error::Core(quboflow::Error::Cancelled));
        }
        if self.optimizer == OptimizerKind::Lbfgs && self.angles.is_none() && self.max_evals > 0 {
            // Say so before any work when the gradient cannot run here.
            prepared.gradient_support()?;
        }
        let pre_ns = t0.elapsed().as_nanos() as u64;
        let t1 = Instant::now();
        let clock = ctl.start((self.max_evals.max(1) * runs) as u64);
        let opt = self.optimise(prepared.as_ref(), qubo, &clock, seed)?;
        let angles = opt.angles.clone();
        let measured = prepared
            .sample(
                std::slice::from_ref(&angles),
                self.num_reads,
                quboflow::control::derive_seed(seed, 1),
            )?
            .pop()
            .ok_or(Error::InvalidParameter {
                name: "backend",
                reason: "returned no measurement".into(),
            })?;
        let n = qubo.num_vars();
        let rows: Vec<Sample> = measured
            .counts
            .iter()
            .map(|(bits, count)| Sample {
                energy: qubo.energy(bits),
                sample: bits.clone(),
                num_occurrences: *count,
            })
            .collect();
        let sampling_ns = t1.elapsed().as_nanos() as u64;
        let t2 = Instant::now();
        let mut set =
            SampleSet::from_rows(n, rows, Info::new("qaoa", serde_json::Value::Null, seed));
        let expectation = measured.expectation;
        let probability_of_best = set
            .first()
            .and_then(|best| {
                let k = measured
                    .counts
                    .iter()
                    .position(|(b, _)| *b == best.sample)?;
                match &measured.probabilities {
                    Some(p) => p.get(k).copied(),
                    // Estimated from the shots where the backend knows no probabilities.
                    None => Some(best.num_occurrences as f64 / self.num_reads as f64),
                }
            })
            .unwrap_or(0.0);
        let cost_range = measured.cost_range.unwrap_or([f64::NAN, f64::NAN]);
        let approximation_ratio = match measured.cost_range {
            Some([lo, hi]) if hi > lo => ((hi - expectation) / (hi - lo)).clamp(0.0, 1.0),
            Some(_) => 1.0,
            // A backend that knows only shots cannot say which states the state reaches.
            None => f64::NAN,
        };
        let circuit = Circuit::qaoa(&ansatz, &angles);
        let expectation_std_error = (!measured.exact).then(|| {
            let shots: u64 = set.samples.iter().map(|s| s.num_occurrences).sum();
            let mean = set
                .samples
                .iter()
                .map(|s| s.energy * s.num_occurrences as f64)
                .sum::<f64>()
                / shots.max(1) as f64;
            let var = set
                .samples
                .iter()
                .map(|s| (s.energy - mean).powi(2) * s.num_occurrences as f64)
                .sum::<f64>()
                / (shots.max(2) - 1) as f64;
            (var / shots.max(1) as f64).sqrt()
        });
        let report = QaoaReport {
            expectation_std_error,
            cost_estimate,
            backend_usage: prepared.usage(),
            p: angles.depth(),
            angles: angles.clone(),
            expectation,
            history: opt.history,
            evaluations: opt.evaluations,
            gradient_evaluations: opt.gradient_evaluations,
            init: opt.init.to_string(),
            fixed_angle_ratio: opt.fixed_angle_ratio,
            probability_of_best,
            cost_range,
            approximation_ratio,
            circuit: circuit.size_json(),
            kernel: prepared.describe(),
            layer_ms: measured.layer_ms.unwrap_or(f64::NAN),
            circuit_ir: circuit,
            probabilities: measured.probabilities.as_ref().map(|p| {
                let of: std::collections::HashMap<&[u8], f64> = measured
                    .counts
                    .iter()
                    .zip(p)
                    .map(|((bits, _), &q)| (bits.as_slice(), q))
                    .collect();
                set.samples
                    .iter()
                    .map(|s| of.get(s.sample.as_slice()).copied().unwrap_or(0.0))
                    .collect()
            }),
        };
        let mut info = Info::new("qaoa", self.params(), seed);
        info.extra = serde_json::to_value(&report).unwrap_or_default();
        info.termination = opt.stopped.unwrap_or(Termination::Completed);
        info.counters
            .insert("evaluations".into(), opt.evaluations as u64);
        info.counters.insert(
            "gradient_evaluations".into(),
            opt.gradient_evaluations as u64,
        );
        info.counters.insert("reads".into(), self.num_reads as u64);
        info.timing.preprocessing_ns = pre_ns;
        info.timing.sampling_ns = sampling_ns;
        info.timing.postprocessing_ns = t2.elapsed().as_nanos() as u64;
        set.info = info;
        Ok((set, report))
    }

    /// Chooses the initial angles and optimises ⟨C⟩ on `backend`.
    fn optimise(
        &self,
        backend: &dyn Prepared,
        qubo: &Qubo,
        clock: &quboflow::RunClock,
        seed: u64,
    ) -> Result<Optimised> {
        let w = angles::energy_scale(qubo);
        let one = |a: Angles| -> Result<f64> { first(backend.expectations(&[a])?) };
        let one_grad = |a: Angles| -> Result<(f64, Vec<f64>)> { first(backend.gradients(&[a])?) };
        let value = |x: &[f64]| -> Result<f64> { one(Angles::from_flat(x)?) };
        let values = |xs: &[Vec<f64>]| -> Result<Vec<f64>> {
            let batch: Vec<Angles> = xs
                .iter()
                .map(|x| Angles::from_flat(x))
                .collect::<Result<_>>()?;
            backend.expectations(&batch)
        };
        let values: optimize::BatchFn<'_> = &values;
        let gradient = |x: &[f64]| -> Result<(f64, Vec<f64>)> { one_grad(Angles::from_flat(x)?) };
        let mut history = Vec::new();
        let (mut evals, mut grads) = (0, 0);
        let mut stop = None;
        // One optimisation from `x0`; returns the best point.
        let mut run = |x0: Vec<f64>,
                       value: &dyn Fn(&[f64]) -> Result<f64>,
                       gradient: optimize::GradientFn<'_>,
                       stream: u64,
                       batched: bool,
                       known: Option<f64>|
         -> Result<(Vec<f64>, f64)> {
            // Points are batched only where they are the angles themselves (not Fourier's).
            let obj = Objective::new(value, gradient, clock, self.max_evals.max(1))
                .with_batch(batched.then_some(values));
            match known {
                // Evaluated already, in one batch with the other starting points.
                Some(f) => obj.prime(&x0, f),
                None => {
                    obj.eval(&x0);
                }
            }
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
            if best.0.is_empty()
                && let Some(e) = obj.error.borrow_mut().take()
            {
                // The first evaluation failed (a backend error): that is the answer.
                return Err(e);
            }
            if best.0.is_empty() {
                // Stopped before the first evaluation: nothing to sample from.
                let why = obj.stop.get().unwrap_or(Termination::Cancelled);
                return Err(Error::Core(clock.stopped_error(why)));
            }
            Ok(best)
        };

        if let Some(a) = &self.angles {
            return Ok(Optimised {
                angles: a.clone(),
                history: vec![one(a.clone())?],
                evaluations: 1,
                gradient_evaluations: 0,
                init: "given",
                fixed_angle_ratio: None,
                stopped: None,
            });
        }
        let p = self.p;
        let strategy = match self.init {
            InitStrategy::Auto if angles::fixed_angles(qubo, p).is_some() => InitStrategy::Fixed,
            InitStrategy::Auto => InitStrategy::Ramp,
            s => s,
        };
        let mut ratio = None;
        if let Some(a) = &self.initial_point {
            if a.depth() != p {
                return Err(Error::InvalidAngles(format!(
                    "initial_point has {} layers, but p = {p}",
                    a.depth()
                )));
            }
            let best = run(a.to_flat(), &value, &gradient, 0, true, None)?.0;
            return Ok(Optimised {
                angles: Angles::from_flat(&best)?,
                history,
                evaluations: evals,
                gradient_evaluations: grads,
                init: "initial_point",
                fixed_angle_ratio: None,
                stopped: stop,
            });
        }
        let best = match strategy {
            InitStrategy::Fixed => {
                let fixed = angles::fixed_angles(qubo, p).ok_or(Error::InvalidParameter {
                    name: "init",
                    reason: format!(
                        "fixed angles exist only for Max-Cut on regular graphs with tabulated (degree, p); this model is not one (or p = {p} is not tabulated)"
                    ),
                })?;
                ratio = Some(fixed.guaranteed_ratio);
                run(fixed.angles.to_flat(), &value, &gradient, 0, true, None)?.0
            }
            InitStrategy::Ramp | InitStrategy::Auto => {
                run(
                    angles::ramp(p, self.ramp_delta_t, w).to_flat(),
                    &value,
                    &gradient,
                    0,
                    true,
                    None,
                )?
                .0
            }
            InitStrategy::Random => {
                use rand::{RngExt, SeedableRng};
                let mut rng = rand::rngs::Xoshiro256PlusPlus::seed_from_u64(
                    quboflow::control::derive_seed(seed, 2),
                );
                let starts: Vec<Vec<f64>> = (0..self.num_starts.max(1))
                    .map(|_| {
                        Angles {
                            gamma: (0..p).map(|_| -rng.random_range(0.0..1.0) / w).collect(),
                            beta: (0..p)
                                .map(|_| rng.random_range(0.0..std::f64::consts::FRAC_PI_2))
                                .collect(),
                        }
                        .to_flat()
                    })
                    .collect();
                // Derivative-free optimisers start from a plain value: every starting point
                // is evaluated in one backend call (one round trip remotely). L-BFGS starts
                // from a gradient, so it evaluates its own.
                let known: Vec<Option<f64>> =
                    if self.optimizer != OptimizerKind::Lbfgs && clock.should_stop().is_none() {
                        values(&starts)?.into_iter().map(Some).collect()
                    } else {
                        vec![None; starts.len()]
                    };
                let mut best: (Vec<f64>, f64) = (Vec::new(), f64::INFINITY);
                for (start, (x0, f0)) in starts.into_iter().zip(known).enumerate() {
                    let r = match run(x0, &value, &gradient, start as u64, true, f0) {
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
                    x = match run(a.to_flat(), &value, &gradient, depth as u64, true, None) {
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
                        one(angles::fourier_angles(&z[..q], &z[q..], depth))
                    };
                    let fg = |z: &[f64]| -> Result<(f64, Vec<f64>)> {
                        let (e, g) = one_grad(angles::fourier_angles(&z[..q], &z[q..], depth))?;
                        Ok((e, angles::fourier_gradient(&g, q, depth)))
                    };
                    let z0: Vec<f64> = u.iter().chain(&v).copied().collect();
                    let z = match run(z0, &fv, &fg, depth as u64, false, None) {
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
        Ok(Optimised {
            angles: Angles::from_flat(&best)?,
            history,
            evaluations: evals,
            gradient_evaluations: grads,
            init: strategy.name(),
            fixed_angle_ratio: ratio,
            stopped: stop,
        })
    }
}

/// The one answer of a one-element batch.
fn first<T>(batch: Vec<T>) -> Result<T> {
    batch.into_iter().next().ok_or(Error::InvalidParameter {
        name: "backend",
        reason: "returned no result for an angle set".into(),
    })
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
            "initial_point": self.initial_point.as_ref().map(Angles::to_flat),
            "num_reads": self.num_reads,
            "backend": self.backend.name(),
            "backend_params": self.backend.params(),
        })
    }

    fn sample(&self, qubo: &Qubo, ctl: &RunControl) -> quboflow::Result<SampleSet> {
        if qubo.num_vars() == 0 {
            // No qubits: every shot measures the empty bitstring (dimod's samplers return
            // the empty sample for an empty model; nothing to optimise or simulate).
            let seed = ctl.resolve_seed();
            let row = Sample {
                sample: Vec::new(),
                energy: qubo.offset(),
                num_occurrences: self.num_reads.max(1) as u64,
            };
            return Ok(SampleSet::from_rows(
                0,
                vec![row],
                Info::new("qaoa", self.params(), seed),
            ));
        }
        Ok(self.run(qubo, ctl)?.0)
    }
}
