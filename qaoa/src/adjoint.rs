//! The exact gradient of ⟨C⟩ by the adjoint method, in two forms.
//!
//! Every derivative is `2·Im⟨λ|G|φ⟩` for a gate's generator G, with φ the state and λ the
//! back-propagated `Cφ` at that gate, both taken at the same point of the circuit:
//! `∂E/∂β_l = 2·Im⟨λ_l|B|φ_l⟩` after layer l and `∂E/∂γ_l = 2·Im⟨λ_{l-1}|C|φ_{l-1}⟩` before
//! it (the phase commutes with C). X_q commutes with every X rotation, so a β term may be
//! taken before or after any of the layer's rotations, as long as φ and λ are taken alike.
//!
//! * **Checkpointed** (the default where memory allows): the forward pass keeps φ after
//!   every layer (and, with two high passes, after the low pass too) in kept buffers; the
//!   backward pass rotates only λ and reads φ from them. The high qubits' terms are summed over
//!   a gathered slab before λ turns in it, against φ after the layer (the first of two high
//!   passes: after, against φ after the low pass). The low qubits' terms are summed at the
//!   other end of the mixer, after λ has turned back, against φ after the phase, rebuilt in
//!   cache from φ before the layer, which the γ term reads anyway. The last layer's last high
//!   pass runs forwards and backwards in one sweep: φ at the end of the circuit, and the
//!   λ = Cφ sweep, are never written out. With one high pass, the forward layers use the
//!   wider low pass of an evaluation (`SPAN_BITS`) and the backward ones the cost blocks':
//!   the checkpoints lie between layers, where the split does not matter, and the merged
//!   last pass turns φ only on the qubits the forward low pass left. Measured (`qaoa_layer`,
//!   3-regular Max-Cut, p = 4, one thread, n = 24): 1.25–1.30 s, 3.4–3.6 evaluations of ⟨C⟩
//!   (an evaluation being a layer of `SPAN_BITS` faster than the gradient's backward ones),
//!   against 3.6–4.0 with a checkpoint after every pass and 4.9–5.0 for the two-state form.
//!   Tried and not kept: φ kept in slab order (contiguous reads, one more state per layer),
//!   the gather split into wide reads and half-width slabs, the two-state kernel on the
//!   gathered slab, splitting the high qubits into two passes, and the cross terms of five
//!   qubits per sweep from windows reused in L1 (five times slower: 128 strided lines per
//!   group outrun the prefetchers).
//! * **Two-state** (`two_state.rs`): φ and λ are undone together layer by layer; two
//!   statevectors in all.

use crate::butterfly::{PhaseSrc, Rot, cross_block, cross_slab, mix_block, mix_slab};
use crate::cost::PhaseLayer;
use crate::engine::{Angles, Engine};
use crate::error::Result;
use crate::gamma::gamma_step;
use crate::kernel::{for_each_block, for_each_slab};
use crate::memory::memory_for;
use crate::real::Real;
use crate::state::StateVector;
use quboflow::memory::available_memory;

/// Where the checkpoints of a gradient live: buffer 0 holds the start state; layer `l`
/// (0-based) writes φ after the layer to `end(l)` and, with two high passes, φ after its low
/// pass to `mid(l)` first.
#[derive(Debug, Clone, Copy)]
struct Layout {
    per_layer: usize,
    states: usize,
}

impl Layout {
    /// The first buffer layer `l` writes: `mid(l)` with two high passes, else `end(l)`.
    fn first(self, l: usize) -> usize {
        1 + self.per_layer * l
    }

    /// φ after the low pass of layer `l` (only with two high passes).
    fn mid(self, l: usize) -> usize {
        debug_assert_eq!(self.per_layer, 2);
        self.first(l)
    }

    fn end(self, l: usize) -> usize {
        self.first(l) + self.per_layer - 1
    }

    /// φ before layer `l`.
    fn before(self, l: usize) -> usize {
        if l == 0 { 0 } else { self.end(l - 1) }
    }
}

