//! The `Backend` contract on the statevector backend: a batch answers as its angle sets do one
//! by one, samples are consistent with the exact figures, and `Qaoa` runs through whatever
//! backend it is given.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use quboflow::testing::random_qubo;
use quboflow::{RunControl, Solver};
use quboflow_qaoa::{
    Angles, Ansatz, Backend, Engine, Measurement, Precision, Prepared, Qaoa, Statevector,
};

fn angles(p: usize, k: usize) -> Angles {
    Angles {
        gamma: (0..p).map(|l| -0.1 - 0.05 * (l + k) as f64).collect(),
        beta: (0..p).map(|l| 0.4 - 0.07 * (l + 2 * k) as f64).collect(),
    }
}

#[test]
fn a_batch_answers_as_its_angle_sets_one_by_one() {
    let q = random_qubo(8, 0.5, true, 3);
    let ansatz = Ansatz::new(&q, &Default::default()).unwrap();
    let engine = Engine::<f64>::new(&ansatz).unwrap();
    let run = Statevector::default().prepare(&ansatz).unwrap();
    assert!(run.is_exact());
    let batch: Vec<Angles> = (0..3).map(|k| angles(2, k)).collect();
    let e = run.expectations(&batch).unwrap();
    let g = run.gradients(&batch).unwrap();
    assert_eq!((e.len(), g.len()), (3, 3));
    for (k, a) in batch.iter().enumerate() {
        let one = engine.expectation(a).unwrap();
        assert!((e[k] - one).abs() < 1e-12, "set {k}: {} vs {one}", e[k]);
        let (value, grad) = engine.gradient(a).unwrap();
        assert!((g[k].0 - value).abs() < 1e-12);
        assert_eq!(g[k].1.len(), 4);
        for (x, y) in g[k].1.iter().zip(&grad) {
            assert!((x - y).abs() < 1e-12);
        }
    }
    // Different angle sets give different values: the batch is not one answer repeated.
    assert!((e[0] - e[1]).abs() > 1e-6);
}

#[test]
fn shots_agree_with_the_exact_figures() {
    let q = random_qubo(7, 0.6, true, 11);
    let ansatz = Ansatz::new(&q, &Default::default()).unwrap();
    let engine = Engine::<f64>::new(&ansatz).unwrap();
    for precision in [Precision::Complex128, Precision::Complex64] {
        let backend = Statevector {
            precision,
            ..Default::default()
        };
        let run = backend.prepare(&ansatz).unwrap();
        let batch = [angles(3, 0), angles(3, 1)];
        let m: Vec<Measurement> = run.sample(&batch, 4000, 5).unwrap();
        assert_eq!(m.len(), 2);
        let again = run.sample(&batch, 4000, 5).unwrap();
        assert!(
            m.iter().zip(&again).all(|(a, b)| a.counts == b.counts),
            "seeded draws repeat ({precision:?})"
        );
        for (k, meas) in m.iter().enumerate() {
            assert!(meas.exact);
            assert_eq!(meas.counts.iter().map(|c| c.1).sum::<u64>(), 4000);
            let state = engine.state(&batch[k]).unwrap();
            let probs = meas.probabilities.as_ref().unwrap();
            let [lo, hi] = meas.cost_range.unwrap();
            let mut mean = 0.0;
            for ((bits, count), p) in meas.counts.iter().zip(probs) {
                let x = bits
                    .iter()
                    .enumerate()
                    .fold(0usize, |acc, (i, &b)| acc | (b as usize) << i);
                assert!((state.probability(x) - p).abs() < 1e-5);
                let energy = q.energy(bits);
                assert!(energy >= lo - 1e-9 && energy <= hi + 1e-9);
                mean += energy * *count as f64 / 4000.0;
            }
            // The shot mean estimates ⟨C⟩ (4000 shots: well inside 5 % of the range).
            let exact = engine.expectation(&batch[k]).unwrap();
            assert!((meas.expectation - exact).abs() < 1e-4 * (hi - lo).max(1.0));
            assert!((mean - exact).abs() < 0.05 * (hi - lo), "{mean} vs {exact}");
        }
    }
}

/// The statevector backend, counting the calls `Qaoa` makes on it.
#[derive(Debug, Default)]
struct Counting {
    inner: Statevector,
    prepared: Arc<AtomicUsize>,
    batches: Arc<AtomicUsize>,
}

struct CountingRun {
    inner: Box<dyn Prepared>,
    batches: Arc<AtomicUsize>,
}

impl Backend for Counting {
    fn name(&self) -> &'static str {
        "counting"
    }
    fn params(&self) -> serde_json::Value {
        serde_json::json!({"wraps": "statevector"})
    }
    fn prepare(&self, ansatz: &Ansatz) -> quboflow_qaoa::Result<Box<dyn Prepared>> {
        self.prepared.fetch_add(1, Ordering::Relaxed);
        Ok(Box::new(CountingRun {
            inner: self.inner.prepare(ansatz)?,
            batches: self.batches.clone(),
        }))
    }
}

impl Prepared for CountingRun {
    fn is_exact(&self) -> bool {
        true
    }
    fn expectations(&self, batch: &[Angles]) -> quboflow_qaoa::Result<Vec<f64>> {
        self.batches.fetch_add(1, Ordering::Relaxed);
        self.inner.expectations(batch)
    }
    fn sample(
        &self,
        batch: &[Angles],
        shots: usize,
        seed: u64,
    ) -> quboflow_qaoa::Result<Vec<Measurement>> {
        self.batches.fetch_add(1, Ordering::Relaxed);
        self.inner.sample(batch, shots, seed)
    }
    fn describe(&self) -> serde_json::Value {
        serde_json::json!({"backend": "counting"})
    }
}

#[test]
fn qaoa_runs_through_the_backend_it_is_given() {
    let q = random_qubo(6, 0.5, true, 8);
    let counting = Counting::default();
    let (prepared, batches) = (counting.prepared.clone(), counting.batches.clone());
    let solver = Qaoa {
        backend: Arc::new(counting),
        // A backend without gradients: a derivative-free optimiser.
        optimizer: "cobyla".parse().unwrap(),
        max_evals: 20,
        num_reads: 50,
        ..Default::default()
    };
    let ss = solver.sample(&q, &RunControl::new().seed(1)).unwrap();
    assert_eq!(prepared.load(Ordering::Relaxed), 1);
    assert!(
        batches.load(Ordering::Relaxed) >= 2,
        "optimised and sampled"
    );
    assert_eq!(ss.info.params["backend"], "counting");
    for s in &ss.samples {
        assert_eq!(s.energy, q.energy(&s.sample));
    }
    // L-BFGS needs the gradient this backend does not give: refused before any work.
    let lbfgs = Qaoa {
        backend: Arc::new(Counting::default()),
        ..Default::default()
    };
    let err = lbfgs.sample(&q, &RunControl::new().seed(1)).unwrap_err();
    assert!(err.to_string().contains("gradient"), "{err}");
}
