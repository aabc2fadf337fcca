//! The `quboflow` binary end to end: JSON contract, objectives, errors, conversion.

mod common;

use std::path::{Path, PathBuf};
use std::process::Output;

use common::{bin, json_of, repo, sample_of};

use quboflow::testing::data_file;
use serde_json::Value;

fn run(args: &[&str]) -> Output {
    bin().args(args).output().unwrap()
}

fn tmp(name: &str) -> PathBuf {
    common::tmp("cli", name)
}

/// Triples `(a, b, w)` of a Gset or bqp file (1-based ids as written).
fn triples(path: &Path) -> Vec<(usize, usize, f64)> {
    std::fs::read_to_string(path)
        .unwrap()
        .lines()
        .skip(1)
        .filter(|l| !l.trim().is_empty())
        .map(|l| {
            let t: Vec<&str> = l.split_whitespace().collect();
            (
                t[0].parse().unwrap(),
                t[1].parse().unwrap(),
                t[2].parse().unwrap(),
            )
        })
        .collect()
}

#[test]
fn g1_descent_reports_the_cut_of_its_sample() {
    let Some(g1) = data_file("gset/G1.txt") else {
        return;
    };
    let doc = json_of(&run(&[
        "solve",
        g1.to_str().unwrap(),
        "--solver",
        "descent",
        "--json",
        "--seed",
        "4",
    ]));
    let x = sample_of(&doc);
    assert_eq!(x.len(), 800);
    let cut: f64 = triples(&g1)
        .iter()
        .filter(|(i, j, _)| x[i - 1] != x[j - 1])
        .map(|t| t.2)
        .sum();
    assert_eq!(doc["best"]["objective"].as_f64().unwrap(), cut);
    assert_eq!(doc["best"]["energy"].as_f64().unwrap(), -cut);
    assert!(cut > 11000.0 && cut <= 11624.0, "cut {cut}");
    assert_eq!(doc["best"]["feasible"], true);
    for key in ["instance", "solver", "params", "seed", "version"] {
        assert!(!doc[key].is_null(), "{key} missing");
    }
    assert_eq!(doc["seed"], 4);
    assert!(doc["timing"]["total_s"].as_f64().unwrap() >= 0.0);
    assert_eq!(doc["version"], quboflow::VERSION);
}

#[test]
fn bqp50_reports_the_maximised_objective_of_its_sample() {
    let Some(f) = data_file("bqp/bqp50_1.txt") else {
        return;
    };
    let doc = json_of(&run(&[
        "solve",
        f.to_str().unwrap(),
        "--json",
        "--num-reads",
        "4000",
        "--seed",
        "1",
    ]));
    let x = sample_of(&doc);
    let value: f64 = triples(&f)
        .iter()
        .map(|&(i, j, q)| if i == j { q } else { 2.0 * q } * (x[i - 1] * x[j - 1]) as f64)
        .sum();
    assert_eq!(doc["best"]["objective"].as_f64().unwrap(), value);
    assert_eq!(value, 2098.0);
    assert_eq!(doc["objective"]["sense"], "maximize");
}

#[test]
fn exact_solves_the_bundled_example() {
    let doc = json_of(&run(&[
        "solve",
        repo("testdata/petersen.gset").to_str().unwrap(),
        "--solver",
        "exact",
        "--json",
    ]));
    assert_eq!(doc["best"]["objective"], 12.0);
    let doc = json_of(&run(&[
        "solve",
        repo("testdata/example.qubo").to_str().unwrap(),
        "--solver",
        "exact",
        "--json",
    ]));
    assert_eq!(doc["best"]["energy"], -2.75);
    assert_eq!(sample_of(&doc), vec![1, 1]);
}

#[test]
fn same_seed_same_answer_on_one_or_two_threads() {
    let Some(f) = data_file("bqp/bqp100_1.txt") else {
        return;
    };
    let go = |t: &str| {
        json_of(&run(&[
            "--threads",
            t,
            "solve",
            f.to_str().unwrap(),
            "--json",
            "--seed",
            "9",
            "--num-reads",
            "64",
        ]))
    };
    let (a, b) = (go("1"), go("2"));
    assert_eq!(a["best"], b["best"]);
    assert_eq!(a["threads"], 1);
}

