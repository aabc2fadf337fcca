//! Gset Max-Cut files (Helmberg–Rendl `rudy` output).
//!
//! ```text
//! n m
//! i j w        (m lines, 1-based, undirected, each edge once)
//! ```
//! `cut(x) = Σ w_ij [x_i ≠ x_j]`. The minimisation QUBO is `Σ w (2x_i x_j − x_i − x_j)`, whose
//! energy is exactly `−cut`. Truncated copies exist in the wild, so the line count is checked
//! against `m`; self-loops and repeated edges are errors naming the line.

use std::path::Path;

use super::scan::CountedTriples;
use crate::error::Result;
use crate::qubo::{Qubo, QuboBuilder};

/// Reads a Gset text into its Max-Cut QUBO (`energy = −cut`).
pub fn read(path: &Path, text: &str) -> Result<Qubo> {
    let mut edges = CountedTriples::open(path, text, ("m", "edge"))?;
    let mut b = QuboBuilder::new(edges.n);
    b.reserve(edges.capacity_hint(text.len()));
    while let Some(e) = edges.next_entry()? {
        if e.i == e.j {
            return Err(edges.sc.err_at(
                &e.line,
                e.j_token,
                format!("self-loop on vertex {}", e.i + 1),
            ));
        }
        if !(2.0 * e.w).is_finite() {
            return Err(edges.sc.err(
                e.line.number,
                format!(
                    "expected a weight below 9e307 in magnitude, found {:e} (its coupling 2w overflows)",
                    e.w
                ),

            ));
        }
        // Σ w (2 x_i x_j − x_i − x_j): energy = −cut.
        b.add_quadratic(e.i, e.j, 2.0 * e.w);

        b.add_linear(e.i, -e.w);
        b.add_linear(e.j, -e.w);
    }
    b.build()
}

/// Cut weight of a partition, straight from the definition (for checks).
pub fn cut_weight(edges: &[(usize, usize, f64)], x: &[u8]) -> f64 {
    edges
        .iter()
        .filter(|&&(i, j, _)| x[i] != x[j])
        .map(|e| e.2)
        .sum()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn energy_is_minus_cut() {
        let text = "4 4 \n1 2 1\n2 3 1\n3 4 -1\n1 4 1\n";
        let q = read(Path::new("g.txt"), text).unwrap();
        let edges = [(0, 1, 1.0), (1, 2, 1.0), (2, 3, -1.0), (0, 3, 1.0)];
        for s in 0..16u8 {
            let x: Vec<u8> = (0..4).map(|k| (s >> k) & 1).collect();
            assert_eq!(-q.energy(&x), cut_weight(&edges, &x));
        }
    }

    #[test]
    fn errors_name_lines() {
        let rd = |t: &str| read(Path::new("g.txt"), t).unwrap_err().to_string();
        assert!(rd("3 2\n1 2 1\n").contains("truncated"));
        let e = rd("3 1\n1 1 1\n");
        assert!(e.starts_with("g.txt:2:3") && e.contains("self-loop"), "{e}");
        let e = rd("3 2\n1 2 1\n2 1 1\n");
        assert!(e.starts_with("g.txt:3") && e.contains("twice"), "{e}");
        let e = rd("3 1\n1 2\n");
        assert!(e.starts_with("g.txt:2"), "{e}");
        let e = rd("3 1 x\n");
        assert!(e.starts_with("g.txt:1:5"), "{e}");
    }
}
