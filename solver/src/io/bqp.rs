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

use super::scan::{PairSeen, Scanner};
use crate::error::Result;
use crate::qubo::{Qubo, QuboBuilder};

/// Reads a single-problem Beasley bqp text into its minimisation QUBO.
pub fn read(path: &Path, text: &str) -> Result<Qubo> {
    let mut sc = Scanner::new(path, text);
    let header = sc.next_data(|_| false).ok_or_else(|| {
        sc.err(
            sc.last_line,
            "expected the header `n nnz`, found end of file",
        )
    })?;
    if header.text.split_whitespace().count() == 1 {
        return Err(sc.err(
            header.number,
            "this looks like a multi-problem OR-Library file (a problem count alone on the first line); split it into one problem per file",
        ));
    }
    let [tn, tm] = sc.tokens::<2>(&header, "the header `n nnz`")?;
    let n = sc.usize(&header, tn, "n")?;
    let nnz = sc.usize(&header, tm, "nnz")?;
    if n >= crate::qubo::MAX_NUM_VARS {
        return Err(sc.err_at(&header, tn, "n is too large"));
    }
    // Cap reservations by the text size: a corrupt header must not trigger a huge allocation.
    let cap = nnz.min(text.len() / 6);
    let mut b = QuboBuilder::new(n);
    b.reserve(cap);
    let mut seen = PairSeen::with_capacity(cap);
    let mut count = 0usize;
    while let Some(l) = sc.next_data(|_| false) {
        count += 1;
        if count > nnz {
            return Err(sc.err(
                l.number,
                format!("more entries than the header's nnz = {nnz}"),
            ));
        }
        let [ti, tj, tq] = sc.tokens::<3>(&l, "an entry `i j q`")?;
        let i = sc.index1(&l, ti, n, "index")?;
        let j = sc.index1(&l, tj, n, "index")?;
        let q = sc.real(&l, tq, "coefficient")?;
        if let Err(first) = seen.insert(i, j, l.number) {
            return Err(sc.err(
                l.number,
                format!(
                    "pair ({}, {}) is listed twice (first on line {first})",
                    i + 1,
                    j + 1
                ),
            ));
        }
        if i == j {
            b.add_linear(i, -q);
        } else {
            b.add_quadratic(i, j, -2.0 * q);
        }
    }
    if count < nnz {
        return Err(sc.err(
            header.number,
            format!("header declares nnz = {nnz} entries, the file has {count} (truncated?)"),
        ));
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
