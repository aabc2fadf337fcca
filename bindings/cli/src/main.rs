//! `quboflow`: read QUBO, Max-Cut and logistics files; inspect, encode, convert, solve and
//! compare. Every step is a library call (`quboflow_problems::open`, `quboflow_runtime::build`,
//! `Encoded::assess`, `quboflow::compare`); this crate parses arguments and prints.

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

mod choices;
mod compare;
mod convert;
mod doc;
mod generate;
mod info;
mod input;
mod params;
mod parity;
mod pool;
mod progress;
mod qaoa;
mod solve;
mod suite;

use std::process::ExitCode;

use clap::error::ErrorKind;
use clap::{CommandFactory, FromArgMatches, Parser, Subcommand};
use quboflow_runtime::{PARAMETERS, SolverKind};

/// quboflow: solve QUBO, Max-Cut and logistics problems classically and with QAOA, side by side.
#[derive(Parser, Debug)]
#[command(name = "quboflow", version, about, long_about = None)]
struct Cli {
    /// Worker threads, 1 to 1024 (default: all cores). Results for a seed do not depend on it.
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
    /// Format, size, density, coefficient ranges, objective and constraints of a file (an
    /// instance file is shown encoded).
    Info(info::InfoArgs),
    /// Write any readable file as qbsolv, COO or JSON (an instance file is encoded first).
    Convert(convert::ConvertArgs),
    /// Encode a TSPLIB, CVRPLIB or knapsack instance (or a Gset graph) as a QUBO file.
    Encode(convert::EncodeArgs),
    /// Solve a file with one solver and print the best solution in native terms.
    Solve(Box<solve::SolveArgs>),
    /// Run several solvers on one file and report them side by side (table, and
    /// --report FILE.{txt,md,csv,json,html}).
    Compare(Box<compare::CompareArgs>),
    /// QAOA on the statevector simulator, IonQ (--backend ionq:…) or a noise model: optimise
    /// angles and sample, evaluate ⟨C⟩ at given angles (--evaluate), export the circuit as
    /// OpenQASM (--qasm).
    Qaoa(Box<qaoa::QaoaArgs>),
    /// Run one circuit on several backends (statevector, ionq:…, noise:…) and check their
    /// distributions agree: TVD against the shot-noise bound, ⟨C⟩ differences with 99 %
    /// intervals, pass/fail (exit status 1 on a failure).
    Parity(Box<parity::ParityArgs>),
    /// Serve a loopback emulator of the IonQ API (for --ionq-url): the same routes and JSON,
    /// circuits run on the local simulator; stops by itself when idle.
    IonqEmulator(parity::EmulatorArgs),
    /// Benchmark suites: run many instances × solvers × parameters × seeds (whole or one
    /// --shard K/N), resumable, one JSON Lines record per run; report across instances;
    /// verify records by re-running them.
    Suite(Box<suite::SuiteArgs>),
    /// Generate instances: `generate cvrp --customers 100 --routes 10 --seed S -o FILE.vrp`.
    #[command(subcommand)]
    Generate(generate::GenerateCommand),
}

fn run(cli: Cli) -> anyhow::Result<()> {
    quboflow_runtime::thread_pool(cli.threads).map_err(params::cli_error)?;
    match cli.command {
        Command::Info(a) => info::run(&a, cli.quiet),
        Command::Convert(a) => convert::run(&a.input, &a.output, a.to, cli.quiet),
        Command::Encode(a) => convert::run(&a.input, &a.output, a.to, cli.quiet),
        Command::Solve(a) => solve::run(&a, cli.quiet),
        Command::Compare(a) => compare::run(&a, cli.quiet),
        Command::Qaoa(a) => qaoa::run(&a, cli.quiet),
        Command::Parity(a) => parity::run(&a, cli.quiet),
        Command::IonqEmulator(a) => parity::emulator(&a),
        Command::Suite(a) => suite::run(&a, cli.quiet),
        Command::Generate(g) => generate::run(&g, cli.quiet),
    }
}

