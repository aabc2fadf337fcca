//! The two-state form of the adjoint gradient: φ and λ are undone together layer by layer,
//! two statevectors in all. Used with XY mixers, below 3 qubits, with more than two high
//! passes, when the checkpoints would not fit, or on request
//! ([`EngineOptions::low_memory_gradient`](crate::EngineOptions)).

use crate::butterfly::{PhaseSrc, Rot, mix_block, mix_slab};
use crate::cost::PhaseLayer;
use crate::engine::{Angles, Engine, for_each_hop_run};
use crate::error::Result;
use crate::gamma::gamma_step;
use crate::kernel::{for_each_block, for_each_slab, rotate_dual, turn_dual_at};
use crate::memory::check_memory;
use crate::real::Real;
use crate::state::StateVector;

impl<F: Real> Engine<F> {
    /// The two-state adjoint gradient: φ and λ = Cφ are both undone layer by layer; every
    /// derivative is accumulated inside the passes that undo the layer (no extra sweeps).
    pub(crate) fn gradient_two_state(&self, angles: &Angles) -> Result<(f64, Vec<f64>)> {
        // Two pooled buffers need no new memory (and no ~20 µs read of /proc/meminfo).
        if self.pooled() < 2 {
            check_memory(self.n, F::PRECISION, 2)?;
        }
        let p = angles.depth();
        let mut phi = self.pooled_initial();
        self.apply_layers(&mut phi, angles);
        let mut lam = self.pooled_buffer();
        let energy = self.apply_cost(&mut phi, &mut lam);
        let mut grad = vec![0.0; 2 * p];
        for l in (0..p).rev() {
            if self.aborted() {
                break;
            }
            let (gb, gg) = self.layer_backward(&mut phi, &mut lam, angles.gamma[l], angles.beta[l]);
            grad[l] = 2.0 * gg;
            grad[p + l] = 2.0 * gb;
        }
        self.recycle(phi);
        self.recycle(lam);
        Ok((energy, grad))
    }

    /// Undoes one layer on φ and λ; returns `(Im⟨λ|B|φ⟩, Im⟨λ|C|φ⟩)` at the right points.
    fn layer_backward(
        &self,
        phi: &mut StateVector<F>,
        lam: &mut StateVector<F>,
        gamma: f64,
        beta: f64,
    ) -> (f64, f64) {
        let mut gb = 0.0;
        let (pr, pi) = (&mut phi.re[..], &mut phi.im[..]);
        let (lr, li) = (&mut lam.re[..], &mut lam.im[..]);
        if !self.plan.pairs.is_empty() {
            let steps = self.plan.trotter_steps;
            let theta = beta / steps as f64;
            let (s, c) = theta.sin_cos();
            let (c, s) = (F::from_f64(c), F::from_f64(-s));
            for _ in 0..steps {
                for &(a, b) in self.plan.pairs.iter().rev() {
                    gb += hop_dual([&mut *pr, &mut *pi, &mut *lr, &mut *li], a, b, c, s)
                        / steps as f64;
                }
            }
        }
        let (s, c) = beta.sin_cos();
        let (c, s) = (F::from_f64(c), F::from_f64(-s));
        let low = self.cost.low_bits();
        let xq = &self.plan.x_qubits;
        // Full rows for two states as well (a 2 MiB slab): n = 24, p = 4, one thread,
        // 1.85–1.87 s against 1.87–2.02 s with half-width rows.
        let w = F::ROW;
        let m = Rot { c, s };
        for g in self.active_high_groups().into_iter().rev() {
            let on = &xq[g.0..g.1];
            gb += for_each_slab(
                [&mut *pr, &mut *pi, &mut *lr, &mut *li],
                g,
                w,
                self.parallel,
                (0, 4),
                |[a, b, x, y], _| {
                    mix_slab::<F, 4>([&mut a[..], &mut b[..], &mut x[..], &mut y[..]], w, on, m)
                },
            );
        }
        let inverse: PhaseLayer<F> = self.cost.prepare_phase(-gamma);
        let bl = self.cost.block_len();
        let parts = for_each_block(
            [&mut *pr, &mut *pi, &mut *lr, &mut *li],
            bl,
            self.parallel,
            || self.scratch(),
            |b, [a, bi, x, y], scr| {
                let mut beta_part = 0.0;
                if low >= 3 {
                    beta_part = mix_block::<F, 4>(
                        [&mut *a, &mut *bi, &mut *x, &mut *y],
                        low,
                        xq,
                        m,
                        &PhaseSrc::None,
                    );
                } else {
                    for q in (0..low).filter(|&q| xq[q]) {
                        beta_part +=
                            rotate_dual([&mut *a, &mut *bi, &mut *x, &mut *y], 1 << q, c, s);
                    }
                }
                // Im⟨λ|C|φ⟩ and the inverse phase on both states in one sweep.
                scr.cost.resize(bl, 0.0);
                self.cost.fill_block_costs(b, &mut scr.cost);
                let src = self.cost.phase_source(&inverse, b, &mut scr.phase);
                if bl >= 8 {
                    let g = gamma_step::<F, 4>([a, bi, x, y], &src, &scr.cost);
                    return (beta_part, g);
                }
                let mut lanes = [0.0f64; 8];
                for k in 0..bl {
                    let (pr, pi, lr, li) = (a[k], bi[k], x[k], y[k]);
                    lanes[k] += scr.cost[k] * (lr * pi - li * pr).to_f64();
                    let (cr, ci) = src.at(k);
                    a[k] = pr * cr - pi * ci;
                    bi[k] = pr * ci + pi * cr;
                    x[k] = lr * cr - li * ci;
                    y[k] = lr * ci + li * cr;
                }
                (beta_part, lanes.iter().sum::<f64>())
            },
        );
        let (mut gg, mut gb_low) = (0.0, 0.0);
        for (bp, gp) in parts {
            gb_low += bp;
            gg += gp;
        }
        (gb + gb_low, gg)
    }
}

/// [`hop`] on φ and λ, returning `Im⟨λ|G|φ⟩` for the hop's generator G.
fn hop_dual<F: Real>([pr, pi, lr, li]: [&mut [F]; 4], a: usize, b: usize, c: F, s: F) -> f64 {
    let mut acc = 0.0;
    for_each_hop_run(pr.len(), a, b, |u, v, run| {
        for k in 0..run {
            acc +=
                turn_dual_at([&mut *pr, &mut *pi, &mut *lr, &mut *li], u + k, v + k, c, s).to_f64();
        }
    });
    acc
}
