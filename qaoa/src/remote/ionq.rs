//! The IonQ backend: QAOA circuits as `qis` jobs on IonQ's simulators and QPUs, one job per
//! batch of angle sets, with a journal that lets a killed run resume without resubmitting.

use std::collections::{BTreeMap, HashMap};
use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex};

use serde_json::{Value, json};
use sha2::{Digest, Sha256};

use super::cost::{CostEstimate, PriceTable};
use super::http::{ApiKey, Client, ClientStats, Clock, Method, RetryPolicy, SystemClock};
use super::journal::Journal;
use super::wire::{JobSpec, circuit_json, job_body, parse_probabilities};
use crate::ansatz::Ansatz;
use crate::backend::{Backend, Measurement, Prepared};
use crate::circuit::Circuit;
use crate::engine::Angles;
use crate::error::{Error, Result};
use crate::parity::Distribution;

/// IonQ's production API.
pub const IONQ_URL: &str = "https://api.ionq.co/v0.4";

/// QAOA on IonQ hardware or IonQ's cloud simulators (API v0.4).
///
/// Circuits go out in the `qis` gateset (h, rz, zz, rx; x, ry, xx, yy for XY mixers), a batch
/// of angle sets as one multi-circuit job, results come back as probabilities (bit k = qubit
/// k). Failures follow the retry rule in [`RetryPolicy`]; with `journal` set, every job is
/// recorded so a run that dies resumes where it was. The key comes from `IONQ_API_KEY` and
/// is never written anywhere but the `Authorization` header.
///
/// ```no_run
/// use std::sync::Arc;
/// use quboflow_qaoa::{IonQ, Qaoa, OptimizerKind};
/// let backend = IonQ::new("simulator"); // reads IONQ_API_KEY
/// let qaoa = Qaoa { backend: Arc::new(backend), optimizer: OptimizerKind::Cobyla, ..Default::default() };
/// ```
#[derive(Debug, Clone)]
pub struct IonQ {
    /// `simulator` or a QPU (`qpu.aria-1`, `qpu.forte-1`, …).
    pub target: String,
    /// The simulator's noise model (`aria-1`, `forte-1`, …); `None` is the ideal simulator,
    /// which returns exact probabilities. Ignored on QPUs.
    pub noise_model: Option<String>,
    /// API base URL. Default [`IONQ_URL`]; the emulator's URL in tests.
    pub url: String,
    /// The key. Default from `IONQ_API_KEY`.
    pub api_key: Option<ApiKey>,
    /// Shots per circuit while optimising. Default 1024 (the final sampling uses the
    /// solver's `num_reads`).
    pub shots: usize,
    /// Retries, backoff and polling.
    pub policy: RetryPolicy,
    /// Clock of backoff and polling. Default the real one.
    pub clock: Arc<dyn Clock>,
    /// Directory of the job journal (`--resume DIR`). Default none.
    pub journal: Option<PathBuf>,
    /// Refuse a run whose estimated cost exceeds this many USD. Default none.
    pub max_cost: Option<f64>,
    /// Prices for the estimate. Default [`PriceTable::default`].
    pub prices: PriceTable,
    /// Most circuits in one job. Default 64.
    pub max_circuits_per_job: usize,
    /// Seed of the simulator's noise when the backend is used outside a run ([`crate::Qaoa`]
    /// sets the run's seed). Default 0.
    pub seed: u64,
}

impl IonQ {
    /// `target` on IonQ's production API, key from the environment.
    pub fn new(target: &str) -> Self {
        IonQ {
            target: target.to_string(),
            noise_model: None,
            url: IONQ_URL.to_string(),
            api_key: ApiKey::from_env(),
            shots: 1024,
            policy: RetryPolicy::default(),
            clock: Arc::new(SystemClock::default()),
            journal: None,
            max_cost: None,
            prices: PriceTable::default(),
            max_circuits_per_job: 64,
            seed: 0,
        }
    }

    /// True when results are exact probabilities (the ideal simulator).
    pub fn is_ideal(&self) -> bool {
        self.target == "simulator" && self.noise_model.as_deref().is_none_or(|m| m == "ideal")
    }

