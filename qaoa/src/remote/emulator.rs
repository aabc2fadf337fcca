//! A loopback emulator of the IonQ v0.4 API, for tests and for users without a key: the same
//! routes and JSON, probabilities computed from the submitted circuit by the local gate
//! simulator (exact for the ideal simulator, sampled shots under a QPU's noise model), and
//! scripted faults.

use std::collections::{BTreeMap, VecDeque};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use serde_json::{Value, json};

use super::cost::PriceTable;
use super::server::{Handler, Limits, Reply, Request, serve};
use super::wire::parse_gate;
use crate::circuit::Gate;
use crate::error::{Error, Result};
use crate::gatesim::{check_gates, ideal_probabilities};
use crate::noise::NoiseModel;
use crate::parity::sample_indices;

/// Which requests a scripted fault applies to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Route {
    /// `POST /jobs`.
    Create,
    /// `GET /jobs/{id}`.
    Job,
    /// `GET /jobs/{id}/results/…`.
    Results,
    /// `GET /jobs` (the listing).
    List,
    /// `PUT /jobs/{id}/status/cancel`.
    Cancel,
    /// Any request.
    Any,
}

/// A scripted fault, used once by the next request on its route.
#[derive(Debug, Clone, PartialEq)]
pub enum Fault {
    /// Answer with this HTTP status and IonQ's error body (`Retry-After` seconds if given);
    /// the request has no other effect.
    Status {
        /// HTTP status.
        code: u16,
        /// `Retry-After` header, seconds.
        retry_after: Option<u32>,
    },
    /// Answer 200 with a body that is not JSON (the request has its effect).
    Malformed,
    /// Wait this long before answering (trips a client timeout).
    Slow(Duration),
    /// Do the request, then break the connection off mid-answer (a create still creates).
    Drop,
    /// (Create only) the job is created and later ends `failed` with this code.
    FailJob(String),
}

/// Settings of the [`Emulator`].
#[derive(Debug, Clone)]
pub struct EmulatorOptions {
    /// Key the requests must carry (`Authorization: apiKey KEY`). Default none (any).
    pub api_key: Option<String>,
    /// Status polls of a job before it completes (`ready`, then `started`). Default 2.
    pub polls_to_complete: u32,
    /// Stop after this long without a request. Default 60 s.
    pub idle_timeout: Duration,
    /// Stop after this many requests. Default 1 000 000.
    pub max_requests: u64,
    /// Largest circuit the simulator accepts (IonQ's simulator: 29). Default 24.
    pub max_qubits: usize,
    /// Trajectories averaged per noisy circuit before sampling shots. Default 64.
    pub trajectories: usize,
    /// Port on 127.0.0.1; 0 picks a free one. Default 0.
    pub port: u16,
}

impl Default for EmulatorOptions {
    fn default() -> Self {
        EmulatorOptions {
            api_key: None,
            polls_to_complete: 2,
            idle_timeout: Duration::from_secs(60),
            max_requests: 1_000_000,
            max_qubits: 24,
            trajectories: 64,
            port: 0,
        }
    }
}

/// One request the emulator saw.
#[derive(Debug, Clone, PartialEq)]
pub struct SeenRequest {
    /// Method.
    pub method: String,
    /// Path and query.
    pub path: String,
    /// Whether it carried the right `Authorization` header (always true without a key).
    pub authorized: bool,
    /// Whether an `Authorization: apiKey …` header was present at all.
    pub had_key: bool,
    /// The JSON body, if any.
    pub body: Option<Value>,
}

#[derive(Debug, Default)]
struct Job {
    status: &'static str,
    polls: u32,
    metadata: Value,
    shots: u64,
    qubits: usize,
    results: Option<Vec<(usize, f64)>>,
    children: Vec<String>,
    failure: Option<String>,
    order: u64,
}

#[derive(Debug, Default)]
struct State {
    jobs: BTreeMap<String, Job>,
    faults: VecDeque<(Route, Fault)>,
    seen: Vec<SeenRequest>,
    creates: Vec<String>,
    counter: u64,
    /// Time spent handling requests (simulating, answering), for overhead measurements.
    busy: Duration,
}

