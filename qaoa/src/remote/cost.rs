//! What a remote run will cost, before it is submitted: IonQ's estimate where the service
//! gives one, else a documented formula over gates and shots with a user-editable price table.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::circuit::Circuit;
use crate::error::{Error, Result};

/// Prices of one backend, in USD. A circuit costs
/// `max(minimum, per_circuit + shots · (per_1q_gate_shot · N₁q + per_2q_gate_shot · N₂q))`
/// (the "AQT" family of IonQ direct and Azure Quantum pricing).
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Price {
    /// Base charge per circuit.
    #[serde(default)]
    pub per_circuit: f64,
    /// Per one-qubit gate per shot.
    #[serde(default)]
    pub per_1q_gate_shot: f64,
    /// Per two-qubit gate per shot.
    #[serde(default)]
    pub per_2q_gate_shot: f64,
    /// Least charge per circuit.
    #[serde(default)]
    pub minimum: f64,
}

/// Prices per backend, dated; users edit the JSON form (`--price-table FILE`).
///
/// ```
/// use quboflow_qaoa::PriceTable;
/// let t = PriceTable::default();
/// assert_eq!(t.price("simulator").unwrap().minimum, 0.0); // simulators are free
/// assert!(t.price("qpu.aria-1").unwrap().per_2q_gate_shot > 0.0);
/// ```
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PriceTable {
    /// When the prices were read.
    pub date: String,
    /// Where they come from.
    #[serde(default)]
    pub source: String,
    /// Backend name → price (`simulator`, `qpu.aria-1`, …; `qpu.*` matches any QPU not named).
    pub backends: BTreeMap<String, Price>,
}

impl Default for PriceTable {
    fn default() -> Self {
        let qpu = Price {
            per_circuit: 0.0,
            per_1q_gate_shot: 0.000220,
            per_2q_gate_shot: 0.000975,
            minimum: 1.0,
        };
        let free = Price {
            per_circuit: 0.0,
            per_1q_gate_shot: 0.0,
            per_2q_gate_shot: 0.0,
            minimum: 0.0,
        };
        PriceTable {
            date: "2026-10".into(),
            source: "public IonQ / Azure Quantum Aria-class rates; see ../shared/reference/noise-parity-cost.md §5".into(),
            backends: BTreeMap::from([
                ("simulator".to_string(), free),
                ("qpu.*".to_string(), qpu),
            ]),
        }
    }
}

impl PriceTable {
    /// Reads the JSON form.
    pub fn read(path: &std::path::Path) -> Result<Self> {
        let bad = |reason: String| Error::InvalidParameter {
            name: "price_table",
            reason,
        };
        let text =
            std::fs::read_to_string(path).map_err(|e| bad(format!("{}: {e}", path.display())))?;
        let t: PriceTable = serde_json::from_str(&text).map_err(|e| {
            bad(format!(
                "{}: line {}, column {}: {e}",
                path.display(),
                e.line(),
                e.column()
            ))
        })?;
        for (name, p) in &t.backends {
            for v in [
                p.per_circuit,
                p.per_1q_gate_shot,
                p.per_2q_gate_shot,
                p.minimum,
            ] {
                if !(v.is_finite() && v >= 0.0) {
                    return Err(bad(format!(
                        "{}: {name}: prices must be finite and non-negative",
                        path.display()
                    )));
                }
            }
        }
        Ok(t)
    }

    /// The price of `backend` (exact name, else `qpu.*` for a QPU).
    pub fn price(&self, backend: &str) -> Option<Price> {
        self.backends.get(backend).copied().or_else(|| {
            backend
                .starts_with("qpu.")
                .then(|| self.backends.get("qpu.*").copied())
                .flatten()
        })
    }

    /// The price of one circuit of `circuit`'s size run with `shots` shots.
    pub fn circuit_cost(&self, backend: &str, circuit: &Circuit, shots: u64) -> Result<f64> {
        let p = self.price(backend).ok_or_else(|| Error::InvalidParameter {
            name: "price_table",
            reason: format!("no price for backend `{backend}` (add it to the table)"),
        })?;
        let two = circuit.two_qubit_gates() as f64;
        let one = circuit.gates.len() as f64 - two;
        Ok(
            (p.per_circuit + shots as f64 * (p.per_1q_gate_shot * one + p.per_2q_gate_shot * two))
                .max(p.minimum),
        )
    }
}

/// A run's estimated cost.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CostEstimate {
    /// Total, USD.
    pub usd: f64,
    /// Circuits the estimate counts (optimiser evaluations and the final sampling).
    pub circuits: u64,
    /// Price of one optimisation circuit, USD.
    pub per_circuit_usd: f64,
    /// `"ionq"` (the service's estimate endpoint) or `"formula"` (the price table).
    pub source: String,
    /// The price table's date, for a formula estimate.
    pub prices_date: Option<String>,
}
