//! The QUBO model: minimise `Σ h_i x_i + Σ_{i<j} Q_ij x_i x_j + offset` over `x ∈ {0,1}ⁿ`.

use serde::{Deserialize, Serialize};

use crate::constraints::Constraints;
use crate::csr::SymCsr;
use crate::error::{Error, Result};
use crate::ising::Ising;

/// Largest number of variables a model may have (indices are stored as `u32`).
pub const MAX_NUM_VARS: usize = u32::MAX as usize;

/// A quadratic unconstrained binary optimisation problem, to be minimised.
///
/// `E(x) = offset + Σ_i h_i x_i + Σ_{i<j} Q_ij x_i x_j` with `x_i ∈ {0, 1}`. Linear terms are
/// a dense vector; interactions a symmetric CSR adjacency (both directions, sorted, no
/// duplicates, no zeros). Build one with [`QuboBuilder`].
///
/// A model may carry the [`Constraints`] its encoder imposed through penalties (one-hot
/// groups, permutations, capacity rows); they travel with it, so every solver given the model
/// finds them ([`Qubo::constraints`]) without the user copying them anywhere.
///
/// ```
/// use quboflow::QuboBuilder;
/// let mut b = QuboBuilder::new(2);
/// b.add_linear(0, -1.0).add_linear(1, 2.0).add_quadratic(0, 1, -3.0);
/// let q = b.build()?;
/// assert_eq!(q.energy(&[1, 1]), -2.0);
/// assert_eq!(q.delta(&[1, 1], 1), -(2.0 - 3.0));
/// # Ok::<(), quboflow::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Qubo {
    linear: Vec<f64>,
    adj: SymCsr,
    offset: f64,
    labels: Option<Vec<String>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    constraints: Option<Box<Constraints>>,
}

impl Qubo {
    /// Number of variables.
    pub fn num_vars(&self) -> usize {
        self.linear.len()
    }

    /// Number of distinct non-zero interactions `i < j`.
    pub fn num_interactions(&self) -> usize {
        self.adj.num_entries() / 2
    }

    /// Linear coefficients `h_i` (the diagonal of Q).
    pub fn linear(&self) -> &[f64] {
        &self.linear
    }

    /// The symmetric interaction adjacency.
    pub fn adjacency(&self) -> &SymCsr {
        &self.adj
    }

    /// The constant term.
    pub fn offset(&self) -> f64 {
        self.offset
    }

    /// Coupling `Q_ij` between two distinct variables (0 when absent).
    pub fn quadratic(&self, i: usize, j: usize) -> f64 {
        self.adj.get(i, j)
    }

