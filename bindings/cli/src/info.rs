//! `quboflow info`: what a file holds, as read and encoded.

use clap::Args;
use quboflow_problems::Encoded;
use serde_json::{Value, json};

use crate::input::InputArgs;

/// Arguments of `quboflow info`.
#[derive(Args, Debug)]
pub(crate) struct InfoArgs {
    #[command(flatten)]
    input: InputArgs,

    /// Print one JSON document instead of a table.
    #[arg(long)]
    json: bool,
}

/// Counts of the constraint rules a model carries.
fn constraints_json(enc: &Encoded) -> serde_json::Value {
    let c = enc.constraints();
    json!({
        "one_hot": c.one_hot.len(),
        "k_hot": c.k_hot.len(),
        "permutations": c.permutations.len(),
        "set_partition": c.set_partition.len(),
        "capacities": c.capacities.len(),
        "slack_blocks": c.slack.len(),
    })
}

pub(crate) fn run(a: &InfoArgs, quiet: bool) -> anyhow::Result<()> {
    let enc = a.input.open(quiet)?;
    let q = &enc.qubo;
    let src = enc.source.as_ref();
    let range = |r: Option<(f64, f64)>| r.map(|(lo, hi)| json!([lo, hi]));
    let mut doc = crate::doc::instance(&enc);
    let extra = json!({
        "penalties": enc.penalties,
        "density": q.density(),
        "linear_range": range(q.linear_range()),
        "quadratic_range": range(q.quadratic_range()),
        "offset": q.offset(),
        "energy_bound": q.energy_bound(),
        "constraints": constraints_json(&enc),
        "reference": enc.reference(),
        "timing": {"read_s": src.map_or(0.0, |s| s.read_s), "encode_s": src.map_or(0.0, |s| s.encode_s)},
        "version": quboflow::VERSION,
    });
    if let (Some(d), Value::Object(e)) = (doc.as_object_mut(), extra) {
        d.extend(e);
    }
    if a.json {
        outln!("{doc}");
        return Ok(());
    }
    let fmt_range = |r: Option<(f64, f64)>| match r {
        Some((lo, hi)) => format!("[{lo}, {hi}]"),
        None => "none".into(),
    };
    if let Some(s) = src {
        outln!("file          {}", s.path.display());
        outln!("format        {} ({})", s.format, s.detected_by);
    }
    outln!("name          {}", enc.name());
    outln!("problem       {}", enc.decoder.problem());
    if enc.encoding != "none" {
        outln!(
            "encoding      {} (penalties {})",
            enc.encoding,
            enc.penalties
        );
    }
    outln!("variables     {}", q.num_vars());
    outln!("interactions  {}", q.num_interactions());
    outln!("density       {:.4} %", 100.0 * q.density());
    outln!("linear        {}", fmt_range(q.linear_range()));
    outln!("quadratic     {}", fmt_range(q.quadratic_range()));
    outln!("offset        {}", q.offset());
    outln!(
        "objective     {} ({})",
        enc.decoder.objective_name(),
        enc.decoder.sense()
    );
    if enc.constraints().has_structure() {
        outln!("constraints   {}", constraints_json(&enc));
    }
    if let Some(r) = enc.reference() {
        outln!(
            "reference     {} {} ({})",
            r.kind.label(),
            r.value,
            r.source
        );
    }
    if let Some(s) = src {
        outln!(
            "read in       {:.3} ms (+ {:.3} ms encoding)",
            s.read_s * 1e3,
            s.encode_s * 1e3
        );
    }
    Ok(())
}
