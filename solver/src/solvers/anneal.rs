//! The Metropolis kernel shared by simulated annealing and parallel tempering.
//!
//! A [`Lanes<L>`] holds `L` independent reads of the same model in lock-step: fields and
//! spins are stored lane-interleaved (`[f64; L]` per variable), so after a proposal for
//! variable `i` the neighbour-field update of every lane that accepted is one pass over row
//! `i`, vectorised across lanes. That update is what bounds single-spin annealing (about 48
//! neighbours per flip on G1); doing it for 8 reads at once is where the speed comes from.
//!
//! Every lane draws from its own generator, only when its own move is uphill, and adds
//! exactly `0.0` to its fields when it did not flip, so **each lane's trajectory is
//! bit-identical to a single read run alone** (`L = 1`) with the same generator: how reads
//! are grouped into lanes never changes a result. `lanes_equal_scalar` tests this.

// Lane loops index several per-lane arrays in step; `for l in 0..L` says that most plainly
// and is the shape the compiler vectorises.
#![allow(clippy::needless_range_loop)]

use rand::Rng;
use rand::rngs::Xoshiro256PlusPlus;

use crate::qubo::Qubo;

/// `ln 2⁶⁴`: an uphill move with `β·Δ` above this is accepted with probability below 2⁻⁶⁴,
/// so it is rejected without drawing a random number.
const CUTOFF_BETA_DELTA: f64 = 44.361_419_555_836_5;
/// 2⁶⁴ as f64, the scale of acceptance thresholds compared with `next_u64()`.
pub(crate) const TWO_POW_64: f64 = 18_446_744_073_709_551_616.0;

/// How uphill moves are accepted: a table of thresholds for integer Δ, else `exp`.
#[derive(Debug, Clone)]
pub(crate) struct Acceptance {
    /// Largest integer Δ covered by the table (0: no table, the model is not integral).
    pub(crate) table_len: usize,
    /// `table[d] = e^{−βd}·2⁶⁴` for the current β; `table[0] = 2⁶⁴ − 1` (Δ ≤ 0 is accepted)
    /// and `table[table_len + 1] = 0` (past the table, when that is past the cutoff).
    pub(crate) table: Vec<u64>,
    /// Largest |Δ| the model can produce.
    max_delta: f64,
    /// Every coefficient is an integer.
    integral: bool,
    beta: f64,
    cutoff: f64,
}

impl Acceptance {
    /// Chooses the table size for a model: only for integer coefficients, at most the
    /// largest possible |Δ|, and at most about half a sweep of work to rebuild per β.
    pub(crate) fn for_model(qubo: &Qubo) -> Self {
        let integral = qubo.linear().iter().all(|w| w.fract() == 0.0)
            && qubo.interactions().all(|(_, _, w)| w.fract() == 0.0);
        let max_delta = (0..qubo.num_vars())
            .map(|i| {
                let (_, v) = qubo.adjacency().row(i);
                qubo.linear()[i].abs() + v.iter().map(|w| w.abs()).sum::<f64>()
            })
            .fold(0.0f64, f64::max);
        let mut table_len = 0;
        if integral && max_delta < 9.0e15 {
            let cap = (qubo.num_vars() / 2).clamp(64, 1 << 16) as f64;
            table_len = max_delta.min(cap) as usize;
        }
        let mut table = vec![0; table_len + 2];
        table[0] = u64::MAX;
        Acceptance {
            table_len,
            table,
            max_delta,
            integral,
            beta: 0.0,
            cutoff: f64::INFINITY,
        }
    }

    /// True when `f32` lanes are exact for this model: integer coefficients and every local
    /// field (bounded by the largest `|h_i| + Σ_j |Q_ij|`) below 2²⁴.
    pub(crate) fn f32_exact(&self) -> bool {
        self.integral && self.max_delta < 16_777_216.0
    }