    /// Every interaction once as `(i, j, Q_ij)` with `i < j`.
    pub fn interactions(&self) -> impl Iterator<Item = (usize, usize, f64)> + '_ {
        self.adj.upper()
    }

    /// Optional variable labels (one per variable).
    pub fn labels(&self) -> Option<&[String]> {
        self.labels.as_deref()
    }

    /// Attaches labels, one per variable.
    pub fn with_labels(mut self, labels: Vec<String>) -> Result<Self> {
        if labels.len() != self.num_vars() {
            return Err(Error::InvalidSample(format!(
                "{} labels given for {} variables",
                labels.len(),
                self.num_vars()
            )));
        }
        self.labels = Some(labels);
        Ok(self)
    }

    /// The constraints an encoder attached, if any (never an empty set).
    pub fn constraints(&self) -> Option<&Constraints> {
        self.constraints.as_deref()
    }

    /// Attaches `constraints` (checked against the model's size); an empty set detaches.
    ///
    /// ```
    /// use quboflow::{Constraints, QuboBuilder};
    /// let q = QuboBuilder::new(2).build()?;
    /// let q = q.with_constraints(Constraints { one_hot: vec![vec![0, 1]], ..Default::default() })?;
    /// assert_eq!(q.constraints().unwrap().one_hot.len(), 1);
    /// # Ok::<(), quboflow::Error>(())
    /// ```
    pub fn with_constraints(mut self, constraints: Constraints) -> Result<Self> {
        if constraints.is_empty() {
            self.constraints = None;
        } else {
            constraints.validate(self.num_vars())?;
            self.constraints = Some(Box::new(constraints));
        }
        Ok(self)
    }

    /// The same model without constraints (solvers then see a plain QUBO).
    pub fn without_constraints(mut self) -> Self {
        self.constraints = None;
        self
    }

    /// `|offset| + Σ|h_i| + Σ_{i<j}|Q_ij|`: no state's energy is larger in magnitude, and
    /// when every coefficient is an integer and this is at most 2⁵³ every energy (and every
    /// partial sum on the way to it) is computed exactly.
    pub fn energy_bound(&self) -> f64 {
        self.offset.abs()
            + self.linear.iter().map(|w| w.abs()).sum::<f64>()
            + self.interactions().map(|t| t.2.abs()).sum::<f64>()
    }

    /// The same model with its constant term replaced by `offset`.
    pub fn with_offset(mut self, offset: f64) -> Self {
        self.offset = offset;
        self
    }

    /// Fraction of the `n(n−1)/2` possible interactions that are present (0 for n < 2).
    pub fn density(&self) -> f64 {
        let n = self.num_vars() as f64;
        if n < 2.0 {
            0.0
        } else {
            self.num_interactions() as f64 / (n * (n - 1.0) / 2.0)
        }
    }

    /// Energy of a sample (entries 0/1).
    ///
    /// Panics if `x.len() != num_vars()`; use [`Qubo::check_sample`] on untrusted input.
    pub fn energy(&self, x: &[u8]) -> f64 {
        assert_eq!(x.len(), self.num_vars(), "sample length");
        let mut e = self.offset;
        for i in 0..x.len() {
            if x[i] != 0 {
                e += self.linear[i];
                let (c, v) = self.adj.row(i);
                for (j, w) in c.iter().zip(v) {
                    // Each pair once: only the upper neighbour contributes.
                    if (*j as usize) > i && x[*j as usize] != 0 {
                        e += w;
                    }
                }
            }
        }
        e
    }

    /// `h_i + Σ_j Q_ij x_j`: the energy change of setting `x_i` from 0 to 1.
    #[inline]
    pub fn local_field(&self, x: &[u8], i: usize) -> f64 {
        let (c, v) = self.adj.row(i);
        let mut f = self.linear[i];
        for (j, w) in c.iter().zip(v) {
            if x[*j as usize] != 0 {
                f += w;
            }
        }
        f
    }

    /// Energy change of flipping variable `i` in `x`.
    #[inline]
    pub fn delta(&self, x: &[u8], i: usize) -> f64 {
        let f = self.local_field(x, i);
        if x[i] != 0 { -f } else { f }
    }

    /// Checks that `x` has one 0/1 entry per variable.
    pub fn check_sample(&self, x: &[u8]) -> Result<()> {
        if x.len() != self.num_vars() {
            return Err(Error::InvalidSample(format!(
                "sample has {} entries, the model has {} variables",
                x.len(),
                self.num_vars()
            )));
        }
        if let Some(k) = x.iter().position(|&b| b > 1) {
            return Err(Error::InvalidSample(format!(
                "entry {k} is {}; samples are 0/1",
                x[k]
            )));
        }
        Ok(())
    }

    /// Smallest and largest linear coefficient (`None` for an empty model).
    pub fn linear_range(&self) -> Option<(f64, f64)> {
        min_max(self.linear.iter().copied())
    }

    /// Smallest and largest interaction coefficient (`None` without interactions).
    pub fn quadratic_range(&self) -> Option<(f64, f64)> {
        min_max(self.interactions().map(|t| t.2))
    }

    /// The spin form, with dimod's convention `s = 2x − 1` (`x = 1 ↔ s = +1`).
    ///
    /// `J_ij = Q_ij/4`, `h_i = Q_ii/2 + Σ_j Q_ij/4`, `offset = c + ΣQ_ii/2 + Σ_{i<j} Q_ij/4`.
    /// The energy of every state is preserved exactly up to rounding.
    pub fn to_ising(&self) -> Ising {
        let n = self.num_vars();
        let mut h: Vec<f64> = self.linear.iter().map(|q| q / 2.0).collect();
        let mut offset = self.offset + self.linear.iter().sum::<f64>() / 2.0;
        for (i, j, w) in self.interactions() {
            h[i] += w / 4.0;
            h[j] += w / 4.0;
            offset += w / 4.0;
        }
        debug_assert_eq!(h.len(), n);
        Ising::from_parts(
            h,
            self.adj.map_values(|w| w / 4.0),
            offset,
            self.labels.clone(),
        )
    }

    /// A dense symmetric `n × n` row-major matrix: `Q_ii = h_i` on the diagonal and the
    /// coupling split in halves, `M_ij = M_ji = Q_ij / 2`, so that `E(x) = xᵀMx + offset`.
    ///
    /// Meant for dense solvers on small or dense problems; O(n²) memory.
    pub fn to_dense(&self) -> Vec<f64> {
        let n = self.num_vars();
        let mut m = vec![0.0; n * n];
        for i in 0..n {
            m[i * n + i] = self.linear[i];
            let (c, v) = self.adj.row(i);
            for (j, w) in c.iter().zip(v) {
                m[i * n + *j as usize] = w / 2.0;
            }
        }
        m
    }

    pub(crate) fn from_parts(
        linear: Vec<f64>,
        adj: SymCsr,
        offset: f64,
        labels: Option<Vec<String>>,
    ) -> Self {
        Qubo {
            linear,
            adj,
            offset,
            labels,
            constraints: None,
        }
    }

    /// Checks every invariant; used after deserialising a `Qubo` from untrusted data.
    pub fn validate(&self) -> Result<()> {
        if self.adj.num_rows() != self.linear.len() {
            return Err(Error::InvalidSample(
                "adjacency and linear terms disagree on the number of variables".into(),
            ));
        }
        if let Some(i) = self.linear.iter().position(|w| !w.is_finite()) {
            return Err(Error::NonFinite {
                i,
                j: i,
                value: self.linear[i],
            });
        }
        if !self.offset.is_finite() {
            return Err(Error::NonFinite {
                i: 0,
                j: 0,
                value: self.offset,
            });
        }
        if let Some(l) = &self.labels
            && l.len() != self.linear.len()
        {
            return Err(Error::InvalidSample(
                "one label per variable expected".into(),
            ));
        }
        self.adj.validate()?;
        check_energy_bound(self.energy_bound())?;
        if let Some(c) = &self.constraints {
            c.validate(self.num_vars())?;
        }
        Ok(())
    }
}

