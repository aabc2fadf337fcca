//! Solver parameters by name: which solver takes which, and building solvers from a map.

use quboflow::Solver;
use quboflow::solvers::{
    BetaScheduleType, Decomposer, Exact, Hybrid, Moves, ParallelTempering, SimulatedAnnealing,
    SteepestDescent, Tabu,
};
use quboflow_qaoa::{
    Angles, InitStrategy, InitialState, MixerKind, OptimizerKind, Precision, Qaoa,
};
use serde_json::Value;

use crate::error::{Error, Result, invalid};
use crate::kind::SolverKind;
use crate::limits::seconds;

/// Parameters by name, as JSON values.
pub type Params = serde_json::Map<String, Value>;

/// One parameter: its name (the library field, dimod's name where dimod has one), the solvers
/// that take it, and what it means.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ParamSpec {
    /// The name (`num_reads`); on the command line with dashes (`--num-reads`).
    pub name: &'static str,
    /// The solvers that take it.
    pub solvers: &'static [SolverKind],
    /// What it means, its unit and default.
    pub help: &'static str,
}

use SolverKind::{Descent, Exact as Ex, Hybrid as Hy, Pt, Qaoa as Q, Sa, Tabu as Tb};

/// Every solver parameter.
pub const PARAMETERS: &[ParamSpec] = &[
    ParamSpec {
        name: "num_reads",
        solvers: &[Descent, Sa, Pt, Tb, Q, Hy],
        help: "reads (qaoa: shots drawn from the final state); default 10 (descent, sa), 1 (pt, tabu, hybrid) or one per initial state, 1000 shots",
    },
    ParamSpec {
        name: "initial_states",
        solvers: &[Descent, Sa, Pt, Tb, Hy],
        help: "start states, one 0/1 list per read (the first reads start there)",
    },
    ParamSpec {
        name: "num_sweeps",
        solvers: &[Sa, Pt],
        help: "sweeps per read; default 1000 (sa: fitted to the time limit when there is one)",
    },
    ParamSpec {
        name: "num_sweeps_per_beta",
        solvers: &[Sa],
        help: "sweeps at each β, dividing num_sweeps; default 1",
    },
    ParamSpec {
        name: "beta_range",
        solvers: &[Sa, Pt],
        help: "[hot, cold] inverse temperatures, hot ≤ cold; default dwave-samplers' rule from the model",
    },
    ParamSpec {
        name: "beta_schedule_type",
        solvers: &[Sa],
        help: "geometric (default), linear or custom",
    },
    ParamSpec {
        name: "beta_schedule",
        solvers: &[Sa],
        help: "the β values of a custom schedule (implies beta_schedule_type custom)",
    },
    ParamSpec {
        name: "num_replicas",
        solvers: &[Pt],
        help: "replicas (temperatures); default 32",
    },
    ParamSpec {
        name: "tenure",
        solvers: &[Tb],
        help: "iterations a flipped variable stays tabu; default min(20, n/4), n/13 on large unit-weight models",
    },
    ParamSpec {
        name: "num_restarts",
        solvers: &[Tb],
        help: "tabu phases per read (the first plus restarts); a read ends when they are spent; default 1000000",
    },
    ParamSpec {
        name: "max_stale_restarts",
        solvers: &[Tb],
        help: "phases in a row without a new best after which a read ends; default 10000",
    },
    ParamSpec {
        name: "max_stagnation",
        solvers: &[Tb],
        help: "iterations without improvement that end a phase; default clamp(20n, 2000, 100000)",
    },
    ParamSpec {
        name: "timeout",
        solvers: &[Tb],
        help: "seconds per read; default the time limit, else 0.02 (dwave-samplers')",
    },
    ParamSpec {
        name: "moves",
        solvers: &[Sa, Pt, Tb, Hy],
        help: "auto (constraint-preserving when the model carries constraints), single-flip or constrained (hybrid: its outer search's)",
    },
    ParamSpec {
        name: "sub_solver",
        solvers: &[Hy],
        help: "the solvers sub-problems go to, in turn: exact (default), descent, sa, pt, tabu, qaoa or qaoa@BACKEND; a list or comma-separated",
    },
    ParamSpec {
        name: "sub_params",
        solvers: &[Hy],
        help: "parameters of the sub-solvers (JSON object; each goes to the sub-solvers that take it); defaults keep sub-problems short: sa and pt 200 sweeps, tabu 10 restarts",
    },
    ParamSpec {
        name: "sub_size",
        solvers: &[Hy],
        help: "variables per sub-problem; default 16 (at most 30 with exact unless max_num_vars in sub_params; keep ≤ 20 for qaoa)",
    },
    ParamSpec {
        name: "outer_restarts",
        solvers: &[Hy],
        help: "tabu phases of each outer-search call on the whole model; 0 runs the decomposition alone; default 4",
    },
    ParamSpec {
        name: "outer_timeout",
        solvers: &[Hy],
        help: "seconds per outer-search call; default a tenth of the time limit, none without one",
    },
    ParamSpec {
        name: "convergence",
        solvers: &[Hy],
        help: "rounds in a row without a new best after which a read ends; default 10",
    },
    ParamSpec {
        name: "max_iter",
        solvers: &[Hy],
        help: "most rounds per read; default none (until convergence or the time limit)",
    },
    ParamSpec {
        name: "decomposer",
        solvers: &[Hy],
        help: "auto (structure and energy impact in turn on encoded models), energy-impact or structure",
    },
    ParamSpec {
        name: "num_states",
        solvers: &[Ex],
        help: "how many of the lowest-energy states to return; default 10",
    },
    ParamSpec {
        name: "max_num_vars",
        solvers: &[Ex],
        help: "largest problem to enumerate, in variables; default 30, at most 62",
    },
    ParamSpec {
        name: "p",
        solvers: &[Q],
        help: "layers, 1 to 10000; default 1",
    },
    ParamSpec {
        name: "mixer",
        solvers: &[Q],
        help: "x (default), xy-ring or xy-complete (XY needs one-hot groups)",
    },
    ParamSpec {
        name: "initial_state",
        solvers: &[Q],
        help: "auto (|+⟩, Dicke states for XY) or basis (the feasible basis state a QPU can prepare)",
    },
    ParamSpec {
        name: "init",
        solvers: &[Q],
        help: "initial angles: auto, ramp, fixed, interp, fourier, random",
    },
    ParamSpec {
        name: "num_starts",
        solvers: &[Q],
        help: "starts of init random; default 4",
    },
    ParamSpec {
        name: "optimizer",
        solvers: &[Q],
        help: "lbfgs (default, exact adjoint gradient), nelder-mead, cobyla, spsa",
    },
    ParamSpec {
        name: "max_evals",
        solvers: &[Q],
        help: "evaluations of ⟨C⟩ per optimisation; 0 samples at the initial angles; default 200",
    },
    ParamSpec {
        name: "precision",
        solvers: &[Q],
        help: "complex128 (default) or complex64",
    },
    ParamSpec {
        name: "angles",
        solvers: &[Q],
        help: "γ1..γp, β1..βp used as given (no optimisation)",
    },
    ParamSpec {
        name: "initial_point",
        solvers: &[Q],
        help: "γ1..γp, β1..βp where the optimisation starts (instead of init's rule)",
    },
    ParamSpec {
        name: "trotter_steps",
        solvers: &[Q],
        help: "Trotter steps per XY layer; default 1",
    },
    ParamSpec {
        name: "backend",
        solvers: &[Q],
        help: "where circuits run: statevector (default), ionq[:TARGET] (simulator, qpu.aria-1, …) or noise:FILE|QPU (trajectories under a noise model); num_reads is then the shots of every circuit",
    },
    ParamSpec {
        name: "ionq_url",
        solvers: &[Q],
        help: "IonQ API base URL (the emulator's, for tests); default https://api.ionq.co/v0.4",
    },
    ParamSpec {
        name: "ionq_noise",
        solvers: &[Q],
        help: "noise model of IonQ's simulator (aria-1, forte-1, …); default ideal",
    },
    ParamSpec {
        name: "fallback",
        solvers: &[Q],
        help: "statevector: continue locally when the remote backend is unavailable beyond its retry budget; default none",
    },
    ParamSpec {
        name: "max_cost",
        solvers: &[Q],
        help: "refuse a remote run whose estimated cost exceeds this many USD; default none",
    },
    ParamSpec {
        name: "price_table",
        solvers: &[Q],
        help: "JSON price table for cost estimates (PriceTable); default the built-in, dated table",
    },
    ParamSpec {
        name: "resume",
        solvers: &[Q],
        help: "directory of the remote job journal: a rerun resumes there without resubmitting; default none",
    },
    ParamSpec {
        name: "poll_interval",
        solvers: &[Q],
        help: "first wait between remote status polls, seconds (doubling to 30); default 0.5",
    },
    ParamSpec {
        name: "shot_budget",
        solvers: &[Q],
        help: "total shots of the optimisation on a shot-based backend: max_evals becomes shot_budget / num_reads − 1 (the final sampling is one more circuit)",
    },
    ParamSpec {
        name: "trajectories",
        solvers: &[Q],
        help: "Monte-Carlo trajectories per circuit of the noise backend; default 256",
    },
];

