//! The X-mixer butterflies and the drivers that walk a statevector in cache-sized blocks.
//!
//! Layout: real and imaginary parts in separate arrays (structure of arrays), so the
//! butterflies vectorise without shuffles. A layer visits memory in as few sweeps as possible:
//!
//! * the **low pass** works on contiguous blocks of `2^L` amplitudes (L = [`SPAN_BITS`] = 15
//!   in a layer: 512 KiB of complex128, L2-resident; the gradient's backward passes keep the
//!   cost blocks' 14) and applies the phase and the mixer on qubits `0..L`;
//! * each **high pass** covers up to [`HIGH_BITS`] further qubits: for a slab of 64-byte column
//!   chunks it gathers the `2^g` rows that differ only in those qubits into a contiguous
//!   buffer, rotates them there (strides ≥ one cache line, so every butterfly vectorises), and
//!   scatters them back.
//!
//! For n ≤ 25 a layer is therefore two sweeps over the state (n ≤ 24 in the gradient's
//! backward passes). Both passes take a `parallel` switch: the same per-block work runs under
//! rayon or in a plain loop (the serial twin used in tests); blocks never share amplitudes, so
//! the two give identical states.
//!
//! Tried on the high pass at n = 24 and not kept (one thread, interleaved runs): windows held
//! in registers instead of a stack array (same time: the slab sweeps are bound by L2, not by
//! instructions); the next slab's rows prefetched during this slab's butterflies (gather
//! 16 → 12 ms per layer, butterflies 21 → 31 ms); the lower row qubits rotated in L1-sized
//! sub-slabs first (slower); radix-8 sweeps (about twice as slow: 16 streams per sweep).

use std::ops::AddAssign;

use rayon::prelude::*;

use crate::butterfly::prefetch;
use crate::real::Real;

/// Qubits per high pass: a gathered slab of 2^10 rows × 512 B × 2 arrays is 1 MiB.
pub(crate) const HIGH_BITS: usize = 10;

/// Qubits of a layer's low pass when ⟨C⟩ is evaluated: one more than the cost blocks'
/// `LOW_BITS` (14), so a low block (two arrays) is 512 KiB of complex128 and a high pass
/// one qubit narrower: its slab of 2^9 rows × 512 B × 2 arrays is 512 KiB and stays in L2,
/// where 2^10 rows filled it. n = 24, p = 4, three interleaved runs: 77–81 ms per layer on
/// one thread against 85–90 ms, 38–43 ms on two against 45–47 ms. The gradient's backward
/// passes keep the cost blocks' 14 bits (its low pass holds four arrays and a scratch per
/// block; with 15 bits throughout the gradient measured 2 % slower, 1.31 s against 1.285 s);
/// its forward layers take 15 when one high pass follows, which made it 1.25–1.30 s against
/// 1.31–1.34 s (three interleaved runs).
pub(crate) const SPAN_BITS: usize = 15;

/// Rows ahead of the one being gathered whose lines are requested early: the rows lie 2^lo
/// amplitudes apart, out of any hardware prefetcher's reach, so without it each row waits for
/// DRAM on its own. n = 24, three interleaved runs (with the index on huge pages too): 82 vs
/// 85 ms per layer on one thread, 43 vs 47.5 ms on two.
const GATHER_AHEAD: usize = 8;

/// Copies one gathered row in 64-byte pieces: inlined vector moves, where `copy_from_slice`
/// of the whole row became a `memmove` call per row (a third of the time at n = 20).
#[inline(always)]
fn copy_row<F: Real>(dst: &mut [F], src: &[F]) {
    for (d, s) in dst.chunks_exact_mut(8).zip(src.chunks_exact(8)) {
        let s: &[F; 8] = s.try_into().expect("8 elements");
        let d: &mut [F; 8] = d.try_into().expect("8 elements");
        *d = *s;
    }
}

/// The qubit ranges of the high passes for `n` qubits with `low` low bits, `bits` (normally
/// [`HIGH_BITS`]; smaller in tests, to get several passes at small n) per pass.
pub(crate) fn high_groups(n: usize, low: usize, bits: usize) -> Vec<(usize, usize)> {
    let mut groups = Vec::new();
    let mut lo = low;
    while lo < n {
        let hi = (lo + bits).min(n);
        groups.push((lo, hi));
        lo = hi;
    }
    groups
}

/// `e^{-iβX}` on one amplitude pair `(a, b)` given as `(re, im)`: `(a, b) → (c·a − i·s·b,
/// −i·s·a + c·b)` with `c = cos β`, `s = sin β`. The scalar form shared by the fallback
/// rotations below and the XY hops.
#[inline(always)]
pub(crate) fn turn<F: Real>((ar, ai): (F, F), (br, bi): (F, F), c: F, s: F) -> ((F, F), (F, F)) {
    (
        (c * ar + s * bi, c * ai - s * br),
        (c * br + s * ai, c * bi - s * ar),
    )
}

