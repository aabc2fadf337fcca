//! `Comparison`: every number is recomputed from the samples, lies are caught, solvers that
//! cannot run are skipped with a reason, gaps and TTS follow their definitions.

use std::sync::Arc;
use std::sync::atomic::AtomicBool;

use quboflow::compare::{
    Comparison, Evaluate, Evaluation, Reference, ReferenceKind, Status, Target, tts,
};
use quboflow::solvers::{Exact, SimulatedAnnealing, Tabu};
use quboflow::testing::{brute_force, random_qubo};
use quboflow::{Info, Objective, Qubo, RunControl, SampleSet, Sense, Solver};

/// Returns the samples of an honest solver but claims every energy is 1000 lower, and
/// claims its worst sample is the best.
struct Liar;

impl Solver for Liar {
    fn name(&self) -> &'static str {
        "liar"
    }
    fn params(&self) -> serde_json::Value {
        serde_json::json!({})
    }
    fn sample(&self, qubo: &Qubo, ctl: &RunControl) -> quboflow::Result<SampleSet> {
        let honest = SimulatedAnnealing {
            num_reads: Some(20),
            num_sweeps: Some(50),
            ..Default::default()
        }
        .sample(qubo, ctl)?;
        let worst = honest.samples.last().expect("samples").energy;
        let rows: Vec<(Vec<u8>, f64)> = honest
            .samples
            .iter()
            .map(|s| {
                let claim = if s.energy == worst {
                    -1e9
                } else {
                    s.energy - 1000.0
                };
                (s.sample.clone(), claim)
            })
            .collect();
        Ok(SampleSet::from_samples(
            qubo.num_vars(),
            rows,
            Info::new("liar", self.params(), honest.info.seed),
        ))
    }
}

/// Returns a sample of the wrong length.
struct Broken;

impl Solver for Broken {
    fn name(&self) -> &'static str {
        "broken"
    }
    fn params(&self) -> serde_json::Value {
        serde_json::json!({})
    }
    fn sample(&self, qubo: &Qubo, ctl: &RunControl) -> quboflow::Result<SampleSet> {
        let seed = ctl.resolve_seed();
        let x = vec![0u8; qubo.num_vars() + 1];
        Ok(SampleSet::from_rows(
            qubo.num_vars(),
            vec![quboflow::Sample {
                sample: x,
                energy: 0.0,
                num_occurrences: 1,
            }],
            Info::new("broken", self.params(), seed),
        ))
    }
}

/// A deliberately weak SA (4 reads × 5 sweeps), so it misses the optimum on some runs.
fn short_sa() -> SimulatedAnnealing {
    SimulatedAnnealing {
        num_reads: Some(4),
        num_sweeps: Some(5),
        ..Default::default()
    }
}

fn model() -> Qubo {
    random_qubo(12, 0.5, true, 11)
}

#[test]
fn a_lying_solver_is_caught_and_its_claims_ignored() {
    let q = model();
    let energy = Objective::energy();
    let report = Comparison::new()
        .solver("liar", Liar)
        .solver("exact", Exact::default())
        .repeats(2)
        .seed(3)
        .run(&Target::new("random", &q, &energy))
        .unwrap();
    let liar = &report.solvers[0];
    assert_eq!(liar.status, Status::Ok);
    assert!(liar.energy_mismatches > 0);
    assert!(
        report
            .warnings
            .iter()
            .any(|w| w.starts_with("liar:") && w.contains("recomputed")),
        "{:?}",
        report.warnings
    );
    let (ground, _) = brute_force(&q);
    // The claims (−1e9, or 1000 below the truth) never reach the report.
    for run in &liar.runs {
        assert!(run.best_energy >= ground - 1e-9);
        let lowest = run.energies.first().unwrap()[0];
        assert_eq!(run.best_energy, lowest);
        let mean_from_hist: f64 = run.energies.iter().map(|e| e[0] * e[1]).sum::<f64>()
            / run.energies.iter().map(|e| e[1]).sum::<f64>();
        assert!((run.mean_energy - mean_from_hist).abs() < 1e-9);
    }
    assert!(liar.best_energy.unwrap() >= ground - 1e-9);
    // The honest solver draws no warning.
    assert_eq!(report.solvers[1].energy_mismatches, 0);
    assert!(!report.warnings.iter().any(|w| w.starts_with("exact:")));
}

