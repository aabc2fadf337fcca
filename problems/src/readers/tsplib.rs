//! TSPLIB95 `.tsp` instances and `.opt.tour` tours.

use std::path::Path;

use serde::{Deserialize, Serialize};

use super::distance::{EdgeWeightType, check_dimension, edge_weight_type, read_distances};
use super::read_text;
use super::sections::{Sections, node_id};
use crate::error::{Result, invalid};

/// A symmetric or asymmetric TSP instance with its full distance matrix.
///
/// ```
/// use quboflow_problems::Tsp;
/// let text = "NAME: tri\nTYPE: TSP\nDIMENSION: 3\nEDGE_WEIGHT_TYPE: EUC_2D\n\
///             NODE_COORD_SECTION\n1 0 0\n2 3 0\n3 3 4\nEOF\n";
/// let tsp = Tsp::parse(text, "tri.tsp".as_ref())?;
/// assert_eq!(tsp.tour_length(&[0, 1, 2]), 3.0 + 4.0 + 5.0);
/// # Ok::<(), quboflow_problems::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Tsp {
    /// `NAME` (or the file stem).
    pub name: String,
    /// Number of cities.
    pub dimension: usize,
    /// How the distances were defined.
    pub edge_weight_type: EdgeWeightType,
    /// Coordinates, when the distances come from them.
    pub coords: Option<Vec<[f64; 3]>>,
    /// Row-major `dimension × dimension` distances.
    pub distances: Vec<f64>,
}

impl Tsp {
    /// Reads a `.tsp` file.
    pub fn read(path: &Path) -> Result<Self> {
        Self::parse(&read_text(path)?, path)
    }

    /// Parses `.tsp` text; `path` is used in error messages and as the default name.
    pub fn parse(text: &str, path: &Path) -> Result<Self> {
        let s = Sections::parse(text, path)?;
        if let Some((t, line)) = s.header("TYPE")
            && !matches!(t, "TSP" | "ATSP")
        {
            return Err(s.error_at(
                line,
                format!("TYPE is `{t}`; a TSP file has TYPE TSP or ATSP"),
            ));
        }
        let n = check_dimension(&s, 2)?;
        let kind = edge_weight_type(&s)?;
        let (distances, coords) = read_distances(&s, n, kind)?;
        let name = s
            .header("NAME")
            .map(|(v, _)| v.to_string())
            .unwrap_or_else(|| stem(path));
        Ok(Tsp {
            name,
            dimension: n,
            edge_weight_type: kind,
            coords,
            distances,
        })
    }

    /// An instance from a full distance matrix.
    pub fn from_matrix(name: &str, distances: Vec<Vec<f64>>) -> Result<Self> {
        let n = distances.len();
        if n < 2 || distances.iter().any(|r| r.len() != n) {
            return Err(invalid(
                "distance matrix",
                format!("must be square with at least 2 rows, got {n} rows"),
            ));
        }
        let flat: Vec<f64> = distances.into_iter().flatten().collect();
        if flat.iter().any(|d| !d.is_finite() || *d < 0.0) {
            return Err(invalid(
                "distance matrix",
                "distances must be finite and non-negative",
            ));
        }
        Ok(Tsp {
            name: name.to_string(),
            dimension: n,
            edge_weight_type: EdgeWeightType::Explicit,
            coords: None,
            distances: flat,
        })
    }

    /// Distance from city `i` to city `j` (0-based).
    pub fn distance(&self, i: usize, j: usize) -> f64 {
        self.distances[i * self.dimension + j]
    }

    /// Length of the closed tour visiting `tour` in order (0-based city ids).
    pub fn tour_length(&self, tour: &[usize]) -> f64 {
        let k = tour.len();
        (0..k)
            .map(|p| self.distance(tour[p], tour[(p + 1) % k]))
            .sum()
    }

    /// True when `tour` visits every city exactly once.
    pub fn is_tour(&self, tour: &[usize]) -> bool {
        let mut seen = vec![false; self.dimension];
        tour.len() == self.dimension
            && tour
                .iter()
                .all(|&c| c < self.dimension && !std::mem::replace(&mut seen[c], true))
    }
}

pub(crate) fn stem(path: &Path) -> String {
    path.file_name()
        .map(|f| {
            f.to_string_lossy()
                .split('.')
                .next()
                .unwrap_or("")
                .to_string()
        })
        .unwrap_or_default()
}

/// Reads a TSPLIB `.tour` file: the cities in visiting order, 0-based.
pub fn read_tour(path: &Path) -> Result<Vec<usize>> {
    parse_tour(&read_text(path)?, path)
}

/// Parses `.tour` text (see [`read_tour`]).
pub fn parse_tour(text: &str, path: &Path) -> Result<Vec<usize>> {
    let s = Sections::parse(text, path)?;
    // DIMENSION is optional in tour files (rd100.opt.tour has none): then every id up to the
    // -1 is taken, and the caller checks the tour against its instance.
    let declared = s.header("DIMENSION").is_some();
    let n = if declared {
        check_dimension(&s, 1)?
    } else {
        super::distance::MAX_NODES
    };
    let (line, tokens) = s
        .section("TOUR_SECTION")
        .ok_or_else(|| s.error_at(0, "a tour file needs a TOUR_SECTION"))?;
    let mut tour = Vec::with_capacity(n);
    let mut seen = vec![false; n];
    let mut ended = false;
    for t in tokens {
        if t.text == "-1" {
            ended = true;
            break;
        }
        let c = node_id(&s, t, n)?;
        if seen[c] {
            return Err(s.error_at(t.line, format!("city {} is visited twice", c + 1)));
        }
        seen[c] = true;
        tour.push(c);
    }
    if !ended || (declared && tour.len() != n) {
        return Err(s.error_at(
            tokens.last().map_or(line, |t| t.line),
            format!(
                "TOUR_SECTION lists {} cities{}; DIMENSION is {n}",
                tour.len(),
                if ended { "" } else { " and no closing -1" }
            ),
        ));
    }
    Ok(tour)
}