    /// Prepares for inverse temperature `beta`.
    pub(crate) fn set_beta(&mut self, beta: f64) {
        if beta == self.beta && self.cutoff.is_finite() {
            return;
        }
        self.beta = beta;
        self.cutoff = if beta > 0.0 {
            CUTOFF_BETA_DELTA / beta
        } else {
            f64::INFINITY
        };
        // Only entries below the cutoff are ever read (a Δ at or above it is rejected first).
        let fill = (self.table_len as f64).min(self.cutoff.ceil()) as usize;
        let step = (-beta).exp();
        let mut p = 1.0f64;
        for d in 1..=fill {
            // Repeated multiplication: relative error ~d·ε, far below the 2⁻⁵³ resolution
            // that matters for a probability, and no exp per entry.
            p *= step;
            self.table[d] = if (d as f64) < self.cutoff {
                (p * TWO_POW_64) as u64
            } else {
                0
            };
        }
        for d in fill + 1..=self.table_len {
            self.table[d] = 0;
        }
    }

    /// True when every Δ the model can produce is decided by the table at this β: within it,
    /// or beyond both the table and the cutoff. Then [`Acceptance::threshold`] applies.
    #[inline]
    pub(crate) fn table_decides(&self) -> bool {
        self.table_len > 0
            && ((self.table_len as f64) >= self.max_delta || (self.table_len as f64) >= self.cutoff)
    }

    /// The branch-free acceptance threshold of an integer Δ (valid when
    /// [`Acceptance::table_decides`]): a move is accepted when a uniform `u64` is below it.
    #[inline(always)]
    pub(crate) fn threshold(&self, d: f64) -> u64 {
        // Δ ≤ 0 → index 0 (always); past the table → the 0 sentinel (never).
        let idx = d.clamp(0.0, self.table_len as f64 + 1.0) as usize;
        self.table[idx]
    }

    /// Metropolis test for an uphill move `d > 0`.
    #[inline(always)]
    pub(crate) fn accept(&self, d: f64, rng: &mut Xoshiro256PlusPlus) -> bool {
        if d >= self.cutoff {
            return false;
        }
        let r = rng.next_u64();
        if d <= self.table_len as f64 {
            r < self.table[d as usize]
        } else {
            ((r >> 11) as f64) * (1.0 / 9_007_199_254_740_992.0) < (-self.beta * d).exp()
        }
    }
}

/// The number type of spins and fields in the lanes.
///
/// `f64` in general; `f32` for integer models whose every |Δ| stays below 2²⁴, where it is
/// exact (so trajectories are the same as with `f64`) and halves the bytes per variable:
/// 8 lanes × 4 B = 32 B per variable keeps G1's fields (800 variables) inside L1, while
/// 8 lanes of f64 do not (measured: 8×f64 lanes 44 M attempts/s, 4×f64 63 M/s on G1).
pub(crate) trait LaneFloat:
    Copy
    + PartialOrd
    + std::ops::Add<Output = Self>
    + std::ops::Sub<Output = Self>
    + std::ops::Mul<Output = Self>
    + std::ops::AddAssign
    + Send
    + Sync
    + 'static
{
    /// 0.
    const ZERO: Self;
    /// Conversion from f64 (exact for the values used).
    fn from_f64(v: f64) -> Self;
    /// Conversion to f64.
    fn to_f64(self) -> f64;
}

impl LaneFloat for f64 {
    const ZERO: Self = 0.0;
    #[inline(always)]
    fn from_f64(v: f64) -> Self {
        v
    }
    #[inline(always)]
    fn to_f64(self) -> f64 {
        self
    }
}

impl LaneFloat for f32 {
    const ZERO: Self = 0.0;
    #[inline(always)]
    fn from_f64(v: f64) -> Self {
        v as f32
    }
    #[inline(always)]
    fn to_f64(self) -> f64 {
        self as f64
    }
}

/// `L` reads in lock-step: spins `s = 1 − 2x` and local fields `f_i = h_i + Σ_j Q_ij x_j`.
pub(crate) struct Lanes<F: LaneFloat, const L: usize> {
    pub(crate) sign: Vec<[F; L]>,
    pub(crate) field: Vec<[F; L]>,
    pub(crate) energy: [f64; L],
    /// Lowest energy each lane has seen, and that state (kept exactly via the flip logs).
    pub(crate) best: [f64; L],
    best_sign: Vec<[F; L]>,
    log: [Vec<u32>; L],
    best_len: [usize; L],
}

