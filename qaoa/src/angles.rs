//! Initial angles: TQA ramp, fixed angles for regular Max-Cut, INTERP and FOURIER growth,
//! random multistart.

use serde::{Deserialize, Serialize};

use quboflow::Qubo;

use crate::engine::Angles;
use crate::fixed_angles;

/// How the optimiser's starting angles are chosen.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum InitStrategy {
    /// Fixed angles when the model is Max-Cut on a regular graph whose (degree, p) is
    /// tabulated, otherwise the TQA ramp. The default.
    #[default]
    Auto,
    /// Trotterised quantum annealing (Sack & Serbyn 2021, OpenQAOA's `ramp`):
    /// `γ_i = −Δt·(i−½)/p / w`, `β_i = Δt·(1 − (i−½)/p)`, `i = 1..p`; `w` is the energy scale.
    Ramp,
    /// Wurtz–Lykov fixed angles for d-regular Max-Cut (error if the model is not one).
    Fixed,
    /// INTERP (Zhou et al. 2020): optimise at depth 1, then grow one layer at a time, each
    /// start interpolated from the optimum of the depth before.
    Interp,
    /// FOURIER[p, 0] (Zhou et al. 2020): optimise the sine/cosine amplitudes `(u, v)`, growing
    /// the depth one layer at a time and keeping the amplitudes.
    Fourier,
    /// `num_starts` uniformly random starts (`γ·w ∈ [−1, 0]`, `β ∈ [0, π/2]`); the best wins.
    Random,
}

impl InitStrategy {
    /// The name used on the command line and in results.
    pub fn name(self) -> &'static str {
        match self {
            InitStrategy::Auto => "auto",
            InitStrategy::Ramp => "ramp",
            InitStrategy::Fixed => "fixed",
            InitStrategy::Interp => "interp",
            InitStrategy::Fourier => "fourier",
            InitStrategy::Random => "random",
        }
    }
}

impl std::str::FromStr for InitStrategy {
    type Err = String;
    fn from_str(s: &str) -> std::result::Result<Self, String> {
        match s {
            "auto" => Ok(InitStrategy::Auto),
            "ramp" | "tqa" => Ok(InitStrategy::Ramp),
            "fixed" => Ok(InitStrategy::Fixed),
            "interp" => Ok(InitStrategy::Interp),
            "fourier" => Ok(InitStrategy::Fourier),
            "random" => Ok(InitStrategy::Random),
            _ => Err(format!(
                "unknown init `{s}` (auto, ramp, fixed, interp, fourier, random)"
            )),
        }
    }
}

/// The energy scale `w` that phase angles are divided by: twice the largest |J| of the Ising
/// form (1 for unweighted Max-Cut, where the tabulated angles apply as they are), or twice the
/// largest |h| without couplings, or 1 for a constant model.
pub fn energy_scale(qubo: &Qubo) -> f64 {
    let ising = qubo.to_ising();
    let j = ising
        .couplings()
        .upper()
        .map(|(_, _, w)| w.abs())
        .fold(0.0, f64::max);
    let h = ising.h().iter().map(|w| w.abs()).fold(0.0, f64::max);
    let w = if j > 0.0 { 2.0 * j } else { 2.0 * h };
    if w > 0.0 && w.is_finite() { w } else { 1.0 }
}

/// `Some(d)` when the model is Max-Cut of a d-regular graph with equal weights: no Ising
/// fields, every coupling the same positive value, every vertex of degree d.
pub fn regular_maxcut_degree(qubo: &Qubo) -> Option<usize> {
    let ising = qubo.to_ising();
    let (_, _, j0) = ising.couplings().upper().next()?;
    if j0 <= 0.0 {
        return None;
    }
    let tol = 1e-12 * j0;
    if ising
        .couplings()
        .upper()
        .any(|(_, _, w)| (w - j0).abs() > tol)
    {
        return None;
    }
    if ising.h().iter().any(|h| h.abs() > tol) {
        return None;
    }
    let adj = qubo.adjacency();
    let d = adj.degree(0);
    (0..qubo.num_vars())
        .all(|i| adj.degree(i) == d)
        .then_some(d)
}

/// Tabulated fixed angles for one model and depth.
#[derive(Debug, Clone, PartialEq)]
pub struct FixedAngles {
    /// The angles in quboflow's convention (phase angle negated for minimisation, divided by
    /// the energy scale).
    pub angles: Angles,
    /// The approximation ratio the table guarantees for this degree and depth.
    pub guaranteed_ratio: f64,
    /// The degree of the regular graph.
    pub degree: usize,
}

