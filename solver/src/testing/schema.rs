//! A JSON Schema checker for the subset the repository's schemas use, so tests that pin a
//! JSON contract need no schema crate: `type` (one or a list), `enum`, `const`, `required`,
//! `properties`, `additionalProperties: false`, `items`, `minItems`, `maxItems`, `minimum`,
//! `oneOf` and local `$ref`s to `#/$defs/…`.

use serde_json::{Value, json};

/// Every way `doc` breaks `schema`, each with its JSON path (`$.best.energy: …`); empty when
/// it conforms.
///
/// ```
/// use quboflow::testing::schema_errors;
/// let schema = serde_json::json!({"type": "object", "required": ["a"],
///     "properties": {"a": {"type": "number"}}, "additionalProperties": false});
/// assert!(schema_errors(&schema, &serde_json::json!({"a": 1})).is_empty());
/// assert_eq!(schema_errors(&schema, &serde_json::json!({"b": 1})).len(), 2);
/// ```
pub fn schema_errors(schema: &Value, doc: &Value) -> Vec<String> {
    let mut errs = Vec::new();
    check(schema, schema, doc, "$", &mut errs);
    errs
}

fn type_ok(t: &str, v: &Value) -> bool {
    match t {
        "object" => v.is_object(),
        "array" => v.is_array(),
        "string" => v.is_string(),
        "number" => v.is_number(),
        "integer" => v.is_u64() || v.is_i64(),
        "boolean" => v.is_boolean(),
        "null" => v.is_null(),
        other => panic!("the schema uses type {other}, which this checker does not implement"),
    }
}

/// Errors of `v` against `s`, with JSON paths.
pub(crate) fn check(root: &Value, s: &Value, v: &Value, path: &str, errs: &mut Vec<String>) {
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
