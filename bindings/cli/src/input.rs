//! Reading the model file named on the command line.

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use clap::Args;
use quboflow::io::{self, Format, Model, ReadOptions, Vartype};

/// The input file and how to read it.
#[derive(Args, Debug, Clone)]
pub(crate) struct InputArgs {
    /// Model file: qbsolv .qubo, dimod COO, quboflow/dimod JSON, Beasley bqp or Gset; or a
    /// logistics instance (TSPLIB .tsp, CVRPLIB .vrp, knapsack; Pisinger `file.csv#name`).
    pub(crate) file: PathBuf,

    /// Input format (default: detected from the extension and content).
    #[arg(long, value_name = "FORMAT")]
    pub(crate) format: Option<Format>,

    /// Variable type of a COO file without a `# vartype=` header.
    #[arg(long, value_name = "binary|spin")]
    pub(crate) vartype: Option<Vartype>,
}

impl InputArgs {
    /// Reads the model; returns it with the time reading took.
    pub(crate) fn load(&self) -> anyhow::Result<(Model, Duration)> {
        let t0 = Instant::now();
        let opts = ReadOptions {
            vartype: self.vartype,
        };
        let model = io::read(&self.file, self.format, &opts)?;
        Ok((model, t0.elapsed()))
    }

    /// Whether the format was detected rather than given.
    pub(crate) fn detected(&self) -> bool {
        self.format.is_none()
    }
}

/// The output format implied by `--to` or the output file's extension.
pub(crate) fn output_format(path: &Path, to: Option<Format>) -> anyhow::Result<Format> {
    let f = match to.or_else(|| Format::from_extension(path)) {
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