impl<F: LaneFloat, const L: usize> Lanes<F, L> {
    /// Lanes starting from the states `xs` (one per lane).
    pub(crate) fn new(qubo: &Qubo, xs: &[Vec<u8>]) -> Self {
        assert_eq!(xs.len(), L);
        let n = qubo.num_vars();
        let mut sign = vec![[F::ZERO; L]; n];
        let mut field = vec![[F::ZERO; L]; n];
        let mut energy = [0.0; L];
        for (l, x) in xs.iter().enumerate() {
            for i in 0..n {
                sign[i][l] = F::from_f64(if x[i] == 0 { 1.0 } else { -1.0 });
                field[i][l] = F::from_f64(qubo.local_field(x, i));
            }
            energy[l] = qubo.energy(x);
        }
        Lanes {
            best_sign: sign.clone(),
            sign,
            field,
            best: energy,
            energy,
            log: std::array::from_fn(|_| Vec::with_capacity(n)),
            best_len: [usize::MAX; L],
        }
    }

    /// One Metropolis sweep of every lane, variables in order, all lanes at one β.
    #[inline]
    pub(crate) fn sweep(
        &mut self,
        qubo: &Qubo,
        acc: &Acceptance,
        rngs: &mut [Xoshiro256PlusPlus; L],
    ) {
        if acc.table_decides() {
            self.sweep_with::<true>(qubo, acc, rngs);
        } else {
            self.sweep_with::<false>(qubo, acc, rngs);
        }
    }

    /// The sweep; `TABLE` selects the branch-free decision for integer models.
    ///
    /// Branch-free (measured on G1 at β = 0.01, where about half the proposals go downhill and
    /// the rest are accepted at random: the `Δ ≤ 0` branch mispredicts constantly): every
    /// proposal draws a number and compares it with the table threshold, the flip log is
    /// appended unconditionally and its length advanced by the decision, and the best-state
    /// bookkeeping uses selects.
    #[inline(always)]
    fn sweep_with<const TABLE: bool>(
        &mut self,
        qubo: &Qubo,
        acc: &Acceptance,
        rngs: &mut [Xoshiro256PlusPlus; L],
    ) {
        let adj = qubo.adjacency();
        let n = self.sign.len();
        for l in 0..L {
            // Room for one flip per variable, written without capacity checks below.
            self.log[l].clear();
            self.log[l].resize(n, 0);
            self.best_len[l] = usize::MAX;
        }
        let mut len = [0usize; L];
        for i in 0..n {
            let s = self.sign[i];
            let f = self.field[i];
            // m[l] = s[l] if lane l flips i, else 0 (so its fields get exactly + 0).
            let mut m = [F::ZERO; L];
            let mut any = false;
            for l in 0..L {
                let d = (s[l] * f[l]).to_f64();
                let flip = if TABLE {
                    rngs[l].next_u64() < acc.threshold(d)
                } else {
                    d <= 0.0 || acc.accept(d, &mut rngs[l])
                };
                m[l] = if flip { s[l] } else { F::ZERO };
                self.energy[l] += if flip { d } else { 0.0 };
                self.log[l][len[l]] = i as u32;
                len[l] += usize::from(flip);
                let better = flip && self.energy[l] < self.best[l];
                self.best[l] = if better { self.energy[l] } else { self.best[l] };
                self.best_len[l] = if better { len[l] } else { self.best_len[l] };
                any |= flip;
            }
            if !any {
                continue;
            }
            for l in 0..L {
                self.sign[i][l] = s[l] - (m[l] + m[l]);
            }
            // x_i changes by s (0→1 when s = +1): each neighbour's field moves by s·w.
            let (cols, vals) = adj.row(i);
            for (j, w) in cols.iter().zip(vals) {
                let w = F::from_f64(*w);
                let fj = &mut self.field[*j as usize];
                for l in 0..L {
                    fj[l] += m[l] * w;
                }
            }
        }
        for l in 0..L {
            self.log[l].truncate(len[l]);
        }
        self.record_best();
    }

    /// After a sweep: the best state of each lane that improved is the current state with
    /// the flips after its best point undone.
    fn record_best(&mut self) {
        for l in 0..L {
            let k = self.best_len[l];
            if k == usize::MAX {
                continue;
            }
            for (b, s) in self.best_sign.iter_mut().zip(&self.sign) {
                b[l] = s[l];
            }
            for &i in &self.log[l][k..] {
                let b = &mut self.best_sign[i as usize][l];
                *b = F::ZERO - *b;
            }
        }
    }

