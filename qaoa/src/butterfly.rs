//! The X-mixer butterflies on 8-amplitude windows, several qubits per load/store, compiled
//! once per instruction set and chosen at run time.
//!
//! A *window* is 8 consecutive amplitudes (one AVX-512 vector of f64, two of AVX2). Qubits
//! 0–2 pair amplitudes inside a window and are rotated with lane shuffles; every higher qubit
//! pairs whole windows, and two such qubits are rotated per load/store of 4 windows
//! (radix-4), so a block in cache is read and written once per two qubits instead of once
//! per qubit. The arithmetic is written on fixed-size arrays, which the compiler turns into
//! vector code; the instruction set comes from `#[target_feature]` copies of the same code.
//!
//! Measured at n = 24, complex128, one thread (`qaoa_layer`): per-qubit strided passes with
//! SSE2 took 261 ms per layer; these kernels with AVX-512 take about 120 ms.

use std::sync::OnceLock;

use crate::real::Real;

/// Amplitudes per window.
pub(crate) const LANES: usize = 8;

type V<F> = [F; LANES];

/// `e^{-iβX}` as `(cos β, sin β)`; the inverse has `-sin β`.
///
/// (A tangent form, `I − i·tan β·X` with `cos^k β` folded into the phase, saves a multiply
/// per output but measured no faster at n = 20–24: the kernels are bound by loads and stores.)
#[derive(Debug, Clone, Copy)]
pub(crate) struct Rot<F> {
    pub c: F,
    pub s: F,
}

impl<F: Real> Rot<F> {
    /// `e^{-iβX}`.
    pub(crate) fn of(beta: f64) -> Self {
        let (s, c) = beta.sin_cos();
        Rot {
            c: F::from_f64(c),
            s: F::from_f64(s),
        }
    }

    /// The identity (β = 0), for kernels run only for their cross terms.
    fn identity() -> Self {
        Rot {
            c: F::from_f64(1.0),
            s: F::default(),
        }
    }

    /// The inverse rotation, `e^{+iβX}`.
    pub(crate) fn inverse(self) -> Self {
        Rot {
            c: self.c,
            s: -self.s,
        }
    }
}

/// The instruction set the kernels run with.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Isa {
    /// Whatever the compilation target guarantees (SSE2 on x86-64), no FMA.
    Portable,
    /// AVX2 with FMA.
    Avx2Fma,
    /// AVX-512 (F, VL) with FMA.
    Avx512,
}

impl Isa {
    /// Short name recorded in results (`"avx512"`, `"avx2+fma"`, `"portable"`).
    pub fn name(self) -> &'static str {
        match self {
            Isa::Portable => "portable",
            Isa::Avx2Fma => "avx2+fma",
            Isa::Avx512 => "avx512",
        }
    }
}

/// The instruction set in use: the best the CPU has, or `portable` when the environment
/// variable `QUBOFLOW_ISA=portable` is set (for comparisons and tests).
pub fn isa() -> Isa {
    static ISA: OnceLock<Isa> = OnceLock::new();
    *ISA.get_or_init(|| {
        if std::env::var("QUBOFLOW_ISA").is_ok_and(|v| v == "portable") {
            return Isa::Portable;
        }
        #[cfg(target_arch = "x86_64")]
        {
            if is_x86_feature_detected!("avx512f")
                && is_x86_feature_detected!("avx512vl")
                && is_x86_feature_detected!("fma")
            {
                return Isa::Avx512;
            }
            if is_x86_feature_detected!("avx2") && is_x86_feature_detected!("fma") {
                return Isa::Avx2Fma;
            }
        }
        Isa::Portable
    })
}

#[inline(always)]
fn madd<F: Real, const FMA: bool>(a: F, b: F, c: F) -> F {
    if FMA { a.mul_add(b, c) } else { a * b + c }
}

#[inline(always)]
fn bfly<F: Real, const FMA: bool>(
    ar: &mut V<F>,
    ai: &mut V<F>,
    br: &mut V<F>,
    bi: &mut V<F>,
    m: Rot<F>,
) {
    for k in 0..LANES {
        let (a_r, a_i, b_r, b_i) = (ar[k], ai[k], br[k], bi[k]);
        ar[k] = madd::<F, FMA>(m.c, a_r, m.s * b_i);
        ai[k] = madd::<F, FMA>(m.c, a_i, -(m.s * b_r));
        br[k] = madd::<F, FMA>(m.c, b_r, m.s * a_i);
        bi[k] = madd::<F, FMA>(m.c, b_i, -(m.s * a_r));
    }
}

