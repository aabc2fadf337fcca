//! A statevector in structure-of-arrays form, and sampling from it.

use rand::rngs::Xoshiro256PlusPlus;
use rand::{Rng, SeedableRng};

use crate::real::Real;

/// `2^n` complex amplitudes, real and imaginary parts in separate arrays; bit k of the index
/// is qubit k (little-endian, as Qiskit, QOKit and IonQ).
#[derive(Debug, Clone, PartialEq)]
pub struct StateVector<F> {
    n: usize,
    /// Real parts.
    pub re: Vec<F>,
    /// Imaginary parts.
    pub im: Vec<F>,
}

impl<F: Real> StateVector<F> {
    pub(crate) fn from_parts(n: usize, re: Vec<F>, im: Vec<F>) -> Self {
        StateVector { n, re, im }
    }

    /// Number of qubits.
    pub fn num_qubits(&self) -> usize {
        self.n
    }

    /// Amplitude of basis state `x` as `(re, im)`.
    pub fn amplitude(&self, x: usize) -> (f64, f64) {
        (self.re[x].to_f64(), self.im[x].to_f64())
    }

    /// `|⟨x|ψ⟩|²`.
    pub fn probability(&self, x: usize) -> f64 {
        let (r, i) = self.amplitude(x);
        r * r + i * i
    }

    /// `⟨ψ|ψ⟩` (1 up to rounding).
    pub fn norm_sqr(&self) -> f64 {
        self.re
            .iter()
            .zip(&self.im)
            .map(|(r, i)| {
                let (r, i) = (r.to_f64(), i.to_f64());
                r * r + i * i
            })
            .sum()
    }

    /// Draws `shots` basis states from `|ψ|²` (normalised by the total, so rounding in the
    /// norm cannot bias or fail the draw); same seed, same draws. Sorted by index.
    pub fn sample(&self, shots: usize, seed: u64) -> Vec<usize> {
        const CHUNK: usize = 1 << 12;
        let chunk_mass: Vec<f64> = self
            .re
            .chunks(CHUNK)
            .zip(self.im.chunks(CHUNK))
            .map(|(r, i)| {
                r.iter()
                    .zip(i)
                    .map(|(r, i)| {
                        let (r, i) = (r.to_f64(), i.to_f64());
                        r * r + i * i
                    })
                    .sum()
            })
            .collect();
        let total: f64 = chunk_mass.iter().sum();
        let mut rng = Xoshiro256PlusPlus::seed_from_u64(seed);
        let mut targets: Vec<f64> = (0..shots)
            .map(|_| (rng.next_u64() >> 11) as f64 / (1u64 << 53) as f64 * total)
            .collect();
        targets.sort_by(f64::total_cmp);
        let mut out = Vec::with_capacity(shots);
        let mut acc = 0.0;
        let mut t = 0;
        for (ci, &mass) in chunk_mass.iter().enumerate() {
            if t == shots {
                break;
            }
            if acc + mass <= targets[t] && ci + 1 < chunk_mass.len() {
                acc += mass;
                continue;
            }
            let start = ci * CHUNK;
            let end = (start + CHUNK).min(self.re.len());
            let mut last_nonzero = start;
            for x in start..end {
                let p = self.probability(x);
                if p > 0.0 {
                    last_nonzero = x;
                }
                acc += p;
                while t < shots && targets[t] < acc {
                    out.push(x);
                    t += 1;
                }
            }
            if ci + 1 == chunk_mass.len() {
                // Rounding left the last targets past the end: they belong to the last state
                // with any probability.
                while t < shots {
                    out.push(last_nonzero);
                    t += 1;
                }
            }
        }
        out
    }
}