impl<F: Real> Engine<F> {
    /// ⟨C⟩ and its exact gradient `[∂/∂γ_1 … ∂/∂γ_p, ∂/∂β_1 … ∂/∂β_p]` by the adjoint method.
    ///
    /// With the X mixer, when `p + 2` statevectors (`2p + 2` from 25 qubits on) take at most
    /// half the memory left, it keeps φ after every layer and rotates only λ backwards (see
    /// the module notes); otherwise, or with
    /// [`EngineOptions::low_memory_gradient`](crate::EngineOptions), it keeps two statevectors
    /// and undoes both. The two agree to rounding (tested).
    pub fn gradient(&self, angles: &Angles) -> Result<(f64, Vec<f64>)> {
        angles.validate()?;
        let out = match self.checkpoint_layout(angles.depth()) {
            Some(layout) => self.gradient_checkpointed(angles, layout),
            None => {
                // Checkpoints from an earlier, shallower call would only crowd the two states.
                if let Ok(mut held) = self.checkpoints.lock() {
                    held.clear();
                }
                self.gradient_two_state(angles)?
            }
        };
        self.check_abort()?;
        Ok(out)
    }

    /// The checkpoint layout, when the checkpointed gradient applies and fits in memory.
    fn checkpoint_layout(&self, p: usize) -> Option<Layout> {
        let groups = self.active_high_groups().len();
        // Two high groups are the most a layer can have with one mid and one end checkpoint
        // (the first group's terms are taken against the mid one, the last's against the end).
        if self.low_memory_gradient
            || !self.plan.pairs.is_empty()
            || self.cost.low_bits() < 3
            || groups > 2
        {
            return None;
        }
        let per_layer = if groups == 2 { 2 } else { 1 };
        let states = 1 + per_layer * p;
        // The checkpoints and λ, less the checkpoints already held from an earlier call. A
        // speed-up is not worth more than half the memory left (at n = 28, p = 10 the
        // checkpoints would take 88 GiB); where the free memory is unknown, 2 GiB at most.
        // The OS is asked only when buffers must be added: reading /proc/meminfo takes ~20 µs,
        // 40 % of a whole gradient at n = 10.
        let held = self.checkpoints.lock().map(|v| v.len()).unwrap_or(0);
        let layout = Layout { per_layer, states };
        if held >= states && self.pooled() >= 1 {
            return Some(layout);
        }
        let more = (states + 1).saturating_sub(held) as u64;
        let need = memory_for(self.n, F::PRECISION, more.max(1));
        let budget = available_memory().map_or(2 << 30, |a| a / 2);
        (need <= budget).then_some(layout)
    }

    /// λ = Cφ and E = ⟨φ|C|φ⟩ in one pass that reads φ and writes λ.
    pub(crate) fn apply_cost(&self, phi: &mut StateVector<F>, lam: &mut StateVector<F>) -> f64 {
        let bl = self.cost.block_len();
        for_each_block(
            StateVector::arrays_of(lam, phi),
            bl,
            self.parallel,
            Vec::<f64>::new,
            |b, [lr, li, pr, pi], buf| {
                buf.resize(bl, 0.0);
                self.cost.fill_block_costs(b, buf);
                let mut acc = 0.0;
                for k in 0..bl {
                    let (rf, imf, c) = (pr[k].to_f64(), pi[k].to_f64(), buf[k]);
                    acc += (rf * rf + imf * imf) * c;
                    lr[k] = F::from_f64(rf * c);
                    li[k] = F::from_f64(imf * c);
                }
                acc
            },
        )
        .iter()
        .sum()
    }

