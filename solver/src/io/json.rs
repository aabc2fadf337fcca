//! quboflow's versioned JSON model format; dimod BQM JSON (schema 3.x, plain lists) is read too.
//!
//! ```json
//! {"format": "quboflow.qubo", "format_version": 1, "num_variables": 3, "offset": 0.5,
//!  "linear": [3.0, -2.0, 0.0],
//!  "quadratic": [[0, 1, 4.0], [1, 2, -1.0]],
//!  "labels": null,
//!  "objective": {"name": "energy", "sense": "minimize", "scale": 1.0, "shift": 0.0}}
//! ```
//! `quadratic` entries are summed like dimod's; `labels`, `objective` and `constraints` are
//! optional. `constraints` (written for encoded instances) holds the one-hot groups,
//! permutations, set-partitioning and capacity rows of [`crate::Constraints`], so a model
//! encoded to a file keeps its XY-mixer groups and constraint-preserving moves.

use std::fmt::Write as _;
use std::path::Path;

use serde::Deserialize;
use serde_json::Value;

use crate::error::{Error, Location, Result};
use crate::ising::Ising;
use crate::objective::Objective;
use crate::qubo::{Qubo, QuboBuilder};

/// The `format` tag of a quboflow model file.
pub const FORMAT_TAG: &str = "quboflow.qubo";
/// The model-file version this library writes and reads.
pub const FORMAT_VERSION: u32 = 1;

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct QuboJson {
    format: String,
    format_version: u32,
    num_variables: usize,
    #[serde(default)]
    offset: f64,
    linear: Vec<f64>,
    #[serde(default)]
    quadratic: Vec<(usize, usize, f64)>,
    #[serde(default)]
    labels: Option<Vec<String>>,
    #[serde(default)]
    objective: Option<Objective>,
    #[serde(default)]
    constraints: Option<crate::constraints::Constraints>,
}

fn json_err(path: &Path, e: &serde_json::Error) -> Error {
    // serde_json ends its message with " at line L column C", which the location says already.
    let text = e.to_string();
    let message = match text.rfind(" at line ") {
        Some(k) => text[..k].to_string(),
        None => text,
    };
    // Field names and strings from the file may hold line breaks: keep errors on one line.
    let message = message.replace('\n', "\\n").replace('\r', "\\r");

    Error::Parse {
        location: Location {
            path: path.to_path_buf(),
            line: e.line(),
            column: Some(e.column().max(1)),
        },
        message,
    }
}

fn whole_file(path: &Path, message: impl Into<String>) -> Error {
    Error::parse(path, 0, message)
}

/// Reads quboflow or dimod BQM JSON; returns the model and its objective.
pub fn read(path: &Path, text: &str) -> Result<(Qubo, Objective)> {
    let v: Value = serde_json::from_str(text).map_err(|e| json_err(path, &e))?;
    if !v.is_object() {
        let found = match v {
            Value::Array(_) => "an array",
            Value::String(_) => "a string",
            Value::Number(_) => "a number",
            Value::Bool(_) => "a boolean",
            _ => "null",
        };
        return Err(Error::parse(
            path,
            1,
            format!("expected a JSON object (a quboflow or dimod BQM model), found {found}"),
        ));
    }
    if v.get("type").and_then(Value::as_str) == Some("BinaryQuadraticModel") {
        return read_dimod(path, &v).map(|q| (q, Objective::energy()));
    }
    // Deserialise from the text (not the `Value`) so schema errors keep line and column.
    let m: QuboJson = serde_json::from_str(text).map_err(|e| json_err(path, &e))?;
    if m.format != FORMAT_TAG {
        return Err(whole_file(
            path,
            format!("`format` is {:?}, expected {FORMAT_TAG:?}", m.format),
        ));
    }
    if m.format_version != FORMAT_VERSION {
        return Err(whole_file(
            path,
            format!(
                "format_version {} is not supported (this quboflow reads version {FORMAT_VERSION})",
                m.format_version
            ),
        ));
    }
    if m.linear.len() != m.num_variables {
        return Err(whole_file(
            path,
            format!(
                "`linear` has {} entries, `num_variables` is {}",
                m.linear.len(),
                m.num_variables
            ),
        ));
    }
    let mut b = QuboBuilder::new(m.num_variables);
    for (i, &w) in m.linear.iter().enumerate() {
        b.add_linear(i, w);
    }
    b.reserve(m.quadratic.len());
    for (k, &(i, j, w)) in m.quadratic.iter().enumerate() {
        if i >= m.num_variables || j >= m.num_variables {
            return Err(whole_file(
                path,
                format!(
                    "quadratic[{k}] = ({i}, {j}) is out of range for {} variables",
                    m.num_variables
                ),
            ));
        }
        b.add_quadratic(i, j, w);
    }
    b.add_offset(m.offset);
    if let Some(l) = m.labels {
        if l.len() != m.num_variables {
            return Err(whole_file(
                path,
                format!(
                    "`labels` has {} entries for {} variables",
                    l.len(),
                    m.num_variables
                ),
            ));
        }
        b.labels(l);
    }
    let objective = m.objective.unwrap_or_default();
    if !(objective.scale.is_finite() && objective.scale != 0.0 && objective.shift.is_finite()) {
        return Err(whole_file(
            path,
            "`objective` needs a finite non-zero scale and a finite shift",
        ));
    }
    let mut q = b.build()?;
    if let Some(c) = m.constraints {
        q = q
            .with_constraints(c)
            .map_err(|e| whole_file(path, format!("`constraints`: {e}")))?;
    }
    Ok((q, objective))
}

