//! A backend that falls back to another when the first is unavailable (key refused, retry
//! budget spent, quota exhausted), recording where every evaluation ran.

use std::sync::atomic::AtomicBool;
use std::sync::{Arc, Mutex};

use serde_json::{Value, json};

use crate::ansatz::Ansatz;
use crate::backend::{Backend, Measurement, Prepared};
use crate::engine::Angles;
use crate::error::Result;
use crate::parity::Distribution;

/// `primary` while it serves, then `fallback` for the rest of the run once `primary` fails
/// with an error for which [`Error::is_unavailable`](crate::Error::is_unavailable) holds.
/// Errors in the request itself (a bad circuit, a 400) are not hidden: they fail the run.
///
/// ```
/// use std::sync::Arc;
/// use quboflow_qaoa::{Backend, Fallback, IonQ, Statevector};
/// let mut remote = IonQ::new("qpu.aria-1");
/// remote.url = "http://127.0.0.1:9/v0.4".into(); // nothing listens there
/// remote.policy.read_attempts = 1;
/// remote.policy.create_attempts = 1;
/// let both = Fallback { primary: Arc::new(remote), fallback: Arc::new(Statevector::default()) };
/// assert_eq!(both.name(), "ionq");
/// ```
#[derive(Debug, Clone)]
pub struct Fallback {
    /// The backend to use while it serves.
    pub primary: Arc<dyn Backend>,
    /// The backend that takes over.
    pub fallback: Arc<dyn Backend>,
}

impl Backend for Fallback {
    fn name(&self) -> &'static str {
        self.primary.name()
    }

    fn params(&self) -> Value {
        json!({"primary": self.primary.params(), "fallback": self.fallback.name(), "fallback_params": self.fallback.params()})
    }

    fn prepare(&self, ansatz: &Ansatz) -> Result<Box<dyn Prepared>> {
        let (primary, switched) = match self.primary.prepare(ansatz) {
            Ok(p) => (Some(p), None),
            Err(e) if e.is_unavailable() => (None, Some(e.to_string())),
            Err(e) => return Err(e),
        };
        Ok(Box::new(FallbackRun {
            primary,
            fallback: self.fallback.clone(),
            ansatz: ansatz.clone(),
            secondary: std::cell::RefCell::new(None),
            settings: std::cell::RefCell::new(Settings::default()),
            names: [self.primary.name(), self.fallback.name()],
            log: Mutex::new(Log {
                switched,
                ..Default::default()
            }),
        }))
    }

    fn estimate_cost(
        &self,
        ansatz: &Ansatz,
        p: usize,
        evaluations: u64,
        final_shots: u64,
    ) -> Result<Option<crate::remote::CostEstimate>> {
        self.primary
            .estimate_cost(ansatz, p, evaluations, final_shots)
    }
}

#[derive(Debug, Default)]
struct Log {
    /// Why the run moved to the fallback, once it has.
    switched: Option<String>,
    /// Evaluations before the switch.
    switched_at: Option<usize>,
    /// Where each evaluation (angle set) ran, in order.
    ran_on: Vec<&'static str>,
}

/// What the run told the backend before the fallback was prepared.
#[derive(Default)]
struct Settings {
    abort: Vec<Arc<AtomicBool>>,
    stop: Vec<Arc<AtomicBool>>,
    seed: Option<u64>,
}

struct FallbackRun {
    primary: Option<Box<dyn Prepared>>,
    fallback: Arc<dyn Backend>,
    ansatz: Ansatz,
    /// Prepared on first use: a run the primary serves to the end never allocates the
    /// fallback's statevector (which, for a QPU-sized circuit, may not fit at all).
    secondary: std::cell::RefCell<Option<Box<dyn Prepared>>>,
    settings: std::cell::RefCell<Settings>,
    names: [&'static str; 2],
    log: Mutex<Log>,
}

impl FallbackRun {
    /// Runs `f` on the primary while it serves, else on the fallback; logs `count` evaluations.
    fn call<T>(&self, count: usize, f: impl Fn(&dyn Prepared) -> Result<T>) -> Result<T> {
        let use_primary = self
            .log
            .lock()
            .map(|l| l.switched.is_none())
            .unwrap_or(false);
        if use_primary && let Some(p) = &self.primary {
            match f(p.as_ref()) {
                Ok(v) => {
                    self.note(self.names[0], count);
                    return Ok(v);
                }
                Err(e) if e.is_unavailable() => {
                    if let Ok(mut l) = self.log.lock() {
                        l.switched_at = Some(l.ran_on.len());
                        l.switched = Some(e.to_string());
                    }
                }
                Err(e) => return Err(e),
            }
        }
        let v = self.with_secondary(|s| f(s))?;
        self.note(self.names[1], count);
        Ok(v)
    }

