//! `quboflow generate cvrp`: a random CVRP instance as a CVRPLIB file.

use std::path::PathBuf;

use anyhow::Context;
use clap::{Args, Subcommand};

/// What to generate.
#[derive(Subcommand, Debug)]
pub(crate) enum GenerateCommand {
    /// A CVRP: customers uniform on a 1000×1000 grid, depot at the centre, demands 1–10,
    /// capacity ⌈total demand / --routes⌉ (EUC_2D distances).
    Cvrp(CvrpArgs),
}

#[derive(Args, Debug)]
pub(crate) struct CvrpArgs {
    /// Customers (the file has one node more: the depot).
    #[arg(long, default_value_t = 100)]
    customers: usize,
    /// Vehicles the capacity is sized for (about that many routes).
    #[arg(long, default_value_t = 10)]
    routes: usize,
    /// Seed; the same seed gives the same file everywhere.
    #[arg(long, default_value_t = 1)]
    seed: u64,
    /// Where to write the `.vrp` file.
    #[arg(short = 'o', long = "output", value_name = "FILE")]
    output: PathBuf,
}

pub(crate) fn run(cmd: &GenerateCommand, quiet: bool) -> anyhow::Result<()> {
    match cmd {
        GenerateCommand::Cvrp(a) => {
            let c = quboflow_problems::generate::random_cvrp(a.customers, a.routes, a.seed)?;
            std::fs::write(&a.output, c.to_vrp())
                .with_context(|| format!("{}: cannot write", a.output.display()))?;
            if !quiet {
                eprintln!(
                    "wrote {} ({} customers, capacity {})",
                    a.output.display(),
                    a.customers,
                    c.capacity
                );
            }
            Ok(())
        }
    }
}