/// Refuses a model whose energies could overflow f64 (they would print as ±inf or null).
fn check_energy_bound(bound: f64) -> Result<()> {
    if bound.is_finite() {
        Ok(())
    } else {
        Err(Error::InvalidModel(
            "the coefficients' magnitudes sum to more than the largest f64 (1.8e308), so \
             energies would overflow to ±inf; scale the model down"
                .into(),
        ))
    }
}

/// Bytes to build a model of `n` variables from `m` terms and run a solver on it: the CSR
/// arrays with the builder's sort buffers (~64 B per term) and per-variable linear terms,
/// row pointers and a solver's working arrays (~64 B per variable).
fn model_bytes(n: usize, m: usize) -> u64 {
    crate::memory::bytes(n, 64).saturating_add(crate::memory::bytes(m, 64))
}

fn min_max(it: impl Iterator<Item = f64>) -> Option<(f64, f64)> {
    it.fold(None, |acc, w| match acc {
        None => Some((w, w)),
        Some((lo, hi)) => Some((lo.min(w), hi.max(w))),
    })
}

/// Accumulates terms of a [`Qubo`]: duplicates are summed, zeros dropped, NaN/inf rejected.
///
/// The number of variables is the larger of the one given to [`QuboBuilder::new`] and the
/// largest index used plus one.
#[derive(Debug, Default)]
pub struct QuboBuilder {
    num_vars: usize,
    /// Linear terms as added; summed into a dense vector only in [`QuboBuilder::build`],
    /// after the size is checked against memory (a header may declare any size).
    linear: Vec<(u32, f64)>,
    triples: Vec<(u32, u32, f64)>,
    offset: f64,
    labels: Option<Vec<String>>,
    first_error: Option<Error>,
}

impl QuboBuilder {
    /// A builder for at least `num_vars` variables (nothing is allocated for them until
    /// [`QuboBuilder::build`] has checked the size against memory).
    pub fn new(num_vars: usize) -> Self {
        let mut b = QuboBuilder::default();
        if num_vars > MAX_NUM_VARS {
            b.note(Error::TooManyVariables {
                num_vars,
                max: MAX_NUM_VARS,
            });
        } else {
            b.num_vars = num_vars;
        }
        b
    }

    /// Reserves room for `additional` interactions.
    pub fn reserve(&mut self, additional: usize) -> &mut Self {
        self.triples.reserve(additional);
        self
    }

    fn note(&mut self, e: Error) {
        if self.first_error.is_none() {
            self.first_error = Some(e);
        }
    }

    fn grow(&mut self, i: usize) -> bool {
        if i >= MAX_NUM_VARS {
            self.note(Error::TooManyVariables {
                num_vars: i + 1,
                max: MAX_NUM_VARS,
            });
            return false;
        }
        if i >= self.num_vars {
            self.num_vars = i + 1;
        }
        true
    }

    /// Adds `w` to `h_i`.
    pub fn add_linear(&mut self, i: usize, w: f64) -> &mut Self {
        if !w.is_finite() {
            self.note(Error::NonFinite { i, j: i, value: w });
        } else if self.grow(i) && w != 0.0 {
            self.linear.push((i as u32, w));
        }
        self
    }

