//! The IonQ backend against the loopback emulator: gate mapping and bit order, one round trip
//! per optimiser iteration, every fault class with its documented outcome, no duplicated job,
//! resume from the journal, cancel, cost limits, fallback, and the key kept out of every output.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use quboflow::testing::check_sampleset;
use quboflow::testing::random_qubo;
use quboflow::{Qubo, RunControl};
use quboflow_qaoa::{
    Angles, Ansatz, ApiKey, Backend, Emulator, EmulatorOptions, Error, Fallback, Fault, IonQ,
    ManualClock, OptimizerKind, Qaoa, RetryPolicy, Route, Statevector,
};

const KEY: &str = "test-key-5ecret";

fn emulator(polls: u32) -> Emulator {
    Emulator::start(EmulatorOptions {
        api_key: Some(KEY.into()),
        polls_to_complete: polls,
        idle_timeout: Duration::from_secs(120),
        ..Default::default()
    })
    .unwrap()
}

/// An IonQ backend on the emulator with a virtual clock (backoffs cost no time).
fn ionq(emu: &Emulator, target: &str) -> (IonQ, Arc<ManualClock>) {
    let clock = Arc::new(ManualClock::default());
    let mut b = IonQ::new(target);
    b.url = emu.url().to_string();
    b.api_key = Some(ApiKey::new(KEY));
    b.clock = clock.clone();
    b.policy = RetryPolicy {
        request_timeout: Duration::from_secs(5),
        ..Default::default()
    };
    (b, clock)
}

fn model(n: usize, seed: u64) -> Qubo {
    random_qubo(n, 0.6, false, seed)
}

fn angles() -> Angles {
    Angles {
        gamma: vec![0.31, -0.57],
        beta: vec![0.42, 0.18],
    }
}

fn no_duplicates(emu: &Emulator) {
    let created = emu.created();
    let mut unique = created.clone();
    unique.sort();
    unique.dedup();
    assert_eq!(
        unique.len(),
        created.len(),
        "a job was created twice: {created:?}"
    );
}

/// Ideal-simulator probabilities from the emulator equal the local engine's to 1e-12.
#[test]
fn ideal_simulator_matches_the_engine() {
    let emu = emulator(2);
    let q = model(12, 3);
    let ansatz = Ansatz::new(&q, &Default::default()).unwrap();
    let (b, _) = ionq(&emu, "simulator");
    let remote = b
        .prepare(&ansatz)
        .unwrap()
        .distributions(&[angles()], 1000, 1)
        .unwrap();
    let local = Statevector::default()
        .prepare(&ansatz)
        .unwrap()
        .distributions(&[angles()], 1000, 1)
        .unwrap();
    let worst = remote[0]
        .probabilities
        .iter()
        .zip(&local[0].probabilities)
        .map(|(a, b)| (a - b).abs())
        .fold(0.0, f64::max);
    assert!(worst < 1e-12, "largest difference {worst}");
    assert!((remote[0].expectation - local[0].expectation).abs() < 1e-9);
    assert_eq!(remote[0].shots, None, "the ideal simulator is exact");
    // Every request carried the key; none carried it anywhere else.
    for r in emu.requests() {
        assert!(r.authorized, "{r:?}");
        assert!(
            !r.body
                .map(|b| b.to_string())
                .unwrap_or_default()
                .contains(KEY)
        );
    }
}

