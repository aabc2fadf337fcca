//! # quboflow-runtime
//!
//! What needs every solver at once: the registry that turns a solver name and a parameter map
//! (JSON values, as a command line, a Python call or a suite file gives them) into a
//! [`quboflow::Solver`], refusing any parameter the solver does not take; and the limits every
//! front end shares (threads, durations).
//!
//! ```
//! use quboflow_runtime::{SolverKind, build};
//! use serde_json::json;
//! let params = json!({"num_reads": 4, "num_sweeps": 100});
//! let sa = build(SolverKind::Sa, params.as_object().unwrap())?;
//! assert_eq!(sa.name(), "sa");
//! // A parameter of another solver is an error, never dropped.
//! let err = build(SolverKind::Sa, json!({"tenure": 5}).as_object().unwrap()).err().unwrap();
//! assert!(err.to_string().contains("tenure applies to tabu"));
//! # Ok::<(), quboflow_runtime::Error>(())
//! ```

mod backend;
mod error;
mod kind;
mod limits;
mod params;
pub mod suite;

pub use error::{Error, Result};
pub use kind::{SolverKind, parse_choice};
pub use limits::{MAX_SECONDS, MAX_THREADS, seconds, thread_pool, time_limit};
pub use params::{PARAMETERS, ParamSpec, Params, build, build_qaoa, check_applies};
