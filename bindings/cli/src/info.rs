//! `quboflow info`: what a model file holds.

use clap::Args;
use serde_json::json;

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

pub(crate) fn run(a: &InfoArgs) -> anyhow::Result<()> {
    let (m, read_time) = a.input.load()?;
    let q = &m.qubo;
    let range = |r: Option<(f64, f64)>| r.map(|(lo, hi)| json!([lo, hi]));
    let doc = json!({
        "instance": a.input.file.display().to_string(),
        "format": m.format.name(),
        "format_detected": a.input.detected(),
        "num_variables": q.num_vars(),
        "num_interactions": q.num_interactions(),
        "density": q.density(),
        "linear_range": range(q.linear_range()),
        "quadratic_range": range(q.quadratic_range()),
        "offset": q.offset(),
        "objective": {"name": m.objective.name, "sense": m.objective.sense,
                      "scale": m.objective.scale, "shift": m.objective.shift},
        "read_s": read_time.as_secs_f64(),
        "version": quboflow::VERSION,
    });
    if a.json {
        outln!("{doc}");
        return Ok(());
    }
    let fmt_range = |r: Option<(f64, f64)>| match r {
        Some((lo, hi)) => format!("[{lo}, {hi}]"),
        None => "none".into(),
    };
    let how = if a.input.detected() {
        "detected"
    } else {
        "given"
    };
    outln!("file          {}", a.input.file.display());
    outln!("format        {} ({how})", m.format);
    outln!("variables     {}", q.num_vars());
    outln!("interactions  {}", q.num_interactions());
    outln!("density       {:.4} %", 100.0 * q.density());
    outln!("linear        {}", fmt_range(q.linear_range()));
    outln!("quadratic     {}", fmt_range(q.quadratic_range()));
    outln!("offset        {}", q.offset());
    if m.objective.is_energy() {
        outln!("objective     energy (minimize)");
    } else {
        outln!(
            "objective     {} ({}) = {} x energy + {}",
            m.objective.name,
            m.objective.sense,
            m.objective.scale,
            m.objective.shift
        );
    }
    outln!("read in       {:.3} ms", read_time.as_secs_f64() * 1e3);
    Ok(())
}
