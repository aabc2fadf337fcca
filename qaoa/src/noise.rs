//! Noise models of gate-based QPUs and their simulation by Monte-Carlo trajectories, so a
//! user can predict a QPU's outcome before paying for it.
//!
//! A [`NoiseModel`] is a Pauli channel after every gate (depolarising, as published
//! fidelities give it, plus optional dephasing) and a readout error; [`NoisySimulator`] is the
//! [`Backend`] that runs circuits under it, one gate at a time.

use std::sync::Arc;

use rand::rngs::Xoshiro256PlusPlus;
use rand::{Rng, RngExt, SeedableRng};
use rayon::prelude::*;
use serde::{Deserialize, Serialize};
use serde_json::json;

use crate::ansatz::Ansatz;
use crate::backend::{Backend, Measurement, Prepared};
use crate::circuit::{Circuit, Gate};
use crate::cost::CostModel;
use crate::engine::Angles;
use crate::error::{Error, Result};
use crate::gatesim::{GateState, Pauli};
use crate::parity::{Distribution, sample_indices};

/// A QPU's noise as a Pauli channel per gate and a readout error.
///
/// The JSON form (every field but `depolarizing_1q`/`depolarizing_2q` optional):
///
/// ```json
/// {"name": "aria-1", "date": "2026-10-01",
///  "depolarizing_1q": 0.0006, "depolarizing_2q": 0.0053,
///  "readout_error": 0.004, "dephasing": 0.0}
/// ```
///
/// `depolarizing_1q`/`_2q` are the λ of ρ → (1 − λ)ρ + λ·I/d after every one- and two-qubit
/// gate (Qiskit Aer's `depolarizing_error(λ, k)` takes the same λ); λ = d/(d − 1)·(1 − F) for
/// a published average gate fidelity F. `readout_error` flips each measured bit with that
/// probability; `readout_p01` / `readout_p10` (0 read as 1, 1 read as 0) override it when
/// published separately. `dephasing` is the probability of a Z error on each qubit a gate
/// touches, on top of the depolarising part.
///
/// ```
/// use quboflow_qaoa::NoiseModel;
/// let m = NoiseModel::from_json(r#"{"depolarizing_1q": 0.001, "depolarizing_2q": 0.01, "readout_error": 0.005}"#)?;
/// assert!((m.pauli_probability_2q() - 0.009375).abs() < 1e-15);
/// # Ok::<(), quboflow_qaoa::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NoiseModel {
    /// What it models. Default empty.
    #[serde(default)]
    pub name: String,
    /// When the figures were read (ISO date), if known.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub date: Option<String>,
    /// Depolarising λ after each one-qubit gate, 0 to 4/3.
    pub depolarizing_1q: f64,
    /// Depolarising λ after each two-qubit gate, 0 to 16/15.
    pub depolarizing_2q: f64,
    /// Symmetric readout flip probability. Default 0.
    #[serde(default)]
    pub readout_error: f64,
    /// Probability of reading a 0 as 1 (overrides `readout_error`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub readout_p01: Option<f64>,
    /// Probability of reading a 1 as 0 (overrides `readout_error`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub readout_p10: Option<f64>,
    /// Probability of an extra Z on each qubit a gate touches. Default 0.
    #[serde(default)]
    pub dephasing: f64,
}

impl NoiseModel {
    /// Reads and checks the JSON form.
    pub fn from_json(text: &str) -> Result<Self> {
        let m: NoiseModel = serde_json::from_str(text).map_err(|e| Error::InvalidParameter {
            name: "noise_model",
            reason: format!("line {}, column {}: {e}", e.line(), e.column()),
        })?;
        m.validate()?;
        Ok(m)
    }

    /// Reads a noise-model file.
    pub fn read(path: &std::path::Path) -> Result<Self> {
        let text = std::fs::read_to_string(path).map_err(|e| Error::InvalidParameter {
            name: "noise_model",
            reason: format!("{}: {e}", path.display()),
        })?;
        Self::from_json(&text).map_err(|e| match e {
            Error::InvalidParameter { reason, .. } => Error::InvalidParameter {
                name: "noise_model",
                reason: format!("{}: {reason}", path.display()),
            },
            e => e,
        })
    }

