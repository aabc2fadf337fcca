//! Solver parameters as command-line flags, shared by `solve`, `compare` and `qaoa`; the
//! solvers themselves come from the library registry (`quboflow_runtime::build`).

use std::path::{Path, PathBuf};

use anyhow::Context;
use clap::Args;
use quboflow::Solver;
use quboflow_runtime::{Params, SolverKind, build, check_applies};
use serde_json::{Value, json};

/// Every solver's parameters; each flag names the solvers that take it. A flag none of the
/// chosen solvers takes is an error.
#[derive(Args, Debug, Clone, Default)]
pub(crate) struct SolverParams {
    /// [descent, sa, pt, tabu, qaoa, hybrid] Reads; for qaoa the shots drawn from the final
    /// state (alias --shots). Default 10 (descent, sa), 1 (pt, tabu, hybrid), 1000 (qaoa), or
    /// one per initial state.
    #[arg(long, visible_alias = "shots", value_name = "N")]
    pub(crate) num_reads: Option<usize>,

    /// [descent, sa, pt, tabu, hybrid] File of start states, one 0/1 string per line (the first reads
    /// start there).
    #[arg(long, value_name = "FILE")]
    pub(crate) initial_states: Option<PathBuf>,

    /// [sa, pt] Sweeps per read (default 1000; sa with --time-limit: as many as fit, at most
    /// 1000).
    #[arg(long, value_name = "N")]
    pub(crate) num_sweeps: Option<usize>,

    /// [sa] Sweeps at each β (default 1; must divide --num-sweeps).
    #[arg(long, value_name = "N")]
    pub(crate) num_sweeps_per_beta: Option<usize>,

    /// [sa, pt] β range as HOT,COLD with HOT ≤ COLD (default: dwave-samplers' rule from the
    /// model).
    #[arg(long, value_name = "HOT,COLD", value_parser = parse_pair, allow_negative_numbers = true)]
    pub(crate) beta_range: Option<(f64, f64)>,

    /// [sa] geometric (default), linear or custom (custom needs --beta-schedule).
    #[arg(long, value_name = "TYPE")]
    pub(crate) beta_schedule_type: Option<String>,

