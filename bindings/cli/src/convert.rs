//! `quboflow convert`: between qbsolv, COO and JSON.

use std::path::PathBuf;

use clap::Args;
use quboflow::io::{self, Format};

use crate::input::{InputArgs, output_format};

/// Arguments of `quboflow convert`.
#[derive(Args, Debug)]
pub(crate) struct ConvertArgs {
    #[command(flatten)]
    input: InputArgs,

    /// Output file.
    output: PathBuf,

    /// Output format (default: from the output file's extension).
    #[arg(long, value_name = "qubo|coo|json")]
    to: Option<Format>,
}

pub(crate) fn run(a: &ConvertArgs, quiet: bool) -> anyhow::Result<()> {
    let (m, _) = a.input.load()?;
    let to = output_format(&a.output, a.to)?;
    if !quiet && !m.objective.is_energy() && to != Format::Json {
        eprintln!(
            "note: {to} files hold the minimisation energy only; the {} ({}) of the input is not stored (convert to .json to keep it)",
            m.objective.name, m.objective.sense
        );
    }
    io::write(&m, &a.output, to)?;
    if !quiet {
        eprintln!(
            "wrote {} ({to}, {} variables, {} interactions)",
            a.output.display(),
            m.qubo.num_vars(),
            m.qubo.num_interactions()
        );
    }
    Ok(())
}