    fn client(&self) -> Client {
        Client::new(
            &self.url,
            self.api_key.clone(),
            self.policy.clone(),
            self.clock.clone(),
            self.seed ^ 0x9e37,
        )
    }

    /// The backend's published characterization (`GET /backends/{name}/characterizations`,
    /// newest first) as a noise model.
    pub fn characterization(&self, backend: &str) -> Result<crate::noise::NoiseModel> {
        let c = self.client();
        let v = c.read(
            Method::Get,
            &format!("/backends/{backend}/characterizations?limit=1"),
        )?;
        let snap = v["characterizations"].get(0).cloned().unwrap_or(v);
        crate::noise::NoiseModel::from_characterization(&snap)
    }
}

impl Backend for IonQ {
    fn name(&self) -> &'static str {
        "ionq"
    }

    fn params(&self) -> Value {
        json!({
            "target": self.target,
            "noise_model": self.noise_model,
            "url": self.url,
            "shots": self.shots,
            "journal": self.journal,
            "max_cost": self.max_cost,
            "max_circuits_per_job": self.max_circuits_per_job,
            "seed": self.seed,
        })
    }

    fn prepare(&self, ansatz: &Ansatz) -> Result<Box<dyn Prepared>> {
        if self.shots == 0 || self.max_circuits_per_job == 0 {
            return Err(Error::InvalidParameter {
                name: "shots",
                reason: "shots and circuits per job must be at least 1".into(),
            });
        }
        // Results index basis states by a machine word.
        if ansatz.num_qubits() > 63 {
            return Err(Error::InvalidParameter {
                name: "backend",
                reason: format!(
                    "{} qubits: results index basis states by a 64-bit word, so at most 63",
                    ansatz.num_qubits()
                ),
            });
        }
        // The start state must be expressible as gates before anything is sent.
        circuit_json(&Circuit::qaoa(
            ansatz,
            &Angles {
                gamma: vec![0.0],
                beta: vec![0.0],
            },
        ))?;
        let nonce = || {
            use rand::RngExt;
            format!("{:016x}", rand::rng().random::<u64>())
        };
        let journal = match &self.journal {
            Some(dir) => Some(Journal::open(dir, nonce)?),
            None => None,
        };
        let nonce = journal.as_ref().map_or_else(nonce, |j| j.nonce.clone());
        Ok(Box::new(IonQRun {
            ansatz: ansatz.clone(),
            config: self.clone(),
            client: self.client(),
            journal,
            nonce,
            seq: AtomicU64::new(0),
            seed: self.seed,
            usage: Mutex::new(Usage::default()),
            energies: Mutex::new(HashMap::new()),
            diagonal: (ansatz.num_qubits() <= 20).then(|| {
                crate::cost::CostModel::new(
                    ansatz.qubo(),
                    ansatz.num_qubits() >= crate::PARALLEL_THRESHOLD,
                )
                .diagonal()
            }),
        }))
    }

    fn estimate_cost(
        &self,
        ansatz: &Ansatz,
        p: usize,
        evaluations: u64,
        final_shots: u64,
    ) -> Result<Option<CostEstimate>> {
        let angles = Angles {
            gamma: vec![0.1; p.max(1)],
            beta: vec![0.1; p.max(1)],
        };
        let circuit = Circuit::qaoa(ansatz, &angles);
        let (mut per, mut last, mut source) = (
            self.prices
                .circuit_cost(&self.target, &circuit, self.shots as u64)?,
            self.prices
                .circuit_cost(&self.target, &circuit, final_shots)?,
            "formula",
        );
        // IonQ's own estimate where the key allows; the formula otherwise.
        if self.target != "simulator" && self.api_key.is_some() {
            let two = circuit.two_qubit_gates();
            let one = circuit.gates.len() - two;
            let c = Client::new(
                &self.url,
                self.api_key.clone(),
                RetryPolicy {
                    read_attempts: 1,
                    ..self.policy.clone()
                },
                self.clock.clone(),
                1,
            );
            let ask = |shots: u64| -> Option<f64> {
                let v = c
                    .read(Method::Get, &format!("/jobs/estimate?backend={}&qubits={}&1q_gates={one}&2q_gates={two}&shots={shots}", self.target, circuit.num_qubits))
                    .ok()?;
                v["estimated_cost"]
                    .as_f64()
                    .or(v["cost"].as_f64())
                    .filter(|c| c.is_finite() && *c >= 0.0)
            };
            if let (Some(a), Some(b)) = (ask(self.shots as u64), ask(final_shots)) {
                (per, last, source) = (a, b, "ionq");
            }
        }
        let usd = per * evaluations as f64 + last;
        let estimate = CostEstimate {
            usd,
            circuits: evaluations + 1,
            per_circuit_usd: per,
            source: source.into(),
            prices_date: (source == "formula").then(|| self.prices.date.clone()),
        };
        if let Some(limit) = self.max_cost
            && usd > limit
        {
            return Err(Error::CostLimit {
                estimate: usd,
                limit,
                detail: format!(
                    "{} circuits on {} at {per:.4} USD each with {} shots, plus the final sampling ({source})",
                    evaluations, self.target, self.shots
                ),
            });
        }
        Ok(Some(estimate))
    }
}

