//! Real-size logistics from the command line: a generated CVRP, the route-pool search with
//! its rounds, and the decomposition solver's report of what each part contributed.

mod common;

use common::{bin, json_of, repo, tmp};

#[test]
fn a_generated_cvrp_is_solved_by_the_route_pool_search_round_by_round() {
    let vrp = tmp("logistics", "gen.vrp");
    let out = bin()
        .args([
            "generate",
            "cvrp",
            "--customers",
            "25",
            "--routes",
            "4",
            "--seed",
            "3",
            "-o",
        ])
        .arg(&vrp)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let text = std::fs::read_to_string(&vrp).unwrap();
    assert!(text.contains("DIMENSION : 26") && text.contains("EDGE_WEIGHT_TYPE : EUC_2D"));
    let out = bin()
        .args(["solve"])
        .arg(&vrp)
        .args([
            "--encoding",
            "cvrp-route-pool",
            "--solver",
            "tabu",
            "--time-limit",
            "3",
        ])
        .args(["--seed", "1", "--json", "-q"])
        .output()
        .unwrap();
    let doc = json_of(&out);
    assert_eq!(doc["seed"], 1);
    assert_eq!(doc["best"]["feasible"], true);
    let routes = doc["best"]["solution"]["routes"].as_array().unwrap();
    let mut served: Vec<u64> = routes
        .iter()
        .flat_map(|r| r.as_array().unwrap().iter().map(|c| c.as_u64().unwrap()))
        .collect();
    served.sort_unstable();
    assert_eq!(served, (2..=26).collect::<Vec<u64>>());
    let pool = &doc["route_pool"];
    assert!(!pool["rounds"].as_array().unwrap().is_empty());
    assert_eq!(pool["best_cost"], doc["best"]["objective"]);
    // The text report prints every round and says where the best came from.
    let out = bin()
        .args(["solve"])
        .arg(&vrp)
        .args([
            "--encoding",
            "cvrp-route-pool",
            "--solver",
            "tabu",
            "--time-limit",
            "2",
        ])
        .args(["--seed", "1", "-q"])
        .output()
        .unwrap();
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(text.contains("pool       round 1:"), "{text}");
    assert!(text.contains("the QUBO selection beat"), "{text}");
}

#[test]
fn the_hybrid_report_says_what_each_sub_solver_contributed() {
    let out = bin()
        .args(["solve"])
        .arg(repo("testdata/example.qubo"))
        .args([
            "--solver",
            "hybrid",
            "--sub-solver",
            "qaoa,exact",
            "--sub-size",
            "4",
        ])
        .args([
            "--sub-params",
            r#"{"max_evals": 5}"#,
            "--outer-restarts",
            "0",
            "--seed",
            "2",
            "-q",
        ])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(text.contains("hybrid     sub-solver qaoa:"), "{text}");
    assert!(text.contains("hybrid     sub-solver exact:"), "{text}");
    assert!(text.contains("hybrid     outer search (tabu)"), "{text}");
    // A sub-solver parameter no sub-solver takes is refused by name.
    let out = bin()
        .args(["solve"])
        .arg(repo("testdata/example.qubo"))
        .args([
            "--solver",
            "hybrid",
            "--sub-params",
            r#"{"tenure": 3}"#,
            "-q",
        ])
        .output()
        .unwrap();
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("tenure applies to tabu"), "{err}");
}