/// QAOA (n = 12, p = 2) on the emulator's ideal simulator reaches the local run's ⟨C⟩ to
/// 1e-9 with one job per optimiser evaluation (COBYLA) and one per SPSA step (two circuits).
#[test]
fn qaoa_runs_one_job_per_iteration() {
    let q = model(12, 5);
    for optimizer in [OptimizerKind::Cobyla, OptimizerKind::Spsa] {
        let emu = emulator(1);
        let (b, _) = ionq(&emu, "simulator");
        let remote = Qaoa {
            p: 2,
            optimizer,
            // COBYLA branches on differences of 1e-15 between the two ⟨C⟩ sums, so the paths
            // part; run to convergence, where both reach the same optimum.
            max_evals: if optimizer == OptimizerKind::Cobyla {
                400
            } else {
                21
            },
            num_reads: 200,
            backend: Arc::new(b),
            ..Default::default()
        };
        let local = Qaoa {
            backend: Arc::new(Statevector::default()),
            ..remote.clone()
        };
        let ctl = RunControl::new().seed(11);
        let (rs, rr) = remote.run(&q, &ctl).unwrap();
        let (_, lr) = local.run(&q, &ctl).unwrap();
        assert!(
            (rr.expectation - lr.expectation).abs() < 1e-9,
            "{optimizer:?}: {} vs {}",
            rr.expectation,
            lr.expectation
        );
        if optimizer == OptimizerKind::Spsa {
            assert_eq!(rr.angles.depth(), 2);
            for (a, b) in rr.angles.to_flat().iter().zip(lr.angles.to_flat()) {
                assert!((a - b).abs() < 1e-9);
            }
        }
        check_sampleset(&q, &rs, "qaoa");
        eprintln!(
            "{optimizer:?}: ⟨C⟩ remote {} local {} (difference {:.1e}), {} evaluations, {} jobs",
            rr.expectation,
            lr.expectation,
            (rr.expectation - lr.expectation).abs(),
            rr.evaluations,
            emu.created().len()
        );
        let usage = rr.backend_usage.clone().unwrap();
        let jobs = emu.created().len() as u64;
        assert_eq!(usage["jobs"].as_u64(), Some(jobs));
        let expected = match optimizer {
            // One per evaluation, plus the final sampling.
            OptimizerKind::Cobyla => rr.evaluations as u64 + 1,
            // Calibration and steps send pairs; the final iterate and the initial point alone.
            _ => (rr.evaluations as u64 - 2) / 2 + 2 + 1,
        };
        assert_eq!(
            jobs, expected,
            "{optimizer:?}: {} evaluations",
            rr.evaluations
        );
        no_duplicates(&emu);
    }
}

fn run_expectation(b: IonQ) -> quboflow_qaoa::Result<f64> {
    let q = model(4, 1);
    let ansatz = Ansatz::new(&q, &Default::default()).unwrap();
    Ok(b.prepare(&ansatz)?.expectations(&[angles()])?[0])
}

#[test]
fn rate_limits_and_short_outages_are_retried() {
    let emu = emulator(2);
    emu.push_fault(
        Route::Create,
        Fault::Status {
            code: 429,
            retry_after: Some(7),
        },
    );
    for _ in 0..3 {
        emu.push_fault(
            Route::Job,
            Fault::Status {
                code: 503,
                retry_after: None,
            },
        );
    }
    emu.push_fault(
        Route::Results,
        Fault::Status {
            code: 502,
            retry_after: None,
        },
    );
    emu.push_fault(
        Route::Job,
        Fault::Status {
            code: 409,
            retry_after: None,
        },
    );
    let (b, clock) = ionq(&emu, "simulator");
    run_expectation(b).unwrap();
    // The Retry-After of the 429 was honoured.
    assert!(clock.sleeps().iter().map(|d| d.as_secs_f64()).sum::<f64>() >= 7.0);
    no_duplicates(&emu);
    assert_eq!(emu.created().len(), 1);
}

#[test]
fn an_outage_longer_than_the_budget_is_unavailable() {
    let emu = emulator(2);
    for _ in 0..5 {
        emu.push_fault(
            Route::Job,
            Fault::Status {
                code: 503,
                retry_after: None,
            },
        );
    }
    let (b, clock) = ionq(&emu, "simulator");
    let e = run_expectation(b).unwrap_err();
    assert!(matches!(e, Error::Unavailable { attempts: 5, .. }), "{e}");
    assert!(e.is_unavailable());
    // Capped exponential backoff: 0.5, 1, 2, 4 s plus under 1 s of jitter each.
    let s: Vec<f64> = clock.sleeps().iter().map(|d| d.as_secs_f64()).collect();
    assert!(
        s.iter().sum::<f64>() >= 7.5 && s.iter().sum::<f64>() < 12.0,
        "{s:?}"
    );
}

