//! Angle optimisers: Nelder–Mead and L-BFGS (argmin), COBYLA (`cobyla` crate), SPSA (in-house).
//!
//! Every optimiser minimises through an [`Objective`] that counts evaluations, records ⟨C⟩ of
//! each one, keeps the best point seen, and stops all of them the same way on the evaluation
//! budget, the time limit or the cancel flag.

use std::cell::{Cell, RefCell};

use argmin::core::{CostFunction, Executor, Gradient};
use argmin::solver::linesearch::MoreThuenteLineSearch;
use argmin::solver::neldermead::NelderMead;
use argmin::solver::quasinewton::LBFGS;
use rand::rngs::Xoshiro256PlusPlus;
use rand::{Rng, SeedableRng};
use serde::{Deserialize, Serialize};

use quboflow::{RunClock, Termination};

use crate::error::{Error, Result};

/// Which optimiser tunes the angles.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum OptimizerKind {
    /// L-BFGS with a Moré–Thuente line search, on the exact adjoint gradient. The default
    /// (the simulator gives exact gradients at ≈ 3.5 evaluations each; every point the line
    /// search visits costs one gradient call, which also answers its cost).
    #[default]
    Lbfgs,
    /// Nelder–Mead simplex (derivative-free), initial simplex steps of 0.1 rad.
    NelderMead,
    /// COBYLA (derivative-free, OpenQAOA's default), `rhobeg` 0.1 rad.
    Cobyla,
    /// SPSA with Spall's gains (`α = 0.602`, `γ = 0.101`), `c = 0.1` rad, `a` calibrated so the
    /// first step moves the angles by about 0.1 rad. Meant for shot-noisy backends.
    Spsa,
}

impl OptimizerKind {
    /// The name used on the command line and in results.
    pub fn name(self) -> &'static str {
        match self {
            OptimizerKind::Lbfgs => "lbfgs",
            OptimizerKind::NelderMead => "nelder-mead",
            OptimizerKind::Cobyla => "cobyla",
            OptimizerKind::Spsa => "spsa",
        }
    }
}

impl std::str::FromStr for OptimizerKind {
    type Err = String;
    fn from_str(s: &str) -> std::result::Result<Self, String> {
        match s {
            "lbfgs" | "l-bfgs" | "l-bfgs-b" => Ok(OptimizerKind::Lbfgs),
            "nelder-mead" | "neldermead" | "nm" => Ok(OptimizerKind::NelderMead),
            "cobyla" => Ok(OptimizerKind::Cobyla),
            "spsa" => Ok(OptimizerKind::Spsa),
            _ => Err(format!(
                "unknown optimizer `{s}` (lbfgs, nelder-mead, cobyla, spsa)"
            )),
        }
    }
}

/// ⟨C⟩ and its gradient at a point.
pub(crate) type GradientFn<'a> = &'a dyn Fn(&[f64]) -> Result<(f64, Vec<f64>)>;

/// ⟨C⟩ at several points in one backend call (one round trip on a remote backend).
pub(crate) type BatchFn<'a> = &'a dyn Fn(&[Vec<f64>]) -> Result<Vec<f64>>;

/// A computed point: the angles, ⟨C⟩ there, and the gradient if one was computed.
type Memo = (Vec<f64>, f64, Option<Vec<f64>>);

/// Evaluation budget, history and best point of one optimisation.
pub(crate) struct Objective<'a> {
    value: &'a dyn Fn(&[f64]) -> Result<f64>,
    gradient: GradientFn<'a>,
    batch: Option<BatchFn<'a>>,
    clock: &'a RunClock,
    max_evals: usize,
    /// ⟨C⟩ of every evaluation, in order.
    pub history: RefCell<Vec<f64>>,
    pub best: RefCell<(Vec<f64>, f64)>,
    pub evals: Cell<usize>,
    pub grad_evals: Cell<usize>,
    pub stop: Cell<Option<Termination>>,
    pub error: RefCell<Option<Error>>,
    /// The last point computed: ⟨C⟩ there and, if it came from a gradient call, the gradient.
    /// argmin's L-BFGS asks for the cost and then (often twice) the gradient at the same
    /// point; with the memo one adjoint gradient answers all three.
    memo: RefCell<Option<Memo>>,
    /// Answer cost requests with a gradient call (set for L-BFGS, which always follows a
    /// cost with the gradient at the same point).
    gradient_first: Cell<bool>,
    /// The optimiser proposed a non-finite point (its arithmetic overflowed, e.g. on
    /// coefficients near 1e300): the optimisation ends with the best point so far.
    pub diverged: Cell<bool>,
}

