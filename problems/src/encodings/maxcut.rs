//! Max-Cut: `min −Σ w_ij (x_i + x_j − 2x_i x_j)`, no penalty.

use std::sync::Arc;

use quboflow::{Constraints, QuboBuilder, Sense};
use serde_json::json;

use super::{Encoded, EnergyMeaning, Parts, finish};
use crate::error::{Result, invalid};
use crate::solution::{Decode, Decoded, Solution};

/// A weighted undirected graph.
#[derive(Debug, Clone, PartialEq)]
pub struct Graph {
    /// Vertices `0 … n−1`.
    pub num_vertices: usize,
    /// Edges `(u, v, weight)`.
    pub edges: Vec<(usize, usize, f64)>,
}

impl Graph {
    /// Checks vertex indices, self-loops and weights.
    pub fn new(num_vertices: usize, edges: Vec<(usize, usize, f64)>) -> Result<Self> {
        for &(u, v, w) in &edges {
            if u >= num_vertices || v >= num_vertices || u == v || !w.is_finite() {
                return Err(invalid(
                    "graph",
                    format!("edge ({u}, {v}, {w}) with {num_vertices} vertices"),
                ));
            }
        }
        Ok(Graph {
            num_vertices,
            edges,
        })
    }

    /// Reads a Gset file (the one Gset parser, [`quboflow::io::gset`], then
    /// [`Graph::from_gset_qubo`]).
    pub fn read_gset(path: &std::path::Path) -> Result<Self> {
        let m = quboflow::io::read(
            path,
            Some(quboflow::io::Format::Gset),
            &quboflow::io::ReadOptions::default(),
        )?;
        Ok(Graph::from_gset_qubo(&m.qubo))
    }

    /// The graph of a Gset model (`Σ w (2x_i x_j − x_i − x_j)`): edge weights are half the
    /// couplings, exactly.
    pub fn from_gset_qubo(q: &quboflow::Qubo) -> Self {
        Graph {
            num_vertices: q.num_vars(),
            edges: q.interactions().map(|(i, j, w)| (i, j, w / 2.0)).collect(),
        }
    }

    /// Largest vertex degree.
    pub fn max_degree(&self) -> usize {
        let mut deg = vec![0; self.num_vertices];
        for &(u, v, _) in &self.edges {
            deg[u] += 1;
            deg[v] += 1;
        }
        deg.into_iter().max().unwrap_or(0)
    }
}

/// Encodes Max-Cut of `g`: variable `i` is the side of vertex `i`; energy = −cut weight.
pub fn encode(g: &Graph) -> Result<Encoded> {
    let mut b = QuboBuilder::new(g.num_vertices);
    for &(u, v, w) in &g.edges {
        b.add_linear(u, -w)
            .add_linear(v, -w)
            .add_quadratic(u, v, 2.0 * w);
    }
    let (qubo, offset) = finish(b)?;
    Encoded::new(Parts {
        qubo,
        offset,
        constraints: Constraints::default(),
        decoder: Arc::new(CutDecoder { g: g.clone() }),
        encoding: "maxcut",
        penalties: json!({}),
        energy_meaning: EnergyMeaning::Objective,
        details: json!({ "vertices": g.num_vertices, "edges": g.edges.len() }),
    })
}

/// Decoder of [`encode`].
#[derive(Debug, Clone)]
pub struct CutDecoder {
    /// The graph.
    pub g: Graph,
}

impl Decode for CutDecoder {
    fn problem(&self) -> &str {
        "maxcut"
    }
    fn objective_name(&self) -> &str {
        "cut weight"
    }
    fn sense(&self) -> Sense {
        Sense::Maximize
    }
    fn decode(&self, x: &[u8]) -> Decoded {
        let cut = self
            .g
            .edges
            .iter()
            .filter(|(u, v, _)| x.get(*u) != x.get(*v))
            .map(|e| e.2)
            .sum();
        Decoded::raw(Solution::Cut(x.to_vec()), Some(cut), Vec::new())
    }
    fn repair(&self, _x: &[u8]) -> Option<Decoded> {
        None
    }
    fn encode_solution(&self, solution: &Solution) -> Option<Vec<u8>> {
        match solution {
            Solution::Cut(x) if x.len() == self.g.num_vertices => Some(x.clone()),
            _ => None,
        }
    }
}
