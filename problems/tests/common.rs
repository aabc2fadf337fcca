//! Helpers shared by the integration tests.
#![allow(dead_code, unreachable_pub, missing_docs)]

use std::path::PathBuf;

use quboflow::testing::data_file;

/// Rows of a CSV table in `../shared/data` as maps from header to field.
pub fn table(relative: &str) -> Vec<std::collections::HashMap<String, String>> {
    let Some(p) = data_file(relative) else {
        return Vec::new();
    };
    let text = std::fs::read_to_string(p).unwrap();
    let mut lines = text.lines();
    let header = split(lines.next().unwrap());
    lines
        .filter(|l| !l.trim().is_empty())
        .map(|l| header.iter().cloned().zip(split(l)).collect())
        .collect()
}

pub fn split(line: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut cur = String::new();
    let mut q = false;
    for ch in line.chars() {
        match ch {
            '"' => q = !q,
            ',' if !q => out.push(std::mem::take(&mut cur)),
            _ => cur.push(ch),
        }
    }
    out.push(cur);
    out
}

pub fn data(relative: &str) -> Option<PathBuf> {
    data_file(relative)
}
