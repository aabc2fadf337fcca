//! The pipeline through the CLI: every command on every kind of file, BOM and CRLF, formats
//! given or detected, flags that do not apply, and the JSON contract of `qaoa --evaluate`.

mod common;

use std::path::{Path, PathBuf};
use std::process::Output;

use common::{bin, json_of, repo, sample_of};
use serde_json::Value;

fn run(args: &[&str]) -> Output {
    bin().args(args).arg("-q").output().unwrap()
}

/// The one line after `error: ` of a failed run.
fn error_of(out: &Output) -> String {
    assert!(!out.status.success(), "accepted");
    let err = String::from_utf8_lossy(&out.stderr).trim_end().to_string();
    assert_eq!(err.lines().count(), 1, "not one line: {err}");
    err
}

fn tmp(name: &str) -> PathBuf {
    common::tmp("pipeline", name)
}

fn s(p: &Path) -> &str {
    p.to_str().unwrap()
}

/// `text` written with a UTF-8 byte-order mark and CRLF line ends.
fn bom_crlf(name: &str, text: &str) -> PathBuf {
    let p = tmp(name);
    let mut bytes = b"\xEF\xBB\xBF".to_vec();
    bytes.extend(text.replace('\n', "\r\n").into_bytes());
    std::fs::write(&p, bytes).unwrap();
    p
}

/// A small CVRP: depot 1, four customers, capacity 10.
const VRP: &str = "NAME : c\nTYPE : CVRP\nDIMENSION : 5\nEDGE_WEIGHT_TYPE : EUC_2D\nCAPACITY : 10\nNODE_COORD_SECTION\n1 0 0\n2 3 0\n3 3 4\n4 0 4\n5 2 2\nDEMAND_SECTION\n1 0\n2 4\n3 5\n4 3\n5 2\nDEPOT_SECTION\n1\n-1\nEOF\n";

/// Ortega knapsack: 4 items, capacity 10, `value weight`; the optimum takes items 2 and 4
/// (value 90, weight 7).
const KNAPSACK: &str = "4\n10\n10 5\n40 4\n30 6\n50 3\n";

#[test]
fn bom_and_crlf_are_read_by_every_reader() {
    for (name, original) in [
        ("example.qubo", "testdata/example.qubo"),
        ("petersen.gset", "testdata/petersen.gset"),
        ("burma.tsp", "testdata/burma14_first5.tsp"),
    ] {
        let text = std::fs::read_to_string(repo(original)).unwrap();
        let copy = bom_crlf(name, &text);
        let plain = json_of(&run(&[
            "solve",
            s(&repo(original)),
            "--solver",
            "exact",
            "--json",
        ]));
        let doc = json_of(&run(&["solve", s(&copy), "--solver", "exact", "--json"]));
        for key in ["num_variables", "num_interactions", "format", "problem"] {
            assert_eq!(doc[key], plain[key], "{name}: {key}");
        }
        assert_eq!(doc["best"]["energy"], plain["best"]["energy"], "{name}");
        let info = json_of(&run(&["info", s(&copy), "--json"]));
        assert_eq!(info["num_variables"], plain["num_variables"], "{name}");
    }
}

#[test]
fn a_knapsack_file_under_any_name_is_solved_with_format_knapsack() {
    let p = tmp("items.dat");
    std::fs::write(&p, KNAPSACK).unwrap();
    let doc = json_of(&run(&[
        "solve",
        s(&p),
        "--format",
        "knapsack",
        "--solver",
        "exact",
        "--json",
    ]));
    assert_eq!(doc["problem"], "knapsack");
    assert_eq!(doc["format"], "knapsack");
    assert_eq!(doc["format_detected_by"], "given");
    assert_eq!(doc["best"]["objective"], 90.0);
    assert_eq!(doc["best"]["feasible"], true);
    // Items in the file's own numbering (1-based), as the text output prints them.
    assert_eq!(doc["best"]["solution"]["items"], serde_json::json!([2, 4]));
    // Without --format, the content decides (never the name or the folder).
    let doc = json_of(&run(&["info", s(&p), "--json"]));
    assert_eq!(doc["format"], "knapsack");
    assert_eq!(doc["format_detected_by"], "content");
}

#[test]
fn a_weighted_edge_list_says_which_format_it_was_read_as() {
    // Not named G…, no extension, weights other than ±1 and no diagonal: Gset or bqp by
    // content alone, and the choice is said.
    let p = tmp("graph_without_name");
    std::fs::write(&p, "4 4\n1 2 2\n2 3 2\n3 4 2\n1 4 2\n").unwrap();
    let out = bin()
        .args(["solve", s(&p), "--solver", "exact", "--json"])
        .output()
        .unwrap();
    let doc = json_of(&out);
    assert_eq!(doc["format"], "gset");
    assert!(doc["format_note"].as_str().unwrap().contains("bqp"));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("read as a Gset graph"), "{stderr}");
    // A ring of four: the maximum cut takes all four edges.
    assert_eq!(doc["best"]["objective"], 8.0);
    // Named explicitly, the same file is a bqp (maximise xᵀQx) with another optimum.
    let doc = json_of(&run(&[
        "solve",
        s(&p),
        "--format",
        "bqp",
        "--solver",
        "exact",
        "--json",
    ]));
    assert_eq!(doc["format"], "bqp");
    assert_eq!(doc["format_note"], Value::Null);
}