/// What a run sent and what it cost.
#[derive(Debug, Clone, Default, serde::Serialize)]
struct Usage {
    jobs: u64,
    circuits: u64,
    shots: u64,
    /// Jobs whose results came from the journal (resumed).
    resumed_jobs: u64,
    /// Jobs found on the service (a create whose answer was lost), not created again.
    recovered_jobs: u64,
    estimated_cost_usd: f64,
    queue_ms: f64,
    execution_ms: f64,
    job_ids: Vec<String>,
}

struct IonQRun {
    ansatz: Ansatz,
    config: IonQ,
    client: Client,
    journal: Option<Journal>,
    nonce: String,
    seq: AtomicU64,
    /// The run's seed: part of every job's identity and of the simulator's noise seed.
    seed: u64,
    usage: Mutex<Usage>,
    energies: Mutex<HashMap<usize, f64>>,
    /// Every basis state's energy where that is small (n ≤ 20): results with up to 2ⁿ
    /// entries are then scored without recomputing energies.
    diagonal: Option<Vec<f64>>,
}

/// Per-circuit probabilities of one job, sparse and sorted by basis index.
type JobResults = Vec<Vec<(usize, f64)>>;

impl IonQRun {
    fn energy(&self, x: usize) -> f64 {
        if let Some(e) = self.diagonal.as_ref().and_then(|d| d.get(x)) {
            return *e;
        }
        if let Some(e) = self.energies.lock().ok().and_then(|m| m.get(&x).copied()) {
            return e;
        }
        let n = self.ansatz.num_qubits();
        let bits: Vec<u8> = (0..n).map(|q| (x >> q & 1) as u8).collect();
        let e = self.ansatz.qubo().energy(&bits);
        if let Ok(mut m) = self.energies.lock()
            && m.len() < 1 << 22
        {
            m.insert(x, e);
        }
        e
    }

    /// ⟨C⟩ and its standard error (0 for exact probabilities).
    fn moments(&self, probs: &[(usize, f64)], shots: Option<u64>) -> (f64, f64) {
        let (mut m1, mut m2) = (0.0, 0.0);
        for &(x, p) in probs {
            let e = self.energy(x);
            m1 += p * e;
            m2 += p * e * e;
        }
        let se = shots.map_or(0.0, |n| ((m2 - m1 * m1).max(0.0) / n.max(1) as f64).sqrt());
        (m1, se)
    }

    fn shots_of(&self, shots: u64) -> Option<u64> {
        (!self.config.is_ideal()).then_some(shots)
    }

    /// Runs `circuits`, as few jobs as `max_circuits_per_job` allows.
    fn run(&self, circuits: &[Circuit], shots: u64) -> Result<JobResults> {
        let mut out = Vec::with_capacity(circuits.len());
        for chunk in circuits.chunks(self.config.max_circuits_per_job) {
            out.extend(self.job(chunk, shots)?);
        }
        Ok(out)
    }

    fn log(&self, event: Value) -> Result<()> {
        match &self.journal {
            Some(j) => j.append(event),
            None => Ok(()),
        }
    }

