//! The cost diagonal C|x⟩ = E(x)|x⟩, built in one streaming pass and never one pass per term.
//!
//! The basis index is split into low bits (the first `L = min(n, 14)` qubits, one
//! cache-resident block of `2^L` amplitudes) and high bits (the block number `b`). Then
//!
//! ```text
//! E(b·2^L + l) = K_b + Σ_{i<L} h'_{b,i} l_i + Q_low(l)
//! ```
//!
//! with `K_b` (the energy of the high bits alone), `h'_{b,i} = h_i + Σ_{j≥L} Q_ij x_j(b)` and
//! `Q_low(l) = Σ_{i<j<L} Q_ij l_i l_j` (one shared table). Each block's costs then follow by
//! bit-doubling, one addition per amplitude (`v[l + 2^k] = v[l] + h'_k`), and so do its phases
//! (one complex multiplication per amplitude), and the shared `Q_low` phases by the doubling
//! that builds `Q_low` (one sine and cosine per coupling): no per-amplitude sine or cosine on
//! any path.
//!
//! When every coefficient is an integer multiple of `2^-s` (s ≤ 10) and the energies span at
//! most 65 536 such steps, the model also stores a `u8`/`u16` index per amplitude; a layer's
//! phase is then one table lookup per amplitude with `e^{-iγc}` computed for the distinct
//! levels only.

use rayon::prelude::*;

use quboflow::Qubo;

use crate::butterfly::PhaseSrc;
use crate::real::Real;
use crate::state::zeroed_buffer;

/// Qubits per contiguous low block.
pub(crate) const LOW_BITS: usize = 14;

/// Which phase path a model uses.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PhaseKind {
    /// Compact index per amplitude and a per-layer table of phases (`levels` distinct values).
    Table {
        /// Number of table entries.
        levels: usize,
        /// Bytes per index entry (1 or 2).
        index_bytes: usize,
    },
    /// Phases from the block factors by bit-doubling (any real coefficients).
    Factored,
}

enum CostIndex {
    U8(Vec<u8>),
    U16(Vec<u16>),
}

struct CostTable {
    /// Lowest representable level, in scaled units.
    base: f64,
    /// `2^s`: scaled units per unit of energy.
    scale: f64,
    levels: usize,
    index: CostIndex,
}

/// The cost diagonal of a QUBO over `n` qubits, in factored form plus an optional index.
pub struct CostModel {
    n: usize,
    low: usize,
    qlow: Vec<f64>,
    /// `(j, Q_jk)` for `j < k < L`, per k: the couplings that build `Q_low` and its phases.
    low_couplings: Vec<Vec<(usize, f64)>>,
    block_const: Vec<f64>,
    block_lin: Vec<f64>,
    table: Option<CostTable>,
}

/// A layer's phases `e^{-iγE}` prepared for application block by block.
pub(crate) enum PhaseLayer<F> {
    Table { re: Vec<F>, im: Vec<F> },
    Factored { gamma: f64, re: Vec<F>, im: Vec<F> },
}