/// The spec of `name`, if it is a parameter at all.
fn spec(name: &str) -> Option<&'static ParamSpec> {
    PARAMETERS.iter().find(|p| p.name == name)
}

fn owners(name: &str) -> String {
    match spec(name) {
        Some(s) => s
            .solvers
            .iter()
            .map(|k| k.name())
            .collect::<Vec<_>>()
            .join(", "),
        None => "no solver".into(),
    }
}

/// `Ok` when at least one of `solvers` takes parameter `name`; else an error naming the
/// solvers that do (a flag given for none of the chosen solvers is never dropped).
pub fn check_applies(name: &str, solvers: &[SolverKind]) -> Result<()> {
    match spec(name) {
        Some(s) if solvers.iter().any(|k| s.solvers.contains(k)) => Ok(()),
        _ => Err(Error::DoesNotApply {
            name: name.to_string(),
            solver: solvers.first().copied().unwrap_or(SolverKind::Sa),
            owners: owners(name),
        }),
    }
}

/// Typed reads of a parameter map, every key checked against the solver.
struct Reader<'a> {
    params: &'a Params,
}

impl<'a> Reader<'a> {
    fn new(kind: SolverKind, params: &'a Params) -> Result<Self> {
        for name in params.keys() {
            let takes = spec(name).is_some_and(|s| s.solvers.contains(&kind));
            if !takes {
                return Err(Error::DoesNotApply {
                    name: name.clone(),
                    solver: kind,
                    owners: owners(name),
                });
            }
        }
        Ok(Reader { params })
    }