/// `Im(conj(λ_a) φ_b + conj(λ_b) φ_a)` per lane, for windows a and b.
#[inline(always)]
fn im_cross<F: Real>(
    pa: (&V<F>, &V<F>),
    pb: (&V<F>, &V<F>),
    la: (&V<F>, &V<F>),
    lb: (&V<F>, &V<F>),
) -> V<F> {
    let acc: V<F> = std::array::from_fn(|k| {
        la.0[k] * pb.1[k] - la.1[k] * pb.0[k] + lb.0[k] * pa.1[k] - lb.1[k] * pa.0[k]
    });
    acc
}

/// Adds lane sums into an f64 accumulator (vertical adds: no horizontal reduction per window,
/// which cost more than the butterflies themselves in the gradient).
#[inline(always)]
fn add_lanes<F: Real>(acc: &mut [f64; LANES], part: &V<F>) {
    for k in 0..LANES {
        acc[k] += part[k].to_f64();
    }
}

/// Inserts a zero bit at each of `bits` (ascending) into `g`.
#[inline(always)]
fn deposit(mut g: usize, bits: &[usize]) -> usize {
    for &b in bits {
        let low = g & ((1 << b) - 1);
        g = ((g ^ low) << 1) | low;
    }
    g
}

/// Rotates the window bits `bits` (K of them, ascending) of `A/2` states held as `A` arrays
/// (re, im, re, im …). With two states, returns `Σ_bits Im⟨λ|X|φ⟩` (λ the second state).
/// Without `ROT` nothing is rotated or written: only the cross terms are summed.
#[inline(always)]
fn group_kernel<F: Real, const A: usize, const K: usize, const FMA: bool, const ROT: bool>(
    arrs: &mut [&mut [F]; A],
    bits: [usize; K],
    m: Rot<F>,
) -> f64 {
    let rows = 1usize << K;
    let nwin = arrs[0].len() / LANES;
    let mut offs = [0usize; 8];
    for (r, o) in offs.iter_mut().enumerate().take(rows) {
        for (t, &b) in bits.iter().enumerate() {
            if r >> t & 1 == 1 {
                *o += 1 << b;
            }
        }
    }
    let mut acc = [0.0f64; LANES];
    for g in 0..(nwin >> K) {
        let base = deposit(g, &bits);
        let mut v = [[[F::default(); LANES]; 8]; A];
        for a in 0..A {
            for r in 0..rows {
                let o = (base + offs[r]) * LANES;
                v[a][r].copy_from_slice(&arrs[a][o..o + LANES]);
            }
        }
        let mut part = [F::default(); LANES];
        for t in 0..K {
            let h = 1usize << t;
            for r in 0..rows {
                if r & h != 0 {
                    continue;
                }
                if A == 4 {
                    let c = im_cross(
                        (&v[0][r], &v[1][r]),
                        (&v[0][r | h], &v[1][r | h]),
                        (&v[2][r], &v[3][r]),
                        (&v[2][r | h], &v[3][r | h]),
                    );
                    for k in 0..LANES {
                        part[k] += c[k];
                    }
                }
                if !ROT {
                    continue;
                }
                for st in 0..A / 2 {
                    let (mut ar, mut ai, mut br, mut bi) = (
                        v[2 * st][r],
                        v[2 * st + 1][r],
                        v[2 * st][r | h],
                        v[2 * st + 1][r | h],
                    );
                    bfly::<F, FMA>(&mut ar, &mut ai, &mut br, &mut bi, m);
                    v[2 * st][r] = ar;
                    v[2 * st + 1][r] = ai;
                    v[2 * st][r | h] = br;
                    v[2 * st + 1][r | h] = bi;
                }
            }
        }
        if A == 4 {
            add_lanes(&mut acc, &part);
        }
        if !ROT {
            continue;
        }
        for a in 0..A {
            for r in 0..rows {
                let o = (base + offs[r]) * LANES;
                arrs[a][o..o + LANES].copy_from_slice(&v[a][r]);
            }
        }
    }
    acc.iter().sum()
}

/// Where the phase `e^{-iγE}` of each amplitude of a block comes from, when it is fused into
/// the first sweep of the mixer.
pub(crate) enum PhaseSrc<'a, F> {
    /// No phase in this sweep.
    None,
    /// Table lookup through a `u8` index.
    TableU8 {
        idx: &'a [u8],
        re: &'a [F; 256],
        im: &'a [F; 256],
    },
    /// Table lookup through a `u16` index.
    TableU16 {
        idx: &'a [u16],
        re: &'a [F],
        im: &'a [F],
    },
    /// One precomputed phase per amplitude of the block.
    Dense { re: &'a [F], im: &'a [F] },
}