    /// [sa] The β values of a custom schedule, comma-separated (implies custom; the run has
    /// one sweep block per value).
    #[arg(
        long,
        value_name = "B1,B2,...",
        value_delimiter = ',',
        allow_negative_numbers = true
    )]
    pub(crate) beta_schedule: Option<Vec<f64>>,

    /// [pt] Replicas (temperatures) (default 32).
    #[arg(long, value_name = "N")]
    pub(crate) num_replicas: Option<usize>,

    /// [tabu] Iterations a flipped variable stays tabu (default min(20, n/4); n/13 on models
    /// over 260 variables whose couplings all have one magnitude, e.g. Gset Max-Cut).
    #[arg(long, value_name = "N")]
    pub(crate) tenure: Option<usize>,

    /// [tabu] Tabu phases per read, the first plus restarts; a read ends when they are spent,
    /// even within a time limit (default 1000000).
    #[arg(long, value_name = "N")]
    pub(crate) num_restarts: Option<usize>,

    /// [tabu] Phases in a row without a new best after which a read ends, its restarts spent
    /// (default 10000).
    #[arg(long, value_name = "N")]
    pub(crate) max_stale_restarts: Option<usize>,

    /// [tabu] Iterations without improvement that end a phase (default clamp(20n, 2000,
    /// 100000)).
    #[arg(long, value_name = "N")]
    pub(crate) max_stagnation: Option<usize>,

    /// [tabu] Budget per read in seconds (default: --time-limit, else 0.02 as in
    /// dwave-samplers).
    #[arg(long, value_name = "SECONDS", allow_negative_numbers = true)]
    pub(crate) timeout: Option<f64>,

    /// [exact] How many of the lowest-energy states to return (default 10).
    #[arg(long, value_name = "N")]
    pub(crate) num_states: Option<usize>,

    /// [exact] Largest problem to enumerate, in variables (default 30, at most 62).
    #[arg(long, value_name = "N")]
    pub(crate) max_num_vars: Option<usize>,

    /// [sa, pt, tabu, hybrid] Move set: auto (constraint-preserving on models that carry
    /// constraints — encoded instances — single flips otherwise), single-flip, or constrained
    /// (hybrid: its outer search's).
    #[arg(long, value_name = "MOVES")]
    pub(crate) moves: Option<String>,

    /// [hybrid] The solvers sub-problems go to, in turn, comma-separated: exact (default),
    /// descent, sa, pt, tabu, qaoa or qaoa@BACKEND.
    #[arg(long, value_name = "SOLVERS")]
    pub(crate) sub_solver: Option<String>,

    /// [hybrid] The sub-solvers' parameters as a JSON object, e.g. '{"p": 2, "max_evals": 50}'
    /// (each goes to the sub-solvers that take it; defaults: sa and pt 200 sweeps, tabu 10
    /// restarts).
    #[arg(long, value_name = "JSON")]
    pub(crate) sub_params: Option<String>,

    /// [hybrid] Variables per sub-problem (default 16; keep ≤ 20 for qaoa).
    #[arg(long, value_name = "K")]
    pub(crate) sub_size: Option<usize>,

    /// [hybrid] Tabu phases of each outer-search call on the whole model; 0 runs the
    /// decomposition alone (default 4).
    #[arg(long, value_name = "N")]
    pub(crate) outer_restarts: Option<usize>,

    /// [hybrid] Seconds per outer-search call (default: a tenth of --time-limit; none without
    /// one).
    #[arg(long, value_name = "SECONDS")]
    pub(crate) outer_timeout: Option<f64>,

    /// [hybrid] Rounds in a row without a new best after which a read ends (default 10).
    #[arg(long, value_name = "N")]
    pub(crate) convergence: Option<usize>,

    /// [hybrid] Most rounds per read (default: until convergence or the time limit).
    #[arg(long, value_name = "N")]
    pub(crate) max_iter: Option<usize>,

    /// [hybrid] How sub-problems are chosen: auto (structure and energy impact in turn on
    /// encoded models), energy-impact or structure.
    #[arg(long, value_name = "DECOMPOSER")]
    pub(crate) decomposer: Option<String>,

    /// [qaoa] Layers p, 1 to 10000 (default 1).
    #[arg(long = "p", value_name = "P")]
    pub(crate) p: Option<usize>,

    /// [qaoa] Mixer: x (default), xy-ring, xy-complete (XY needs one-hot groups: an encoded
    /// instance, or a JSON file written by `encode`).
    #[arg(long, value_name = "MIXER")]
    pub(crate) mixer: Option<String>,

    /// [qaoa] Start state: auto (|+⟩, Dicke states for XY mixers) or basis (a feasible basis
    /// state, which exported circuits prepare with X gates).
    #[arg(long, value_name = "STATE")]
    pub(crate) initial_state: Option<String>,

    /// [qaoa] Initial angles: auto (fixed angles on regular Max-Cut, else ramp), ramp, fixed,
    /// interp, fourier, random.
    #[arg(long, value_name = "INIT")]
    pub(crate) init: Option<String>,

    /// [qaoa] Starts of --init random (default 4).
    #[arg(long, value_name = "N")]
    pub(crate) num_starts: Option<usize>,

    /// [qaoa] Optimiser: lbfgs (default, exact adjoint gradient), nelder-mead, cobyla, spsa.
    #[arg(long, value_name = "OPTIMIZER")]
    pub(crate) optimizer: Option<String>,

    /// [qaoa] Evaluations of ⟨C⟩ per optimisation (default 200; 0 samples at the initial
    /// angles without optimising).
    #[arg(long, value_name = "N")]
    pub(crate) max_evals: Option<usize>,

    /// [qaoa] complex128 (default) or complex64.
    #[arg(long, value_name = "PRECISION")]
    pub(crate) precision: Option<String>,

    /// [qaoa] Angles γ1,..,γp,β1,..,βp used as given (no optimisation).
    #[arg(
        long,
        value_name = "G1,..,GP,B1,..,BP",
        value_delimiter = ',',
        allow_hyphen_values = true
    )]
    pub(crate) angles: Option<Vec<f64>>,

    /// [qaoa] Angles γ1,..,γp,β1,..,βp where the optimisation starts (instead of --init).
    #[arg(
        long,
        value_name = "G1,..,GP,B1,..,BP",
        value_delimiter = ',',
        allow_hyphen_values = true
    )]
    pub(crate) initial_point: Option<Vec<f64>>,

    /// [qaoa] Trotter steps per XY layer (default 1).
    #[arg(long, value_name = "N")]
    pub(crate) trotter_steps: Option<usize>,

    /// [qaoa] Where circuits run: statevector (default), ionq[:simulator|qpu.NAME] (key in
    /// IONQ_API_KEY), or noise:FILE.json|QPU (local trajectories under a noise model). On
    /// ionq and noise every circuit gets --shots shots, and the optimizer defaults to cobyla.
    #[arg(long, value_name = "BACKEND")]
    pub(crate) backend: Option<String>,

    /// [qaoa] IonQ API base URL, e.g. the emulator's (`quboflow ionq-emulator`); default
    /// https://api.ionq.co/v0.4.
    #[arg(long, value_name = "URL")]
    pub(crate) ionq_url: Option<String>,

    /// [qaoa] Noise model of IonQ's simulator: aria-1, forte-1, … (default ideal).
    #[arg(long, value_name = "QPU")]
    pub(crate) ionq_noise: Option<String>,

    /// [qaoa] statevector: continue on the local simulator when the remote backend stays
    /// unavailable beyond its retry budget (key refused, quota, outage).
    #[arg(long, value_name = "BACKEND")]
    pub(crate) fallback: Option<String>,

    /// [qaoa] Refuse a remote run whose estimated cost exceeds this many USD.
    #[arg(long, value_name = "USD")]
    pub(crate) max_cost: Option<f64>,

    /// [qaoa] JSON price table for remote cost estimates (default: the built-in, dated one).
    #[arg(long, value_name = "FILE")]
    pub(crate) price_table: Option<PathBuf>,

    /// [qaoa] Job journal directory: every remote job is recorded there, and a rerun of the
    /// same command resumes without resubmitting anything.
    #[arg(long, value_name = "DIR")]
    pub(crate) resume: Option<PathBuf>,

    /// [qaoa] First wait between remote status polls, seconds (doubling to 30; default 0.5).
    #[arg(long, value_name = "SECONDS")]
    pub(crate) poll_interval: Option<f64>,

    /// [qaoa] Total shots of the optimisation on ionq or noise backends: --max-evals becomes
    /// SHOTS / --shots − 1 (the final sampling is one more circuit).
    #[arg(long, value_name = "SHOTS")]
    pub(crate) shot_budget: Option<usize>,

    /// [qaoa] Trajectories per circuit on the noise backend (default 256).
    #[arg(long, value_name = "N")]
    pub(crate) trajectories: Option<usize>,
}

