//! Canonical JSON and SHA-256: the hashes that name runs, results and records.

use std::io::Read;
use std::path::Path;

use serde_json::Value;
use sha2::{Digest, Sha256};

/// Lower-case hex of `bytes`.
pub(crate) fn hex(bytes: &[u8]) -> String {
    use std::fmt::Write;
    bytes
        .iter()
        .fold(String::with_capacity(bytes.len() * 2), |mut s, b| {
            let _ = write!(s, "{b:02x}");
            s
        })
}

/// `v` as compact JSON with every object's keys sorted, whatever map order serde_json was
/// built with; numbers in serde_json's shortest round-trip form, so a value read back from a
/// record hashes as it did when written.
pub(crate) fn canonical(v: &Value) -> String {
    fn write(v: &Value, out: &mut String) {
        match v {
            Value::Object(m) => {
                let mut keys: Vec<&String> = m.keys().collect();
                keys.sort();
                out.push('{');
                for (i, k) in keys.into_iter().enumerate() {
                    if i > 0 {
                        out.push(',');
                    }
                    out.push_str(&Value::String(k.clone()).to_string());
                    out.push(':');
                    write(&m[k], out);
                }
                out.push('}');
            }
            Value::Array(a) => {
                out.push('[');
                for (i, x) in a.iter().enumerate() {
                    if i > 0 {
                        out.push(',');
                    }
                    write(x, out);
                }
                out.push(']');
            }
            other => out.push_str(&other.to_string()),
        }
    }
    let mut out = String::new();
    write(v, &mut out);
    out
}

/// SHA-256 of `v`'s canonical JSON.
pub(crate) fn sha256_json(v: &Value) -> [u8; 32] {
    Sha256::digest(canonical(v).as_bytes()).into()
}

/// SHA-256 of bytes, as hex.
pub(crate) fn sha256_hex(bytes: &[u8]) -> String {
    hex(&Sha256::digest(bytes))
}

/// SHA-256 of a file's bytes, as hex.
pub(crate) fn sha256_file(path: &Path) -> Result<String, String> {
    let mut f =
        std::fs::File::open(path).map_err(|e| format!("cannot read {}: {e}", path.display()))?;
    let mut h = Sha256::new();
    let mut buf = vec![0u8; 1 << 16];
    loop {
        let n = f
            .read(&mut buf)
            .map_err(|e| format!("cannot read {}: {e}", path.display()))?;
        if n == 0 {
            break;
        }
        h.update(&buf[..n]);
    }
    Ok(hex(&h.finalize()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn canonical_sorts_keys_and_round_trips_numbers() {
        let a = json!({"b": 1, "a": [0.1, {"z": 2, "y": -3.5e-300}]});
        assert_eq!(canonical(&a), r#"{"a":[0.1,{"y":-3.5e-300,"z":2}],"b":1}"#);
        let back: Value = serde_json::from_str(&a.to_string()).unwrap();
        assert_eq!(sha256_json(&a), sha256_json(&back));
        assert_ne!(
            sha256_json(&a),
            sha256_json(&json!({"b": 1, "a": [0.1, {"z": 2, "y": -3.5e-301}]}))
        );
    }
}