impl CostModel {
    /// Builds the model; `parallel` splits the index pass over threads.
    pub fn new(qubo: &Qubo, parallel: bool) -> Self {
        let n = qubo.num_vars();
        let low = n.min(LOW_BITS);
        let h = qubo.linear();
        let adj = qubo.adjacency();
        let block_len = 1usize << low;
        let num_blocks = 1usize << (n - low);

        // Q_low by doubling: adding bit k adds Σ_{j<k} Q_jk x_j.
        let mut qlow = vec![0.0f64; block_len];
        let mut low_couplings = Vec::with_capacity(low);
        for k in 0..low {
            let (cols, vals) = adj.row(k);
            let lower: Vec<(usize, f64)> = cols
                .iter()
                .zip(vals)
                .filter(|(j, _)| (**j as usize) < k)
                .map(|(j, w)| (*j as usize, *w))
                .collect();
            let half = 1usize << k;
            let (head, tail) = qlow.split_at_mut(half);
            for (x, out) in tail[..half].iter_mut().enumerate() {
                let add: f64 = lower
                    .iter()
                    .filter(|(j, _)| x >> j & 1 == 1)
                    .map(|(_, w)| w)
                    .sum();
                *out = head[x] + add;
            }
            low_couplings.push(lower);
        }

        let factor = |b: usize| -> (f64, Vec<f64>) {
            let bit = |j: usize| (b >> (j - low)) & 1 == 1;
            let mut k = qubo.offset();
            let mut lin: Vec<f64> = h[..low].to_vec();
            for (j, &hj) in h.iter().enumerate().skip(low) {
                if !bit(j) {
                    continue;
                }
                k += hj;
                let (cols, vals) = adj.row(j);
                for (&i, &w) in cols.iter().zip(vals) {
                    let i = i as usize;
                    if i < low {
                        lin[i] += w;
                    } else if i < j && bit(i) {
                        k += w;
                    }
                }
            }
            (k, lin)
        };
        let factors: Vec<(f64, Vec<f64>)> = if parallel && num_blocks > 64 {
            (0..num_blocks).into_par_iter().map(factor).collect()
        } else {
            (0..num_blocks).map(factor).collect()
        };
        let mut block_const = Vec::with_capacity(num_blocks);
        let mut block_lin = Vec::with_capacity(num_blocks * low);
        for (k, lin) in factors {
            block_const.push(k);
            block_lin.extend(lin);
        }
        let mut model = CostModel {
            n,
            low,
            qlow,
            low_couplings,
            block_const,
            block_lin,
            table: None,
        };
        model.table = model.build_table(qubo, parallel);
        model
    }

    fn build_table(&self, qubo: &Qubo, parallel: bool) -> Option<CostTable> {
        let coeffs = || {
            qubo.linear()
                .iter()
                .copied()
                .chain(qubo.interactions().map(|(_, _, w)| w))
        };
        let scale = (0..=10).map(|s| (1u64 << s) as f64).find(|&sc| {
            coeffs()
                .chain(std::iter::once(qubo.offset()))
                .all(|c| (c * sc).fract() == 0.0 && (c * sc).abs() < (1u64 << 40) as f64)
        })?;
        let lo: f64 = qubo.offset() * scale + coeffs().map(|c| (c * scale).min(0.0)).sum::<f64>();
        let hi: f64 = qubo.offset() * scale + coeffs().map(|c| (c * scale).max(0.0)).sum::<f64>();
        let levels = (hi - lo) as usize + 1;
        if levels > 1 << 16 {
            return None;
        }
        let len = 1usize << self.n;
        let block_len = self.block_len();
        let fill = |b: usize, out: &mut dyn FnMut(usize, usize)| {
            let mut v = vec![0.0f64; block_len];
            self.fill_block_costs(b, &mut v);
            for (l, c) in v.iter().enumerate() {
                out(l, (c * scale - lo) as usize);
            }
        };
        let index = if levels <= 256 {
            let mut idx: Vec<u8> = zeroed_buffer(len);
            let run = |(b, chunk): (usize, &mut [u8])| fill(b, &mut |l, k| chunk[l] = k as u8);
            if parallel {
                idx.par_chunks_mut(block_len).enumerate().for_each(run);
            } else {
                idx.chunks_mut(block_len).enumerate().for_each(run);
            }
            CostIndex::U8(idx)
        } else {
            let mut idx: Vec<u16> = zeroed_buffer(len);
            let run = |(b, chunk): (usize, &mut [u16])| fill(b, &mut |l, k| chunk[l] = k as u16);
            if parallel {
                idx.par_chunks_mut(block_len).enumerate().for_each(run);
            } else {
                idx.chunks_mut(block_len).enumerate().for_each(run);
            }
            CostIndex::U16(idx)
        };
        Some(CostTable {
            base: lo,
            scale,
            levels,
            index,
        })
    }

