//! dimod COO text: one `u v bias` entry per line.
//!
//! `u == v` is a linear term; `(u, v)` and `(v, u)` are the same pair and are summed, as dimod
//! does. An optional header comment `# vartype=BINARY` (or `SPIN`, `:` may replace `=`) gives
//! the variable type; without it the caller must say. A spin file is converted exactly to the
//! binary form (`s = 2x − 1`). Unlike dimod, a bias in exponent notation is read rather than
//! silently skipped, and any line that is not an entry or a comment is an error. quboflow
//! writes a non-zero constant as the comment `# offset=<value>` and reads it back.

use std::fmt::Write as _;
use std::path::Path;
use std::str::FromStr;

use super::plain_decimal;
use super::scan::Scanner;
use crate::error::{Error, Result};
use crate::ising::Ising;
use crate::qubo::{Qubo, QuboBuilder};

/// Variable type of a COO file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Vartype {
    /// `x ∈ {0, 1}`.
    Binary,
    /// `s ∈ {−1, +1}`.
    Spin,
}

impl Vartype {
    /// `BINARY` or `SPIN`, as dimod writes it.
    pub fn name(self) -> &'static str {
        match self {
            Vartype::Binary => "BINARY",
            Vartype::Spin => "SPIN",
        }
    }
}

impl FromStr for Vartype {
    type Err = String;
    fn from_str(s: &str) -> std::result::Result<Self, String> {
        match s.trim().to_ascii_uppercase().as_str() {
            "BINARY" => Ok(Vartype::Binary),
            "SPIN" => Ok(Vartype::Spin),
            other => Err(format!(
                "unknown vartype {other:?} (expected BINARY or SPIN)"
            )),
        }
    }
}

/// Splits `# key=value` / `# key: value` comments.
fn header_field(line: &str) -> Option<(String, &str)> {
    let body = line.strip_prefix('#')?.trim();
    let k = body.find(['=', ':'])?;
    Some((body[..k].trim().to_ascii_lowercase(), body[k + 1..].trim()))
}

/// Reads a COO text; `vartype` is used when the file has no `# vartype=` header.
pub fn read(path: &Path, text: &str, vartype: Option<Vartype>) -> Result<Qubo> {
    let mut sc = Scanner::new(path, text);
    let mut file_vartype: Option<(Vartype, usize)> = None;
    let mut offset = 0.0;
    let mut entries: Vec<(usize, usize, f64)> = Vec::with_capacity(text.len() / 8);
    let mut first_entry_line = None;
    while let Some(l) = sc.next_raw() {
        let t = l.text.trim();
        if t.is_empty() {
            continue;
        }
        if t.starts_with('#') {
            match header_field(t) {
                Some((k, v)) if k == "vartype" => {
                    let vt = v.parse::<Vartype>().map_err(|m| sc.err(l.number, m))?;
                    if let Some(first) = first_entry_line {
                        return Err(sc.err(
                            l.number,
                            format!(
                                "the `# vartype=` header must come before the first entry (line {first}), not after it"
                            ),
                        ));
                    }
                    if let Some((_, first)) = file_vartype {
                        return Err(sc.err(
                            l.number,
                            format!("second vartype header (first on line {first})"),
                        ));
                    }
                    file_vartype = Some((vt, l.number));
                }
                Some((k, v)) if k == "offset" => {
                    offset += sc.real(&l, v, "offset")?;
                }
                _ => {}
            }
            continue;
        }
        let [tu, tv, tw] = sc.tokens::<3>(&l, "an entry `u v bias`")?;
        let u = sc.usize(&l, tu, "variable label")?;
        let v = sc.usize(&l, tv, "variable label")?;
        let w = sc.real(&l, tw, "bias")?;
        if u.max(v) >= crate::qubo::MAX_NUM_VARS {
            let (big, tok) = if u >= v { (u, tu) } else { (v, tv) };
            return Err(sc.err_at(
                &l,
                tok,
                format!(
                    "expected a variable label below {}, found {big}",
                    crate::qubo::MAX_NUM_VARS
                ),
            ));
        }

        first_entry_line.get_or_insert(l.number);
        entries.push((u, v, w));
    }
    let vt = match (file_vartype, vartype) {
        (Some((vt, line)), Some(given)) if vt != given => {
            return Err(Error::parse(
                path,
                line,
                format!(
                    "the header says vartype {}, but {} was given (--vartype); drop one",
                    vt.name(),
                    given.name()
                ),
            ));
        }
        (Some((vt, _)), _) => vt,
        (None, Some(vt)) => vt,
        (None, None) => {
            return Err(Error::parse(
                path,
                first_entry_line.unwrap_or(1),
                "expected a `# vartype=BINARY|SPIN` header before the entries, found none (or pass --vartype binary|spin)",
            ));
        }
    };
    let n = entries
        .iter()
        .map(|&(u, v, _)| u.max(v) + 1)
        .max()
        .unwrap_or(0);
    match vt {
        Vartype::Binary => {
            let mut b = QuboBuilder::new(n);
            b.reserve(entries.len());
            for (u, v, w) in entries {
                b.add_quadratic(u, v, w);
            }
            b.add_offset(offset);
            b.build()
        }
        Vartype::Spin => {
            crate::memory::check_allocation(
                || format!("a spin model of {n} variables"),
                crate::memory::bytes(n, 64),
            )?;
            let mut h = vec![0.0; n];
            let mut j = Vec::with_capacity(entries.len());
            for (u, v, w) in entries {
                if u == v {
                    h[u] += w;
                } else {
                    j.push((u, v, w));
                }
            }
            Ising::new(h, &j, offset)?.to_qubo()
        }
    }
}