impl<'a> Objective<'a> {
    pub(crate) fn new(
        value: &'a dyn Fn(&[f64]) -> Result<f64>,
        gradient: GradientFn<'a>,
        clock: &'a RunClock,
        max_evals: usize,
    ) -> Self {
        Objective {
            value,
            gradient,
            batch: None,
            clock,
            max_evals,
            history: RefCell::new(Vec::new()),
            best: RefCell::new((Vec::new(), f64::INFINITY)),
            evals: Cell::new(0),
            grad_evals: Cell::new(0),
            stop: Cell::new(None),
            error: RefCell::new(None),
            memo: RefCell::new(None),
            gradient_first: Cell::new(false),
            diverged: Cell::new(false),
        }
    }

    /// Evaluates several points per backend call where the backend takes batches.
    pub(crate) fn with_batch(mut self, batch: Option<BatchFn<'a>>) -> Self {
        self.batch = batch;
        self
    }

    /// Records `f` as ⟨C⟩ at `x`, computed outside (a batch of starting points).
    pub(crate) fn prime(&self, x: &[f64], f: f64) {
        self.record(x, f);
        *self.memo.borrow_mut() = Some((x.to_vec(), f, None));
    }

    /// ⟨C⟩ at every point of `xs` in one call (one after another without a batch function),
    /// or `None` when the budget cannot cover them all or the optimisation must end.
    pub(crate) fn eval_many(&self, xs: &[Vec<f64>]) -> Option<Vec<f64>> {
        let Some(batch) = self.batch else {
            return xs.iter().map(|x| self.eval(x)).collect();
        };
        if xs.iter().any(|x| !self.may_continue(x)) || self.evals.get() + xs.len() > self.max_evals
        {
            return None;
        }
        match batch(xs) {
            Ok(fs) if fs.len() == xs.len() => {
                for (x, &f) in xs.iter().zip(&fs) {
                    self.record(x, f);
                }
                Some(fs)
            }
            Ok(_) => {
                *self.error.borrow_mut() = Some(Error::InvalidParameter {
                    name: "backend",
                    reason: "returned a different number of results than angle sets".into(),
                });
                None
            }
            Err(e) => {
                *self.error.borrow_mut() = Some(e);
                None
            }
        }
    }

    /// ⟨C⟩ (and the gradient, if it was computed) at `x` when `x` is the last point computed.
    fn recall(&self, x: &[f64]) -> Option<(f64, Option<Vec<f64>>)> {
        match &*self.memo.borrow() {
            Some((at, f, g)) if at.as_slice() == x => Some((*f, g.clone())),
            _ => None,
        }
    }

    /// False once the budget, the clock, an error or a non-finite point `x` has ended the
    /// optimisation.
    fn may_continue(&self, x: &[f64]) -> bool {
        if self.stop.get().is_some() || self.error.borrow().is_some() || self.diverged.get() {
            return false;
        }
        if x.iter().any(|v| !v.is_finite()) {
            self.diverged.set(true);
            return false;
        }
        if let Some(why) = self.clock.should_stop() {
            self.stop.set(Some(why));
            return false;
        }
        self.evals.get() < self.max_evals
    }