    /// Number of qubits.
    pub fn num_qubits(&self) -> usize {
        self.n
    }

    /// Qubits per low block (`min(n, 14)`).
    pub(crate) fn low_bits(&self) -> usize {
        self.low
    }

    /// Amplitudes per low block.
    pub(crate) fn block_len(&self) -> usize {
        1 << self.low
    }

    /// Which phase path is used.
    pub fn phase_kind(&self) -> PhaseKind {
        match &self.table {
            Some(t) => PhaseKind::Table {
                levels: t.levels,
                index_bytes: match t.index {
                    CostIndex::U8(_) => 1,
                    CostIndex::U16(_) => 2,
                },
            },
            None => PhaseKind::Factored,
        }
    }

    /// Writes the energies of block `b` into `out` (length `2^L`).
    pub(crate) fn fill_block_costs(&self, b: usize, out: &mut [f64]) {
        out[0] = self.block_const[b];
        let lin = &self.block_lin[b * self.low..(b + 1) * self.low];
        for (k, &w) in lin.iter().enumerate() {
            let half = 1usize << k;
            let (head, tail) = out.split_at_mut(half);
            for (t, &s) in tail[..half].iter_mut().zip(head.iter()) {
                *t = s + w;
            }
        }
        for (o, q) in out.iter_mut().zip(&self.qlow) {
            *o += q;
        }
    }

    /// `Σ |ψ|² E` over a gathered slab whose row `r` holds the `w` amplitudes from
    /// `base + r·stride`, also writing `Eψ` into `out` (re, im) when given; `None` without a
    /// cost index (the caller then uses a separate pass).
    pub(crate) fn slab_energy<F: Real>(
        &self,
        (base, stride, w): (usize, usize, usize),
        re: &[F],
        im: &[F],
        out: Option<(&mut [F], &mut [F])>,
    ) -> Option<f64> {
        let t = self.table.as_ref()?;
        let rows = (base, stride, w);
        Some(match (&t.index, out.is_some()) {
            (CostIndex::U8(idx), false) => slab_rows::<F, u8, false>(t, idx, rows, re, im, out),
            (CostIndex::U8(idx), true) => slab_rows::<F, u8, true>(t, idx, rows, re, im, out),
            (CostIndex::U16(idx), false) => slab_rows::<F, u16, false>(t, idx, rows, re, im, out),
            (CostIndex::U16(idx), true) => slab_rows::<F, u16, true>(t, idx, rows, re, im, out),
        })
    }

    /// Whether the model has a cost index ([`PhaseKind::Table`]).
    pub(crate) fn has_table(&self) -> bool {
        self.table.is_some()
    }

    /// The energy of basis state `x` (bit k = qubit k).
    pub fn cost(&self, x: usize) -> f64 {
        let b = x >> self.low;
        let l = x & (self.block_len() - 1);
        let lin = &self.block_lin[b * self.low..(b + 1) * self.low];
        let mut e = self.block_const[b] + self.qlow[l];
        for (k, w) in lin.iter().enumerate() {
            if l >> k & 1 == 1 {
                e += w;
            }
        }
        e
    }

    /// The whole diagonal (2^n values); for tests and small n.
    pub fn diagonal(&self) -> Vec<f64> {
        let mut out = vec![0.0; 1 << self.n];
        for (b, chunk) in out.chunks_mut(self.block_len()).enumerate() {
            self.fill_block_costs(b, chunk);
        }
        out
    }