impl<F: Real> PhaseSrc<'_, F> {
    /// The phase of amplitude `k` of the block (1 when there is none).
    #[inline(always)]
    pub(crate) fn at(&self, k: usize) -> (F, F) {
        match self {
            PhaseSrc::None => (F::from_f64(1.0), F::default()),
            PhaseSrc::TableU8 { idx, re, im } => (re[idx[k] as usize], im[idx[k] as usize]),
            PhaseSrc::TableU16 { idx, re, im } => (re[idx[k] as usize], im[idx[k] as usize]),
            PhaseSrc::Dense { re, im } => (re[k], im[k]),
        }
    }

    /// The 8 phases of the window starting at amplitude `o` of the block.
    #[inline(always)]
    pub(crate) fn window(&self, o: usize) -> Option<(V<F>, V<F>)> {
        let mut pr = [F::default(); LANES];
        let mut pi = [F::default(); LANES];
        match self {
            PhaseSrc::None => return None,
            PhaseSrc::TableU8 { idx, re, im } => {
                for (x, &k) in idx[o..o + LANES].iter().enumerate() {
                    pr[x] = re[k as usize];
                    pi[x] = im[k as usize];
                }
            }
            PhaseSrc::TableU16 { idx, re, im } => {
                for (x, &k) in idx[o..o + LANES].iter().enumerate() {
                    pr[x] = re[k as usize];
                    pi[x] = im[k as usize];
                }
            }
            PhaseSrc::Dense { re, im } => {
                pr.copy_from_slice(&re[o..o + LANES]);
                pi.copy_from_slice(&im[o..o + LANES]);
            }
        }
        Some((pr, pi))
    }
}

/// `e^{-iβX}` on the lane pairs `x, x ^ MB` of a window (qubit log2(MB)).
#[inline(always)]
fn rot_lanes<F: Real, const FMA: bool, const MB: usize>(r: &mut V<F>, i: &mut V<F>, m: Rot<F>) {
    let (r0, i0) = (*r, *i);
    for x in 0..LANES {
        r[x] = madd::<F, FMA>(m.c, r0[x], m.s * i0[x ^ MB]);
        i[x] = madd::<F, FMA>(m.c, i0[x], -(m.s * r0[x ^ MB]));
    }
}

/// `Im(conj(λ_x) φ_{x^MB})` per lane of a window.
#[inline(always)]
fn im_lanes<F: Real, const MB: usize>(pr: &V<F>, pi: &V<F>, lr: &V<F>, li: &V<F>) -> V<F> {
    let mut acc = [F::default(); LANES];
    for x in 0..LANES {
        acc[x] = lr[x] * pi[x ^ MB] - li[x] * pr[x ^ MB];
    }
    acc
}

/// Asks the cache to fetch the line holding `base + offset` (a hint: any address is allowed,
/// nothing is dereferenced and an address outside the state is simply ignored by the CPU).
#[inline(always)]
#[allow(unsafe_code)]
pub(crate) fn prefetch<F>(base: &[F], offset: usize) {
    #[cfg(target_arch = "x86_64")]
    {
        let p = base.as_ptr().wrapping_add(offset) as *const i8;
        // SAFETY: PREFETCHT1 never faults and does not access memory architecturally; the
        // pointer is not dereferenced.
        unsafe { std::arch::x86_64::_mm_prefetch::<{ std::arch::x86_64::_MM_HINT_T1 }>(p) };
    }
    #[cfg(not(target_arch = "x86_64"))]
    let _ = (base, offset);
}

