//! The JSON document every `--json` output shares (DESIGN §7; schema in
//! `bindings/cli/schema/result.schema.json`).

use std::path::Path;

use anyhow::Context;
use quboflow::{SampleSet, Timing};
use quboflow_problems::{Decoded, Encoded, Outcome};
use serde_json::{Value, json};

/// What the file is and how it was read and encoded: the fields every JSON output (result
/// documents and `info`) starts with.
pub(crate) fn instance(enc: &Encoded) -> Value {
    let src = enc.source.as_ref();
    json!({
        "instance": src.map(|s| s.path.display().to_string()),
        "name": enc.name(),
        "format": src.map(|s| s.format.name()),
        "format_detected_by": src.map(|s| s.detected_by),
        "format_note": src.and_then(|s| s.format_note.clone()),
        "problem": enc.decoder.problem(),
        "encoding": enc.encoding,
        "num_variables": enc.qubo.num_vars(),
        "num_interactions": enc.qubo.num_interactions(),
        "objective": {"name": enc.decoder.objective_name(), "sense": enc.decoder.sense()},
    })
}

/// The fields of every result document: the instance and how it was read, the solver, its
/// parameters, seed, timings and version. `best` is filled by the caller.
pub(crate) fn common(
    enc: &Encoded,
    solver: &str,
    params: &Value,
    seed: u64,
    timing: &Timing,
    total_s: f64,
) -> Value {
    let src = enc.source.as_ref();
    let mut doc = instance(enc);
    doc["solver"] = json!(solver);
    doc["best"] = Value::Null;
    doc["timing"] = json!({
        "total_s": total_s,
        "read_s": src.map_or(0.0, |s| s.read_s),
        "encode_s": src.map_or(0.0, |s| s.encode_s),
        "preprocessing_s": timing.preprocessing_ns as f64 * 1e-9,
        "sampling_s": timing.sampling_ns as f64 * 1e-9,
        "postprocessing_s": timing.postprocessing_ns as f64 * 1e-9,
    });
    doc["params"] = params.clone();
    doc["seed"] = json!(seed);
    doc["threads"] = json!(rayon::current_num_threads());
    doc["version"] = json!(quboflow::VERSION);
    doc
}

/// A decoded read: its energy, native objective, feasibility, bitstring and solution (with
/// the file's own labels), and what it violates.
pub(crate) fn read(d: &Decoded, energy: f64, sample: &[u8]) -> Value {
    json!({
        "energy": energy,
        "objective": d.objective,
        "feasible": d.feasible,
        "sample": sample,
        "solution": d.solution.labelled(),
        "violations": d.violations,
    })
}

/// The result document of a sampling run: the common fields, the best raw-feasible read (or
/// the lowest-energy one when none was feasible), reference and gap, feasible fraction, the
/// flagged repair, and the solver's own report under its name.
pub(crate) fn result(enc: &Encoded, ss: &SampleSet, out: &Outcome, total_s: f64) -> Value {
    let mut doc = common(
        enc,
        &ss.info.solver,
        &ss.info.params,
        ss.info.seed,
        &ss.info.timing,
        total_s,
    );
    let a = &out.assessment;
    doc["best"] = match (&out.best, &a.best_feasible) {
        (Some(d), Some(b)) => read(d, b.energy, &b.sample),
        _ => read(&out.lowest, a.best_energy, &a.lowest_sample),
    };
    doc["reference"] = json!(out.reference);
    doc["gap_percent"] = json!(out.gap_percent);
    doc["raw_feasible_fraction"] = json!(a.feasible_fraction);
    doc["repaired"] = match &out.repaired {
        Some(d) => json!({
            "flag": "repaired (not a raw QUBO result)",
            "objective": d.objective,
            "feasible": d.feasible,
            "solution": d.solution.labelled(),
            "steps": d.repair_steps,
        }),
        None => Value::Null,
    };
    doc["termination"] = json!(ss.info.termination);
    doc["num_reads"] = json!(a.num_reads);
    doc["num_distinct"] = json!(ss.len());
    doc["counters"] = json!(ss.info.counters);
    doc["encoded"] = json!({
        "penalties": enc.penalties,
        "offset": enc.offset,
        "energy_meaning": enc.energy_meaning,
        "details": enc.details,
    });
    if !ss.info.extra.is_null() {
        doc[ss.info.solver.as_str()] = ss.info.extra.clone();
    }
    doc
}

/// Writes `doc` plus the whole sample set to `out` (`-o FILE`), if given.
pub(crate) fn write_output(out: Option<&Path>, doc: &Value, ss: &SampleSet) -> anyhow::Result<()> {
    if let Some(out) = out {
        let mut full = doc.clone();
        full["sampleset"] = serde_json::to_value(ss)?;
        std::fs::write(out, format!("{full}\n")).with_context(|| out.display().to_string())?;
    }
    Ok(())
}
