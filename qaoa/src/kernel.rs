//! The X-mixer butterflies and the drivers that walk a statevector in cache-sized blocks.
//!
//! Layout: real and imaginary parts in separate arrays (structure of arrays), so the
//! butterflies vectorise without shuffles. A layer visits memory in as few sweeps as possible:
//!
//! * the **low pass** works on contiguous blocks of `2^L` amplitudes (L = 14: 256 KiB of
//!   complex128, L2-resident) and applies the phase and the mixer on qubits `0..L`;
//! * each **high pass** covers up to [`HIGH_BITS`] further qubits: for a slab of 64-byte column
//!   chunks it gathers the `2^g` rows that differ only in those qubits into a contiguous
//!   buffer, rotates them there (strides ≥ one cache line, so every butterfly vectorises), and
//!   scatters them back.
//!
//! For n ≤ 26 a layer is therefore two sweeps over the state. Both passes take a `parallel`
//! switch: the same per-block work runs under rayon or in a plain loop (the serial twin used in
//! tests); blocks never share amplitudes, so the two give identical states.

use rayon::prelude::*;

use crate::real::Real;

/// Qubits per high pass: a gathered slab of 2^10 rows × 512 B × 2 arrays is 1 MiB.
pub(crate) const HIGH_BITS: usize = 10;

/// Elements of `F` per gathered row chunk: one cache line per array. A compile-time constant,
/// so the row copies compile to a few vector moves instead of `memmove` calls (which took 30 %
/// of a layer at n = 24 before).
pub(crate) fn row_width<F: Real>() -> usize {
    F::ROW
}

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

/// The qubit ranges of the high passes for `n` qubits with `low` low bits.
pub(crate) fn high_groups(n: usize, low: usize) -> Vec<(usize, usize)> {
    let mut groups = Vec::new();
    let mut lo = low;
    while lo < n {
        let hi = (lo + HIGH_BITS).min(n);
        groups.push((lo, hi));
        lo = hi;
    }
    groups
}

/// `e^{-iβX}` on the qubit whose partner amplitude is `s` elements away, for every pair in
/// the buffer: `(a, b) → (c·a − i·sn·b, −i·sn·a + c·b)` with `c = cos β`, `sn = sin β`.
#[inline]
pub(crate) fn rotate<F: Real>(re: &mut [F], im: &mut [F], s: usize, c: F, sn: F) {
    for (rc, ic) in re.chunks_exact_mut(2 * s).zip(im.chunks_exact_mut(2 * s)) {
        let (r0, r1) = rc.split_at_mut(s);
        let (i0, i1) = ic.split_at_mut(s);
        for (((a_r, a_i), b_r), b_i) in r0
            .iter_mut()
            .zip(i0.iter_mut())
            .zip(r1.iter_mut())
            .zip(i1.iter_mut())
        {
            let (ar, ai, br, bi) = (*a_r, *a_i, *b_r, *b_i);
            *a_r = c * ar + sn * bi;
            *a_i = c * ai - sn * br;
            *b_r = c * br + sn * ai;
            *b_i = c * bi - sn * ar;
        }
    }
}

/// [`rotate`] applied to two states (φ and λ) at once, returning `Im⟨λ|X|φ⟩` for this qubit
/// over the buffer, measured before the rotation (the value is the same after it: X commutes
/// with its own rotation).
#[inline]
pub(crate) fn rotate_dual<F: Real>([pr, pi, lr, li]: [&mut [F]; 4], s: usize, c: F, sn: F) -> f64 {
    let mut acc = 0.0f64;
    let chunks = pr
        .chunks_exact_mut(2 * s)
        .zip(pi.chunks_exact_mut(2 * s))
        .zip(lr.chunks_exact_mut(2 * s).zip(li.chunks_exact_mut(2 * s)));
    for ((prc, pic), (lrc, lic)) in chunks {
        let (p0r, p1r) = prc.split_at_mut(s);
        let (p0i, p1i) = pic.split_at_mut(s);
        let (l0r, l1r) = lrc.split_at_mut(s);
        let (l0i, l1i) = lic.split_at_mut(s);
        let mut part = F::default();
        for k in 0..s {
            let (ar, ai, br, bi) = (p0r[k], p0i[k], p1r[k], p1i[k]);
            let (xr, xi, yr, yi) = (l0r[k], l0i[k], l1r[k], l1i[k]);
            // Im(conj(λ0)·φ1 + conj(λ1)·φ0)
            part += xr * bi - xi * br + yr * ai - yi * ar;
            p0r[k] = c * ar + sn * bi;
            p0i[k] = c * ai - sn * br;
            p1r[k] = c * br + sn * ai;
            p1i[k] = c * bi - sn * ar;
            l0r[k] = c * xr + sn * yi;
            l0i[k] = c * xi - sn * yr;
            l1r[k] = c * yr + sn * xi;
            l1i[k] = c * yi - sn * xr;
        }
        acc += part.to_f64();
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
/// Returns the
/// sum of the results.
pub(crate) fn for_each_slab<F, const K: usize>(
    arrays: [&mut [F]; K],
    (lo, hi): (usize, usize),
    w: usize,
    parallel: bool,
    f: impl Fn(&mut [Vec<F>; K], usize) -> f64 + Sync + Send,
) -> f64
where
    F: Real,
{
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
    let run = |bufs: &mut [Vec<F>; K], (base, mut task): (usize, [Vec<&mut [F]>; K])| -> f64 {
        let mut acc = 0.0;
        for col in (0..piece).step_by(w) {
            for (buf, rows_k) in bufs.iter_mut().zip(task.iter()) {
                for (dst, src) in buf.chunks_exact_mut(w).zip(rows_k.iter()) {
                    copy_row(dst, &src[col..col + w]);
                }
            }
            acc += f(bufs, base + col);
            for (buf, rows_k) in bufs.iter().zip(task.iter_mut()) {
                for (src, dst) in buf.chunks_exact(w).zip(rows_k.iter_mut()) {
                    copy_row(&mut dst[col..col + w], src);
                }
            }
        }
        acc
    };
    let new_bufs = || -> [Vec<F>; K] { std::array::from_fn(|_| vec![F::default(); rows * w]) };
    let parts: Vec<f64> = if parallel && tasks.len() > 1 {
        tasks.into_par_iter().map_init(new_bufs, run).collect()
    } else {
        let mut bufs = new_bufs();
        tasks.into_iter().map(|t| run(&mut bufs, t)).collect()
    };
    parts.iter().sum()
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
            let w = row_width::<f64>();
            for g in high_groups(n, 14) {
                for_each_slab([&mut re[..], &mut im[..]], g, w, parallel, |[br, bi], _| {
                    for j in 0..g.1 - g.0 {
                        rotate(br, bi, w << j, c, s);
                    }
                    0.0
                });
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
