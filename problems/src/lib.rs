//! # quboflow-problems
//!
//! Logistics problems as QUBOs: read a TSPLIB, CVRPLIB or knapsack file, encode it with a
//! provably safe default penalty, solve the QUBO with any [`quboflow::Solver`], and decode
//! every bitstring back to a tour, routes or a packing with its native cost and the list of
//! violated constraints. Repair is separate and always flagged.
//!
//! ```
//! use quboflow::{RunControl, Solver, solvers::Exact};
//! use quboflow_problems::{Tsp, encodings::tsp};
//!
//! let d = vec![
//!     vec![0.0, 2.0, 9.0, 10.0],
//!     vec![2.0, 0.0, 6.0, 4.0],
//!     vec![9.0, 6.0, 0.0, 3.0],
//!     vec![10.0, 4.0, 3.0, 0.0],
//! ];
//! let inst = Tsp::from_matrix("four", d)?;
//! let enc = tsp::encode(&inst, &Default::default())?;   // 9 variables, city 0 fixed first
//! let best = Exact::default().sample(&enc.qubo, &RunControl::new().seed(1))?;
//! let sol = enc.decoder.decode(&best.first().unwrap().sample);
//! assert!(sol.feasible);
//! assert_eq!(sol.objective, Some(2.0 + 4.0 + 3.0 + 9.0));
//! assert_eq!(best.first().unwrap().energy, 18.0); // energy = tour length on feasible states
//! # Ok::<(), quboflow_problems::Error>(())
//! ```
//!
//! From a file, the whole pipeline is three calls — open (read, detect, encode), sample, assess
//! (energies recomputed, every read decoded, best feasible, reference and gap):
//!
//! ```
//! use quboflow::{RunControl, Solver, solvers::SimulatedAnnealing};
//! use quboflow_problems::{OpenOptions, open};
//!
//! let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../testdata/burma14_first5.tsp");
//! let enc = open(&path, &OpenOptions::default())?; // tsp-position, safe penalty, constraints attached
//! // The constraints travel with the model: SA moves inside the feasible tours by itself.
//! let ss = SimulatedAnnealing::default().sample(&enc.qubo, &RunControl::new().seed(1))?;
//! let out = enc.assess(&ss, false)?;
//! let best = out.best.as_ref().unwrap();
//! assert_eq!(best.objective, Some(2321.0));
//! assert_eq!(best.solution.labelled().to_string(), r#"{"tour":[1,5,4,3,2]}"#); // file labels
//! assert_eq!(out.gap_percent, Some(0.0)); // against testdata/subinstances_optimal.csv
//! assert_eq!(out.assessment.feasible_fraction, 1.0);
//! # Ok::<(), quboflow_problems::Error>(())
//! ```
//!
//! Conventions (`../shared/reference/encodings.md`): every encoding keeps its constant term,
//! so on a feasible state `qubo.energy(x)` equals the native objective (negated for
//! maximisation problems) exactly, unless [`Encoded::energy_meaning`] says otherwise.

mod baselines;
mod choice;
pub mod encodings;
pub mod error;
mod evaluate;
mod format;
pub mod generate;
pub mod instance;
mod open;
mod outcome;
mod picture;
mod plain;
mod plan;
pub mod pool;
pub mod readers;
pub mod reference;
pub mod solution;

pub use baselines::{Baseline, COMPARISON_BASELINE_LIMIT, baseline, comparison_baselines};
pub use choice::{Encoding, Penalty};
pub use encodings::{Encoded, EnergyMeaning};
pub use error::{Error, Result};
pub use format::{Detection, FileFormat, detect};
pub use instance::Instance;
pub use open::{Input, Loaded, OpenOptions, Source, open, parse, read};
pub use outcome::Outcome;
pub use plain::PlainDecoder;
pub use plan::plan_cost;
pub use readers::cvrplib::{Cvrp, CvrpSolution};
pub use readers::knapsack::Knapsack;
pub use readers::tsplib::Tsp;
pub use solution::{Decode, Decoded, Solution};
