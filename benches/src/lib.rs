//! Shared helpers for the quboflow benchmarks.
