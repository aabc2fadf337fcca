//! IonQ v0.4 job JSON: circuits in the `qis` gateset out, probability maps in.

use std::collections::BTreeMap;

use serde_json::{Value, json};

use crate::circuit::{Circuit, Gate};
use crate::error::{Error, Result};

/// One gate in IonQ's `qis` form (rotations in radians, Qiskit's conventions).
pub(crate) fn gate_json(g: Gate) -> Value {
    match g {
        Gate::H(q) => json!({"gate": "h", "target": q}),
        Gate::X(q) => json!({"gate": "x", "target": q}),
        Gate::Rx(q, t) => json!({"gate": "rx", "target": q, "rotation": t}),
        Gate::Ry(q, t) => json!({"gate": "ry", "target": q, "rotation": t}),
        Gate::Rz(q, t) => json!({"gate": "rz", "target": q, "rotation": t}),
        Gate::Cx(c, t) => json!({"gate": "cnot", "control": c, "target": t}),
        Gate::Rzz(a, b, t) => json!({"gate": "zz", "targets": [a, b], "rotation": t}),
        Gate::Rxx(a, b, t) => json!({"gate": "xx", "targets": [a, b], "rotation": t}),
        Gate::Ryy(a, b, t) => json!({"gate": "yy", "targets": [a, b], "rotation": t}),
    }
}

/// The circuit's gates in `qis` form; refuses a start state with no gate preparation.
pub(crate) fn circuit_json(c: &Circuit) -> Result<Vec<Value>> {
    if !c.preparation_included {
        return Err(Error::InvalidParameter {
            name: "backend",
            reason: "this mixer's start state (Dicke) has no gate preparation for a QPU; use initial_state = basis".into(),
        });
    }
    Ok(c.gates.iter().map(|&g| gate_json(g)).collect())
}

/// Reads one `qis` gate (the emulator's side of [`gate_json`]).
pub(crate) fn parse_gate(v: &Value) -> std::result::Result<Gate, String> {
    let name = v["gate"].as_str().ok_or("a gate without a `gate` name")?;
    let q = |k: &str| -> std::result::Result<usize, String> {
        v[k].as_u64()
            .map(|x| x as usize)
            .ok_or_else(|| format!("{name}: `{k}` is not a qubit index"))
    };
    let pair = || -> std::result::Result<(usize, usize), String> {
        match v["targets"].as_array().map(|a| a.as_slice()) {
            Some([a, b]) => match (a.as_u64(), b.as_u64()) {
                (Some(a), Some(b)) => Ok((a as usize, b as usize)),
                _ => Err(format!("{name}: `targets` are not qubit indices")),
            },
            _ => Err(format!("{name}: needs two `targets`")),
        }
    };
    let t = || -> std::result::Result<f64, String> {
        v["rotation"]
            .as_f64()
            .ok_or_else(|| format!("{name}: `rotation` is not a number"))
    };
    Ok(match name {
        "h" => Gate::H(q("target")?),
        "x" => Gate::X(q("target")?),
        "rx" => Gate::Rx(q("target")?, t()?),
        "ry" => Gate::Ry(q("target")?, t()?),
        "rz" => Gate::Rz(q("target")?, t()?),
        "cnot" => Gate::Cx(q("control")?, q("target")?),
        "zz" => {
            let (a, b) = pair()?;
            Gate::Rzz(a, b, t()?)
        }
        "xx" => {
            let (a, b) = pair()?;
            Gate::Rxx(a, b, t()?)
        }
        "yy" => {
            let (a, b) = pair()?;
            Gate::Ryy(a, b, t()?)
        }
        other => {
            return Err(format!(
                "gate `{other}` is not in the qis gateset this emulator runs"
            ));
        }
    })
}

/// What to submit: one job of one or more circuits on one backend.
#[derive(Debug, Clone)]
pub(crate) struct JobSpec<'a> {
    pub backend: &'a str,
    /// Simulator noise model (`None`: ideal).
    pub noise: Option<&'a str>,
    pub noise_seed: u64,
    pub shots: u64,
    pub name: String,
    pub metadata: BTreeMap<String, String>,
    pub qubits: usize,
    pub circuits: Vec<Vec<Value>>,
}