/// The IonQ API on 127.0.0.1, in a thread of this process; it stops when dropped, after
/// `idle_timeout` without requests, or after `max_requests`.
///
/// ```
/// use quboflow_qaoa::{Emulator, EmulatorOptions};
/// let emu = Emulator::start(EmulatorOptions::default())?;
/// assert!(emu.url().starts_with("http://127.0.0.1:"));
/// # Ok::<(), quboflow_qaoa::Error>(())
/// ```
#[derive(Debug)]
pub struct Emulator {
    url: String,
    state: Arc<Mutex<State>>,
    stop: Arc<AtomicBool>,
    thread: Option<JoinHandle<()>>,
}

impl Emulator {
    /// Starts the server.
    pub fn start(options: EmulatorOptions) -> Result<Emulator> {
        let listener = std::net::TcpListener::bind(("127.0.0.1", options.port)).map_err(|e| {
            Error::InvalidParameter {
                name: "port",
                reason: format!("cannot listen on 127.0.0.1:{}: {e}", options.port),
            }
        })?;
        let addr = listener.local_addr().map_err(|e| Error::InvalidParameter {
            name: "port",
            reason: format!("the server has no address: {e}"),
        })?;
        let state = Arc::new(Mutex::new(State::default()));
        let stop = Arc::new(AtomicBool::new(false));
        let s = state.clone();
        let limits = Limits {
            idle_timeout: options.idle_timeout,
            max_requests: options.max_requests,
        };
        let handler: Handler = Arc::new(move |req: &Request| {
            let t = Instant::now();
            match s.lock() {
                Ok(mut st) => {
                    let a = handle(
                        &mut st,
                        &options,
                        &req.method,
                        &req.path,
                        req.authorization.as_deref(),
                        &req.body,
                    );
                    st.busy += t.elapsed();
                    a
                }
                Err(_) => error(500, "Internal", "poisoned"),
            }
        });
        let st = stop.clone();
        let thread = std::thread::spawn(move || serve(listener, handler, limits, st));
        Ok(Emulator {
            url: format!("http://{addr}/v0.4"),
            state,
            stop,
            thread: Some(thread),
        })
    }

    /// The base URL (`http://127.0.0.1:PORT/v0.4`).
    pub fn url(&self) -> &str {
        &self.url
    }

    /// Queues a fault for the next request on `route`.
    pub fn push_fault(&self, route: Route, fault: Fault) {
        if let Ok(mut s) = self.state.lock() {
            s.faults.push_back((route, fault));
        }
    }

    /// Every request so far.
    pub fn requests(&self) -> Vec<SeenRequest> {
        self.state
            .lock()
            .map(|s| s.seen.clone())
            .unwrap_or_default()
    }

    /// The `quboflow_client` metadata of every job created, in order (a duplicated job shows
    /// as a repeated id).
    pub fn created(&self) -> Vec<String> {
        self.state
            .lock()
            .map(|s| s.creates.clone())
            .unwrap_or_default()
    }

    /// Time the server spent handling requests, from receiving each one to having sent its
    /// answer (the client's overhead is the rest of its wall time).
    pub fn server_time(&self) -> Duration {
        self.state.lock().map(|s| s.busy).unwrap_or_default()
    }

    /// The status of a job.
    pub fn job_status(&self, id: &str) -> Option<String> {
        self.state
            .lock()
            .ok()?
            .jobs
            .get(id)
            .map(|j| j.status.to_string())
    }

    /// Blocks until the server stops by itself (idle timeout or request limit).
    pub fn wait(mut self) {
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }
}

impl Drop for Emulator {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::Relaxed);
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }
}

/// Answer of the emulator to one request.
type Answer = Reply;

fn answer(status: u16, v: Value) -> Answer {
    Reply {
        status,
        body: v.to_string(),
        retry_after: None,
        delay: None,
        drop: false,
    }
}

fn error(status: u16, name: &str, message: impl Into<String>) -> Answer {
    answer(
        status,
        json!({"error": name, "message": message.into(), "statusCode": status}),
    )
}

fn route_of(method: &str, rest: &str) -> Route {
    match (method, rest.split('?').next().unwrap_or("")) {
        ("POST", "/jobs") => Route::Create,
        ("GET", "/jobs") => Route::List,
        ("PUT", p) if p.ends_with("/status/cancel") => Route::Cancel,
        ("GET", p) if p.starts_with("/jobs/") && p.contains("/results") => Route::Results,
        ("GET", p) if p.starts_with("/jobs/") => Route::Job,
        _ => Route::Any,
    }
}