    /// The checkpointed gradient (see the module notes); the buffers stay in
    /// `self.checkpoints` for the next call.
    fn gradient_checkpointed(&self, angles: &Angles, layout: Layout) -> (f64, Vec<f64>) {
        let p = angles.depth();
        let mut st: Vec<StateVector<F>> = self
            .checkpoints
            .lock()
            .map(|mut v| std::mem::take(&mut *v))
            .unwrap_or_default();
        st.truncate(layout.states);
        while st.len() < layout.states {
            st.push(self.pooled_buffer());
        }
        self.reset(&mut st[0]);
        let groups = self.active_high_groups();
        // With one high pass backwards, the forward layers take the wider low pass of
        // `layer` (`SPAN_BITS`): the checkpoints are whole layers, so the backward passes may
        // split the qubits differently. With two, the mid checkpoint ties the forward split
        // to the backward one. n = 24, p = 4, one thread: see `SPAN_BITS`.
        let low = self.cost.low_bits();
        let span = if groups.len() == 1 {
            self.span_bits()
        } else {
            low
        };
        let fwd = self.active_groups_above(span);
        // The last layer's last high pass runs forwards and backwards in one sweep (see
        // `merged_last_pass`) when the costs are indexed for reading inside a slab. With the
        // wider low pass, the forward group (if any) lies inside that backward one.
        let merged = self.cost.has_table() && !groups.is_empty();
        for l in 0..p {
            if self.aborted() {
                break;
            }
            let (head, tail) = st.split_at_mut(layout.first(l));
            let src = &head[layout.before(l)];
            let (first, end) = tail.split_at_mut(1);
            let end = if layout.per_layer == 2 {
                Some(&mut end[0])
            } else {
                None
            };
            // The merged pass turns φ on the last layer's last group: the same group, or,
            // with the wider low pass, the only forward group (which lies inside it).
            let run: &[(usize, usize)] = match (merged && l + 1 == p, span == low) {
                (false, _) => &fwd,
                (true, true) => &fwd[..fwd.len() - 1],
                (true, false) => &[],
            };
            self.forward_into(
                src,
                &mut first[0],
                end,
                (span, run),
                angles.gamma[l],
                angles.beta[l],
            );
        }
        let mut lam = self.pooled_buffer();
        let phi_end = &mut st[layout.end(p - 1)];
        let (energy, merged_term) = match groups.last() {
            Some(&g) if merged => {
                self.merged_last_pass(phi_end, &mut lam, (g, span), angles.beta[p - 1])
            }
            _ => (self.apply_cost(phi_end, &mut lam), 0.0),
        };
        let mut grad = vec![0.0; 2 * p];
        for l in (0..p).rev() {
            if self.aborted() {
                break;
            }
            let m = Rot::<F>::of(angles.beta[l]).inverse();
            let xq = &self.plan.x_qubits;
            let mut gb = 0.0;
            let mut todo = &groups[..];
            if merged && l + 1 == p {
                gb = merged_term;
                todo = &groups[..groups.len() - 1];
            }
            // The high passes, last group first. Against φ after the layer the terms are taken
            // before λ turns; against φ after the low pass (the first of two groups), after.
            // The low qubits' terms are taken in `backward_low`, against φ before the layer.
            // Full 512-byte rows, though the slab of four arrays then outgrows L2 (2 MiB): the
            // strided gathers, not the cache, set the pace. n = 24, p = 4, one thread, high
            // passes backwards: 515–519 ms against 634–705 ms with half-width rows.
            let w = F::ROW;
            for (k, &g) in todo.iter().enumerate().rev() {
                let (against, before) = if k + 1 == groups.len() {
                    (layout.end(l), true)
                } else {
                    (layout.mid(l), false)
                };
                let on = &xq[g.0..g.1];
                let phi = &mut st[against];
                gb += for_each_slab(
                    StateVector::arrays_of(&mut lam, phi),
                    g,
                    w,
                    self.parallel,
                    (0, 2),
                    |[lr, li, pr, pi], _| {
                        let mut t = 0.0;
                        if before {
                            t += cross_slab::<F, 4>(
                                [&mut pr[..], &mut pi[..], &mut lr[..], &mut li[..]],
                                w,
                                on,
                            );
                        }
                        mix_slab::<F, 2>([&mut lr[..], &mut li[..]], w, on, m);
                        if !before {
                            t += cross_slab::<F, 4>(
                                [&mut pr[..], &mut pi[..], &mut lr[..], &mut li[..]],
                                w,
                                on,
                            );
                        }
                        t
                    },
                );
            }
            let (gbl, gg) =
                self.backward_low(&mut lam, &mut st[layout.before(l)], angles.gamma[l], m);
            grad[l] = 2.0 * gg;
            grad[p + l] = 2.0 * (gb + gbl);
        }
        if let Ok(mut keep) = self.checkpoints.lock() {
            *keep = st;
        }
        self.recycle(lam);
        (energy, grad)
    }

    /// One layer from `src` into `first`: the low pass, then either the high passes `groups`
    /// there or, with `end` (two high passes), a copy into `end` and the high passes there.
    /// `src` is left as it was.
    fn forward_into(
        &self,
        src: &StateVector<F>,
        first: &mut StateVector<F>,
        end: Option<&mut StateVector<F>>,
        (span, groups): (usize, &[(usize, usize)]),
        gamma: f64,
        beta: f64,
    ) {
        let phase: PhaseLayer<F> = self.cost.prepare_phase(gamma);
        let m = Rot::of(beta);
        let bl = 1usize << span;
        let copy_in = |b: usize, r: &mut [F], i: &mut [F]| {
            r.copy_from_slice(&src.re[b * bl..(b + 1) * bl]);
            i.copy_from_slice(&src.im[b * bl..(b + 1) * bl]);
        };
        let last = match end {
            None => {
                for_each_block(
                    [&mut first.re[..], &mut first.im[..]],
                    bl,
                    self.parallel,
                    || self.scratch(),
                    |b, [r, i], scr| {
                        copy_in(b, r, i);
                        self.low_block(b, r, i, &phase, m, scr);
                    },
                );
                first
            }
            Some(end) => {
                for_each_block(
                    StateVector::arrays_of(first, end),
                    bl,
                    self.parallel,
                    || self.scratch(),
                    |b, [r, i, er, ei], scr| {
                        copy_in(b, r, i);
                        self.low_block(b, r, i, &phase, m, scr);
                        er.copy_from_slice(r);
                        ei.copy_from_slice(i);
                    },
                );
                end
            }
        };
        self.high_passes(&mut last.re, &mut last.im, groups, m, false);
    }