/// The `POST /jobs` body.
pub(crate) fn job_body(spec: &JobSpec<'_>) -> Value {
    let mut body = json!({
        "name": spec.name,
        "backend": spec.backend,
        "shots": spec.shots,
        "metadata": spec.metadata,
    });
    if spec.backend == "simulator" {
        body["noise"] =
            json!({"model": spec.noise.unwrap_or("ideal"), "seed": spec.noise_seed % (1 << 31)});
    }
    if spec.circuits.len() == 1 {
        body["type"] = json!("ionq.circuit.v1");
        body["input"] =
            json!({"qubits": spec.qubits, "gateset": "qis", "circuit": spec.circuits[0]});
    } else {
        body["type"] = json!("ionq.multi-circuit.v1");
        let circuits: Vec<Value> = spec
            .circuits
            .iter()
            .enumerate()
            .map(|(k, c)| json!({"name": format!("c{k}"), "circuit": c}))
            .collect();
        body["input"] = json!({"qubits": spec.qubits, "gateset": "qis", "circuits": circuits});
    }
    body
}

/// A `…/results/probabilities` payload (decimal keys, bit k = qubit k) over `n` qubits, read
/// straight into `(index, probability)` pairs sorted by index: an ideal result has up to 2ⁿ
/// entries, and going through a `serde_json::Value` map tripled the client's time at n = 20.
pub(crate) fn parse_probabilities(text: &str, n: usize) -> serde_json::Result<Vec<(usize, f64)>> {
    use serde::de::{DeserializeSeed, Error as _, MapAccess, Visitor};

    struct Probabilities(usize);

    impl<'de> Visitor<'de> for Probabilities {
        type Value = Vec<(usize, f64)>;

        fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
            f.write_str("an object of decimal basis-state indices and probabilities")
        }

        fn visit_map<A: MapAccess<'de>>(
            self,
            mut map: A,
        ) -> std::result::Result<Self::Value, A::Error> {
            let n = self.0;
            let mut out = Vec::with_capacity(map.size_hint().unwrap_or(0).min(1 << 20));
            let mut sum = 0.0;
            while let Some(k) = map.next_key::<std::borrow::Cow<'de, str>>()? {
                let x: u128 = k.parse().map_err(|_| {
                    A::Error::custom(format!("key `{k}` is not a decimal basis-state index"))
                })?;
                if n < 128 && x >> n != 0 {
                    return Err(A::Error::custom(format!(
                        "key `{k}` names a state outside {n} qubits"
                    )));
                }
                let p: f64 = map.next_value()?;
                if !(p.is_finite() && (0.0..=1.0 + 1e-9).contains(&p)) {
                    return Err(A::Error::custom(format!(
                        "the probability of `{k}` is {p}, not in [0, 1]"
                    )));
                }
                sum += p;
                out.push((x as usize, p));
            }
            if (sum - 1.0).abs() > 1e-6 {
                return Err(A::Error::custom(format!(
                    "the probabilities sum to {sum}, not 1"
                )));
            }
            out.sort_unstable_by_key(|e| e.0);
            Ok(out)
        }
    }

    impl<'de> DeserializeSeed<'de> for Probabilities {
        type Value = Vec<(usize, f64)>;
        fn deserialize<D: serde::Deserializer<'de>>(
            self,
            d: D,
        ) -> std::result::Result<Self::Value, D::Error> {
            d.deserialize_map(self)
        }
    }

    let mut de = serde_json::Deserializer::from_str(text);
    let out = Probabilities(n).deserialize(&mut de)?;
    de.end()?;
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn gates_round_trip() {
        for g in [
            Gate::H(1),
            Gate::X(0),
            Gate::Rx(2, 0.5),
            Gate::Ry(2, -0.5),
            Gate::Rz(0, 1e-3),
            Gate::Cx(1, 2),
            Gate::Rzz(0, 2, 0.25),
            Gate::Rxx(1, 0, 0.75),
            Gate::Ryy(2, 1, 1.5),
        ] {
            assert_eq!(parse_gate(&gate_json(g)).unwrap(), g);
        }
        assert!(parse_gate(&json!({"gate": "ms", "targets": [0, 1]})).is_err());
    }

    #[test]
    fn probabilities_are_checked() {
        let p = parse_probabilities(r#"{"3": 5e-1, "0": 0.5}"#, 2).unwrap();
        assert_eq!(p, vec![(0, 0.5), (3, 0.5)]);
        use serde_json::error::Category::{Data, Eof, Syntax};
        for (text, category) in [
            (r#"{"4": 1.0}"#, Data),
            (r#"{"0": 0.5}"#, Data),
            (r#"{"x": 1.0}"#, Data),
            (r#"{"0": -0.5, "1": 1.5}"#, Data),
            ("[1.0]", Data),
            (r#"{"0": 1.0"#, Eof),
            (r#"{"0": 1.0}}"#, Syntax),
        ] {
            assert_eq!(
                parse_probabilities(text, 2).unwrap_err().classify(),
                category,
                "{text}"
            );
        }
    }
}