#[test]
fn info_convert_encode_and_qaoa_take_instance_files() {
    let vrp = tmp("c.vrp");
    std::fs::write(&vrp, VRP).unwrap();
    let tsp = repo("testdata/burma14_first5.tsp");
    for file in [&vrp, &tsp] {
        let info = json_of(&run(&["info", s(file), "--json"]));
        let n = info["num_variables"].as_u64().unwrap();
        assert!(n > 0);
        let out = tmp("converted.json");
        let conv = run(&["convert", s(file), s(&out)]);
        assert!(conv.status.success(), "{:?}", conv);
        let back = json_of(&run(&["info", s(&out), "--json"]));
        assert_eq!(back["num_variables"].as_u64(), Some(n));
        assert!(info["timing"]["read_s"].as_f64().unwrap() >= 0.0);
    }
    let doc = json_of(&run(&[
        "qaoa",
        s(&tsp),
        "--p",
        "1",
        "--max-evals",
        "5",
        "--seed",
        "2",
        "--json",
    ]));
    assert_eq!(doc["problem"], "tsp");
    assert!(doc["timing"]["read_s"].as_f64().unwrap() >= 0.0);
    // The reported best energy is the energy of the reported sample.
    let enc = quboflow_problems::open(&tsp, &Default::default()).unwrap();
    assert_eq!(
        doc["best"]["energy"].as_f64(),
        Some(enc.qubo.energy(&sample_of(&doc)))
    );
}

#[test]
fn encoded_json_keeps_the_groups_the_xy_mixers_need() {
    let tsp = repo("testdata/burma14_first5.tsp");
    let x = tmp("tour.json");
    let out = run(&["encode", s(&tsp), "-o", s(&x), "--encoding", "tsp-position"]);
    assert!(out.status.success(), "{out:?}");
    let model = quboflow::io::read(&x, None, &Default::default()).unwrap();
    let groups: Vec<Vec<usize>> = model
        .qubo
        .constraints()
        .expect("encode keeps the constraints")
        .mixer_groups()
        .into_iter()
        .map(|(g, _)| g.to_vec())
        .collect();
    assert!(!groups.is_empty());
    let doc = json_of(&run(&[
        "qaoa",
        s(&x),
        "--mixer",
        "xy-complete",
        "--p",
        "1",
        "--max-evals",
        "5",
        "--seed",
        "1",
        "--json",
    ]));
    let sample = sample_of(&doc);
    // The XY mixer never leaves the one-hot subspace of its groups.
    for g in &groups {
        assert_eq!(g.iter().map(|&v| sample[v]).sum::<u8>(), 1, "group {g:?}");
    }
    // Constrained moves run from the encoded file too: the constraints travelled with it.
    let doc = json_of(&run(&[
        "solve",
        s(&x),
        "--solver",
        "sa",
        "--moves",
        "constrained",
        "--seed",
        "1",
        "--json",
    ]));
    assert_eq!(doc["params"]["moves"], "constraint-preserving");
}

#[test]
fn evaluate_simulates_once_and_follows_the_common_contract() {
    let p = repo("testdata/petersen.gset");
    let doc = json_of(&run(&[
        "qaoa",
        s(&p),
        "--angles=0.3,0.2,0.4,0.5",
        "--evaluate",
        "--seed",
        "9",
        "--json",
    ]));
    for key in [
        "solver", "format", "seed", "timing", "params", "version", "instance", "problem",
    ] {
        assert!(!doc[key].is_null(), "missing {key}");
    }
    assert_eq!(doc["seed"], 9);
    assert_eq!(doc["params"]["mode"], "evaluate");
    // layer_ms is the one simulation's time over p: nothing else is timed.
    let sampling_ms = doc["timing"]["sampling_s"].as_f64().unwrap() * 1e3;
    let layer_ms = doc["layer_ms"].as_f64().unwrap();
    assert!(
        (sampling_ms / 2.0 - layer_ms).abs() <= 1e-6 * sampling_ms.max(1.0),
        "{sampling_ms} ms over 2 layers vs layer_ms {layer_ms}"
    );
    assert!(doc["timing"]["total_s"].as_f64().unwrap() * 1e3 >= sampling_ms);
    let e = doc["expectation"].as_f64().unwrap();
    assert!(e < 0.0 && e > -15.0, "⟨C⟩ = {e}");
}

