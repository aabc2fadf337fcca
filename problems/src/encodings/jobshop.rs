//! Job shop, time-indexed decision model "makespan ≤ T?" (Venturelli et al. 2015).

use std::sync::Arc;

use quboflow::{Constraints, QuboBuilder, Sense};
use serde_json::json;

use super::{Encoded, EnergyMeaning, Parts, add_squared, check_size, finish};
use crate::error::{Result, invalid};
use crate::solution::{Decode, Decoded, Solution};

/// Jobs as sequences of `(machine, duration)` operations, durations integer ≥ 1.
#[derive(Debug, Clone, PartialEq)]
pub struct JobShop {
    /// `jobs[j]` = operations of job j in order.
    pub jobs: Vec<Vec<(usize, usize)>>,
}

impl JobShop {
    fn ops(&self) -> Vec<(usize, usize, usize, usize, usize)> {
        // (job, machine, duration, head = work before, tail = work after)
        let mut out = Vec::new();
        for (j, job) in self.jobs.iter().enumerate() {
            let total: usize = job.iter().map(|o| o.1).sum();
            let mut head = 0;
            for &(m, p) in job {
                out.push((j, m, p, head, total - head - p));
                head += p;
            }
        }
        out
    }
}

/// Encodes "is there a schedule with makespan ≤ `horizon`?": `x_{o,t}` = operation `o`
/// starts at `t`, `t` in its window `[head, horizon − tail − p]`;
/// `H = η Σ_o (Σ_t x_ot − 1)² + α Σ_{precedence violations} x x + β Σ_{machine overlaps} x x`
/// with `η = α = β = penalty` (default 1). Feasible ⇔ H = 0; bisect on `horizon` for the
/// optimum. The objective reported is the decoded makespan.
pub fn encode(js: &JobShop, horizon: usize, penalty: Option<f64>) -> Result<Encoded> {
    let w = penalty.unwrap_or(1.0);
    if !(w.is_finite() && w > 0.0) {
        return Err(invalid(
            "penalty",
            format!("must be positive and finite, got {w}"),
        ));
    }
    let ops = js.ops();
    if ops.iter().any(|o| o.2 == 0) {
        return Err(invalid("job shop", "every duration must be at least 1"));
    }
    // Each operation's window of start times, checked and sized before any is allocated:
    // the model has Σ w variables, and the pair loop below visits Σ_{a<c} w_a·w_c pairs.
    let mut windows = Vec::with_capacity(ops.len());
    for &(j, _, p, head, tail) in &ops {
        let last = (horizon as i128) - tail as i128 - p as i128;
        if last < head as i128 {
            return Err(invalid(
                "horizon",
                format!("{horizon} is shorter than job {}'s total work", j + 1),
            ));
        }
        windows.push((last - head as i128 + 1) as u128);
    }
    let total = windows.iter().fold(0u128, |s, w| s.saturating_add(*w));
    let squares = windows
        .iter()
        .fold(0u128, |s, w| s.saturating_add(w.saturating_mul(*w)));
    let pairs = total.saturating_mul(total).saturating_add(squares) / 2;
    check_size("jobshop-time-indexed", total, pairs)?;
    let mut var_of: Vec<Vec<(usize, usize)>> = Vec::new(); // per op: (t, var)
    let mut nvars = 0;
    for &(_, _, p, head, tail) in &ops {
        let last = horizon as isize - tail as isize - p as isize;
        var_of.push(
            (head..=last as usize)
                .map(|t| {
                    nvars += 1;
                    (t, nvars - 1)
                })
                .collect(),
        );
    }
    let mut b = QuboBuilder::new(nvars);
    for vs in &var_of {
        let t: Vec<(usize, f64)> = vs.iter().map(|&(_, v)| (v, 1.0)).collect();
        add_squared(&mut b, &t, 1.0, w);
    }
    for a in 0..ops.len() {
        for c in a + 1..ops.len() {
            let (ja, ma, pa, ..) = ops[a];
            let (jc, mc, pc, ..) = ops[c];
            for &(ta, va) in &var_of[a] {
                for &(tc, vc) in &var_of[c] {
                    let clash = if ja == jc && c == a + 1 {
                        ta + pa > tc // precedence within the job
                    } else {
                        ma == mc && ta < tc + pc && tc < ta + pa // machine overlap
                    };
                    if clash {
                        b.add_quadratic(va, vc, w);
                    }
                }
            }
        }
    }
    let (qubo, offset) = finish(b)?;
    let num_ops = ops.len();
    let groups: Vec<Vec<usize>> = var_of
        .iter()
        .map(|vs| vs.iter().map(|v| v.1).collect())
        .collect();
    Encoded::new(Parts {
        qubo,
        offset,
        constraints: Constraints {
            one_hot: groups,
            ..Default::default()
        },
        decoder: Arc::new(JobShopDecoder { ops, var_of }),
        encoding: "jobshop-time-indexed",
        penalties: json!({ "eta": w, "alpha": w, "beta": w }),
        energy_meaning: EnergyMeaning::Feasibility,
        details: json!({ "operations": num_ops, "horizon": horizon }),
    })
}