impl SolverParams {
    /// The flags given, by parameter name, with their values (the initial-states file read).
    pub(crate) fn given(&self) -> anyhow::Result<Params> {
        let mut m = Params::new();
        let mut put = |name: &str, v: Option<Value>| {
            if let Some(v) = v {
                m.insert(name.to_string(), v);
            }
        };
        put("num_reads", self.num_reads.map(|v| json!(v)));
        put(
            "initial_states",
            self.initial_states
                .as_deref()
                .map(read_states)
                .transpose()?
                .map(|s| json!(s)),
        );
        put("num_sweeps", self.num_sweeps.map(|v| json!(v)));
        put(
            "num_sweeps_per_beta",
            self.num_sweeps_per_beta.map(|v| json!(v)),
        );
        put("beta_range", self.beta_range.map(|(a, b)| json!([a, b])));
        put(
            "beta_schedule_type",
            self.beta_schedule_type.as_ref().map(|v| json!(v)),
        );
        put(
            "beta_schedule",
            self.beta_schedule.as_ref().map(|v| json!(v)),
        );
        put("num_replicas", self.num_replicas.map(|v| json!(v)));
        put("tenure", self.tenure.map(|v| json!(v)));
        put("num_restarts", self.num_restarts.map(|v| json!(v)));
        put(
            "max_stale_restarts",
            self.max_stale_restarts.map(|v| json!(v)),
        );
        put("max_stagnation", self.max_stagnation.map(|v| json!(v)));
        put("timeout", self.timeout.map(|v| json!(v)));
        put("num_states", self.num_states.map(|v| json!(v)));
        put("max_num_vars", self.max_num_vars.map(|v| json!(v)));
        put("moves", self.moves.as_ref().map(|v| json!(v)));
        put("sub_solver", self.sub_solver.as_ref().map(|v| json!(v)));
        if let Some(text) = &self.sub_params {
            let v: Value = serde_json::from_str(text)
                .with_context(|| format!("--sub-params: not a JSON object: {text}"))?;
            put("sub_params", Some(v));
        }
        put("sub_size", self.sub_size.map(|v| json!(v)));
        put("outer_restarts", self.outer_restarts.map(|v| json!(v)));
        put("outer_timeout", self.outer_timeout.map(|v| json!(v)));
        put("convergence", self.convergence.map(|v| json!(v)));
        put("max_iter", self.max_iter.map(|v| json!(v)));
        put("decomposer", self.decomposer.as_ref().map(|v| json!(v)));
        put("p", self.p.map(|v| json!(v)));
        put("mixer", self.mixer.as_ref().map(|v| json!(v)));
        put(
            "initial_state",
            self.initial_state.as_ref().map(|v| json!(v)),
        );
        put("init", self.init.as_ref().map(|v| json!(v)));
        put("num_starts", self.num_starts.map(|v| json!(v)));
        put("optimizer", self.optimizer.as_ref().map(|v| json!(v)));
        put("max_evals", self.max_evals.map(|v| json!(v)));
        put("precision", self.precision.as_ref().map(|v| json!(v)));
        put("angles", self.angles.as_ref().map(|v| json!(v)));
        put(
            "initial_point",
            self.initial_point.as_ref().map(|v| json!(v)),
        );
        put("trotter_steps", self.trotter_steps.map(|v| json!(v)));
        put("backend", self.backend.as_ref().map(|v| json!(v)));
        put("ionq_url", self.ionq_url.as_ref().map(|v| json!(v)));
        put("ionq_noise", self.ionq_noise.as_ref().map(|v| json!(v)));
        put("fallback", self.fallback.as_ref().map(|v| json!(v)));
        put("max_cost", self.max_cost.map(|v| json!(v)));
        put("price_table", self.price_table.as_ref().map(|v| json!(v)));
        put("resume", self.resume.as_ref().map(|v| json!(v)));
        put("poll_interval", self.poll_interval.map(|v| json!(v)));
        put("shot_budget", self.shot_budget.map(|v| json!(v)));
        put("trajectories", self.trajectories.map(|v| json!(v)));
        // A NaN or infinite number from the command line becomes JSON null (in a list too):
        // refuse it here, by its flag, before it reaches the registry as "null".
        fn has_null(v: &Value) -> bool {
            v.is_null() || v.as_array().is_some_and(|a| a.iter().any(has_null))
        }
        if let Some((name, _)) = m.iter().find(|(_, v)| has_null(v)) {
            anyhow::bail!("{}: every number must be finite", as_flag(name));
        }
        Ok(m)
    }