    /// The best state lane `l` has seen.
    pub(crate) fn best_state(&self, l: usize) -> Vec<u8> {
        self.best_sign
            .iter()
            .map(|s| u8::from(s[l] < F::ZERO))
            .collect()
    }

    /// The current state of lane `l`.
    #[cfg(test)]
    pub(crate) fn state(&self, l: usize) -> Vec<u8> {
        self.sign.iter().map(|s| u8::from(s[l] < F::ZERO)).collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::{random_qubo, random_state};
    use rand::SeedableRng;

    #[test]
    fn table_matches_exp() {
        let q = random_qubo(300, 0.1, true, 1);
        let mut acc = Acceptance::for_model(&q);
        assert!(acc.table_len > 0);
        for beta in [0.01, 0.3, 2.0, 0.0] {
            acc.set_beta(beta);
            for d in 1..=acc.table_len.min(100) {
                let want = (-beta * d as f64).exp();
                let got = acc.table[d] as f64 / TWO_POW_64;
                if beta * (d as f64) < CUTOFF_BETA_DELTA {
                    assert!((got - want).abs() <= 1e-12 * want + 1e-19, "{beta} {d}");
                }
            }
        }
        let real = random_qubo(50, 0.5, false, 1);
        assert_eq!(Acceptance::for_model(&real).table_len, 0);
    }

    #[test]
    fn acceptance_rate_is_metropolis() {
        // At β = ln 2 a move with Δ = 1 is accepted half the time, through both paths.
        for integral in [true, false] {
            let q = random_qubo(200, 0.2, integral, 3);
            let mut acc = Acceptance::for_model(&q);
            acc.set_beta(std::f64::consts::LN_2);
            let mut rng = Xoshiro256PlusPlus::seed_from_u64(9);
            let trials = 200_000;
            let hits = (0..trials).filter(|_| acc.accept(1.0, &mut rng)).count();
            let rate = hits as f64 / trials as f64;
            assert!(
                (rate - 0.5).abs() < 0.005,
                "rate {rate} (integral: {integral})"
            );
        }
    }

    fn run<F: LaneFloat, const L: usize>(
        q: &Qubo,
        starts: &[Vec<u8>],
        seeds: &[u64],
        betas: &[f64],
    ) -> Vec<(Vec<u8>, Vec<u8>, f64)> {
        let mut lanes = Lanes::<F, L>::new(q, starts);
        let mut rngs: [Xoshiro256PlusPlus; L] =
            std::array::from_fn(|l| Xoshiro256PlusPlus::seed_from_u64(seeds[l]));
        let mut acc = Acceptance::for_model(q);
        for &b in betas {
            acc.set_beta(b);
            lanes.sweep(q, &acc, &mut rngs);
        }
        (0..L)
            .map(|l| (lanes.state(l), lanes.best_state(l), lanes.best[l]))
            .collect()
    }

    #[test]
    fn lanes_equal_scalar() {
        for integral in [true, false] {
            let q = random_qubo(70, 0.2, integral, 11);
            let starts: Vec<Vec<u8>> = (0..8).map(|k| random_state(70, k)).collect();
            let seeds: Vec<u64> = (100..108).collect();
            let betas: Vec<f64> = (0..60).map(|k| 0.02 * 1.08f64.powi(k)).collect();
            let eight = run::<f64, 8>(&q, &starts, &seeds, &betas);
            for l in 0..8 {
                let one = run::<f64, 1>(&q, &starts[l..=l], &seeds[l..=l], &betas);
                assert_eq!(eight[l], one[0], "lane {l} (integral: {integral})");
                // The tracked best energy is the energy of the tracked best state.
                assert!((q.energy(&one[0].1) - one[0].2).abs() < 1e-9);
            }
            if integral {
                // f32 lanes are exact on integer models: the very same trajectories.
                assert!(Acceptance::for_model(&q).f32_exact());
                assert_eq!(run::<f32, 8>(&q, &starts, &seeds, &betas), eight);
            } else {
                assert!(!Acceptance::for_model(&q).f32_exact());
            }
        }
    }
}