/// Decoder of [`encode`].
#[derive(Debug, Clone)]
pub struct JobShopDecoder {
    ops: Vec<(usize, usize, usize, usize, usize)>,
    var_of: Vec<Vec<(usize, usize)>>,
}

impl Decode for JobShopDecoder {
    fn problem(&self) -> &str {
        "jobshop"
    }
    fn objective_name(&self) -> &str {
        "makespan"
    }
    fn sense(&self) -> Sense {
        Sense::Minimize
    }
    fn decode(&self, x: &[u8]) -> Decoded {
        let mut viol = Vec::new();
        let starts: Vec<Option<usize>> = self
            .var_of
            .iter()
            .enumerate()
            .map(|(o, vs)| {
                let ts: Vec<usize> = vs
                    .iter()
                    .filter(|v| x.get(v.1) == Some(&1))
                    .map(|v| v.0)
                    .collect();
                if ts.len() != 1 {
                    viol.push(format!("operation {} has {} start times", o + 1, ts.len()));
                }
                (ts.len() == 1).then(|| ts[0])
            })
            .collect();
        for a in 0..self.ops.len() {
            for c in a + 1..self.ops.len() {
                let (Some(ta), Some(tc)) = (starts[a], starts[c]) else {
                    continue;
                };
                let (ja, ma, pa, ..) = self.ops[a];
                let (jc, mc, pc, ..) = self.ops[c];
                if ja == jc && c == a + 1 && ta + pa > tc {
                    viol.push(format!(
                        "operation {} starts before operation {} ends",
                        c + 1,
                        a + 1
                    ));
                }
                if ma == mc && ta < tc + pc && tc < ta + pa {
                    viol.push(format!(
                        "operations {} and {} overlap on machine {}",
                        a + 1,
                        c + 1,
                        ma + 1
                    ));
                }
            }
        }
        let makespan = starts
            .iter()
            .zip(&self.ops)
            .map(|(s, o)| s.map(|t| (t + o.2) as f64))
            .collect::<Option<Vec<f64>>>()
            .map(|v| v.into_iter().fold(0.0, f64::max));
        Decoded::raw(Solution::Schedule(starts), makespan, viol)
    }
    fn repair(&self, _x: &[u8]) -> Option<Decoded> {
        None
    }
    fn encode_solution(&self, solution: &Solution) -> Option<Vec<u8>> {
        let Solution::Schedule(starts) = solution else {
            return None;
        };
        let n = self.var_of.iter().map(|v| v.len()).sum();
        let mut x = vec![0u8; n];
        for (o, s) in starts.iter().enumerate() {
            let t = (*s)?;
            x[self.var_of.get(o)?.iter().find(|v| v.0 == t)?.1] = 1;
        }
        Some(x)
    }
}
