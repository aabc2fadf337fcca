//! Solver parameters as command-line flags, shared by `solve` and `compare`.

use std::path::{Path, PathBuf};

use anyhow::Context;
use clap::{Args, ValueEnum};
use quboflow::solvers::{
    BetaScheduleType, Exact, ParallelTempering, SimulatedAnnealing, SteepestDescent, Tabu,
};
use quboflow::{Constraints, Solver};

use crate::qaoa::QaoaOpts;
use crate::solve::{SolverKind, seconds};

/// Every solver's parameters; each flag names the solvers that take it.
#[derive(Args, Debug, Clone)]
pub(crate) struct SolverParams {
    /// [descent, sa, pt] Number of reads (default: 10, or one per initial state; pt: 1).
    #[arg(long)]
    pub(crate) num_reads: Option<usize>,

    /// [descent, sa] File of start states, one 0/1 string per line (first reads start there).
    #[arg(long, value_name = "FILE")]
    pub(crate) initial_states: Option<PathBuf>,

    /// [sa, pt] Sweeps per read (default 1000).
    #[arg(long)]
    pub(crate) num_sweeps: Option<usize>,

    /// [sa] Sweeps at each β (default 1; must divide --num-sweeps).
    #[arg(long)]
    pub(crate) num_sweeps_per_beta: Option<usize>,

    /// [sa, pt] β range as HOT,COLD (default: dwave-samplers' rule from the model).
    #[arg(long, value_name = "HOT,COLD", value_parser = parse_pair)]
    pub(crate) beta_range: Option<(f64, f64)>,

    /// [sa] geometric (default), linear or custom.
    #[arg(long, value_name = "TYPE")]
    pub(crate) beta_schedule_type: Option<BetaScheduleType>,

    /// [sa] The β values of a custom schedule, comma-separated.
    #[arg(long, value_name = "B1,B2,...", value_delimiter = ',')]
    pub(crate) beta_schedule: Option<Vec<f64>>,

    /// [pt] Number of replicas (temperatures) (default 32).
    #[arg(long)]
    pub(crate) num_replicas: Option<usize>,

    /// [tabu] Iterations a flipped variable stays tabu (default min(20, n/4); n/13 on models
    /// over 260 variables whose couplings all have one magnitude, e.g. Gset Max-Cut).
    #[arg(long)]
    pub(crate) tenure: Option<usize>,

    /// [tabu] Tabu phases per read: the first plus restarts (default 1000000).
    #[arg(long)]
    pub(crate) num_restarts: Option<usize>,

    /// [tabu] Iterations without improvement that end a phase (default clamp(20n, 2000, 100000)).
    #[arg(long)]
    pub(crate) max_stagnation: Option<usize>,

    /// [tabu] Budget per read in seconds (default: --time-limit, else 0.02 as in dwave-samplers).
    #[arg(long, value_name = "SECONDS")]
    pub(crate) timeout: Option<f64>,

    /// [exact] How many of the lowest-energy states to return (default 10).
    #[arg(long)]
    pub(crate) num_states: Option<usize>,

    /// [exact] Largest problem to enumerate, in variables (default 30, at most 62).
    #[arg(long)]
    pub(crate) max_num_vars: Option<usize>,

    /// [sa, tabu] Move set: auto (constraint-preserving for encoded logistics instances,
    /// single flips for plain QUBOs), single-flip, or constrained.
    #[arg(long, value_enum, default_value = "auto")]
    pub(crate) moves: Moves,

    #[command(flatten)]
    pub(crate) qaoa: QaoaOpts,
}

/// Move sets of the classical solvers.
#[derive(ValueEnum, Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Moves {
    /// Constraint-preserving for encoded logistics instances, single flips for plain QUBOs.
    Auto,
    /// Single-variable flips (penalties keep the constraints).
    SingleFlip,
    /// Swaps inside one-hot groups, row swaps and 2-opt reversals in permutations.
    Constrained,
}

impl SolverParams {
    /// Refuses flags that none of `solvers` takes, rather than ignoring them.
    pub(crate) fn check(&self, solvers: &[SolverKind]) -> anyhow::Result<()> {
        use SolverKind::*;
        let reads: &[SolverKind] = &[Descent, Sa, Pt, Tabu, Qaoa];
        if self.qaoa.any() && !solvers.contains(&Qaoa) {
            anyhow::bail!(
                "the QAOA flags (--p, --mixer, --init, --optimizer, ...) apply to --solver qaoa only"
            );
        }
        if solvers == [Qaoa] && self.initial_states.is_some() {
            anyhow::bail!("--initial-states applies to --solver descent, sa, pt, tabu only");
        }
        let flags: [(&str, bool, &[SolverKind]); 14] = [
            ("--num-reads", self.num_reads.is_some(), reads),
            ("--initial-states", self.initial_states.is_some(), reads),
            ("--num-replicas", self.num_replicas.is_some(), &[Pt]),
            ("--num-states", self.num_states.is_some(), &[Exact]),
            ("--max-num-vars", self.max_num_vars.is_some(), &[Exact]),
            ("--num-sweeps", self.num_sweeps.is_some(), &[Sa, Pt]),
            (
                "--num-sweeps-per-beta",
                self.num_sweeps_per_beta.is_some(),
                &[Sa],
            ),
            ("--beta-range", self.beta_range.is_some(), &[Sa, Pt]),
            (
                "--beta-schedule-type",
                self.beta_schedule_type.is_some(),
                &[Sa],
            ),
            ("--beta-schedule", self.beta_schedule.is_some(), &[Sa]),
            ("--tenure", self.tenure.is_some(), &[Tabu]),
            ("--num-restarts", self.num_restarts.is_some(), &[Tabu]),
            ("--max-stagnation", self.max_stagnation.is_some(), &[Tabu]),
            ("--timeout", self.timeout.is_some(), &[Tabu]),
        ];
        for (flag, set, owners) in flags {
            if set && !owners.iter().any(|o| solvers.contains(o)) {
                let names: Vec<String> = owners
                    .iter()
                    .filter_map(|o| o.to_possible_value().map(|v| v.get_name().to_string()))
                    .collect();
                anyhow::bail!("{flag} applies to --solver {} only", names.join(", "));
            }
        }
        Ok(())
    }

