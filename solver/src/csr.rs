//! Symmetric sparse adjacency in CSR form, shared by [`crate::Qubo`] and [`crate::Ising`].

use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};

/// Symmetric adjacency: both directions stored, sorted columns, no diagonal, no duplicates,
/// no zeros.
///
/// Solvers walk a variable's row to update local fields after a flip, so rows are contiguous
/// and columns are `u32` to halve the memory traffic of that loop.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct SymCsr {
    row_ptr: Vec<usize>,
    col: Vec<u32>,
    val: Vec<f64>,
}

impl SymCsr {
    /// Builds the adjacency of `num_vars` variables from `(i, j, w)` triples with `i != j`.
    ///
    /// `(i, j)` and `(j, i)` are the same pair; duplicates are summed and pairs that sum to
    /// zero are dropped. Runs in O(n + m log d) for m triples and maximum degree d.
    pub(crate) fn from_triples(num_vars: usize, triples: &[(u32, u32, f64)]) -> Result<Self> {
        // Counting sort by row: linear, no per-row allocation.
        let mut count = vec![0usize; num_vars + 1];
        for &(i, j, w) in triples {
            for idx in [i, j] {
                if idx as usize >= num_vars {
                    return Err(Error::IndexOutOfRange {
                        index: idx as usize,
                        num_vars,
                    });
                }
            }
            if !w.is_finite() {
                return Err(Error::NonFinite {
                    i: i as usize,
                    j: j as usize,
                    value: w,
                });
            }
            count[i as usize + 1] += 1;
            count[j as usize + 1] += 1;
        }
        for k in 0..num_vars {
            count[k + 1] += count[k];
        }
        let total = count[num_vars];
        let mut fill = count.clone();
        let mut entries = vec![(0u32, 0f64); total];
        for &(i, j, w) in triples {
            entries[fill[i as usize]] = (j, w);
            fill[i as usize] += 1;
            entries[fill[j as usize]] = (i, w);
            fill[j as usize] += 1;
        }
        let mut row_ptr = Vec::with_capacity(num_vars + 1);
        let mut col = Vec::with_capacity(total);
        let mut val = Vec::with_capacity(total);
        row_ptr.push(0);
        for r in 0..num_vars {
            let row = &mut entries[count[r]..count[r + 1]];
            row.sort_unstable_by_key(|e| e.0);
            let mut k = 0;
            while k < row.len() {
                let c = row[k].0;
                let mut sum = 0.0;
                while k < row.len() && row[k].0 == c {
                    sum += row[k].1;
                    k += 1;
                }
                if sum != 0.0 {
                    col.push(c);
                    val.push(sum);
                }
            }
            row_ptr.push(col.len());
        }
        col.shrink_to_fit();
        val.shrink_to_fit();
        Ok(SymCsr { row_ptr, col, val })
    }

    /// An adjacency with `num_vars` rows and no entries.
    pub(crate) fn empty(num_vars: usize) -> Self {
        SymCsr {
            row_ptr: vec![0; num_vars + 1],
            col: Vec::new(),
            val: Vec::new(),
        }
    }

    /// Number of rows (variables).
    pub fn num_rows(&self) -> usize {
        self.row_ptr.len().saturating_sub(1)
    }

    /// Number of stored entries (each interaction counted twice).
    pub fn num_entries(&self) -> usize {
        self.col.len()
    }

    /// Neighbours of `i` and the coupling to each, in increasing column order.
    #[inline]
    pub fn row(&self, i: usize) -> (&[u32], &[f64]) {
        let (a, b) = (self.row_ptr[i], self.row_ptr[i + 1]);
        (&self.col[a..b], &self.val[a..b])
    }

    /// Degree of variable `i`.
    #[inline]
    pub fn degree(&self, i: usize) -> usize {
        self.row_ptr[i + 1] - self.row_ptr[i]
    }

    /// Every interaction once, as `(i, j, w)` with `i < j`, in row-major order.
    pub fn upper(&self) -> impl Iterator<Item = (usize, usize, f64)> + '_ {
        (0..self.num_rows()).flat_map(move |i| {
            let (c, v) = self.row(i);
            c.iter()
                .zip(v)
                .filter(move |(j, _)| (**j as usize) > i)
                .map(move |(j, w)| (i, *j as usize, *w))
        })
    }

    /// Coupling between `i` and `j` (0 when absent).
    pub fn get(&self, i: usize, j: usize) -> f64 {
        let (c, v) = self.row(i);
        match c.binary_search(&(j as u32)) {
            Ok(k) => v[k],
            Err(_) => 0.0,
        }
    }

    /// The same structure with every value mapped by `f` (zeros that appear are kept).
    pub(crate) fn map_values(&self, f: impl Fn(f64) -> f64) -> Self {
        SymCsr {
            row_ptr: self.row_ptr.clone(),
            col: self.col.clone(),
            val: self.val.iter().map(|&w| f(w)).collect(),
        }
    }

    /// Checks the invariants (used after deserialisation).
    pub(crate) fn validate(&self) -> Result<()> {
        let bad = |reason: &str| Error::InvalidSample(format!("corrupt adjacency: {reason}"));
        if self.row_ptr.first() != Some(&0)
            || self.row_ptr.last() != Some(&self.col.len())
            || self.col.len() != self.val.len()
        {
            return Err(bad("row pointers do not match the entries"));
        }
        let n = self.num_rows();
        for i in 0..n {
            if self.row_ptr[i] > self.row_ptr[i + 1] {
                return Err(bad("row pointers decrease"));
            }
            let (c, v) = self.row(i);
            for k in 0..c.len() {
                let j = c[k] as usize;
                if j >= n || j == i || (k > 0 && c[k - 1] >= c[k]) || !v[k].is_finite() {
                    return Err(bad("unsorted, diagonal, out-of-range or non-finite entry"));
                }
                if self.get(j, i) != v[k] {
                    return Err(bad("not symmetric"));
                }
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sums_duplicates_and_drops_zeros() {
        let t = [
            (0, 1, 1.0),
            (1, 0, 2.0),
            (1, 2, 1.5),
            (2, 1, -1.5),
            (0, 2, -1.0),
        ];
        let a = SymCsr::from_triples(3, &t).unwrap();
        assert_eq!(a.get(0, 1), 3.0);
        assert_eq!(a.get(1, 0), 3.0);
        assert_eq!(a.get(1, 2), 0.0);
        assert_eq!(a.num_entries(), 4);
        assert_eq!(
            a.upper().collect::<Vec<_>>(),
            vec![(0, 1, 3.0), (0, 2, -1.0)]
        );
        a.validate().unwrap();
    }

    #[test]
    fn rejects_bad_index_and_nan() {
        assert!(matches!(
            SymCsr::from_triples(2, &[(0, 2, 1.0)]),
            Err(Error::IndexOutOfRange { index: 2, .. })
        ));
        assert!(matches!(
            SymCsr::from_triples(2, &[(0, 1, f64::NAN)]),
            Err(Error::NonFinite { .. })
        ));
    }
}