/// Applies the phase (if any), then rotates qubits 0–2 (those with `mask[q]`) inside every
/// window. `offset` is the sub-block's first amplitude within its block (for the phase).
#[inline(always)]
fn low3_kernel<F: Real, const A: usize, const FMA: bool, const ROT: bool>(
    arrs: &mut [&mut [F]; A],
    mask: [bool; 3],
    m: Rot<F>,
    phase: &PhaseSrc<'_, F>,
    offset: usize,
) -> f64 {
    let nwin = arrs[0].len() / LANES;
    // The next sub-block (or block) is requested while this one is worked on: this first
    // sweep is the one that waits for DRAM (`perf`: a third of the low pass stalled on its
    // loads). n = 24, one thread, three interleaved runs: 86 ms per layer against 90 ms.
    let ahead = arrs[0].len();
    let mut acc = [0.0f64; LANES];
    for w in 0..nwin {
        let o = w * LANES;
        for a in arrs.iter() {
            prefetch(a, o + ahead);
        }
        let mut v = [[F::default(); LANES]; A];
        for a in 0..A {
            v[a].copy_from_slice(&arrs[a][o..o + LANES]);
        }
        if let Some((pr, pi)) = phase.window(offset + o) {
            for st in 0..A / 2 {
                let (r0, i0) = (v[2 * st], v[2 * st + 1]);
                for x in 0..LANES {
                    v[2 * st][x] = r0[x] * pr[x] - i0[x] * pi[x];
                    v[2 * st + 1][x] = r0[x] * pi[x] + i0[x] * pr[x];
                }
            }
        }
        let mut part = [F::default(); LANES];
        macro_rules! lane_qubit {
            ($q:expr, $mb:expr) => {
                if mask[$q] {
                    if A == 4 {
                        let c = im_lanes::<F, $mb>(&v[0], &v[1], &v[2], &v[3]);
                        for k in 0..LANES {
                            part[k] += c[k];
                        }
                    }
                    for st in 0..A / 2 * ROT as usize {
                        let (mut r, mut i) = (v[2 * st], v[2 * st + 1]);
                        rot_lanes::<F, FMA, $mb>(&mut r, &mut i, m);
                        v[2 * st] = r;
                        v[2 * st + 1] = i;
                    }
                }
            };
        }
        lane_qubit!(0, 1);
        lane_qubit!(1, 2);
        lane_qubit!(2, 4);
        if A == 4 {
            add_lanes(&mut acc, &part);
        }
        if ROT {
            for a in 0..A {
                arrs[a][o..o + LANES].copy_from_slice(&v[a]);
            }
        }
    }
    acc.iter().sum()
}

/// Rotates the given window bits (any number, ascending), two per sweep.
#[inline(always)]
fn rotate_window_bits<F: Real, const A: usize, const FMA: bool, const ROT: bool>(
    arrs: &mut [&mut [F]; A],
    bits: &[usize],
    m: Rot<F>,
) -> f64 {
    let mut acc = 0.0;
    // Radix-4 (two qubits per load/store of 4 windows): measured faster than radix-8 for one
    // state (n = 20, 22: ~10-20 %) and for two (the gradient: 0.41 s vs 0.52 s at n = 22),
    // whose 8 × 8 × 2 windows do not fit the 32 vector registers.
    for chunk in bits.chunks(2) {
        acc += match *chunk {
            [a, b] => group_kernel::<F, A, 2, FMA, ROT>(arrs, [a, b], m),
            [a] => group_kernel::<F, A, 1, FMA, ROT>(arrs, [a], m),
            _ => 0.0,
        };
    }
    acc
}

/// Sub-blocks of this many amplitudes (32 KiB of complex128) stay in L1 for qubits 3–10.
const L1_BITS: usize = 11;

/// Phase (if any), then the mixer on the qubits `q < low` with `on[q]`, of one contiguous
/// block of `2^low` amplitudes.
#[inline(always)]
fn block_impl<F: Real, const A: usize, const FMA: bool, const ROT: bool>(
    arrs: [&mut [F]; A],
    low: usize,
    on: &[bool],
    m: Rot<F>,
    phase: &PhaseSrc<'_, F>,
) -> f64 {
    // Four arrays (the gradient) get half-size sub-blocks so they too stay in L1.
    let sub = low.min(L1_BITS + 1 - A / 2);
    let mask = [on[0], on[1], on[2]];
    let inner: Vec<usize> = (3..sub).filter(|&q| on[q]).map(|q| q - 3).collect();
    let outer: Vec<usize> = (sub..low).filter(|&q| on[q]).map(|q| q - 3).collect();
    let mut acc = 0.0;
    let len = arrs[0].len();
    let mut arrs = arrs;
    for start in (0..len).step_by(1 << sub) {
        let mut parts: [&mut [F]; A] = std::array::from_fn(|_| &mut [][..]);
        for (p, a) in parts.iter_mut().zip(arrs.iter_mut()) {
            *p = &mut a[start..start + (1 << sub)];
        }
        acc += low3_kernel::<F, A, FMA, ROT>(&mut parts, mask, m, phase, start);
        acc += rotate_window_bits::<F, A, FMA, ROT>(&mut parts, &inner, m);
    }
    acc + rotate_window_bits::<F, A, FMA, ROT>(&mut arrs, &outer, m)
}