    /// One job: from the journal if it finished before, else created (once) and polled.
    fn job(&self, circuits: &[Circuit], shots: u64) -> Result<JobResults> {
        let seq = self.seq.fetch_add(1, Ordering::Relaxed);
        let gates: Vec<Vec<Value>> = circuits.iter().map(circuit_json).collect::<Result<_>>()?;
        let mut h = Sha256::new();
        h.update(serde_json::to_vec(&gates).unwrap_or_default());
        h.update(format!(
            "|{}|{:?}|{shots}",
            self.config.target, self.config.noise_model
        ));
        let circuit_hash = hex(&h.finalize());
        let client_id = {
            let mut h = Sha256::new();
            h.update(format!("{}|{}|{seq}|{circuit_hash}", self.nonce, self.seed));
            hex(&h.finalize())[..32].to_string()
        };
        let known = self.journal.as_ref().and_then(|j| j.get(&client_id));
        if let Some(results) = known.as_ref().and_then(|e| e.results.clone()) {
            let parsed = read_results(&results, circuits.len(), self.ansatz.num_qubits())?;
            if let Ok(mut u) = self.usage.lock() {
                u.resumed_jobs += 1;
                u.jobs += 1;
                u.circuits += circuits.len() as u64;
                u.shots += shots * circuits.len() as u64;
                u.estimated_cost_usd += results["cost_usd"].as_f64().unwrap_or(0.0);
            }
            return Ok(parsed);
        }
        let mut cost = 0.0;
        for c in circuits {
            cost += self
                .config
                .prices
                .circuit_cost(&self.config.target, c, shots)
                .unwrap_or(0.0);
        }
        if let Some(limit) = self.config.max_cost {
            let spent = self
                .usage
                .lock()
                .map(|u| u.estimated_cost_usd)
                .unwrap_or(0.0);
            if spent + cost > limit {
                return Err(Error::CostLimit {
                    estimate: spent + cost,
                    limit,
                    detail: format!(
                        "{spent:.2} USD spent; the next job of {} circuits costs {cost:.2}",
                        circuits.len()
                    ),
                });
            }
        }
        let job_id = match known.and_then(|e| {
            if e.job.is_some() {
                e.job
            } else if e.intended {
                self.find(&client_id).ok().flatten()
            } else {
                None
            }
        }) {
            Some(id) => id,
            None => {
                let spec = JobSpec {
                    backend: &self.config.target,
                    noise: self.config.noise_model.as_deref(),
                    noise_seed: quboflow::control::derive_seed(self.seed, seq),
                    shots,
                    name: format!("quboflow qaoa n{} #{seq}", self.ansatz.num_qubits()),
                    metadata: BTreeMap::from([
                        (
                            "quboflow".to_string(),
                            env!("CARGO_PKG_VERSION").to_string(),
                        ),
                        ("quboflow_client".to_string(), client_id.clone()),
                        ("circuit_hash".to_string(), circuit_hash[..16].to_string()),
                    ]),
                    qubits: self.ansatz.num_qubits(),
                    circuits: gates,
                };
                self.create(&client_id, &job_body(&spec))?
            }
        };
        let (job, queue_ms) = match self.poll(&job_id) {
            Ok(j) => j,
            Err(e) => {
                if matches!(e, Error::Core(quboflow::Error::Cancelled)) {
                    // Best effort: the job is not wanted any more; a finished one ignores it.
                    let _ = self
                        .client
                        .read(Method::Put, &format!("/jobs/{job_id}/status/cancel"));
                    self.log(json!({"event": "canceled", "client": client_id, "job": job_id}))?;
                }
                return Err(e);
            }
        };
        let results = self.fetch(&job_id, &job, circuits.len())?;
        let execution_ms = job["execution_duration_ms"].as_f64().unwrap_or(0.0);
        let wire: Vec<Vec<[f64; 2]>> = results
            .iter()
            .map(|r| r.iter().map(|&(x, p)| [x as f64, p]).collect())
            .collect();
        self.log(json!({"event": "results", "client": client_id, "job": job_id,
            "results": {"circuits": wire, "cost_usd": cost, "queue_ms": queue_ms, "execution_ms": execution_ms}}))?;
        if let Ok(mut u) = self.usage.lock() {
            u.jobs += 1;
            u.circuits += circuits.len() as u64;
            u.shots += shots * circuits.len() as u64;
            u.estimated_cost_usd += cost;
            u.queue_ms += queue_ms;
            u.execution_ms += execution_ms;
            u.job_ids.push(job_id.clone());
        }
        Ok(results)
    }