    /// The model of a backend characterization (IonQ's `GET /backends/{name}/characterizations`
    /// snapshot: `fidelity.1q.median`, `fidelity.2q.median`, `fidelity.spam.median`).
    pub fn from_characterization(c: &serde_json::Value) -> Result<Self> {
        let fid = |k: &str| -> Result<f64> {
            let v = c["fidelity"][k]["median"]
                .as_f64()
                .ok_or_else(|| Error::InvalidParameter {
                    name: "characterization",
                    reason: format!("no number at fidelity.{k}.median"),
                })?;
            // Some snapshots give percentages.
            let f = if v > 1.0 { v / 100.0 } else { v };
            if !(0.0..=1.0).contains(&f) {
                return Err(Error::InvalidParameter {
                    name: "characterization",
                    reason: format!("fidelity.{k}.median = {v} is not a fidelity"),
                });
            }
            Ok(f)
        };
        let m = NoiseModel {
            name: c["backend"].as_str().unwrap_or("").to_string(),
            date: c["date"].as_str().map(str::to_string),
            depolarizing_1q: 2.0 * (1.0 - fid("1q")?),
            depolarizing_2q: 4.0 / 3.0 * (1.0 - fid("2q")?),
            readout_error: 1.0 - fid("spam")?,
            readout_p01: None,
            readout_p10: None,
            dephasing: 0.0,
        };
        m.validate()?;
        Ok(m)
    }

    /// A built-in model of a QPU family (`aria-1`, `aria-2`, `forte-1`, `harmony`), from
    /// published median fidelities (see `../shared/reference/noise-parity-cost.md`); a live
    /// characterization, where the key allows, replaces it.
    pub fn named(name: &str) -> Option<Self> {
        // (1q, 2q, SPAM) median fidelities as published; dated so a reader knows their age.
        let (f1, f2, spam, date) = match name.trim_start_matches("qpu.") {
            "aria-1" | "aria-2" | "aria" => (0.9995, 0.995, 0.996, "2026-10"),
            "forte-1" | "forte" | "forte-enterprise-1" => (0.9998, 0.996, 0.997, "2026-10"),
            "harmony" => (0.9935, 0.9602, 0.995, "2023-09"),
            _ => return None,
        };
        Some(NoiseModel {
            name: name.to_string(),
            date: Some(date.to_string()),
            depolarizing_1q: 2.0 * (1.0 - f1),
            depolarizing_2q: 4.0 / 3.0 * (1.0 - f2),
            readout_error: 1.0 - spam,
            readout_p01: None,
            readout_p10: None,
            dephasing: 0.0,
        })
    }

    /// Checks every probability.
    pub fn validate(&self) -> Result<()> {
        let check = |name: &str, v: f64, max: f64| -> Result<()> {
            if v.is_finite() && (0.0..=max).contains(&v) {
                Ok(())
            } else {
                Err(Error::InvalidParameter {
                    name: "noise_model",
                    reason: format!("{name} = {v} must lie in [0, {max}]"),
                })
            }
        };
        check("depolarizing_1q", self.depolarizing_1q, 4.0 / 3.0)?;
        check("depolarizing_2q", self.depolarizing_2q, 16.0 / 15.0)?;
        check("readout_error", self.readout_error, 1.0)?;
        check("dephasing", self.dephasing, 1.0)?;
        if let Some(p) = self.readout_p01 {
            check("readout_p01", p, 1.0)?;
        }
        if let Some(p) = self.readout_p10 {
            check("readout_p10", p, 1.0)?;
        }
        Ok(())
    }

    /// Probability of a non-identity Pauli after a one-qubit gate, 3λ/4.
    pub fn pauli_probability_1q(&self) -> f64 {
        0.75 * self.depolarizing_1q
    }

    /// Probability of a non-identity Pauli pair after a two-qubit gate, 15λ/16.
    pub fn pauli_probability_2q(&self) -> f64 {
        0.9375 * self.depolarizing_2q
    }

    /// (P(read 1 | 0), P(read 0 | 1)).
    pub fn readout(&self) -> (f64, f64) {
        (
            self.readout_p01.unwrap_or(self.readout_error),
            self.readout_p10.unwrap_or(self.readout_error),
        )
    }

