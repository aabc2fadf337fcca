//! `quboflow convert` and `quboflow encode`: any readable file, encoded, written as qbsolv,
//! COO or JSON (JSON keeps the objective and the constraints).

use std::path::{Path, PathBuf};

use clap::Args;
use quboflow::io::{self, Format, Model};

use crate::input::{InputArgs, output_format};

/// Arguments of `quboflow convert`.
#[derive(Args, Debug)]
pub(crate) struct ConvertArgs {
    #[command(flatten)]
    pub(crate) input: InputArgs,

    /// Output file.
    pub(crate) output: PathBuf,

    /// Output format (default: from the output file's extension).
    #[arg(long, value_name = "qubo|coo|json")]
    pub(crate) to: Option<Format>,
}

/// Arguments of `quboflow encode`.
#[derive(Args, Debug)]
pub(crate) struct EncodeArgs {
    #[command(flatten)]
    pub(crate) input: InputArgs,

    /// Output QUBO file (.qubo, .coo or .json; JSON also keeps the objective and the one-hot
    /// groups, so XY mixers and constraint-preserving moves work from it).
    #[arg(short = 'o', long = "output", value_name = "FILE")]
    pub(crate) output: PathBuf,

    /// Output format (default: from the extension).
    #[arg(long, value_name = "qubo|coo|json")]
    pub(crate) to: Option<Format>,
}

/// `convert` and `encode` do the same (they differ in how the output is named): reads and
/// encodes the input, then writes the model; says what a qbsolv or COO file cannot keep.
pub(crate) fn run(
    input: &InputArgs,
    output: &Path,
    to: Option<Format>,
    quiet: bool,
) -> anyhow::Result<()> {
    let to = output_format(output, to)?;
    let enc = input.open(quiet)?;
    let objective = enc.objective();
    if !quiet && to != Format::Json {
        if !objective.is_energy() {
            eprintln!(
                "note: {to} files hold the minimisation energy only; the {} ({}) is not stored (write .json to keep it)",
                objective.name, objective.sense
            );
        }
        if enc.constraints().has_structure() {
            eprintln!(
                "note: {to} files cannot hold the encoding's constraints (one-hot groups, …); write .json to keep them"
            );
        }
    }
    let model = Model {
        qubo: (*enc.qubo).clone(),
        objective,
        format: to,
        format_note: None,
    };
    io::write(&model, output, to)?;
    if !quiet {
        eprintln!(
            "wrote {} ({to}; {}{} variables, {} interactions, offset {})",
            output.display(),
            if enc.encoding == "none" {
                String::new()
            } else {
                format!("{} with penalties {}, ", enc.encoding, enc.penalties)
            },
            enc.qubo.num_vars(),
            enc.qubo.num_interactions(),
            enc.qubo.offset()
        );
    }
    Ok(())
}