#[test]
fn parse_errors_are_one_line_naming_file_and_line() {
    let bad = tmp("bad.qubo");
    std::fs::write(&bad, "p qubo 0 2 1 1\n0 0 1\n0 1 x\n").unwrap();
    let out = run(&["solve", bad.to_str().unwrap()]);
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(err.trim().lines().count(), 1, "{err}");
    assert!(err.contains("bad.qubo:3:5"), "{err}");
    assert!(out.stdout.is_empty());

    // A truncated copy of a real file: the header's count gives it away.
    let Some(g1) = data_file("gset/G1.txt") else {
        return;
    };
    let text = std::fs::read_to_string(g1).unwrap();
    let cut: Vec<&str> = text.lines().take(1000).collect();
    let trunc = tmp("G1-truncated.txt");
    std::fs::write(&trunc, cut.join("\n")).unwrap();
    let out = run(&["info", trunc.to_str().unwrap()]);
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("G1-truncated.txt:1") && err.contains("999"),
        "{err}"
    );
}

#[test]
fn misuse_is_refused_clearly() {
    let ex = repo("testdata/example.qubo");
    let out = run(&[
        "solve",
        ex.to_str().unwrap(),
        "--solver",
        "exact",
        "--num-reads",
        "5",
    ]);
    assert!(!out.status.success());
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("--num-reads applies to --solver descent")
    );
    let out = run(&["solve", ex.to_str().unwrap(), "--time-limit", "-1"]);
    assert!(!out.status.success());
    let out = run(&["solve", "/no/such/file.qubo"]);
    assert!(String::from_utf8_lossy(&out.stderr).contains("/no/such/file.qubo"));
    let out = run(&["--threads", "0", "info", ex.to_str().unwrap()]);
    assert!(!out.status.success());
}

#[test]
fn convert_round_trips_and_json_keeps_the_objective() {
    let src = repo("testdata/petersen.gset");
    let j = tmp("p.json");
    let q = tmp("p.qubo");
    let c = tmp("p.coo");
    for (out, to) in [(&j, "json"), (&q, "qubo"), (&c, "coo")] {
        let o = run(&[
            "convert",
            src.to_str().unwrap(),
            out.to_str().unwrap(),
            "--quiet",
        ]);
        assert!(
            o.status.success(),
            "{to}: {}",
            String::from_utf8_lossy(&o.stderr)
        );
    }
    // JSON keeps "cut weight"; the qubo file holds the energy (−cut).
    let dj = json_of(&run(&[
        "solve",
        j.to_str().unwrap(),
        "--solver",
        "exact",
        "--json",
    ]));
    assert_eq!(dj["best"]["objective"], 12.0);
    assert_eq!(dj["objective"]["name"], "cut weight");
    let dq = json_of(&run(&[
        "solve",
        q.to_str().unwrap(),
        "--solver",
        "exact",
        "--json",
    ]));
    assert_eq!(dq["best"]["energy"], -12.0);
    assert_eq!(dq["best"]["objective"], -12.0);
    // COO → qubo → identical text to the direct conversion.
    let q2 = tmp("p2.qubo");
    assert!(
        run(&["convert", c.to_str().unwrap(), q2.to_str().unwrap(), "-q"])
            .status
            .success()
    );
    assert_eq!(
        std::fs::read_to_string(&q).unwrap(),
        std::fs::read_to_string(&q2).unwrap()
    );
    // Read-only formats cannot be written.
    assert!(
        !run(&[
            "convert",
            src.to_str().unwrap(),
            tmp("x.gset").to_str().unwrap()
        ])
        .status
        .success()
    );
}

#[test]
fn info_json_describes_the_model() {
    let doc = json_of(&run(&[
        "info",
        repo("testdata/petersen.gset").to_str().unwrap(),
        "--json",
    ]));
    assert_eq!(doc["format"], "gset");
    assert_eq!(doc["num_variables"], 10);
    assert_eq!(doc["num_interactions"], 15);
    assert!((doc["density"].as_f64().unwrap() - 15.0 / 45.0).abs() < 1e-12);
    assert_eq!(doc["quadratic_range"], serde_json::json!([2.0, 2.0]));
}

