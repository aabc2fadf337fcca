//! Readers against every file in `../shared/data` with a known answer.

mod common;

use std::path::Path;

use common::{data, table};
use quboflow_problems::readers::{cvrplib, knapsack, tsplib};
use quboflow_problems::{Cvrp, Knapsack, Tsp};

#[test]
fn every_opt_tour_recosts_to_the_listed_optimum() {
    let rows = table("tsplib/optimal_values.csv");
    let mut checked = 0;
    for r in &rows {
        let Some(tsp_path) = data(&format!("tsplib/{}", r["file"])) else {
            continue;
        };
        let tsp = Tsp::read(&tsp_path).unwrap();
        assert_eq!(tsp.dimension.to_string(), r["n"], "{}", r["instance"]);
        if r["opt_tour_file"].is_empty() {
            continue;
        }
        let tour =
            tsplib::read_tour(&data(&format!("tsplib/{}", r["opt_tour_file"])).unwrap()).unwrap();
        assert!(tsp.is_tour(&tour));
        assert_eq!(
            tsp.tour_length(&tour),
            r["optimal_length"].parse::<f64>().unwrap(),
            "{}",
            r["instance"]
        );
        checked += 1;
    }
    if !rows.is_empty() {
        assert_eq!(checked, 20);
    }
}

#[test]
fn sub_instance_tours_match_their_optima() {
    for r in table("tsplib/subinstances_optimal.csv") {
        let tsp = Tsp::read(&data(&format!("tsplib/sub/{}.tsp", r["instance"])).unwrap()).unwrap();
        let tour: Vec<usize> = r["optimal_tour_1based"]
            .split_whitespace()
            .map(|c| c.parse::<usize>().unwrap() - 1)
            .collect();
        assert_eq!(
            tsp.tour_length(&tour),
            r["optimal_length"].parse::<f64>().unwrap(),
            "{}",
            r["instance"]
        );
    }
}

#[test]
fn every_cvrp_solution_is_feasible_and_recosts_to_the_optimum() {
    let rows = table("cvrplib/optimal_values.csv");
    for r in &rows {
        let cvrp = Cvrp::read(&data(&format!("cvrplib/{}", r["vrp_file"])).unwrap()).unwrap();
        let sol =
            cvrplib::read_solution(&data(&format!("cvrplib/{}", r["sol_file"])).unwrap()).unwrap();
        assert!(
            cvrp.violations(&sol.routes).is_empty(),
            "{}: {:?}",
            r["instance"],
            cvrp.violations(&sol.routes)
        );
        assert_eq!(
            cvrp.cost(&sol.routes),
            r["optimal_cost"].parse::<f64>().unwrap(),
            "{}",
            r["instance"]
        );
        assert_eq!(cvrp.vehicles, Some(r["k_in_name"].parse().unwrap()));
    }
    if !rows.is_empty() {
        assert_eq!(rows.len(), 49);
    }
}

#[test]
fn e_n13_k4_lower_row_is_read_as_lower_row() {
    let Some(p) = data("cvrplib/E-n13-k4.vrp") else {
        return;
    };
    let cvrp = Cvrp::read(&p).unwrap();
    let sol = cvrplib::read_solution(&data("cvrplib/E-n13-k4.sol").unwrap()).unwrap();
    assert_eq!(cvrp.cost(&sol.routes), 247.0);
}

#[test]
fn every_knapsack_optimum_and_selection_agree() {
    let rows = table("knapsack/optimal_values.csv");
    let mut files: std::collections::BTreeMap<String, Vec<Knapsack>> = Default::default();
    for r in &rows {
        let file = r["file"].clone();
        let all = files.entry(file.clone()).or_insert_with(|| {
            Knapsack::read_all(&data(&format!("knapsack/{file}")).unwrap()).unwrap()
        });
        let k = all
            .iter()
            .find(|k| k.name == r["instance"])
            .unwrap_or_else(|| panic!("{} not in {file}", r["instance"]));
        let opt: f64 = r["optimum"].parse().unwrap();
        assert!((k.optimum.unwrap() - opt).abs() < 1e-6, "{}", k.name);
        assert_eq!(k.capacity, r["capacity"].parse::<f64>().unwrap());
        if let Some(x) = &k.optimal_selection {
            assert!(k.is_feasible(x));
            assert!((k.value(x) - opt).abs() < 1e-6, "{}", k.name);
        }
    }
    if !rows.is_empty() {
        assert_eq!(rows.len(), 416);
    }
}

