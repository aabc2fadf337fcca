//! Reading any supported instance file by extension.

use std::path::Path;

use crate::encodings::{Encoded, cvrp, knapsack, tsp};
use crate::error::{Result, invalid};
use crate::readers::cvrplib::Cvrp;
use crate::readers::knapsack::Knapsack;
use crate::readers::tsplib::Tsp;

/// Which reader a file needs.
enum Kind {
    Tsp,
    Cvrp,
    Knapsack,
}

/// `.tsp` → TSP, `.vrp` → CVRP; a Pisinger `.csv` (optionally `#name`), or a file under a
/// `knapsack` folder or named like the Ortega / Pisinger sets → knapsack.
fn kind(path: &Path) -> Option<Kind> {
    let s = path.to_string_lossy();
    let ext = path
        .extension()
        .map(|e| e.to_string_lossy().to_ascii_lowercase());
    match ext.as_deref() {
        Some("tsp") => Some(Kind::Tsp),
        Some("vrp") => Some(Kind::Cvrp),
        _ if ["knapsack", "_kp_", "knapPI", ".csv"]
            .iter()
            .any(|k| s.contains(k)) =>
        {
            Some(Kind::Knapsack)
        }
        _ => None,
    }
}

/// A native instance of one of the file-backed problems.
#[derive(Debug, Clone)]
pub enum Instance {
    /// TSPLIB `.tsp`.
    Tsp(Tsp),
    /// CVRPLIB `.vrp`.
    Cvrp(Cvrp),
    /// A knapsack file.
    Knapsack(Knapsack),
}

impl Instance {
    /// Reads `path`: `.tsp` → TSP, `.vrp` → CVRP, anything under a `knapsack` folder, a
    /// Pisinger `.csv` (`file.csv#name` picks an instance) or an Ortega file → knapsack.
    pub fn read(path: &Path) -> Result<Self> {
        match kind(path) {
            Some(Kind::Tsp) => Ok(Instance::Tsp(Tsp::read(path)?)),
            Some(Kind::Cvrp) => Ok(Instance::Cvrp(Cvrp::read(path)?)),
            Some(Kind::Knapsack) => Ok(Instance::Knapsack(Knapsack::read(path)?)),
            None => Err(invalid(
                "instance file",
                format!(
                    "{}: unknown problem type (expected .tsp, .vrp or a knapsack file)",
                    path.display()
                ),
            )),
        }
    }

    /// True when `path` looks like a file [`Instance::read`] handles.
    pub fn recognises(path: &Path) -> bool {
        kind(path).is_some()
    }

    /// Instance name.
    pub fn name(&self) -> &str {
        match self {
            Instance::Tsp(t) => &t.name,
            Instance::Cvrp(c) => &c.name,
            Instance::Knapsack(k) => &k.name,
        }
    }

    /// The problem ("tsp", "cvrp", "knapsack").
    pub fn problem(&self) -> &'static str {
        match self {
            Instance::Tsp(_) => "tsp",
            Instance::Cvrp(_) => "cvrp",
            Instance::Knapsack(_) => "knapsack",
        }
    }

    /// Encodes with the default encoding of the problem and an optional penalty.
    pub fn encode(&self, penalty: Option<f64>) -> Result<Encoded> {
        match self {
            Instance::Tsp(t) => tsp::encode(t, &tsp::TspOptions { penalty }),
            Instance::Cvrp(c) => cvrp::encode(
                c,
                &cvrp::CvrpOptions {
                    penalty,
                    ..Default::default()
                },
            ),
            Instance::Knapsack(k) => knapsack::encode(
                k,
                &knapsack::KnapsackOptions {
                    penalty,
                    ..Default::default()
                },
            ),
        }
    }
}
