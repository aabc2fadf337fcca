//! Instance readers: TSPLIB, CVRPLIB and the knapsack files of `../shared/data/knapsack`.
//!
//! Every reader checks counts against the header and reports bad input as a
//! [`quboflow::Error::Parse`] naming file and line.

pub mod cvrplib;
pub mod distance;
pub mod knapsack;
mod sections;
pub mod tsplib;

use std::path::Path;

use crate::error::Result;

/// Reads a whole text file, mapping failure to an error naming it.
pub(crate) fn read_text(path: &Path) -> Result<String> {
    std::fs::read_to_string(path).map_err(|e| quboflow::Error::io(path, e).into())
}