    /// Runs `f` on the fallback, preparing it (with the run's flags and seed) the first time.
    fn with_secondary<T>(&self, f: impl FnOnce(&dyn Prepared) -> Result<T>) -> Result<T> {
        let mut slot = self.secondary.borrow_mut();
        let p = match slot.take() {
            Some(p) => p,
            None => {
                let mut p = self.fallback.prepare(&self.ansatz)?;
                let settings = self.settings.borrow();
                for a in &settings.abort {
                    p.watch(a.clone());
                }
                for s in &settings.stop {
                    p.stop_on(s.clone());
                }
                if let Some(seed) = settings.seed {
                    p.set_seed(seed);
                }
                p
            }
        };
        let out = f(p.as_ref());
        *slot = Some(p);
        out
    }

    fn note(&self, name: &'static str, count: usize) {
        if let Ok(mut l) = self.log.lock() {
            l.ran_on.extend(std::iter::repeat_n(name, count));
        }
    }

    fn on_primary(&self) -> bool {
        self.primary.is_some()
            && self
                .log
                .lock()
                .map(|l| l.switched.is_none())
                .unwrap_or(false)
    }
}

impl Prepared for FallbackRun {
    fn is_exact(&self) -> bool {
        match (&self.primary, self.on_primary()) {
            (Some(p), true) => p.is_exact(),
            _ => self.with_secondary(|s| Ok(s.is_exact())).unwrap_or(false),
        }
    }

    fn expectations(&self, batch: &[Angles]) -> Result<Vec<f64>> {
        self.call(batch.len(), |p| p.expectations(batch))
    }

    fn watch(&mut self, abort: Arc<AtomicBool>) {
        if let Some(p) = &mut self.primary {
            p.watch(abort.clone());
        }
        self.settings.borrow_mut().abort.push(abort);
    }

    fn stop_on(&mut self, flag: Arc<AtomicBool>) {
        if let Some(p) = &mut self.primary {
            p.stop_on(flag.clone());
        }
        self.settings.borrow_mut().stop.push(flag);
    }

    fn set_seed(&mut self, seed: u64) {
        if let Some(p) = &mut self.primary {
            p.set_seed(seed);
        }
        self.settings.borrow_mut().seed = Some(seed);
    }

    fn gradient_support(&self) -> Result<()> {
        // The optimiser must work on whichever backend ends up running it.
        match &self.primary {
            Some(p) if self.on_primary() => p.gradient_support(),
            _ => self.with_secondary(|s| s.gradient_support()),
        }
    }

    fn gradients(&self, batch: &[Angles]) -> Result<Vec<(f64, Vec<f64>)>> {
        self.call(batch.len(), |p| p.gradients(batch))
    }

    fn sample(&self, batch: &[Angles], shots: usize, seed: u64) -> Result<Vec<Measurement>> {
        self.call(0, |p| p.sample(batch, shots, seed))
    }

    fn distributions(
        &self,
        batch: &[Angles],
        shots: usize,
        seed: u64,
    ) -> Result<Vec<Distribution>> {
        self.call(0, |p| p.distributions(batch, shots, seed))
    }

    fn describe(&self) -> Value {
        match &self.primary {
            Some(p) if self.on_primary() => p.describe(),
            _ => self
                .with_secondary(|s| Ok(s.describe()))
                .unwrap_or(Value::Null),
        }
    }

    fn usage(&self) -> Option<Value> {
        let l = self.log.lock().ok()?;
        let count = |name: &str| l.ran_on.iter().filter(|r| **r == name).count();
        let mut v = self
            .primary
            .as_ref()
            .and_then(|p| p.usage())
            .unwrap_or_else(|| json!({}));
        v["fallback"] = json!({
            "backend": self.names[1],
            "used": l.switched.is_some(),
            "reason": l.switched,
            "switched_at_evaluation": l.switched_at,
            "evaluations": {self.names[0]: count(self.names[0]), self.names[1]: count(self.names[1])},
            "ran_on": l.ran_on,
        });
        Some(v)
    }
}
