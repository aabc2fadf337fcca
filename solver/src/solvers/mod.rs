//! Classical solvers: exhaustive enumeration and multi-start steepest descent.

mod common;
pub mod descent;
pub mod exact;

pub use descent::SteepestDescent;
pub use exact::Exact;
