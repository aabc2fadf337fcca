//! A user's current plan (a TSPLIB tour or a CVRPLIB `.sol` file) priced on an instance's own
//! distances: the baseline a report states "% cost saved or lost" against.

use std::path::Path;

use crate::error::{Result, invalid};
use crate::instance::Instance;
use crate::readers::{cvrplib, tsplib};

/// The native cost of the plan in `path` on `instance`: a tour's length for a TSP (a TSPLIB
/// `.tour`/`.opt.tour` file), the routes' total distance for a CVRP (a CVRPLIB `.sol` file).
/// The cost is always recomputed from the instance, never read from the file; a plan that
/// misses or repeats a customer, or overloads a vehicle, is an error naming the file.
///
/// ```
/// use quboflow_problems::{Instance, plan_cost};
/// let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../testdata");
/// let tsp = Instance::read(&dir.join("burma14_first5.tsp"))?;
/// std::fs::write(std::env::temp_dir().join("qf_plan_doc.tour"), "TOUR_SECTION\n1\n2\n3\n4\n5\n-1\nEOF\n")?;
/// let cost = plan_cost(&tsp, &std::env::temp_dir().join("qf_plan_doc.tour"))?;
/// assert!(cost > 0.0);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn plan_cost(instance: &Instance, path: &Path) -> Result<f64> {
    let cost = match instance {
        Instance::Tsp(t) => {
            let tour = tsplib::read_tour(path)?;
            if !t.is_tour(&tour) {
                return Err(invalid(
                    "plan",
                    format!(
                        "the tour has {} entries and is not a permutation of the instance's {} cities",
                        tour.len(),
                        t.dimension
                    ),
                )
                .in_file(path));
            }
            t.tour_length(&tour)
        }
        Instance::Cvrp(c) => {
            let sol = cvrplib::read_solution(path)?;
            let bad = c.violations(&sol.routes);
            if !bad.is_empty() {
                return Err(invalid(
                    "plan",
                    format!("the routes are infeasible: {}", bad.join("; ")),
                )
                .in_file(path));
            }
            c.cost(&sol.routes)
        }
        other => {
            return Err(invalid(
                "plan",
                format!(
                    "a plan file can be priced for TSP and CVRP instances, not {}",
                    other.problem()
                ),
            )
            .in_file(path));
        }
    };
    Ok(cost)
}