    fn has(&self, name: &str) -> bool {
        self.get(name).is_some()
    }

    fn get(&self, name: &str) -> Option<&'a Value> {
        self.params.get(name).filter(|v| !v.is_null())
    }

    fn f64(&self, name: &str) -> Result<Option<f64>> {
        self.get(name)
            .map(|v| {
                v.as_f64()
                    .filter(|x| x.is_finite())
                    .ok_or_else(|| invalid(name, format!("expected a finite number, found {v}")))
            })
            .transpose()
    }

    fn usize(&self, name: &str) -> Result<Option<usize>> {
        self.get(name)
            .map(|v| {
                let n = v
                    .as_u64()
                    .or_else(|| {
                        v.as_f64()
                            .filter(|x| x.fract() == 0.0 && *x >= 0.0 && *x < 2f64.powi(63))
                            .map(|x| x as u64)
                    })
                    .ok_or_else(|| {
                        invalid(name, format!("expected a non-negative integer, found {v}"))
                    })?;
                usize::try_from(n).map_err(|_| invalid(name, format!("{n} is too large")))
            })
            .transpose()
    }

    fn floats(&self, name: &str) -> Result<Option<Vec<f64>>> {
        self.get(name)
            .map(|v| {
                let list = v.as_array().ok_or_else(|| {
                    invalid(name, format!("expected a list of numbers, found {v}"))
                })?;
                list.iter()
                    .map(|x| {
                        x.as_f64().filter(|x| x.is_finite()).ok_or_else(|| {
                            invalid(name, format!("expected finite numbers, found {x}"))
                        })
                    })
                    .collect()
            })
            .transpose()
    }

    fn string(&self, name: &str) -> Result<Option<String>> {
        self.get(name)
            .map(|v| {
                v.as_str()
                    .map(str::to_string)
                    .ok_or_else(|| invalid(name, format!("expected a string, found {v}")))
            })
            .transpose()
    }

    fn pair(&self, name: &str) -> Result<Option<(f64, f64)>> {
        match self.floats(name)? {
            None => Ok(None),
            Some(v) if v.len() == 2 => Ok(Some((v[0], v[1]))),
            Some(v) => Err(invalid(
                name,
                format!("expected two numbers [hot, cold], found {}", v.len()),
            )),
        }
    }

    fn parsed<T: std::str::FromStr<Err = String>>(&self, name: &str) -> Result<Option<T>> {
        self.get(name)
            .map(|v| {
                let s = v
                    .as_str()
                    .ok_or_else(|| invalid(name, format!("expected a name, found {v}")))?;
                s.parse::<T>().map_err(|e| invalid(name, e))
            })
            .transpose()
    }

    fn states(&self, name: &str) -> Result<Option<Vec<Vec<u8>>>> {
        self.get(name)
            .map(|v| {
                let rows = v.as_array().ok_or_else(|| {
                    invalid(name, format!("expected a list of 0/1 lists, found {v}"))
                })?;
                rows.iter()
                    .enumerate()
                    .map(|(k, row)| {
                        row.as_array()
                            .ok_or_else(|| invalid(name, format!("state {k} is not a list")))?
                            .iter()
                            .map(|b| match b.as_u64() {
                                Some(b @ (0 | 1)) => Ok(b as u8),
                                _ => Err(invalid(
                                    name,
                                    format!("state {k} holds {b}; states are 0/1"),
                                )),
                            })
                            .collect()
                    })
                    .collect()
            })
            .transpose()
    }
}

