//! `quboflow compare` end to end: the acceptance commands of the issue, every report format,
//! skipped solvers, and the reference rules.

mod common;

use std::path::PathBuf;
use std::process::Output;

use common::{bin, repo};

use quboflow::testing::data_file;
use serde_json::Value;

fn run(args: &[&str]) -> Output {
    bin().arg("--quiet").args(args).output().unwrap()
}

fn ok(out: &Output) -> String {
    assert!(
        out.status.success(),
        "stderr: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout.clone()).unwrap()
}

fn tmp(name: &str) -> PathBuf {
    common::tmp("compare", name)
}

fn solver<'a>(doc: &'a Value, label: &str) -> &'a Value {
    doc["solvers"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["label"] == label)
        .unwrap_or_else(|| panic!("no solver {label} in {doc}"))
}

#[test]
fn burma14_with_the_classical_solvers_reports_gaps_to_the_proven_optimum() {
    let Some(f) = data_file("tsplib/burma14.tsp") else {
        return;
    };
    let f = f.display().to_string();
    let args = [
        "compare",
        &f,
        "--solvers",
        "sa,tabu,pt",
        "--repeats",
        "2",
        "--seed",
        "5",
        "--json",
    ];
    let doc: Value = serde_json::from_str(&ok(&run(&args))).unwrap();
    assert_eq!(doc["reference"]["value"], 3323.0);
    assert_eq!(doc["reference"]["kind"], "proven_optimum");
    assert_eq!(doc["instance"]["problem"], "tsp");
    assert_eq!(doc["instance"]["objective_name"], "tour length");
    for label in ["sa", "tabu", "pt"] {
        let s = solver(&doc, label);
        assert_eq!(s["status"], "ok", "{s}");
        assert_eq!(s["runs"].as_array().unwrap().len(), 2);
        let best = s["best_objective"].as_f64().unwrap();
        assert!(best >= 3323.0, "{label} beats the optimum: {best}");
        let gap = s["gap_percent"].as_f64().unwrap();
        assert!((gap - 100.0 * (best - 3323.0) / 3323.0).abs() < 1e-9);
    }
    // Constraint-preserving moves keep SA and tabu feasible and at the optimum here.
    assert_eq!(solver(&doc, "sa")["raw_feasible_fraction"], 1.0);
    assert_eq!(
        solver(&doc, "sa")["params"]["moves"],
        "constraint-preserving"
    );
    // The table form of the same command.
    let text = ok(&run(&args[..args.len() - 1]));
    assert!(text.contains("3323 — proven optimum"), "{text}");
    for label in ["sa ", "tabu ", "pt "] {
        assert!(text.lines().any(|l| l.starts_with(label)), "{text}");
    }
}

#[test]
fn burma14_first5_with_exact_and_qaoa_reports_gaps_to_the_optimum() {
    let Some(f) = data_file("tsplib/sub/burma14_first5.tsp") else {
        return;
    };
    let f = f.display().to_string();
    let out = run(&[
        "compare",
        &f,
        "--solvers",
        "exact,qaoa,sa,tabu",
        "--repeats",
        "2",
        "--seed",
        "3",
        "--json",
    ]);
    let doc: Value = serde_json::from_str(&ok(&out)).unwrap();
    assert_eq!(doc["reference"]["value"], 2321.0);
    assert_eq!(doc["reference"]["kind"], "proven_optimum");
    for label in ["exact", "qaoa", "sa", "tabu"] {
        assert_eq!(solver(&doc, label)["status"], "ok");
    }
    let exact = solver(&doc, "exact");
    assert_eq!(exact["best_objective"], 2321.0);
    assert_eq!(exact["gap_percent"], 0.0);
    assert_eq!(exact["hits"], 2);
    let q = solver(&doc, "qaoa");
    assert_eq!(q["variational"]["p"], 1);
    let ratio = q["variational"]["approximation_ratio"].as_f64().unwrap();
    assert!((0.0..=1.0).contains(&ratio));
    // ⟨C⟩ of a QAOA state lies above the ground energy.
    assert!(q["variational"]["expectation"].as_f64().unwrap() > 2321.0);
    let p_best = q["variational"]["probability_of_best"].as_f64().unwrap();
    assert!(p_best > 0.0 && p_best <= 1.0);
}

#[test]
fn solvers_that_do_not_fit_are_skipped_with_the_reason() {
    let Some(f) = data_file("tsplib/burma14.tsp") else {
        return;
    };
    let f = f.display().to_string();
    let out = run(&[
        "compare",
        &f,
        "--solvers",
        "exact,qaoa,sa",
        "--repeats",
        "1",
    ]);
    let text = ok(&out);
    assert!(
        text.contains("exact skipped: exact refuses 169 variables"),
        "{text}"
    );
    assert!(text.contains("qaoa skipped: "), "{text}");
    // Nothing can run: the table still comes out, and the exit status says it.
    let out = run(&["compare", &f, "--solvers", "exact", "--repeats", "1"]);
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stdout).contains("exact skipped"));
    assert!(String::from_utf8_lossy(&out.stderr).contains("no solver produced a result"));
}