#[test]
fn a_500_is_not_retried() {
    let emu = emulator(2);
    emu.push_fault(
        Route::Job,
        Fault::Status {
            code: 500,
            retry_after: None,
        },
    );
    let (b, _) = ionq(&emu, "simulator");
    let e = run_expectation(b).unwrap_err();
    assert!(matches!(e, Error::Http { status: 500, .. }), "{e}");
    assert!(!e.is_unavailable());
    let gets = emu
        .requests()
        .iter()
        .filter(|r| r.method == "GET" && r.path.contains("/jobs/"))
        .count();
    assert_eq!(gets, 1, "the 500 was retried");
}

#[test]
fn a_refused_key_is_typed_and_never_printed() {
    let emu = emulator(2);
    let (mut b, _) = ionq(&emu, "simulator");
    b.api_key = Some(ApiKey::new("wrong-key-s3cr3t"));
    let e = run_expectation(b).unwrap_err();
    assert!(matches!(e, Error::Unauthorized { status: 401, .. }), "{e}");
    assert!(!e.to_string().contains("s3cr3t") && !format!("{e:?}").contains("s3cr3t"));
    emu.push_fault(
        Route::Create,
        Fault::Status {
            code: 403,
            retry_after: None,
        },
    );
    let (b, _) = ionq(&emu, "simulator");
    let e = run_expectation(b).unwrap_err();
    assert!(matches!(e, Error::Unauthorized { status: 403, .. }), "{e}");
    assert!(emu.created().is_empty());
}

#[test]
fn failed_jobs_name_the_job_and_code() {
    for code in [
        "BillingError",
        "CompilationError",
        "ContractExpiredError",
        "DebiasingError",
        "InternalError",
        "InvalidInput",
        "NotEnoughQubits",
        "OptimizationError",
        "PreflightError",
        "QuantumCircuitComplexityError",
        "QuantumComputerError",
        "QuotaExhaustedError",
        "SimulationError",
        "SimulationTimeout",
    ] {
        let emu = emulator(2);
        emu.push_fault(Route::Create, Fault::FailJob(code.into()));
        let (b, _) = ionq(&emu, "simulator");
        match run_expectation(b).unwrap_err() {
            Error::JobFailed { job, code: c, .. } => {
                assert_eq!(c, code);
                assert!(job.contains("-4000-"), "{job}");
            }
            e => panic!("{code}: {e}"),
        }
        assert_eq!(
            emu.created().len(),
            1,
            "{code}: a failed job is not resubmitted"
        );
    }
}

#[test]
fn malformed_slow_and_dropped_answers_are_retried_without_duplicates() {
    let emu = emulator(2);
    emu.push_fault(Route::Create, Fault::Drop); // created, answer lost: found by listing
    emu.push_fault(Route::Job, Fault::Malformed);
    emu.push_fault(Route::Job, Fault::Slow(Duration::from_millis(1500)));
    emu.push_fault(Route::Results, Fault::Drop);
    let (mut b, _) = ionq(&emu, "simulator");
    b.policy.request_timeout = Duration::from_millis(500);
    let e = run_expectation(b).unwrap();
    assert!(e.is_finite());
    assert_eq!(emu.created().len(), 1);
    // A malformed create answer: the job exists; the retry finds it.
    let emu = emulator(2);
    emu.push_fault(Route::Create, Fault::Malformed);
    emu.push_fault(
        Route::Create,
        Fault::Status {
            code: 503,
            retry_after: None,
        },
    );
    let (b, _) = ionq(&emu, "simulator");
    run_expectation(b).unwrap();
    no_duplicates(&emu);
    assert_eq!(emu.created().len(), 1);
}

