//! A statevector in structure-of-arrays form, and sampling from it.

use rand::rngs::Xoshiro256PlusPlus;
use rand::{Rng, SeedableRng};

use crate::real::Real;

/// A zeroed buffer of `len` values (amplitudes, cost index). On Linux, buffers of 4 MiB and
/// more are advised for transparent huge pages before their first touch (`MADV_HUGEPAGE`;
/// most distributions enable THP only on request): the high passes gather 1024 rows 2^14
/// amplitudes apart, each on its own 4 KiB page (the last one reads the cost index the same
/// way), and the TLB misses cost more than the arithmetic. n = 24, one thread: the layer
/// 87 → 80 ms. Where the kernel refuses (THP disabled), nothing changes.
pub(crate) fn zeroed_buffer<T: Clone + Default>(len: usize) -> Vec<T> {
    let v = vec![T::default(); len];
    advise_huge_pages(&v);
    v
}

#[cfg(target_os = "linux")]
#[allow(unsafe_code)]
fn advise_huge_pages<T>(v: &[T]) {
    const PAGE: usize = 4096;
    let bytes = std::mem::size_of_val(v);
    if bytes < 4 << 20 {
        return;
    }
    let start = (v.as_ptr() as usize).next_multiple_of(PAGE);
    let end = (v.as_ptr() as usize + bytes) / PAGE * PAGE;
    // SAFETY: the range lies inside `v`'s own allocation and is page-aligned; MADV_HUGEPAGE
    // is advice about how to back it and never changes its contents. The result is ignored:
    // a kernel without THP answers EINVAL and the buffer stays as it is.
    unsafe {
        libc::madvise(start as *mut libc::c_void, end - start, libc::MADV_HUGEPAGE);
    }
}

#[cfg(not(target_os = "linux"))]
fn advise_huge_pages<T>(_: &[T]) {}

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
    /// The arrays of two states, `[a.re, a.im, b.re, b.im]`, as the block and slab drivers
    /// take them.
    pub(crate) fn arrays_of<'a>(a: &'a mut Self, b: &'a mut Self) -> [&'a mut [F]; 4] {
        [&mut a.re[..], &mut a.im[..], &mut b.re[..], &mut b.im[..]]
    }

    /// `2^n` zero amplitudes in buffers advised for transparent huge pages (see
    /// [`zeroed_buffer`]).
    pub(crate) fn zeroed(n: usize) -> Self {
        let len = 1usize << n;
        StateVector {
            n,
            re: zeroed_buffer(len),
            im: zeroed_buffer(len),
        }
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
