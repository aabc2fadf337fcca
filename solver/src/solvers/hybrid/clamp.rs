//! A sub-problem of a QUBO: some variables free, the rest clamped at the incumbent's values.

use crate::constraints::Constraints;
use crate::error::Result;
use crate::qubo::{Qubo, QuboBuilder};

/// Marks a variable that is not in the sub-problem in the position map.
pub(crate) const OUTSIDE: u32 = u32::MAX;

/// The sub-QUBO over `vars` (distinct indices) with every other variable fixed at `x`.
///
/// Couplings to a clamped variable that is 1 fold into the free variable's linear term and
/// the clamped part of the energy is left out (offset 0), so `E_sub(y) − E_sub(x[vars])` is
/// exactly the change of the full energy when `x[vars]` becomes `y`. `pos` must hold
/// [`OUTSIDE`] everywhere on entry and does again on return.
pub(crate) fn clamp(
    qubo: &Qubo,
    x: &[u8],
    vars: &[usize],
    pos: &mut [u32],
    constraints: Option<Constraints>,
) -> Result<(Qubo, Vec<u8>)> {
    for (a, &v) in vars.iter().enumerate() {
        pos[v] = a as u32;
    }
    let mut b = QuboBuilder::new(vars.len());
    let linear = qubo.linear();
    for (a, &v) in vars.iter().enumerate() {
        let mut h = linear[v];
        let (cols, vals) = qubo.adjacency().row(v);
        for (&j, &w) in cols.iter().zip(vals) {
            let j = j as usize;
            match pos[j] {
                OUTSIDE if x[j] == 1 => h += w,
                OUTSIDE => {}
                bj if (bj as usize) > a => {
                    b.add_quadratic(a, bj as usize, w);
                }
                _ => {}
            }
        }
        b.add_linear(a, h);
    }
    for &v in vars {
        pos[v] = OUTSIDE;
    }
    let sub = b.build()?;
    // Structure the sub-solver can use (XY mixers, constraint-preserving moves); a rule that
    // does not hold in the clamped model is left off rather than failing the sub-problem.
    let sub = match constraints {
        Some(c) if !c.is_empty() => sub.clone().with_constraints(c).unwrap_or(sub),
        _ => sub,
    };
    let y0 = vars.iter().map(|&v| x[v]).collect();
    Ok((sub, y0))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::random_qubo;

    #[test]
    fn sub_energy_changes_equal_full_energy_changes() {
        let q = random_qubo(12, 0.6, true, 3);
        let x: Vec<u8> = (0..12).map(|i| (i % 3 == 0) as u8).collect();
        let vars = [1, 4, 5, 9, 11];
        let mut pos = vec![OUTSIDE; 12];
        let (sub, y0) = clamp(&q, &x, &vars, &mut pos, None).unwrap();
        assert!(pos.iter().all(|&p| p == OUTSIDE));
        for y in 0u32..32 {
            let ys: Vec<u8> = (0..5).map(|b| ((y >> b) & 1) as u8).collect();
            let mut full = x.clone();
            for (a, &v) in vars.iter().enumerate() {
                full[v] = ys[a];
            }
            let d_full = q.energy(&full) - q.energy(&x);
            let d_sub = sub.energy(&ys) - sub.energy(&y0);
            assert!((d_full - d_sub).abs() < 1e-9, "{d_full} vs {d_sub}");
        }
    }
}