/// Writes a binary COO text with a `# vartype=BINARY` header, linear terms as `i i w`, every
/// interaction once, shortest round-trip plain decimals (never exponent notation, which dimod
/// would skip).
pub fn write(q: &Qubo) -> String {
    let mut s = String::with_capacity(24 * (q.num_vars() + q.num_interactions()) + 64);
    let _ = writeln!(s, "# vartype=BINARY");
    if q.offset() != 0.0 {
        let _ = writeln!(s, "# offset={}", plain_decimal(q.offset()));
    }
    for (i, &w) in q.linear().iter().enumerate() {
        if w != 0.0 {
            let _ = writeln!(s, "{i} {i} {}", plain_decimal(w));
        }
    }
    for (i, j, w) in q.interactions() {
        let _ = writeln!(s, "{i} {j} {}", plain_decimal(w));
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rd(t: &str, vt: Option<Vartype>) -> Result<Qubo> {
        read(Path::new("t.coo"), t, vt)
    }

    #[test]
    fn sums_both_directions_and_reads_exponents() {
        let q = rd("# vartype: BINARY\n0 1 1\n1 0 2\n1 1 1e-3\n", None).unwrap();
        assert_eq!(q.quadratic(0, 1), 3.0);
        assert_eq!(q.linear()[1], 1e-3);
    }

    #[test]
    fn spin_file_converts_exactly() {
        let q = rd("0 0 0.5\n0 1 -1\n", Some(Vartype::Spin)).unwrap();
        // E(s) = 0.5 s0 − s0 s1
        for (x, e) in [
            ([0u8, 0], -0.5 - 1.0),
            ([1, 0], 0.5 + 1.0),
            ([1, 1], 0.5 - 1.0),
        ] {
            assert_eq!(q.energy(&x), e);
        }
    }

    #[test]
    fn needs_a_vartype_and_names_bad_lines() {
        let e = rd("0 1 1\n", None).unwrap_err().to_string();
        assert!(e.contains("t.coo:1") && e.contains("vartype"), "{e}");
        let e = rd("# vartype=BINARY\n0 1\n", None).unwrap_err().to_string();
        assert!(e.starts_with("t.coo:2"), "{e}");
        let e = rd("# vartype=BINARY\n0 -1 2\n", None)
            .unwrap_err()
            .to_string();
        assert!(e.starts_with("t.coo:2:3"), "{e}");
        assert!(rd("# vartype=QUBIT\n", None).is_err());
    }

    #[test]
    fn round_trip() {
        let mut b = QuboBuilder::new(4);
        b.add_linear(0, 1.0 / 3.0)
            .add_quadratic(1, 3, -2.5e-8)
            .add_offset(-1.0);
        let q = b.build().unwrap();
        let text = write(&q);
        assert!(
            text.lines()
                .filter(|l| !l.starts_with('#'))
                .all(|l| !l.contains('e')),
            "{text}"
        );
        assert_eq!(rd(&text, None).unwrap(), q);
    }
}