    /// The last layer's last high pass forwards and backwards in one gathered sweep: inside
    /// each slab φ is rotated to the end of the circuit, ⟨C⟩ is summed and λ = Cφ formed from
    /// the cost index, the β terms of the pass are taken, and λ is rotated back and scattered.
    /// φ at the end of the circuit is never stored, and the separate λ = Cφ sweep and the
    /// gathers of λ and φ for this pass go. Returns `(⟨C⟩, Im⟨λ|B_g|φ⟩)`.
    fn merged_last_pass(
        &self,
        phi: &mut StateVector<F>,
        lam: &mut StateVector<F>,
        (g, span): ((usize, usize), usize),
        beta: f64,
    ) -> (f64, f64) {
        let m = Rot::<F>::of(beta);
        let inverse = m.inverse();
        let on = &self.plan.x_qubits[g.0..g.1];
        // φ has had the qubits below `span` rotated in the forward low pass.
        let on_phi: Vec<bool> = (g.0..g.1).map(|q| on[q - g.0] && q >= span).collect();
        let w = F::ROW;
        let Sums(energy, term) = for_each_slab(
            StateVector::arrays_of(lam, phi),
            g,
            w,
            self.parallel,
            (2, 2),
            |[lr, li, pr, pi], base| {
                mix_slab::<F, 2>([&mut pr[..], &mut pi[..]], w, &on_phi, m);
                let out = (&mut lr[..], &mut li[..]);
                let e = self
                    .cost
                    .slab_energy((base, 1 << g.0, w), pr, pi, Some(out));
                let t =
                    cross_slab::<F, 4>([&mut pr[..], &mut pi[..], &mut lr[..], &mut li[..]], w, on);
                mix_slab::<F, 2>([&mut lr[..], &mut li[..]], w, on, inverse);
                Sums(e.unwrap_or(0.0), t)
            },
        );
        (energy, term)
    }

    /// The low pass of a layer backwards on λ alone, block by block: the inverse rotations;
    /// then φ after the phase (`e^{-iγC}` times φ before the layer, into a block-sized
    /// scratch that stays in cache) and, against it, the γ term and the low qubits' β terms;
    /// then the inverse phase. Returns `(Im⟨λ|B_low|φ⟩, Im⟨λ|C|φ⟩)`.
    ///
    /// Taking the β terms at this end of the mixer, against φ rebuilt from the checkpoint the
    /// γ term reads anyway, saves storing φ after the low pass: one statevector write per
    /// layer forwards and one read backwards, and half the checkpoint memory. n = 24, p = 4,
    /// one thread (with the phase step vectorised at the same time): the backward low pass
    /// 142 → 105–117 ms per layer, the forward pass 480 → 390 ms.
    fn backward_low(
        &self,
        lam: &mut StateVector<F>,
        before: &mut StateVector<F>,
        gamma: f64,
        m: Rot<F>,
    ) -> (f64, f64) {
        let low = self.cost.low_bits();
        let xq = &self.plan.x_qubits;
        let none = vec![false; low];
        let forward: PhaseLayer<F> = self.cost.prepare_phase(gamma);
        let inverse: PhaseLayer<F> = self.cost.prepare_phase(-gamma);
        let bl = self.cost.block_len();
        let parts = for_each_block(
            StateVector::arrays_of(lam, before),
            bl,
            self.parallel,
            || (self.scratch(), vec![F::default(); 2 * bl]),
            |b, [lr, li, pr, pi], (scr, after)| {
                mix_block::<F, 2>([&mut *lr, &mut *li], low, xq, m, &PhaseSrc::None);
                scr.cost.resize(bl, 0.0);
                self.cost.fill_block_costs(b, &mut scr.cost);
                let (ar, ai) = after.split_at_mut(bl);
                let src = self.cost.phase_source(&forward, b, &mut scr.phase);
                let gamma_part = gamma_step::<F, 6>(
                    [&mut *pr, &mut *pi, &mut *ar, &mut *ai, &mut *lr, &mut *li],
                    &src,
                    &scr.cost,
                );
                let beta_part = cross_block::<F, 4>([ar, ai, &mut *lr, &mut *li], low, xq);
                let src = self.cost.phase_source(&inverse, b, &mut scr.phase);
                mix_block::<F, 2>([lr, li], low, &none, m, &src);
                (beta_part, gamma_part)
            },
        );
        let (mut gb, mut gg) = (0.0, 0.0);
        for (bp, gp) in parts {
            gb += bp;
            gg += gp;
        }
        (gb, gg)
    }
}