    fn record(&self, x: &[f64], f: f64) {
        self.evals.set(self.evals.get() + 1);
        self.history.borrow_mut().push(f);
        let mut best = self.best.borrow_mut();
        if f < best.1 {
            *best = (x.to_vec(), f);
        }
        self.clock.advance(1, Some(best.1));
    }

    /// ⟨C⟩ at `x`, or `None` when the optimisation must end. The point just computed is
    /// answered from memory (not counted again).
    pub(crate) fn eval(&self, x: &[f64]) -> Option<f64> {
        if let Some((f, _)) = self.recall(x) {
            return Some(f);
        }
        if self.gradient_first.get() {
            return self.eval_grad(x).map(|(f, _)| f);
        }
        if !self.may_continue(x) {
            return None;
        }
        match (self.value)(x) {
            Ok(f) => {
                self.record(x, f);
                *self.memo.borrow_mut() = Some((x.to_vec(), f, None));
                Some(f)
            }
            Err(e) => {
                *self.error.borrow_mut() = Some(e);
                None
            }
        }
    }

    /// ⟨C⟩ and its gradient at `x`, or `None` when the optimisation must end. A gradient
    /// already computed at `x` is answered from memory (not counted again).
    pub(crate) fn eval_grad(&self, x: &[f64]) -> Option<(f64, Vec<f64>)> {
        if let Some((f, Some(g))) = self.recall(x) {
            return Some((f, g));
        }
        if !self.may_continue(x) {
            return None;
        }
        match (self.gradient)(x) {
            Ok((f, g)) => {
                self.grad_evals.set(self.grad_evals.get() + 1);
                self.record(x, f);
                *self.memo.borrow_mut() = Some((x.to_vec(), f, Some(g.clone())));
                Some((f, g))
            }
            Err(e) => {
                *self.error.borrow_mut() = Some(e);
                None
            }
        }
    }
}

struct ArgminProblem<'o, 'a>(&'o Objective<'a>);

fn stopped() -> argmin::core::Error {
    argmin::core::Error::msg("optimisation stopped")
}

impl CostFunction for ArgminProblem<'_, '_> {
    type Param = Vec<f64>;
    type Output = f64;
    fn cost(&self, x: &Vec<f64>) -> std::result::Result<f64, argmin::core::Error> {
        self.0.eval(x).ok_or_else(stopped)
    }
}

impl Gradient for ArgminProblem<'_, '_> {
    type Param = Vec<f64>;
    type Gradient = Vec<f64>;
    fn gradient(&self, x: &Vec<f64>) -> std::result::Result<Vec<f64>, argmin::core::Error> {
        self.0.eval_grad(x).map(|(_, g)| g).ok_or_else(stopped)
    }
}

