//! `quboflow suite` end to end: shards merge to the unsharded records, a suite killed with
//! SIGKILL resumes to the records of one never killed, bad suite files fail before any run,
//! reports and manifests, verify's exit status.

mod common;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use common::{bin, repo, tmp};
use serde_json::Value;

/// A suite over the bundled examples, written beside copies of them, in a folder of its own:
/// tests run in parallel, and a copy rewritten while another test reads it is a torn file.
fn suite_file(name: &str, body: &str) -> PathBuf {
    let path = tmp(&format!("suite-{name}"), name);
    let dir = path.parent().unwrap();
    for f in [
        "burma14_first5.tsp",
        "petersen.gset",
        "example.qubo",
        "subinstances_optimal.csv",
    ] {
        std::fs::copy(repo(&format!("testdata/{f}")), dir.join(f)).unwrap();
    }
    std::fs::write(&path, body).unwrap();
    path
}

const SUITE: &str = r#"
name = "cli-test"
seed = 99
repeats = 2
[[instances]]
paths = ["burma14_first5.tsp", "petersen.gset", "example.qubo"]
[[solvers]]
solver = "exact"
repeats = 1
[[solvers]]
solver = "sa"
params = { num_reads = 4 }
sweep = { num_sweeps = [50, 500] }
[[solvers]]
solver = "tabu"
params = { num_restarts = 5, timeout = 30 }
[[solvers]]
solver = "pt"
params = { num_sweeps = 100, num_replicas = 8 }
[[solvers]]
solver = "descent"
[[solvers]]
solver = "qaoa"
params = { max_evals = 15 }
"#;

fn run(args: &[&str]) -> std::process::Output {
    bin().args(args).output().unwrap()
}

