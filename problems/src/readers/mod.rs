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

/// Reads a whole text file: UTF-8 checked (naming the line of a bad byte), a byte-order
/// mark dropped.
pub(crate) fn read_text(path: &Path) -> Result<String> {
    Ok(quboflow::io::read_text(path)?)
}
