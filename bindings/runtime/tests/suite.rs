//! Suites: expansion (lines named for every mistake, seeds from run ids, shards), records
//! (schema, hashes that survive a round trip), results files (torn lines, merging), verify
//! (reproduction of every deterministic solver, tampering caught by name) and the report.

use std::path::{Path, PathBuf};

use quboflow::testing::schema_errors;
use quboflow_runtime::suite::{
    self, Record, Records, ResultsFile, Runner, Silent, Suite, read_records, result_sha256,
};
use serde_json::Value;

fn testdata() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../testdata")
}

fn parse(text: &str) -> Result<Suite, suite::SuiteError> {
    Suite::parse(text, &testdata().join("test-suite.toml"))
}

fn tmp(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("qf-suite-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// Every solver, each set to repeat exactly (tabu ends by its restart budget, not a timeout).
const ALL_SOLVERS: &str = r#"
seed = 5
repeats = 2
[[instances]]
path = "burma14_first5.tsp"
[[instances]]
path = "petersen.gset"
[[solvers]]
solver = "exact"
repeats = 1
[[solvers]]
solver = "descent"
params = { num_reads = 5 }
[[solvers]]
solver = "sa"
params = { num_reads = 4, num_sweeps = 200 }
[[solvers]]
solver = "tabu"
params = { num_restarts = 5, timeout = 30 }
[[solvers]]
solver = "pt"
params = { num_sweeps = 100, num_replicas = 8 }
[[solvers]]
solver = "qaoa"
params = { p = 1, max_evals = 20 }
"#;

#[test]
fn bad_suites_fail_before_any_run_naming_the_line() {
    let cases: [(&str, usize, &str); 10] = [
        (
            "[[instances]]\npath = \"burma14_first5.tsp\"\n[[instances]]\npaths = [\"*.gset\", \"burma14_*.tsp\"]\nencoding = \"tsp\"\n[[solvers]]\nsolver = \"sa\"\n",
            4,
            "already listed on line 2",
        ),
        (
            "[[instances]]\npath = \"burma14_first5.tsp\"\n[[solvers]]\nsolver = \"annealer\"\n",
            4,
            "unknown solver `annealer`",
        ),
        (
            "[[instances]]\npath = \"missing.tsp\"\n[[solvers]]\nsolver = \"sa\"\n",
            2,
            "does not exist",
        ),
        (
            "[[instances]]\npath = \"nothing-*.tsp\"\n[[solvers]]\nsolver = \"sa\"\n",
            2,
            "matches no file",
        ),
        (
            "[[instances]]\npath = \"burma14_first5.tsp\"\n[[solvers]]\nsolver = \"sa\"\nparams = { tenure = 5 }\n",
            5,
            "tenure applies to tabu",
        ),
        (
            "[[instances]]\npath = \"burma14_first5.tsp\"\n[[solvers]]\nsolver = \"sa\"\n\nsweep = { num_sweeps = [100, -1] }\n",
            6,
            "num_sweeps",
        ),
        (
            "[[instances]]\npath = \"burma14_first5.tsp\"\n[[solvers]]\nsolver = \"sa\"\nsweep = { num_sweeps = 100 }\n",
            5,
            "non-empty list",
        ),
        (
            "seed = 1\nrepeat = 3\n[[instances]]\npath = \"burma14_first5.tsp\"\n[[solvers]]\nsolver = \"sa\"\n",
            2,
            "unknown field `repeat`",
        ),
        (
            "[[instances]]\npath = \"petersen.gset\"\n[[solvers]]\nsolver = \"sa\"\nsweep = { penalty = [2.0] }\n",
            5,
            "penalty",
        ),
        (
            "[[instances]]\npath = \"burma14_first5.tsp\"\n[[solvers]]\nsolver = \"sa\"\n[[solvers]]\nsolver = \"sa\"\n",
            6,
            "used twice",
        ),
    ];
    for (text, line, words) in cases {
        let e = parse(text)
            .err()
            .unwrap_or_else(|| panic!("accepted:\n{text}"));
        assert_eq!(e.line, Some(line), "{e}\n{text}");
        assert!(e.to_string().contains(words), "{e}");
        assert!(
            e.to_string().starts_with(&format!(
                "{}:{line}:",
                testdata().join("test-suite.toml").display()
            )),
            "{e}"
        );
    }
}

#[test]
fn seeds_come_from_run_ids_not_order() {
    let a = parse(ALL_SOLVERS).unwrap();
    // The same runs listed in another order, under another name, with one more solver.
    let reordered = ALL_SOLVERS
        .replace("seed = 5", "name = \"other\"\nseed = 5")
        .replacen(
            "path = \"burma14_first5.tsp\"\n[[instances]]\npath = \"petersen.gset\"",
            "path = \"petersen.gset\"\n[[instances]]\npath = \"burma14_first5.tsp\"",
            1,
        )
        + "[[solvers]]\nsolver = \"sa\"\nlabel = \"sa-long\"\nparams = { num_sweeps = 5000 }\n";
    let b = parse(&reordered).unwrap();
    assert_eq!(b.runs.len(), a.runs.len() + 4);
    for r in &a.runs {
        let twin = b
            .runs
            .iter()
            .find(|x| x.run_id == r.run_id)
            .expect("the same run in the other suite");
        assert_eq!(
            (twin.seed, &twin.label, twin.repeat),
            (r.seed, &r.label, r.repeat)
        );
    }
    let ids: std::collections::HashSet<_> = a.runs.iter().map(|r| &r.run_id).collect();
    assert_eq!(ids.len(), a.runs.len());
    let seeds: std::collections::HashSet<_> = a.runs.iter().map(|r| r.seed).collect();
    assert_eq!(seeds.len(), a.runs.len(), "every run has its own seed");
    // Another base seed: other runs, other seeds.
    let c = parse(&ALL_SOLVERS.replace("seed = 5", "seed = 6")).unwrap();
    assert!(
        c.runs
            .iter()
            .all(|r| !ids.contains(&r.run_id) && !seeds.contains(&r.seed))
    );
}

#[test]
fn shards_cover_every_run_once() {
    let s = parse(ALL_SOLVERS).unwrap();
    for n in 1..=5 {
        let mut seen: Vec<usize> = (1..=n)
            .flat_map(|k| s.shard(k, n).unwrap())
            .map(|r| r.index)
            .collect();
        seen.sort();
        assert_eq!(seen, (0..s.runs.len()).collect::<Vec<_>>(), "{n} shards");
        let sizes: Vec<usize> = (1..=n).map(|k| s.shard(k, n).unwrap().len()).collect();
        assert!(
            sizes.iter().max().unwrap() - sizes.iter().min().unwrap() <= 1,
            "balanced: {sizes:?}"
        );
    }
    assert!(suite::parse_shard("3/2").is_err() && suite::parse_shard("1/0").is_err());
}

fn run_all(s: &Suite, path: &Path) -> Records {
    let runs: Vec<_> = s.runs.iter().collect();
    let out = suite::run_serial(&runs, path, false, &Runner::new(), &Silent).unwrap();
    assert_eq!(out.ran, s.runs.len());
    read_records(&[path.to_path_buf()]).unwrap()
}

#[test]
fn records_follow_the_schema_and_their_hashes_survive_a_round_trip() {
    let dir = tmp("schema");
    let s = parse(ALL_SOLVERS).unwrap();
    let recs = run_all(&s, &dir.join("r.jsonl"));
    let schema: Value = serde_json::from_str(include_str!(
        "../../../solver/schema/suite-record.schema.json"
    ))
    .unwrap();
    for r in &recs.records {
        let v = serde_json::to_value(r).unwrap();
        let errs = schema_errors(&schema, &v);
        assert!(errs.is_empty(), "{errs:?}");
        assert_eq!(result_sha256(r.result.as_ref()), r.result_sha256);
        assert_eq!(r.status, suite::RunStatus::Ok, "{:?}", r.reason);
        assert!(r.reproducible, "{} on {}", r.run.label, r.run.instance.key);
        // The recorded energy is the energy of the recorded sample.
        let res = r.result.as_ref().unwrap();
        assert!(res.best_objective.is_some());
    }
    // Writing a record again writes the same line.
    let text = std::fs::read_to_string(dir.join("r.jsonl")).unwrap();
    let first = text.lines().next().unwrap();
    let back: Record = serde_json::from_str(first).unwrap();
    assert_eq!(serde_json::to_string(&back).unwrap(), first);
}

#[test]
fn a_results_file_loses_at_most_a_torn_line_and_merges_on_run_id() {
    let dir = tmp("store");
    let s = parse(&ALL_SOLVERS.replace(
        "[[solvers]]\nsolver = \"qaoa\"",
        "[[solvers]]\nsolver = \"qaoa\"\nrepeats = 1",
    ))
    .unwrap();
    let path = dir.join("r.jsonl");
    let all = run_all(&s, &path);
    let text = std::fs::read_to_string(&path).unwrap();
    // A writer killed mid-line: the torn line is skipped with a note, then cut by append.
    let torn = format!("{}{}", text, &text[..text.find('\n').unwrap() / 2]);
    std::fs::write(&path, &torn).unwrap();
    let r = read_records(std::slice::from_ref(&path)).unwrap();
    assert_eq!(r.records.len(), all.records.len());
    assert_eq!(r.notes.len(), 1, "{:?}", r.notes);
    drop(ResultsFile::append(&path).unwrap());
    assert_eq!(std::fs::read_to_string(&path).unwrap(), text);
    // A bad line in the middle is an error naming it.
    let bad = text.replacen('\n', "\n{not json\n", 1);
    std::fs::write(&path, &bad).unwrap();
    let e = read_records(std::slice::from_ref(&path)).unwrap_err();
    assert_eq!(e.line, Some(2), "{e}");
    // The same records twice: duplicates dropped; a different result under the same id: a conflict.
    std::fs::write(&path, &text).unwrap();
    let copy = dir.join("copy.jsonl");
    let mut changed: Record = serde_json::from_str(text.lines().nth(3).unwrap()).unwrap();
    changed.result_sha256 = "0".repeat(64);
    std::fs::write(
        &copy,
        format!("{text}{}\n", serde_json::to_string(&changed).unwrap()),
    )
    .unwrap();
    let m = read_records(&[path.clone(), copy]).unwrap();
    assert_eq!(m.records.len(), all.records.len());
    assert_eq!(m.duplicates, all.records.len());
    assert_eq!(m.conflicts, vec![changed.run_id.clone()]);
    // Without resume, a results file that holds records is refused.
    let runs: Vec<_> = s.runs.iter().collect();
    assert!(suite::run_serial(&runs, &path, false, &Runner::new(), &Silent).is_err());
    let again = suite::run_serial(&runs, &path, true, &Runner::new(), &Silent).unwrap();
    assert_eq!((again.ran, again.already), (0, runs.len()));
}

#[test]
fn verify_reproduces_every_deterministic_solver_and_names_tampered_records() {
    let dir = tmp("verify");
    let s = parse(ALL_SOLVERS).unwrap();
    let recs = run_all(&s, &dir.join("r.jsonl"));
    let v = suite::verify(&recs, None, 0, None, None, &Runner::new(), &|_, _| {});
    assert!(v.ok(), "{v:?}");
    assert_eq!(
        (v.rerun, v.identical),
        (recs.records.len(), recs.records.len())
    );
    for solver in ["exact", "descent", "sa", "tabu", "pt", "qaoa"] {
        assert!(recs.records.iter().any(|r| r.run.solver == solver));
    }

    // A changed energy, with its hash recomputed to hide it; a changed sample; an edited
    // result with the old hash; a changed objective.
    let mut t = recs.clone();
    let ids: Vec<String> = (0..4)
        .map(|k| t.records[2 * k + 1].run_id.clone())
        .collect();
    let r = &mut t.records[1];
    r.result.as_mut().unwrap().best_energy -= 1.0;
    r.result_sha256 = result_sha256(r.result.as_ref());
    let r = &mut t.records[3];
    let res = r.result.as_mut().unwrap();
    let flipped: String = res
        .best_sample
        .chars()
        .enumerate()
        .map(|(k, c)| {
            if k == 0 {
                if c == '0' { '1' } else { '0' }
            } else {
                c
            }
        })
        .collect();
    res.best_sample = flipped;
    r.result_sha256 = result_sha256(r.result.as_ref());
    t.records[5].result.as_mut().unwrap().mean_energy += 0.5;
    let r = &mut t.records[7];
    *r.result.as_mut().unwrap().best_objective.as_mut().unwrap() -= 1.0;
    r.result_sha256 = result_sha256(r.result.as_ref());
    let v = suite::verify(&t, Some(0), 0, None, None, &Runner::new(), &|_, _| {});
    let named: Vec<&str> = v.tampered.iter().map(|f| f.run_id.as_str()).collect();
    assert_eq!(
        named,
        ids.iter().map(String::as_str).collect::<Vec<_>>(),
        "{v:?}"
    );
    assert!(!v.ok());

    // A manifest pins the records: any change, addition or removal shows.
    let m = suite::manifest_json(&recs);
    let mv: Value = serde_json::from_str(&m).unwrap();
    let entries: Vec<(String, String)> = serde_json::from_value(mv["entries"].clone()).unwrap();
    let root = mv["manifest_sha256"].as_str().unwrap().to_string();
    assert_eq!(root, suite::aggregate(&recs).manifest_sha256);
    let full = suite::Manifest {
        root: root.clone(),
        entries: Some(entries),
    };
    let root_only = suite::Manifest {
        root,
        entries: None,
    };
    let v = suite::verify(
        &recs,
        Some(0),
        0,
        Some(&full),
        None,
        &Runner::new(),
        &|_, _| {},
    );
    assert!(v.manifest.as_ref().unwrap().matches);
    let mut fewer = recs.clone();
    fewer.records.pop();
    fewer.line_sha256.pop();
    let v = suite::verify(
        &fewer,
        Some(0),
        0,
        Some(&full),
        None,
        &Runner::new(),
        &|_, _| {},
    );
    assert_eq!(v.manifest.as_ref().unwrap().missing.len(), 1);
    assert!(!v.manifest.as_ref().unwrap().matches);
    // A report's root hash alone: the same records match, fewer do not.
    let v = suite::verify(
        &recs,
        Some(0),
        0,
        Some(&root_only),
        None,
        &Runner::new(),
        &|_, _| {},
    );
    assert!(v.manifest.as_ref().unwrap().matches);
    let v = suite::verify(
        &fewer,
        Some(0),
        0,
        Some(&root_only),
        None,
        &Runner::new(),
        &|_, _| {},
    );
    assert!(!v.manifest.as_ref().unwrap().matches);
}

#[test]
fn the_report_recomputes_gaps_profiles_and_savings() {
    let dir = tmp("report");
    let text = ALL_SOLVERS.replace(
        "path = \"burma14_first5.tsp\"",
        "path = \"burma14_first5.tsp\"\nbaseline = 2500",
    );
    let s = parse(&text).unwrap();
    let recs = run_all(&s, &dir.join("r.jsonl"));
    let rep = suite::aggregate(&recs);
    assert_eq!(rep.records, recs.records.len());
    assert_eq!(rep.instances.len(), 2);
    let burma = &rep.instances[0];
    assert_eq!(burma.reference.as_ref().unwrap().value, 2321.0); // proven optimum, tables
    let exact = burma.cells.iter().find(|c| c.label == "exact").unwrap();
    assert_eq!(
        (exact.best_objective, exact.gap_percent, exact.hits),
        (Some(2321.0), Some(0.0), 1)
    );
    let saving = exact.saving_percent.unwrap();
    assert!((saving - (2500.0 - 2321.0) / 2500.0 * 100.0).abs() < 1e-9);
    // Petersen has no table value: the best found, labelled.
    assert_eq!(
        rep.instances[1].reference.as_ref().unwrap().kind,
        quboflow::compare::ReferenceKind::BestFound
    );
    for s in &rep.solvers {
        assert_eq!(s.profile.len(), suite::PROFILE_TAUS.len());
        assert!(
            s.profile.windows(2).all(|w| w[0] <= w[1]),
            "{}: {:?}",
            s.label,
            s.profile
        );
        assert!(s.success_rate.unwrap() <= 1.0);
    }
    let exact = rep.solvers.iter().find(|s| s.label == "exact").unwrap();
    assert_eq!(
        (exact.profile[0], exact.mean_gap_percent, exact.success_rate),
        (1.0, Some(0.0), Some(1.0))
    );
    // Every format renders; the manifest hash is stated.
    for f in [
        suite::to_text(&rep),
        suite::to_markdown(&rep),
        suite::to_csv(&rep),
        suite::to_json(&rep),
        suite::to_html(&rep),
    ] {
        assert!(f.contains("exact"));
    }
    assert!(suite::to_text(&rep).contains(&rep.manifest_sha256));
    assert_eq!(suite::to_csv(&rep).lines().count(), 1 + 2 * 6);
}
