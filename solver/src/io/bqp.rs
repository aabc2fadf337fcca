//! Beasley OR-Library `bqp` files, one problem per file (as in `shared/data/bqp`).
//!
//! ```text
//! n nnz
//! i j q        (nnz lines, 1-based, each unordered pair once)
//! ```
//! The problem is to **maximise** `f(x) = Σ_i Σ_j q_ij x_i x_j` with `q` symmetric and only one
//! triangle listed, so `f(x) = Σ q_ii x_i + 2 Σ_{i<j} q_ij x_i x_j`. The minimisation QUBO is
//! `−f`: `Q_ii = −q_ii`, `Q_ij = −2 q_ij`, and the reported objective is `−energy`.
//! A pair listed twice (in either order), a count that disagrees with `nnz`, or an index
//! outside `1..=n` is an error naming the line.

use std::path::Path;

use super::scan::CountedTriples;
use crate::error::Error;
use crate::error::Result;
use crate::qubo::{Qubo, QuboBuilder};

/// Reads a single-problem Beasley bqp text into its minimisation QUBO.
pub fn read(path: &Path, text: &str) -> Result<Qubo> {
    if let Some((k, first)) = text.lines().enumerate().find(|(_, l)| !l.trim().is_empty())
        && first.split_whitespace().count() == 1
    {
        return Err(Error::parse(
            path,
            k + 1,
            "this looks like a multi-problem OR-Library file (a problem count alone on the first line); split it into one problem per file",
        ));
    }
    let mut entries = CountedTriples::open(path, text, ("nnz", "entry"))?;
    let mut b = QuboBuilder::new(entries.n);
    b.reserve(entries.capacity_hint(text.len()));
    while let Some(e) = entries.next_entry()? {
        if e.i == e.j {
            b.add_linear(e.i, -e.w);
        } else if !(2.0 * e.w).is_finite() {
            return Err(entries.sc.err(
                e.line.number,
                format!(
                    "expected an off-diagonal entry below 9e307 in magnitude, found {:e} (it counts twice, and 2q overflows)",

                    e.w
                ),
            ));
        } else {
            b.add_quadratic(e.i, e.j, -2.0 * e.w);
        }
    }
    b.build()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rd(t: &str) -> Result<Qubo> {
        read(Path::new("b.txt"), t)
    }

    #[test]
    fn doubles_off_diagonals_and_negates() {
        let q = rd("3 3\n1 1 5\n1 2 3\n3 2 -1\n").unwrap();
        assert_eq!(q.linear(), &[-5.0, 0.0, 0.0]);
        assert_eq!(q.quadratic(0, 1), -6.0);
        assert_eq!(q.quadratic(1, 2), 2.0);
        // f(1,1,0) = 5 + 2·3 = 11
        assert_eq!(-q.energy(&[1, 1, 0]), 11.0);
    }

    #[test]
    fn errors_name_lines() {
        let e = rd("3 2\n1 2 1\n").unwrap_err().to_string();
        assert!(e.starts_with("b.txt:1") && e.contains("truncated"), "{e}");
        let e = rd("3 1\n1 2 1\n1 3 1\n").unwrap_err().to_string();
        assert!(e.starts_with("b.txt:3"), "{e}");
        let e = rd("3 2\n1 2 1\n2 1 1\n").unwrap_err().to_string();
        assert!(e.contains("b.txt:3") && e.contains("twice"), "{e}");
        let e = rd("3 1\n1 4 1\n").unwrap_err().to_string();
        assert!(e.starts_with("b.txt:2:3"), "{e}");
        let e = rd("3 1\n0 1 1\n").unwrap_err().to_string();
        assert!(e.starts_with("b.txt:2:1"), "{e}");
        assert!(rd("5\n").unwrap_err().to_string().contains("multi-problem"));
        assert!(rd("").is_err());
    }
}