/// Runs `kind` from `x0`; the result is whatever the [`Objective`] recorded as best.
pub(crate) fn minimize(
    obj: &Objective<'_>,
    kind: OptimizerKind,
    x0: &[f64],
    seed: u64,
) -> Result<()> {
    let dim = x0.len();
    match kind {
        OptimizerKind::NelderMead => {
            let mut simplex = vec![x0.to_vec()];
            for i in 0..dim {
                let mut v = x0.to_vec();
                v[i] += 0.1;
                simplex.push(v);
            }
            let solver = NelderMead::new(simplex)
                .with_sd_tolerance(1e-10)
                .map_err(|e| optimizer_error(kind, e))?;
            let run = Executor::new(ArgminProblem(obj), solver)
                .configure(|s| s.max_iters(obj.max_evals as u64))
                .run();
            finish_argmin(obj, kind, run.map(|_| ()))
        }
        OptimizerKind::Lbfgs => {
            obj.gradient_first.set(true);
            let solver = LBFGS::new(MoreThuenteLineSearch::new(), 7)
                .with_tolerance_grad(1e-9)
                .and_then(|s| s.with_tolerance_cost(1e-13))
                .map_err(|e| optimizer_error(kind, e))?;
            let run = Executor::new(ArgminProblem(obj), solver)
                .configure(|s| s.param(x0.to_vec()).max_iters(obj.max_evals as u64))
                .run();
            // The Objective keeps the best point actually evaluated.
            finish_argmin(obj, kind, run.map(|_| ()))
        }
        OptimizerKind::Cobyla => {
            let f = |x: &[f64], _: &mut ()| obj.eval(x).unwrap_or(f64::INFINITY);
            let bounds = vec![(-std::f64::consts::PI * 64.0, std::f64::consts::PI * 64.0); dim];
            let cons: Vec<fn(&[f64], &mut ()) -> f64> = Vec::new();
            let tols = cobyla::StopTols {
                ftol_rel: 1e-10,
                ..Default::default()
            };
            let out = cobyla::minimize(
                f,
                x0,
                &bounds,
                &cons,
                (),
                obj.max_evals,
                cobyla::RhoBeg::All(0.1),
                Some(tols),
            );
            match out {
                // A backend error ends COBYLA through an infinite value: report it.
                Ok(_) => finish_argmin(obj, kind, Ok(())),
                Err((status, _, _)) => {
                    if obj.error.borrow().is_some() || obj.stop.get().is_some() {
                        finish_argmin(obj, kind, Ok(()))
                    } else if obj.evals.get() > 0
                        && matches!(status, cobyla::FailStatus::RoundoffLimited)
                    {
                        Ok(())
                    } else {
                        Err(Error::Optimizer {
                            optimizer: kind.name(),
                            message: format!("{status:?}"),
                        })
                    }
                }
            }
        }
        OptimizerKind::Spsa => spsa(obj, x0, seed),
    }
}

fn optimizer_error(kind: OptimizerKind, e: impl std::fmt::Display) -> Error {
    Error::Optimizer {
        optimizer: kind.name(),
        message: e.to_string(),
    }
}

/// Maps argmin's outcome: a stop requested by the Objective is not an error.
fn finish_argmin(
    obj: &Objective<'_>,
    kind: OptimizerKind,
    run: std::result::Result<(), argmin::core::Error>,
) -> Result<()> {
    if let Some(e) = obj.error.borrow_mut().take() {
        return Err(e);
    }
    match run {
        Ok(()) => Ok(()),
        Err(_)
            if obj.stop.get().is_some()
                || obj.diverged.get()
                || obj.evals.get() >= obj.max_evals =>
        {
            Ok(())
        }
        Err(e) => Err(optimizer_error(kind, e)),
    }
}

