//! Figures of one run and of one solver, recomputed from the samples (never copied from a
//! solver's own claims).

use super::assess::assess;
use super::evaluate::{Evaluate, better, gap_percent};
use super::record::{Execution, Reference, RunRecord, SolverSummary, Status, Variational};
use crate::objective::Sense;
use crate::qubo::Qubo;
use crate::sampleset::SampleSet;

/// A measured run, its lowest-energy sample and its best raw-feasible sample.
pub(crate) type Measured = (RunRecord, Vec<u8>, Option<Vec<u8>>);

/// Measures one run: recomputes every energy, decodes every sample ([`assess`]).
///
/// Errors (as text) when a sample does not fit the model. Also returns the lowest-energy
/// sample and the best raw-feasible one, the bitstrings a run's figures can be checked from.
pub(crate) fn measure_run(
    qubo: &Qubo,
    ev: &dyn Evaluate,
    ss: &SampleSet,
    repair: bool,
) -> Result<Measured, String> {
    let a = assess(qubo, ev, ss, repair).map_err(|e| match e {
        crate::Error::SolverFailed { message, .. } => message,
        e => e.to_string(),
    })?;
    let lowest = a.lowest_sample.clone();
    let best_feasible = a.best_feasible.as_ref().map(|b| b.sample.clone());
    let run = RunRecord {
        repeat: 0,
        seed: ss.info.seed,
        wall_s: 0.0,
        termination: ss.info.termination,
        num_reads: a.num_reads,
        best_energy: a.best_energy,
        mean_energy: a.mean_energy,
        best_objective: a.best_feasible.map(|b| b.objective),
        feasible_fraction: a.feasible_fraction,
        repaired_objective: a.repaired.filter(|r| r.feasible).and_then(|r| r.objective),
        gap_percent: None,
        hit: false,
        time_to_target_s: None,
        energy_mismatches: a.energy_mismatches,
        max_energy_error: a.max_energy_error,
        trace: Vec::new(),
        energies: a.energies,
        variational: variational(&ss.info.extra),
        execution: execution(&ss.info.extra),
        decomposition: crate::solvers::Decomposition::from_extra(&ss.info.extra),
    };
    Ok((run, lowest, best_feasible))
}

/// Remote-execution figures from a solver's `Info::extra.backend_usage`, when it records them.
fn execution(extra: &serde_json::Value) -> Option<Execution> {
    let u = extra.get("backend_usage")?;
    let f = |k: &str| u.get(k).and_then(|v| v.as_f64()).unwrap_or(0.0);
    Some(Execution {
        name: u.get("backend")?.as_str()?.to_string(),
        jobs: f("jobs") as u64,
        circuits: f("circuits") as u64,
        shots: f("shots") as u64,
        cost_usd: f("estimated_cost_usd"),
        queue_s: f("queue_ms") / 1e3,
        execution_s: f("execution_ms") / 1e3,
        fallback_runs: u64::from(
            u.pointer("/fallback/used")
                .and_then(|v| v.as_bool())
                .unwrap_or(false),
        ),
    })
}

/// QAOA-style figures from a solver's `Info::extra`, when it records them.
fn variational(extra: &serde_json::Value) -> Option<Variational> {
    let p = extra.get("p")?.as_u64()? as usize;
    let expectation = extra.get("expectation")?.as_f64()?;
    Some(Variational {
        p,
        expectation,
        approximation_ratio: extra.get("approximation_ratio").and_then(|v| v.as_f64()),
        probability_of_best: extra.get("probability_of_best").and_then(|v| v.as_f64()),
    })
}

/// True when `value` reaches `reference` within the relative tolerance `tol` (or beats it);
/// the slack is `tol · max(|reference|, 1)`.
///
/// ```
/// use quboflow::{Sense, compare::reaches};
/// assert!(reaches(Sense::Minimize, 100.0, 100.0 + 1e-12, 1e-9));
/// assert!(!reaches(Sense::Maximize, 99.0, 100.0, 1e-9));
/// ```
pub fn reaches(sense: Sense, value: f64, reference: f64, tol: f64) -> bool {
    let slack = tol * reference.abs().max(1.0);
    match sense {
        Sense::Minimize => value <= reference + slack,
        Sense::Maximize => value >= reference - slack,
    }
}