    /// The job with this client id on the service, if a create reached it.
    fn find(&self, client_id: &str) -> Result<Option<String>> {
        let v = self.client.read(Method::Get, "/jobs?limit=100")?;
        let found = v["jobs"].as_array().and_then(|jobs| {
            jobs.iter()
                .find(|j| j["metadata"]["quboflow_client"].as_str() == Some(client_id))
                .and_then(|j| j["id"].as_str().map(str::to_string))
        });
        if let Some(id) = &found {
            self.log(json!({"event": "created", "client": client_id, "job": id, "found": true}))?;
            if let Ok(mut u) = self.usage.lock() {
                u.recovered_jobs += 1;
            }
        }
        Ok(found)
    }

    /// Creates the job once: before each retry, checks whether the failed attempt created it.
    fn create(&self, client_id: &str, body: &Value) -> Result<String> {
        self.log(json!({"event": "intent", "client": client_id}))?;
        let attempts = self.client.policy.create_attempts.max(1);
        let mut last = String::new();
        for k in 0..attempts {
            if k > 0 {
                match self.find(client_id) {
                    Ok(Some(id)) => return Ok(id),
                    Ok(None) => {}
                    // Say what failed first: the create, then the check.
                    Err(Error::Unavailable { last: check, .. }) => {
                        return Err(Error::Unavailable {
                            what: "POST /jobs".into(),
                            attempts: k,
                            last: format!("{last}; then listing the jobs to look for it: {check}"),
                        });
                    }
                    Err(e) => return Err(e),
                }
                if let Ok(mut s) = self.client.stats.lock() {
                    s.retries += 1;
                }
            }
            match self.client.try_create(body)? {
                Ok(v) => {
                    let id = v["id"].as_str().ok_or_else(|| Error::Malformed {
                        what: "POST /jobs".into(),
                        message: "no job `id` in the answer".into(),
                    })?;
                    self.log(json!({"event": "created", "client": client_id, "job": id}))?;
                    return Ok(id.to_string());
                }
                Err((why, after)) => {
                    last = why;
                    let policy = &self.client.policy;
                    self.client.wait(after.unwrap_or_else(|| {
                        self.client
                            .backoff(k, policy.backoff_initial, policy.backoff_cap)
                    }))?;
                }
            }
        }
        if let Some(id) = self.find(client_id)? {
            return Ok(id);
        }
        Err(Error::Unavailable {
            what: "POST /jobs".into(),
            attempts,
            last,
        })
    }

    /// Polls until the job is terminal; returns the job and the time it spent queued (ms).
    fn poll(&self, job_id: &str) -> Result<(Value, f64)> {
        let start = self.client.clock.now();
        let mut queue_ms = None;
        let policy = &self.client.policy;
        let mut k: u32 = 0;
        loop {
            let v = self.client.read(Method::Get, &format!("/jobs/{job_id}"))?;
            let status = v["status"].as_str().unwrap_or("");
            if queue_ms.is_none() && !matches!(status, "submitted" | "ready" | "") {
                queue_ms = Some((self.client.clock.now() - start).as_secs_f64() * 1e3);
            }
            match status {
                "completed" => return Ok((v.clone(), queue_ms.unwrap_or(0.0))),
                "failed" => {
                    return Err(Error::JobFailed {
                        job: job_id.to_string(),
                        code: v["failure"]["code"]
                            .as_str()
                            .unwrap_or("unknown")
                            .to_string(),
                        message: v["failure"]["error"].as_str().unwrap_or("").to_string(),
                    });
                }
                "canceled" => {
                    return Err(Error::JobCanceled {
                        job: job_id.to_string(),
                    });
                }
                // submitted, ready, started, or a status this client does not know yet.
                _ => {}
            }
            if self.client.clock.now() - start > policy.job_deadline {
                let _ = self
                    .client
                    .read(Method::Put, &format!("/jobs/{job_id}/status/cancel"));
                return Err(Error::Unavailable {
                    what: format!("job {job_id}"),
                    attempts: k + 1,
                    last: format!(
                        "still `{status}` after the {:?} deadline; canceled",
                        policy.job_deadline
                    ),
                });
            }
            // Poll jitter stays below half the first interval, so short intervals stay short.
            let jitter = policy.jitter.min(policy.poll_initial / 2);
            self.client.wait(self.client.backoff_with(
                k,
                policy.poll_initial,
                policy.poll_cap,
                jitter,
            ))?;
            k = k.saturating_add(1);
        }
    }

