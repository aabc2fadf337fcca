//! Random CVRP instances in the CVRPLIB format, for testing at sizes the classic sets lack.

use rand::rngs::Xoshiro256PlusPlus;
use rand::{RngExt, SeedableRng};

use crate::error::{Result, invalid};
use crate::readers::cvrplib::Cvrp;
use crate::readers::distance::{EdgeWeightType, coordinate_distance};

/// A random CVRP: `customers` at uniform integer coordinates on a 1000 × 1000 grid, the
/// depot at the centre (500, 500), integer demands uniform in 1–10, and the capacity
/// `⌈Σ demand / routes⌉`, so about `routes` vehicles are needed (at least that many). Distances
/// are TSPLIB `EUC_2D` (rounded), as in CVRPLIB's A, B and X sets; the fleet is left open.
/// The same seed gives the same instance on every machine.
///
/// ```
/// use quboflow_problems::generate::random_cvrp;
/// let c = random_cvrp(100, 10, 7)?;
/// assert_eq!((c.dimension, c.name.as_str()), (101, "QF-n101-s7"));
/// assert!(c.demands.iter().skip(1).all(|&d| (1.0..=10.0).contains(&d)));
/// let total: f64 = c.demands.iter().sum();
/// assert!(total / c.capacity > 9.0 && total / c.capacity <= 10.0);
/// // Written and read back, it is the same instance.
/// let back = quboflow_problems::Cvrp::parse(&c.to_vrp(), "g.vrp".as_ref())?;
/// assert_eq!(back.distances, c.distances);
/// # Ok::<(), quboflow_problems::Error>(())
/// ```
pub fn random_cvrp(customers: usize, routes: usize, seed: u64) -> Result<Cvrp> {
    // The full distance matrix is built: 5000 customers is 200 MB of it.
    if customers == 0 || customers > 5_000 {
        return Err(invalid(
            "customers",
            format!("{customers}: give 1 to 5000 customers"),
        ));
    }
    if routes == 0 || routes > customers {
        return Err(invalid(
            "routes",
            format!("{routes}: give 1 to {customers} routes (one per customer at most)"),
        ));
    }
    let mut rng = Xoshiro256PlusPlus::seed_from_u64(seed);
    let n = customers + 1;
    let mut coords = vec![[500.0, 500.0, 0.0]];
    let mut demands = vec![0.0];
    for _ in 0..customers {
        coords.push([
            f64::from(rng.random_range(0..=1000u32)),
            f64::from(rng.random_range(0..=1000u32)),
            0.0,
        ]);
        demands.push(f64::from(rng.random_range(1..=10u32)));
    }
    let total: f64 = demands.iter().sum();
    let capacity = (total / routes as f64).ceil().max(10.0);
    let kind = EdgeWeightType::Euc2d;
    let distances: Vec<Vec<f64>> = (0..n)
        .map(|i| {
            (0..n)
                .map(|j| {
                    if i == j {
                        0.0
                    } else {
                        coordinate_distance(kind, coords[i], coords[j])
                    }
                })
                .collect()
        })
        .collect();
    let mut c = Cvrp::from_matrix(&format!("QF-n{n}-s{seed}"), distances, demands, capacity, 0)?;
    c.edge_weight_type = kind;
    c.coords = Some(coords);
    Ok(c)
}

impl Cvrp {
    /// The instance as a CVRPLIB `.vrp` file: coordinates with their `EDGE_WEIGHT_TYPE` when
    /// it has them, else the full matrix (`EXPLICIT`, `FULL_MATRIX`).
    pub fn to_vrp(&self) -> String {
        let mut s = format!(
            "NAME : {}\nCOMMENT : written by quboflow {}\nTYPE : CVRP\nDIMENSION : {}\n",
            self.name,
            quboflow::VERSION,
            self.dimension
        );
        if let Some(k) = self.vehicles {
            s.push_str(&format!("VEHICLES : {k}\n"));
        }
        if let Some(l) = self.distance_limit {
            s.push_str(&format!("DISTANCE : {l}\n"));
        }
        match &self.coords {
            Some(coords) if self.edge_weight_type != EdgeWeightType::Explicit => {
                s.push_str(&format!(
                    "EDGE_WEIGHT_TYPE : {}\nCAPACITY : {}\nNODE_COORD_SECTION\n",
                    self.edge_weight_type.name(),
                    self.capacity
                ));
                for (i, c) in coords.iter().enumerate() {
                    s.push_str(&format!("{} {} {}\n", i + 1, c[0], c[1]));
                }
            }
            _ => {
                s.push_str(&format!(
                    "EDGE_WEIGHT_TYPE : EXPLICIT\nEDGE_WEIGHT_FORMAT : FULL_MATRIX\nCAPACITY : {}\nEDGE_WEIGHT_SECTION\n",
                    self.capacity
                ));
                for i in 0..self.dimension {
                    let row: Vec<String> = (0..self.dimension)
                        .map(|j| self.distance(i, j).to_string())
                        .collect();
                    s.push_str(&row.join(" "));
                    s.push('\n');
                }
            }
        }
        s.push_str("DEMAND_SECTION\n");
        for (i, d) in self.demands.iter().enumerate() {
            s.push_str(&format!("{} {d}\n", i + 1));
        }
        s.push_str(&format!("DEPOT_SECTION\n{}\n-1\nEOF\n", self.depot + 1));
        s
    }
}