/// Fills a run's gap, hit and time to target once the reference is known.
pub(crate) fn score_run(
    run: &mut RunRecord,
    ev: &dyn Evaluate,
    reference: Option<&Reference>,
    tol: f64,
) {
    let sense = ev.sense();
    let (Some(r), Some(obj)) = (reference, run.best_objective) else {
        return;
    };
    run.gap_percent = gap_percent(sense, obj, r.value);
    run.hit = reaches(sense, obj, r.value, tol);
    if run.hit {
        // The first progress report showing the target energy; the trace holds the solver's
        // claims, so it only counts for runs whose recomputed samples did reach the target.
        let shown = ev.energy_of(r.value).and_then(|target| {
            let slack = tol * target.abs().max(1.0);
            run.trace
                .iter()
                .find(|[_, e]| *e <= target + slack)
                .map(|[t, _]| *t)
        });
        run.time_to_target_s = Some(shown.unwrap_or(run.wall_s).min(run.wall_s));
    }
}

/// Aggregates a solver's runs into its summary (the runs must already be scored).
pub(crate) fn summarise(s: &mut SolverSummary, sense: Sense) {
    let runs = &s.runs;
    s.runs_completed = runs.len();
    if runs.is_empty() {
        return;
    }
    let n = runs.len() as f64;
    let mean = |v: Vec<f64>| (!v.is_empty()).then(|| v.iter().sum::<f64>() / v.len() as f64);
    s.best_energy = runs.iter().map(|r| r.best_energy).reduce(f64::min);
    let reads: u64 = runs.iter().map(|r| r.num_reads).sum();
    s.mean_energy = Some(
        runs.iter()
            .map(|r| r.mean_energy * r.num_reads as f64)
            .sum::<f64>()
            / reads.max(1) as f64,
    );
    s.raw_feasible_fraction = Some(
        runs.iter()
            .map(|r| r.feasible_fraction * r.num_reads as f64)
            .sum::<f64>()
            / reads.max(1) as f64,
    );
    let pick = |v: &mut dyn Iterator<Item = f64>| {
        v.fold(None, |b: Option<f64>, o| match b {
            Some(b) if !better(sense, o, b) => Some(b),
            _ => Some(o),
        })
    };
    s.best_objective = pick(&mut runs.iter().filter_map(|r| r.best_objective));
    s.repaired_best_objective = pick(&mut runs.iter().filter_map(|r| r.repaired_objective));
    s.mean_objective = mean(runs.iter().filter_map(|r| r.best_objective).collect());
    s.gap_percent = runs.iter().filter_map(|r| r.gap_percent).reduce(f64::min);
    s.mean_gap_percent = mean(runs.iter().filter_map(|r| r.gap_percent).collect());
    s.hits = runs.iter().filter(|r| r.hit).count();
    let p = s.hits as f64 / n;
    s.success_probability = Some(p);
    let t = runs.iter().map(|r| r.wall_s).sum::<f64>() / n;
    s.mean_wall_s = Some(t);
    s.time_to_target_s = mean(runs.iter().filter_map(|r| r.time_to_target_s).collect());
    s.tts99_s = tts(p, t, 0.99);
    s.energy_mismatches = runs.iter().map(|r| r.energy_mismatches).sum();
    s.backend = sum_execution(runs);
    s.decomposition = runs
        .iter()
        .filter_map(|r| r.decomposition.as_ref())
        .fold(None, |sum, d| {
            let mut sum: crate::solvers::Decomposition = sum.unwrap_or_default();
            sum.add(d);
            Some(sum)
        });
    let vs: Vec<&Variational> = runs.iter().filter_map(|r| r.variational.as_ref()).collect();
    if let Some(first) = vs.first() {
        let avg = |f: &dyn Fn(&Variational) -> Option<f64>| {
            let v: Vec<f64> = vs.iter().filter_map(|x| f(x)).collect();
            mean(v)
        };
        s.variational = Some(Variational {
            p: first.p,
            expectation: avg(&|v| Some(v.expectation)).unwrap_or(first.expectation),
            approximation_ratio: avg(&|v| v.approximation_ratio),
            probability_of_best: avg(&|v| v.probability_of_best),
        });
    }
}