fn handle(
    s: &mut State,
    o: &EmulatorOptions,
    method: &str,
    path: &str,
    auth: Option<&str>,
    body: &str,
) -> Answer {
    let authorized = match &o.api_key {
        Some(k) => auth == Some(format!("apiKey {k}").as_str()),
        None => true,
    };
    s.seen.push(SeenRequest {
        method: method.to_string(),
        path: path.to_string(),
        authorized,
        had_key: auth.is_some_and(|a| a.starts_with("apiKey ") && a.len() > 7),
        body: serde_json::from_str(body).ok(),
    });
    let Some(rest) = path.strip_prefix("/v0.4") else {
        return error(404, "Not Found", format!("no route {path}"));
    };
    if !authorized {
        return error(401, "Unauthorized", "Invalid key provided");
    }
    let route = route_of(method, rest);
    let fault = s
        .faults
        .iter()
        .position(|(r, _)| *r == route || *r == Route::Any)
        .and_then(|k| s.faults.remove(k))
        .map(|(_, f)| f);
    let mut fail_code = None;
    let (mut delay, mut drop, mut malformed) = (None, false, false);
    match fault {
        Some(Fault::Status { code, retry_after }) => {
            let mut a = error(code, "Scripted", format!("scripted HTTP {code}"));
            a.retry_after = retry_after;
            return a;
        }
        Some(Fault::Malformed) => malformed = true,
        Some(Fault::Slow(d)) => delay = Some(d),
        Some(Fault::Drop) => drop = true,
        Some(Fault::FailJob(code)) => fail_code = Some(code),
        None => {}
    }
    let mut a = respond(s, o, method, rest, body, fail_code);
    a.delay = delay;
    a.drop = drop;
    if malformed {
        a.status = 200;
        a.body = "{\"id\": \"trunc".into();
    }
    a
}

