//! Known optima and best-known values from the `optimal_values.csv` /
//! `subinstances_optimal.csv` / `best_known.csv` tables that sit beside the instance files in
//! `../shared/data`, as the one [`Reference`] type of reports.

use std::path::Path;

use quboflow::compare::{Reference, ReferenceKind};

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

/// How one reference table is read.
struct Table {
    file: &'static str,
    value_col: &'static str,
    /// A column whose text says "optimal" or "best known".
    status_col: Option<&'static str>,
    /// The kind when the status does not say (or there is no status column).
    default_kind: ReferenceKind,
}

/// Looks up `name` (the `instance` column) or `file_name` (the `file` column) in a CSV table.
fn lookup(table: &Path, t: &Table, name: &str, file_name: &str) -> Option<Reference> {
    let text = std::fs::read_to_string(table).ok()?;
    let mut lines = text.lines();
    let header = csv_fields(lines.next()?);
    let col = |c: &str| header.iter().position(|h| h.trim() == c);
    let (iname, ivalue) = (col("instance")?, col(t.value_col)?);
    let ifile = col("file");
    let istatus = t.status_col.and_then(col);
    for line in lines {
        let f = csv_fields(line);
        let field = |i: usize| f.get(i).map(|s| s.trim());
        if field(iname) == Some(name) || ifile.and_then(field) == Some(file_name) {
            let value: f64 = field(ivalue)?
                .parse()
                .ok()
                .filter(|v: &f64| v.is_finite())?;
            let status = istatus.and_then(field).unwrap_or("");
            let kind = if status.contains("best known") {
                ReferenceKind::BestKnown
            } else if status.starts_with("optimal") {
                ReferenceKind::ProvenOptimum
            } else {
                t.default_kind
            };
            return Some(Reference {
                value,
                kind,
                source: table.display().to_string(),
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
    let file_name = path.file_name().and_then(|f| f.to_str()).unwrap_or("");
    let table = |file, value_col, status_col, default_kind| Table {
        file,
        value_col,
        status_col,
        default_kind,
    };
    let tables = [
        table(
            "optimal_values.csv",
            "optimal_length",
            Some("status"),
            ReferenceKind::ProvenOptimum,
        ),
        table(
            "subinstances_optimal.csv",
            "optimal_length",
            None,
            ReferenceKind::ProvenOptimum,
        ),
        table(
            "optimal_values.csv",
            "optimal_cost",
            Some("status"),
            ReferenceKind::ProvenOptimum,
        ),
        table(
            "subinstances_optimal.csv",
            "optimal_cost",
            None,
            ReferenceKind::ProvenOptimum,
        ),
        table(
            "optimal_values.csv",
            "optimum",
            None,
            ReferenceKind::ProvenOptimum,
        ),
        // Gset: certificates prove the cuts exist, not that they are maximal.
        table(
            "best_known.csv",
            "best_known_cut",
            None,
            ReferenceKind::BestKnown,
        ),
        // Beasley bqp: maximised value; the status says which are proven.
        table(
            "best_known.csv",
            "best_known_max",
            Some("status"),
            ReferenceKind::BestKnown,
        ),
    ];
    for d in dirs {
        for t in &tables {
            let p = d.join(t.file);
            if p.exists()
                && let Some(r) = lookup(&p, t, name, file_name)
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
