//! The classical baselines on the benchmark sets: valid solutions priced on the instance,
//! gaps to the proven optima within what these heuristics are known to reach, knapsack DP
//! exact.

mod common;

use common::{data, table};
use quboflow_problems::{Instance, Solution, baseline};

fn gaps(set: &str, file_col: &str, opt_col: &str) -> Vec<(String, f64, bool, f64)> {
    table(&format!("{set}/optimal_values.csv"))
        .into_iter()
        .filter_map(|row| {
            let path = data(&format!("{set}/{}", row[file_col]))?;
            let opt: f64 = row[opt_col].parse().ok()?;
            let inst = Instance::read(&path).unwrap();
            let b = baseline(&inst, None);
            // The objective is recomputed from the solution, never trusted.
            let cost = match (&inst, &b.solution) {
                (Instance::Tsp(t), Solution::Tour(tour)) => {
                    assert!(t.is_tour(tour), "{}", row[file_col]);
                    t.tour_length(tour)
                }
                (Instance::Cvrp(c), Solution::Routes(r)) => {
                    assert_eq!(c.violations_with_fleet(r, None), Vec::<String>::new());
                    c.cost(r)
                }
                _ => unreachable!(),
            };
            assert_eq!(cost, b.objective);
            Some((
                row[file_col].clone(),
                (cost - opt) / opt * 100.0,
                b.feasible,
                b.wall_s,
            ))
        })
        .collect()
}

#[test]
fn tsp_baseline_tours_are_valid_and_close() {
    let g = gaps("tsplib", "file", "optimal_length");
    if g.is_empty() {
        return; // data absent (skipped; CI requires it through data_file)
    }
    for (f, gap, _, s) in &g {
        eprintln!("{f}: {gap:+.2} % in {s:.3} s");
        assert!(*gap >= -1e-9 && *gap < 12.0, "{f}: {gap}");
    }
    let mean = g.iter().map(|x| x.1).sum::<f64>() / g.len() as f64;
    eprintln!("mean gap {mean:.2} % over {} instances", g.len());
    assert!(mean < 6.0, "{mean}");
}

#[test]
fn cvrp_baseline_routes_fit_and_are_close() {
    let g = gaps("cvrplib", "vrp_file", "optimal_cost");
    if g.is_empty() {
        return;
    }
    for (f, gap, feasible, s) in &g {
        eprintln!("{f}: {gap:+.2} % feasible {feasible} in {s:.3} s");
        assert!(*gap >= -1e-9 && *gap < 15.0, "{f}: {gap}");
    }
    let mean = g.iter().map(|x| x.1).sum::<f64>() / g.len() as f64;
    eprintln!("mean gap {mean:.2} % over {} instances", g.len());
    assert!(mean < 8.0, "{mean}");
}

#[test]
fn knapsack_baseline_is_exact_by_dp_and_close_by_greedy() {
    let rows = table("knapsack/optimal_values.csv");
    let mut by_method = [0usize; 2];
    for row in rows
        .iter()
        .filter(|r| !r["set"].starts_with("pisinger") || r["instance"].ends_with("_1"))
    {
        let (file, pick) = match row["set"].starts_with("pisinger") {
            true => (row["set"].clone(), Some(row["instance"].clone())),
            false => (row["file"].clone(), None),
        };
        let Some(path) = data(&format!("knapsack/{file}")) else {
            return;
        };
        let path = match pick {
            Some(p) => std::path::PathBuf::from(format!("{}#{p}", path.display())),
            None => path,
        };
        let Instance::Knapsack(k) = Instance::read(&path).unwrap() else {
            panic!()
        };
        let b = baseline(&Instance::Knapsack(k.clone()), None);
        let Solution::Items(items) = &b.solution else {
            panic!()
        };
        let weight: f64 = items.iter().map(|&i| k.weights[i]).sum();
        let value: f64 = items.iter().map(|&i| k.values[i]).sum();
        assert!(
            weight <= k.capacity && value == b.objective,
            "{}",
            path.display()
        );
        let opt: f64 = row["optimum"].parse().unwrap();
        let gap = (opt - value) / opt * 100.0;
        eprintln!(
            "{}: {} {gap:.3} % in {:.3} s",
            path.display(),
            b.name,
            b.wall_s
        );
        if b.optimal {
            assert_eq!(value, opt, "{}", path.display());
        } else {
            assert!((0.0..1.0).contains(&gap), "{}: {gap}", path.display());
        }
        by_method[usize::from(b.optimal)] += 1;
    }
    if !rows.is_empty() {
        assert!(by_method[1] > 0, "DP never ran: {by_method:?}");
    }
}
