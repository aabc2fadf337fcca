//! The solver conformance kit and test helpers (feature `testing`).
//!
//! Every [`Solver`] in quboflow, and any written outside it, should pass [`check_solver`]:
//!
//! * every returned energy equals `qubo.energy(sample)` and rows are sorted and distinct;
//! * `info` records the solver's name, the seed given, and the library version;
//! * the same seed gives the same samples on 1, 2 and 4 threads;
//! * no sample is below the brute-force optimum on small problems (and, if the solver claims
//!   it, the optimum is found);
//! * a time limit and the cancel flag end a long run promptly, with the run flagged;
//! * the progress callback is called.
//!
//! ```
//! use quboflow::solvers::SteepestDescent;
//! use quboflow::testing::{check_solver, KitOptions};
//! let fast = SteepestDescent { num_reads: Some(50), ..Default::default() };
//! let heavy = SteepestDescent { num_reads: Some(1 << 40), ..Default::default() };
//! check_solver(&fast, &heavy, &KitOptions { heavy_num_vars: 300, ..Default::default() });
//! ```

#![allow(clippy::unwrap_used, clippy::panic)]

mod schema;

pub use schema::schema_errors;

use std::path::PathBuf;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use rand::rngs::Xoshiro256PlusPlus;
use rand::{Rng, RngExt, SeedableRng};

use crate::control::RunControl;
use crate::error::Error;
use crate::qubo::{Qubo, QuboBuilder};
use crate::sampleset::{SampleSet, Termination, VERSION};
use crate::solver::Solver;

/// A random QUBO: each pair present with probability `density`; integer coefficients in
/// `−10..=10` when `integer`, else uniform reals in `[−1, 1)`.
pub fn random_qubo(n: usize, density: f64, integer: bool, seed: u64) -> Qubo {
    let mut rng = Xoshiro256PlusPlus::seed_from_u64(seed);
    let coef = |rng: &mut Xoshiro256PlusPlus| -> f64 {
        if integer {
            rng.random_range(-10i32..=10) as f64
        } else {
            rng.random_range(-1.0..1.0)
        }
    };
    let mut b = QuboBuilder::new(n);
    for i in 0..n {
        let w = coef(&mut rng);
        b.add_linear(i, w);
        for j in i + 1..n {
            if rng.random::<f64>() < density {
                let w = coef(&mut rng);
                b.add_quadratic(i, j, w);
            }
        }
    }
    b.add_offset(coef(&mut rng));
    b.build().unwrap()
}

/// Minimum energy by plain enumeration (no Gray code, no incremental updates: an independent
/// check of [`crate::solvers::Exact`]); returns the minimum and every state attaining it.
pub fn brute_force(q: &Qubo) -> (f64, Vec<Vec<u8>>) {
    let n = q.num_vars();
    assert!(n <= 24, "brute force is for small models");
    let mut best = f64::INFINITY;
    let mut arg = Vec::new();
    let mut x = vec![0u8; n];
    for s in 0u64..(1u64 << n) {
        for (i, b) in x.iter_mut().enumerate() {
            *b = ((s >> i) & 1) as u8;
        }
        let e = q.energy(&x);
        if e < best - 1e-9 {
            best = e;
            arg.clear();
        }
        if (e - best).abs() <= 1e-9 {
            arg.push(x.clone());
        }
    }
    (best, arg)
}

/// Checks the structural promises of a sample set against its model.
pub fn check_sampleset(q: &Qubo, ss: &SampleSet, solver: &str) {
    assert_eq!(ss.info.solver, solver, "info.solver");
    assert_eq!(ss.info.version, VERSION, "info.version");
    assert_eq!(ss.num_vars, q.num_vars());
    assert!(!ss.is_empty(), "{solver}: empty sample set");
    let scale = 1.0
        + q.linear().iter().map(|w| w.abs()).sum::<f64>()
        + q.interactions().map(|t| t.2.abs()).sum::<f64>();
    let err = ss.max_energy_error(q).unwrap();
    assert!(
        err <= 1e-12 * scale,
        "{solver}: reported energy off by {err}"
    );
    for w in ss.samples.windows(2) {
        assert!(
            w[0].energy <= w[1].energy,
            "{solver}: rows not sorted by energy"
        );
        assert_ne!(w[0].sample, w[1].sample, "{solver}: duplicate rows");
    }
    assert!(ss.samples.iter().all(|s| s.num_occurrences >= 1));
    assert!(ss.samples.iter().all(|s| s.energy.is_finite()));
}