    /// Refuses a flag that none of `solvers` takes, then builds each solver with the flags it
    /// takes.
    pub(crate) fn build_all(&self, solvers: &[SolverKind]) -> anyhow::Result<Vec<Box<dyn Solver>>> {
        let choices: Vec<crate::choices::SolverChoice> = solvers
            .iter()
            .map(|&kind| crate::choices::SolverChoice {
                kind,
                backend: None,
                label: kind.name().into(),
            })
            .collect();
        self.build_choices(&choices)
    }

    /// Builds each choice with the flags its solver takes; `qaoa@BACKEND` sets its backend,
    /// and the remote flags go only to the entries whose backend takes them.
    pub(crate) fn build_choices(
        &self,
        choices: &[crate::choices::SolverChoice],
    ) -> anyhow::Result<Vec<Box<dyn Solver>>> {
        let given = self.given()?;
        let kinds: Vec<SolverKind> = choices.iter().map(|c| c.kind).collect();
        for name in given.keys() {
            check_applies(name, &kinds).map_err(cli_error)?;
        }
        let backend_of = |c: &crate::choices::SolverChoice| -> String {
            c.backend
                .clone()
                .or_else(|| {
                    given
                        .get("backend")
                        .and_then(|v| v.as_str())
                        .map(str::to_string)
                })
                .unwrap_or_else(|| "statevector".into())
        };
        let several = choices
            .iter()
            .filter(|c| c.kind == SolverKind::Qaoa)
            .count()
            > 1;
        for (name, on) in REMOTE_FLAGS {
            if given.contains_key(*name)
                && several
                && !choices.iter().any(|c| {
                    c.kind == SolverKind::Qaoa && on.iter().any(|p| backend_of(c).starts_with(p))
                })
            {
                anyhow::bail!(
                    "{} applies to qaoa on backend {} only, and no entry uses it",
                    as_flag(name),
                    on.join(" or ")
                );
            }
        }
        choices
            .iter()
            .map(|c| {
                let backend = backend_of(c);
                let mut mine: Params = given
                    .iter()
                    .filter(|(name, _)| check_applies(name, &[c.kind]).is_ok())
                    // With several QAOA entries, each takes the remote flags of its backend.
                    .filter(|(name, _)| {
                        !several
                            || REMOTE_FLAGS.iter().all(|(n, on)| {
                                n != name || on.iter().any(|p| backend.starts_with(p))
                            })
                    })
                    .map(|(k, v)| (k.clone(), v.clone()))
                    .collect();
                if let Some(b) = &c.backend {
                    mine.insert("backend".into(), json!(b));
                }
                build(c.kind, &mine).map_err(cli_error)
            })
            .collect()
    }