#[test]
fn create_outages_fall_back_to_the_simulator() {
    let q = model(8, 9);
    let emu = emulator(2);
    for _ in 0..10 {
        emu.push_fault(
            Route::Create,
            Fault::Status {
                code: 503,
                retry_after: None,
            },
        );
    }
    let (b, _) = ionq(&emu, "qpu.aria-1");
    let both = Fallback {
        primary: Arc::new(b),
        fallback: Arc::new(Statevector::default()),
    };
    let qaoa = Qaoa {
        optimizer: OptimizerKind::Cobyla,
        max_evals: 10,
        backend: Arc::new(both),
        ..Default::default()
    };
    let (set, report) = qaoa.run(&q, &RunControl::new().seed(2)).unwrap();
    check_sampleset(&q, &set, "qaoa");
    let fb = &report.backend_usage.unwrap()["fallback"];
    assert_eq!(fb["used"], true);
    assert_eq!(fb["switched_at_evaluation"], 0);
    assert_eq!(
        fb["evaluations"]["statevector"].as_u64(),
        Some(report.evaluations as u64)
    );
    assert!(fb["reason"].as_str().unwrap().contains("503"));
    assert!(emu.created().is_empty());
    // A bad request is not hidden behind the fallback.
    let emu = emulator(2);
    emu.push_fault(
        Route::Create,
        Fault::Status {
            code: 400,
            retry_after: None,
        },
    );
    let (b, _) = ionq(&emu, "simulator");
    let both = Fallback {
        primary: Arc::new(b),
        fallback: Arc::new(Statevector::default()),
    };
    let qaoa = Qaoa {
        optimizer: OptimizerKind::Cobyla,
        max_evals: 5,
        backend: Arc::new(both),
        ..Default::default()
    };
    assert!(qaoa.run(&q, &RunControl::new().seed(2)).is_err());
}