fn respond(
    s: &mut State,
    o: &EmulatorOptions,
    method: &str,
    rest: &str,
    body: &str,
    fail: Option<String>,
) -> Answer {
    let (path, query) = rest.split_once('?').unwrap_or((rest, ""));
    let parts: Vec<&str> = path.trim_matches('/').split('/').collect();
    match (method, parts.as_slice()) {
        ("POST", ["jobs"]) => create(s, o, body, fail),
        ("GET", ["jobs"]) => {
            let mut jobs: Vec<(&String, &Job)> =
                s.jobs.iter().filter(|(_, j)| j.order > 0).collect();
            jobs.sort_by_key(|(_, j)| std::cmp::Reverse(j.order));
            let limit = query_value(query, "limit")
                .and_then(|l| l.parse().ok())
                .unwrap_or(25usize);
            let list: Vec<Value> = jobs
                .iter()
                .take(limit)
                .map(|(id, j)| json!({"id": id, "status": j.status, "metadata": j.metadata}))
                .collect();
            answer(200, json!({"jobs": list}))
        }
        ("GET", ["jobs", "estimate"]) => {
            let num = |k: &str| {
                query_value(query, k)
                    .and_then(|v| v.parse::<f64>().ok())
                    .unwrap_or(0.0)
            };
            let backend = query_value(query, "backend").unwrap_or_default();
            match PriceTable::default().price(&backend) {
                Some(p) => {
                    let c = (p.per_circuit
                        + num("shots")
                            * (p.per_1q_gate_shot * num("1q_gates")
                                + p.per_2q_gate_shot * num("2q_gates")))
                    .max(p.minimum);
                    answer(200, json!({"estimated_cost": c, "currency": "USD"}))
                }
                None => error(400, "Bad Request", format!("unknown backend `{backend}`")),
            }
        }
        ("GET", ["jobs", id]) => {
            let polls_to_complete = o.polls_to_complete;
            let Some(job) = s.jobs.get(*id) else {
                return error(404, "Not Found", format!("job {id} not found"));
            };
            let children = job.children.clone();
            advance(s, id, polls_to_complete);
            for c in &children {
                advance(s, c, polls_to_complete);
            }
            let Some(job) = s.jobs.get(*id) else {
                return error(404, "Not Found", format!("job {id} not found"));
            };
            let mut v = json!({
                "id": id, "status": job.status, "shots": job.shots, "metadata": job.metadata,
                "stats": {"qubits": job.qubits, "circuits": job.children.len().max(1)},
            });
            if !job.children.is_empty() {
                v["child_job_ids"] = json!(job.children);
            }
            if job.status == "completed" {
                v["execution_duration_ms"] = json!(1);
                if job.children.is_empty() {
                    v["results"] = json!({"probabilities": {"url": format!("/v0.4/jobs/{id}/results/probabilities")}});
                }
            }
            if job.status == "failed" {
                v["failure"] = json!({"code": job.failure.clone().unwrap_or_default(), "error": "scripted failure"});
            }
            answer(200, v)
        }
        ("GET", ["jobs", id, "results", "probabilities"]) => match s.jobs.get(*id) {
            Some(job) if job.status == "completed" => match &job.results {
                Some(r) => {
                    let map: serde_json::Map<String, Value> = r
                        .iter()
                        .filter(|e| e.1 > 0.0)
                        .map(|&(x, p)| (x.to_string(), json!(p)))
                        .collect();
                    answer(200, Value::Object(map))
                }
                None => error(
                    400,
                    "Bad Request",
                    "a multi-circuit job's results are on its child jobs",
                ),
            },
            Some(_) => error(400, "Bad Request", format!("job {id} has not completed")),
            None => error(404, "Not Found", format!("job {id} not found")),
        },
        ("PUT", ["jobs", id, "status", "cancel"]) => {
            let Some(job) = s.jobs.get_mut(*id) else {
                return error(404, "Not Found", format!("job {id} not found"));
            };
            if !matches!(job.status, "completed" | "failed" | "canceled") {
                job.status = "canceled";
            }
            let status = job.status;
            let children = job.children.clone();
            for c in children {
                if let Some(j) = s.jobs.get_mut(&c)
                    && !matches!(j.status, "completed" | "failed")
                {
                    j.status = "canceled";
                }
            }
            answer(200, json!({"id": id, "status": status}))
        }
        ("GET", ["backends"]) => answer(
            200,
            json!([
                {"backend": "simulator", "status": "available", "qubits": o.max_qubits},
                {"backend": "qpu.aria-1", "status": "available", "qubits": 25.min(o.max_qubits), "average_queue_time": 1000},
                {"backend": "qpu.forte-1", "status": "available", "qubits": 36.min(o.max_qubits), "average_queue_time": 1000},
            ]),
        ),
        ("GET", ["backends", name, "characterizations"]) => match NoiseModel::named(name) {
            Some(m) => {
                let (p01, p10) = m.readout();
                answer(
                    200,
                    json!({"characterizations": [{
                        "id": format!("char-{name}"), "date": m.date, "backend": name, "qubits": 25,
                        "fidelity": {
                            "1q": {"median": 1.0 - m.depolarizing_1q / 2.0},
                            "2q": {"median": 1.0 - 0.75 * m.depolarizing_2q},
                            "spam": {"median": 1.0 - 0.5 * (p01 + p10)},
                        },
                    }]}),
                )
            }
            None => error(404, "Not Found", format!("no backend {name}")),
        },
        _ => error(404, "Not Found", format!("no route {method} {rest}")),
    }
}

fn query_value(query: &str, key: &str) -> Option<String> {
    query.split('&').find_map(|kv| {
        let (k, v) = kv.split_once('=')?;
        (k == key).then(|| v.to_string())
    })
}

/// One status poll: `submitted` → `ready` → `started` → `completed` (or `failed`).
fn advance(s: &mut State, id: &str, polls_to_complete: u32) {
    if let Some(job) = s.jobs.get_mut(id) {
        if matches!(job.status, "completed" | "failed" | "canceled") {
            return;
        }
        job.polls += 1;
        job.status = if job.polls >= polls_to_complete.max(1) || polls_to_complete == 0 {
            if job.failure.is_some() {
                "failed"
            } else {
                "completed"
            }
        } else if job.polls == 1 {
            "ready"
        } else {
            "started"
        };
    }
}

fn new_id(s: &mut State) -> String {
    s.counter += 1;
    format!("{:08x}-0000-4000-8000-{:012x}", 0x051b_0f10_u32, s.counter)
}