    /// QAOA from these flags, refusing the flags of other solvers.
    pub(crate) fn qaoa(&self) -> anyhow::Result<quboflow_qaoa::Qaoa> {
        let given = self.given()?;
        for name in given.keys() {
            check_applies(name, &[SolverKind::Qaoa]).map_err(cli_error)?;
        }
        quboflow_runtime::build_qaoa(&given).map_err(cli_error)
    }

    /// The one solver `kind`, refusing flags it does not take.
    pub(crate) fn build_one(&self, kind: SolverKind) -> anyhow::Result<Box<dyn Solver>> {
        let mut all = self.build_all(&[kind])?;
        all.pop().context("no solver built")
    }
}

/// Flags that belong to one kind of backend, with the backend prefix they need.
const REMOTE_FLAGS: &[(&str, &[&str])] = &[
    ("ionq_url", &["ionq"]),
    ("ionq_noise", &["ionq"]),
    ("fallback", &["ionq"]),
    ("max_cost", &["ionq"]),
    ("price_table", &["ionq"]),
    ("resume", &["ionq"]),
    ("poll_interval", &["ionq"]),
    ("trajectories", &["noise"]),
    ("shot_budget", &["ionq", "noise"]),
];

/// A parameter name as its flag: `num_reads` → `--num-reads`.
pub(crate) fn as_flag(name: &str) -> String {
    format!("--{}", name.replace('_', "-"))
}

/// A registry error in command-line words.
pub(crate) fn cli_error(e: quboflow_runtime::Error) -> anyhow::Error {
    use quboflow_runtime::Error as E;
    match e {
        E::DoesNotApply { name, owners, .. } if owners == "no solver" => {
            anyhow::anyhow!("{} is not a solver parameter", as_flag(&name))
        }
        E::DoesNotApply { name, owners, .. } => {
            anyhow::anyhow!("{} applies to --solver {owners} only", as_flag(&name))
        }
        E::Invalid { name, reason } => anyhow::anyhow!("{}: {reason}", as_flag(&name)),
        e => e.into(),
    }
}

/// Parses `A,B` into a pair of finite numbers.
fn parse_pair(s: &str) -> Result<(f64, f64), String> {
    let parts: Vec<&str> = s.split(',').map(str::trim).collect();
    match parts.as_slice() {
        [a, b] => match (a.parse::<f64>(), b.parse::<f64>()) {
            (Ok(a), Ok(b)) if a.is_finite() && b.is_finite() => Ok((a, b)),
            _ => Err(format!("expected two finite numbers HOT,COLD, found {s:?}")),
        },
        _ => Err(format!("expected two numbers HOT,COLD, found {s:?}")),
    }
}

/// Reads start states: one string of 0/1 per line, blank lines and `#` comments skipped.
fn read_states(path: &Path) -> anyhow::Result<Vec<Vec<u8>>> {
    let text = quboflow::io::read_text(path)?;
    let mut out = Vec::new();
    for (k, line) in text.lines().enumerate() {
        let t = line.trim();
        if t.is_empty() || t.starts_with('#') {
            continue;
        }
        let mut state = Vec::with_capacity(t.len());
        for (col, c) in t.char_indices() {
            match c {
                '0' => state.push(0u8),
                '1' => state.push(1u8),
                c if c.is_whitespace() || c == ',' => {}
                c => anyhow::bail!(
                    "{}:{}:{}: expected a state of 0/1 characters, found {c:?}",
                    path.display(),
                    k + 1,
                    line.len() - line.trim_start().len() + col + 1
                ),
            }
        }
        out.push(state);
    }
    Ok(out)
}
