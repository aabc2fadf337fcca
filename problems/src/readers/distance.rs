//! TSPLIB95 distance functions and the `EDGE_WEIGHT_SECTION` matrix layouts.

use serde::{Deserialize, Serialize};

use super::sections::{Sections, Token, node_id, number};
use crate::error::Result;

/// How distances between nodes are defined (`EDGE_WEIGHT_TYPE`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum EdgeWeightType {
    /// Euclidean, rounded to the nearest integer (`nint`, half up).
    Euc2d,
    /// Euclidean in 3-D, rounded.
    Euc3d,
    /// Euclidean, rounded up.
    Ceil2d,
    /// Manhattan, rounded.
    Man2d,
    /// Maximum norm, each coordinate difference rounded.
    Max2d,
    /// Pseudo-Euclidean (att48, att532).
    Att,
    /// Geographical (DDD.MM coordinates, TSPLIB's Earth radius and truncated π).
    Geo,
    /// Unrounded Euclidean (CVRPLIB's CMT and Golden sets).
    ExactEuc2d,
    /// Given as a matrix in `EDGE_WEIGHT_SECTION`.
    Explicit,
}

impl EdgeWeightType {
    /// Parses the `EDGE_WEIGHT_TYPE` value.
    pub(crate) fn parse(v: &str) -> Option<Self> {
        Some(match v {
            "EUC_2D" => Self::Euc2d,
            "EUC_3D" => Self::Euc3d,
            "CEIL_2D" => Self::Ceil2d,
            "MAN_2D" => Self::Man2d,
            "MAX_2D" => Self::Max2d,
            "ATT" => Self::Att,
            "GEO" => Self::Geo,
            "EXPLICIT" => Self::Explicit,
            _ => return None,
        })
    }

    /// The TSPLIB name.
    pub fn name(self) -> &'static str {
        match self {
            Self::Euc2d => "EUC_2D",
            Self::Euc3d => "EUC_3D",
            Self::Ceil2d => "CEIL_2D",
            Self::Man2d => "MAN_2D",
            Self::Max2d => "MAX_2D",
            Self::Att => "ATT",
            Self::Geo => "GEO",
            Self::ExactEuc2d => "EUC_2D (unrounded)",
            Self::Explicit => "EXPLICIT",
        }
    }
}

/// TSPLIB's `nint`: round half up.
fn nint(v: f64) -> f64 {
    (v + 0.5).floor()
}

/// TSPLIB's GEO latitude/longitude in radians of one `DDD.MM` coordinate: degrees truncated
/// toward zero (only truncation reproduces the published optima), π as 3.141592.
fn geo_radians(v: f64) -> f64 {
    #[allow(clippy::approx_constant)] // TSPLIB's truncated π, on purpose
    const PI: f64 = 3.141592;
    let deg = v.trunc();
    let min = v - deg;
    PI * (deg + 5.0 * min / 3.0) / 180.0
}

/// The distance between two points under `kind` (not `Explicit`).
pub fn coordinate_distance(kind: EdgeWeightType, a: [f64; 3], b: [f64; 3]) -> f64 {
    let (dx, dy, dz) = (a[0] - b[0], a[1] - b[1], a[2] - b[2]);
    match kind {
        EdgeWeightType::Euc2d => nint((dx * dx + dy * dy).sqrt()),
        EdgeWeightType::ExactEuc2d => (dx * dx + dy * dy).sqrt(),
        EdgeWeightType::Euc3d => nint((dx * dx + dy * dy + dz * dz).sqrt()),
        EdgeWeightType::Ceil2d => (dx * dx + dy * dy).sqrt().ceil(),
        EdgeWeightType::Man2d => nint(dx.abs() + dy.abs()),
        EdgeWeightType::Max2d => nint(dx.abs()).max(nint(dy.abs())),
        EdgeWeightType::Att => {
            let r = ((dx * dx + dy * dy) / 10.0).sqrt();
            let t = nint(r);
            if t < r { t + 1.0 } else { t }
        }
        EdgeWeightType::Geo => {
            const RRR: f64 = 6378.388;
            let (lat_i, lon_i) = (geo_radians(a[0]), geo_radians(a[1]));
            let (lat_j, lon_j) = (geo_radians(b[0]), geo_radians(b[1]));
            let q1 = (lon_i - lon_j).cos();
            let q2 = (lat_i - lat_j).cos();
            let q3 = (lat_i + lat_j).cos();
            (RRR * (0.5 * ((1.0 + q1) * q2 - (1.0 - q1) * q3)).acos() + 1.0).trunc()
        }
        EdgeWeightType::Explicit => f64::NAN,
    }
}

/// Largest node count a reader accepts (the full distance matrix is kept: 4096² f64 = 128 MiB).
pub const MAX_NODES: usize = 4096;

/// Reads `NODE_COORD_SECTION` (`id x y [z]` for every node).
pub(crate) fn read_coords(
    s: &Sections<'_>,
    n: usize,
    kind: EdgeWeightType,
) -> Result<Vec<[f64; 3]>> {
    let (line, tokens) = s.section("NODE_COORD_SECTION").ok_or_else(|| {
        s.error_at(
            0,
            format!("{} distances need a NODE_COORD_SECTION", kind.name()),
        )
    })?;
    let width = if kind == EdgeWeightType::Euc3d { 4 } else { 3 };
    if tokens.len() != n * width {
        return Err(s.error_at(
            tokens.last().map_or(line, |t| t.line),
            format!(
                "NODE_COORD_SECTION has {} numbers; DIMENSION {n} needs {} (`id x y{}` per node)",
                tokens.len(),
                n * width,
                if width == 4 { " z" } else { "" }
            ),
        ));
    }
    let mut coords = vec![[f64::NAN; 3]; n];
    for rec in tokens.chunks(width) {
        let id = node_id(s, &rec[0], n)?;
        if !coords[id][0].is_nan() {
            return Err(s.error_at(rec[0].line, format!("node {} is listed twice", id + 1)));
        }
        let mut p = [0.0; 3];
        for (k, t) in rec[1..].iter().enumerate() {
            p[k] = number(s, t, "a coordinate")?;
        }
        coords[id] = p;
    }
    Ok(coords)
}

