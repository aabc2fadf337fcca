//! Reader throughput: the largest Gset file (G81) and bqp1000_1, plus G1 for the per-byte
//! rate at a smaller size (equal MB/s across sizes is the evidence of linear time).
//!
//! Run: `cargo bench -p quboflow-benches --bench readers`

#![allow(missing_docs)]

use std::hint::black_box;

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use quboflow::io::{self, Format, ReadOptions};
use quboflow_benches::data;

fn readers(c: &mut Criterion) {
    let mut g = c.benchmark_group("read");
    for (rel, format) in [
        ("gset/G81.txt", Format::Gset),
        ("gset/G1.txt", Format::Gset),
        ("bqp/bqp1000_1.txt", Format::Bqp),
        ("bqp/bqp100_1.txt", Format::Bqp),
    ] {
        let path = data(rel);
        let text = std::fs::read_to_string(&path).expect("readable data file");
        g.throughput(Throughput::Bytes(text.len() as u64));
        let name = path
            .file_name()
            .and_then(|n| n.to_str())
            .unwrap_or(rel)
            .to_string();
        g.bench_function(format!("parse/{name}"), |b| {
            b.iter(|| {
                io::read_str(
                    black_box(&text),
                    &path,
                    Some(format),
                    &ReadOptions::default(),
                )
                .expect("valid file")
            })
        });
        g.bench_function(format!("file+detect/{name}"), |b| {
            b.iter(|| {
                io::read(black_box(&path), None, &ReadOptions::default()).expect("valid file")
            })
        });
    }
    g.finish();

    // Writers, for completeness of the convert path.
    let m = io::read(&data("bqp/bqp1000_1.txt"), None, &ReadOptions::default()).expect("valid");
    let mut g = c.benchmark_group("write/bqp1000_1");
    for f in [Format::Qubo, Format::Coo, Format::Json] {
        g.bench_function(f.name(), |b| {
            b.iter(|| io::write_string(black_box(&m), f).expect("writable"))
        });
    }
    g.finish();
}

criterion_group!(benches, readers);
criterion_main!(benches);
