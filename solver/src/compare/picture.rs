//! Drawings of solutions for reports: paths over points (tours, vehicle routes) and filled
//! containers (knapsacks, bins). The problem side fills them in; reports only draw.

use serde::{Deserialize, Serialize};

/// A drawing of one solution, as [`crate::compare::Evaluate::picture`] makes it.
///
/// ```
/// use quboflow::compare::{Picture, PicturePath};
/// let p = Picture::Routes {
///     points: vec![[0.0, 0.0], [1.0, 0.0], [0.0, 1.0]],
///     labels: vec!["1".into(), "2".into(), "3".into()],
///     depot: Some(0),
///     paths: vec![PicturePath { points: vec![0, 1, 2], closed: true, feasible: true, label: "route 1".into() }],
/// };
/// assert_eq!(p.lines(), vec!["route 1: 1 → 2 → 3 → 1"]);
/// ```
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Picture {
    /// Paths over points: a tour, or one path per vehicle route from the depot.
    Routes {
        /// Point coordinates `[x, y]`.
        points: Vec<[f64; 2]>,
        /// Point names as the file numbers them.
        labels: Vec<String>,
        /// The depot, drawn as a square, if there is one.
        depot: Option<usize>,
        /// The paths, in order.
        paths: Vec<PicturePath>,
    },
    /// Containers and what fills them: a knapsack, or the bins of a packing.
    Fill {
        /// The containers.
        bins: Vec<FillBin>,
    },
}

/// One path of a [`Picture::Routes`].
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PicturePath {
    /// Point indices in visiting order.
    pub points: Vec<usize>,
    /// Whether the path returns to its first point.
    pub closed: bool,
    /// False for a path that breaks a rule (an overloaded route): drawn dashed and flagged.
    pub feasible: bool,
    /// What to call it, with its figures (`route 2: load 34/100, length 210`).
    pub label: String,
}

/// One container of a [`Picture::Fill`].
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FillBin {
    /// What to call it (`knapsack`, `bin 3`).
    pub label: String,
    /// Its capacity.
    pub capacity: f64,
    /// What it holds: item names and sizes.
    pub items: Vec<FillItem>,
}

/// One item of a [`FillBin`].
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FillItem {
    /// The item's name (its number in the file).
    pub label: String,
    /// Its size (weight).
    pub size: f64,
}

impl FillBin {
    /// Total size of the items.
    pub fn load(&self) -> f64 {
        self.items.iter().map(|i| i.size).sum()
    }
}

impl Picture {
    /// The solution in text, one line per path or container.
    pub fn lines(&self) -> Vec<String> {
        match self {
            Picture::Routes { labels, paths, .. } => paths
                .iter()
                .map(|p| {
                    let mut names: Vec<&str> = p.points.iter().map(|&i| name(labels, i)).collect();
                    if p.closed
                        && let Some(&first) = p.points.first()
                    {
                        names.push(name(labels, first));
                    }
                    format!(
                        "{}{}: {}",
                        p.label,
                        if p.feasible { "" } else { " (INFEASIBLE)" },
                        names.join(" → ")
                    )
                })
                .collect(),
            Picture::Fill { bins } => bins
                .iter()
                .map(|b| {
                    let load = b.load();
                    format!(
                        "{}: {} / {}{} — items {}",
                        b.label,
                        load,
                        b.capacity,
                        if load > b.capacity { " (OVERFULL)" } else { "" },
                        b.items
                            .iter()
                            .map(|i| i.label.as_str())
                            .collect::<Vec<_>>()
                            .join(" ")
                    )
                })
                .collect(),
        }
    }
}

/// A point's label; "?" for an index a picture read back from an edited report lacks.
fn name(labels: &[String], i: usize) -> &str {
    labels.get(i).map_or("?", String::as_str)
}