/// Builds solver `kind` from `params` (names as in [`PARAMETERS`]); any parameter `kind`
/// does not take is an error naming the solvers that do, and missing ones take the solver's
/// documented defaults.
pub fn build(kind: SolverKind, params: &Params) -> Result<Box<dyn Solver>> {
    let r = Reader::new(kind, params)?;
    Ok(match kind {
        SolverKind::Exact => {
            let d = Exact::default();
            Box::new(Exact {
                num_states: r.usize("num_states")?.unwrap_or(d.num_states),
                max_num_vars: r.usize("max_num_vars")?.unwrap_or(d.max_num_vars),
            })
        }
        SolverKind::Descent => Box::new(SteepestDescent {
            num_reads: r.usize("num_reads")?,
            initial_states: r.states("initial_states")?,
        }),
        SolverKind::Sa => {
            let d = SimulatedAnnealing::default();
            let schedule = r.floats("beta_schedule")?;
            let kind = r
                .parsed::<BetaScheduleType>("beta_schedule_type")?
                .unwrap_or(if schedule.is_some() {
                    BetaScheduleType::Custom
                } else {
                    d.beta_schedule_type
                });
            Box::new(SimulatedAnnealing {
                num_reads: r.usize("num_reads")?,
                num_sweeps: r.usize("num_sweeps")?,
                num_sweeps_per_beta: r
                    .usize("num_sweeps_per_beta")?
                    .unwrap_or(d.num_sweeps_per_beta),
                beta_range: r.pair("beta_range")?,
                beta_schedule_type: kind,
                beta_schedule: schedule,
                initial_states: r.states("initial_states")?,
                moves: r.parsed::<Moves>("moves")?.unwrap_or_default(),
            })
        }
        SolverKind::Tabu => {
            let d = Tabu::default();
            Box::new(Tabu {
                num_reads: r.usize("num_reads")?,
                tenure: r.usize("tenure")?,
                num_restarts: r.usize("num_restarts")?.unwrap_or(d.num_restarts),
                max_stale_restarts: r
                    .usize("max_stale_restarts")?
                    .unwrap_or(d.max_stale_restarts),
                max_stagnation: r.usize("max_stagnation")?,
                timeout: r
                    .f64("timeout")?
                    .map(|s| seconds("timeout", s))
                    .transpose()?,
                initial_states: r.states("initial_states")?,
                moves: r.parsed::<Moves>("moves")?.unwrap_or_default(),
            })
        }
        SolverKind::Pt => {
            let d = ParallelTempering::default();
            Box::new(ParallelTempering {
                num_reads: r.usize("num_reads")?.unwrap_or(d.num_reads),
                num_replicas: r.usize("num_replicas")?.unwrap_or(d.num_replicas),
                num_sweeps: r.usize("num_sweeps")?.unwrap_or(d.num_sweeps),
                beta_range: r.pair("beta_range")?,
                initial_states: r.states("initial_states")?,
                moves: r.parsed::<Moves>("moves")?.unwrap_or_default(),
            })
        }
        SolverKind::Qaoa => Box::new(qaoa(&r)?),
        SolverKind::Hybrid => Box::new(hybrid(&r)?),
    })
}