    fn fetch(&self, job_id: &str, job: &Value, count: usize) -> Result<JobResults> {
        let n = self.ansatz.num_qubits();
        let one = |id: &str, job: Option<&Value>| -> Result<Vec<(usize, f64)>> {
            let url = job
                .and_then(|j| j["results"]["probabilities"]["url"].as_str())
                .map(str::to_string)
                .unwrap_or_else(|| format!("/jobs/{id}/results/probabilities"));
            self.client
                .read_as(Method::Get, &url, &|text| parse_probabilities(text, n))
        };
        if count == 1 {
            return Ok(vec![one(job_id, Some(job))?]);
        }
        let children: Vec<String> = job["child_job_ids"]
            .as_array()
            .map(|a| {
                a.iter()
                    .filter_map(|c| c.as_str().map(str::to_string))
                    .collect()
            })
            .unwrap_or_default();
        if children.len() != count {
            return Err(Error::Malformed {
                what: format!("job {job_id}"),
                message: format!(
                    "{count} circuits sent, {} child jobs listed",
                    children.len()
                ),
            });
        }
        children.iter().map(|c| one(c, None)).collect()
    }

    fn usage_json(&self) -> Value {
        let u = self.usage.lock().map(|u| u.clone()).unwrap_or_default();
        let stats: ClientStats = self
            .client
            .stats
            .lock()
            .map(|s| s.clone())
            .unwrap_or_default();
        json!({
            "backend": format!("ionq:{}", self.config.target),
            "noise_model": self.config.noise_model,
            "jobs": u.jobs, "circuits": u.circuits, "shots": u.shots,
            "resumed_jobs": u.resumed_jobs, "recovered_jobs": u.recovered_jobs,
            "estimated_cost_usd": u.estimated_cost_usd,
            "queue_ms": u.queue_ms, "execution_ms": u.execution_ms,
            "requests": stats.requests, "retries": stats.retries, "waited_ms": stats.waited_ms,
            "job_ids": u.job_ids,
        })
    }
}