/// Options of [`check_solver`].
#[derive(Debug, Clone)]
pub struct KitOptions {
    /// Require the fast solver to find the brute-force optimum on problems of ≤ 12 variables.
    pub expect_optimum: bool,
    /// Size of the problem the heavy solver is stopped on (time limit and cancel checks).
    pub heavy_num_vars: usize,
    /// Largest problem the fast solver is run on.
    pub max_num_vars: usize,
    /// How late a stop may come and still pass (generous: CI machines are slow and shared;
    /// this checks that a stop is honoured, it does not time anything).
    pub stop_slack: Duration,
}

impl Default for KitOptions {
    fn default() -> Self {
        KitOptions {
            expect_optimum: false,
            heavy_num_vars: 2000,
            max_num_vars: 60,
            stop_slack: Duration::from_secs(3),
        }
    }
}

fn same_samples(a: &SampleSet, b: &SampleSet) -> bool {
    a.samples == b.samples && a.info.seed == b.info.seed && a.info.params == b.info.params
}

/// Runs the whole kit; panics with a message naming the failed promise.
///
/// `fast` is configured for quick runs; `heavy` must keep running for minutes unless
/// stopped (e.g. a huge `num_reads`), so that the time-limit and cancel checks mean something.
pub fn check_solver<S: Solver>(fast: &S, heavy: &S, opts: &KitOptions) {
    let name = fast.name();
    // 1. Energies, structure and recorded info on assorted models.
    let sizes = [1usize, 2, 7, 12, 33, opts.max_num_vars];
    for (k, &n) in sizes.iter().enumerate() {
        if n > opts.max_num_vars {
            continue;
        }
        for (density, integer) in [(0.5, true), (1.0, false), (0.05, false)] {
            let q = random_qubo(n, density, integer, 1000 + k as u64);
            let ss = fast.sample(&q, &RunControl::new().seed(11)).unwrap();
            check_sampleset(&q, &ss, name);
            assert_eq!(ss.info.seed, 11, "{name}: info.seed must be the seed given");
            assert_eq!(ss.info.termination, Termination::Completed);
            // 2. Never below the optimum; the optimum itself when claimed.
            if n <= 12 {
                let (opt, argmins) = brute_force(&q);
                let best = ss.first().unwrap();
                assert!(
                    best.energy >= opt - 1e-9,
                    "{name}: energy below the optimum"
                );
                if opts.expect_optimum {
                    assert!(
                        (best.energy - opt).abs() <= 1e-9,
                        "{name}: missed the optimum {opt} (got {}) on n = {n}",
                        best.energy
                    );
                    assert!(argmins.contains(&best.sample));
                }
            }
        }
    }
    // 3. Same seed, same result, whatever the thread count.
    let q = random_qubo(opts.max_num_vars.min(40), 0.3, false, 77);
    let runs: Vec<SampleSet> = [1usize, 2, 4]
        .iter()
        .map(|&t| {
            rayon::ThreadPoolBuilder::new()
                .num_threads(t)
                .build()
                .unwrap()
                .install(|| fast.sample(&q, &RunControl::new().seed(5)).unwrap())
        })
        .collect();
    assert!(
        same_samples(&runs[0], &runs[1]),
        "{name}: 1 vs 2 threads differ"
    );
    assert!(
        same_samples(&runs[0], &runs[2]),
        "{name}: 1 vs 4 threads differ"
    );
    let again = fast.sample(&q, &RunControl::new().seed(5)).unwrap();
    assert!(same_samples(&runs[0], &again), "{name}: not reproducible");
    // A drawn seed is recorded and reproduces the run.
    let drawn = fast.sample(&q, &RunControl::new()).unwrap();
    let replay = fast
        .sample(&q, &RunControl::new().seed(drawn.info.seed))
        .unwrap();
    assert!(
        same_samples(&drawn, &replay),
        "{name}: recorded seed does not reproduce the run"
    );

    // 4. Time limit.
    let big = random_qubo(
        opts.heavy_num_vars,
        10.0 / opts.heavy_num_vars as f64,
        false,
        9,
    );
    let limit = Duration::from_millis(200);
    let t0 = Instant::now();
    let r = heavy.sample(&big, &RunControl::new().seed(1).time_limit(limit));
    let took = t0.elapsed();
    assert!(
        took <= limit + opts.stop_slack,
        "{name}: time limit {limit:?} overrun: {took:?}"
    );
    match r {
        Ok(ss) => {
            assert_eq!(
                ss.info.termination,
                Termination::TimeLimit,
                "{name}: stop not flagged"
            );
            check_sampleset(&big, &ss, name);
        }
        Err(Error::TimeLimit(_)) => {}
        Err(e) => panic!("{name}: time limit gave error {e}"),
    }

    // 5. Cancellation from another thread, and a run cancelled before it starts.
    let ctl = RunControl::new().seed(1);
    let flag = ctl.cancel_handle();
    let canceller = std::thread::spawn(move || {
        std::thread::sleep(Duration::from_millis(200));
        flag.store(true, Ordering::Relaxed);
    });
    let t0 = Instant::now();
    let r = heavy.sample(&big, &ctl);
    let took = t0.elapsed();
    canceller.join().unwrap();
    assert!(
        took <= Duration::from_millis(200) + opts.stop_slack,
        "{name}: cancel took {took:?}"
    );
    match r {
        Ok(ss) => assert_eq!(
            ss.info.termination,
            Termination::Cancelled,
            "{name}: cancel not flagged"
        ),
        Err(Error::Cancelled) => {}
        Err(e) => panic!("{name}: cancel gave error {e}"),
    }
    let ctl = RunControl::new();
    ctl.cancel();
    let t0 = Instant::now();
    let r = heavy.sample(&big, &ctl);
    assert!(
        t0.elapsed() <= opts.stop_slack,
        "{name}: pre-cancelled run did not stop"
    );
    assert!(
        matches!(r, Err(Error::Cancelled))
            || matches!(&r, Ok(ss) if ss.info.termination == Termination::Cancelled)
    );

    // 6. Progress.
    let calls = Arc::new(AtomicU64::new(0));
    let c2 = Arc::clone(&calls);
    let q = random_qubo(20, 0.3, true, 3);
    let ctl = RunControl::new().seed(2).progress(move |p| {
        assert!(p.done <= p.total || p.total == 0);
        c2.fetch_add(1, Ordering::Relaxed);
    });
    fast.sample(&q, &ctl).unwrap();
    assert!(
        calls.load(Ordering::Relaxed) > 0,
        "{name}: progress callback never called"
    );
}