#[test]
fn figures_match_a_recomputation_from_scratch() {
    let q = model();
    let (ground, _) = brute_force(&q);
    let energy = Objective::energy();
    let target = Target::new("random", &q, &energy).reference(Some(Reference {
        value: ground,
        kind: ReferenceKind::ProvenOptimum,
        source: "brute force".into(),
    }));
    let report = Comparison::new()
        .solver("exact", Exact::default())
        .solver("sa", short_sa())
        .repeats(4)
        .seed(9)
        .run(&target)
        .unwrap();
    for s in &report.solvers {
        assert_eq!(s.runs.len(), 4);
        assert_eq!(s.runs_completed, 4);
        for (r, run) in s.runs.iter().enumerate() {
            assert_eq!(run.seed, report.settings.seeds[r]);
            let gap = 100.0 * (run.best_objective.unwrap() - ground) / ground.abs();
            assert!((run.gap_percent.unwrap() - gap).abs() < 1e-9);
            assert_eq!(run.hit, run.best_objective.unwrap() <= ground + 1e-9);
            assert_eq!(run.time_to_target_s.is_some(), run.hit);
            let reads: f64 = run.energies.iter().map(|e| e[1]).sum();
            assert_eq!(reads as u64, run.num_reads);
        }
        let hits = s.runs.iter().filter(|r| r.hit).count();
        assert_eq!(s.hits, hits);
        let p = hits as f64 / 4.0;
        assert_eq!(s.success_probability, Some(p));
        assert_eq!(s.tts99_s, tts(p, s.mean_wall_s.unwrap(), 0.99));
        let best = s
            .runs
            .iter()
            .map(|r| r.best_energy)
            .fold(f64::INFINITY, f64::min);
        assert_eq!(s.best_energy, Some(best));
    }
    let exact = &report.solvers[0];
    assert_eq!(exact.best_objective, Some(ground));
    assert_eq!(exact.gap_percent, Some(0.0));
    assert_eq!(exact.hits, 4);
    assert_eq!(exact.tts99_s, exact.mean_wall_s);
    // The same seeds give the same samples (times aside).
    let again = Comparison::new()
        .solver("sa", short_sa())
        .repeats(4)
        .seed(9)
        .run(&target)
        .unwrap();
    let energies = |s: &quboflow::compare::SolverSummary| -> Vec<Vec<[f64; 2]>> {
        s.runs.iter().map(|r| r.energies.clone()).collect()
    };
    assert_eq!(energies(&report.solvers[1]), energies(&again.solvers[0]));
}

#[test]
fn solvers_that_cannot_run_are_skipped_or_failed_with_the_reason() {
    let q = model();
    let energy = Objective::energy();
    let report = Comparison::new()
        .solver(
            "exact",
            Exact {
                max_num_vars: 8,
                ..Default::default()
            },
        )
        .solver("broken", Broken)
        .solver("tabu", Tabu::default())
        .repeats(2)
        .seed(1)
        .run(&Target::new("random", &q, &energy))
        .unwrap();
    let exact = &report.solvers[0];
    assert_eq!(exact.status, Status::Skipped);
    assert!(exact.reason.as_deref().unwrap().contains("12 variables"));
    assert!(exact.runs.is_empty());
    let broken = &report.solvers[1];
    assert_eq!(broken.status, Status::Failed);
    assert!(
        broken
            .reason
            .as_deref()
            .unwrap()
            .contains("does not fit the model")
    );
    assert_eq!(report.solvers[2].status, Status::Ok);
    // No value was known: the best found is the reference, labelled as such.
    let r = report.reference.as_ref().unwrap();
    assert_eq!(r.kind, ReferenceKind::BestFound);
    assert_eq!(Some(r.value), report.solvers[2].best_objective);
    assert!(quboflow::report::to_text(&report).contains("exact skipped: "));
}

/// Odd variables must be 0 to be feasible; objective = energy.
struct EvenOnly;

