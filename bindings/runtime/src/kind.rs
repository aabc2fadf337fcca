//! The solvers quboflow can run, by name.

use std::fmt;
use std::str::FromStr;

/// A solver quboflow can run.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum SolverKind {
    /// Exhaustive enumeration (up to `max_num_vars` variables).
    Exact,
    /// Multi-start steepest descent.
    Descent,
    /// Simulated annealing (dwave-samplers' parameters and defaults).
    Sa,
    /// Parallel tempering (replica exchange).
    Pt,
    /// Multistart tabu search (Palubeckis MST2 family).
    Tabu,
    /// QAOA on the statevector simulator.
    Qaoa,
    /// Decomposition: outer tabu search, sub-problems solved by any of the others.
    Hybrid,
}

impl SolverKind {
    /// Every solver, in the order lists show them.
    pub const ALL: [SolverKind; 7] = [
        SolverKind::Exact,
        SolverKind::Descent,
        SolverKind::Sa,
        SolverKind::Pt,
        SolverKind::Tabu,
        SolverKind::Qaoa,
        SolverKind::Hybrid,
    ];

    /// The name on the command line, in reports and in Python.
    pub fn name(self) -> &'static str {
        match self {
            SolverKind::Exact => "exact",
            SolverKind::Descent => "descent",
            SolverKind::Sa => "sa",
            SolverKind::Pt => "pt",
            SolverKind::Tabu => "tabu",
            SolverKind::Qaoa => "qaoa",
            SolverKind::Hybrid => "hybrid",
        }
    }

    /// One line on what it is.
    pub fn describe(self) -> &'static str {
        match self {
            SolverKind::Exact => "exhaustive enumeration (up to --max-num-vars variables)",
            SolverKind::Descent => "multi-start steepest descent",
            SolverKind::Sa => "simulated annealing (dwave-samplers' parameters and defaults)",
            SolverKind::Pt => "parallel tempering (replica exchange)",
            SolverKind::Tabu => "multistart tabu search (Palubeckis MST2 family)",
            SolverKind::Qaoa => "QAOA on the statevector simulator",
            SolverKind::Hybrid => {
                "decomposition: outer tabu search, sub-problems by exact, QAOA, SA or tabu"
            }
        }
    }
}

impl fmt::Display for SolverKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

impl FromStr for SolverKind {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        let s = s.trim().to_ascii_lowercase();
        SolverKind::ALL
            .into_iter()
            .find(|k| k.name() == s)
            .ok_or_else(|| {
                let names: Vec<&str> = SolverKind::ALL.iter().map(|k| k.name()).collect();
                format!(
                    "unknown solver `{s}` (expected one of {})",
                    names.join(", ")
                )
            })
    }
}

/// Parses a solver entry as lists name them: `sa`, `qaoa`, or `qaoa@BACKEND` (QAOA on a
/// backend); the error lists the solvers.
///
/// ```
/// use quboflow_runtime::{SolverKind, parse_choice};
/// assert_eq!(parse_choice("qaoa@ionq:simulator"), Ok((SolverKind::Qaoa, Some("ionq:simulator".into()))));
/// assert!(parse_choice("sa@statevector").is_err() && parse_choice("anneal").is_err());
/// ```
pub fn parse_choice(s: &str) -> Result<(SolverKind, Option<String>), String> {
    let s = s.trim();
    let (name, backend) = match s.split_once('@') {
        Some((n, b)) => (n.trim(), Some(b.trim().to_string())),
        None => (s, None),
    };
    let kind: SolverKind = name.parse().map_err(|_| {
        let names: Vec<&str> = SolverKind::ALL.iter().map(|k| k.name()).collect();
        format!(
            "unknown solver `{name}` (one of {}; qaoa@BACKEND for QAOA on a backend)",
            names.join(", ")
        )
    })?;
    if backend.is_some() && kind != SolverKind::Qaoa {
        return Err(format!("`{s}`: only qaoa runs on a backend (qaoa@BACKEND)"));
    }
    if backend.as_deref() == Some("") {
        return Err(format!("`{s}`: name the backend after @"));
    }
    Ok((kind, backend))
}
