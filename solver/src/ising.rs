//! The Ising (spin) form: `E(s) = offset + Σ h_i s_i + Σ_{i<j} J_ij s_i s_j`, `s ∈ {−1,+1}ⁿ`.

use serde::{Deserialize, Serialize};

use crate::csr::SymCsr;
use crate::error::Result;
use crate::qubo::{Qubo, QuboBuilder};

/// An Ising model with dimod's spin convention `s = 2x − 1` (bit 1 ↔ spin +1).
///
/// Conversions to and from [`Qubo`] are exact (each coefficient is scaled by a power of two
/// and summed), so energies agree state by state.
///
/// ```
/// use quboflow::QuboBuilder;
/// let mut b = QuboBuilder::new(2);
/// b.add_linear(0, 3.0).add_quadratic(0, 1, 4.0);
/// let q = b.build()?;
/// let ising = q.to_ising();
/// assert_eq!(ising.energy(&[1, -1]), q.energy(&[1, 0]));
/// assert_eq!(ising.to_qubo()?, q);
/// # Ok::<(), quboflow::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Ising {
    h: Vec<f64>,
    j: SymCsr,
    offset: f64,
    labels: Option<Vec<String>>,
}

impl Ising {
    pub(crate) fn from_parts(
        h: Vec<f64>,
        j: SymCsr,
        offset: f64,
        labels: Option<Vec<String>>,
    ) -> Self {
        Ising {
            h,
            j,
            offset,
            labels,
        }
    }

    /// Builds an Ising model from fields, couplings `(i, j, J_ij)` and an offset.
    ///
    /// Couplings are summed like [`QuboBuilder::add_quadratic`]; `i == j` adds the constant
    /// `J_ii` (since `s_i² = 1`).
    pub fn new(h: Vec<f64>, couplings: &[(usize, usize, f64)], offset: f64) -> Result<Self> {
        // Reuse the QUBO builder's validation (finite values, index range, duplicate sums).
        let mut b = QuboBuilder::new(h.len());
        for (i, &w) in h.iter().enumerate() {
            b.add_linear(i, w);
        }
        let mut constant = offset;
        for &(i, j, w) in couplings {
            if i == j {
                constant += w;
            } else {
                b.add_quadratic(i, j, w);
            }
        }
        b.add_offset(constant);
        let q = b.build()?;
        Ok(Ising {
            h: q.linear().to_vec(),
            j: q.adjacency().clone(),
            offset: q.offset(),
            labels: None,
        })
    }

    /// Number of spins.
    pub fn num_vars(&self) -> usize {
        self.h.len()
    }

    /// Fields `h_i`.
    pub fn h(&self) -> &[f64] {
        &self.h
    }

    /// The coupling adjacency `J`.
    pub fn couplings(&self) -> &SymCsr {
        &self.j
    }

    /// Constant term.
    pub fn offset(&self) -> f64 {
        self.offset
    }

    /// Optional variable labels.
    pub fn labels(&self) -> Option<&[String]> {
        self.labels.as_deref()
    }

    /// Energy of a spin configuration (entries ±1).
    pub fn energy(&self, s: &[i8]) -> f64 {
        assert_eq!(s.len(), self.num_vars(), "sample length");
        let mut e = self.offset;
        for (i, &si) in s.iter().enumerate() {
            e += self.h[i] * si as f64;
            let (c, v) = self.j.row(i);
            for (j, w) in c.iter().zip(v) {
                if (*j as usize) > i {
                    e += w * (si * s[*j as usize]) as f64;
                }
            }
        }
        e
    }

    /// The binary form: `Q_ij = 4J_ij`, `Q_ii = 2h_i − 2Σ_j J_ij`,
    /// `c = offset − Σh_i + Σ_{i<j} J_ij`.
    pub fn to_qubo(&self) -> Result<Qubo> {
        let mut linear: Vec<f64> = self.h.iter().map(|h| 2.0 * h).collect();
        let mut offset = self.offset - self.h.iter().sum::<f64>();
        for (i, j, w) in self.j.upper() {
            linear[i] -= 2.0 * w;
            linear[j] -= 2.0 * w;
            offset += w;
        }
        let q = Qubo::from_parts(linear, self.j.map_values(|w| 4.0 * w), offset, None);
        // 2h and 4J can overflow where h and J did not: the binary form is checked whole.
        q.validate()?;
        match &self.labels {
            Some(l) => q.with_labels(l.clone()),
            None => Ok(q),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dimod_sign_convention_check_values() {
        // formats.md §10: Q00 = 3, Q11 = −2, Q01 = 4, Q12 = −1, c = 0.5
        //   → h = {2.5, −0.25, −0.25}, J = {1.0, −0.25}, offset = 1.75 (dimod to_ising()).
        let mut b = QuboBuilder::new(3);
        b.add_linear(0, 3.0)
            .add_linear(1, -2.0)
            .add_quadratic(0, 1, 4.0)
            .add_quadratic(1, 2, -1.0)
            .add_offset(0.5);
        let q = b.build().unwrap();
        let s = q.to_ising();
        assert_eq!(s.h(), &[2.5, -0.25, -0.25]);
        assert_eq!(s.couplings().get(0, 1), 1.0);
        assert_eq!(s.couplings().get(1, 2), -0.25);
        assert_eq!(s.offset(), 1.75);
        for st in 0..8u8 {
            let x: Vec<u8> = (0..3).map(|k| (st >> k) & 1).collect();
            let spins: Vec<i8> = x.iter().map(|&b| 2 * b as i8 - 1).collect();
            assert_eq!(q.energy(&x), s.energy(&spins));
        }
        assert_eq!(s.to_qubo().unwrap(), q);
    }

    #[test]
    fn ising_new_folds_self_couplings_into_offset() {
        let s = Ising::new(vec![1.0, -1.0], &[(0, 1, 2.0), (1, 1, 3.0)], 0.5).unwrap();
        assert_eq!(s.offset(), 3.5);
        assert_eq!(s.energy(&[1, 1]), 3.5 + 1.0 - 1.0 + 2.0);
    }
}