fn create(s: &mut State, o: &EmulatorOptions, body: &str, fail: Option<String>) -> Answer {
    let v: Value = match serde_json::from_str(body) {
        Ok(v) => v,
        Err(e) => return error(400, "Bad Request", format!("body is not JSON: {e}")),
    };
    let bad = |m: String| error(400, "Bad Request", m);
    let backend = v["backend"].as_str().unwrap_or("simulator").to_string();
    let shots = v["shots"].as_u64().unwrap_or(100);
    let input = &v["input"];
    let Some(qubits) = input["qubits"].as_u64().map(|q| q as usize) else {
        return bad("input.qubits is required".into());
    };
    if input["gateset"].as_str() != Some("qis") {
        return bad("this emulator runs the qis gateset only".into());
    }
    let circuits: Vec<&Value> = match v["type"].as_str() {
        Some("ionq.circuit.v1") => vec![&input["circuit"]],
        Some("ionq.multi-circuit.v1") => match input["circuits"].as_array() {
            Some(a) if !a.is_empty() => a.iter().map(|c| &c["circuit"]).collect(),
            _ => return bad("input.circuits must be a non-empty array".into()),
        },
        other => return bad(format!("unknown job type {other:?}")),
    };
    let noise = if backend == "simulator" {
        v["noise"]["model"].as_str().unwrap_or("ideal").to_string()
    } else if backend.starts_with("qpu.") {
        backend.clone()
    } else {
        return bad(format!("unknown backend `{backend}`"));
    };
    let model = if noise == "ideal" {
        None
    } else {
        match NoiseModel::named(&noise) {
            Some(m) => Some(m),
            None => return bad(format!("unknown noise model `{noise}`")),
        }
    };
    let seed = v["noise"]["seed"].as_u64().unwrap_or(0);
    let mut failure = fail;
    let mut results = Vec::new();
    for (k, c) in circuits.iter().enumerate() {
        let gates: std::result::Result<Vec<Gate>, String> = match c.as_array() {
            Some(a) => a.iter().map(parse_gate).collect(),
            None => Err("a circuit is not an array of gates".into()),
        };
        let gates = match gates.and_then(|g| check_gates(&g, qubits).map(|_| g)) {
            Ok(g) => g,
            Err(_) => {
                failure.get_or_insert_with(|| "PreflightError".into());
                results.push(Vec::new());
                continue;
            }
        };
        if qubits > o.max_qubits {
            failure.get_or_insert_with(|| "NotEnoughQubits".into());
            results.push(Vec::new());
            continue;
        }
        let probs = match &model {
            None => ideal_probabilities(qubits, &gates),
            Some(m) => noisy_shots(
                m,
                qubits,
                &gates,
                shots,
                quboflow::control::derive_seed(seed, k as u64),
                o.trajectories,
            ),
        };
        match probs {
            Ok(p) => results.push(p.into_iter().enumerate().filter(|e| e.1 > 0.0).collect()),
            Err(_) => {
                failure.get_or_insert_with(|| "SimulationError".into());
                results.push(Vec::new());
            }
        }
    }
    let metadata = v["metadata"].clone();
    s.creates.push(
        metadata["quboflow_client"]
            .as_str()
            .unwrap_or("")
            .to_string(),
    );
    let id = new_id(s);
    let order = s.counter;
    let mut job = Job {
        status: "submitted",
        metadata,
        shots,
        qubits,
        failure: failure.clone(),
        order,
        ..Default::default()
    };
    if results.len() == 1 {
        job.results = results.pop();
    } else {
        for r in results {
            let cid = new_id(s);
            s.jobs.insert(
                cid.clone(),
                Job {
                    status: "submitted",
                    shots,
                    qubits,
                    results: Some(r),
                    failure: failure.clone(),
                    ..Default::default()
                },
            );
            job.children.push(cid);
        }
    }
    s.jobs.insert(id.clone(), job);
    answer(
        200,
        json!({"id": id, "status": "submitted", "session_id": null}),
    )
}

/// Shots of a noisy circuit: trajectories averaged, readout applied, `shots` draws, and the
/// frequencies returned as probabilities (what a QPU's probabilities are).
fn noisy_shots(
    m: &NoiseModel,
    n: usize,
    gates: &[Gate],
    shots: u64,
    seed: u64,
    trajectories: usize,
) -> Result<Vec<f64>> {
    let (avg, _) = m.average_trajectories(n, gates, trajectories, seed, &|_| 0.0)?;
    let draws = sample_indices(
        &avg,
        shots as usize,
        quboflow::control::derive_seed(seed, u64::MAX),
    )?;
    let mut freq = vec![0.0; 1usize << n];
    for d in draws {
        freq[d] += 1.0 / shots.max(1) as f64;
    }
    Ok(freq)
}
