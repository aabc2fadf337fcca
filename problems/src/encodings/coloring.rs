//! Graph colouring with `k` colours (Lucas §6.1): minimise conflicting edges.

use std::sync::Arc;

use quboflow::{Constraints, QuboBuilder, Sense};
use serde_json::json;

use super::maxcut::Graph;
use super::{Encoded, EnergyMeaning, Parts, add_squared, check_size, finish, penalty_or};
use crate::error::{Result, invalid};
use crate::solution::{Decode, Decoded, Solution};

/// Encodes `k`-colouring of `g`: `x_{v,c}` at `v·k + c`;
/// `E = A Σ_v (1 − Σ_c x_vc)² + Σ_{(u,v)} w_uv Σ_c x_uc x_vc`. Default `A = Δ·max w + 1`
/// (an uncoloured vertex costs A; colouring it adds at most Δ conflicts), so on one-hot
/// states the energy is the weight of conflicting edges. One one-hot group per vertex.
pub fn encode(g: &Graph, k: usize, penalty: Option<f64>) -> Result<Encoded> {
    if k == 0 {
        return Err(invalid("colours", "need at least one colour"));
    }
    let max_w = g.edges.iter().map(|e| e.2.abs()).fold(0.0, f64::max);
    let a = penalty_or(penalty, || g.max_degree() as f64 * max_w + 1.0)?;
    let n = g.num_vertices;
    let (nu, ku) = (n as u128, k as u128);
    let vars = nu.saturating_mul(ku);
    let terms = vars.saturating_mul(ku) / 2 + g.edges.len() as u128 * ku;
    check_size("coloring", vars, terms)?;
    let mut b = QuboBuilder::new(n * k);
    for v in 0..n {
        let t: Vec<(usize, f64)> = (0..k).map(|c| (v * k + c, 1.0)).collect();
        add_squared(&mut b, &t, 1.0, a);
    }
    for &(u, v, w) in &g.edges {
        for c in 0..k {
            b.add_quadratic(u * k + c, v * k + c, w);
        }
    }
    let (qubo, offset) = finish(b)?;
    Encoded::new(Parts {
        qubo,
        offset,
        constraints: Constraints {
            one_hot: (0..n)
                .map(|v| (0..k).map(|c| v * k + c).collect())
                .collect(),
            ..Default::default()
        },
        decoder: Arc::new(ColoringDecoder { g: g.clone(), k }),
        encoding: "coloring",
        penalties: json!({ "A": a }),
        energy_meaning: EnergyMeaning::Objective,
        details: json!({ "vertices": n, "colors": k }),
    })
}

/// Decoder of [`encode`].
#[derive(Debug, Clone)]
pub struct ColoringDecoder {
    /// The graph.
    pub g: Graph,
    /// Colours.
    pub k: usize,
}

impl Decode for ColoringDecoder {
    fn problem(&self) -> &str {
        "coloring"
    }
    fn objective_name(&self) -> &str {
        "conflicting edge weight"
    }
    fn sense(&self) -> Sense {
        Sense::Minimize
    }
    fn decode(&self, x: &[u8]) -> Decoded {
        let k = self.k;
        let mut viol = Vec::new();
        let colors: Vec<Option<usize>> = (0..self.g.num_vertices)
            .map(|v| {
                let cs: Vec<usize> = (0..k).filter(|&c| x.get(v * k + c) == Some(&1)).collect();
                if cs.len() != 1 {
                    viol.push(format!("vertex {} has {} colours", v + 1, cs.len()));
                }
                (cs.len() == 1).then(|| cs[0])
            })
            .collect();
        let objective = viol.is_empty().then(|| {
            self.g
                .edges
                .iter()
                .filter(|(u, v, _)| colors[*u] == colors[*v])
                .map(|e| e.2)
                .sum()
        });
        Decoded::raw(Solution::Colors(colors), objective, viol)
    }
    fn repair(&self, _x: &[u8]) -> Option<Decoded> {
        None
    }
    fn encode_solution(&self, solution: &Solution) -> Option<Vec<u8>> {
        let Solution::Colors(cs) = solution else {
            return None;
        };
        let mut x = vec![0u8; self.g.num_vertices * self.k];
        for (v, c) in cs.iter().enumerate() {
            let c = (*c)?;
            *x.get_mut(v * self.k + c)? = 1;
        }
        Some(x)
    }
}