/// The parameter names that are command-line flags.
fn is_flag(name: &str) -> bool {
    matches!(
        name,
        "vartype" | "penalty" | "encoding" | "repair" | "report" | "repeats" | "reference"
    ) || quboflow_runtime::PARAMETERS.iter().any(|p| p.name == name)
}

/// An error about a flag's value, in flag words (`--penalty: …`), with the file it concerns.
fn flag_message(e: &anyhow::Error) -> Option<String> {
    use quboflow_problems::Error as P;
    let core = |c: &quboflow::Error| match c.root() {
        quboflow::Error::InvalidParameter { name, reason } if is_flag(name) => {
            Some(format!("{}: {reason}", params::as_flag(name)))
        }
        _ => None,
    };
    fn problem(p: &P, core: &dyn Fn(&quboflow::Error) -> Option<String>) -> Option<String> {
        match p {
            P::Invalid { what, reason } if is_flag(what) => {
                Some(format!("{}: {reason}", params::as_flag(what)))
            }
            P::Core(c) => core(c),
            P::File { path, source } => {
                problem(source, core).map(|m| format!("{}: {m}", path.display()))
            }
            _ => None,
        }
    }
    if let Some(c) = e.downcast_ref::<quboflow::Error>() {
        return core(c);
    }
    e.downcast_ref::<P>().and_then(|p| problem(p, &core))
}

/// One line for any error: the message (which names file, line and column where it has
/// them), then each cause not already in it; parameters named as their flags.
fn one_line(e: &anyhow::Error) -> String {
    let msg = match flag_message(e) {
        Some(m) => m,
        None => {
            let mut msg = e.to_string();
            for cause in e.chain().skip(1) {
                let c = cause.to_string();
                if !msg.contains(&c) {
                    msg.push_str(": ");
                    msg.push_str(&c);
                }
            }
            msg
        }
    };
    msg.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// A command-line usage error on one line: clap's message (with the lines it continues on,
/// such as the missing arguments), its tip, then where to look.
fn usage_line(e: &clap::Error) -> String {
    let text = e.to_string();
    let lines: Vec<&str> = text
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with("Usage:") && !l.starts_with("For more"))
        .collect();
    let (tips, message): (Vec<&str>, Vec<&str>) = lines.iter().partition(|l| l.starts_with("tip:"));
    let message = message.join(" ");
    let message = message.trim_start_matches("error: ");
    let message = if message.is_empty() {
        "invalid arguments"
    } else {
        message
    };
    if tips.is_empty() {
        format!("{message} (see --help)")
    } else {
        format!("{message} ({}; see --help)", tips.join("; "))
    }
}

/// The command line. `qaoa` shares the solver flags of `solve` and `compare`, but the
/// classical solvers' ones mean nothing there: its help leaves them out (given anyway, they
/// are refused by name). Which they are comes from the registry, not from a list here.
fn command() -> clap::Command {
    Cli::command().mut_subcommand("qaoa", |mut qaoa| {
        for p in PARAMETERS
            .iter()
            .filter(|p| !p.solvers.contains(&SolverKind::Qaoa))
        {
            qaoa = qaoa.mut_arg(p.name, |a| a.hide(true));
        }
        qaoa
    })
}

fn main() -> ExitCode {
    let parsed = command()
        .try_get_matches()
        .and_then(|m| Cli::from_arg_matches(&m));
    let cli = match parsed {
        Ok(cli) => cli,
        Err(e)
            if matches!(
                e.kind(),
                ErrorKind::DisplayHelp
                    | ErrorKind::DisplayVersion
                    | ErrorKind::DisplayHelpOnMissingArgumentOrSubcommand
            ) =>
        {
            e.exit()
        }
        Err(e) => {
            eprintln!("error: {}", usage_line(&e));
            return ExitCode::from(2);
        }
    };
    match run(cli) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {}", one_line(&e));
            ExitCode::FAILURE
        }
    }
}
