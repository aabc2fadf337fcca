//! Parameter values of a suite: TOML to JSON, sweeps to configurations, labels, and the
//! solver's own check of the values it is given.

use serde_json::{Map, Value};

/// TOML to JSON (dates are refused: no parameter takes one).
pub(super) fn to_json(v: &toml::Value) -> Result<Value, String> {
    Ok(match v {
        toml::Value::String(s) => Value::String(s.clone()),
        toml::Value::Integer(i) => Value::from(*i),
        toml::Value::Float(x) => serde_json::Number::from_f64(*x)
            .map(Value::Number)
            .ok_or_else(|| format!("{x} is not a finite number"))?,
        toml::Value::Boolean(b) => Value::Bool(*b),
        toml::Value::Array(a) => Value::Array(a.iter().map(to_json).collect::<Result<_, _>>()?),
        toml::Value::Table(t) => Value::Object(
            t.iter()
                .map(|(k, v)| Ok((k.clone(), to_json(v)?)))
                .collect::<Result<_, String>>()?,
        ),
        toml::Value::Datetime(d) => return Err(format!("a date ({d}) is not a parameter value")),
    })
}

/// Every combination of the axes' values, the first axis slowest.
pub(super) fn cartesian(axes: &[(String, Vec<Value>, usize)]) -> Vec<Vec<(String, Value)>> {
    let mut out: Vec<Vec<(String, Value)>> = vec![Vec::new()];
    for (k, values, _) in axes {
        out = out
            .into_iter()
            .flat_map(|prefix| {
                values.iter().map(move |v| {
                    let mut p = prefix.clone();
                    p.push((k.clone(), v.clone()));
                    p
                })
            })
            .collect();
    }
    out
}

/// A value as a label shows it (strings without quotes).
pub(super) fn short(v: &Value) -> String {
    match v {
        Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

/// Values the registry reads but only the solver judges (a range, an order) are checked by
/// the solver itself: a start on a two-variable model with the run already cancelled, which
/// validates the parameters and stops. Skipped where the probe model cannot stand in for the
/// instance (start states, XY mixers, remote backends). `Some((parameter, reason))` when the
/// solver refuses one.
pub(super) fn probe(
    solver: &dyn quboflow::Solver,
    params: &Map<String, Value>,
) -> Option<(String, String)> {
    let backend_ok = params
        .get("backend")
        .and_then(Value::as_str)
        .is_none_or(|b| b.trim() == "statevector");
    let x_mixer = params
        .get("mixer")
        .and_then(Value::as_str)
        .is_none_or(|m| m == "x");
    if !backend_ok
        || !x_mixer
        || ["initial_states", "initial_state", "angles", "initial_point"]
            .iter()
            .any(|k| params.contains_key(*k))
    {
        return None;
    }
    let mut b = quboflow::QuboBuilder::new(2);
    b.add_linear(0, -1.0)
        .add_linear(1, 1.0)
        .add_quadratic(0, 1, 0.5);
    let q = b.build().ok()?;
    let ctl = quboflow::RunControl::new()
        .seed(0)
        .cancel_flag(std::sync::Arc::new(std::sync::atomic::AtomicBool::new(
            true,
        )));
    match solver.sample(&q, &ctl) {
        Err(e) => match e.root() {
            quboflow::Error::InvalidParameter { name, reason } => {
                Some((name.to_string(), reason.clone()))
            }
            _ => None,
        },
        Ok(_) => None,
    }
}