/// Two sums carried through a slab sweep.
#[derive(Debug, Clone, Copy, Default)]
struct Sums(f64, f64);

impl std::ops::AddAssign for Sums {
    fn add_assign(&mut self, o: Sums) {
        self.0 += o.0;
        self.1 += o.1;
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{Ansatz, EngineOptions};
    use quboflow::testing::random_qubo;

    /// Several high passes at a small n: 19 qubits with 3 (two passes: the first group's
    /// terms are taken against the mid checkpoint) or 2 qubits per pass (three passes: the
    /// two-state method runs); integer costs (a cost index: the last pass runs forwards and
    /// backwards in one sweep) and real ones (no index: a separate λ = Cφ sweep).
    #[test]
    fn checkpoints_cover_two_high_passes_and_step_aside_for_three() {
        let angles = Angles {
            gamma: vec![0.31, -0.52, 0.17],
            beta: vec![0.74, 0.41, -0.23],
        };
        for integer in [false, true] {
            let q = random_qubo(19, 0.2, integer, 5);
            let reference = {
                let opts = EngineOptions {
                    low_memory_gradient: true,
                    ..Default::default()
                };
                Engine::<f64>::with_options(&Ansatz::new(&q, &Default::default()).unwrap(), &opts)
                    .unwrap()
                    .gradient(&angles)
                    .unwrap()
            };
            for (bits, passes, checkpointed) in [(3, 2, true), (2, 3, false), (5, 1, true)] {
                let mut engine =
                    Engine::<f64>::new(&Ansatz::new(&q, &Default::default()).unwrap()).unwrap();
                assert_eq!(engine.cost_model().has_table(), integer);
                engine.high_bits = bits;
                assert_eq!(engine.active_high_groups().len(), passes);
                assert_eq!(engine.checkpoint_layout(3).is_some(), checkpointed);
                let (e, g) = engine.gradient(&angles).unwrap();
                assert!((e - reference.0).abs() < 1e-10 * (1.0 + e.abs()));
                let scale = reference.1.iter().fold(1.0f64, |m, g| m.max(g.abs()));
                for (k, (a, b)) in g.iter().zip(&reference.1).enumerate() {
                    assert!(
                        (a - b).abs() < 1e-9 * scale,
                        "{bits} bits per pass, integer {integer}, component {k}: {a} vs {b}"
                    );
                }
                // The state itself does not depend on how the passes are cut.
                let s = engine.state(&angles).unwrap();
                assert!((engine.expectation_of(&s) - e).abs() < 1e-10 * (1.0 + e.abs()));
            }
        }
    }

    #[test]
    fn checkpoints_stay_within_half_the_free_memory() {
        let q = random_qubo(16, 0.3, true, 9);
        let engine = Engine::<f64>::new(&Ansatz::new(&q, &Default::default()).unwrap()).unwrap();
        // 1 MiB per statevector: a few layers fit anywhere, ten million layers nowhere.
        assert!(engine.checkpoint_layout(3).is_some());
        assert!(engine.checkpoint_layout(10_000_000).is_none());
    }

    #[test]
    fn checkpoints_are_kept_for_the_next_call() {
        let q = random_qubo(16, 0.3, true, 9);
        let engine = Engine::<f64>::new(&Ansatz::new(&q, &Default::default()).unwrap()).unwrap();
        let angles = Angles {
            gamma: vec![0.2, 0.3],
            beta: vec![0.4, 0.1],
        };
        let first = engine.gradient(&angles).unwrap();
        let layout = engine.checkpoint_layout(2).unwrap();
        assert_eq!(engine.checkpoints.lock().unwrap().len(), layout.states);
        assert_eq!(engine.gradient(&angles).unwrap(), first);
    }
}