/// `Im(conj(λ_a)·φ_b + conj(λ_b)·φ_a)` for one pair: its share of `Im⟨λ|X|φ⟩`.
#[inline(always)]
pub(crate) fn cross_im<F: Real>(pa: (F, F), pb: (F, F), la: (F, F), lb: (F, F)) -> F {
    la.0 * pb.1 - la.1 * pb.0 + lb.0 * pa.1 - lb.1 * pa.0
}

/// Applies `turn` to the pair `(u, v)` of a state.
#[inline(always)]
pub(crate) fn turn_at<F: Real>(re: &mut [F], im: &mut [F], u: usize, v: usize, c: F, s: F) {
    let ((ar, ai), (br, bi)) = turn((re[u], im[u]), (re[v], im[v]), c, s);
    (re[u], im[u], re[v], im[v]) = (ar, ai, br, bi);
}

/// Applies `turn` to the pair `(u, v)` of φ and λ; returns the pair's `cross_im`, taken
/// before the rotation (X commutes with its own rotation, so before or after is the same).
#[inline(always)]
pub(crate) fn turn_dual_at<F: Real>(
    [pr, pi, lr, li]: [&mut [F]; 4],
    u: usize,
    v: usize,
    c: F,
    s: F,
) -> F {
    let part = cross_im(
        (pr[u], pi[u]),
        (pr[v], pi[v]),
        (lr[u], li[u]),
        (lr[v], li[v]),
    );
    turn_at(pr, pi, u, v, c, s);
    turn_at(lr, li, u, v, c, s);
    part
}

/// `e^{-iβX}` on the qubit whose partner amplitude is `s` elements away, for every pair in
/// the buffer. The scalar fallback for blocks shorter than a window (n < 3) and the test twin.
#[inline]
pub(crate) fn rotate<F: Real>(re: &mut [F], im: &mut [F], s: usize, c: F, sn: F) {
    for base in (0..re.len()).step_by(2 * s) {
        for u in base..base + s {
            turn_at(re, im, u, u + s, c, sn);
        }
    }
}

/// [`rotate`] applied to two states (φ and λ) at once, returning `Im⟨λ|X|φ⟩` for this qubit.
#[inline]
pub(crate) fn rotate_dual<F: Real>([pr, pi, lr, li]: [&mut [F]; 4], s: usize, c: F, sn: F) -> f64 {
    let mut acc = 0.0f64;
    for base in (0..pr.len()).step_by(2 * s) {
        for u in base..base + s {
            acc += turn_dual_at([&mut *pr, &mut *pi, &mut *lr, &mut *li], u, u + s, c, sn).to_f64();
        }
    }
    acc
}

/// Splits `K` equally long arrays into per-block tuples of `block_len` elements.
fn split_blocks<'a, F, const K: usize>(
    arrays: [&'a mut [F]; K],
    block_len: usize,
) -> Vec<[&'a mut [F]; K]> {
    let mut cols: [Vec<&'a mut [F]>; K] = arrays.map(|a| {
        let mut v: Vec<&'a mut [F]> = a.chunks_mut(block_len).collect();
        v.reverse();
        v
    });
    let blocks = cols[0].len();
    (0..blocks)
        .map(|_| std::array::from_fn(|k| cols[k].pop().expect("arrays of equal length")))
        .collect()
}

/// Runs `f(block, arrays, scratch)` on every contiguous block of `block_len` amplitudes and
/// returns its results in block order (callers add them in that order, so serial and
/// parallel runs give the same sums).
pub(crate) fn for_each_block<F, S, R, const K: usize>(
    arrays: [&mut [F]; K],
    block_len: usize,
    parallel: bool,
    scratch: impl Fn() -> S + Sync + Send,
    f: impl Fn(usize, [&mut [F]; K], &mut S) -> R + Sync + Send,
) -> Vec<R>
where
    F: Real,
    R: Send,
{
    let blocks = split_blocks(arrays, block_len);
    if parallel && blocks.len() > 1 {
        blocks
            .into_par_iter()
            .enumerate()
            .map_init(&scratch, |s, (b, arrs)| f(b, arrs, s))
            .collect()
    } else {
        let mut s = scratch();
        blocks
            .into_iter()
            .enumerate()
            .map(|(b, arrs)| f(b, arrs, &mut s))
            .collect()
    }
}

