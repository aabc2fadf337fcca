//! The JSON report's fields are pinned by `schema/compare-report.schema.json`: every field
//! is required and no other is allowed, so adding, removing or retyping one fails here.
//!
//! The checker below implements the part of JSON Schema the file uses (type, enum, const,
//! required, properties, additionalProperties: false, items, min/maxItems, minimum, oneOf,
//! local $ref), so the test needs no schema crate.

use quboflow::compare::{Comparison, Target};
use quboflow::solvers::{Exact, SimulatedAnnealing};
use quboflow::testing::random_qubo;
use quboflow::{Info, Objective, Qubo, RunControl, SampleSet, Solver};
use serde_json::{Value, json};

const SCHEMA: &str = include_str!("../schema/compare-report.schema.json");

fn type_ok(t: &str, v: &Value) -> bool {
    match t {
        "object" => v.is_object(),
        "array" => v.is_array(),
        "string" => v.is_string(),
        "number" => v.is_number(),
        "integer" => v.is_u64() || v.is_i64(),
        "boolean" => v.is_boolean(),
        "null" => v.is_null(),
        other => panic!("schema uses unsupported type {other}"),
    }
}

/// Errors of `v` against `s`, with JSON paths.
fn check(root: &Value, s: &Value, v: &Value, path: &str, errs: &mut Vec<String>) {
    let s = match s.get("$ref").and_then(Value::as_str) {
        Some(r) => {
            let name = r.strip_prefix("#/$defs/").expect("local $ref");
            &root["$defs"][name]
        }
        None => s,
    };
    if let Some(options) = s.get("oneOf").and_then(Value::as_array) {
        let ok = options
            .iter()
            .filter(|o| {
                let mut e = Vec::new();
                check(root, o, v, path, &mut e);
                e.is_empty()
            })
            .count();
        if ok != 1 {
            errs.push(format!("{path}: matches {ok} of the oneOf options"));
        }
        return;
    }
    if let Some(t) = s.get("type") {
        let ok = match t {
            Value::String(t) => type_ok(t, v),
            Value::Array(ts) => ts.iter().any(|t| type_ok(t.as_str().unwrap(), v)),
            _ => panic!("bad type in schema"),
        };
        if !ok {
            errs.push(format!("{path}: {v} is not of type {t}"));
            return;
        }
    }
    if let Some(c) = s.get("const")
        && c != v
    {
        errs.push(format!("{path}: {v} is not {c}"));
    }
    if let Some(e) = s.get("enum").and_then(Value::as_array)
        && !e.contains(v)
    {
        errs.push(format!("{path}: {v} is not one of {e:?}"));
    }
    if let (Some(m), Some(x)) = (s.get("minimum").and_then(Value::as_f64), v.as_f64())
        && x < m
    {
        errs.push(format!("{path}: {x} < {m}"));
    }
    if let Some(obj) = v.as_object() {
        let props = s.get("properties").and_then(Value::as_object);
        for r in s
            .get("required")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
        {
            let r = r.as_str().unwrap();
            if !obj.contains_key(r) {
                errs.push(format!("{path}: missing field {r}"));
            }
        }
        for (k, x) in obj {
            match props.and_then(|p| p.get(k)) {
                Some(ps) => check(root, ps, x, &format!("{path}.{k}"), errs),
                None if s.get("additionalProperties") == Some(&json!(false)) => {
                    errs.push(format!("{path}: field {k} is not in the schema"))
                }
                None => {}
            }
        }
    }
    if let Some(items) = v.as_array() {
        if let Some(n) = s.get("minItems").and_then(Value::as_u64)
            && (items.len() as u64) < n
        {
            errs.push(format!("{path}: fewer than {n} items"));
        }
        if let Some(n) = s.get("maxItems").and_then(Value::as_u64)
            && (items.len() as u64) > n
        {
            errs.push(format!("{path}: more than {n} items"));
        }
        if let Some(is) = s.get("items") {
            for (k, x) in items.iter().enumerate() {
                check(root, is, x, &format!("{path}[{k}]"), errs);
            }
        }
    }
}

fn validate(v: &Value) -> Vec<String> {
    let schema: Value = serde_json::from_str(SCHEMA).expect("the schema is JSON");
    let mut errs = Vec::new();
    check(&schema, &schema, v, "$", &mut errs);
    errs
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