#[test]
fn output_file_holds_every_sample_and_time_limits_are_flagged() {
    let Some(g) = data_file("gset/G22.txt") else {
        return;
    };
    let out = tmp("run.json");
    let o = run(&[
        "solve",
        g.to_str().unwrap(),
        "--num-reads",
        "100000000",
        "--time-limit",
        "0.3",
        "--seed",
        "2",
        "-o",
        out.to_str().unwrap(),
        "--quiet",
    ]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let doc: Value = serde_json::from_str(&std::fs::read_to_string(&out).unwrap()).unwrap();
    assert_eq!(doc["termination"], "time_limit");
    let ss = quboflow::SampleSet::from_json(&doc["sampleset"].to_string()).unwrap();
    assert_eq!(ss.num_reads(), doc["num_reads"].as_u64().unwrap());
    assert!(ss.num_reads() < 100_000_000);
    assert_eq!(
        ss.first().unwrap().energy,
        doc["best"]["energy"].as_f64().unwrap()
    );
}

#[test]
fn every_solver_runs_with_its_flags_and_refuses_others() {
    let p = repo("testdata/petersen.gset");
    let p = p.to_str().unwrap();
    let runs: [&[&str]; 5] = [
        &[
            "--solver",
            "sa",
            "--num-reads",
            "4",
            "--num-sweeps",
            "50",
            "--beta-range",
            "0.1,3",
        ],
        &[
            "--solver",
            "sa",
            "--beta-schedule",
            "0.1,0.5,1,2",
            "--num-sweeps-per-beta",
            "5",
        ],
        &[
            "--solver",
            "tabu",
            "--num-reads",
            "2",
            "--tenure",
            "2",
            "--num-restarts",
            "3",
            "--timeout",
            "5",
        ],
        &[
            "--solver",
            "pt",
            "--num-reads",
            "2",
            "--num-replicas",
            "4",
            "--num-sweeps",
            "50",
        ],
        &["--solver", "descent", "--num-reads", "20"],
    ];
    for extra in runs {
        let mut args = vec!["solve", p, "--json", "--seed", "3"];
        args.extend_from_slice(extra);
        let doc = json_of(&run(&args));
        // The Petersen graph's maximum cut is 12; every solver finds it with these budgets.
        assert_eq!(doc["best"]["objective"], 12.0, "{extra:?}");
    }
    for (solver, flag, value) in [
        ("sa", "--tenure", "3"),
        ("tabu", "--num-sweeps", "9"),
        ("exact", "--timeout", "1"),
        ("pt", "--beta-schedule", "1,2"),
    ] {
        let out = run(&["solve", p, "--solver", solver, flag, value]);
        assert!(!out.status.success(), "{solver} {flag} accepted");
        assert!(String::from_utf8_lossy(&out.stderr).contains(flag));
    }
}

/// Energy of a Max-Cut sample from the Gset triples: −(cut weight).
fn minus_cut(path: &Path, x: &[u8]) -> f64 {
    -triples(path)
        .iter()
        .filter(|(a, b, _)| x[a - 1] != x[b - 1])
        .map(|t| t.2)
        .sum::<f64>()
}

#[test]
fn qaoa_evaluate_gives_the_analytic_p1_value_on_petersen() {
    // Triangle-free 3-regular graph at the p = 1 optimum (γ = atan(1/√2), β = π/8 for the
    // cut; γ negated for the energy): each edge is cut with probability 1/2 + 1/(3√3).
    let p = repo("testdata/petersen.gset");
    let gamma = -(1.0f64 / 2f64.sqrt()).atan();
    let beta = std::f64::consts::PI / 8.0;
    let angles = format!("{gamma},{beta}");
    for precision in ["complex128", "complex64"] {
        let doc = json_of(&run(&[
            "qaoa",
            p.to_str().unwrap(),
            "--angles",
            &angles,
            "--evaluate",
            "--json",
            "--precision",
            precision,
        ]));
        let expected = -15.0 * (0.5 + 1.0 / (3.0 * 3f64.sqrt()));
        let tol = if precision == "complex64" {
            1e-4
        } else {
            1e-12
        };
        let e = doc["expectation"].as_f64().unwrap();
        assert!((e - expected).abs() < tol, "{precision}: {e} vs {expected}");
        assert!(doc["layer_ms"].as_f64().unwrap() >= 0.0);
    }
}

#[test]
fn qaoa_reports_json_qasm_and_recomputed_energies() {
    let p = repo("testdata/petersen.gset");
    let qasm = tmp("petersen.qasm");
    let doc = json_of(&run(&[
        "qaoa",
        p.to_str().unwrap(),
        "--p",
        "2",
        "--seed",
        "5",
        "--shots",
        "300",
        "--json",
        "--qasm",
        qasm.to_str().unwrap(),
    ]));
    let x = sample_of(&doc);
    assert_eq!(doc["best"]["energy"].as_f64().unwrap(), minus_cut(&p, &x));
    assert_eq!(doc["best"]["objective"], 12.0);
    assert_eq!(doc["angles"]["gamma"].as_array().unwrap().len(), 2);
    let e = doc["expectation"].as_f64().unwrap();
    assert!(e < -11.0 && e > -12.0, "⟨C⟩ = {e}");
    assert_eq!(doc["qaoa"]["init"], "fixed");
    assert_eq!(doc["qaoa"]["circuit"]["two_qubit_gates"], 30);
    assert_eq!(doc["num_reads"], 300);
    let text = std::fs::read_to_string(&qasm).unwrap();
    assert!(text.starts_with("OPENQASM 2.0;"));
    assert_eq!(
        text.matches("qf_rzz(").count(),
        31,
        "30 RZZ uses + the declaration"
    );
    // The same run through `solve`.
    let solve = json_of(&run(&[
        "solve",
        p.to_str().unwrap(),
        "--solver",
        "qaoa",
        "--p",
        "2",
        "--seed",
        "5",
        "--num-reads",
        "300",
        "--json",
    ]));
    assert_eq!(solve["best"], doc["best"]);
    assert_eq!(solve["qaoa"]["expectation"], doc["expectation"]);
    // QAOA flags belong to QAOA.
    let out = run(&["solve", p.to_str().unwrap(), "--solver", "sa", "--p", "2"]);
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("--solver qaoa only"));
    // Angles of the wrong length, and --evaluate without angles, are refused clearly.
    let out = run(&[
        "qaoa",
        p.to_str().unwrap(),
        "--angles",
        "0.1,0.2,0.3",
        "--evaluate",
    ]);
    assert!(String::from_utf8_lossy(&out.stderr).contains("expected 2p values"));
    let out = run(&["qaoa", p.to_str().unwrap(), "--evaluate"]);
    assert!(!out.status.success());
}