/// Runs `f(buffers, base)` on every slab of the high qubit group `lo..hi` (`base`: the basis
/// index of row 0, column 0 of the slab; row r starts at `base + r·2^lo`): the buffers hold
/// `2^(hi-lo)` rows of `w` amplitudes (a multiple of 8 dividing `2^lo`), row `r` being the
/// amplitudes whose bits `lo..hi` equal `r`, so qubit `lo + j` pairs elements `w << j` apart.
/// Arrays `..io.0` are outputs only (not gathered), arrays `..io.1` are scattered back (the
/// rest are read-only inputs). Returns the sum of the results.
pub(crate) fn for_each_slab<F, R, const K: usize>(
    arrays: [&mut [F]; K],
    (lo, hi): (usize, usize),
    w: usize,
    parallel: bool,
    io: (usize, usize),
    f: impl Fn(&mut [Vec<F>; K], usize) -> R + Sync + Send,
) -> R
where
    F: Real,
    R: Copy + Default + AddAssign + Send,
{
    let (gather_from, write_back) = io;
    let rows = 1usize << (hi - lo);
    let row_len = 1usize << lo;
    let outer = arrays[0].len() >> hi;
    // Column pieces per outer block: enough tasks for the pool, none narrower than a row chunk.
    let pieces = if parallel {
        let want = (rayon::current_num_threads() * 4)
            .div_ceil(outer)
            .next_power_of_two();
        want.clamp(1, row_len / w)
    } else {
        1
    };
    let piece = row_len / pieces;
    let mut tasks: Vec<(usize, [Vec<&mut [F]>; K])> = (0..outer * pieces)
        .map(|t| {
            (
                ((t / pieces) << hi) + (t % pieces) * piece,
                std::array::from_fn(|_| Vec::with_capacity(rows)),
            )
        })
        .collect();
    for (k, arr) in arrays.into_iter().enumerate() {
        for (o, block) in arr.chunks_mut(1 << hi).enumerate() {
            for row in block.chunks_mut(row_len) {
                for (t, p) in row.chunks_mut(piece).enumerate() {
                    tasks[o * pieces + t].1[k].push(p);
                }
            }
        }
    }
    let run = |bufs: &mut [Vec<F>; K], (base, mut task): (usize, [Vec<&mut [F]>; K])| -> R {
        let mut acc = R::default();
        for col in (0..piece).step_by(w) {
            for (buf, rows_k) in bufs.iter_mut().zip(task.iter()).skip(gather_from) {
                for (r, (dst, src)) in buf.chunks_exact_mut(w).zip(rows_k.iter()).enumerate() {
                    if let Some(ahead) = rows_k.get(r + GATHER_AHEAD) {
                        for k in (0..w).step_by(8) {
                            prefetch(ahead, col + k);
                        }
                    }
                    copy_row(dst, &src[col..col + w]);
                }
            }
            acc += f(bufs, base + col);
            for (buf, rows_k) in bufs.iter().zip(task.iter_mut()).take(write_back) {
                for (src, dst) in buf.chunks_exact(w).zip(rows_k.iter_mut()) {
                    copy_row(&mut dst[col..col + w], src);
                }
            }
        }
        acc
    };
    let new_bufs = || -> [Vec<F>; K] { std::array::from_fn(|_| vec![F::default(); rows * w]) };
    let parts: Vec<R> = if parallel && tasks.len() > 1 {
        tasks.into_par_iter().map_init(new_bufs, run).collect()
    } else {
        let mut bufs = new_bufs();
        tasks.into_iter().map(|t| run(&mut bufs, t)).collect()
    };
    let mut total = R::default();
    for part in parts {
        total += part;
    }
    total
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The plain single-qubit gate on a full vector, for comparison.
    fn rx_plain(re: &mut [f64], im: &mut [f64], q: usize, beta: f64) {
        let (s, c) = beta.sin_cos();
        for x in 0..re.len() {
            if x >> q & 1 == 0 {
                let y = x | 1 << q;
                let (ar, ai, br, bi) = (re[x], im[x], re[y], im[y]);
                re[x] = c * ar + s * bi;
                im[x] = c * ai - s * br;
                re[y] = c * br + s * ai;
                im[y] = c * bi - s * ar;
            }
        }
    }

    #[test]
    fn slabs_rotate_the_right_pairs() {
        let n = 19;
        let len = 1usize << n;
        let re0: Vec<f64> = (0..len).map(|x| (x as f64 * 0.37).sin()).collect();
        let im0: Vec<f64> = (0..len).map(|x| (x as f64 * 0.11).cos()).collect();
        let beta = 0.3;
        let (s, c) = f64::sin_cos(beta);
        for parallel in [false, true] {
            let (mut re, mut im) = (re0.clone(), im0.clone());
            let w = <f64 as Real>::ROW;
            for g in high_groups(n, 14, HIGH_BITS) {
                for_each_slab(
                    [&mut re[..], &mut im[..]],
                    g,
                    w,
                    parallel,
                    (0, 2),
                    |[br, bi], _| {
                        for j in 0..g.1 - g.0 {
                            rotate(br, bi, w << j, c, s);
                        }
                        0.0
                    },
                );
            }
            let (mut pre, mut pim) = (re0.clone(), im0.clone());
            for q in 14..n {
                rx_plain(&mut pre, &mut pim, q, beta);
            }
            assert_eq!(re, pre);
            assert_eq!(im, pim);
        }
    }
}