    /// The first-order circuit fidelity Π F_gates · F_readoutⁿ, for the quick predictor
    /// ⟨C⟩ ≈ F·⟨C⟩_ideal + (1 − F)·mean(C).
    pub fn circuit_fidelity(&self, circuit: &Circuit) -> f64 {
        let two = circuit.two_qubit_gates() as i32;
        let one = circuit.gates.len() as i32 - two;
        let (p01, p10) = self.readout();
        (1.0 - self.pauli_probability_1q()).powi(one)
            * (1.0 - self.pauli_probability_2q()).powi(two)
            * (1.0 - 0.5 * (p01 + p10)).powi(circuit.num_qubits as i32)
    }

    /// The first-order prediction of ⟨C⟩ under this noise from the ideal value at `angles`:
    /// `F·⟨C⟩_ideal + (1 − F)·mean(C)`, with F the [`circuit_fidelity`](Self::circuit_fidelity)
    /// and mean(C) the value of the fully mixed state (the Ising constant). It shows at a
    /// glance whether a QPU run at that depth can beat random guessing.
    pub fn predicted_expectation(&self, ansatz: &Ansatz, angles: &Angles, ideal: f64) -> f64 {
        let f = self.circuit_fidelity(&Circuit::qaoa(ansatz, angles));
        f * ideal + (1.0 - f) * ansatz.constant()
    }

    /// Applies the readout channel to a distribution over `n` bits, in place.
    pub(crate) fn apply_readout(&self, probs: &mut [f64], n: usize) {
        let (p01, p10) = self.readout();
        if p01 == 0.0 && p10 == 0.0 {
            return;
        }
        for q in 0..n {
            let m = 1usize << q;
            for x in 0..probs.len() {
                if x & m == 0 {
                    let (a, b) = (probs[x], probs[x | m]);
                    probs[x] = a * (1.0 - p01) + b * p10;
                    probs[x | m] = a * p01 + b * (1.0 - p10);
                }
            }
        }
    }

    /// One trajectory of `gates` from |0…0⟩: the state's probabilities before readout.
    pub(crate) fn trajectory(&self, n: usize, gates: &[Gate], seed: u64) -> Result<Vec<f64>> {
        let mut rng = Xoshiro256PlusPlus::seed_from_u64(seed);
        let mut s = GateState::zero(n)?;
        let (p1, p2) = (self.pauli_probability_1q(), self.pauli_probability_2q());
        const PAULIS: [Option<Pauli>; 4] = [None, Some(Pauli::X), Some(Pauli::Y), Some(Pauli::Z)];
        for &g in gates {
            s.apply(g);
            match g.qubits() {
                (q, None) => {
                    if p1 > 0.0 && rng.random::<f64>() < p1 {
                        s.pauli(
                            q,
                            PAULIS[1 + rng.random_range(0..3usize)].unwrap_or(Pauli::Z),
                        );
                    }
                    self.dephase(&mut s, &mut rng, q);
                }
                (a, Some(b)) => {
                    if p2 > 0.0 && rng.random::<f64>() < p2 {
                        // One of the 15 non-identity pairs, uniformly.
                        let k = 1 + rng.random_range(0..15usize);
                        if let Some(p) = PAULIS[k % 4] {
                            s.pauli(a, p);
                        }
                        if let Some(p) = PAULIS[k / 4] {
                            s.pauli(b, p);
                        }
                    }
                    self.dephase(&mut s, &mut rng, a);
                    self.dephase(&mut s, &mut rng, b);
                }
            }
        }
        let _ = s.num_qubits();
        Ok(s.probabilities())
    }

