//! Known optima and best-known values from the `optimal_values.csv` /
//! `subinstances_optimal.csv` tables that sit beside the instance files in `../shared/data`.

use std::path::{Path, PathBuf};

use serde::Serialize;

/// A reference value for an instance and what kind of value it is.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Reference {
    /// The value, in the native objective's units.
    pub value: f64,
    /// "proven optimum" or "best known".
    pub kind: &'static str,
    /// The table it came from.
    pub source: PathBuf,
}

/// Splits one CSV line, honouring double quotes.
pub(crate) fn csv_fields(line: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut cur = String::new();
    let mut quoted = false;
    for ch in line.chars() {
        match ch {
            '"' => quoted = !quoted,
            ',' if !quoted => out.push(std::mem::take(&mut cur)),
            _ => cur.push(ch),
        }
    }
    out.push(cur);
    out
}

/// Looks up `name` in a CSV table: the value of `value_col`, and whether `status_col` (if
/// any) calls it optimal.
fn lookup(
    table: &Path,
    name: &str,
    value_col: &str,
    status_col: Option<&str>,
) -> Option<Reference> {
    let text = std::fs::read_to_string(table).ok()?;
    let mut lines = text.lines();
    let header = csv_fields(lines.next()?);
    let col = |c: &str| header.iter().position(|h| h.trim() == c);
    let (iname, ivalue) = (col("instance")?, col(value_col)?);
    let istatus = status_col.and_then(col);
    for line in lines {
        let f = csv_fields(line);
        if f.get(iname).map(|s| s.trim()) == Some(name) {
            let value = f.get(ivalue)?.trim().parse().ok()?;
            let best_known = istatus
                .and_then(|i| f.get(i))
                .is_some_and(|s| s.contains("best known"));
            return Some(Reference {
                value,
                kind: if best_known {
                    "best known"
                } else {
                    "proven optimum"
                },
                source: table.to_path_buf(),
            });
        }
    }
    None
}

/// The reference value of instance `name` read from `path`: the tables in the file's folder
/// and its parent (sub-instances live in `sub/`), for TSP, CVRP and knapsack.
pub fn find(path: &Path, name: &str) -> Option<Reference> {
    // Some files' NAME differs from the file name (ulysses16's is `ulysses16.tsp`).
    let stem = crate::readers::tsplib::stem(path);
    find_name(path, name).or_else(|| find_name(path, &stem))
}

fn find_name(path: &Path, name: &str) -> Option<Reference> {
    let dir = path.parent().unwrap_or(Path::new("."));
    let mut dirs = vec![dir.to_path_buf()];
    if let Some(p) = dir.parent() {
        dirs.push(p.to_path_buf());
    }
    for d in dirs {
        let tables = [
            ("optimal_values.csv", "optimal_length", Some("status")),
            ("subinstances_optimal.csv", "optimal_length", None),
            ("optimal_values.csv", "optimal_cost", Some("status")),
            ("subinstances_optimal.csv", "optimal_cost", None),
            ("optimal_values.csv", "optimum", None),
        ];
        for (file, col, status) in tables {
            let t = d.join(file);
            if t.exists()
                && let Some(r) = lookup(&t, name, col, status)
            {
                return Some(r);
            }
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn csv_fields_keep_quoted_commas() {
        assert_eq!(
            csv_fields(r#"a,"1(depot),2..4",7"#),
            vec!["a", "1(depot),2..4", "7"]
        );
    }
}
