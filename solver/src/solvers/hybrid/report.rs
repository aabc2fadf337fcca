//! What each part of a decomposition run contributed, read back from its `Info::extra`.

use serde::{Deserialize, Serialize};

/// What one part of a [`super::Hybrid`] run did, as recorded in [`crate::Info::extra`].
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Contribution {
    /// The solver's name (`"qaoa"`, `"exact"`; `"tabu"` for the outer search).
    pub solver: String,
    /// Sub-problems it solved (outer search: calls after the first).
    pub subproblems: u64,
    /// Answers that lowered the energy and were accepted.
    pub improvements: u64,
    /// Energy those answers removed (≥ 0).
    pub energy_removed: f64,
    /// Wall time spent in it, seconds (summed over reads running in parallel).
    pub time_s: f64,
}

impl Contribution {
    fn add(&mut self, other: &Contribution) {
        self.subproblems += other.subproblems;
        self.improvements += other.improvements;
        self.energy_removed += other.energy_removed;
        self.time_s += other.time_s;
    }
}

/// The contributions of a decomposition run, or summed over several: each sub-solver's and
/// the outer search's, so a report can say what QAOA (or any sub-solver) added.
///
/// ```
/// use std::sync::Arc;
/// use quboflow::{RunControl, Solver, solvers::{Decomposition, Exact, Hybrid}, testing::random_qubo};
/// let q = random_qubo(30, 0.3, true, 1);
/// let h = Hybrid { sub_solvers: vec![Arc::new(Exact::default())], outer_restarts: 0, ..Default::default() };
/// let ss = h.sample(&q, &RunControl::new().seed(2))?;
/// let d = Decomposition::from_extra(&ss.info.extra).unwrap();
/// assert_eq!(d.parts[0].solver, "exact");
/// assert!((d.share(0) - 1.0).abs() < 1e-12); // without an outer search, all of it
/// # Ok::<(), quboflow::Error>(())
/// ```
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Decomposition {
    /// Each sub-solver's contribution, in the order sub-problems go to them.
    pub parts: Vec<Contribution>,
    /// The outer search's calls after its first.
    pub outer: Contribution,
    /// Energy the first outer-search call removed from the random (or given) start.
    pub outer_first_energy_removed: f64,
}

impl Decomposition {
    /// Reads the figures a [`super::Hybrid`] run records; `None` for other solvers.
    pub fn from_extra(extra: &serde_json::Value) -> Option<Self> {
        Some(Decomposition {
            parts: serde_json::from_value(extra.get("contributions")?.clone()).ok()?,
            outer: serde_json::from_value(extra.get("outer")?.clone()).ok()?,
            outer_first_energy_removed: extra.get("outer_first_energy_removed")?.as_f64()?,
        })
    }

    /// Adds another run's figures (same sub-solvers in the same order).
    pub fn add(&mut self, other: &Decomposition) {
        if self.parts.is_empty() {
            self.parts = other
                .parts
                .iter()
                .map(|p| Contribution {
                    solver: p.solver.clone(),
                    ..Default::default()
                })
                .collect();
            self.outer.solver.clone_from(&other.outer.solver);
        }
        for (a, b) in self.parts.iter_mut().zip(&other.parts) {
            a.add(b);
        }
        self.outer.add(&other.outer);
        self.outer_first_energy_removed += other.outer_first_energy_removed;
    }

    /// Sub-solver `i`'s share of the energy removed after the first outer search (0 to 1;
    /// 0 when nothing was removed).
    pub fn share(&self, i: usize) -> f64 {
        let total: f64 =
            self.parts.iter().map(|p| p.energy_removed).sum::<f64>() + self.outer.energy_removed;
        match self.parts.get(i) {
            Some(p) if total > 0.0 => p.energy_removed / total,
            _ => 0.0,
        }
    }

    /// One line per part, for text reports.
    pub fn lines(&self) -> Vec<String> {
        let mut out: Vec<String> = self
            .parts
            .iter()
            .enumerate()
            .map(|(i, p)| {
                format!(
                    "sub-solver {}: {} sub-problems, {} answers accepted, energy removed {} ({:.1} % of what followed the first outer search), {:.2} s",
                    p.solver,
                    p.subproblems,
                    p.improvements,
                    round6(p.energy_removed),
                    100.0 * self.share(i),
                    p.time_s
                )
            })
            .collect();
        out.push(format!(
            "outer search ({}): energy removed {} from the start, then {} in {} later calls ({} improved), {:.2} s",
            self.outer.solver,
            round6(self.outer_first_energy_removed),
            round6(self.outer.energy_removed),
            self.outer.subproblems,
            self.outer.improvements,
            self.outer.time_s
        ));
        out
    }
}

fn round6(x: f64) -> f64 {
    (x * 1e6).round() / 1e6
}