impl Evaluate for EvenOnly {
    fn problem(&self) -> String {
        "even".into()
    }
    fn objective_name(&self) -> String {
        "energy".into()
    }
    fn sense(&self) -> Sense {
        Sense::Minimize
    }
    fn evaluate(&self, sample: &[u8], energy: f64) -> Evaluation {
        Evaluation {
            objective: Some(energy),
            feasible: sample.iter().skip(1).step_by(2).all(|&b| b == 0),
        }
    }
    fn repair(&self, _sample: &[u8]) -> Option<Evaluation> {
        Some(Evaluation {
            objective: Some(12345.0),
            feasible: true,
        })
    }
}

#[test]
fn feasibility_comes_from_the_evaluator_and_repair_is_separate() {
    let q = model();
    let report = Comparison::new()
        .solver(
            "exact",
            Exact {
                num_states: 4096,
                ..Default::default()
            },
        )
        .repeats(1)
        .repair(true)
        .seed(2)
        .run(&Target::new("random", &q, &EvenOnly))
        .unwrap();
    let s = &report.solvers[0];
    // 4096 = every state; a quarter of the 12-bit states have all six odd bits 0... 1/64.
    assert!((s.raw_feasible_fraction.unwrap() - 1.0 / 64.0).abs() < 1e-12);
    let best_even = (0..4096u32)
        .map(|m| (0..12).map(|k| (m >> k & 1) as u8).collect::<Vec<u8>>())
        .filter(|x| x.iter().skip(1).step_by(2).all(|&b| b == 0))
        .map(|x| q.energy(&x))
        .fold(f64::INFINITY, f64::min);
    assert_eq!(s.best_objective, Some(best_even));
    assert_eq!(s.repaired_best_objective, Some(12345.0));
    let csv = quboflow::report::to_csv(&report);
    assert!(
        csv.lines()
            .next()
            .unwrap()
            .contains("repaired_best_objective")
    );
    assert!(quboflow::report::to_markdown(&report).contains("repaired best (flagged)"));
}

#[test]
fn cancelled_comparisons_say_so() {
    let q = model();
    let energy = Objective::energy();
    let flag = Arc::new(AtomicBool::new(true));
    let report = Comparison::new()
        .solver("sa", SimulatedAnnealing::default())
        .cancel_flag(flag)
        .run(&Target::new("random", &q, &energy))
        .unwrap();
    assert!(report.interrupted);
    assert_eq!(report.solvers[0].status, Status::Cancelled);
    assert!(
        Comparison::new()
            .repeats(0)
            .run(&Target::new("r", &q, &energy))
            .is_err()
    );
    // A repeat count whose records cannot fit is refused before anything runs or allocates.
    let err = Comparison::new()
        .solver("sa", SimulatedAnnealing::default())
        .repeats(usize::MAX / 2)
        .run(&Target::new("r", &q, &energy))
        .unwrap_err();
    assert!(matches!(err, quboflow::Error::OutOfMemory { .. }), "{err}");
}

#[test]
fn maximised_objectives_use_the_native_sense() {
    // Max-Cut of a 4-cycle: maximum cut 4.
    let mut b = quboflow::QuboBuilder::new(4);
    for (i, j) in [(0, 1), (1, 2), (2, 3), (0, 3)] {
        b.add_linear(i, -1.0);
        b.add_linear(j, -1.0);
        b.add_quadratic(i, j, 2.0);
    }
    let q = b.build().unwrap();
    let cut = Objective::max_cut();
    let target = Target::new("c4", &q, &cut).reference(Some(Reference {
        value: 5.0,
        kind: ReferenceKind::User,
        source: "test".into(),
    }));
    let report = Comparison::new()
        .solver("exact", Exact::default())
        .repeats(1)
        .run(&target)
        .unwrap();
    let s = &report.solvers[0];
    assert_eq!(s.best_objective, Some(4.0));
    assert!((s.gap_percent.unwrap() - 20.0).abs() < 1e-12);
    assert_eq!(s.hits, 0);
    assert_eq!(s.tts99_s, None);
    assert!(quboflow::report::to_text(&report).contains("user value"));
}