/// The decomposition solver: its sub-solvers built from `sub_solver` and `sub_params`.
fn hybrid(r: &Reader<'_>) -> Result<Hybrid> {
    let d = Hybrid::default();
    let names: Vec<String> = match r.get("sub_solver") {
        None => vec!["exact".into()],
        Some(Value::String(s)) => s.split(',').map(|p| p.trim().to_string()).collect(),
        Some(Value::Array(list)) => list
            .iter()
            .map(|v| {
                v.as_str().map(str::to_string).ok_or_else(|| {
                    invalid("sub_solver", format!("expected solver names, found {v}"))
                })
            })
            .collect::<Result<_>>()?,
        Some(v) => {
            return Err(invalid(
                "sub_solver",
                format!("expected a solver name or a list of them, found {v}"),
            ));
        }
    };
    let sub_params: Params = match r.get("sub_params") {
        None => Params::new(),
        Some(Value::Object(m)) => m.clone(),
        Some(v) => {
            return Err(invalid(
                "sub_params",
                format!("expected an object of parameters, found {v}"),
            ));
        }
    };
    let mut choices = Vec::with_capacity(names.len());
    for name in &names {
        let (kind, backend) =
            crate::kind::parse_choice(name).map_err(|e| invalid("sub_solver", e))?;
        if kind == SolverKind::Hybrid {
            return Err(invalid(
                "sub_solver",
                "a hybrid cannot be its own sub-solver",
            ));
        }
        choices.push((kind, backend));
    }
    let kinds: Vec<SolverKind> = choices.iter().map(|c| c.0).collect();
    for name in sub_params.keys() {
        check_applies(name, &kinds).map_err(|e| invalid("sub_params", e.to_string()))?;
    }
    let mut sub_solvers: Vec<std::sync::Arc<dyn Solver>> = Vec::with_capacity(choices.len());
    for (kind, backend) in choices {
        let mut p: Params = sub_params
            .iter()
            .filter(|(k, _)| spec(k).is_some_and(|s| s.solvers.contains(&kind)))
            .map(|(k, v)| (k.clone(), v.clone()))
            .collect();
        // Sub-problems are many and small: defaults that end each in milliseconds rather
        // than filling the time left (SA fits its sweeps to a time limit, tabu runs to it).
        let mut default = |name: &str, v: Value| {
            p.entry(name.to_string()).or_insert(v);
        };
        match kind {
            SolverKind::Sa | SolverKind::Pt => default("num_sweeps", Value::from(200)),
            SolverKind::Tabu => default("num_restarts", Value::from(10)),
            _ => {}
        }
        if let Some(b) = backend {
            p.insert("backend".into(), Value::String(b));
        }
        let solver = build(kind, &p).map_err(|e| invalid("sub_params", format!("{kind}: {e}")))?;
        sub_solvers.push(std::sync::Arc::from(solver));
    }
    Ok(Hybrid {
        sub_solvers,
        sub_size: r.usize("sub_size")?.unwrap_or(d.sub_size),
        num_reads: r.usize("num_reads")?,
        outer_restarts: r.usize("outer_restarts")?.unwrap_or(d.outer_restarts),
        outer_timeout: r
            .f64("outer_timeout")?
            .map(|s| seconds("outer_timeout", s))
            .transpose()?,
        convergence: r.usize("convergence")?.unwrap_or(d.convergence),
        max_iter: r.usize("max_iter")?,
        decomposer: r.parsed::<Decomposer>("decomposer")?.unwrap_or_default(),
        moves: r.parsed::<Moves>("moves")?.unwrap_or_default(),
        initial_states: r.states("initial_states")?,
    })
}

