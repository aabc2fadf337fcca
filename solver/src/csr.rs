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

/// Sorts each row's entries by column (rows are `entries[start[r]..start[r + 1]]`), the rows
/// in parallel when there are many entries: the sort is most of building a large model
/// (10⁶ interactions: 68 ms of 71 in `Qubo.from_scipy`, see benches/NOTES.md). Each row is
/// sorted alone, so the result does not depend on the thread count.
fn sort_rows(entries: &mut [(u32, f64)], start: &[usize]) {
    use rayon::prelude::*;
    const PARALLEL_FROM: usize = 1 << 16;
    let mut rows: Vec<&mut [(u32, f64)]> = Vec::with_capacity(start.len().saturating_sub(1));
    let mut rest = entries;
    for w in start.windows(2) {
        let (row, tail) = rest.split_at_mut(w[1] - w[0]);
        rows.push(row);
        rest = tail;
    }
    if start.last().copied().unwrap_or(0) >= PARALLEL_FROM {
        rows.par_iter_mut()
            .for_each(|r| r.sort_unstable_by_key(|e| e.0));
    } else {
        rows.iter_mut()
            .for_each(|r| r.sort_unstable_by_key(|e| e.0));
    }
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
        sort_rows(&mut entries, &count);
        let mut row_ptr = Vec::with_capacity(num_vars + 1);
        let mut col = Vec::with_capacity(total);
        let mut val = Vec::with_capacity(total);
        row_ptr.push(0);
        for r in 0..num_vars {
            let row = &entries[count[r]..count[r + 1]];
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
    fn a_large_build_is_the_same_on_one_thread_and_several() {
        // Enough entries for the parallel row sort, with duplicates in both orders.
        let mut state = 7u64;
        let mut next = |m: u64| {
            state = state
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            (state >> 33) % m
        };
        let n = 500;
        let triples: Vec<(u32, u32, f64)> = (0..100_000)
            .map(|_| {
                let i = next(n) as u32;
                let j = (i + 1 + next(n - 1) as u32) % n as u32;
                (i, j, next(1000) as f64 / 7.0 - 70.0)
            })
            .collect();
        let build = |threads| {
            rayon::ThreadPoolBuilder::new()
                .num_threads(threads)
                .build()
                .unwrap()
                .install(|| SymCsr::from_triples(n as usize, &triples).unwrap())
        };
        let one = build(1);
        assert_eq!(one, build(3));
        // And the same as summing the triples directly.
        let mut dense = vec![0.0; (n * n) as usize];
        for &(i, j, w) in &triples {
            dense[i as usize * n as usize + j as usize] += w;
            dense[j as usize * n as usize + i as usize] += w;
        }
        for i in 0..n as usize {
            for j in 0..n as usize {
                let want = dense[i * n as usize + j];
                assert!((one.get(i, j) - want).abs() < 1e-9, "({i}, {j})");
            }
        }
    }

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
