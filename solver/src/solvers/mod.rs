//! Classical solvers: exhaustive enumeration, steepest descent, simulated annealing.

mod common;
pub mod descent;
pub mod exact;
pub mod sa;
pub mod schedule;

pub use descent::SteepestDescent;
pub use exact::Exact;
pub use sa::SimulatedAnnealing;
pub use schedule::BetaScheduleType;