/// Reads `EDGE_WEIGHT_SECTION` in `format` into a full row-major `n × n` matrix, after
/// checking the token count (a wrong format on a triangle would otherwise "parse").
pub(crate) fn read_matrix(s: &Sections<'_>, n: usize) -> Result<Vec<f64>> {
    let (fmt, fmt_line) = s.require("EDGE_WEIGHT_FORMAT")?;
    let (line, tokens) = s
        .section("EDGE_WEIGHT_SECTION")
        .ok_or_else(|| s.error_at(0, "EXPLICIT distances need an EDGE_WEIGHT_SECTION"))?;
    let expected = match fmt {
        "FULL_MATRIX" => n * n,
        "LOWER_DIAG_ROW" | "UPPER_DIAG_ROW" | "LOWER_DIAG_COL" | "UPPER_DIAG_COL" => {
            n * (n + 1) / 2
        }
        "LOWER_ROW" | "UPPER_ROW" | "LOWER_COL" | "UPPER_COL" => n * (n - 1) / 2,
        other => {
            return Err(s.error_at(
                fmt_line,
                format!("unsupported EDGE_WEIGHT_FORMAT `{other}`"),
            ));
        }
    };
    if tokens.len() != expected {
        return Err(s.error_at(
            tokens.last().map_or(line, |t| t.line),
            format!(
                "EDGE_WEIGHT_SECTION has {} numbers; {fmt} with DIMENSION {n} needs {expected}",
                tokens.len()
            ),
        ));
    }
    let vals: Vec<f64> = tokens
        .iter()
        .map(|t: &Token<'_>| {
            let d = number(s, t, "a distance")?;
            if d < 0.0 {
                return Err(s.error_at(
                    t.line,
                    format!("expected a non-negative distance, found `{}`", t.text),
                ));
            }
            Ok(d)
        })
        .collect::<Result<_>>()?;
    let mut m = vec![0.0; n * n];
    let mut k = 0;
    let mut put = |i: usize, j: usize, m: &mut Vec<f64>| {
        m[i * n + j] = vals[k];
        m[j * n + i] = vals[k];
        k += 1;
    };
    match fmt {
        "FULL_MATRIX" => {
            m.copy_from_slice(&vals);
        }
        // Row i of a lower triangle lists (i, 0..=i); column j of an upper triangle lists
        // the same entries, so the COL variants of one are the ROW variants of the other.
        "LOWER_DIAG_ROW" | "UPPER_DIAG_COL" => {
            (0..n).for_each(|i| (0..=i).for_each(|j| put(i, j, &mut m)))
        }
        "UPPER_DIAG_ROW" | "LOWER_DIAG_COL" => {
            (0..n).for_each(|i| (i..n).for_each(|j| put(i, j, &mut m)))
        }
        "LOWER_ROW" | "UPPER_COL" => (0..n).for_each(|i| (0..i).for_each(|j| put(i, j, &mut m))),
        _ => (0..n).for_each(|i| (i + 1..n).for_each(|j| put(i, j, &mut m))),
    }
    Ok(m)
}

/// A distance matrix and the coordinates it came from, if any.
pub(crate) type Distances = (Vec<f64>, Option<Vec<[f64; 3]>>);

/// The distance matrix of a TSPLIB-style file: from coordinates or the explicit section.
pub(crate) fn read_distances(
    s: &Sections<'_>,
    n: usize,
    kind: EdgeWeightType,
) -> Result<Distances> {
    if kind == EdgeWeightType::Explicit {
        let m = read_matrix(s, n)?;
        // Coordinates, if any, are for drawing only.
        return Ok((m, None));
    }
    let coords = read_coords(s, n, kind)?;
    let mut m = vec![0.0; n * n];
    for i in 0..n {
        for j in 0..n {
            if i != j {
                let d = coordinate_distance(kind, coords[i], coords[j]);
                if !d.is_finite() {
                    let line = s.section("NODE_COORD_SECTION").map_or(0, |(l, _)| l);
                    return Err(s.error_at(
                        line,
                        format!(
                            "expected coordinates whose distances are finite, found {d} as the {} distance between nodes {} and {}",
                            kind.name(),
                            i + 1,
                            j + 1
                        ),

                    ));
                }
                m[i * n + j] = d;
            }
        }
    }
    Ok((m, Some(coords)))
}

/// Checks `DIMENSION` against [`MAX_NODES`] and for being at least `min`.
pub(crate) fn check_dimension(s: &Sections<'_>, min: usize) -> Result<usize> {
    let (_, line) = s.require("DIMENSION")?;
    let n = s.usize_header("DIMENSION")?.unwrap_or(0);
    if n < min || n > MAX_NODES {
        return Err(s.error_at(
            line,
            format!("DIMENSION {n} is outside the supported range {min}..={MAX_NODES}"),
        ));
    }
    Ok(n)
}

/// The `EDGE_WEIGHT_TYPE` header.
pub(crate) fn edge_weight_type(s: &Sections<'_>) -> Result<EdgeWeightType> {
    let (v, line) = s.require("EDGE_WEIGHT_TYPE")?;
    EdgeWeightType::parse(v)
        .ok_or_else(|| s.error_at(line, format!("unsupported EDGE_WEIGHT_TYPE `{v}`")))
}