    /// Prepares `e^{-iγE}` for one layer.
    pub(crate) fn prepare_phase<F: Real>(&self, gamma: f64) -> PhaseLayer<F> {
        match &self.table {
            Some(t) => {
                // A u8 index reads a table of 256 (the unused tail is 1), so a lookup needs no
                // bounds check and can vectorise.
                let len = match t.index {
                    CostIndex::U8(_) => 256,
                    CostIndex::U16(_) => t.levels,
                };
                let (re, im) = (0..len)
                    .map(|k| {
                        if k >= t.levels {
                            return (F::from_f64(1.0), F::default());
                        }
                        let c = (t.base + k as f64) / t.scale;
                        let (s, co) = (gamma * c).sin_cos();
                        (F::from_f64(co), F::from_f64(-s))
                    })
                    .unzip();
                PhaseLayer::Table { re, im }
            }
            None => {
                let (re, im) = self.low_phases(gamma);
                PhaseLayer::Factored {
                    gamma,
                    re: re.into_iter().map(F::from_f64).collect(),
                    im: im.into_iter().map(F::from_f64).collect(),
                }
            }
        }
    }

    /// `e^{-iγ Q_low(l)}` for every `l < 2^L`, by the doubling that builds `Q_low`: setting
    /// bit k multiplies by `Π_{j<k, l_j=1} e^{-iγQ_jk}`, itself doubled over j. Two complex
    /// products per entry and one sine/cosine per coupling, where a sine and cosine per entry
    /// (2^14 a layer, the bulk of a layer below ~18 qubits: 26 % of a 16-qubit `compare` run
    /// in `perf`) cost more than the layer's butterflies.
    fn low_phases(&self, gamma: f64) -> (Vec<f64>, Vec<f64>) {
        let len = self.block_len();
        let (mut pr, mut pi) = (vec![0.0f64; len], vec![0.0f64; len]);
        let (mut gr, mut gi) = (vec![0.0f64; len / 2], vec![0.0f64; len / 2]);
        pr[0] = 1.0;
        for (k, lower) in self.low_couplings.iter().enumerate() {
            let half = 1usize << k;
            // g(x) = Π_{j<k, x_j=1} e^{-iγQ_jk} over x < 2^k, doubling over j.
            gr[0] = 1.0;
            gi[0] = 0.0;
            let mut w = vec![(1.0f64, 0.0f64); k];
            for &(j, q) in lower {
                let (s, c) = (gamma * q).sin_cos();
                let (wr, wi) = w[j];
                w[j] = (wr * c + wi * s, wi * c - wr * s);
            }
            for (j, &w) in w.iter().enumerate() {
                double_phases(&mut gr, &mut gi, 1 << j, w);
            }
            let (hr, tr) = pr[..2 * half].split_at_mut(half);
            let (hi, ti) = pi[..2 * half].split_at_mut(half);
            for x in 0..half {
                tr[x] = hr[x] * gr[x] - hi[x] * gi[x];
                ti[x] = hr[x] * gi[x] + hi[x] * gr[x];
            }
        }
        (pr, pi)
    }

