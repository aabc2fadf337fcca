//! Real benchmark files from `shared/data`: sizes, objectives and the check values of
//! `reference/formats.md` §11.

use std::path::Path;

use quboflow::io::{self, Format, ReadOptions};
use quboflow::solvers::SteepestDescent;
use quboflow::testing::{data_dir, data_file};
use quboflow::{RunControl, Solver};

/// The `(i, j, w)` lines of a Gset or bqp file, 0-based, read independently of the readers.
fn entries(path: &Path) -> Vec<(usize, usize, f64)> {
    let text = std::fs::read_to_string(path).unwrap();
    text.lines()
        .skip(1)
        .filter(|l| !l.trim().is_empty())
        .map(|l| {
            let t: Vec<f64> = l.split_whitespace().map(|v| v.parse().unwrap()).collect();
            (t[0] as usize - 1, t[1] as usize - 1, t[2])
        })
        .collect()
}

/// Cut of `x` straight from the Gset edge list.
fn cut_from_file(path: &Path, x: &[u8]) -> f64 {
    entries(path)
        .iter()
        .filter(|&&(i, j, _)| x[i] != x[j])
        .map(|e| e.2)
        .sum()
}

/// Beasley objective `Σ q_ii x_i + 2 Σ_{i<j} q_ij x_i x_j`, straight from the file.
fn bqp_objective_from_file(path: &Path, x: &[u8]) -> f64 {
    entries(path)
        .iter()
        .map(|&(i, j, q)| if i == j { q } else { 2.0 * q } * (x[i] * x[j]) as f64)
        .sum()
}

fn bits(path: &Path) -> Vec<u8> {
    std::fs::read_to_string(path)
        .unwrap()
        .trim()
        .bytes()
        .map(|b| b - b'0')
        .collect()
}

#[test]
fn gset_certificates_give_the_known_cuts() {
    for (graph, cert, cut) in [
        ("G1", "G1.romank.bits", 11624.0),
        ("G43", "G43.romank.bits", 6660.0),
    ] {
        let Some(file) = data_file(&format!("gset/{graph}.txt")) else {
            return;
        };
        let Some(cert) = data_file(&format!("gset/certificates/{cert}")) else {
            return;
        };
        let m = io::read(&file, None, &ReadOptions::default()).unwrap();
        assert_eq!(m.format, Format::Gset);
        let x = bits(&cert);
        assert_eq!(x.len(), m.qubo.num_vars());
        let e = m.qubo.energy(&x);
        assert_eq!(m.objective.value(e), cut, "{graph}");
        assert_eq!(cut_from_file(&file, &x), cut, "{graph}");
    }
}

#[test]
fn g1_has_the_published_size() {
    let Some(file) = data_file("gset/G1.txt") else {
        return;
    };
    let m = io::read(&file, None, &ReadOptions::default()).unwrap();
    assert_eq!(m.qubo.num_vars(), 800);
    assert_eq!(m.qubo.num_interactions(), 19176);
}

#[test]
fn bqp_objective_matches_the_doubled_reading() {
    let Some(file) = data_file("bqp/bqp50_1.txt") else {
        return;
    };
    let m = io::read(&file, None, &ReadOptions::default()).unwrap();
    assert_eq!(m.format, Format::Bqp);
    assert_eq!(m.qubo.num_vars(), 50);
    for seed in 0..20 {
        let x = quboflow::testing::random_state(50, seed);
        assert_eq!(
            m.objective.value(m.qubo.energy(&x)),
            bqp_objective_from_file(&file, &x)
        );
    }
}

#[test]
fn descent_reaches_the_bqp50_1_optimum() {
    // bqp50.1's proven optimum is 2098 (maximised); 4000 descents from random starts reach it.
    let Some(file) = data_file("bqp/bqp50_1.txt") else {
        return;
    };
    let m = io::read(&file, None, &ReadOptions::default()).unwrap();
    let r = SteepestDescent {
        num_reads: Some(4000),
        ..Default::default()
    }
    .sample(&m.qubo, &RunControl::new().seed(1))
    .unwrap();
    let best = r.first().unwrap();
    assert_eq!(m.objective.value(best.energy), 2098.0);
    assert_eq!(bqp_objective_from_file(&file, &best.sample), 2098.0);
}

#[test]
fn every_gset_and_bqp_file_reads() {
    let Some(dir) = data_dir() else { return };
    let mut count = 0;
    for sub in ["gset", "bqp"] {
        let Ok(entries) = std::fs::read_dir(dir.join(sub)) else {
            continue;
        };
        for e in entries {
            let p = e.unwrap().path();
            let name = p.file_name().unwrap().to_string_lossy().to_string();
            if !(name.ends_with(".txt") && (name.starts_with('G') || name.starts_with("bqp"))) {
                continue;
            }
            let m = io::read(&p, None, &ReadOptions::default())
                .unwrap_or_else(|e| panic!("{name}: {e}"));
            let want = if sub == "gset" {
                Format::Gset
            } else {
                Format::Bqp
            };
            assert_eq!(m.format, want, "{name}");
            count += 1;
        }
    }
    if std::env::var("QUBOFLOW_REQUIRE_DATA").as_deref() == Ok("1") {
        assert_eq!(count, 71 + 50, "all Gset and bqp files");
    }
}

#[test]
fn conversions_of_real_files_round_trip() {
    let Some(file) = data_file("bqp/bqp100_1.txt") else {
        return;
    };
    let m = io::read(&file, None, &ReadOptions::default()).unwrap();
    for f in [Format::Qubo, Format::Coo, Format::Json] {
        let text = io::write_string(&m, f).unwrap();
        let back = io::read_str(&text, Path::new("x"), Some(f), &ReadOptions::default()).unwrap();
        assert_eq!(back.qubo, m.qubo, "{f}");
        if f == Format::Json {
            assert_eq!(back.objective, m.objective);
        }
    }
}