#[test]
fn qaoa_memory_limits_are_refused_before_allocating() {
    // A 26-qubit ring: one complex128 state is 1 GiB; nothing is allocated in this test.
    let path = tmp("ring26.gset");
    let edges: String = (1..=26)
        .map(|i| format!("{i} {} 1\n", i % 26 + 1))
        .collect();
    std::fs::write(&path, format!("26 26\n{edges}")).unwrap();
    let p = path.to_str().unwrap();
    let limited = |limit: &str, args: &[&str]| {
        let mut c = bin();
        c.env("QUBOFLOW_MEMORY_LIMIT", limit)
            .args(["qaoa", p])
            .args(args);
        c.output().unwrap()
    };
    // 1.5 GiB: one state fits, the gradient's two do not → a hint to change optimiser.
    let out = limited("1610612736", &[]);
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(!out.status.success());
    assert!(
        err.contains("two statevectors") && err.contains("cobyla"),
        "{err}"
    );
    // 0.5 GiB: not even one state fits.
    let out = limited("536870912", &["--optimizer", "cobyla"]);
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("26-qubit complex128 simulation") && err.contains("GiB"),
        "{err}"
    );
    // complex64 halves the state: 0.75 GiB holds one.
    let out = limited(
        "805306368",
        &[
            "--precision",
            "complex64",
            "--angles",
            "-0.3,0.4",
            "--evaluate",
            "--json",
        ],
    );
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

