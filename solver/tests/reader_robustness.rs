//! Readers never panic: random bytes, truncated and corrupted copies of real files all give
//! an error (or, for a harmless corruption, a valid model), never a crash.

use std::path::Path;

use proptest::prelude::*;
use quboflow::io::{self, Format, ReadOptions, Vartype};
use quboflow::testing::{data_file, random_qubo};

/// Read options for format `f`: a vartype for COO (which needs one), none for the others
/// (which refuse one).
fn opts_for(f: Option<Format>) -> ReadOptions {
    ReadOptions {
        vartype: (f == Some(Format::Coo)).then_some(Vartype::Binary),
    }
}

/// Every format reader on the same bytes (and detection).
fn read_all(bytes: &[u8]) {
    let text = String::from_utf8_lossy(bytes);
    let p = Path::new("fuzz.txt");
    for f in Format::ALL {
        let _ = io::read_str(&text, p, Some(f), &opts_for(Some(f)));
    }
    let _ = io::read_str(&text, p, None, &opts_for(None));
}

/// Small real files (bqp50_1, the head of G1) with their formats.
fn samples() -> Vec<(String, Format)> {
    let mut out = vec![];
    if let Some(p) = data_file("bqp/bqp50_1.txt") {
        out.push((std::fs::read_to_string(p).unwrap(), Format::Bqp));
    }
    if let Some(p) = data_file("gset/G1.txt") {
        // The first 300 edges with a header that says so: a valid, smaller Gset file.
        let text = std::fs::read_to_string(p).unwrap();
        let body: Vec<&str> = text.lines().skip(1).take(300).collect();
        out.push((format!("800 300\n{}\n", body.join("\n")), Format::Gset));
    }
    let m = io::Model {
        qubo: random_qubo(20, 0.3, false, 1),
        objective: Default::default(),
        format: Format::Json,
        format_note: None,
    };
    for f in [Format::Qubo, Format::Coo, Format::Json] {
        out.push((io::write_string(&m, f).unwrap(), f));
    }
    out
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn random_bytes_never_panic(bytes in proptest::collection::vec(any::<u8>(), 0..400)) {
        read_all(&bytes);
    }

    #[test]
    fn random_token_soup_never_panics(tokens in proptest::collection::vec(
        prop_oneof![Just("p"), Just("qubo"), Just("0"), Just("1"), Just("2"), Just("-1"),
                    Just("1e999"), Just("NaN"), Just("\n"), Just("#"), Just("c"),
                    Just("{"), Just("}"), Just("999999999999"), Just("3.5"), Just(" ")],
        0..60)) {
        read_all(tokens.join(" ").as_bytes());
    }

    #[test]
    fn truncated_files_are_errors(cut in 0.0f64..1.0, which in 0usize..5) {
        let all = samples();
        let (text, f) = &all[which % all.len()];
        // Cut at a line boundary strictly inside the data: entries are missing, so the
        // declared counts (or JSON structure) no longer match.
        let lines: Vec<&str> = text.lines().collect();
        let keep = 1 + ((lines.len() - 2) as f64 * cut) as usize;
        let truncated = lines[..keep].join("\n");
        let r = io::read_str(&truncated, Path::new("t"), Some(*f), &opts_for(Some(*f)));
        // COO has no declared count, so a truncated COO file is still a valid (smaller) model.
        if *f != Format::Coo {
            prop_assert!(r.is_err(), "{f}: truncated to {keep}/{} lines but accepted", lines.len());
        }
        // Truncation mid-line must never panic either.
        let at = (text.len() as f64 * cut) as usize;
        let at = (0..=at).rev().find(|&k| text.is_char_boundary(k)).unwrap_or(0);
        let _ = io::read_str(&text[..at], Path::new("t"), Some(*f), &opts_for(Some(*f)));
    }

    #[test]
    fn corrupted_files_never_panic(pos in 0.0f64..1.0, byte in any::<u8>(), which in 0usize..5) {
        let all = samples();
        let (text, f) = &all[which % all.len()];
        let mut bytes = text.as_bytes().to_vec();
        let k = ((bytes.len() - 1) as f64 * pos) as usize;
        bytes[k] = byte;
        let t = String::from_utf8_lossy(&bytes);
        if let Ok(m) = io::read_str(&t, Path::new("c"), Some(*f), &opts_for(Some(*f))) {
            // Whatever was accepted is a valid model.
            m.qubo.validate().unwrap();
        }
    }
}

#[test]
fn utf8_errors_name_the_line() {
    let dir = std::env::temp_dir().join(format!("quboflow-utf8-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let p = dir.join("bad.qubo");
    std::fs::write(&p, b"p qubo 0 2 0 1\n0 1 \xff\n").unwrap();
    let e = io::read(&p, None, &ReadOptions::default())
        .unwrap_err()
        .to_string();
    assert!(e.contains("bad.qubo:2") && e.contains("UTF-8"), "{e}");
    std::fs::remove_dir_all(&dir).unwrap();
}
