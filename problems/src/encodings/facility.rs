//! Capacitated facility location with single sourcing.

use std::sync::Arc;

use quboflow::{Constraints, QuboBuilder, Sense};
use serde_json::json;

use super::{
    Encoded, EnergyMeaning, Parts, add_squared, capacity_penalty, check_size, finish, penalty_or,
    slack_bits, slack_weights,
};
use crate::error::{Result, invalid};
use crate::solution::{Decode, Decoded, Solution};

/// Facilities with fixed costs and capacities, customers with demands, assignment costs.
#[derive(Debug, Clone, PartialEq)]
pub struct FacilityLocation {
    /// Opening cost of each facility.
    pub fixed_costs: Vec<f64>,
    /// Capacity of each facility (integer).
    pub capacities: Vec<f64>,
    /// Demand of each customer (integer).
    pub demands: Vec<f64>,
    /// `costs[i][j]`: serving customer j from facility i.
    pub costs: Vec<Vec<f64>>,
}

impl FacilityLocation {
    /// Total cost of an opening and assignment, or `None` if a customer is unassigned.
    pub fn cost(&self, open: &[usize], assignment: &[Option<usize>]) -> Option<f64> {
        let fixed: f64 = open.iter().map(|&i| self.fixed_costs[i]).sum();
        let serve: Option<f64> = assignment
            .iter()
            .enumerate()
            .map(|(j, a)| a.map(|i| self.costs[i][j]))
            .sum();
        serve.map(|s| s + fixed)
    }
}

/// Encodes `fl`: `y_i` (index i), `x_ij` (index `F + i·C + j`), then per-facility slack;
/// `E = Σ f y + Σ c x + A Σ_j (1 − Σ_i x_ij)² + A Σ x_ij(1 − y_i) + A Σ_i (Σ_j d_j x_ij + s_i − Q_i y_i)²`.
/// Default `A = 1 + Σf + Σ_j max_i c_ij` (the universal bound with LB = 0).
pub fn encode(fl: &FacilityLocation, penalty: Option<f64>) -> Result<Encoded> {
    let (nf, nc) = (fl.fixed_costs.len(), fl.demands.len());
    if fl.capacities.len() != nf || fl.costs.len() != nf || fl.costs.iter().any(|r| r.len() != nc) {
        return Err(invalid(
            "facility location",
            "fixed_costs, capacities and costs must agree in size",
        ));
    }
    if fl
        .capacities
        .iter()
        .chain(&fl.demands)
        .any(|v| v.fract() != 0.0 || *v < 0.0)
    {
        return Err(invalid(
            "facility location",
            "capacities and demands must be non-negative integers",
        ));
    }
    let a = penalty_or(penalty, || {
        1.0 + fl.fixed_costs.iter().sum::<f64>()
            + (0..nc)
                .map(|j| (0..nf).map(|i| fl.costs[i][j]).fold(0.0, f64::max))
                .sum::<f64>()
    })?;
    let slacks: Vec<Vec<f64>> = fl
        .capacities
        .iter()
        .map(|&q| slack_weights(q as u64))
        .collect();
    let base = nf + nf * nc;
    let mut starts = Vec::with_capacity(nf);
    let mut total = base;
    for s in &slacks {
        starts.push(total);
        total += s.len();
    }
    // One-hot rows of nf terms per customer, one capacity row of nc + 1 + slack per facility.
    let (fu, cu) = (nf as u128, nc as u128);
    let rows: u128 = slacks
        .iter()
        .map(|s| (cu + 1 + s.len() as u128).pow(2) / 2)
        .sum();
    check_size(
        "facility-location",
        total as u128,
        cu * fu * fu / 2 + fu * cu + rows,
    )?;
    let x = |i: usize, j: usize| nf + i * nc + j;
    let mut b = QuboBuilder::new(total);
    for i in 0..nf {
        b.add_linear(i, fl.fixed_costs[i]);
        for j in 0..nc {
            b.add_linear(x(i, j), fl.costs[i][j] + a);
            b.add_quadratic(x(i, j), i, -a);
        }
    }
    for j in 0..nc {
        let t: Vec<(usize, f64)> = (0..nf).map(|i| (x(i, j), 1.0)).collect();
        add_squared(&mut b, &t, 1.0, a);
    }
    let mut capacities = Vec::with_capacity(nf);
    for i in 0..nf {
        // (Σ d x + s − Q y)²; as a row: Σ d x − Q y ≤ 0.
        let mut row: Vec<(usize, f64)> = (0..nc).map(|j| (x(i, j), fl.demands[j])).collect();
        row.push((i, -fl.capacities[i]));
        capacities.push(capacity_penalty(
            &mut b, &row, 0.0, starts[i], &slacks[i], a,
        ));
    }
    let (qubo, offset) = finish(b)?;
    Encoded::new(Parts {
        qubo,
        offset,
        constraints: Constraints {
            one_hot: (0..nc)
                .map(|j| (0..nf).map(|i| x(i, j)).collect())
                .collect(),
            slack: (0..nf)
                .map(|i| (starts[i]..starts[i] + slacks[i].len()).collect())
                .collect(),
            capacities,
            ..Default::default()
        },
        decoder: Arc::new(FacilityDecoder {
            fl: fl.clone(),
            slacks,
            starts,
        }),
        encoding: "facility-location",
        penalties: json!({ "A": a }),
        energy_meaning: EnergyMeaning::Objective,
        details: json!({ "facilities": nf, "customers": nc }),
    })
}

