//! Shared helpers for the quboflow benchmarks and the peer harness.

use std::path::PathBuf;

/// A benchmark data file under `shared/data` (see `quboflow::testing::data_dir`).
///
/// Panics with a clear message when the data folder is missing: a benchmark without its
/// input has nothing to measure.
pub fn data(relative: &str) -> PathBuf {
    let dir = quboflow::testing::data_dir()
        .unwrap_or_else(|| panic!("shared/data not found; set QUBOFLOW_DATA to its path"));
    let p = dir.join(relative);
    assert!(p.is_file(), "{} not found", p.display());
    p
}