    /// The output distribution of `gates` averaged over `t` trajectories (readout included),
    /// and `score` of each trajectory's own distribution, in trajectory order.
    ///
    /// Trajectories run in parallel a block at a time and are added in trajectory order, so
    /// the result does not depend on the thread count, and only one block of 2ⁿ-entry
    /// distributions is held at once (holding all of them took t · 2ⁿ · 8 bytes: 2 GiB for
    /// 256 trajectories at n = 20).
    pub(crate) fn average_trajectories(
        &self,
        n: usize,
        gates: &[Gate],
        t: usize,
        seed: u64,
        score: &(dyn Fn(&[f64]) -> f64 + Sync),
    ) -> Result<(Vec<f64>, Vec<f64>)> {
        if n > crate::gatesim::MAX_GATE_QUBITS {
            return Err(Error::TooManyQubits {
                num_qubits: n,
                max: crate::gatesim::MAX_GATE_QUBITS,
            });
        }
        let t = t.max(1);
        let block = (2 * rayon::current_num_threads()).clamp(1, t);
        quboflow::memory::check_allocation(
            || format!("{block} noise trajectories on {n} qubits"),
            quboflow::memory::bytes(block + 2, 16usize << n),
        )?;
        let mut average = vec![0.0; 1usize << n];
        let mut scores = Vec::with_capacity(t);
        for first in (0..t).step_by(block) {
            let runs: Result<Vec<(Vec<f64>, f64)>> = (first..(first + block).min(t))
                .into_par_iter()
                .map(|k| {
                    let mut p =
                        self.trajectory(n, gates, quboflow::control::derive_seed(seed, k as u64))?;
                    self.apply_readout(&mut p, n);
                    let e = score(&p);
                    Ok((p, e))
                })
                .collect();
            for (p, e) in runs? {
                for (acc, v) in average.iter_mut().zip(p) {
                    *acc += v / t as f64;
                }
                scores.push(e);
            }
        }
        Ok((average, scores))
    }

    fn dephase(&self, s: &mut GateState, rng: &mut impl Rng, q: usize) {
        if self.dephasing > 0.0 && rng.random::<f64>() < self.dephasing {
            s.pauli(q, Pauli::Z);
        }
    }
}

/// QAOA under a [`NoiseModel`], simulated by Monte-Carlo trajectories on the gate-level
/// statevector: ⟨C⟩ is the mean over trajectories (each exact for its own error pattern,
/// readout included) with its standard error; shots come from the averaged distribution.
///
/// ```
/// use quboflow::QuboBuilder;
/// use quboflow_qaoa::{Angles, Ansatz, Backend, NoiseModel, NoisySimulator};
/// let mut b = QuboBuilder::new(2);
/// b.add_linear(0, -1.0).add_linear(1, -1.0).add_quadratic(0, 1, 2.0);
/// let ansatz = Ansatz::new(&b.build()?, &Default::default())?;
/// let noisy = NoisySimulator::new(NoiseModel::named("aria-1").unwrap());
/// let angles = Angles { gamma: vec![-std::f64::consts::FRAC_PI_2], beta: vec![std::f64::consts::FRAC_PI_8] };
/// let e = noisy.prepare(&ansatz)?.expectations(&[angles])?[0];
/// assert!(e > -1.0 && e < -0.9); // ideal −1, a little noise
/// # Ok::<(), quboflow_qaoa::Error>(())
/// ```
#[derive(Debug, Clone)]
pub struct NoisySimulator {
    /// The noise.
    pub model: Arc<NoiseModel>,
    /// Trajectories per angle set. Default 256.
    pub trajectories: usize,
    /// Seed of the error draws. Default 0 (each angle set derives its own stream).
    pub seed: u64,
}

impl NoisySimulator {
    /// 256 trajectories under `model`.
    pub fn new(model: NoiseModel) -> Self {
        NoisySimulator {
            model: Arc::new(model),
            trajectories: 256,
            seed: 0,
        }
    }
}

impl Backend for NoisySimulator {
    fn name(&self) -> &'static str {
        "noise"
    }

    fn params(&self) -> serde_json::Value {
        json!({"model": *self.model, "trajectories": self.trajectories, "seed": self.seed})
    }

    fn prepare(&self, ansatz: &Ansatz) -> Result<Box<dyn Prepared>> {
        if self.trajectories == 0 {
            return Err(Error::InvalidParameter {
                name: "trajectories",
                reason: "must be at least 1".into(),
            });
        }
        let n = ansatz.num_qubits();
        GateState::zero(n)?; // size and memory, before the costs
        let costs = CostModel::new(ansatz.qubo(), n >= crate::PARALLEL_THRESHOLD).diagonal();
        Ok(Box::new(NoisyRun {
            ansatz: ansatz.clone(),
            costs,
            sim: self.clone(),
            calls: std::sync::atomic::AtomicU64::new(0),
            shots: std::sync::atomic::AtomicU64::new(0),
        }))
    }
}