/// A finished run's journal answers a second run with the same seed without a request.
#[test]
fn a_journal_resumes_without_resubmitting() {
    let q = model(6, 4);
    let dir = std::env::temp_dir().join(format!("qf-resume-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    let run = |emu: &Emulator| {
        let (mut b, _) = ionq(emu, "simulator");
        b.journal = Some(dir.clone());
        let qaoa = Qaoa {
            optimizer: OptimizerKind::Cobyla,
            max_evals: 8,
            num_reads: 100,
            backend: Arc::new(b),
            ..Default::default()
        };
        qaoa.run(&q, &RunControl::new().seed(5)).unwrap()
    };
    let emu = emulator(1);
    let (first, r1) = run(&emu);
    let jobs = emu.created().len();
    assert_eq!(jobs, r1.evaluations + 1);
    let emu2 = emulator(1);
    let (second, r2) = run(&emu2);
    assert!(emu2.created().is_empty(), "resumed run created jobs");
    assert_eq!(
        r2.backend_usage.unwrap()["resumed_jobs"].as_u64(),
        Some(jobs as u64)
    );
    assert_eq!(first.samples, second.samples);
    assert_eq!(r1.angles, r2.angles);
    let text = std::fs::read_to_string(dir.join("jobs.jsonl")).unwrap();
    assert!(!text.contains(KEY), "the key reached the journal");
    let _ = std::fs::remove_dir_all(&dir);
}

/// Cancel while a job is queued: the remote job is canceled and the run ends `Cancelled`.
#[test]
fn cancel_cancels_the_queued_job() {
    let emu = emulator(1_000_000);
    let (b, _) = ionq(&emu, "simulator");
    let q = model(4, 2);
    let flag = Arc::new(AtomicBool::new(false));
    let qaoa = Qaoa {
        optimizer: OptimizerKind::Cobyla,
        backend: Arc::new(b),
        ..Default::default()
    };
    let ctl = RunControl::new().seed(1).cancel_flag(flag.clone());
    let f = flag.clone();
    let watcher = std::thread::spawn(move || {
        std::thread::sleep(Duration::from_millis(300));
        f.store(true, Ordering::Relaxed);
    });
    let e = qaoa.run(&q, &ctl).unwrap_err();
    watcher.join().unwrap();
    assert!(matches!(e, Error::Core(quboflow::Error::Cancelled)), "{e}");
    let cancels: Vec<_> = emu
        .requests()
        .into_iter()
        .filter(|r| r.method == "PUT")
        .collect();
    assert_eq!(cancels.len(), 1);
    let id = cancels[0].path.split('/').nth(3).unwrap().to_string();
    assert_eq!(emu.job_status(&id).as_deref(), Some("canceled"));
}

#[test]
fn cost_limits_refuse_before_submitting() {
    let emu = emulator(1);
    let (mut b, _) = ionq(&emu, "qpu.aria-1");
    b.max_cost = Some(5.0);
    let qaoa = Qaoa {
        optimizer: OptimizerKind::Cobyla,
        max_evals: 50,
        backend: Arc::new(b),
        ..Default::default()
    };
    let e = qaoa
        .run(&model(6, 1), &RunControl::new().seed(1))
        .unwrap_err();
    assert!(matches!(e, Error::CostLimit { .. }), "{e}");
    assert!(
        emu.requests().iter().all(|r| r.method != "POST"),
        "a job was submitted"
    );
    // The estimate: at least 1 USD per circuit (the minimum), 51 circuits.
    let (b, _) = ionq(&emu, "qpu.aria-1");
    let ansatz = Ansatz::new(&model(6, 1), &Default::default()).unwrap();
    let est = b.estimate_cost(&ansatz, 1, 50, 1000).unwrap().unwrap();
    assert!(est.usd >= 51.0 && est.circuits == 51, "{est:?}");
    assert_eq!(est.source, "ionq");
    // The simulator is free.
    let (b, _) = ionq(&emu, "simulator");
    assert_eq!(
        b.estimate_cost(&ansatz, 1, 50, 1000).unwrap().unwrap().usd,
        0.0
    );
}

/// Noisy simulators and QPUs give shot frequencies; ⟨C⟩ carries a standard error and the
/// sampled counts add up to the shots.
#[test]
fn noisy_runs_report_shot_statistics() {
    let emu = emulator(1);
    let q = model(5, 8);
    let (mut b, _) = ionq(&emu, "simulator");
    b.noise_model = Some("aria-1".into());
    b.shots = 500;
    let qaoa = Qaoa {
        optimizer: OptimizerKind::Spsa,
        max_evals: 9,
        num_reads: 300,
        backend: Arc::new(b),
        ..Default::default()
    };
    let (set, report) = qaoa.run(&q, &RunControl::new().seed(3)).unwrap();
    check_sampleset(&q, &set, "qaoa");
    assert_eq!(
        set.samples.iter().map(|s| s.num_occurrences).sum::<u64>(),
        300
    );
    assert!(report.expectation_std_error.unwrap() > 0.0);
    let body = emu
        .requests()
        .into_iter()
        .find(|r| r.method == "POST")
        .unwrap()
        .body
        .unwrap();
    assert_eq!(body["noise"]["model"], "aria-1");
    // The published characterization loads as a noise model.
    let (b, _) = ionq(&emu, "simulator");
    let m = b.characterization("qpu.aria-1").unwrap();
    let named = quboflow_qaoa::NoiseModel::named("aria-1").unwrap();
    assert!((m.depolarizing_2q - named.depolarizing_2q).abs() < 1e-12);
}

/// The emulator refuses what IonQ refuses, as IonQ does.
#[test]
fn the_emulator_checks_circuits() {
    let emu = emulator(1);
    let (b, _) = ionq(&emu, "simulator");
    let q = model(30, 1);
    let ansatz = Ansatz::new(&q, &Default::default()).unwrap();
    let e = b
        .prepare(&ansatz)
        .unwrap()
        .expectations(&[angles()])
        .unwrap_err();
    assert!(
        matches!(&e, Error::JobFailed { code, .. } if code == "NotEnoughQubits"),
        "{e}"
    );
}

/// A backend that counts how often it is prepared.
#[derive(Debug)]
struct Counting(Arc<std::sync::atomic::AtomicUsize>);

impl Backend for Counting {
    fn name(&self) -> &'static str {
        "statevector"
    }
    fn params(&self) -> serde_json::Value {
        serde_json::Value::Null
    }
    fn prepare(&self, ansatz: &Ansatz) -> quboflow_qaoa::Result<Box<dyn quboflow_qaoa::Prepared>> {
        self.0.fetch_add(1, Ordering::Relaxed);
        Statevector::default().prepare(ansatz)
    }
}

