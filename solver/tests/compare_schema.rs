//! The JSON report's fields are pinned by `schema/compare-report.schema.json`: every field
//! is required and no other is allowed, so adding, removing or retyping one fails here.
//! The checker is `quboflow::testing::schema_errors`.

use quboflow::compare::{Comparison, Target};
use quboflow::solvers::{Exact, SimulatedAnnealing};
use quboflow::testing::{random_qubo, schema_errors};
use quboflow::{Info, Objective, Qubo, RunControl, SampleSet, Solver};
use serde_json::{Value, json};

const SCHEMA: &str = include_str!("../schema/compare-report.schema.json");

fn validate(v: &Value) -> Vec<String> {
    let schema: Value = serde_json::from_str(SCHEMA).expect("the schema is JSON");
    schema_errors(&schema, v)
}

/// A solver that records QAOA-style figures in `Info::extra`, so the variational fields are
/// exercised without the QAOA crate.
struct Variational;

impl Solver for Variational {
    fn name(&self) -> &'static str {
        "variational"
    }
    fn params(&self) -> serde_json::Value {
        json!({"p": 2})
    }
    fn sample(&self, qubo: &Qubo, ctl: &RunControl) -> quboflow::Result<SampleSet> {
        let mut ss = Exact::default().sample(qubo, ctl)?;
        ss.info = Info::new("variational", self.params(), ss.info.seed);
        ss.info.extra = json!({"p": 2, "expectation": -1.5, "approximation_ratio": 0.75,
                               "probability_of_best": 0.25, "other": [1, 2]});
        Ok(ss)
    }
}

fn report_json() -> Value {
    let q = random_qubo(10, 0.5, true, 5);
    let energy = Objective::energy();
    let report = Comparison::new()
        .solver("variational", Variational)
        .solver(
            "sa",
            SimulatedAnnealing {
                num_reads: Some(3),
                ..Default::default()
            },
        )
        .solver(
            "exact",
            Exact {
                max_num_vars: 4,
                ..Default::default()
            },
        )
        .repeats(2)
        .seed(4)
        .time_limit(Some(std::time::Duration::from_secs(30)))
        .run(&Target::new("random", &q, &energy))
        .unwrap();
    serde_json::from_str(&quboflow::report::to_json(&report)).expect("the report is JSON")
}

#[test]
fn the_json_report_matches_its_schema() {
    let v = report_json();
    let errs = validate(&v);
    assert!(errs.is_empty(), "{errs:#?}");
    // The report exercised every branch: a variational summary, a skipped solver, a known
    // reference kind.
    assert_eq!(v["solvers"][0]["variational"]["p"], 2);
    assert_eq!(v["solvers"][0]["variational"]["approximation_ratio"], 0.75);
    assert_eq!(v["solvers"][2]["status"], "skipped");
    assert_eq!(v["reference"]["kind"], "best_found");
    assert_eq!(v["format_version"], 1);
}

#[test]
fn the_schema_check_catches_added_removed_and_retyped_fields() {
    let v = report_json();
    let mut added = v.clone();
    added["solvers"][1]["runs"][0]["surprise"] = json!(1);
    assert!(
        validate(&added)
            .iter()
            .any(|e| e.contains("surprise is not in the schema"))
    );
    let mut removed = v.clone();
    removed["settings"].as_object_mut().unwrap().remove("seeds");
    assert!(
        validate(&removed)
            .iter()
            .any(|e| e.contains("missing field seeds"))
    );
    let mut retyped = v.clone();
    retyped["solvers"][1]["hits"] = json!("two");
    assert!(!validate(&retyped).is_empty());
    let mut bad_enum = v;
    bad_enum["reference"]["kind"] = json!("guess");
    assert!(!validate(&bad_enum).is_empty());
}