struct NoisyRun {
    ansatz: Ansatz,
    costs: Vec<f64>,
    sim: NoisySimulator,
    /// Each call draws fresh errors (a new stream), as repeated QPU runs would.
    calls: std::sync::atomic::AtomicU64,
    /// Shots drawn so far (final sampling).
    shots: std::sync::atomic::AtomicU64,
}

impl NoisyRun {
    fn distribution(&self, angles: &Angles, stream: u64) -> Result<Distribution> {
        let circuit = Circuit::qaoa(&self.ansatz, angles);
        if !circuit.preparation_included {
            return Err(Error::InvalidParameter {
                name: "backend",
                reason: "the noisy simulator runs gates, and this mixer's start state (Dicke) has no gate preparation here; use --initial-state basis".into(),
            });
        }
        let n = circuit.num_qubits;
        let seed = quboflow::control::derive_seed(self.sim.seed, stream);
        let t = self.sim.trajectories;
        let (probabilities, energies) =
            self.sim
                .model
                .average_trajectories(n, &circuit.gates, t, seed, &|p: &[f64]| {
                    p.iter().zip(&self.costs).map(|(a, c)| a * c).sum::<f64>()
                })?;
        let mean = energies.iter().sum::<f64>() / t as f64;
        let var = if t > 1 {
            energies.iter().map(|e| (e - mean).powi(2)).sum::<f64>() / (t - 1) as f64
        } else {
            0.0
        };
        Ok(Distribution {
            probabilities,
            expectation: mean,
            std_error: (var / t as f64).sqrt(),
            shots: None,
        })
    }
}

impl Prepared for NoisyRun {
    fn is_exact(&self) -> bool {
        false
    }

    fn set_seed(&mut self, seed: u64) {
        self.sim.seed = seed;
    }

    fn expectations(&self, batch: &[Angles]) -> Result<Vec<f64>> {
        let first = self
            .calls
            .fetch_add(batch.len() as u64, std::sync::atomic::Ordering::Relaxed);
        batch
            .iter()
            .enumerate()
            .map(|(k, a)| Ok(self.distribution(a, first + k as u64)?.expectation))
            .collect()
    }

    fn distributions(
        &self,
        batch: &[Angles],
        shots: usize,
        seed: u64,
    ) -> Result<Vec<Distribution>> {
        let _ = shots;
        batch
            .iter()
            .enumerate()
            .map(|(k, a)| self.distribution(a, quboflow::control::derive_seed(seed, k as u64)))
            .collect()
    }

    fn sample(&self, batch: &[Angles], shots: usize, seed: u64) -> Result<Vec<Measurement>> {
        let n = self.ansatz.num_qubits();
        self.shots.fetch_add(
            (shots * batch.len()) as u64,
            std::sync::atomic::Ordering::Relaxed,
        );
        batch
            .iter()
            .enumerate()
            .map(|(k, a)| {
                let d =
                    self.distribution(a, quboflow::control::derive_seed(seed, 1000 + k as u64))?;
                let draws = sample_indices(
                    &d.probabilities,
                    shots,
                    quboflow::control::derive_seed(seed, k as u64),
                )?;
                Ok(Measurement::from_draws(n, &draws, &self.costs))
            })
            .collect()
    }

    fn usage(&self) -> Option<serde_json::Value> {
        let name = if self.sim.model.name.is_empty() {
            "model"
        } else {
            &self.sim.model.name
        };
        let circuits = self.calls.load(std::sync::atomic::Ordering::Relaxed);
        Some(json!({
            "backend": format!("noise:{name}"),
            "jobs": 0,
            "circuits": circuits,
            "trajectories": circuits * self.sim.trajectories as u64,
            "shots": self.shots.load(std::sync::atomic::Ordering::Relaxed),
            "estimated_cost_usd": 0.0,
            "queue_ms": 0.0,
            "execution_ms": 0.0,
        }))
    }

    fn describe(&self) -> serde_json::Value {
        json!({
            "backend": "noise",
            "model": *self.sim.model,
            "trajectories": self.sim.trajectories,
        })
    }
}