/// The fallback is prepared only when it is needed (a QPU-sized circuit's statevector may
/// not fit), and then only once.
#[test]
fn the_fallback_is_prepared_only_when_used() {
    let q = model(6, 3);
    for outage in [false, true] {
        let emu = emulator(1);
        if outage {
            emu.push_fault(
                Route::Create,
                Fault::Status {
                    code: 401,
                    retry_after: None,
                },
            );
        }
        let (b, _) = ionq(&emu, "simulator");
        let prepared = Arc::new(std::sync::atomic::AtomicUsize::new(0));
        let qaoa = Qaoa {
            optimizer: OptimizerKind::Cobyla,
            max_evals: 6,
            backend: Arc::new(Fallback {
                primary: Arc::new(b),
                fallback: Arc::new(Counting(prepared.clone())),
            }),
            ..Default::default()
        };
        let (_, report) = qaoa.run(&q, &RunControl::new().seed(1)).unwrap();
        assert_eq!(prepared.load(Ordering::Relaxed), usize::from(outage));
        assert_eq!(report.backend_usage.unwrap()["fallback"]["used"], outage);
    }
}

/// Shots drawn from the ideal simulator's answer stay within the 99 % TVD bound of the exact
/// distribution (tolerance 0: shot noise must explain the whole distance).
#[test]
fn sampled_shots_stay_within_the_shot_noise_bound() {
    let emu = emulator(1);
    let q = model(8, 6);
    let ansatz = Ansatz::new(&q, &Default::default()).unwrap();
    let exact = Statevector::default()
        .prepare(&ansatz)
        .unwrap()
        .distributions(&[angles()], 0, 0)
        .unwrap()
        .remove(0);
    let costs = quboflow_qaoa::CostModel::new(&q, false).diagonal();
    let (b, _) = ionq(&emu, "simulator");
    let run = b.prepare(&ansatz).unwrap();
    let mut outside = 0;
    for seed in 0..20 {
        let m = run.sample(&[angles()], 4000, seed).unwrap().remove(0);
        let counts: Vec<(usize, u64)> = m
            .counts
            .iter()
            .map(|(bits, c)| {
                (
                    bits.iter()
                        .enumerate()
                        .map(|(k, &b)| (b as usize) << k)
                        .sum(),
                    *c,
                )
            })
            .collect();
        let sampled = quboflow_qaoa::Distribution::from_counts(8, &counts, &costs);
        let check = quboflow_qaoa::parity(&exact, &sampled, 0.0);
        assert!(check.tvd > 0.0);
        if !check.pass {
            outside += 1;
        }
        // ⟨C⟩ from the shots: within 4 standard errors of the exact value.
        assert!((sampled.expectation - exact.expectation).abs() < 4.0 * sampled.std_error + 1e-12);
    }
    assert_eq!(
        outside, 0,
        "{outside} of 20 shot samples outside the 99 % bound"
    );
}

/// Random starts: every starting point in one job, then one job per evaluation.
#[test]
fn random_starts_share_one_job() {
    let q = model(6, 2);
    let emu = emulator(1);
    let (b, _) = ionq(&emu, "simulator");
    let qaoa = Qaoa {
        init: quboflow_qaoa::InitStrategy::Random,
        num_starts: 4,
        optimizer: OptimizerKind::Cobyla,
        max_evals: 5,
        backend: Arc::new(b),
        ..Default::default()
    };
    let (_, r) = qaoa.run(&q, &RunControl::new().seed(9)).unwrap();
    assert_eq!(r.evaluations, 4 * 5);
    // One job of 4 circuits, then 4 × 4 single evaluations, then the final sampling.
    assert_eq!(emu.created().len(), 1 + 4 * 4 + 1);
    let local = Qaoa {
        backend: Arc::new(Statevector::default()),
        ..qaoa.clone()
    };
    let (_, l) = local.run(&q, &RunControl::new().seed(9)).unwrap();
    assert_eq!(l.history.len(), r.history.len());
    assert!((l.history[0] - r.history[0]).abs() < 1e-12);
}