#[test]
fn solve_on_a_tsp_file_prints_the_tour_its_length_and_the_gap() {
    let Some(f) = data_file("tsplib/sub/burma14_first8.tsp") else {
        return;
    };
    for solver in ["sa", "tabu"] {
        let mut args = vec![
            "solve",
            f.to_str().unwrap(),
            "--solver",
            solver,
            "--seed",
            "3",
            "--json",
            "-q",
        ];
        if solver == "tabu" {
            args.extend(["--timeout", "0.3"]);
        }
        let out = run(&args);
        let doc = json_of(&out);
        assert_eq!(doc["format"], "tsplib");
        assert_eq!(doc["problem"], "tsp");
        assert_eq!(doc["encoding"], "tsp-position");
        assert_eq!(doc["best"]["feasible"], true);
        assert_eq!(doc["best"]["objective"], 2382.0, "{solver}");
        assert_eq!(doc["best"]["energy"], 2382.0);
        assert_eq!(doc["params"]["moves"], "constraint-preserving");
        assert_eq!(doc["reference"]["value"], 2382.0);
        assert_eq!(doc["gap_percent"], 0.0);
        // The file's own labels: cities 1..=8, city 1 first, as the text output prints them.
        let tour: Vec<usize> = doc["best"]["solution"]["tour"]
            .as_array()
            .unwrap()
            .iter()
            .map(|c| c.as_u64().unwrap() as usize)
            .collect();
        assert_eq!(tour[0], 1);
        let mut sorted = tour.clone();
        sorted.sort();
        assert_eq!(sorted, (1..=8).collect::<Vec<_>>());
        assert!(doc["timing"]["read_s"].as_f64().unwrap() > 0.0);
        assert!(doc["timing"]["encode_s"].as_f64().unwrap() > 0.0);
    }
    // Single flips are still available, and reported as such.
    let out = run(&[
        "solve",
        f.to_str().unwrap(),
        "--solver",
        "sa",
        "--moves",
        "single-flip",
        "--json",
        "-q",
        "--seed",
        "1",
    ]);
    assert_eq!(json_of(&out)["params"]["moves"], "single-flip");
}

#[test]
fn encode_writes_a_qubo_whose_optimum_is_the_optimal_tour() {
    let Some(f) = data_file("tsplib/sub/burma14_first4.tsp") else {
        return;
    };
    let q = tmp("b4.qubo");
    let out = run(&[
        "encode",
        f.to_str().unwrap(),
        "-o",
        q.to_str().unwrap(),
        "-q",
    ]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let out = run(&[
        "solve",
        q.to_str().unwrap(),
        "--solver",
        "exact",
        "--json",
        "-q",
    ]);
    assert_eq!(json_of(&out)["best"]["energy"], 1570.0);
    // Knapsack with repair reported separately.
    let Some(k) = data_file("knapsack/low-dimensional/f3_l-d_kp_4_20") else {
        return;
    };
    let out = run(&[
        "solve",
        k.to_str().unwrap(),
        "--solver",
        "exact",
        "--repair",
        "--json",
        "-q",
    ]);
    let doc = json_of(&out);
    assert_eq!(doc["best"]["objective"], 35.0);
    assert_eq!(doc["repaired"]["flag"], "repaired (not a raw QUBO result)");
}

#[test]
fn bad_instance_files_fail_with_file_and_line() {
    let p = tmp("bad.tsp");
    std::fs::write(&p, "NAME: x\nTYPE: TSP\nDIMENSION: 3\nEDGE_WEIGHT_TYPE: EUC_2D\nNODE_COORD_SECTION\n1 0 0\n2 1 1\n").unwrap();
    let out = run(&["solve", p.to_str().unwrap(), "--solver", "sa", "-q"]);
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("bad.tsp:7: NODE_COORD_SECTION has 6 numbers"),
        "{err}"
    );
    assert_eq!(err.lines().count(), 1);
}