/// Sums the runs' remote execution (named after the first run's backend).
fn sum_execution(runs: &[RunRecord]) -> Option<Execution> {
    let xs: Vec<&Execution> = runs.iter().filter_map(|r| r.execution.as_ref()).collect();
    let first = xs.first()?;
    Some(Execution {
        name: first.name.clone(),
        jobs: xs.iter().map(|x| x.jobs).sum(),
        circuits: xs.iter().map(|x| x.circuits).sum(),
        shots: xs.iter().map(|x| x.shots).sum(),
        cost_usd: xs.iter().map(|x| x.cost_usd).sum(),
        queue_s: xs.iter().map(|x| x.queue_s).sum(),
        execution_s: xs.iter().map(|x| x.execution_s).sum(),
        fallback_runs: xs.iter().map(|x| x.fallback_runs).sum(),
    })
}

/// Time to solution with confidence `q`: repeat a run of `t` seconds that succeeds with
/// probability `p` until one succeeds with probability `q`.
pub fn tts(p: f64, t: f64, q: f64) -> Option<f64> {
    if p <= 0.0 || !t.is_finite() {
        None
    } else if p >= q {
        Some(t)
    } else {
        Some(t * (1.0 - q).ln() / (1.0 - p).ln())
    }
}

/// A summary with nothing measured yet.
pub(crate) fn empty_summary(label: &str, solver: &str) -> SolverSummary {
    SolverSummary {
        label: label.to_string(),
        solver: solver.to_string(),
        status: Status::Ok,
        reason: None,
        params: serde_json::Value::Null,
        best_energy: None,
        mean_energy: None,
        best_objective: None,
        mean_objective: None,
        raw_feasible_fraction: None,
        repaired_best_objective: None,
        gap_percent: None,
        mean_gap_percent: None,
        hits: 0,
        runs_completed: 0,
        success_probability: None,
        mean_wall_s: None,
        time_to_target_s: None,
        tts99_s: None,
        energy_mismatches: 0,
        variational: None,
        saving_vs_plan_percent: None,
        backend: None,
        decomposition: None,
        picture: None,
        runs: Vec::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tts_rule() {
        assert_eq!(tts(0.0, 1.0, 0.99), None);
        assert_eq!(tts(1.0, 2.0, 0.99), Some(2.0));
        let v = tts(0.5, 1.0, 0.99).unwrap();
        assert!((v - 0.01f64.ln() / 0.5f64.ln()).abs() < 1e-12);
    }

    #[test]
    fn sort_key_orders_like_floats() {
        use super::super::assess::sort_key;
        let mut v = [3.5, -1.0, 0.0, -7.25, 2.0];
        let mut k: Vec<u64> = v.iter().map(|&e| sort_key(e)).collect();
        k.sort();
        v.sort_by(f64::total_cmp);
        let back: Vec<u64> = v.iter().map(|&e| sort_key(e)).collect();
        assert_eq!(k, back);
    }

    #[test]
    fn reaching_the_reference() {
        assert!(reaches(Sense::Minimize, 100.0, 100.0, 1e-9));
        assert!(!reaches(Sense::Minimize, 100.1, 100.0, 1e-9));
        assert!(reaches(Sense::Maximize, 101.0, 100.0, 1e-9));
        assert!(!reaches(Sense::Maximize, 99.0, 100.0, 1e-9));
    }
}