    fn initial_states(&self) -> anyhow::Result<Option<Vec<Vec<u8>>>> {
        self.initial_states.as_deref().map(read_states).transpose()
    }

    /// The solver `kind` with these parameters; `constraints` (of an encoded instance) turn
    /// on constraint-preserving moves unless `--moves single-flip`.
    pub(crate) fn build(
        &self,
        kind: SolverKind,
        constraints: Option<&Constraints>,
    ) -> anyhow::Result<Box<dyn Solver>> {
        let moves = match (self.moves, constraints) {
            (Moves::SingleFlip, _) | (Moves::Auto, None) => None,
            (_, c) => c.cloned(),
        };
        Ok(match kind {
            SolverKind::Exact => {
                let d = Exact::default();
                Box::new(Exact {
                    num_states: self.num_states.unwrap_or(d.num_states),
                    max_num_vars: self.max_num_vars.unwrap_or(d.max_num_vars),
                })
            }
            SolverKind::Descent => Box::new(SteepestDescent {
                num_reads: self.num_reads,
                initial_states: self.initial_states()?,
            }),
            SolverKind::Sa => {
                let d = SimulatedAnnealing::default();
                let kind = self
                    .beta_schedule_type
                    .unwrap_or(if self.beta_schedule.is_some() {
                        BetaScheduleType::Custom
                    } else {
                        d.beta_schedule_type
                    });
                Box::new(SimulatedAnnealing {
                    num_reads: self.num_reads,
                    num_sweeps: self.num_sweeps.unwrap_or(d.num_sweeps),
                    num_sweeps_per_beta: self.num_sweeps_per_beta.unwrap_or(d.num_sweeps_per_beta),
                    beta_range: self.beta_range,
                    beta_schedule_type: kind,
                    beta_schedule: self.beta_schedule.clone(),
                    initial_states: self.initial_states()?,
                    constraints: moves,
                })
            }
            SolverKind::Tabu => {
                let d = Tabu::default();
                Box::new(Tabu {
                    num_reads: self.num_reads,
                    tenure: self.tenure,
                    num_restarts: self.num_restarts.unwrap_or(d.num_restarts),
                    max_stagnation: self.max_stagnation,
                    timeout: self.timeout.map(seconds).transpose()?,
                    initial_states: self.initial_states()?,
                    constraints: moves,
                })
            }
            SolverKind::Qaoa => {
                let mut q = self.qaoa.solver(self.num_reads)?;
                q.constraints = constraints.cloned();
                Box::new(q)
            }
            SolverKind::Pt => {
                let d = ParallelTempering::default();
                Box::new(ParallelTempering {
                    num_reads: self.num_reads.unwrap_or(d.num_reads),
                    num_replicas: self.num_replicas.unwrap_or(d.num_replicas),
                    num_sweeps: self.num_sweeps.unwrap_or(d.num_sweeps),
                    beta_range: self.beta_range,
                    initial_states: self.initial_states()?,
                })
            }
        })
    }
}

/// Parses `A,B` into a pair of numbers.
fn parse_pair(s: &str) -> Result<(f64, f64), String> {
    let parts: Vec<&str> = s.split(',').map(str::trim).collect();
    match parts.as_slice() {
        [a, b] => match (a.parse::<f64>(), b.parse::<f64>()) {
            (Ok(a), Ok(b)) => Ok((a, b)),
            _ => Err(format!("expected two numbers HOT,COLD, found {s:?}")),
        },
        _ => Err(format!("expected two numbers HOT,COLD, found {s:?}")),
    }
}

/// Reads start states: one string of 0/1 per line, blank lines and `#` comments skipped.
fn read_states(path: &Path) -> anyhow::Result<Vec<Vec<u8>>> {
    let text = std::fs::read_to_string(path).with_context(|| path.display().to_string())?;
    let mut out = Vec::new();
    for (k, line) in text.lines().enumerate() {
        let t = line.trim();
        if t.is_empty() || t.starts_with('#') {
            continue;
        }
        let state = t
            .bytes()
            .filter(|b| !b.is_ascii_whitespace() && *b != b',')
            .map(|b| match b {
                b'0' => Ok(0u8),
                b'1' => Ok(1u8),
                _ => Err(anyhow::anyhow!(
                    "{}:{}: expected a state of 0/1 characters, found {:?}",
                    path.display(),
                    k + 1,
                    b as char
                )),
            })
            .collect::<anyhow::Result<Vec<u8>>>()?;
        out.push(state);
    }
    Ok(out)
}