#[test]
fn every_report_format_is_written() {
    let g = repo("testdata/petersen.gset").display().to_string();
    let paths: Vec<PathBuf> = ["txt", "md", "csv", "json", "html"]
        .iter()
        .map(|e| tmp(&format!("petersen.{e}")))
        .collect();
    let mut args: Vec<String> = [
        "compare",
        &g,
        "--solvers",
        "exact,sa,tabu",
        "--repeats",
        "2",
    ]
    .iter()
    .map(|s| s.to_string())
    .collect();
    for p in &paths {
        args.push("--report".into());
        args.push(p.display().to_string());
    }
    let out = bin().arg("--quiet").args(&args).output().unwrap();
    let stdout = ok(&out);
    let read = |k: usize| std::fs::read_to_string(&paths[k]).unwrap();
    let txt = read(0);
    assert_eq!(txt.trim_end(), stdout.trim_end());
    assert!(txt.contains("best found in this comparison"));
    let md = read(1);
    assert_eq!(md.lines().filter(|l| l.starts_with("| ")).count(), 2 + 3);
    let csv = read(2);
    assert_eq!(csv.lines().count(), 1 + 3);
    assert!(
        csv.lines()
            .nth(1)
            .unwrap()
            .starts_with("petersen,exact,exact,ok,")
    );
    let doc: Value = serde_json::from_str(&read(3)).unwrap();
    // The Petersen graph's maximum cut is 12; Exact proves it, so it is the best found.
    assert_eq!(doc["reference"]["value"], 12.0);
    assert_eq!(solver(&doc, "exact")["best_objective"], 12.0);
    let html = read(4);
    assert!(html.starts_with("<!DOCTYPE html>"));
    assert_eq!(html.matches("class=\"solver-row\"").count(), 3);
    assert_eq!(html.matches("<svg").count(), 3);
    // Self-contained: no external resource of any kind.
    for needle in ["src=", "href=", "@import", "url("] {
        assert!(!html.contains(needle), "the page references {needle}");
    }
}

#[test]
fn reference_choices_are_honoured_or_refused_clearly() {
    let g = repo("testdata/petersen.gset").display().to_string();
    let out = run(&[
        "compare",
        &g,
        "--solvers",
        "exact",
        "--reference",
        "optimum",
    ]);
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("petersen.gset: --reference optimum needs a proven optimum"),
        "{err}"
    );
    let out = run(&[
        "compare",
        &g,
        "--solvers",
        "exact",
        "--repeats",
        "1",
        "--reference",
        "13",
        "--json",
    ]);
    let doc: Value = serde_json::from_str(&ok(&out)).unwrap();
    assert_eq!(doc["reference"]["kind"], "user");
    let gap = solver(&doc, "exact")["gap_percent"].as_f64().unwrap();
    assert!((gap - 100.0 / 13.0).abs() < 1e-9);
    let out = run(&["compare", &g, "--reference", "lots"]);
    assert!(String::from_utf8_lossy(&out.stderr).contains("--reference must be"));
    let out = run(&["compare", &g, "--report", "out.pdf"]);
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("cannot tell the report format"));
    let out = run(&["compare", &g, "--solvers", "sa,sa"]);
    assert!(String::from_utf8_lossy(&out.stderr).contains("lists sa twice"));
    let out = run(&["compare", &g, "--solvers", "sa", "--num-replicas", "4"]);
    assert!(String::from_utf8_lossy(&out.stderr).contains("--num-replicas applies to"));
}

#[test]
fn best_known_values_of_gset_and_bqp_are_found() {
    let (Some(g1), Some(bqp)) = (data_file("gset/G1.txt"), data_file("bqp/bqp50_1.txt")) else {
        return;
    };
    let g1 = g1.display().to_string();
    let out = run(&[
        "compare",
        &g1,
        "--solvers",
        "sa",
        "--repeats",
        "1",
        "--num-sweeps",
        "10",
        "--json",
    ]);
    let doc: Value = serde_json::from_str(&ok(&out)).unwrap();
    assert_eq!(doc["reference"]["value"], 11624.0);
    assert_eq!(doc["reference"]["kind"], "best_known");
    let bqp = bqp.display().to_string();
    let out = run(&[
        "compare",
        &bqp,
        "--solvers",
        "tabu",
        "--repeats",
        "1",
        "--json",
    ]);
    let doc: Value = serde_json::from_str(&ok(&out)).unwrap();
    assert_eq!(doc["reference"]["value"], 2098.0);
    assert_eq!(doc["reference"]["kind"], "proven_optimum");
    assert_eq!(solver(&doc, "tabu")["best_objective"], 2098.0);
}

/// The seed-determined columns of a table row (times left out: they vary run to run).
fn fixed_columns(line: &str) -> Vec<String> {
    let t: Vec<&str> = line.split_whitespace().collect();
    t.iter()
        .enumerate()
        .filter(|(k, _)| !(7..=9).contains(k))
        .map(|(_, s)| s.to_string())
        .collect()
}