/// Decoder of [`encode`].
#[derive(Debug, Clone)]
pub struct FacilityDecoder {
    /// The instance.
    pub fl: FacilityLocation,
    slacks: Vec<Vec<f64>>,
    starts: Vec<usize>,
}

impl Decode for FacilityDecoder {
    fn problem(&self) -> &str {
        "facility-location"
    }
    fn objective_name(&self) -> &str {
        "total cost"
    }
    fn sense(&self) -> Sense {
        Sense::Minimize
    }
    fn decode(&self, x: &[u8]) -> Decoded {
        let (nf, nc) = (self.fl.fixed_costs.len(), self.fl.demands.len());
        let open: Vec<usize> = (0..nf).filter(|&i| x.get(i) == Some(&1)).collect();
        let mut viol = Vec::new();
        let assignment: Vec<Option<usize>> = (0..nc)
            .map(|j| {
                let is: Vec<usize> = (0..nf)
                    .filter(|&i| x.get(nf + i * nc + j) == Some(&1))
                    .collect();
                if is.len() != 1 {
                    viol.push(format!(
                        "customer {} is served by {} facilities",
                        j + 1,
                        is.len()
                    ));
                }
                (is.len() == 1).then(|| is[0])
            })
            .collect();
        for i in 0..nf {
            let load: f64 = (0..nc)
                .filter(|&j| assignment[j] == Some(i))
                .map(|j| self.fl.demands[j])
                .sum();
            if load > 0.0 && !open.contains(&i) {
                viol.push(format!("facility {} serves customers but is closed", i + 1));
            }
            if load > self.fl.capacities[i] {
                viol.push(format!(
                    "facility {} serves {load} > capacity {}",
                    i + 1,
                    self.fl.capacities[i]
                ));
            }
        }
        let cost = self.fl.cost(&open, &assignment);
        Decoded::raw(Solution::Facilities { open, assignment }, cost, viol)
    }
    fn repair(&self, _x: &[u8]) -> Option<Decoded> {
        None
    }
    fn encode_solution(&self, solution: &Solution) -> Option<Vec<u8>> {
        let Solution::Facilities { open, assignment } = solution else {
            return None;
        };
        let (nf, nc) = (self.fl.fixed_costs.len(), self.fl.demands.len());
        let total = self
            .starts
            .last()
            .map_or(nf + nf * nc, |s| s + self.slacks[nf - 1].len());
        let mut x = vec![0u8; total];
        for &i in open {
            *x.get_mut(i)? = 1;
        }
        for (j, a) in assignment.iter().enumerate() {
            x[nf + (*a)? * nc + j] = 1;
        }
        for i in 0..nf {
            let load: f64 = (0..nc)
                .filter(|&j| assignment[j] == Some(i))
                .map(|j| self.fl.demands[j])
                .sum();
            let spare = if open.contains(&i) {
                self.fl.capacities[i] - load
            } else {
                0.0
            };
            let bits = slack_bits(&self.slacks[i], spare);
            x[self.starts[i]..self.starts[i] + bits.len()].copy_from_slice(&bits);
        }
        Some(x)
    }
}
