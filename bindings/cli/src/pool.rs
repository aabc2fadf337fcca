//! `solve --encoding cvrp-route-pool --time-limit T`: pool growth and QUBO route selection in
//! turn for the whole time limit, the chosen solver doing every selection.

use std::time::{Duration, Instant};

use quboflow::{RunControl, SampleSet};
use quboflow_problems::pool::{PoolSearch, PoolSearchOptions, pool_search};
use quboflow_problems::{Cvrp, Encoded, Loaded};
use quboflow_runtime::{SolverKind, build, check_applies};
use serde_json::json;

use crate::params::SolverParams;

/// Runs the search; returns the last pool's encoding (with `loaded` as its source), the last
/// selection's samples, the wall time and the search record.
pub(crate) fn run(
    loaded: &Loaded,
    cvrp: &Cvrp,
    kind: SolverKind,
    params: &SolverParams,
    seed: Option<u64>,
    limit: Duration,
    quiet: bool,
) -> anyhow::Result<(Encoded, SampleSet, Duration, PoolSearch)> {
    let given = params.given()?;
    let warm_starts =
        check_applies("initial_states", &[kind]).is_ok() && !given.contains_key("initial_states");
    let seed = seed.unwrap_or_else(|| RunControl::new().resolve_seed());
    let cancel = crate::solve::ctrl_c_flag();
    let opts = PoolSearchOptions {
        time_limit: limit,
        pool: quboflow_problems::pool::PoolOptions {
            seed,
            ..PoolSearchOptions::default().pool
        },
        ..Default::default()
    };
    let t0 = Instant::now();
    let mut select = |enc: &Encoded,
                      warm: Option<Vec<u8>>,
                      time: Duration,
                      round: usize|
     -> quboflow_problems::Result<SampleSet> {
        let mut p = given.clone();
        if let (true, Some(x)) = (warm_starts, warm) {
            p.insert("initial_states".into(), json!([x]));
        }
        let solver = build(kind, &p).map_err(|e| quboflow_problems::Error::Invalid {
            what: "solver",
            reason: e.to_string(),
        })?;
        let ctl = RunControl::new()
            .seed(quboflow::control::derive_seed(seed, round as u64))
            .time_limit(time)
            .cancel_flag(std::sync::Arc::clone(&cancel));
        let ss = solver.sample(&enc.qubo, &ctl)?;
        if !quiet {
            eprintln!(
                "pool round {}: {} routes, best selection energy {}",
                round + 1,
                enc.qubo.num_vars(),
                ss.first().map_or(f64::NAN, |s| s.energy)
            );
        }
        Ok(ss)
    };
    let search = pool_search(cvrp, &opts, &mut select)?;
    let total = t0.elapsed();
    let mut enc = search.encoded.clone();
    loaded.attach_source(&mut enc, 0.0);
    let mut ss = search.samples.clone();
    // The run's seed is the one the user gave (each selection derives its own from it).
    ss.info.seed = seed;
    Ok((enc, ss, total, search))
}

/// The lines the text report adds: each round, and what the selection contributed.
pub(crate) fn lines(search: &PoolSearch) -> Vec<String> {
    let mut out: Vec<String> = search
        .rounds
        .iter()
        .enumerate()
        .map(|(k, r)| {
            format!(
                "round {}: {} routes; best solution met while growing {}; QUBO selection {} ({:.1} s)",
                k + 1,
                r.pool_routes,
                r.pool_best,
                r.selected.map_or("infeasible".into(), |s| s.to_string()),
                r.elapsed_s
            )
        })
        .collect();
    out.push(format!(
        "the QUBO selection beat every solution the growth had met in {} of {} rounds; best {} ({})",
        search.selection_wins,
        search.rounds.len(),
        search.cost,
        if search.from_selection {
            "reached by the last selection"
        } else {
            "from the classical growth, not the last selection"
        }
    ));
    out
}
