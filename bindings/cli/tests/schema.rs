//! Every `--json` result of `solve` and `qaoa` is pinned by `schema/result.schema.json`:
//! every field is required and no other is allowed, so adding, removing or retyping a field
//! (or a number turning into null) fails here.

mod common;

use common::{bin, repo};
use quboflow::testing::schema_errors;
use serde_json::{Value, json};

const SCHEMA: &str = include_str!("../schema/result.schema.json");

fn schema() -> Value {
    serde_json::from_str(SCHEMA).expect("the schema is JSON")
}

fn doc(args: &[&str]) -> Value {
    let out = bin().args(args).args(["--json", "-q"]).output().unwrap();
    assert!(
        out.status.success(),
        "{args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).unwrap()
}

const VRP: &str = "NAME : c\nTYPE : CVRP\nDIMENSION : 5\nEDGE_WEIGHT_TYPE : EUC_2D\nCAPACITY : 10\nNODE_COORD_SECTION\n1 0 0\n2 3 0\n3 3 4\n4 0 4\n5 2 2\nDEMAND_SECTION\n1 0\n2 4\n3 5\n4 3\n5 2\nDEPOT_SECTION\n1\n-1\nEOF\n";

/// One document of every shape: each solver, plain and instance files, repair, a time limit,
/// QAOA sampling, evaluation and export.
fn documents() -> Vec<(String, Value)> {
    let petersen = repo("testdata/petersen.gset");
    let petersen = petersen.to_str().unwrap();
    let example = repo("testdata/example.qubo");
    let tsp = repo("testdata/burma14_first5.tsp");
    let tsp = tsp.to_str().unwrap();
    let vrp = common::tmp("schema", "c.vrp");
    std::fs::write(&vrp, VRP).unwrap();
    let knap = common::tmp("schema", "k.txt");
    std::fs::write(&knap, "4\n10\n10 5\n40 4\n30 6\n50 3\n").unwrap();
    let qasm = common::tmp("schema", "c.qasm");
    let runs: Vec<Vec<&str>> = vec![
        vec!["solve", example.to_str().unwrap(), "--solver", "exact"],
        vec!["solve", petersen, "--solver", "descent"],
        vec!["solve", petersen, "--solver", "sa", "--time-limit", "5"],
        vec!["solve", petersen, "--solver", "tabu"],
        vec!["solve", petersen, "--solver", "pt", "--num-sweeps", "20"],
        vec![
            "solve",
            tsp,
            "--solver",
            "sa",
            "--num-sweeps",
            "2",
            "--repair",
        ],
        vec!["solve", vrp.to_str().unwrap(), "--solver", "tabu"],
        vec!["solve", knap.to_str().unwrap(), "--solver", "exact"],
        vec!["qaoa", petersen, "--p", "1"],
        vec!["qaoa", tsp, "--p", "1", "--max-evals", "3"],
        vec!["qaoa", petersen, "--angles=0.2,0.3", "--evaluate"],
        vec![
            "qaoa",
            petersen,
            "--backend",
            "noise:aria-1",
            "--angles=0.2,0.3",
            "--evaluate",
            "--trajectories",
            "4",
        ],
        vec![
            "qaoa",
            petersen,
            "--backend",
            "noise:aria-1",
            "--max-evals",
            "4",
            "--trajectories",
            "8",
            "--shots",
            "100",
        ],
        vec![
            "qaoa",
            petersen,
            "--angles=0.2,0.3",
            "--export-only",
            "--qasm",
            qasm.to_str().unwrap(),
        ],
    ];
    runs.into_iter()
        .map(|mut a| {
            a.extend(["--seed", "3"]);
            (a.join(" "), doc(&a))
        })
        .collect()
}

#[test]
fn every_result_document_matches_the_schema() {
    let schema = schema();
    let docs = documents();
    for (call, d) in &docs {
        let errs = schema_errors(&schema, d);
        assert!(errs.is_empty(), "{call}: {errs:#?}");
    }
    // The documents exercised the variants the schema allows.
    let solutions: Vec<&Value> = docs.iter().map(|(_, d)| &d["best"]["solution"]).collect();
    for key in ["tour", "routes", "items", "cut"] {
        assert!(
            solutions.iter().any(|s| s.get(key).is_some()),
            "no {key} solution"
        );
    }
    assert!(docs.iter().any(|(_, d)| !d["repaired"].is_null()));
    assert!(docs.iter().any(|(_, d)| d["best"].is_null()));
}

#[test]
fn the_schema_catches_added_missing_retyped_and_null_fields() {
    let schema = schema();
    let (_, d) = documents().swap_remove(5);
    assert!(schema_errors(&schema, &d).is_empty());
    let broken = [
        ("added", {
            let mut x = d.clone();
            x["surprise"] = json!(1);
            x
        }),
        ("missing", {
            let mut x = d.clone();
            x["timing"].as_object_mut().unwrap().remove("read_s");
            x
        }),
        ("null energy", {
            let mut x = d.clone();
            x["best"]["energy"] = Value::Null;
            x
        }),
        ("0-based tour", {
            let mut x = d.clone();
            x["best"]["solution"]["tour"] = json!([0, 4, 3, 2, 1]);
            x
        }),
        ("unknown format", {
            let mut x = d.clone();
            x["format"] = json!("knapsack-csv");
            x
        }),
    ];
    for (what, x) in broken {
        assert!(!schema_errors(&schema, &x).is_empty(), "{what} passed");
    }
}
