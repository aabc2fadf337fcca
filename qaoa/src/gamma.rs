//! The phase step of the adjoint gradient: the γ term `Σ E·Im(conj(λ)·φ)` of a block and
//! the phase `e^{∓iγE}` in the same sweep, compiled like the butterflies (AVX-512/AVX2 copies
//! chosen at run time). Written as a plain loop over slices it ran as SSE2 scalar code: 44 ms
//! of a 142 ms backward low pass per layer at n = 24 on one thread.

use crate::butterfly::{Isa, LANES, PhaseSrc, dispatch, isa};
use crate::real::Real;

/// One block of the phase step, window by window (the phase lookup resolved once per 8
/// amplitudes so the arithmetic vectorises); `cost` holds the block's energies.
///
/// * `A = 4`, arrays `[φ re, φ im, λ re, λ im]` (the two-state gradient): returns the γ term
///   of φ and λ as given, then multiplies both by the phase.
/// * `A = 6`, arrays `[φ re, φ im, out re, out im, λ re, λ im]` (the checkpointed gradient):
///   writes `out = phase·φ` and returns the γ term of `out` and λ; φ and λ are only read.
#[inline(always)]
fn gamma_step_impl<F: Real, const A: usize, const FMA: bool>(
    arrs: [&mut [F]; A],
    phase: &PhaseSrc<'_, F>,
    cost: &[f64],
) -> f64 {
    debug_assert!(A == 4 || A == 6);
    let mut arrs = arrs;
    let (phi, rest) = arrs.split_at_mut(2);
    let (out, lam) = rest.split_at_mut(A - 4);
    let ([pr, pi], [lr, li]) = (phi, lam) else {
        unreachable!("two arrays each for φ and λ")
    };
    let mut acc = [0.0f64; LANES];
    let len = pr.len();
    for o in (0..len).step_by(LANES) {
        let win = |a: &[F]| -> [F; LANES] { a[o..o + LANES].try_into().expect("a window") };
        let (mut a, mut b, mut x, mut y) = (win(pr), win(pi), win(lr), win(li));
        let (cr, ci) = phase
            .window(o)
            .unwrap_or(([F::from_f64(1.0); LANES], [F::default(); LANES]));
        let turn = |r: [F; LANES], i: [F; LANES]| -> ([F; LANES], [F; LANES]) {
            (
                std::array::from_fn(|k| r[k] * cr[k] - i[k] * ci[k]),
                std::array::from_fn(|k| r[k] * ci[k] + i[k] * cr[k]),
            )
        };
        if A == 6 {
            (a, b) = turn(a, b);
            out[0][o..o + LANES].copy_from_slice(&a);
            out[1][o..o + LANES].copy_from_slice(&b);
        }
        let c: &[f64; LANES] = cost[o..o + LANES].try_into().expect("a window");
        for k in 0..LANES {
            acc[k] += c[k] * (x[k] * b[k] - y[k] * a[k]).to_f64();
        }
        if A == 4 {
            (a, b) = turn(a, b);
            (x, y) = turn(x, y);
            pr[o..o + LANES].copy_from_slice(&a);
            pi[o..o + LANES].copy_from_slice(&b);
            lr[o..o + LANES].copy_from_slice(&x);
            li[o..o + LANES].copy_from_slice(&y);
        }
    }
    acc.iter().sum()
}

dispatch!(gamma_step, gamma_step_impl, (arrs: [&mut [F]; A], phase: &PhaseSrc<'_, F>, cost: &[f64]));