fn err(text: &str, name: &str) -> String {
    let p = Path::new(name);
    match p.extension().and_then(|e| e.to_str()) {
        Some("tsp") => Tsp::parse(text, p).unwrap_err().to_string(),
        Some("vrp") => Cvrp::parse(text, p).unwrap_err().to_string(),
        Some("tour") => tsplib::parse_tour(text, p).unwrap_err().to_string(),
        Some("csv") => knapsack::parse_pisinger(text, p).unwrap_err().to_string(),
        _ => knapsack::parse_ortega(text, p).unwrap_err().to_string(),
    }
}

#[test]
fn bad_files_name_file_line_and_problem() {
    let head = "NAME: x\nTYPE: TSP\nDIMENSION: 3\nEDGE_WEIGHT_TYPE: EUC_2D\nNODE_COORD_SECTION\n";
    assert_eq!(
        err(&format!("{head}1 0 0\n2 1 1\nEOF\n"), "a.tsp"),
        "a.tsp:7: NODE_COORD_SECTION has 6 numbers; DIMENSION 3 needs 9 (`id x y` per node)"
    );
    assert_eq!(
        err(&format!("{head}1 0 0\n2 1 x\n3 2 2\n"), "a.tsp"),
        "a.tsp:7: expected a coordinate (a number), found `x`"
    );
    assert_eq!(
        err(&format!("{head}1 0 0\n4 1 1\n3 2 2\n"), "a.tsp"),
        "a.tsp:7: expected a node id between 1 and 3, found `4`"
    );
    assert!(err("NAME: x\nDIMENSION: 3\nEDGE_WEIGHT_TYPE: EXPLICIT\nEDGE_WEIGHT_FORMAT: UPPER_ROW\nEDGE_WEIGHT_SECTION\n1 2\n", "b.tsp").contains("b.tsp:6: EDGE_WEIGHT_SECTION has 2 numbers; UPPER_ROW with DIMENSION 3 needs 3"));
    assert!(
        err("NAME: x\nDIMENSION: 3\nEDGE_WEIGHT_TYPE: FOO\n", "c.tsp")
            .contains("c.tsp:3: unsupported EDGE_WEIGHT_TYPE `FOO`")
    );
    assert!(err("garbage here\n", "d.tsp").starts_with("d.tsp:1: expected `KEY : value`"));
    assert!(
        err(
            "TYPE: TOUR\nDIMENSION: 3\nTOUR_SECTION\n1 2 2\n-1\n",
            "e.tour"
        )
        .contains("e.tour:4: city 2 is visited twice")
    );
    let vrp = "NAME : v\nTYPE : CVRP\nDIMENSION : 3\nCAPACITY : 10\nEDGE_WEIGHT_TYPE : EUC_2D\nNODE_COORD_SECTION\n1 0 0\n2 1 1\n3 2 2\nDEMAND_SECTION\n1 0\n2 11\n3 1\nDEPOT_SECTION\n1\n-1\n";
    assert!(err(vrp, "v.vrp").contains("customer 2 demands 11, more than the capacity 10"));
    assert_eq!(
        err("3 \r\n10\r\n1 2\r\n3 4\r\n5", "f1_x"),
        "f1_x:5: file ended; expected the weight of item 3"
    );
    assert_eq!(
        err("2 10\n1 2\n3 -4\n", "f2_x"),
        "f2_x:3: expected the weight of item 2 (a non-negative number), found `-4`"
    );
    assert!(
        err("knapPI_1\nn 2\nc 5\nz 3\ntime 0\n1,1,1,0\n", "p.csv")
            .contains("block `knapPI_1` ended after 1 of 2 items")
    );
}

#[test]
fn reference_values_carry_their_kind() {
    use quboflow_problems::reference::find;
    let cases = [
        ("tsplib/burma14.tsp", "burma14", 3323.0, "proven optimum"),
        (
            "tsplib/sub/burma14_first5.tsp",
            "burma14_first5",
            2321.0,
            "proven optimum",
        ),
        ("gset/G1.txt", "G1", 11624.0, "best known"),
        ("bqp/bqp50_1.txt", "bqp50_1", 2098.0, "proven optimum"),
        ("bqp/bqp1000_1.txt", "bqp1000_1", 371438.0, "best known"),
    ];
    for (file, name, value, kind) in cases {
        let Some(p) = data(file) else { return };
        let r = find(&p, name).unwrap_or_else(|| panic!("no reference for {file}"));
        assert_eq!((r.value, r.kind.label()), (value, kind), "{file}");
    }
    let Some(p) = data("tsplib/burma14.tsp") else {
        return;
    };
    assert_eq!(find(&p.with_file_name("nosuch.tsp"), "nosuch"), None);
}