fn ok(out: &std::process::Output) -> String {
    assert!(
        out.status.success(),
        "stderr: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// Records by run id, without what may differ between runs of the same thing: timings and
/// provenance.
fn records(paths: &[&Path]) -> BTreeMap<String, Value> {
    let mut out = BTreeMap::new();
    for p in paths {
        for line in std::fs::read_to_string(p).unwrap().lines() {
            let mut v: Value = serde_json::from_str(line).unwrap();
            let id = v["run_id"].as_str().unwrap().to_string();
            let o = v.as_object_mut().unwrap();
            o.remove("timing");
            o.remove("provenance");
            assert!(
                out.insert(id.clone(), v).is_none(),
                "run {id} recorded twice"
            );
        }
    }
    out
}

#[test]
fn shards_in_any_order_merge_to_the_unsharded_records() {
    let s = suite_file("shards.toml", SUITE);
    let dir = s.parent().unwrap().to_path_buf();
    let whole = dir.join("whole.jsonl");
    ok(&run(&[
        "suite",
        "run",
        s.to_str().unwrap(),
        "--results",
        whole.to_str().unwrap(),
    ]));
    let expected = records(&[&whole]);
    assert_eq!(expected.len(), 3 * (1 + 2 * 2 + 2 * 4));
    for n in [1usize, 2, 3] {
        let mut files = Vec::new();
        // Shards run last to first, on one thread: neither order nor threads may matter.
        for k in (1..=n).rev() {
            let f = dir.join(format!("shard-{k}-of-{n}.jsonl"));
            let shard = format!("{k}/{n}");
            ok(&run(&[
                "--threads",
                "1",
                "suite",
                "run",
                s.to_str().unwrap(),
                "--shard",
                &shard,
                "--results",
                f.to_str().unwrap(),
            ]));
            files.push(f);
        }
        let refs: Vec<&Path> = files.iter().map(PathBuf::as_path).collect();
        assert_eq!(records(&refs), expected, "{n} shards");
        // `suite report` merges them; the manifest hash is the unsharded one.
        let merged = ok(&run(&[
            "suite",
            "report",
            "--json",
            files[0].to_str().unwrap(),
            files.last().unwrap().to_str().unwrap(),
        ]));
        let merged: Value = serde_json::from_str(&merged).unwrap();
        assert_eq!(
            merged["records"].as_u64(),
            Some(if n == 1 {
                expected.len()
            } else {
                files
                    .iter()
                    .take(1)
                    .chain(files.last())
                    .map(|f| std::fs::read_to_string(f).unwrap().lines().count())
                    .sum::<usize>()
            } as u64)
        );
    }
    // Default file names, and the same file twice counts once.
    let rep = ok(&run(&[
        "suite",
        "report",
        "--json",
        whole.to_str().unwrap(),
        whole.to_str().unwrap(),
    ]));
    let rep: Value = serde_json::from_str(&rep).unwrap();
    assert_eq!(
        (rep["records"].as_u64(), rep["duplicates"].as_u64()),
        (Some(expected.len() as u64), Some(expected.len() as u64))
    );
}

#[test]
fn a_killed_suite_resumes_to_the_records_of_one_never_killed() {
    // Runs long enough (tens of ms) for the kill to land inside one.
    let body = r#"
seed = 3
repeats = 24
threads = 1
[[instances]]
path = "burma14_first5.tsp"
[[solvers]]
solver = "sa"
params = { num_reads = 8, num_sweeps = 40000 }
"#;
    let s = suite_file("kill.toml", body);
    let dir = s.parent().unwrap().to_path_buf();
    let whole = dir.join("never-killed.jsonl");
    ok(&run(&[
        "suite",
        "run",
        s.to_str().unwrap(),
        "--results",
        whole.to_str().unwrap(),
    ]));
    let killed = dir.join("killed.jsonl");
    let mut child = bin()
        .args([
            "suite",
            "run",
            s.to_str().unwrap(),
            "--results",
            killed.to_str().unwrap(),
        ])
        .spawn()
        .unwrap();
    let t0 = Instant::now();
    loop {
        let n = std::fs::read_to_string(&killed)
            .map(|t| t.lines().count())
            .unwrap_or(0);
        if n >= 6 || t0.elapsed() > Duration::from_secs(60) {
            break;
        }
        std::thread::sleep(Duration::from_millis(5));
    }
    child.kill().unwrap(); // SIGKILL
    let _ = child.wait();
    let lines = std::fs::read_to_string(&killed).unwrap().lines().count();
    assert!((6..24).contains(&lines), "killed after {lines} of 24 runs");
    // Without --resume the file is refused, with it the suite completes.
    let refused = run(&[
        "suite",
        "run",
        s.to_str().unwrap(),
        "--results",
        killed.to_str().unwrap(),
    ]);
    assert!(!refused.status.success());
    assert!(String::from_utf8_lossy(&refused.stderr).contains("--resume"));
    let out = ok(&run(&[
        "suite",
        "run",
        s.to_str().unwrap(),
        "--results",
        killed.to_str().unwrap(),
        "--resume",
    ]));
    assert!(out.contains(&format!("{} already there", lines)), "{out}");
    assert_eq!(records(&[&killed]), records(&[&whole]));
}

#[test]
fn bad_suite_files_fail_before_any_run() {
    for (body, line, words) in [
        (
            "[[instances]]\npath = \"burma14_first5.tsp\"\n[[solvers]]\nsolver = \"sa\"\n[[solvers]]\nsolver = \"simulated\"\n",
            6,
            "unknown solver",
        ),
        (
            "[[instances]]\npath = \"nowhere.vrp\"\n[[solvers]]\nsolver = \"sa\"\n",
            2,
            "does not exist",
        ),
        (
            "[[instances]]\npath = \"burma14_first5.tsp\"\n[[solvers]]\nsolver = \"qaoa\"\nparams = { p = 0 }\n",
            5,
            "p",
        ),
    ] {
        let s = suite_file("bad.toml", body);
        let results = s.with_extension("jsonl");
        let _ = std::fs::remove_file(&results);
        let out = run(&[
            "suite",
            "run",
            s.to_str().unwrap(),
            "--results",
            results.to_str().unwrap(),
        ]);
        assert_eq!(out.status.code(), Some(1));
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(
            err.contains(&format!("bad.toml:{line}:")) && err.contains(words),
            "{err}"
        );
        assert_eq!(err.lines().count(), 1, "{err}");
        assert!(!results.exists(), "a run started");
    }
}

#[test]
fn reports_manifests_and_verify() {
    let s = suite_file("verify.toml", SUITE);
    let dir = s.parent().unwrap().to_path_buf();
    let results = dir.join("v.jsonl");
    let html = dir.join("r.html");
    let out = run(&[
        "suite",
        "run",
        s.to_str().unwrap(),
        "--results",
        results.to_str().unwrap(),
        "--report",
        html.to_str().unwrap(),
    ]);
    ok(&out);
    assert!(
        out.stderr.is_empty() || String::from_utf8_lossy(&out.stderr).starts_with("report written"),
        "stderr not a terminal: no bar"
    );
    let page = std::fs::read_to_string(&html).unwrap();
    assert!(
        page.contains("Performance profile")
            && page.contains("Time to target")
            && page.contains("<svg")
    );
    let manifest = dir.join("manifest.json");
    let mut written = Vec::new();
    for ext in ["txt", "md", "csv", "json"] {
        let p = dir.join(format!("r.{ext}"));
        written.push(p.clone());
    }
    let mut args = vec![
        "suite".to_string(),
        "report".into(),
        results.display().to_string(),
        "--manifest".into(),
        manifest.display().to_string(),
    ];
    for p in &written {
        args.push("--report".into());
        args.push(p.display().to_string());
    }
    let text = ok(&bin().args(&args).output().unwrap());
    assert!(text.contains("performance profile") && text.contains("across instances"));
    for p in &written {
        assert!(std::fs::metadata(p).unwrap().len() > 100, "{}", p.display());
    }
    // Every record re-runs to the same result.
    let v = ok(&run(&[
        "suite",
        "verify",
        results.to_str().unwrap(),
        "--all",
        "--manifest",
        manifest.to_str().unwrap(),
    ]));
    assert!(
        v.contains("reproducibility error: 0") && v.contains("manifest     matches"),
        "{v}"
    );
    // A changed energy, its hash recomputed to hide it, is caught by name; so is the manifest.
    let text = std::fs::read_to_string(&results).unwrap();
    let mut lines: Vec<String> = text.lines().map(String::from).collect();
    let mut r: Value = serde_json::from_str(&lines[4]).unwrap();
    let id = r["run_id"].as_str().unwrap().to_string();
    let e = r["result"]["best_energy"].as_f64().unwrap();
    r["result"]["best_energy"] = Value::from(e - 1.0);
    lines[4] = serde_json::to_string(&r).unwrap();
    let tampered = dir.join("tampered.jsonl");
    std::fs::write(&tampered, lines.join("\n") + "\n").unwrap();
    let out = run(&[
        "suite",
        "verify",
        tampered.to_str().unwrap(),
        "--sample",
        "3",
        "--manifest",
        manifest.to_str().unwrap(),
    ]);
    assert_eq!(out.status.code(), Some(1));
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        stdout.contains(&format!("TAMPERED: {id}"))
            && stdout.contains(&format!("CHANGED since the manifest: {id}")),
        "{stdout}"
    );

    // Records made on another machine: the recorded paths do not exist here; --root finds the
    // instances by their keys, and their SHA-256 must match.
    let elsewhere = dir.join("elsewhere");
    std::fs::create_dir_all(&elsewhere).unwrap();
    for f in [
        "burma14_first5.tsp",
        "petersen.gset",
        "example.qubo",
        "subinstances_optimal.csv",
    ] {
        std::fs::copy(dir.join(f), elsewhere.join(f)).unwrap();
    }
    let moved: Vec<String> = text
        .lines()
        .map(|l| {
            let mut r: Value = serde_json::from_str(l).unwrap();
            let key = r["run"]["instance"]["key"].as_str().unwrap().to_string();
            r["run"]["instance"]["path"] = Value::from(format!("/nonexistent/machine/{key}"));
            serde_json::to_string(&r).unwrap()
        })
        .collect();
    let moved_file = dir.join("moved.jsonl");
    std::fs::write(&moved_file, moved.join("\n") + "\n").unwrap();
    let v = ok(&run(&[
        "suite",
        "verify",
        moved_file.to_str().unwrap(),
        "--sample",
        "6",
        "--root",
        elsewhere.to_str().unwrap(),
    ]));
    assert!(v.contains("re-run       6 of them: 6 identical"), "{v}");
    std::fs::write(elsewhere.join("petersen.gset"), "10 1\n1 2 1\n").unwrap();
    let out = run(&[
        "suite",
        "verify",
        moved_file.to_str().unwrap(),
        "--sample",
        "0",
        "--root",
        elsewhere.to_str().unwrap(),
    ]);
    assert_eq!(out.status.code(), Some(1));
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        stdout.contains("UNCHECKED") && stdout.contains("the file changed"),
        "{stdout}"
    );
}