/// Mixer on a gathered slab: `2^g` rows of `row` amplitudes; row bit j is qubit `on[j]`.
#[inline(always)]
fn slab_impl<F: Real, const A: usize, const FMA: bool, const ROT: bool>(
    mut arrs: [&mut [F]; A],
    row: usize,
    on: &[bool],
    m: Rot<F>,
) -> f64 {
    let shift = (row / LANES).trailing_zeros() as usize;
    let bits: Vec<usize> = (0..on.len())
        .filter(|&j| on[j])
        .map(|j| j + shift)
        .collect();
    rotate_window_bits::<F, A, FMA, ROT>(&mut arrs, &bits, m)
}

/// [`block_impl`] rotating every state.
#[inline(always)]
fn mix_block_impl<F: Real, const A: usize, const FMA: bool>(
    arrs: [&mut [F]; A],
    low: usize,
    on: &[bool],
    m: Rot<F>,
    phase: &PhaseSrc<'_, F>,
) -> f64 {
    block_impl::<F, A, FMA, true>(arrs, low, on, m, phase)
}

/// [`slab_impl`] rotating every state.
#[inline(always)]
fn mix_slab_impl<F: Real, const A: usize, const FMA: bool>(
    arrs: [&mut [F]; A],
    row: usize,
    on: &[bool],
    m: Rot<F>,
) -> f64 {
    slab_impl::<F, A, FMA, true>(arrs, row, on, m)
}

/// `Σ_q Im⟨λ|X_q|φ⟩` over the block's qubits `q < low` with `on[q]`, arrays `[φ, λ]` as
/// (re, im, re, im); reads only.
#[inline(always)]
fn cross_block_impl<F: Real, const A: usize, const FMA: bool>(
    arrs: [&mut [F]; A],
    low: usize,
    on: &[bool],
) -> f64 {
    block_impl::<F, A, FMA, false>(arrs, low, on, Rot::identity(), &PhaseSrc::None)
}

/// [`cross_block_impl`] on a gathered slab (see [`slab_impl`]).
#[inline(always)]
fn cross_slab_impl<F: Real, const A: usize, const FMA: bool>(
    arrs: [&mut [F]; A],
    row: usize,
    on: &[bool],
) -> f64 {
    slab_impl::<F, A, FMA, false>(arrs, row, on, Rot::identity())
}

/// Defines `$name`, which runs `$impl_fn::<F, A, FMA>` compiled for the best instruction set
/// the CPU has.
macro_rules! dispatch {
    ($name:ident, $impl_fn:ident, ($($arg:ident : $ty:ty),*)) => {
        /// Runs the kernel with the best instruction set the CPU has (see [`isa`]).
        #[allow(unsafe_code)]
        pub(crate) fn $name<F: Real, const A: usize>($($arg: $ty),*) -> f64 {
            #[cfg(target_arch = "x86_64")]
            {
                #[target_feature(enable = "avx512f,avx512vl,avx2,fma")]
                fn avx512<F: Real, const A: usize>($($arg: $ty),*) -> f64 {
                    $impl_fn::<F, A, true>($($arg),*)
                }
                #[target_feature(enable = "avx2,fma")]
                fn avx2<F: Real, const A: usize>($($arg: $ty),*) -> f64 {
                    $impl_fn::<F, A, true>($($arg),*)
                }
                match isa() {
                    // SAFETY: `isa()` returned this variant only after
                    // `is_x86_feature_detected!` confirmed every feature the function enables.
                    Isa::Avx512 => return unsafe { avx512::<F, A>($($arg),*) },
                    // SAFETY: as above, AVX2 and FMA were detected.
                    Isa::Avx2Fma => return unsafe { avx2::<F, A>($($arg),*) },
                    Isa::Portable => {}
                }
            }
            $impl_fn::<F, A, false>($($arg),*)
        }
    };
}

dispatch!(mix_block, mix_block_impl, (arrs: [&mut [F]; A], low: usize, on: &[bool], m: Rot<F>, phase: &PhaseSrc<'_, F>));
dispatch!(mix_slab, mix_slab_impl, (arrs: [&mut [F]; A], row: usize, on: &[bool], m: Rot<F>));
dispatch!(cross_block, cross_block_impl, (arrs: [&mut [F]; A], low: usize, on: &[bool]));
dispatch!(cross_slab, cross_slab_impl, (arrs: [&mut [F]; A], row: usize, on: &[bool]));

pub(crate) use dispatch;