/// QAOA from its parameters (names as in [`PARAMETERS`]), as the concrete solver: the
/// command line's `qaoa` subcommand needs its report, ansatz and backend.
pub fn build_qaoa(params: &Params) -> Result<Qaoa> {
    qaoa(&Reader::new(SolverKind::Qaoa, params)?)
}

/// QAOA from its parameters; given angles exclude every optimisation setting.
fn qaoa(r: &Reader<'_>) -> Result<Qaoa> {
    let d = Qaoa::default();
    let angles = r
        .floats("angles")?
        .map(|flat| Angles::from_flat(&flat).map_err(|e| invalid("angles", e.to_string())))
        .transpose()?;
    let initial_point = r
        .floats("initial_point")?
        .map(|flat| Angles::from_flat(&flat).map_err(|e| invalid("initial_point", e.to_string())))
        .transpose()?;
    if let Some(name) = ["init", "num_starts"]
        .into_iter()
        .find(|n| initial_point.is_some() && r.has(n))
    {
        return Err(invalid(
            name,
            "does not apply with initial_point, which is where the optimisation starts",
        ));
    }
    if angles.is_some()
        && let Some(name) = [
            "init",
            "optimizer",
            "max_evals",
            "num_starts",
            "initial_point",
        ]
        .into_iter()
        .find(|n| r.has(n))
    {
        return Err(invalid(
            name,
            "does not apply with angles, which are used as given (no optimisation)",
        ));
    }
    let p = match (r.usize("p")?, angles.as_ref().or(initial_point.as_ref())) {
        (Some(p), Some(a)) if p != a.depth() => {
            let which = if angles.is_some() {
                "angles"
            } else {
                "initial_point"
            };
            return Err(invalid(
                "p",
                format!("{p} layers, but {which} has {}", a.depth()),
            ));
        }
        (Some(p), _) => p,
        (None, Some(a)) => a.depth(),
        (None, None) => d.p,
    };
    let num_reads = r.usize("num_reads")?.unwrap_or(d.num_reads);
    let remote = crate::backend::RemoteOptions {
        spec: r.string("backend")?,
        ionq_url: r.string("ionq_url")?,
        ionq_noise: r.string("ionq_noise")?,
        fallback: r.string("fallback")?,
        max_cost: r.f64("max_cost")?,
        price_table: r.string("price_table")?,
        resume: r.string("resume")?,
        poll_interval: r.f64("poll_interval")?,
        trajectories: r.usize("trajectories")?,
        shots: num_reads,
    };
    let precision = r.parsed::<Precision>("precision")?.unwrap_or_default();
    let (backend, shot_based) = crate::backend::backend(&remote, precision)?;
    let init = r.parsed::<InitStrategy>("init")?.unwrap_or(d.init);
    if r.has("num_starts") && init != InitStrategy::Random {
        return Err(invalid(
            "num_starts",
            format!("applies to init = random only, not {}", init.name()),
        ));
    }
    let mixer = r.parsed::<MixerKind>("mixer")?.unwrap_or(d.mixer);
    if r.has("trotter_steps") && mixer == MixerKind::X {
        return Err(invalid(
            "trotter_steps",
            "applies to the XY mixers (the X mixer's layer is exact in one step)",
        ));
    }
    Ok(Qaoa {
        p,
        mixer,
        trotter_steps: r.usize("trotter_steps")?.unwrap_or(d.trotter_steps),
        initial_state: r
            .parsed::<InitialState>("initial_state")?
            .unwrap_or(d.initial_state),
        init,
        num_starts: r.usize("num_starts")?.unwrap_or(d.num_starts),
        // Backends without an exact gradient optimise derivative-free by default.
        optimizer: r
            .parsed::<OptimizerKind>("optimizer")?
            .unwrap_or(if shot_based {
                OptimizerKind::Cobyla
            } else {
                d.optimizer
            }),
        max_evals: match (r.usize("shot_budget")?, r.usize("max_evals")?) {
            (Some(_), Some(_)) => {
                return Err(invalid(
                    "shot_budget",
                    "give shot_budget or max_evals, not both",
                ));
            }
            (Some(b), None) => {
                if !shot_based {
                    return Err(invalid(
                        "shot_budget",
                        "applies to shot-based backends (ionq, noise), not the statevector",
                    ));
                }
                let evals = (b / num_reads.max(1)).saturating_sub(1);
                if evals == 0 {
                    return Err(invalid(
                        "shot_budget",
                        format!(
                            "{b} shots do not cover two circuits of {num_reads} shots (an evaluation and the final sampling)"
                        ),
                    ));
                }
                evals
            }
            (None, m) => m.unwrap_or(d.max_evals),
        },
        num_reads,
        angles,
        initial_point,
        backend,
        ..d
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn map(v: Value) -> Params {
        v.as_object().cloned().unwrap_or_default()
    }

    #[test]
    fn every_parameter_builds_for_each_of_its_solvers() {
        let example = |name: &str| -> Value {
            match name {
                "initial_states" => json!([[0, 1]]),
                "beta_range" => json!([0.1, 1.0]),
                "beta_schedule_type" => json!("linear"),
                "beta_schedule" => json!([0.1, 1.0]),
                "moves" => json!("single-flip"),
                "mixer" => json!("x"),
                "initial_state" => json!("basis"),
                "init" => json!("ramp"),
                "optimizer" => json!("cobyla"),
                "precision" => json!("complex64"),
                "angles" | "initial_point" => json!([0.1, 0.2]),
                "timeout" => json!(0.5),
                "backend" => json!("noise:aria-1"),
                "ionq_url" => json!("http://127.0.0.1:9/v0.4"),
                "ionq_noise" => json!("aria-1"),
                "fallback" => json!("statevector"),
                "max_cost" | "poll_interval" => json!(1.5),
                "price_table" => {
                    let path =
                        std::env::temp_dir().join(format!("qf-prices-{}.json", std::process::id()));
                    std::fs::write(
                        &path,
                        serde_json::to_string(&quboflow_qaoa::PriceTable::default()).unwrap(),
                    )
                    .unwrap();
                    json!(path)
                }
                "resume" => json!(std::env::temp_dir().join("qf-journal-never-opened")),
                "shot_budget" => json!(10_000),
                "sub_solver" => json!("sa,tabu"),
                "sub_params" => json!({"num_reads": 2}),
                "decomposer" => json!("energy-impact"),
                _ => json!(2),
            }
        };
        for spec in PARAMETERS {
            for &kind in spec.solvers {
                let mut p = map(json!({}));
                p.insert(spec.name.into(), example(spec.name));
                // Parameters that need a companion to apply.
                match spec.name {
                    "beta_schedule" => p.insert("beta_schedule_type".into(), json!("custom")),
                    "trotter_steps" => p.insert("mixer".into(), json!("xy-ring")),
                    "num_starts" => p.insert("init".into(), json!("random")),
                    "sub_params" => p.insert("sub_solver".into(), json!("sa")),
                    "trajectories" | "shot_budget" => {
                        p.insert("backend".into(), json!("noise:aria-1"))
                    }
                    "ionq_url" | "ionq_noise" | "fallback" | "max_cost" | "price_table"
                    | "resume" | "poll_interval" => {
                        p.insert("ionq_url".into(), example("ionq_url"));
                        p.insert("backend".into(), json!("ionq:simulator"))
                    }
                    _ => None,
                };
                build(kind, &p).unwrap_or_else(|e| panic!("{} for {kind}: {e}", spec.name));
            }
            for kind in SolverKind::ALL
                .into_iter()
                .filter(|k| !spec.solvers.contains(k))
            {
                let mut p = map(json!({}));
                p.insert(spec.name.into(), example(spec.name));
                let e = build(kind, &p)
                    .err()
                    .map(|e| e.to_string())
                    .unwrap_or_default();
                assert!(e.starts_with(&format!("{} applies to", spec.name)), "{e}");
            }
        }
    }

    #[test]
    fn values_are_checked() {
        let bad = |kind, v: Value| build(kind, &map(v)).err().map(|e| e.to_string());
        assert!(
            bad(SolverKind::Sa, json!({"num_reads": -1}))
                .unwrap()
                .contains("num_reads")
        );
        assert!(bad(SolverKind::Sa, json!({"beta_range": [1]})).is_some());
        assert!(bad(SolverKind::Tabu, json!({"timeout": -2})).is_some());
        assert!(
            bad(
                SolverKind::Qaoa,
                json!({"angles": [0.1, 0.2], "optimizer": "spsa"})
            )
            .unwrap()
            .contains("optimizer")
        );
        assert!(bad(SolverKind::Qaoa, json!({"angles": [0.1, 0.2], "p": 2})).is_some());
        assert!(
            bad(SolverKind::Qaoa, json!({"mixer": "z"}))
                .unwrap()
                .contains("mixer")
        );
        assert!(
            bad(SolverKind::Sa, json!({"nonsense": 1}))
                .unwrap()
                .contains("no solver")
        );
        let hybrid = |v: Value| build(SolverKind::Hybrid, &map(v)).map(|s| s.params());
        let p =
            hybrid(json!({"sub_solver": ["qaoa", "sa"], "sub_params": {"p": 2}, "sub_size": 12}))
                .unwrap();
        assert_eq!(p["sub_solvers"][0]["solver"], "qaoa");
        assert_eq!(p["sub_solvers"][0]["params"]["p"], 2);
        // SA as a sub-solver gets short reads unless told otherwise.
        assert_eq!(p["sub_solvers"][1]["params"]["num_sweeps"], 200);
        assert_eq!(p["sub_size"], 12);
        let e = |v: Value| hybrid(v).err().map(|e| e.to_string()).unwrap_or_default();
        assert!(e(json!({"sub_params": {"tenure": 3}})).contains("tenure applies to tabu"));
        assert!(e(json!({"sub_solver": "hybrid"})).contains("its own sub-solver"));
        assert!(e(json!({"sub_solver": "anneal"})).contains("unknown solver"));
        assert!(e(json!({"sub_solver": "sa@ionq"})).contains("only qaoa runs on a backend"));
        assert!(e(json!({"sub_params": [1]})).contains("sub_params"));
        assert!(e(json!({"decomposer": "clusters"})).contains("unknown decomposer"));
        assert!(check_applies("tenure", &[SolverKind::Sa, SolverKind::Tabu]).is_ok());
        assert!(check_applies("tenure", &[SolverKind::Sa]).is_err());
    }
}
