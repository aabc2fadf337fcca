//! Fast statevector QAOA for quboflow.
//!
//! # Convention
//!
//! For angles `(γ_1 … γ_p, β_1 … β_p)` the state is
//!
//! ```text
//! |γ,β⟩ = Π_{l=1..p} e^{-iβ_l B} e^{-iγ_l C} |+⟩ⁿ        (layer 1 applied first)
//! ```
//!
//! where `C|x⟩ = E(x)|x⟩` is the QUBO energy **with its offset**, so ⟨C⟩ compares directly with
//! classical energies, `B = Σ_j X_j`, and basis index bit `k` is qubit `k` is variable `k`
//! (little-endian, as Qiskit, QOKit, qulacs and IonQ). Bit 1 is `|1⟩`, Z = −1.
//!
//! quboflow **minimises** E. Published Max-Cut angles maximise the cut; since
//! `E = −cut + const`, table angles `(γ, β)` for the cut are `(−γ, β)` here.
//! `(γ, β) → (−γ, −β)` conjugates the state and changes no probability.
//!
//! | toolkit | its gates | its angles for quboflow's `(γ, β)` |
//! |---|---|---|
//! | QOKit (`fur`) | phase `e^{-i(γ_q/2)·diag}`, mixer `e^{-iβ_q X}` | `γ_q = 2γ`, `β_q = β` on the same diagonal; on QOKit's Max-Cut diagonal (= cut) `γ_q = −2γ` |
//! | Qiskit / OpenQASM | `RZ(θ)=e^{-iθZ/2}`, `RZZ(θ)=e^{-iθZZ/2}`, `RX(θ)=e^{-iθX/2}` | Ising `h_i Z_i` → `RZ(2γh_i)`, `J_ij Z_iZ_j` → `RZZ(2γJ_ij)`, mixer `RX(2β)`; a unit Max-Cut edge is `RZZ(γ)` |
//! | qulacs | rotations `e^{+iθP/2}` | `RX(−2β)`, Pauli-ZZ rotation `−2γJ_ij` |
//!
//! The peer harness (`benches/peers/run.sh qaoa-crosscheck`) evaluates one Max-Cut instance
//! at the same angles in quboflow, QOKit, qiskit-aer and qiskit-aer running quboflow's own
//! exported OpenQASM; all four agree to ~1e-14.
//!
//! # Pieces
//!
//! * [`Ansatz`]: the circuit family of one QUBO — Ising terms, mixer plan, start state — with
//!   no 2ⁿ data; [`Circuit::qaoa`] writes it out as gates at any size.
//! * [`Backend`]: where an ansatz runs, batches of angle sets per call; [`Statevector`] (the
//!   local [`Engine`]) is the first implementation.
//! * [`Engine`]: the simulator — cost diagonal ([`CostModel`], one streaming pass, phase
//!   lookup table for integer costs), X mixer in cache-resident blocks with the phase fused
//!   into the first sweep, XY ring/complete mixers on one-hot groups, exact adjoint gradient,
//!   memory checked before allocating ([`memory_required`]).
//! * [`Qaoa`]: the [`quboflow::Solver`], driving any [`Backend`] — initial angles
//!   ([`InitStrategy`]), optimisers ([`OptimizerKind`]), sampling, and a report in
//!   `Info::extra`.

//! * [`Circuit`]: the same circuit as gates, exported to OpenQASM 2 and 3.
//!
//! ```
//! use quboflow::{QuboBuilder, RunControl, Solver};
//! use quboflow_qaoa::{Angles, Ansatz, Engine, Qaoa};
//! let mut b = QuboBuilder::new(2);
//! b.add_linear(0, -1.0).add_linear(1, -1.0).add_quadratic(0, 1, 2.0); // one Max-Cut edge
//! let q = b.build()?;
//! let e = Engine::<f64>::new(&Ansatz::new(&q, &Default::default())?)?

//!     .expectation(&Angles { gamma: vec![-std::f64::consts::FRAC_PI_2], beta: vec![std::f64::consts::FRAC_PI_8] })?;
//! assert!((e - -1.0).abs() < 1e-12); // p = 1 cuts a single edge with certainty
//! let result = Qaoa { p: 1, ..Default::default() }.sample(&q, &RunControl::new().seed(1))?;
//! assert_eq!(result.first().unwrap().energy, -1.0);
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

mod adjoint;
pub mod angles;
mod ansatz;
mod backend;
pub(crate) mod butterfly;
pub mod circuit;
pub mod cost;
pub mod engine;
pub mod error;
mod fallback;
pub(crate) mod fixed_angles;
pub(crate) mod gamma;
mod gatesim;
pub(crate) mod kernel;
pub mod memory;
pub mod mixer;
mod noise;
pub mod optimize;
mod parity;
pub mod real;
mod remote;
pub mod solver;
pub mod state;
mod two_state;

pub use angles::{FixedAngles, InitStrategy};
pub use ansatz::{Ansatz, AnsatzOptions};
pub use backend::{Backend, Measurement, Prepared, Statevector};
pub use butterfly::{Isa, isa};
pub use circuit::{Circuit, Gate, TwoQubitStyle};
pub use cost::{CostModel, PhaseKind};
pub use engine::{Angles, Engine, EngineOptions, PARALLEL_THRESHOLD, Parallelism};
pub use error::{Error, Result};
pub use fallback::Fallback;
pub use gatesim::MAX_GATE_QUBITS;
pub use memory::{MAX_QUBITS, check_memory, memory_for, memory_required};
pub use mixer::{InitialState, MixerKind};
pub use noise::{NoiseModel, NoisySimulator};
pub use optimize::OptimizerKind;
pub use parity::{Distribution, ParityCheck, parity, shot_noise_bound, total_variation};
pub use real::{Precision, Real};
pub use remote::{
    ApiKey, ClientStats, Clock, CostEstimate, Emulator, EmulatorOptions, Fault, IONQ_URL, IonQ,
    ManualClock, Price, PriceTable, RetryPolicy, Route, SeenRequest, SystemClock,
};
pub use solver::{MAX_P, Optimised, Qaoa, QaoaReport};
pub use state::StateVector;