/// dimod `BinaryQuadraticModel.to_serializable()` output with `use_bytes = false`.
fn read_dimod(path: &Path, v: &Value) -> Result<Qubo> {
    let bad = |what: &str| whole_file(path, format!("dimod BQM JSON: {what}"));
    let schema = v
        .pointer("/version/bqm_schema")
        .and_then(Value::as_str)
        .ok_or_else(|| bad("missing version.bqm_schema"))?;
    if !schema.starts_with("3.") {
        return Err(bad(&format!(
            "bqm_schema {schema} is not supported (3.x is)"
        )));
    }
    if v.get("use_bytes").and_then(Value::as_bool) != Some(false) {
        return Err(bad("only `use_bytes: false` (plain lists) is supported"));
    }
    let list = |key: &str| -> Result<&Vec<Value>> {
        v.get(key)
            .and_then(Value::as_array)
            .ok_or_else(|| bad(&format!("missing list `{key}`")))
    };
    let num = |x: &Value, key: &str| -> Result<f64> {
        x.as_f64()
            .ok_or_else(|| bad(&format!("non-numeric entry in `{key}`")))
    };
    let idx = |x: &Value, key: &str, n: usize| -> Result<usize> {
        x.as_u64()
            .map(|i| i as usize)
            .filter(|&i| i < n)
            .ok_or_else(|| bad(&format!("entry of `{key}` is not an index below {n}")))
    };
    let labels: Vec<String> = list("variable_labels")?
        .iter()
        .map(|l| match l {
            Value::String(s) => s.clone(),
            other => other.to_string(),
        })
        .collect();
    let n = labels.len();
    let linear = list("linear_biases")?;
    if linear.len() != n {
        return Err(bad(
            "`linear_biases` and `variable_labels` differ in length",
        ));
    }
    let (qh, qt, qb) = (
        list("quadratic_head")?,
        list("quadratic_tail")?,
        list("quadratic_biases")?,
    );
    if qh.len() != qt.len() || qh.len() != qb.len() {
        return Err(bad("quadratic head, tail and biases differ in length"));
    }
    let offset = v
        .get("offset")
        .map(|o| num(o, "offset"))
        .transpose()?
        .unwrap_or(0.0);
    let h: Vec<f64> = linear
        .iter()
        .map(|x| num(x, "linear_biases"))
        .collect::<Result<_>>()?;
    let mut quad = Vec::with_capacity(qh.len());
    for k in 0..qh.len() {
        quad.push((
            idx(&qh[k], "quadratic_head", n)?,
            idx(&qt[k], "quadratic_tail", n)?,
            num(&qb[k], "quadratic_biases")?,
        ));
    }
    let q = match v.get("variable_type").and_then(Value::as_str) {
        Some("BINARY") => {
            let mut b = QuboBuilder::new(n);
            for (i, w) in h.into_iter().enumerate() {
                b.add_linear(i, w);
            }
            for (i, j, w) in quad {
                b.add_quadratic(i, j, w);
            }
            b.add_offset(offset);
            b.build()?
        }
        Some("SPIN") => Ising::new(h, &quad, offset)?.to_qubo()?,
        _ => return Err(bad("`variable_type` must be BINARY or SPIN")),
    };
    q.with_labels(labels)
}