/// The tabulated fixed angles (Wurtz–Lykov) for this model at depth `p`, when the model is
/// Max-Cut of a regular graph whose (degree, p) is tabulated.
pub fn fixed_angles(qubo: &Qubo, p: usize) -> Option<FixedAngles> {
    let d = regular_maxcut_degree(qubo)?;
    let row = fixed_angles::lookup(d, p)?;
    let w = energy_scale(qubo);
    Some(FixedAngles {
        angles: Angles {
            gamma: row.gamma.iter().map(|g| -g / w).collect(),
            beta: row.beta.to_vec(),
        },
        guaranteed_ratio: row.ratio,
        degree: d,
    })
}

/// TQA ramp angles at depth `p` with step `delta_t`, scaled by the energy scale `w`.
pub fn ramp(p: usize, delta_t: f64, w: f64) -> Angles {
    let f = |i: usize| (i as f64 + 0.5) / p as f64;
    Angles {
        gamma: (0..p).map(|i| -delta_t * f(i) / w).collect(),
        beta: (0..p).map(|i| delta_t * (1.0 - f(i))).collect(),
    }
}

/// INTERP: depth-p optimum → depth-(p+1) start.
pub fn interp(a: &Angles) -> Angles {
    let grow = |v: &[f64]| -> Vec<f64> {
        let p = v.len();
        (0..=p)
            .map(|i| {
                // 1-based i+1; v_0 = v_{p+1} = 0.
                let left = if i == 0 { 0.0 } else { v[i - 1] };
                let right = if i == p { 0.0 } else { v[i] };
                (i as f64 / p as f64) * left + ((p - i) as f64 / p as f64) * right
            })
            .collect()
    };
    Angles {
        gamma: grow(&a.gamma),
        beta: grow(&a.beta),
    }
}

/// FOURIER map: amplitudes `u, v` (q each) → angles at depth `p`.
pub fn fourier_angles(u: &[f64], v: &[f64], p: usize) -> Angles {
    let s = |k: usize, i: usize| {
        ((k as f64 + 0.5) * (i as f64 + 0.5) * std::f64::consts::PI / p as f64).sin()
    };
    let c = |k: usize, i: usize| {
        ((k as f64 + 0.5) * (i as f64 + 0.5) * std::f64::consts::PI / p as f64).cos()
    };
    Angles {
        gamma: (0..p)
            .map(|i| u.iter().enumerate().map(|(k, uk)| uk * s(k, i)).sum())
            .collect(),
        beta: (0..p)
            .map(|i| v.iter().enumerate().map(|(k, vk)| vk * c(k, i)).sum())
            .collect(),
    }
}

/// Chain rule for [`fourier_angles`]: angle gradient → amplitude gradient.
pub fn fourier_gradient(grad: &[f64], q: usize, p: usize) -> Vec<f64> {
    let s = |k: usize, i: usize| {
        ((k as f64 + 0.5) * (i as f64 + 0.5) * std::f64::consts::PI / p as f64).sin()
    };
    let c = |k: usize, i: usize| {
        ((k as f64 + 0.5) * (i as f64 + 0.5) * std::f64::consts::PI / p as f64).cos()
    };
    let (gg, gb) = grad.split_at(p);
    (0..q)
        .map(|k| (0..p).map(|i| gg[i] * s(k, i)).sum())
        .chain((0..q).map(|k| (0..p).map(|i| gb[i] * c(k, i)).sum()))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ramp_follows_the_formula() {
        let a = ramp(2, 0.7, 1.0);
        assert_eq!(a.gamma, vec![-0.7 * 0.25, -0.7 * 0.75]);
        assert_eq!(a.beta, vec![0.7 * 0.75, 0.7 * 0.25]);
    }

    #[test]
    fn interp_grows_by_one_layer() {
        let a = Angles {
            gamma: vec![1.0, 2.0],
            beta: vec![3.0, 5.0],
        };
        let b = interp(&a);
        // i=1: (0/2)·0 + (2/2)·1; i=2: (1/2)·1 + (1/2)·2; i=3: (2/2)·2 + 0
        assert_eq!(b.gamma, vec![1.0, 1.5, 2.0]);
        assert_eq!(b.beta, vec![3.0, 4.0, 5.0]);
    }

    #[test]
    fn fourier_gradient_is_the_transpose() {
        let (u, v) = (vec![0.3, -0.2], vec![0.5, 0.1]);
        let p = 3;
        let grad = [0.7, -0.4, 0.2, 0.1, 0.9, -0.3];
        let g = fourier_gradient(&grad, 2, p);
        let h = 1e-6;
        let f = |u: &[f64], v: &[f64]| {
            let a = fourier_angles(u, v, p);
            a.to_flat()
                .iter()
                .zip(&grad)
                .map(|(x, y)| x * y)
                .sum::<f64>()
        };
        for k in 0..2 {
            let mut up = u.clone();
            up[k] += h;
            assert!(((f(&up, &v) - f(&u, &v)) / h - g[k]).abs() < 1e-6);
            let mut vp = v.clone();
            vp[k] += h;
            assert!(((f(&u, &vp) - f(&u, &v)) / h - g[2 + k]).abs() < 1e-6);
        }
    }
}