    /// The phases of block `b` for fusing into the mixer's first sweep: the table path points
    /// at the index; the factored path fills `scratch` with the block's `2^L` phases.
    pub(crate) fn phase_source<'a, F: Real>(
        &'a self,
        layer: &'a PhaseLayer<F>,
        b: usize,
        scratch: &'a mut Vec<F>,
    ) -> PhaseSrc<'a, F> {
        self.span_phase_source(layer, b, 1, scratch)
    }

    /// [`phase_source`](Self::phase_source) for the `blocks` consecutive blocks from `b`.
    pub(crate) fn span_phase_source<'a, F: Real>(
        &'a self,
        layer: &'a PhaseLayer<F>,
        b: usize,
        blocks: usize,
        scratch: &'a mut Vec<F>,
    ) -> PhaseSrc<'a, F> {
        let bl = self.block_len();
        let len = bl * blocks;
        let start = b << self.low;
        match (layer, &self.table) {
            (PhaseLayer::Table { re, im }, Some(t)) => match &t.index {
                CostIndex::U8(idx) => PhaseSrc::TableU8 {
                    idx: &idx[start..start + len],
                    re: re[..].try_into().expect("u8 tables hold 256 phases"),
                    im: im[..].try_into().expect("u8 tables hold 256 phases"),
                },
                CostIndex::U16(idx) => PhaseSrc::TableU16 {
                    idx: &idx[start..start + len],
                    re,
                    im,
                },
            },
            (PhaseLayer::Factored { gamma, re, im }, _) => {
                scratch.resize(2 * len, F::default());
                let (pr, pi) = scratch.split_at_mut(len);
                for (k, (pr, pi)) in pr.chunks_mut(bl).zip(pi.chunks_mut(bl)).enumerate() {
                    self.block_phases(*gamma, re, im, b + k, pr, pi);
                }
                let (re, im) = scratch.split_at(len);
                PhaseSrc::Dense { re, im }
            }
            (PhaseLayer::Table { .. }, None) => unreachable!("table phases need a table"),
        }
    }

    /// The phases `e^{-iγE}` of block `b` on the factored path: `K_b + Σ h'_k l_k` by
    /// doubling (one complex multiply per amplitude), times the shared `Q_low` phases `q`.
    fn block_phases<F: Real>(
        &self,
        gamma: f64,
        qr: &[F],
        qi: &[F],
        b: usize,
        pr: &mut [F],
        pi: &mut [F],
    ) {
        let (s, c) = (gamma * self.block_const[b]).sin_cos();
        pr[0] = F::from_f64(c);
        pi[0] = F::from_f64(-s);
        let lin = &self.block_lin[b * self.low..(b + 1) * self.low];
        for (k, &w) in lin.iter().enumerate() {
            let (s, c) = (gamma * w).sin_cos();
            double_phases(pr, pi, 1 << k, (F::from_f64(c), F::from_f64(-s)));
        }
        for l in 0..pr.len() {
            let (ar, ai) = (pr[l], pi[l]);
            pr[l] = ar * qr[l] - ai * qi[l];
            pi[l] = ar * qi[l] + ai * qr[l];
        }
    }

    /// Multiplies block `b` of a state by the prepared phases; `scratch` holds `2·2^L` values.
    pub(crate) fn apply_phase<F: Real>(
        &self,
        layer: &PhaseLayer<F>,
        b: usize,
        re: &mut [F],
        im: &mut [F],
        scratch: &mut Vec<F>,
    ) {
        match (layer, &self.table) {
            (PhaseLayer::Table { re: tr, im: ti }, Some(t)) => {
                let start = b << self.low;
                let len = re.len();
                match &t.index {
                    CostIndex::U8(idx) => phase_table(&idx[start..start + len], tr, ti, re, im),
                    CostIndex::U16(idx) => phase_table(&idx[start..start + len], tr, ti, re, im),
                }
            }
            (
                PhaseLayer::Factored {
                    gamma,
                    re: qr,
                    im: qi,
                },
                _,
            ) => {
                let len = re.len();
                scratch.resize(2 * len, F::default());
                let (pr, pi) = scratch.split_at_mut(len);
                self.block_phases(*gamma, qr, qi, b, pr, pi);
                for l in 0..len {
                    let (xr, xi) = (re[l], im[l]);
                    re[l] = xr * pr[l] - xi * pi[l];
                    im[l] = xr * pi[l] + xi * pr[l];
                }
            }
            (PhaseLayer::Table { .. }, None) => unreachable!("table phases need a table"),
        }
    }
}

#[inline]
fn phase_table<F: Real, I: Copy + Into<usize>>(
    idx: &[I],
    tr: &[F],
    ti: &[F],
    re: &mut [F],
    im: &mut [F],
) {
    for ((r, i), &k) in re.iter_mut().zip(im.iter_mut()).zip(idx) {
        let k: usize = k.into();
        let (ar, ai) = (tr[k], ti[k]);
        let (xr, xi) = (*r, *i);
        *r = xr * ar - xi * ai;
        *i = xr * ai + xi * ar;
    }
}

