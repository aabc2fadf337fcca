//! The file named on the command line: how to read it and how to encode it.

use std::path::{Path, PathBuf};

use clap::Args;
use quboflow::io::Vartype;
use quboflow_problems::{Encoded, Encoding, FileFormat, Loaded, OpenOptions, Penalty};

use crate::choices;

/// The input file, its format, and (for instance files) the encoding.
#[derive(Args, Debug, Clone)]
pub(crate) struct InputArgs {
    /// Model or instance file: qbsolv .qubo, dimod COO, quboflow/dimod JSON, Beasley bqp,
    /// Gset, TSPLIB .tsp, CVRPLIB .vrp, knapsack (Ortega, or Pisinger `file.csv#name`).
    pub(crate) file: PathBuf,

    /// Input format: qubo, coo, json, bqp, gset, tsplib, cvrplib, knapsack (default: from the
    /// extension, else the content).
    #[arg(long, value_name = "FORMAT", value_parser = choices::formats())]
    pub(crate) format: Option<FileFormat>,

    /// Variable type of a COO file without a `# vartype=` header (COO files only).
    #[arg(long, value_name = "binary|spin")]
    pub(crate) vartype: Option<Vartype>,

    /// [instance files] Encoding: auto (the problem's exact default), tsp-position,
    /// cvrp-set-partitioning, cvrp-clusters, cvrp-route-pool, knapsack-log-slack, knapsack-unbalanced, maxcut
    /// (Gset).
    #[arg(long, value_name = "ENCODING", value_parser = choices::encodings())]
    pub(crate) encoding: Option<Encoding>,

    /// [instance files] Penalty weight A (default: the encoding's provably safe value).
    #[arg(long, value_name = "A", allow_negative_numbers = true)]
    pub(crate) penalty: Option<f64>,
}

impl InputArgs {
    /// Reads and encodes the file; says on stderr which format was chosen when the content
    /// left doubt.
    /// Reads the file without encoding it.
    pub(crate) fn read(&self) -> anyhow::Result<Loaded> {
        Ok(quboflow_problems::read(
            &self.file,
            self.format,
            self.vartype,
        )?)
    }

    pub(crate) fn open(&self, quiet: bool) -> anyhow::Result<Encoded> {
        Ok(self.open_loaded(quiet)?.1)
    }

    /// As [`InputArgs::open`], also returning the file as read (its instance, for baselines).
    pub(crate) fn open_loaded(&self, quiet: bool) -> anyhow::Result<(Loaded, Encoded)> {
        if let Some(a) = self.penalty
            && !(a.is_finite() && a > 0.0)
        {
            anyhow::bail!("--penalty must be a positive finite number, not {a}");
        }
        let options = OpenOptions {
            format: self.format,
            vartype: self.vartype,
            encoding: self.encoding.unwrap_or_default(),
            penalty: Penalty::from(self.penalty),
        };
        let loaded = quboflow_problems::read(&self.file, options.format, options.vartype)?;
        let enc = loaded.encode(options.encoding, options.penalty)?;
        if !quiet && let Some(note) = enc.source.as_ref().and_then(|s| s.format_note.as_ref()) {
            eprintln!("note: {note}");
        }
        Ok((loaded, enc))
    }
}

/// The output format implied by `--to` or the output file's extension.
pub(crate) fn output_format(
    path: &Path,
    to: Option<quboflow::io::Format>,
) -> anyhow::Result<quboflow::io::Format> {
    let f = match to.or_else(|| quboflow::io::Format::from_extension(path)) {
        Some(f) => f,
        None => anyhow::bail!(
            "{}: cannot tell the output format from the extension; pass --to qubo|coo|json",
            path.display()
        ),
    };
    if !f.writable() {
        anyhow::bail!(
            "{}: {f} is read-only; write qubo, coo or json",
            path.display()
        );
    }
    Ok(f)
}
