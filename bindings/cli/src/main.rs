//! `quboflow`: read QUBO and Max-Cut files, inspect, convert and solve them.

/// `println!` that ends the program quietly when stdout is closed (`quboflow … | head`)
/// instead of panicking on the broken pipe.
macro_rules! outln {
    ($($arg:tt)*) => {{
        use std::io::Write as _;
        let mut out = std::io::stdout().lock();
        if let Err(e) = writeln!(out, $($arg)*) {
            if e.kind() == std::io::ErrorKind::BrokenPipe {
                std::process::exit(0);
            }
            eprintln!("error: cannot write to stdout: {e}");
            std::process::exit(1);
        }
    }};
}

mod compare;
mod convert;
mod info;
mod input;
mod params;
mod problem;
mod progress;
mod qaoa;
mod solve;

use std::process::ExitCode;

use clap::{Parser, Subcommand};

/// quboflow: solve QUBO, Max-Cut and logistics problems classically and with QAOA, side by side.
#[derive(Parser, Debug)]
#[command(name = "quboflow", version, about, long_about = None)]
struct Cli {
    /// Worker threads (default: all cores). Results for a seed do not depend on it.
    #[arg(long, global = true, value_name = "N")]
    threads: Option<usize>,

    /// No progress bars or notes on stderr.
    #[arg(long, short, global = true)]
    quiet: bool,

    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand, Debug)]
enum Command {
    /// Size, density, coefficient ranges and detected format of a model file.
    Info(info::InfoArgs),
    /// Convert between the writable formats (qubo, coo, json).
    Convert(convert::ConvertArgs),
    /// Encode a TSPLIB, CVRPLIB or knapsack instance (or a Gset graph) as a QUBO file.
    Encode(problem::EncodeArgs),
    /// Solve a model and print the best solution (energy and native objective).
    Solve(Box<solve::SolveArgs>),
    /// Run several solvers on one instance and report them side by side (table, and
    /// --report FILE.{txt,md,csv,json,html}).
    Compare(Box<compare::CompareArgs>),
    /// QAOA on the statevector simulator: optimise angles, sample, evaluate ⟨C⟩ at given
    /// angles (--evaluate), export the circuit as OpenQASM (--qasm).
    Qaoa(Box<qaoa::QaoaArgs>),
}

fn run(cli: Cli) -> anyhow::Result<()> {
    if let Some(n) = cli.threads {
        if n == 0 {
            anyhow::bail!("--threads must be at least 1");
        }
        rayon::ThreadPoolBuilder::new()
            .num_threads(n)
            .build_global()
            .map_err(|e| anyhow::anyhow!("cannot start {n} threads: {e}"))?;
    }
    match cli.command {
        Command::Info(a) => info::run(&a),
        Command::Convert(a) => convert::run(&a, cli.quiet),
        Command::Encode(a) => problem::run_encode(&a, cli.quiet),
        Command::Solve(a) => solve::run(&a, cli.quiet),
        Command::Compare(a) => compare::run(&a, cli.quiet),
        Command::Qaoa(a) => qaoa::run(&a, cli.quiet),
    }
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    match run(cli) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            // One line, naming file and line where the error has them (parse errors do).
            let mut msg = e.to_string();
            for cause in e.chain().skip(1) {
                let c = cause.to_string();
                // quboflow's errors already include their source in the message.
                if !msg.contains(&c) {
                    msg.push_str(": ");
                    msg.push_str(&c);
                }
            }
            eprintln!("error: {}", msg.replace('\n', " "));
            ExitCode::FAILURE
        }
    }
}
