//! Classical solvers: exhaustive enumeration, steepest descent, simulated annealing,
//! parallel tempering, tabu search, and the decomposition solver that runs any of them on
//! sub-problems.

mod anneal;
mod common;
mod constrained;
pub mod descent;
pub mod exact;
mod fit;
mod hybrid;
mod move_set;
mod moves;
pub mod pt;
pub mod sa;
pub mod schedule;
pub mod tabu;

pub use descent::SteepestDescent;
pub use exact::Exact;
pub use hybrid::{Contribution, Decomposer, Decomposition, Hybrid};
pub use move_set::Moves;
pub use pt::ParallelTempering;
pub use sa::SimulatedAnnealing;
pub use schedule::BetaScheduleType;
pub use tabu::Tabu;