/// Writes the quboflow JSON model: one interaction per line so large files stay diffable.
pub fn write(q: &Qubo, objective: &Objective) -> String {
    let f = |v: f64| serde_json::to_string(&v).unwrap_or_else(|_| "0".into());
    let mut s = String::with_capacity(32 * (q.num_vars() + q.num_interactions()) + 256);
    let _ = write!(
        s,
        "{{\"format\": \"{FORMAT_TAG}\", \"format_version\": {FORMAT_VERSION}, \"num_variables\": {}, \"offset\": {},\n \"linear\": [",
        q.num_vars(),
        f(q.offset())
    );
    for (k, &w) in q.linear().iter().enumerate() {
        if k > 0 {
            s.push_str(", ");
        }
        s.push_str(&f(w));
    }
    s.push_str("],\n \"quadratic\": [");
    for (k, (i, j, w)) in q.interactions().enumerate() {
        if k > 0 {
            s.push(',');
        }
        let _ = write!(s, "\n  [{i}, {j}, {}]", f(w));
    }
    s.push_str("],\n \"labels\": ");
    s.push_str(&serde_json::to_string(&q.labels()).unwrap_or_else(|_| "null".into()));
    s.push_str(",\n \"objective\": ");
    s.push_str(&serde_json::to_string(objective).unwrap_or_else(|_| "null".into()));
    if let Some(c) = q.constraints() {
        s.push_str(",\n \"constraints\": ");
        s.push_str(&serde_json::to_string(c).unwrap_or_else(|_| "null".into()));
    }
    s.push_str("}\n");
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trip_with_labels_and_objective() {
        let mut b = QuboBuilder::new(3);
        b.add_linear(0, 3.0)
            .add_quadratic(0, 1, 4.0)
            .add_quadratic(1, 2, -1e-300)
            .add_offset(0.5);
        b.labels(vec!["a".into(), "b".into(), "c\"q".into()]);
        let q = b.build().unwrap();
        let text = write(&q, &Objective::max_cut());
        let (q2, o) = read(Path::new("m.json"), &text).unwrap();
        assert_eq!(q2, q);
        assert_eq!(o, Objective::max_cut());
    }

    #[test]
    fn constraints_round_trip() {
        let mut b = QuboBuilder::new(4);
        b.add_quadratic(0, 1, 2.0).add_linear(3, -1.0);
        let c = crate::Constraints {
            one_hot: vec![vec![0, 1], vec![2, 3]],
            ..Default::default()
        };
        let q = b.build().unwrap().with_constraints(c.clone()).unwrap();
        let text = write(&q, &Objective::energy());
        let (q2, _) = read(Path::new("m.json"), &text).unwrap();
        assert_eq!(q2.constraints(), Some(&c));
        assert_eq!(q2, q);
        // Groups that do not fit the model are refused with the file named.
        let bad = text.replace("[2,3]", "[2,9]");
        let e = read(Path::new("m.json"), &bad).unwrap_err().to_string();
        assert!(e.starts_with("m.json: `constraints`"), "{e}");
    }

    #[test]
    fn reads_dimod_bqm_json_example() {
        // formats.md §3: E = 3x0 − 2x1 + 4x0x1 − x1x2 + 0.5
        let t = r#"{"type":"BinaryQuadraticModel","version":{"bqm_schema":"3.0.0"},"use_bytes":false,
 "index_type":"int32","bias_type":"float64","num_variables":3,"num_interactions":2,
 "variable_labels":[0,1,2],"variable_type":"BINARY","offset":0.5,"info":{},
 "linear_biases":[3.0,-2.0,0.0],"quadratic_biases":[4.0,-1.0],
 "quadratic_head":[0,1],"quadratic_tail":[1,2]}"#;
        let (q, _) = read(Path::new("d.json"), t).unwrap();
        assert_eq!(q.energy(&[1, 1, 1]), 3.0 - 2.0 + 4.0 - 1.0 + 0.5);
        assert_eq!(q.labels().unwrap()[1], "1");
    }

    #[test]
    fn errors() {
        let p = Path::new("m.json");
        let e = read(p, "{\n \"format\": \"quboflow.qubo\",\n x}")
            .unwrap_err()
            .to_string();
        assert!(e.starts_with("m.json:3:"), "{e}");
        let ok = write(&QuboBuilder::new(1).build().unwrap(), &Objective::energy());
        assert!(
            read(
                p,
                &ok.replace("\"format_version\": 1", "\"format_version\": 2")
            )
            .is_err()
        );
        assert!(read(p, &ok.replace("\"linear\": [0.0]", "\"linear\": []")).is_err());
        assert!(
            read(
                p,
                &ok.replace("\"quadratic\": []", "\"quadratic\": [[0, 5, 1.0]]")
            )
            .is_err()
        );
        assert!(read(p, "[1, 2]").is_err());
        let e = read(p, &ok.replace("\"offset\": 0.0", "\"offset\": \"zero\""))
            .unwrap_err()
            .to_string();
        assert!(e.starts_with("m.json:1:"), "{e}");
    }
}