#[test]
fn the_readme_table_is_what_the_command_prints() {
    let readme = std::fs::read_to_string(repo("README.md")).unwrap();
    let cmd = "cargo run --release -p quboflow-cli -- compare testdata/burma14_first5.tsp \
               --solvers exact,qaoa,sa,tabu --seed 1";
    let start = readme
        .find(&format!("$ {cmd}\n"))
        .expect("the README shows the command");
    let shown: Vec<&str> = readme[start..]
        .lines()
        .skip(1)
        .take_while(|l| *l != "```")
        .collect();
    let f = repo("testdata/burma14_first5.tsp").display().to_string();
    let out = run(&[
        "compare",
        &f,
        "--solvers",
        "exact,qaoa,sa,tabu",
        "--seed",
        "1",
    ]);
    let printed = ok(&out);
    let row = |lines: &[&str], label: &str| -> Vec<String> {
        let l = lines
            .iter()
            .find(|l| l.starts_with(&format!("{label} ")))
            .unwrap_or_else(|| panic!("no {label} row"));
        fixed_columns(l)
    };
    let printed: Vec<&str> = printed.lines().collect();
    // QAOA's figures depend on floating-point details of the machine's kernel path; the
    // classical rows are fixed by the seed everywhere.
    for label in ["exact", "sa", "tabu"] {
        assert_eq!(
            row(&shown, label),
            row(&printed, label),
            "README row {label} differs from the command's output"
        );
    }
    assert_eq!(row(&printed, "qaoa")[1], "ok");
    assert!(
        shown
            .iter()
            .any(|l| l.starts_with("reference  2321 — proven optimum"))
    );
}

#[test]
fn routing_reports_state_the_classical_baseline_and_the_saving_against_a_plan() {
    let plan = tmp("plan.tour");
    // Cities 1 3 2 4 5: a valid tour, longer than the optimum 2321.
    std::fs::write(&plan, "TOUR_SECTION\n1\n3\n2\n4\n5\n-1\nEOF\n").unwrap();
    let file = repo("testdata/burma14_first5.tsp");
    let out = bin()
        .args([
            "compare",
            file.to_str().unwrap(),
            "--solvers",
            "exact,sa",
            "--repeats",
            "1",
            "--seed",
            "3",
            "--json",
            "-q",
            "--baseline",
            plan.to_str().unwrap(),
        ])
        .output()
        .unwrap();
    let doc: Value = serde_json::from_str(&ok(&out)).unwrap();
    let b = doc["baselines"].as_array().unwrap();
    assert_eq!(b.len(), 2);
    assert_eq!(
        (b[0]["name"].as_str(), b[0]["kind"].as_str()),
        (Some("nn+2opt+oropt"), Some("classical"))
    );
    assert_eq!(
        (b[0]["objective"].as_f64(), b[0]["gap_percent"].as_f64()),
        (Some(2321.0), Some(0.0))
    );
    let plan_cost = b[1]["objective"].as_f64().unwrap();
    assert_eq!(b[1]["kind"].as_str(), Some("plan"));
    assert!(plan_cost > 2321.0);
    let exact = &doc["solvers"][0];
    let saving = exact["saving_vs_plan_percent"].as_f64().unwrap();
    assert!(
        (saving - (plan_cost - 2321.0) / plan_cost * 100.0).abs() < 1e-9,
        "{saving}"
    );
    // The table says it too.
    let text = bin()
        .args([
            "compare",
            file.to_str().unwrap(),
            "--solvers",
            "exact",
            "--repeats",
            "1",
            "--seed",
            "3",
            "-q",
            "--baseline",
            plan.to_str().unwrap(),
        ])
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&text.stdout);
    assert!(
        text.contains("baseline   nn+2opt+oropt: tour length 2321") && text.contains("exact saves"),
        "{text}"
    );
    assert!(text.contains("saved vs plan %"), "{text}");
    // A plan that is not a tour of this instance, and a plan for a plain QUBO file, are refused.
    std::fs::write(&plan, "TOUR_SECTION\n1\n2\n3\n-1\nEOF\n").unwrap();
    let bad = bin()
        .args([
            "compare",
            file.to_str().unwrap(),
            "--solvers",
            "sa",
            "--baseline",
            plan.to_str().unwrap(),
        ])
        .output()
        .unwrap();
    assert_eq!(bad.status.code(), Some(1));
    assert!(
        String::from_utf8_lossy(&bad.stderr).contains("plan.tour"),
        "{}",
        String::from_utf8_lossy(&bad.stderr)
    );
    let gset = bin()
        .args([
            "compare",
            repo("testdata/petersen.gset").to_str().unwrap(),
            "--solvers",
            "sa",
            "--baseline",
            plan.to_str().unwrap(),
        ])
        .output()
        .unwrap();
    assert_eq!(gset.status.code(), Some(1));
}