/// The benchmark data folder (`shared/data`): `$QUBOFLOW_DATA` if set, else the first
/// `shared/data` found walking up from this crate.
pub fn data_dir() -> Option<PathBuf> {
    if let Some(d) = std::env::var_os("QUBOFLOW_DATA") {
        return Some(PathBuf::from(d));
    }
    let here = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    here.ancestors()
        .map(|a| a.join("shared").join("data"))
        .find(|p| p.is_dir())
}

/// A file under the data folder, or `None` (with a note on stderr) when the data is absent.
///
/// With `QUBOFLOW_REQUIRE_DATA=1` (set by `.ci/run`) a missing file is a test failure
/// instead, so CI cannot pass by skipping.
pub fn data_file(relative: &str) -> Option<PathBuf> {
    let found = data_dir().map(|d| d.join(relative)).filter(|p| p.is_file());
    if found.is_none() {
        if std::env::var("QUBOFLOW_REQUIRE_DATA").as_deref() == Ok("1") {
            panic!("data file {relative} not found (set QUBOFLOW_DATA to the shared/data folder)");
        }
        eprintln!("skipping: data file {relative} not found (set QUBOFLOW_DATA)");
    }
    found
}

/// A uniformly random 0/1 vector (for property tests that need states).
pub fn random_state(n: usize, seed: u64) -> Vec<u8> {
    let mut rng = Xoshiro256PlusPlus::seed_from_u64(seed);
    (0..n).map(|_| (rng.next_u32() & 1) as u8).collect()
}