fn read_results(v: &Value, count: usize, n: usize) -> Result<JobResults> {
    let bad = |m: &str| Error::Journal {
        path: "jobs.jsonl".into(),
        message: m.to_string(),
    };
    let circuits = v["circuits"]
        .as_array()
        .ok_or_else(|| bad("results without `circuits`"))?;
    if circuits.len() != count {
        return Err(bad("a recorded job has a different number of circuits"));
    }
    circuits
        .iter()
        .map(|c| {
            c.as_array()
                .ok_or_else(|| bad("bad recorded circuit"))?
                .iter()
                .map(|e| match (e[0].as_f64(), e[1].as_f64()) {
                    (Some(x), Some(p)) if x >= 0.0 && (x as usize) >> n == 0 => Ok((x as usize, p)),
                    _ => Err(bad("bad recorded probability")),
                })
                .collect()
        })
        .collect()
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

impl Prepared for IonQRun {
    fn is_exact(&self) -> bool {
        self.config.is_ideal()
    }

    fn watch(&mut self, abort: Arc<AtomicBool>) {
        if let Ok(mut s) = self.client.stop.lock() {
            s.push(abort);
        }
    }

    fn stop_on(&mut self, flag: Arc<AtomicBool>) {
        self.watch(flag);
    }

    fn set_seed(&mut self, seed: u64) {
        self.seed = seed;
    }

    fn expectations(&self, batch: &[Angles]) -> Result<Vec<f64>> {
        let circuits: Vec<Circuit> = batch
            .iter()
            .map(|a| Circuit::qaoa(&self.ansatz, a))
            .collect();
        let shots = self.config.shots as u64;
        let results = self.run(&circuits, shots)?;
        Ok(results
            .iter()
            .map(|r| self.moments(r, self.shots_of(shots)).0)
            .collect())
    }

    fn sample(&self, batch: &[Angles], shots: usize, seed: u64) -> Result<Vec<Measurement>> {
        let circuits: Vec<Circuit> = batch
            .iter()
            .map(|a| Circuit::qaoa(&self.ansatz, a))
            .collect();
        let results = self.run(&circuits, shots as u64)?;
        let n = self.ansatz.num_qubits();
        results
            .iter()
            .enumerate()
            .map(|(k, r)| {
                let ideal = self.config.is_ideal();
                // Ideal probabilities are drawn from here; a QPU's (or noisy simulator's) are
                // its shot frequencies, turned back into its counts.
                let counted: Vec<(usize, u64)> = if ideal {
                    let probs: Vec<f64> = r.iter().map(|e| e.1).collect();
                    let draws = crate::parity::sample_indices(
                        &probs,
                        shots,
                        quboflow::control::derive_seed(seed, k as u64),
                    )?;
                    let mut c: BTreeMap<usize, u64> = BTreeMap::new();
                    for d in draws {
                        *c.entry(r[d].0).or_default() += 1;
                    }
                    c.into_iter().collect()
                } else {
                    r.iter()
                        .map(|&(x, p)| (x, (p * shots as f64).round() as u64))
                        .filter(|e| e.1 > 0)
                        .collect()
                };
                let total: u64 = counted.iter().map(|c| c.1).sum();
                let mean = counted
                    .iter()
                    .map(|&(x, c)| self.energy(x) * c as f64)
                    .sum::<f64>()
                    / total.max(1) as f64;
                let of: HashMap<usize, f64> = r.iter().copied().collect();
                Ok(Measurement {
                    counts: counted
                        .iter()
                        .map(|&(x, c)| ((0..n).map(|q| (x >> q & 1) as u8).collect(), c))
                        .collect(),
                    expectation: if ideal { self.moments(r, None).0 } else { mean },
                    exact: ideal,
                    probabilities: ideal.then(|| {
                        counted
                            .iter()
                            .map(|(x, _)| of.get(x).copied().unwrap_or(0.0))
                            .collect()
                    }),
                    cost_range: None,
                    layer_ms: None,
                })
            })
            .collect()
    }

    fn distributions(
        &self,
        batch: &[Angles],
        shots: usize,
        _seed: u64,
    ) -> Result<Vec<Distribution>> {
        let n = self.ansatz.num_qubits();
        if n > crate::gatesim::MAX_GATE_QUBITS {
            return Err(Error::TooManyQubits {
                num_qubits: n,
                max: crate::gatesim::MAX_GATE_QUBITS,
            });
        }
        quboflow::memory::check_allocation(
            || format!("{} {n}-qubit output distributions", batch.len()),
            quboflow::memory::bytes(batch.len(), 8usize << n),
        )?;
        let circuits: Vec<Circuit> = batch
            .iter()
            .map(|a| Circuit::qaoa(&self.ansatz, a))
            .collect();
        let results = self.run(&circuits, shots as u64)?;
        Ok(results
            .iter()
            .map(|r| {
                let mut probabilities = vec![0.0; 1usize << n];
                for &(x, p) in r {
                    probabilities[x] += p;
                }
                let (expectation, std_error) = self.moments(r, self.shots_of(shots as u64));
                Distribution {
                    probabilities,
                    expectation,
                    std_error,
                    shots: self.shots_of(shots as u64),
                }
            })
            .collect())
    }

    fn describe(&self) -> Value {
        json!({"backend": format!("ionq:{}", self.config.target), "noise_model": self.config.noise_model, "url": self.config.url, "shots": self.config.shots})
    }

    fn usage(&self) -> Option<Value> {
        Some(self.usage_json())
    }
}