/// SPSA (Spall 1998): two evaluations per step at `θ ± c_k Δ`, `Δ ∈ {±1}^d`, sent to the
/// backend together.
fn spsa(obj: &Objective<'_>, x0: &[f64], seed: u64) -> Result<()> {
    const C: f64 = 0.1;
    const TARGET_STEP: f64 = 0.1;
    let dim = x0.len();
    let mut rng = Xoshiro256PlusPlus::seed_from_u64(seed);
    let delta = |rng: &mut Xoshiro256PlusPlus| -> Vec<f64> {
        let bits = rng.next_u64();
        (0..dim)
            .map(|i| if bits >> (i % 64) & 1 == 1 { 1.0 } else { -1.0 })
            .collect()
    };
    let mut x = x0.to_vec();
    let iterations = (obj.max_evals.saturating_sub(1) / 2).max(1);
    let big_a = 0.1 * iterations as f64;
    // Calibrate a from the mean gradient magnitude at the start.
    let mut mag = 0.0;
    let calib = 4;
    for _ in 0..calib {
        let d = delta(&mut rng);
        let plus: Vec<f64> = x.iter().zip(&d).map(|(a, b)| a + C * b).collect();
        let minus: Vec<f64> = x.iter().zip(&d).map(|(a, b)| a - C * b).collect();
        let Some(&[fp, fm]) = obj.eval_many(&[plus, minus]).as_deref() else {
            return finish_argmin(obj, OptimizerKind::Spsa, Ok(()));
        };
        mag += ((fp - fm) / (2.0 * C)).abs() / calib as f64;
    }
    let a = if mag > 0.0 {
        TARGET_STEP * (big_a + 1.0).powf(0.602) / mag
    } else {
        0.1
    };
    for k in 0..iterations {
        let ak = a / (k as f64 + 1.0 + big_a).powf(0.602);
        let ck = C / (k as f64 + 1.0).powf(0.101);
        let d = delta(&mut rng);
        let plus: Vec<f64> = x.iter().zip(&d).map(|(a, b)| a + ck * b).collect();
        let minus: Vec<f64> = x.iter().zip(&d).map(|(a, b)| a - ck * b).collect();
        // Both points of a step in one backend call: one round trip per iteration remotely.
        let Some(&[fp, fm]) = obj.eval_many(&[plus, minus]).as_deref() else {
            break;
        };
        let g = (fp - fm) / (2.0 * ck);
        for (xi, di) in x.iter_mut().zip(&d) {
            *xi -= ak * g * di;
        }
    }
    // The iterate itself was never evaluated: do it once so it can be the best point.
    obj.eval(&x);
    finish_argmin(obj, OptimizerKind::Spsa, Ok(()))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// L-BFGS asks for the cost and then the gradient (often twice) at each point: one
    /// gradient call must answer them all, and the plain cost function is never needed.
    #[test]
    fn lbfgs_computes_each_point_once() {
        let f = |x: &[f64]| {
            x.iter()
                .map(|v| (v - 1.0) * (v - 1.0) + 0.1 * v.powi(4))
                .sum()
        };
        let values = Cell::new(0usize);
        let points = RefCell::new(Vec::<Vec<f64>>::new());
        let value = |x: &[f64]| -> Result<f64> {
            values.set(values.get() + 1);
            Ok(f(x))
        };
        let gradient = |x: &[f64]| -> Result<(f64, Vec<f64>)> {
            points.borrow_mut().push(x.to_vec());
            let g = x
                .iter()
                .map(|v| 2.0 * (v - 1.0) + 0.4 * v.powi(3))
                .collect();
            Ok((f(x), g))
        };
        let clock = quboflow::RunControl::default().start(100);
        let obj = Objective::new(&value, &gradient, &clock, 100);
        minimize(&obj, OptimizerKind::Lbfgs, &[0.0, 2.0, -1.0], 1).unwrap();
        let points = points.borrow().clone();
        assert_eq!(values.get(), 0, "the cost is answered by the gradient call");
        assert!(points.len() > 3);
        for (k, p) in points.iter().enumerate() {
            assert!(
                !points[..k].contains(p),
                "gradient computed twice at {p:?} (call {k})"
            );
        }
        assert_eq!(obj.evals.get(), points.len());
        assert_eq!(obj.grad_evals.get(), points.len());
        let best = obj.best.borrow();
        // The minimiser of (v − 1)² + 0.1 v⁴ per coordinate: 2(v − 1) + 0.4 v³ = 0.
        for v in &best.0 {
            assert!((2.0 * (v - 1.0) + 0.4 * v.powi(3)).abs() < 1e-6, "{v}");
        }
    }

    /// Derivative-free optimisers still use the plain cost, and a repeated point is free.
    #[test]
    fn repeated_cost_points_are_not_recomputed() {
        let values = Cell::new(0usize);
        let value = |x: &[f64]| -> Result<f64> {
            values.set(values.get() + 1);
            Ok(x.iter().map(|v| v * v).sum())
        };
        let gradient = |_: &[f64]| -> Result<(f64, Vec<f64>)> { unreachable!() };
        let clock = quboflow::RunControl::default().start(10);
        let obj = Objective::new(&value, &gradient, &clock, 10);
        assert_eq!(obj.eval(&[1.0, 2.0]), Some(5.0));
        assert_eq!(obj.eval(&[1.0, 2.0]), Some(5.0));
        assert_eq!(obj.eval(&[0.0, 2.0]), Some(4.0));
        assert_eq!((values.get(), obj.evals.get()), (2, 2));
    }
}