#[test]
fn tabu_ends_when_its_restarts_are_spent() {
    let tsp = repo("testdata/burma14_first5.tsp");
    let doc = json_of(&run(&[
        "solve",
        s(&tsp),
        "--solver",
        "tabu",
        "--time-limit",
        "60",
        "--max-stale-restarts",
        "50",
        "--seed",
        "1",
        "--json",
    ]));
    assert_eq!(doc["termination"], "completed");
    assert!(doc["timing"]["total_s"].as_f64().unwrap() < 30.0);
    assert_eq!(doc["best"]["feasible"], true);
    assert_eq!(doc["params"]["max_stale_restarts"], 50);
}

#[test]
fn huge_durations_mean_no_limit_and_threads_are_bounded() {
    let p = repo("testdata/petersen.gset");
    for args in [
        &["solve", s(&p), "--solver", "sa", "--time-limit", "1e300"][..],
        &["solve", s(&p), "--solver", "tabu", "--timeout", "1e300"][..],
        &["solve", s(&p), "--solver", "sa", "--time-limit", "1e19"][..],
    ] {
        let mut a = args.to_vec();
        a.extend(["--seed", "1", "--json"]);
        let doc = json_of(&run(&a));
        assert_eq!(doc["best"]["objective"], 12.0, "{args:?}");
    }
    let err = error_of(&run(&["solve", s(&p), "--threads", "100000"]));
    assert!(err.contains("--threads") && err.contains("1024"), "{err}");
}

#[test]
fn flags_that_do_not_apply_are_errors_naming_the_flag() {
    let p = repo("testdata/petersen.gset");
    let p = s(&p);
    let tsp = repo("testdata/burma14_first5.tsp");
    let cases: [(&[&str], &str); 16] = [
        (
            &["solve", p, "--solver", "sa", "--moves", "constrained"],
            "--moves",
        ),
        (
            &["solve", p, "--solver", "tabu", "--moves", "constrained"],
            "--moves",
        ),
        (&["solve", p, "--solver", "sa", "--repair"], "--repair"),
        (&["compare", p, "--solvers", "sa", "--repair"], "--repair"),
        (
            &[
                "solve",
                p,
                "--solver",
                "sa",
                "--beta-schedule",
                "1,2",
                "--beta-schedule-type",
                "geometric",
            ],
            "--beta-schedule",
        ),
        (
            &[
                "solve",
                p,
                "--solver",
                "sa",
                "--beta-schedule",
                "1,2",
                "--num-sweeps",
                "4",
            ],
            "--num-sweeps",
        ),
        (
            &["solve", p, "--solver", "sa", "--beta-range", "3,0.1"],
            "--beta-range",
        ),
        (
            &["qaoa", p, "--angles=0.1,0.2", "--evaluate", "--shots", "5"],
            "--shots",
        ),
        (&["qaoa", p, "--trotter-steps", "2"], "--trotter-steps"),
        (
            &["compare", p, "--solvers", "sa", "--report", "r.pdf"],
            "--report: r.pdf",
        ),
        (&["qaoa", p, "--num-starts", "3"], "--num-starts"),
        (
            &["solve", p, "--solver", "tabu", "--tenure", "10"],
            "--tenure",
        ),
        (
            &["solve", p, "--solver", "tabu", "--max-stagnation", "0"],
            "--max-stagnation",
        ),
        // A usage error keeps what clap says on its continuation lines.
        (&["qaoa", p, "--evaluate"], "not provided: --angles"),
        (
            &["qaoa", p, "--angles=0.1,0.2", "--max-evals", "5"],
            "--max-evals",
        ),
        (
            &["solve", s(&tsp), "--solver", "sa", "--penalty", "1e300"],
            "penalty",
        ),
    ];
    for (args, flag) in cases {
        let err = error_of(&run(args));
        assert!(err.contains(flag), "{args:?}: {err}");
    }
    // A penalty within the bound is taken as given.
    let doc = json_of(&run(&[
        "solve",
        s(&tsp),
        "--solver",
        "tabu",
        "--penalty",
        "5000",
        "--seed",
        "1",
        "--json",
    ]));
    assert_eq!(doc["encoded"]["penalties"]["A"], 5000.0);
}

#[test]
fn text_and_json_print_the_same_tour_in_the_files_numbering() {
    let tsp = repo("testdata/burma14_first5.tsp");
    let args = ["solve", s(&tsp), "--solver", "exact", "--seed", "1"];
    let doc = json_of(&run(&[&args[..], &["--json"]].concat()));
    let tour: Vec<String> = doc["best"]["solution"]["tour"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v.to_string())
        .collect();
    assert_eq!(tour.len(), 5);
    assert!(
        tour.iter()
            .all(|c| (1..=5).contains(&c.parse::<u32>().unwrap()))
    );
    let text = String::from_utf8(run(&args).stdout).unwrap();
    let line = text
        .lines()
        .find(|l| l.starts_with("solution"))
        .unwrap_or_else(|| panic!("no tour line in {text}"));
    let printed: Vec<&str> = line
        .split(|c: char| !c.is_ascii_digit())
        .filter(|t| !t.is_empty())
        .collect();
    let joined = tour.join(" ");
    assert_eq!(printed.join(" "), joined, "text {line:?} vs JSON");
}