    /// Adds `w` to `Q_ij`; `(i, j)` and `(j, i)` are the same pair and `i == j` is linear.
    pub fn add_quadratic(&mut self, i: usize, j: usize, w: f64) -> &mut Self {
        if i == j {
            return self.add_linear(i, w);
        }
        if !w.is_finite() {
            self.note(Error::NonFinite { i, j, value: w });
        } else if self.grow(i.max(j)) {
            self.triples.push((i as u32, j as u32, w));
        }
        self
    }

    /// Adds `w` to the constant term.
    pub fn add_offset(&mut self, w: f64) -> &mut Self {
        if !w.is_finite() {
            self.note(Error::NonFinite {
                i: 0,
                j: 0,
                value: w,
            });
        } else {
            self.offset += w;
        }
        self
    }

    /// Sets variable labels (checked against the final size in [`QuboBuilder::build`]).
    pub fn labels(&mut self, labels: Vec<String>) -> &mut Self {
        self.labels = Some(labels);
        self
    }

    /// Number of variables so far.
    pub fn num_vars(&self) -> usize {
        self.num_vars
    }

    /// Builds the model, or returns the first invalid term that was added.
    ///
    /// Fails cleanly ([`Error::OutOfMemory`]) when the model would not fit in memory, and
    /// ([`Error::InvalidModel`]) when its energies could overflow f64.
    pub fn build(self) -> Result<Qubo> {
        if let Some(e) = self.first_error {
            return Err(e);
        }
        let n = self.num_vars;
        let m = self.triples.len();
        crate::memory::check_allocation(
            || format!("a model of {n} variables and {m} interactions"),
            model_bytes(n, m),
        )?;
        let mut linear = vec![0.0; n];
        for &(i, w) in &self.linear {
            linear[i as usize] += w;
        }
        let adj = if self.triples.is_empty() {
            SymCsr::empty(n)
        } else {
            SymCsr::from_triples(n, &self.triples)?
        };
        let q = Qubo::from_parts(linear, adj, self.offset, None);
        check_energy_bound(q.energy_bound())?;
        match self.labels {
            Some(l) => q.with_labels(l),
            None => Ok(q),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn example() -> Qubo {
        // formats.md §10: Q00 = 3, Q11 = −2, Q01 = 4, Q12 = −1, c = 0.5
        let mut b = QuboBuilder::new(3);
        b.add_linear(0, 3.0)
            .add_linear(1, -2.0)
            .add_quadratic(0, 1, 4.0)
            .add_quadratic(2, 1, -1.0)
            .add_offset(0.5);
        b.build().unwrap()
    }

    #[test]
    fn energy_and_delta_agree_with_definition() {
        let q = example();
        for s in 0..8u8 {
            let x: Vec<u8> = (0..3).map(|k| (s >> k) & 1).collect();
            let (x0, x1, x2) = (x[0] as f64, x[1] as f64, x[2] as f64);
            let e = 0.5 + 3.0 * x0 - 2.0 * x1 + 4.0 * x0 * x1 - x1 * x2;
            assert_eq!(q.energy(&x), e);
            for i in 0..3 {
                let mut y = x.clone();
                y[i] ^= 1;
                assert_eq!(q.delta(&x, i), q.energy(&y) - e);
            }
        }
    }

    #[test]
    fn builder_rejects_nan_and_inf() {
        let mut b = QuboBuilder::new(2);
        b.add_quadratic(0, 1, f64::INFINITY);
        assert!(matches!(
            b.build(),
            Err(Error::NonFinite { i: 0, j: 1, .. })
        ));
        let mut b = QuboBuilder::new(2);
        b.add_linear(1, f64::NAN);
        assert!(matches!(b.build(), Err(Error::NonFinite { i: 1, .. })));
    }

    #[test]
    fn builder_grows_and_sums() {
        let mut b = QuboBuilder::default();
        b.add_quadratic(3, 1, 1.0)
            .add_quadratic(1, 3, 1.0)
            .add_quadratic(2, 2, 5.0);
        let q = b.build().unwrap();
        assert_eq!(q.num_vars(), 4);
        assert_eq!(q.quadratic(1, 3), 2.0);
        assert_eq!(q.linear()[2], 5.0);
        assert_eq!(q.num_interactions(), 1);
    }

    #[test]
    fn dense_view_gives_same_energy() {
        let q = example();
        let m = q.to_dense();
        let x = [1u8, 1, 1];
        let mut e = q.offset();
        for i in 0..3 {
            for j in 0..3 {
                e += m[i * 3 + j] * (x[i] * x[j]) as f64;
            }
        }
        assert_eq!(e, q.energy(&x));
    }

    #[test]
    fn labels_must_match_size() {
        assert!(example().with_labels(vec!["a".into()]).is_err());
        let q = example()
            .with_labels(vec!["a".into(), "b".into(), "c".into()])
            .unwrap();
        assert_eq!(q.labels().unwrap()[2], "c");
    }
}