/// The rows `(base, stride, w)` of [`CostModel::slab_energy`] for one index type; with
/// `WRITE`, `Eψ` goes to `out`.
#[inline(always)]
fn slab_rows<F: Real, I: Copy + Into<usize>, const WRITE: bool>(
    t: &CostTable,
    idx: &[I],
    (base, stride, w): (usize, usize, usize),
    re: &[F],
    im: &[F],
    out: Option<(&mut [F], &mut [F])>,
) -> f64 {
    let (or, oi) = out.unwrap_or((&mut [], &mut []));
    let level = |k: I| (t.base + k.into() as f64) / t.scale;
    let mut acc = 0.0;
    for (r, (rr, ri)) in re.chunks_exact(w).zip(im.chunks_exact(w)).enumerate() {
        let start = base + r * stride;
        let mut part = 0.0;
        for (k, ((a, b), &x)) in rr.iter().zip(ri).zip(&idx[start..start + w]).enumerate() {
            let (a, b, c) = (a.to_f64(), b.to_f64(), level(x));
            part += (a * a + b * b) * c;
            if WRITE {
                or[r * w + k] = F::from_f64(a * c);
                oi[r * w + k] = F::from_f64(b * c);
            }
        }
        acc += part;
    }
    acc
}

/// Phases `[h, 2h)` = phases `[0, h)` times `w` (as `(re, im)`): setting a bit whose factor is
/// `w`.
#[inline]
fn double_phases<F: Real>(re: &mut [F], im: &mut [F], h: usize, (wr, wi): (F, F)) {
    let (hr, tr) = re[..2 * h].split_at_mut(h);
    let (hi, ti) = im[..2 * h].split_at_mut(h);
    for x in 0..h {
        tr[x] = hr[x] * wr - hi[x] * wi;
        ti[x] = hr[x] * wi + hi[x] * wr;
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use quboflow::testing::random_qubo;

    #[test]
    fn diagonal_matches_energy_for_both_paths() {
        for (n, integer) in [(1, true), (5, true), (9, false), (16, true), (17, false)] {
            let q = random_qubo(n, 0.4, integer, 11 + n as u64);
            let m = CostModel::new(&q, n % 2 == 0);
            assert_eq!(m.table.is_some(), integer, "n={n}");
            let d = m.diagonal();
            for x in (0..1usize << n).step_by(1 + (1 << n) / 3000) {
                let bits: Vec<u8> = (0..n).map(|k| (x >> k & 1) as u8).collect();
                let e = q.energy(&bits);
                assert!((d[x] - e).abs() < 1e-9 * (1.0 + e.abs()), "n={n} x={x}");
                assert!((m.cost(x) - e).abs() < 1e-9 * (1.0 + e.abs()));
                if let Some(t) = &m.table {
                    let k = match &t.index {
                        CostIndex::U8(v) => v[x] as usize,
                        CostIndex::U16(v) => v[x] as usize,
                    };
                    assert_eq!((t.base + k as f64) / t.scale, e);
                }
            }
        }
    }

    #[test]
    fn low_phases_by_doubling_match_direct_sines() {
        // Dense and sparse couplings, weights up to ~300 so that γ·Q_low reaches ~1e4 rad.
        for (n, density) in [(3, 1.0), (9, 0.3), (14, 1.0), (16, 0.2)] {
            let r = random_qubo(n, density, false, 5 + n as u64);
            let mut b = quboflow::QuboBuilder::new(n);
            for (i, &h) in r.linear().iter().enumerate() {
                b.add_linear(i, 300.0 * h);
            }
            for (i, j, w) in r.interactions() {
                b.add_quadratic(i, j, 300.0 * w);
            }
            let q = b.build().unwrap();
            let m = CostModel::new(&q, false);
            for gamma in [0.0, 0.37, -1.9] {
                let (pr, pi) = m.low_phases(gamma);
                for (l, &c) in m.qlow.iter().enumerate() {
                    let (s, co) = (gamma * c).sin_cos();
                    let err = (pr[l] - co).hypot(pi[l] + s);
                    assert!(err < 1e-10, "n={n} γ={gamma} l={l}: error {err}");
                }
            }
        }
    }
}
